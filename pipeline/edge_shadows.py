"""The hand's cast shadow on a plain surface, taken out of the mask along the hand's outline.

A hand held a little above a pale table or wall casts a soft grey shadow beside it. The U-Net
often keeps the part of that shadow touching the hand (between the thumb and the index finger,
along the forearm or the little finger's side): a grey web on the cut-out. The finger-gap step
(:mod:`pipeline.finger_gaps`) takes the shadow out of the gaps between the four fingers only.

Here the whole outline is looked at. The surface's colour is read in a ring of background round
the hand (its brighter half: the shadow itself lies in the ring too). A pixel of the mask near
its edge is shadow when it is that surface dimmed: darker than it but not black, of nearly its
chromaticity and far from the skin's, and off the line between the skin's colour and the
surface's (the outline's own blended pixels lie on that line). Only broad pieces of such pixels
that the open background reaches go, and never the landmarks' palm or the fingers' bone lines.
Only a plain, near-neutral surface (white, grey) is judged. On a print, wood grain or a second
colour the surface's colour is not one colour; on a beige or orange one, or one whose
chromaticity is near the skin's, shade on the hand and on the surface could be each other.
"""
from __future__ import annotations

import cv2
import numpy as np

from detection.faces import FINGERS
from pipeline.landmark_prior import fill_palm, knuckle_span
from pipeline.refine import chromaticity

#: the ring of background the surface's colour is read from, in knuckle spans (index to little
#: knuckle) from the mask's edge
RING = (0.1, 0.6)
#: the mask is looked at only this deep inside its edge, in knuckle spans
DEPTH = 0.6
#: the surface's colour is the median of the brighter half of the ring (the shadow lies in the
#: ring too), and it counts as plain when at least :data:`PLAIN_SHARE` of the ring lies within
#: :data:`PLAIN` of its chromaticity
PLAIN = 0.03
PLAIN_SHARE = 0.8
#: only a near-neutral surface is looked at (white, grey, black: a saturation under this, in
#: chromaticity; skin measured 0.07-0.14, a very pale hand 0.03). On a beige, salmon or orange surface, shade on the hand and on
#: the surface are both far from either colour, and the forearm's shaded side was cut
NEUTRAL = 0.05
#: skin and surface must differ in chromaticity by at least this much (skin on white: about 0.09)
MIN_CHROMA = 0.02
#: a shadow's chromaticity is at least this share of the surface's distance from the skin's
#: away from the skin's (a shadow lit by a blue sky lies past the surface, away from the skin;
#: shade on skin keeps the skin's hue) ...
FAR = 0.7
#: ... nearer the surface's than the skin's, and within this of the surface's (a blue mug is no
#: shadow)
OFF = 0.05
#: a shadow lies off the line between the skin's colour and the surface's by at least this share
#: of their distance (a pixel on the line is the outline's blend of the two)
OFF_LINE = 0.25
#: a shadow is darker than the surface by at least this share of its brightness ...
DARKER = 0.06
#: ... and keeps at least this share of it (black is no shadow: a watch strap, a dark sleeve
#: seam, the crease of a fist)
FLOOR = 0.3
#: the fingers' bone lines are never judged within this many knuckle spans of them
CORE = 0.1
#: a piece of shadow is taken out only when at least this many square knuckle spans: a shadow
#: worth the name is broad, and crumbs along the outline were dark hair or a hand's own shaded rim
#: in dim light (a notch cut in the edge)
MIN_PIECE = 0.02
#: at least this many ring pixels to read the surface from
MIN_RING = 200
#: the hand is judged on a copy shrunk by a whole factor to at least this many pixels per knuckle
#: span (a hand filling a 2160x4000 photo spans 400): shadows are broad and soft, and only the
#: outline pixels the shrunk copy marks are judged again at full resolution
WORK_SPAN = 80.0
#: a hand's change is given up when it would take more than this share of its mask
MAX_SHARE = 0.25


def _core(shape: tuple[int, int], points: np.ndarray, span: float) -> np.ndarray:
    """Bool plane: the landmarks' palm and every finger's bone line widened by :data:`CORE`."""
    core = np.zeros(shape, np.uint8)
    fill_palm(core, points)
    width = max(1, int(round(2 * CORE * span)))
    for finger in FINGERS:
        cv2.polylines(core, [np.round(points[[0, *finger] if finger[0] == 1 else list(finger)]).astype(np.int32)],
                      False, 1, width)
    return core > 0


