"""Give back a coin lying on the hand that the mask bit out.

The target photos often show a coin on the palm for scale, and the coin belongs to the cut-out.
The U-Net learned that from coins painted wholly inside the hand, and a coin there that it
hesitates on leaves a hole, which the hole filling closes. A coin that reaches the hand's edge
(on the palm's rim, across two fingers) is another matter: measured on
``benchmarks/make_coin_set.py --overhang`` (held-out 11k Hands hands on 2160x4000 canvases,
each with a drawn coin hanging over the hand's edge), the model left out part or all of the coin,
often the whole of it and not only the part over the table, on 33 of 80 photos, leaving a round
bite where no hole filling reaches.

A coin is easy to see by its shape: a disc with a sharp round edge. So the photo round the
mask is searched for circles of a coin's size (0.15-0.6 of the hand's largest inner radius,
which is about half the palm's width), and a circle is taken for a coin the mask bit out when
- less than ``inside`` of its disc is in the mask (a circle the mask already holds changes
  nothing; the knuckles and finger ends that look round to the circle finder lie there),
- at least ``around`` of a ring just outside it is hand: a coin on a hand is mostly
  surrounded by the hand, a round thing beside the hand (a cup, a button on a sleeve) by the
  table,
- its colour differs by at least ``contrast`` (CIELAB) from the hand's round it (metal, not a
  fold of skin that happens to look round) and from the table's round it, where the ring holds
  any table: the gap between a thumb and an index finger is as round, as surrounded by hand and
  as unlike skin as a coin, but what shows in it is the table (on the 684 ``hand_boxes``
  photos, without this rule, three such gaps were filled),
- it lies on a palm: its centre at most ``PALM_REACH`` palm lengths outside the outline of a
  hand's palm landmarks. A hand known only by its box gets no coin.
Such a circle's disc joins the mask. The cost, measured on validation: a silver coin on a white
table is often missed, and a round bead or a bite of a striped cloth beside a thumb can pass
every rule (docs/val_sweep_coins_*.json; on test, a thumb-index gap showing the hand's shadow
did too).

A coin lying whole on a palm raises a different problem: the U-Net mostly keeps the coin, but
seeing it, it often drops the skin between the coin and the photo's edge, and the crop then goes
to GrabCut, whose mask leaves finger gaps filled. So a coin found in a hand's first crop
(:func:`coins_to_paint`) is painted over in a copy of the photo with the skin round it
(:func:`paint_over`), and the hand is segmented from that copy; the coin step above still reads
the photo itself.
"""
from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

from detection.faces import PALM

#: the circle finder works on a copy scaled so the hand's largest inner radius is this many pixels
WORK_INNER = 48.0
#: ... and a view of the same photo made for an earlier mask of the hand is reused when its scale
#: is within this share of the one wanted (see :func:`coin_view`)
LIKE_SCALE = 0.03
#: coin radii searched, as shares of the hand's largest inner radius
RADII = (0.15, 0.6)
#: a circle more than this share inside the mask already is left alone
INSIDE = 0.9
#: at least this share of the ring round the circle (1.1-1.35 radii) must be hand
AROUND = 0.5
#: a coin's centre lies inside a palm's outline (landmarks 0, 1, 5, 9, 13, 17, which run inside
#: the palm's edge) or at most this many palm lengths outside it
PALM_REACH = 0.75
#: the last two joints of each finger and the thumb (IP/DIP and tip): one this close to a circle
#: found on the palm, in its radii, is a finger folded over the palm (see :func:`coins_to_paint`)
FINGER_ENDS = (3, 4, 7, 8, 11, 12, 15, 16, 19, 20)
FOLDED = 1.5
#: a circle at least this many palm lengths inside the palm's outline is painted over without the
#: table rule (see :func:`coins_to_paint`)
DEEP = 0.1
#: the painted disc's radius, in the coin's fitted radii (plus 2 px; see :func:`paint_over`)
PAINT_MARGIN = 1.15
#: CIELAB distance between the disc's colour and the hand's round it, and the table's (medians)
CONTRAST = 20.0
#: how round an edge the circle finder asks for (OpenCV's ``param2`` of ``HOUGH_GRADIENT_ALT``)
SENSITIVITY = 0.85
#: ... when it looks for coins the fingers' shadow rule must spare (:func:`coin_discs`): a round
#: edge it adds in error costs only the shadow left in its disc, a coin it misses can be cut
SPARE_SENSITIVITY = 0.8


