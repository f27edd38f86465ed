"""Turning a pasted-back soft mask into a clean full-resolution mask and alpha.

Each helper is pure (returns a new array) so it can be tested on a hand-drawn mask.
"""
from __future__ import annotations

from typing import TYPE_CHECKING

import cv2
import numpy as np

if TYPE_CHECKING:
    from pipeline.holes import HoleJudge


#: Points per row when the band's pixels are folded into a map for cv2.remap.
_REMAP_ROW = 8192


def above(plane: np.ndarray, threshold: float) -> np.ndarray:
    """``uint8`` 0/255 where ``plane > threshold``.

    ``cv2.compare`` is several times faster than numpy on a 2160x4000 plane, but it takes a 1x1
    array for a scalar and refuses it, so a one-pixel image goes through numpy.
    """
    if plane.size == 1:
        return np.where(plane > threshold, np.uint8(255), np.uint8(0))
    return cv2.compare(plane, threshold, cv2.CMP_GT)


def _box(x: np.ndarray, r: int) -> np.ndarray:
    return cv2.boxFilter(x, -1, (2 * r + 1, 2 * r + 1), borderType=cv2.BORDER_REFLECT)


def row_dot(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Row-wise dot product of two ``N x 3`` arrays (of their first three columns), in the order numpy's sum takes (a row
    reduction over three columns is several times slower than the three products added)."""
    return a[:, 0] * b[:, 0] + a[:, 1] * b[:, 1] + a[:, 2] * b[:, 2]


def guided_refine(
    image_rgb: np.ndarray, soft: np.ndarray, radius: int, eps: float = 1e-3, subsample: int = 0,
    band: tuple[float, float] = (0.02, 0.98),
) -> np.ndarray:
    """Snap an upsampled soft mask to the image's real edges with a colour guided filter.

    The U-Net sees the hand at ~256 px; upsampled to a 4000 px photo its edge is a smooth blur a
    dozen pixels wide. A guided filter with the photo as guide re-draws that edge where the
    colours actually change, which bilinear upsampling alone cannot do. This is He & Sun's *fast*
    guided filter: the linear coefficients are fitted on a copy subsampled by ``subsample``
    (default: the radius, i.e. about the crop's own resolution) and applied at full resolution, so a 24 MP photo costs about what a
    1 MP one does, and memory stays a few full-size float planes.

    Args:
        image_rgb: ``HxWx3 uint8`` guide.
        soft: ``HxW float32`` in [0, 1].
        radius: filter window radius in full-resolution pixels (about the upsampling factor).
        eps: regularisation on the [0, 1] intensity scale; smaller follows image edges more closely.
        subsample: fitting resolution divisor; 1 = exact guided filter.
        band: only pixels whose soft value lies strictly inside this range are re-evaluated.
    """
    if radius < 1 or soft.size == 0:
        return soft.copy()
    h, w = soft.shape
    s = subsample or max(1, radius)
    lw, lh = max(1, w // s), max(1, h // s)
    r = max(1, round(radius / s))
    # An exact integer reduction factor: OpenCV's area resize is ten times faster then. The last
    # few (< s) rows and columns are left out of the fit and take the nearest coefficients.
    guide = cv2.resize(image_rgb[:lh * s, :lw * s], (lw, lh), interpolation=cv2.INTER_AREA).astype(np.float32) / 255.0
    p = cv2.resize(soft[:lh * s, :lw * s].astype(np.float32), (lw, lh), interpolation=cv2.INTER_AREA)
    sx, sy = lw / min(w, lw * s), lh / min(h, lh * s)
    mean_i = _box(guide, r)
    mean_p = _box(p, r)
    cov_ip = _box(guide * p[..., None], r) - mean_i * mean_p[..., None]
    # 3x3 colour covariance per pixel, regularised, solved in closed form
    ii = guide[..., :, None] * guide[..., None, :]
    var = _box(ii.reshape(lh, lw, 9), r).reshape(lh, lw, 3, 3) - mean_i[..., :, None] * mean_i[..., None, :]
    var += eps * np.eye(3, dtype=np.float32)
    a = _solve_sym3(var, cov_ip)
    b = mean_p - (a * mean_i).sum(axis=2)
    coef = np.dstack([_box(a, r), _box(b, r)]).astype(np.float32)  # lh x lw x 4: (a_r, a_g, a_b, b)
    # Only the uncertain band of the upsampled mask can change side of the threshold; evaluating
    # the filter there alone keeps a 24 MP photo cheap. Elsewhere the mask is already decided.
    out = soft.astype(np.float32, copy=True)
    lo = float(np.nextafter(np.float32(band[0]), np.float32(1)))
    hi = float(np.nextafter(np.float32(band[1]), np.float32(0)))
    points = cv2.findNonZero(cv2.inRange(out, lo, hi))
    if points is None:
        return out
    xs, ys = points[:, 0, 0], points[:, 0, 1]
    # bilinear lookup of the coefficients at the band's pixels
    c = _sample(coef, xs, ys, sx, sy)
    flat = ys.astype(np.int64) * w + xs
    rgb = np.take(image_rgb.reshape(-1, 3), flat, axis=0).astype(np.float32)
    q = row_dot(c, rgb) * np.float32(1 / 255) + c[:, 3]
    out.reshape(-1)[flat] = np.clip(q, 0.0, 1.0)
    return out


def _sample(plane: np.ndarray, xs: np.ndarray, ys: np.ndarray, sx: float, sy: float) -> np.ndarray:
    """``N x C``: a low-resolution ``plane`` (at most 4 channels) looked up bilinearly at the
    full-resolution pixels ``(xs, ys)``, which it covers at ``sx, sy`` of their scale (centres
    aligned as cv2.resize aligns them), by one cv2.remap call; remap wants maps under 32767 on
    a side, so the list of points is folded into rows."""
    n = len(xs)
    pad = -n % _REMAP_ROW
    map_x = np.pad((xs + 0.5) * sx - 0.5, (0, pad)).astype(np.float32).reshape(-1, _REMAP_ROW)
    map_y = np.pad((ys + 0.5) * sy - 0.5, (0, pad)).astype(np.float32).reshape(-1, _REMAP_ROW)
    out = cv2.remap(plane, map_x, map_y, cv2.INTER_LINEAR, borderMode=cv2.BORDER_REPLICATE)
    return out.reshape(-1, plane.shape[2] if plane.ndim == 3 else 1)[:n]


def _solve_sym3(m: np.ndarray, v: np.ndarray) -> np.ndarray:
    """``x`` with ``m @ x = v`` per pixel, for symmetric positive definite 3x3 ``m`` (``...x3x3``).

    The adjugate in closed form, in float64: five times faster than ``np.linalg.solve``'s batched
    LU on the fit grid, and as exact for these well-conditioned (eps-regularised) systems.
    """
    m = m.astype(np.float64)
    a, b, c = m[..., 0, 0], m[..., 0, 1], m[..., 0, 2]
    d, e, f = m[..., 1, 1], m[..., 1, 2], m[..., 2, 2]
    i00, i01, i02 = d * f - e * e, c * e - b * f, b * e - c * d
    i11, i12, i22 = a * f - c * c, b * c - a * e, a * d - b * b
    det = a * i00 + b * i01 + c * i02
    v0, v1, v2 = (v[..., k].astype(np.float64) for k in range(3))
    x = np.stack([i00 * v0 + i01 * v1 + i02 * v2,
                  i01 * v0 + i11 * v1 + i12 * v2,
                  i02 * v0 + i12 * v1 + i22 * v2], axis=-1) / det[..., None]
    return x.astype(np.float32)


def _overlapping(labels: np.ndarray, region: np.ndarray, n: int, stats: np.ndarray) -> np.ndarray:
    """Per component (labels 1..n-1): does it have a pixel inside ``region`` (bool)?

    Decided from each component's bounding box where that suffices (a box wholly inside or
    wholly outside the region); only a component whose box straddles the region's edge (a hand
    with its forearm leaving the hand's box) is looked at pixel by pixel, within its box.
    """
    hit = np.zeros(n - 1, bool)
    for k in range(1, n):
        x, y, w, h = stats[k, :4]
        inside = region[y:y + h, x:x + w]
        if not inside.any():
            continue
        hit[k - 1] = inside.all() or bool((inside & (labels[y:y + h, x:x + w] == k)).any())
    return hit


def remove_specks(mask: np.ndarray, min_fraction: float = 0.02, keep: np.ndarray | None = None,
                  anchor: np.ndarray | None = None) -> np.ndarray:
    """Drop connected components smaller than ``min_fraction`` of the largest one.

    Args:
        mask: ``HxW`` uint8 0/255.
        min_fraction: relative area under which a component is a speck; two hands of similar
            size both survive, crumbs of background do not.
        keep: optional boolean ``HxW``; components overlapping it are always kept.
        anchor: optional boolean ``HxW`` (the detected hands' boxes); only components
            overlapping it count at all, whatever their size, and "largest" means the largest
            of those. A hand, and the arm joined to it, always touches its box; a blob the
            model imagined in an empty corner of a grown crop does not.
    """
    m = (mask > 0).astype(np.uint8)
    n, labels, stats, _ = cv2.connectedComponentsWithStats(m, connectivity=8)
    if n <= 2 and anchor is None:
        return m * 255
    areas = stats[1:, cv2.CC_STAT_AREA]
    ok = np.ones(n - 1, bool) if anchor is None else _overlapping(labels, anchor, n, stats)
    if ok.any():
        ok &= areas >= min_fraction * areas[ok].max()
    if keep is not None:
        ok |= _overlapping(labels, keep, n, stats)
    return _set_components(m * np.uint8(255), labels, stats, np.flatnonzero(~ok) + 1, 0)


def _set_components(out: np.ndarray, labels: np.ndarray, stats: np.ndarray, which: np.ndarray,
                    value: int) -> np.ndarray:
    """``out`` with the pixels of components ``which`` set to ``value``, each within its own
    bounding box: on a big photo the components changed are few and small (specks, holes), and a
    lookup over every pixel cost tens of milliseconds."""
    for k in which:
        x, y, w, h = stats[k, :4]
        window = out[y:y + h, x:x + w]
        window[labels[y:y + h, x:x + w] == k] = value
    return out


def fill_holes(mask: np.ndarray, max_fraction: float = 0.05, keep_open: HoleJudge | None = None) -> np.ndarray:
    """Fill enclosed background regions smaller than ``max_fraction`` of the mask's area, except
    those ``keep_open(mask01, hole, x, y)`` says are background seen through the hand (the ring
    of a thumb and finger, :func:`pipeline.holes.background_holes`).

    Coins, rings and nail polish that the model hesitates on leave enclosed holes; gaps between
    spread fingers are open to the background (they reach the image border through background),
    so they are never enclosed and never filled. A large enclosed hole (a thumb-and-finger
    ring) is real and stays.

    The holes are found as contours (OpenCV's border following: hand 8-connected, holes
    4-connected) rather than by labelling every background pixel: a hand's holes are few and
    small, and on a 2160x4000 photo labelling cost about 35 ms against a few for the contours.
    Each hole's area is its count of background pixels, so the rule is the labelling's exactly.
    """
    m = (mask > 0).astype(np.uint8)
    area = cv2.countNonZero(m)
    out = m * np.uint8(255)
    if area == 0:
        return out
    contours, hierarchy = cv2.findContours(m, cv2.RETR_TREE, cv2.CHAIN_APPROX_SIMPLE)
    if hierarchy is None:
        return out
    links = hierarchy[0]  # per contour: next, previous, first child, parent
    depth: dict[int, int] = {}  # 0 for an outer border, 1 for a hole in it, 2 for an island in that...
    for i in range(len(contours)):
        path, j = [], i
        while j >= 0 and j not in depth:
            path.append(j)
            j = links[j][3]
        d = depth.get(j, -1)
        for k in reversed(path):
            d += 1
            depth[k] = d
    limit = max_fraction * area
    for i in (k for k in range(len(contours)) if depth[k] % 2 == 1):  # odd depth: a hole's border
        x, y, w, h = cv2.boundingRect(contours[i])
        inside = np.zeros((h, w), np.uint8)
        cv2.drawContours(inside, contours, int(i), 1, -1, offset=(-x, -y))
        child = links[i][2]
        while child >= 0:  # islands of hand in the hole, with whatever they hold, are not the hole
            cv2.drawContours(inside, contours, int(child), 0, -1, offset=(-x, -y))
            child = links[child][0]
        hole = (inside > 0) & (m[y:y + h, x:x + w] == 0)
        if np.count_nonzero(hole) <= limit and not (keep_open is not None and keep_open(m, hole, x, y)):
            out[y:y + h, x:x + w][hole] = 255
    return out


def soft_alpha(soft: np.ndarray, mask: np.ndarray, threshold: float = 0.5, band: float = 0.25,
               matte: np.ndarray | None = None) -> np.ndarray:
    """Anti-aliased alpha that agrees with the cleaned mask.

    Inside the mask and far from its edge alpha is 255, outside 0; within one or two pixels of
    the edge it follows the refined probability around the threshold, so the cut-out edge is
    smooth instead of a binary staircase. ``matte`` (``uint8``, from :func:`colour_edge`) caps
    the edge pixels at their share of hand by colour: a kept pixel half hand and half dark seat is
    then half transparent (and recoloured from the hand by ``render.decontaminate``) instead of an
    opaque dark outline, never under half, so the alpha still agrees with the mask; and a pixel
    beside the mask that is plainly background gets no haze of the probability's tail.
    """
    m = (mask > 0).astype(np.uint8)
    k = np.ones((3, 3), np.uint8)
    edge = (cv2.dilate(m, k, iterations=2) > 0) & (cv2.erode(m, k, iterations=2) == 0)
    alpha = m * np.uint8(255)
    # only the thin edge band is computed in float: the rest of a 24 MP plane is already decided
    kept = m[edge] > 0
    ramp = np.clip((soft[edge] - threshold) / band + 0.5, 0.0, 1.0)
    if matte is not None:
        ramp = np.minimum(ramp, matte[edge] / np.float32(255.0))
    # the cleaned mask decides: pixels it kept stay at least half opaque, pixels it removed stay transparent
    ramp = np.where(kept, np.maximum(ramp, 0.5), np.minimum(ramp, 0.49))
    alpha[edge] = np.round(ramp * 255).astype(np.uint8)
    return alpha


#: a pixel of the edge band changes side only when its share of hand is at most this (to
#: background) or at least one minus this (to hand); in between, shading or blur, the mask decides
COLOUR_EDGE_SURE = 0.25
#: the shares are smoothed by this much (pixels) first, so single pixels do not flip and fray the edge
COLOUR_EDGE_SIGMA = 1.0
#: how far (pixels) a JPEG's half-resolution colour carries the skin's hue into a dark background
COLOUR_EDGE_BLEED = 2


def chromaticity(rgb: np.ndarray) -> np.ndarray:
    """``N x 3`` colour over brightness: the hue and saturation left when shade dims a colour.
    The constant keeps near-black pixels, whose hue is noise, near grey."""
    return rgb / ((rgb[:, 0] + rgb[:, 1] + rgb[:, 2])[:, None] + 30.0)


def hand_shares(pix: np.ndarray, hand: np.ndarray, ground: np.ndarray,
                min_contrast: float, hue: bool = True) -> tuple[np.ndarray, np.ndarray]:
    """Each pixel's share of hand, as a blend of the hand's and the background's colour near
    it (``N x 3`` float arrays each, or ``1 x 3`` for one colour of all): its projection on the
    line between the two. And whether
    that share is to be trusted: the two colours differ by ``min_contrast`` (RGB distance), the
    pixel lies near the line between them, and its chromaticity agrees (a pixel is only taken
    for background if its chromaticity is nearer the background's than the hand's, and for hand
    if nearer the hand's: shade darkens skin towards a dark background along that very line,
    but keeps the skin's hue). ``hue=False`` leaves that last test out (:func:`hue_agrees`)."""
    # (each difference made once, and norms as square roots of row dot products: the same
    # values as numpy's norm in a quarter of its time; this runs on every edge pixel)
    d = hand - ground
    den = row_dot(d, d)
    rel = pix - ground
    share = row_dot(rel, d) / np.maximum(den, 1e-6)
    rel -= np.clip(share, 0, 1)[:, None] * d
    off_line = np.sqrt(row_dot(rel, rel))
    contrast = np.sqrt(den)
    trusted = (contrast >= min_contrast) & (off_line <= 0.5 * contrast)
    if hue:
        trusted &= hue_agrees(pix, hand, ground, share)
    return share, trusted


def hue_agrees(pix: np.ndarray, hand: np.ndarray, ground: np.ndarray, share: np.ndarray) -> np.ndarray:
    """Whether each pixel's chromaticity is nearer the side its share puts it on (see :func:`hand_shares`)."""
    cp, ch, cg = chromaticity(pix), chromaticity(hand), chromaticity(ground)
    to_hand, to_ground = cp - ch, cp - cg
    nearer_hand = row_dot(to_hand, to_hand) < row_dot(to_ground, to_ground)
    return np.where(share < 0.5, ~nearer_hand, nearer_hand)


def colour_edge(image_rgb: np.ndarray, mask: np.ndarray, radius: int, min_contrast: float = 20.0,
                may_add: np.ndarray | None = None, matte: np.ndarray | None = None,
                below_ground: np.ndarray | None = None) -> np.ndarray:
    """The mask's edge re-drawn where the photo's colour turns from the hand's to the background's.

    The U-Net's edge comes from a crop a fraction of the photo's size, and the guided filter
    that snaps it to the photo is fitted at about that resolution too, so the edge can sit a
    pixel or two off and fray: flecks of a dark seat hung on the fingertips of a cut-out. Within
    ``radius`` pixels of the edge every pixel is taken as a blend of the hand's colour near it
    (the mean of the sure hand pixels in a window six radii wide) and the background's (the
    same of the sure background); its share of hand is its projection on the line between the
    two colours. Only where the two colours differ by ``min_contrast`` (RGB distance, 0-441) and
    the pixel lies near the line between them is the share trusted; elsewhere (a hand on a
    surface of its colour, a busy print) the mask keeps its edge. Nor is it where the pixel's
    hue says otherwise: shade darkens skin towards a dark background along that very line, but
    keeps the skin's hue; save right beside plainly lit hand, where a JPEG's coarse colour gives
    the background's first pixels the skin's hue. A pixel changes side only when it is plainly
    the other side's colour (:data:`COLOUR_EDGE_SURE`). ``may_add`` (bool, the mask's shape)
    limits the pixels it may add: not those the model ruled out, nor a face the guard took away,
    however skin-coloured.
    ``below_ground`` (bool, the mask's shape) marks where, on a background darker than the hand,
    a pixel on the colour line and no brighter than the background is background whatever its
    hue (the pipeline passes the fingertips: shade darkens skin towards the background, not past
    it, but a fingertip's dark rim takes the skin's tint).
    ``matte`` (``uint8``, the mask's shape) receives each trusted pixel's share of hand (0-255)
    where the background is darker than the hand, for the cut-out's alpha (:func:`soft_alpha`);
    other pixels are left as they are.

    Returns ``uint8`` 0/255 of the mask's shape.
    """
    m = mask > 0
    r = max(1, int(radius))
    k = np.ones((2 * r + 1, 2 * r + 1), np.uint8)  # a square: separable, several times faster than a disc
    mu8 = m.astype(np.uint8)
    inner = cv2.erode(mu8, k)
    grown = cv2.dilate(mu8, k)
    outer = 1 - grown
    out = mu8 * np.uint8(255)
    if not cv2.countNonZero(inner) or not cv2.countNonZero(outer):
        return out
    ring = grown - inner  # the band: within r of the edge, either side
    points = cv2.findNonZero(ring)
    if points is None:
        return out
    band = ring > 0
    xs, ys = points[:, 0, 0], points[:, 0, 1]
    y0, y1 = max(0, ys.min() - 4 * r), min(m.shape[0], ys.max() + 4 * r + 1)
    x0, x1 = max(0, xs.min() - 4 * r), min(m.shape[1], xs.max() + 4 * r + 1)
    # The local means are sums over a window six radii wide: they vary slowly, so they are
    # taken on a grid ``step`` times coarser (the area resize keeps sums in proportion) and
    # looked up bilinearly at the band's pixels, which keeps a 24 MP photo's edge cheap.
    step = max(1, r // 2)
    h, w = y1 - y0, x1 - x0
    lh, lw = max(1, -(-h // step)), max(1, -(-w // step))
    img = image_rgb[y0:y1, x0:x1]
    sums = []
    for weight in (inner[y0:y1, x0:x1], outer[y0:y1, x0:x1]):
        colours, cover = cv2.bitwise_and(img, img, mask=weight), weight.astype(np.float32)
        if step > 1:  # the colours summed over the sure pixels only, as a mean per grid cell
            colours = cv2.resize(colours, (lw, lh), interpolation=cv2.INTER_AREA)
            cover = cv2.resize(cover, (lw, lh), interpolation=cv2.INTER_AREA)
        plane = np.dstack([colours.astype(np.float32), cover])
        win = 2 * max(1, round(3 * r / step)) + 1
        sums.append(cv2.boxFilter(plane, -1, (win, win), normalize=False, borderType=cv2.BORDER_CONSTANT))
    ry, rx = ys - y0, xs - x0  # the band's pixels in the window
    fs, gs = (_sample(p, rx, ry, lw / w, lh / h) for p in sums)
    ok = (fs[:, 3] > 1e-3) & (gs[:, 3] > 1e-3)
    by, bx = ry[ok], rx[ok]
    fs, gs = fs[ok], gs[ok]
    hand = fs[:, :3] / fs[:, 3:]
    ground = gs[:, :3] / gs[:, 3:]
    pix = img[by, bx].astype(np.float32)
    share, on_line = hand_shares(pix, hand, ground, min_contrast, hue=False)
    hue_ok = hue_agrees(pix, hand, ground, share)
    trusted = on_line & hue_ok
    # A JPEG stores colour at half resolution, so beside a sharp edge the skin's hue bleeds a pixel
    # or two into a dark background: there a pixel of the background's brightness and the hand's hue
    # is that bleed, not shaded skin, whose shade deepens over many pixels. Such a pixel within
    # COLOUR_EDGE_BLEED pixels of plain hand is background all the same (a dark seat's fringe on
    # a cut-out's fingers).
    # (not on a ground paler than the hand: there a pale nail has the ground's brightness and the
    # skin's hue too)
    darker = ground[:, 0] + ground[:, 1] + ground[:, 2] < hand[:, 0] + hand[:, 1] + hand[:, 2]
    odd_hue = on_line & ~hue_ok & darker
    beside_plain = np.zeros(len(share), bool)
    if odd_hue.any():
        sure_hand = np.zeros((y1 - y0, x1 - x0), np.uint8)
        plain = trusted & (share >= 1 - COLOUR_EDGE_SURE)
        sure_hand[by[plain], bx[plain]] = 1
        d = 2 * COLOUR_EDGE_BLEED + 1
        beside_plain = cv2.dilate(sure_hand, np.ones((d, d), np.uint8))[by, bx] > 0
    trusted |= odd_hue & beside_plain & (share <= COLOUR_EDGE_SURE)
    if below_ground is not None:  # no brighter than the background, where the caller allows it
        trusted |= odd_hue & (share <= 0.0) & below_ground[y0 + by, x0 + bx]
    if matte is not None:
        # each trusted pixel's share is how much of it is hand: the cut-out's alpha there, where
        # plainly hand (COLOUR_EDGE_SURE) counts as wholly hand, as a pale hand's own shading
        # near its edge would otherwise turn a crisp outline translucent. A blend beside plainly
        # lit hand on a dark ground is a blend whatever its hue (the bleed). Only on a ground
        # darker than the hand: on a white table a pale nail's tip has the table's colour, and
        # would turn translucent.
        blend = (trusted & darker) | (odd_hue & beside_plain)
        opaque = np.clip(share[blend] / (1.0 - COLOUR_EDGE_SURE), 0.0, 1.0)
        matte[y0 + by[blend], x0 + bx[blend]] = np.round(255.0 * opaque).astype(np.uint8)
    # the shares as a plane (the mask's own 0/1 where they are not trusted), smoothed a little so
    # that single pixels do not flip on their own and fray the edge
    plane = (out[y0:y1, x0:x1] > 0).astype(np.float32)
    plane[by[trusted], bx[trusted]] = np.clip(share[trusted], 0.0, 1.0)
    plane = cv2.GaussianBlur(plane, (0, 0), COLOUR_EDGE_SIGMA)
    sel = out[y0:y1, x0:x1]
    sure = band[y0:y1, x0:x1]
    sel[sure & (plane <= COLOUR_EDGE_SURE)] = 0
    join = sure & (plane >= 1 - COLOUR_EDGE_SURE)
    if may_add is not None:
        join &= may_add[y0:y1, x0:x1]
    join &= sel == 0
    joined = cv2.findNonZero(join.view(np.uint8))  # np.nonzero's order, several times faster
    if joined is not None:
        jx, jy = joined[:, 0, 0], joined[:, 0, 1]
        sel[jy, jx] = 255
        # what it adds must hang on to the mask: an island of hand-coloured pixels a few pixels
        # off the edge (a skin-coloured table) would be a new speck. A path from an added pixel
        # into the mask enters it at its edge, so the mask's pixels in the band suffice.
        n, labels = cv2.connectedComponents(sel, connectivity=8)
        edge = m[ys, xs] & (sel[ry, rx] > 0)
        kept = np.zeros(n, bool)
        kept[labels[ry[edge], rx[edge]]] = True
        kept[0] = False
        sel[jy, jx] = np.where(kept[labels[jy, jx]], np.uint8(255), np.uint8(0))
    return out