def _saturation(rgb: np.ndarray) -> float:
    """How far the colour ``rgb`` (3 floats) lies from the grey of its brightness, in chromaticity."""
    grey = np.full((1, 3), float(rgb.mean()), np.float32)
    return float(np.linalg.norm(chromaticity(rgb[None].astype(np.float32))[0] - chromaticity(grey)[0]))


def _is_shade(pix: np.ndarray, ground: np.ndarray, skin: np.ndarray) -> np.ndarray:
    """Which of the ``N x 3`` pixels ``pix`` look like the surface ``ground`` in shadow beside
    skin of colour ``skin`` (see the constants above)."""
    cg, ch = chromaticity(ground[None])[0], chromaticity(skin[None])[0]
    apart = float(np.linalg.norm(ch - cg))
    cp = chromaticity(pix)
    to_ground = np.linalg.norm(cp - cg, axis=1)
    to_skin = np.linalg.norm(cp - ch, axis=1)
    # a blend of skin and surface (the outline's own anti-aliased pixels) lies on the line
    # between their colours; a shadow lies off it, the surface dimmed
    d = skin - ground
    share = np.clip((pix - ground) @ d / max(float(d @ d), 1e-6), 0.0, 1.0)
    off_line = np.linalg.norm(pix - ground - share[:, None] * d, axis=1)
    brightness = pix.sum(axis=1)
    g = float(ground.sum())
    return ((off_line >= OFF_LINE * float(np.linalg.norm(d))) & (to_skin >= FAR * apart)
            & (to_ground < to_skin) & (to_ground < OFF)
            & (brightness < (1.0 - DARKER) * g) & (brightness > FLOOR * g))


def _reached(candidate: np.ndarray, m: np.ndarray, min_area: float = 0.0) -> np.ndarray:
    """The parts of ``candidate`` (bool) that touch the open background (``~m``), each of at
    least ``min_area`` pixels."""
    edge = cv2.dilate((~m).view(np.uint8), np.ones((3, 3), np.uint8)) > 0
    k, comp, stats, _ = cv2.connectedComponentsWithStats(candidate.view(np.uint8), connectivity=4)
    reached = np.zeros(k, bool)
    reached[comp[candidate & edge]] = True
    reached &= stats[:, cv2.CC_STAT_AREA] >= min_area
    reached[0] = False
    return reached[comp]


def _judge(img: np.ndarray, m: np.ndarray, own: np.ndarray, pts: np.ndarray, span: float,
           spare: np.ndarray | None) -> tuple[np.ndarray, np.ndarray, np.ndarray] | None:
    """``(gone, ground, skin)``: the shadow pixels of the hand's mask ``m`` (bool, ``own`` its
    hand's components) and the colours they were judged by; None when the surface is not plain,
    too like the skin, or nothing is shadow."""
    outside = cv2.distanceTransform((~m).view(np.uint8), cv2.DIST_L2, 3)
    ring = (outside >= RING[0] * span) & (outside <= RING[1] * span)
    if int(ring.sum()) < MIN_RING:
        return None
    ring_px = img[ring].astype(np.float32)
    bright = ring_px.sum(axis=1)
    ground = np.median(ring_px[bright >= np.median(bright)], axis=0)
    # plain: nearly all of the ring has the surface's chromaticity (its shadow has it too)
    alike = np.linalg.norm(chromaticity(ring_px) - chromaticity(ground[None])[0], axis=1) < PLAIN
    if alike.mean() < PLAIN_SHARE:
        return None
    core = _core(m.shape, pts, span)
    skin_px = img[core & m]
    if len(skin_px) < MIN_RING:
        return None
    skin = np.median(skin_px.astype(np.float32), axis=0)
    if (_saturation(ground) > NEUTRAL
            or float(np.linalg.norm(chromaticity(skin[None])[0] - chromaticity(ground[None])[0])) < MIN_CHROMA):
        return None
    inside = cv2.distanceTransform(m.view(np.uint8), cv2.DIST_L2, 3)
    look = own & (inside <= DEPTH * span) & ~core
    if spare is not None:
        look &= ~spare
    ys, xs = np.nonzero(look)
    if len(ys) == 0:
        return None
    shade = _is_shade(img[ys, xs].astype(np.float32), ground, skin)
    if not shade.any():
        return None
    plane = np.zeros(m.shape, np.float32)
    plane[ys[shade], xs[shade]] = 1.0
    plane = cv2.GaussianBlur(plane, (0, 0), 1.0)
    candidate = (plane > 0.5) & look
    candidate = cv2.morphologyEx(candidate.view(np.uint8), cv2.MORPH_OPEN, np.ones((3, 3), np.uint8)) > 0
    gone = _reached(candidate, m, MIN_PIECE * span * span)
    if not gone.any():
        return None
    return gone, ground, skin