@dataclass(frozen=True)
class CoinView:
    """A photo and a hand's mask as the circle finder reads them (:func:`coin_view`): made once,
    it serves every search of the same photo and mask (the strict and the loose one of
    :func:`coin_discs`), which would otherwise each scale the photo down again."""

    small: np.ndarray  #: the photo scaled by ``scale`` (RGB)
    hand: np.ndarray  #: the mask at ``small``'s size, bool
    scale: float
    inner: float  #: the hand's largest inner radius, in ``small``'s pixels


def coin_view(image_rgb: np.ndarray, mask: np.ndarray, like: CoinView | None = None) -> CoinView | None:
    """The photo scaled so the hand's largest inner radius is about :data:`WORK_INNER` pixels (a
    coin's size is judged against it), with the mask (uint8, 255 = hand) at the same size; None
    for a mask too small to hold a coin.

    ``like`` is a view of the same photo with an earlier mask of the same hand: when the scale
    comes out within :data:`LIKE_SCALE` of its, its scale and scaled photo are taken instead of
    scaling the photo again (the scaling is most of the cost: about 20 ms for a hand filling a
    2160x4000 photo, whose edge steps move its inner radius by a percent or so)."""
    fg = (mask > 0).astype(np.uint8)
    if cv2.countNonZero(fg) < 400:
        return None
    # the hand's largest inner radius, on a quarter-size copy (exact enough, and cheap)
    q = cv2.resize(fg, None, fx=0.25, fy=0.25, interpolation=cv2.INTER_AREA)
    inner = float(cv2.distanceTransform(np.pad(q, 1), cv2.DIST_L2, 5).max()) * 4.0
    if inner < 10:
        return None
    s = min(1.0, WORK_INNER / inner)
    if like is not None and abs(like.scale - s) <= LIKE_SCALE * s:
        s, small = like.scale, like.small
    else:
        small = cv2.resize(image_rgb, None, fx=s, fy=s, interpolation=cv2.INTER_AREA) if s < 1 else image_rgb
    hand = cv2.resize(fg, (small.shape[1], small.shape[0]), interpolation=cv2.INTER_AREA) > 0
    return CoinView(small, hand, s, inner * s)


def find_coins(image_rgb: np.ndarray, mask: np.ndarray, palms: list[np.ndarray], inside: float = INSIDE,
               around: float = AROUND, contrast: float = CONTRAST,
               reach: float = PALM_REACH, deep: float = np.inf,
               sensitivity: float = SENSITIVITY, view: CoinView | None = None) -> list[tuple[float, float, float]]:
    """``(cx, cy, radius)`` in ``mask``'s pixels of each coin the mask (uint8, 255 = hand) bit out
    on one of the ``palms`` (each hand's 21 landmarks, in the same pixels), its centre at most
    ``reach`` palm lengths outside a palm's outline. A circle at least ``deep`` palm lengths inside
    a palm's outline is not checked against the table (see :func:`coins_to_paint`). ``sensitivity``
    is the circle finder's threshold on how round an edge must be (OpenCV's ``param2``, 1 for a
    perfect circle)."""
    if not palms:
        return []
    if view is None:
        view = coin_view(image_rgb, mask)
    if view is None:
        return []
    small, hand, s, r_in = view.small, view.hand, view.scale, view.inner
    circles = cv2.HoughCircles(cv2.cvtColor(small, cv2.COLOR_RGB2GRAY), cv2.HOUGH_GRADIENT_ALT, dp=1.5,
                               minDist=0.3 * r_in, param1=300, param2=sensitivity,
                               minRadius=max(3, int(RADII[0] * r_in)), maxRadius=max(4, int(RADII[1] * r_in)))
    if circles is None:
        return []
    lab = cv2.cvtColor(small, cv2.COLOR_RGB2LAB).astype(np.float32)
    found = []
    for cx, cy, r in circles[0]:
        centre = (int(round(cx)), int(round(cy)))
        disc = _annulus(hand.shape, centre, r)
        ring = _annulus(hand.shape, centre, 1.35 * r, 1.1 * r)
        if not disc.any() or not ring.any() or hand[disc].mean() >= inside or hand[ring].mean() < around:
            continue
        core = _annulus(hand.shape, centre, 0.8 * r)
        skin = ring & hand
        if core.sum() < 5 or skin.sum() < 5:
            continue
        metal = np.median(lab[core], 0)
        if np.linalg.norm(metal - np.median(lab[skin], 0)) < contrast:
            continue
        # the table round it, where there is any: the gap between a thumb and an index finger is
        # as round, as surrounded by hand and as unlike skin as a coin, but it is the table
        on_palm = max(_on_palm(points, float(cx) / s, float(cy) / s) for points in palms)
        if on_palm < -reach:
            continue
        table = _annulus(hand.shape, centre, 1.6 * r, 1.1 * r) & ~hand
        if on_palm < deep and table.sum() >= 5 and np.linalg.norm(metal - np.median(lab[table], 0)) < contrast:
            continue
        found.append(_sharpen(image_rgb, float(cx) / s, float(cy) / s, float(r) / s))
    return found


