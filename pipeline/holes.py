"""Which small holes in a hand's mask are background seen through the hand, and stay open.

The pipeline fills every enclosed hole under :attr:`PipelineConfig.hole_fraction` of the hand
(:func:`pipeline.refine.fill_holes`): a coin lying on the palm, a ring or a painted nail that
the model hesitated on leaves one, and a coin on a 2160x4000 photo of an open hand is up to 5 %
of it. But a thumb and a finger closed into a ring (an "OK" sign, HGR's F, G, O and S gestures)
enclose the background too, and that hole is as small: on the validation scenes the filled
rings were 2-6 % of their hands, and every one was filled.

The landmarks and the colours tell the two apart. A coin, a ring or a nail lies on the hand
itself, on the palm or along a finger's bones (the hand's landmark shape,
:func:`detection.faces.hand_shape`), while the ring of a thumb and finger lies between their
bones. And what a ring shows is the background round the hand: so a hole mostly outside the
hand's shape whose pixels mostly have the colour of the background nearby (and are nearer it
than the skin round the hole) stays open. Colours are CIELAB with lightness counted at a
quarter (:mod:`pipeline.lab`), as the background seen through a ring of fingers is often in
their shade. A silver coin between two fingers on a white table has the table's colour and
would be left open, unless the coin step (:mod:`pipeline.coins`), which runs before, found it.

The U-Net fills such a ring itself about as often as it leaves it open, and then there is no
hole to judge: :func:`filled_rings` finds the ring from the landmarks (a thumb's end touching
the index or middle finger's) and cuts what inside it has the background's colour, by the same
test.
"""
from __future__ import annotations

from collections.abc import Callable, Sequence

import cv2
import numpy as np

from detection.faces import hand_outline, hand_shape_plane, wrist_axis
from pipeline.lab import shade_distance, to_lab

#: a hole is judged only when less than this share of it lies in the hand's landmark shape
ON_HAND = 0.5
#: ... and at least this share within the hull of its landmarks (grown by
#: :data:`OUTLINE_REACH` palm lengths): among the fingers, not down the forearm, where a dark
#: watch face the model left out may have the colour of a dark table
AMONG_FINGERS = 0.5
OUTLINE_REACH = 0.1
#: ... and at least this big, in square palm lengths (wrist to middle knuckle): a pinhole
#: is filled whatever its colour (a mole, a speck of dirt), as a cut-out wants no pinholes
MIN_AREA = 0.01
#: a hole pixel is background-coloured within this distance of a background colour (CIELAB,
#: lightness at :data:`LIGHTNESS_WEIGHT`) and nearer it than the skin round the hole
BACKGROUND_COLOUR = 12.0
#: ... and a hole stays open when at least this share of its pixels are
BACKGROUND_SHARE = 0.5
#: lightness's weight in the colour distances: the background inside a ring of fingers is in
#: their shade
LIGHTNESS_WEIGHT = 0.25
#: the background is read as up to this many colours (stripes, a print)
GROUND_COLOURS = 3
#: at least this many pixels of background and of skin to judge a hole by; fewer, it is filled
MIN_SAMPLES = 30
#: at most this many background pixels are clustered (evenly spread)
MAX_SAMPLES = 3000

#: ``keep_open(mask, hole, x, y)``: ``mask`` the whole 0/1 mask, ``hole`` a bool plane of the
#: hole's bounding rectangle, whose top-left corner is ``(x, y)`` in the mask
HoleJudge = Callable[[np.ndarray, np.ndarray, int, int], bool]