def cut_shadows(image_rgb: np.ndarray, mask: np.ndarray, points: np.ndarray,
                spare: np.ndarray | None = None) -> np.ndarray:
    """``mask`` (uint8, 255 = hand) with the cast shadow along the outline of the hand whose 21
    landmarks are ``points`` (the image's pixels) taken out; see the module's docstring.
    ``spare`` (bool, the mask's shape) marks pixels never taken out (coins the circle finder
    sees: a silver coin is grey like a shadow). Returns ``mask`` itself when nothing changes.

    The hand is judged on a copy shrunk to about :data:`WORK_SPAN` pixels per knuckle span, and the
    outline pixels that copy marks are judged again at full resolution."""
    span = knuckle_span(points)
    if span < 8:
        return mask
    h, w = mask.shape
    k = max(1, int(span // WORK_SPAN))  # a whole factor: OpenCV's area shrink is fastest at one
    f = 1.0 / k
    shrunk = mask if k == 1 else np.ascontiguousarray(mask[::k, ::k])
    sh, sw = shrunk.shape
    # the window: the hand's mask component(s) the landmarks touch, grown by the ring
    _, labels, stats, _ = cv2.connectedComponentsWithStats((shrunk > 0).view(np.uint8), connectivity=8)
    pts = points * f
    px = np.clip(np.round(pts).astype(int), 0, [sw - 1, sh - 1])
    ids = np.unique(labels[px[:, 1], px[:, 0]])
    ids = ids[ids > 0]
    if len(ids) == 0:
        return mask
    reach = int(np.ceil(RING[1] * span * f)) + 2
    lo, hi = pts.min(axis=0), pts.max(axis=0)
    sx0 = max(0, min(int(lo[0]), *(stats[i, 0] for i in ids)) - reach)
    sy0 = max(0, min(int(lo[1]), *(stats[i, 1] for i in ids)) - reach)
    sx1 = min(sw, max(int(hi[0]) + 1, *(stats[i, 0] + stats[i, 2] for i in ids)) + reach)
    sy1 = min(sh, max(int(hi[1]) + 1, *(stats[i, 1] + stats[i, 3] for i in ids)) + reach)
    x0, y0, x1, y1 = sx0 * k, sy0 * k, min(w, sx1 * k), min(h, sy1 * k)
    lab = labels[sy0:sy1, sx0:sx1]
    own = (lab == ids[0]) if len(ids) == 1 else np.isin(lab, ids)
    img = image_rgb[y0:y1, x0:x1]
    spared = None if spare is None else spare[y0:y1, x0:x1]
    if k == 1:
        judged = _judge(img, lab > 0, own, pts - (x0, y0), span, spared)
        if judged is None:
            return mask
        gone = judged[0]
    else:
        size = (sx1 - sx0, sy1 - sy0)
        small_spare = None
        if spared is not None:
            small_spare = cv2.resize(spared.view(np.uint8), size, interpolation=cv2.INTER_NEAREST) > 0
        judged = _judge(cv2.resize(img, size, interpolation=cv2.INTER_AREA), lab > 0, own,
                        pts - (sx0, sy0), span * f, small_spare)
        if judged is None:
            return mask
        rough, ground, skin = judged
        # the shrunk copy's shadow, grown by a shrunk pixel, judged again pixel by pixel
        m = mask[y0:y1, x0:x1] > 0
        near = cv2.resize(rough.view(np.uint8), (x1 - x0, y1 - y0), interpolation=cv2.INTER_NEAREST)
        near = cv2.dilate(near, np.ones((3, 3), np.uint8), iterations=k) > 0
        near &= m
        if spared is not None:
            near &= ~spared
        ys, xs = np.nonzero(near)
        fine = np.zeros(m.shape, bool)
        fine[ys, xs] = _is_shade(img[ys, xs].astype(np.float32), ground, skin)
        fine = cv2.morphologyEx(fine.view(np.uint8), cv2.MORPH_OPEN, np.ones((3, 3), np.uint8)) > 0
        gone = _reached(fine, m)
    hand_area = float(stats[ids, cv2.CC_STAT_AREA].sum()) * k * k
    if not gone.any() or gone.sum() > MAX_SHARE * hand_area:
        return mask
    out = mask.copy()
    out[y0:y1, x0:x1][gone] = 0
    return out