def _annulus(shape: tuple[int, int], centre: tuple[int, int], outer: float, inner: float = 0.0) -> np.ndarray:
    """Bool ``shape``: the pixels within ``outer`` of ``centre`` and not within ``inner`` (a disc
    when ``inner`` is 0), radii rounded to whole pixels as ``cv2.circle`` draws them."""
    out = np.zeros(shape, np.uint8)
    cv2.circle(out, centre, int(round(outer)), 1, -1)
    if inner > 0:
        cv2.circle(out, centre, int(round(inner)), 0, -1)
    return out > 0


def _on_palm(points: np.ndarray, x: float, y: float) -> float:
    """How far ``(x, y)`` lies inside the palm's outline (landmarks 0, 1, 5, 9, 13, 17), in palm
    lengths (wrist to middle knuckle); negative outside."""
    palm = max(float(np.linalg.norm(points[9] - points[0])), 1.0)
    hull = cv2.convexHull(points[list(PALM)].astype(np.float32))
    return cv2.pointPolygonTest(hull, (x, y), True) / palm


def _sharpen(image_rgb: np.ndarray, cx: float, cy: float, r: float) -> tuple[float, float, float]:
    """The circle with its radius fitted to the coin's edge in the full-resolution photo.

    The circle finder sees the hand at about 100 px across, so its radius can be a working pixel
    short (a coin's raised rim is a second circle just inside its edge): at 2160x4000 that is 6
    px, a sliver of coin left out all round. The edge is where the photo's gradient along the
    circle is strongest, searched from 0.85 to 1.2 of the found radius.
    """
    h, w = image_rgb.shape[:2]
    reach = int(np.ceil(1.25 * r)) + 2
    x0, y0 = max(0, int(cx) - reach), max(0, int(cy) - reach)
    x1, y1 = min(w, int(cx) + reach + 1), min(h, int(cy) + reach + 1)
    grey = cv2.cvtColor(np.ascontiguousarray(image_rgb[y0:y1, x0:x1]), cv2.COLOR_RGB2GRAY).astype(np.float32)
    grad = cv2.magnitude(cv2.Sobel(grey, cv2.CV_32F, 1, 0, ksize=3), cv2.Sobel(grey, cv2.CV_32F, 0, 1, ksize=3))
    angles = np.linspace(0, 2 * np.pi, 120, endpoint=False)
    best, best_r = -1.0, r
    for rr in np.arange(0.85 * r, 1.2 * r, max(0.5, r / 100)):
        xs = np.clip(np.round(cx - x0 + rr * np.cos(angles)).astype(int), 0, grad.shape[1] - 1)
        ys = np.clip(np.round(cy - y0 + rr * np.sin(angles)).astype(int), 0, grad.shape[0] - 1)
        score = float(grad[ys, xs].mean())
        if score > best:
            best, best_r = score, float(rr)
    return cx, cy, best_r


def keep_coins(image_rgb: np.ndarray, mask: np.ndarray, palms: list[np.ndarray],
               view: CoinView | None = None) -> np.ndarray:
    """``mask`` (uint8, 255 = hand) with each coin it bit out on one of the ``palms``
    (:func:`find_coins`) filled in; ``mask`` itself when there is none. ``view`` is
    :func:`coin_view` of the same photo and mask, if the caller made one."""
    coins = find_coins(image_rgb, mask, palms, view=view)
    if not coins:
        return mask
    out = mask.copy()
    for cx, cy, r in coins:
        cv2.circle(out, (int(round(cx)), int(round(cy))), int(round(r)), 255, -1)
    return out