def _ground_colours(lab: np.ndarray) -> np.ndarray:
    """``K x 3`` CIELAB colours of the background samples ``lab`` (``N x 3``)."""
    if len(lab) > MAX_SAMPLES:
        lab = lab[:: -(-len(lab) // MAX_SAMPLES)]
    k = min(GROUND_COLOURS, len(lab) // MIN_SAMPLES)
    if k <= 1:
        return np.median(lab, axis=0, keepdims=True)
    criteria = (cv2.TERM_CRITERIA_EPS + cv2.TERM_CRITERIA_MAX_ITER, 20, 0.5)
    cv2.setRNGSeed(0)
    _, _, centres = cv2.kmeans(np.ascontiguousarray(lab, np.float32), k, None, criteria, 2, cv2.KMEANS_PP_CENTERS)
    return centres


def background_holes(image_rgb: np.ndarray, palms: Sequence[np.ndarray]) -> HoleJudge | None:
    """A judge for :func:`pipeline.refine.fill_holes` that keeps open the holes showing the
    background between a thumb and a finger (see the module's docstring); ``image_rgb`` is the
    photo in the mask's pixels and ``palms`` each hand's 21 landmarks in the same pixels. None
    without landmarks: every small hole is filled, as before."""
    axes = [wrist_axis(points) for points in palms]
    if not palms or any(axis is None for axis in axes):
        return None
    min_area = MIN_AREA * min(axis[1] for axis in axes) ** 2
    planes: list[np.ndarray] = []  # the hands' shapes and their landmarks' hulls, drawn once

    def hand(mask_shape: tuple[int, int]) -> tuple[np.ndarray, np.ndarray]:
        if not planes:
            shape, hull = np.zeros(mask_shape, np.uint8), np.zeros(mask_shape, np.uint8)
            for points in palms:
                shape |= hand_shape_plane(mask_shape, points)
                cv2.fillConvexPoly(hull, np.round(hand_outline(points, OUTLINE_REACH)).astype(np.int32), 1)
            planes.extend((shape, hull))
        return planes[0], planes[1]

    def keep_open(mask: np.ndarray, hole: np.ndarray, x: int, y: int) -> bool:
        h, w = hole.shape
        area = np.count_nonzero(hole)
        if area < min_area:
            return False
        shape, hull = hand(mask.shape)
        if np.count_nonzero(shape[y:y + h, x:x + w][hole]) >= ON_HAND * area:
            return False  # on the palm or a finger: a coin, a ring, a nail
        if np.count_nonzero(hull[y:y + h, x:x + w][hole]) < AMONG_FINGERS * area:
            return False  # down the forearm: a watch
        grow = max(h, w)
        H, W = mask.shape
        x0, y0, x1, y1 = max(0, x - grow), max(0, y - grow), min(W, x + w + grow), min(H, y + h + grow)
        m = mask[y0:y1, x0:x1] > 0
        inside = np.zeros(m.shape, bool)
        inside[y - y0:y - y0 + h, x - x0:x - x0 + w] = hole
        rim = max(2, grow // 10)  # the skin round the hole
        near_hole = cv2.dilate(inside.view(np.uint8), np.ones((2 * rim + 1, 2 * rim + 1), np.uint8)) > 0
        lab = to_lab(image_rgb[y0:y1, x0:x1])
        colours = _ground_and_skin(lab, m, near_hole, inside)
        if colours is None:
            return False
        core = cv2.erode(inside.view(np.uint8), np.ones((3, 3), np.uint8)) > 0  # off the blended rim
        if np.count_nonzero(core) < MIN_SAMPLES // 3:
            core = inside
        return bool(_like_ground(lab[core], *colours).mean() >= BACKGROUND_SHARE)

    return keep_open


#: the fingers a thumb closes a ring with (index, middle): their landmark chains
RING_FINGERS = ((5, 6, 7, 8), (9, 10, 11, 12))
#: a ring is closed when the thumb's last joint or tip lies within this many palm lengths of
#: the finger's last joint or tip
RING_CLOSED = 0.35


def _ground_and_skin(lab: np.ndarray, mask: np.ndarray, skin_zone: np.ndarray,
                     judged: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray] | None:
    """The background's colours (``K x 3``) round a hand in a window (``lab``, ``mask`` bool,
    both the window's) off the mask's blended rim and off the ``judged`` pixels, and the median
    colour of the mask in ``skin_zone``; None with too few samples of either."""
    ground = ~(cv2.dilate(mask.view(np.uint8), np.ones((5, 5), np.uint8)) > 0)
    if judged is not None:
        ground &= ~judged
    skin = mask & skin_zone
    if np.count_nonzero(ground) < MIN_SAMPLES or np.count_nonzero(skin) < MIN_SAMPLES:
        return None
    return _ground_colours(lab[ground]), np.median(lab[skin], axis=0)


def _like_ground(pix: np.ndarray, colours: np.ndarray, skin: np.ndarray) -> np.ndarray:
    """Per CIELAB pixel: within :data:`BACKGROUND_COLOUR` of a background colour and nearer it
    than the skin's."""
    to_ground = np.min([shade_distance(pix, c, LIGHTNESS_WEIGHT) for c in colours], axis=0)
    return (to_ground < BACKGROUND_COLOUR) & (to_ground < shade_distance(pix, skin, LIGHTNESS_WEIGHT))


def filled_rings(image_rgb: np.ndarray, mask: np.ndarray, points: np.ndarray) -> np.ndarray | None:
    """Bool plane of ``mask``'s shape: the mask's pixels inside a ring this hand's thumb closes
    with its index or middle finger (``points``, its 21 landmarks in the mask's pixels) that have
    the background's colour, in pieces of at least :data:`MIN_AREA`; None when there is none.

    The U-Net fills such a ring itself as often as it leaves it open (half the ring pixels
    filled on the validation scenes, the hole filling aside). Inside the ring, off the hand's
    landmark shape, what has the colour of the background round the hand is that background.
    """
    axis = wrist_axis(points)
    if axis is None:
        return None
    min_area = MIN_AREA * axis[1] ** 2
    ring_closed = RING_CLOSED * axis[1]
    H, W = mask.shape
    out = None
    for finger in RING_FINGERS:
        thumb_end, finger_end = points[[3, 4]], points[list(finger[-2:])]
        if np.min(np.linalg.norm(thumb_end[:, None] - finger_end[None], axis=2)) > ring_closed:
            continue
        ring = np.vstack([points[[1, 2, 3, 4]], points[list(finger[::-1])]])
        x0, y0 = np.floor(ring.min(axis=0)).astype(int)
        x1, y1 = np.ceil(ring.max(axis=0)).astype(int) + 1
        grow = max(x1 - x0, y1 - y0) // 2
        x0, y0, x1, y1 = max(0, x0 - grow), max(0, y0 - grow), min(W, x1 + grow), min(H, y1 + grow)
        if x1 - x0 < 4 or y1 - y0 < 4:
            continue
        at = np.array([x0, y0])
        inside = np.zeros((y1 - y0, x1 - x0), np.uint8)
        cv2.fillPoly(inside, [np.round(ring - at).astype(np.int32)], 1)
        on_hand = hand_shape_plane(inside.shape, points - at) > 0  # drawn in the window only
        m = mask[y0:y1, x0:x1] > 0
        candidates = (inside > 0) & ~on_hand & m
        if np.count_nonzero(candidates) < min_area:
            continue
        lab = to_lab(image_rgb[y0:y1, x0:x1])
        colours = _ground_and_skin(lab, m, on_hand)
        if colours is None:
            continue
        ys, xs = np.nonzero(candidates)
        like = _like_ground(lab[ys, xs], *colours)
        piece = np.zeros(m.shape, np.uint8)
        piece[ys[like], xs[like]] = 1
        # single pixels either way are JPEG noise: a crumb of hand left in the ring, a fleck of
        # background-coloured skin
        piece = cv2.morphologyEx(piece, cv2.MORPH_CLOSE, np.ones((3, 3), np.uint8)) & candidates
        piece = cv2.morphologyEx(piece.astype(np.uint8), cv2.MORPH_OPEN, np.ones((3, 3), np.uint8))
        n, labels, stats, _ = cv2.connectedComponentsWithStats(piece, connectivity=8)
        big = np.zeros(n, bool)
        big[1:] = stats[1:, cv2.CC_STAT_AREA] >= min_area
        if not big[1:].any():
            continue
        if out is None:
            out = np.zeros(mask.shape, bool)
        out[y0:y1, x0:x1] |= big[labels]
    return out