def coin_discs(image_rgb: np.ndarray, mask: np.ndarray, palms: list[np.ndarray], grow: float = 1.25,
               strict: bool = True, view: CoinView | None = None) -> np.ndarray | None:
    """Bool plane of ``mask``'s shape, True on each coin (:func:`find_coins`) the mask holds or bit
    out, its disc grown by ``grow``; None when there is none. For the steps that take grey out
    of a mask (the fingers' shadow, a gap between fingers the colour of a silver coin) and must
    leave a silver coin alone.

    ``strict=False`` takes any round thing of a coin's size on or near a palm: without the colour
    and surround rules, and with a less strict circle finder. Those rules are there to keep
    :func:`keep_coins` from adding a gap between two fingers to the hand, and they refuse many
    true coins (a silver coin on a white table is the table's colour; a brass one is the skin's).
    A loose disc is for the shadow rule only, where a disc marked in error costs just the shadow
    left in it. ``view`` is :func:`coin_view` of the same photo and mask, made once for both
    searches.
    """
    if strict:
        coins = find_coins(image_rgb, mask, palms, inside=1.01, view=view)
    else:
        coins = find_coins(image_rgb, mask, palms, inside=1.01, around=0.0, contrast=0.0,
                           sensitivity=SPARE_SENSITIVITY, view=view)
    if not coins:
        return None
    out = np.zeros(mask.shape, np.uint8)
    for cx, cy, r in coins:
        cv2.circle(out, (int(round(cx)), int(round(cy))), int(round(grow * r)), 1, -1)
    return out > 0


def coins_to_paint(crop: np.ndarray, soft: np.ndarray, points: np.ndarray, matrix: np.ndarray,
                   image_rgb: np.ndarray, threshold: float,
                   deep: float = DEEP) -> list[tuple[float, float, float, tuple[int, ...]]]:
    """``(x, y, radius, skin)`` in ``image_rgb``'s pixels of each coin lying on the palm in a
    hand's crop (``crop``, its soft mask ``soft``, the hand's landmarks ``points`` in the crop's
    pixels, ``matrix`` the image-to-crop affine of ``segmentation.crops.crop_matrix``, a scale and
    a shift), with the median RGB of the skin round it.

    Why: a coin lying whole on the hand is kept (the hole filling closes it), but the U-Net,
    seeing it, often drops the skin between the coin and the photo's edge as well; the
    landmark check then hands the crop to GrabCut, which leaves finger gaps filled (measured on
    ``make_coin_set.py``: IoU / boundary F1 0.976 / 0.944 without coins, 0.972 / 0.935 with).
    The coin is found as :func:`find_coins` finds one, but whether the mask holds it or not, and
    only with its centre inside the palm's outline: there a round thing unlike the skin and the
    table round it is a coin; further out, the side of a thumb's
    base against a dark table passed for one on validation. A circle with a fingertip or a
    finger's last joint within 1.5 of its radii is a finger folded over the palm, not a coin
    lying on it: on an HGR test photo the white-tipped nail of a thumb pressed to a ring finger
    was painted over (a rule added after that test run, see docs/pipeline_steps.md). A circle ``deep`` palm
    lengths or more inside the outline skips the table rule: no gap between fingers lies there,
    and on validation the "table" beside a pale silver coin was skin the model had dropped, as
    light as the coin.
    """
    hard = (soft > threshold).astype(np.uint8) * 255
    found = []
    for cx, cy, r in find_coins(crop, hard, [points], inside=1.01, reach=0.0, deep=deep):
        if np.hypot(*(points[list(FINGER_ENDS)] - (cx, cy)).T).min() < FOLDED * r:
            continue  # a fingertip folded over the palm, its nail round and pale: not a coin on it
        skin = _annulus(hard.shape, (int(round(cx)), int(round(cy))), 1.6 * r, 1.15 * r) & (hard > 0)
        if skin.sum() < 5:
            continue
        colour = tuple(int(v) for v in np.median(crop[skin], 0))
        x = (cx - matrix[0, 2]) / matrix[0, 0]
        y = (cy - matrix[1, 2]) / matrix[1, 1]
        found.append((*_sharpen(image_rgb, x, y, r / matrix[0, 0]), colour))
    return found


def paint_over(image_rgb: np.ndarray, coins: list[tuple[float, float, float, tuple[int, ...]]],
               margin: float = PAINT_MARGIN) -> np.ndarray:
    """A copy of ``image_rgb`` with each coin painted over, ``margin`` of its radius (plus 2 px)
    out, in the flat colour of the skin round it: to the U-Net, a hand without a coin. The painted
    disc joins the mask as skin would, which is what a coin lying on the hand should do. The
    margin is wide because the fitted radius can be the coin's raised rim, or the short axis of a
    coin seen a little tilted: at 1.04 a crescent of coin showed past the paint on validation."""
    out = image_rgb.copy()
    for x, y, r, colour in coins:
        cv2.circle(out, (int(round(x)), int(round(y))), int(round(margin * r)) + 2, colour, -1, cv2.LINE_AA)
    return out
