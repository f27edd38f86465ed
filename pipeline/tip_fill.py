"""A fingertip the mask stopped short of, put back from the finger's own width.

Nails belong to the cut-out. A pale nail on a dark hand has neither the skin's colour nor,
often, a colour far from the table's, and the U-Net (or GrabCut, learning this photo's hand
from its skin) stops the finger at the nail's root: four fingers of a dark hand raised beside a
face lost their pink nails whole. :mod:`pipeline.finger_fill` cannot give them back: it stops
short of the tip and wants a pixel nearer the skin's colour than the background's.

Shape and colour together can. MediaPipe puts the tip landmark on the nail, mid-nail on some
hands and at the finger's very end on others, and the last joint (DIP) inside the finger; the mask
says how wide the finger is where it holds it. So when a finger's middle bone is in the mask, its
last joint too, and the mask stops before it runs past the tip landmark, the last bone is drawn as
a capsule of the finger's own half-width whose round end lies a little past the tip landmark, and
what of it the mask left out is hand where it is plainly unlike the background round the
fingertip (a pixel far, for that background's spread, from each of its colours, as
:mod:`pipeline.finger_fill` judges) and joins the finger. Where the tip landmark was the
finger's end, what the capsule reaches past it is that background, and stays out. A finger the
mask lost whole (MediaPipe can draw a finger on the background) is left alone.
"""
from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

from detection.faces import FINGERS
from pipeline.finger_fill import MIN_SAMPLES, background_distance, joined_pieces, thinned
from pipeline.landmark_prior import knuckle_span

#: the middle bone (PIP to DIP) must be in the mask over at least this share of its line
MIDDLE_HELD = 0.9
#: the finger's half-width, as measured, is kept within these shares of the knuckle span
HALF_WIDTH = (0.06, 0.16)
#: MediaPipe's tip landmark often lies mid-nail: the finger then ends about this many of its
#: half-widths past it
NAIL_PAST = 0.8
#: a finger whose mask runs on at least this many half-widths past the tip landmark is whole
REACHED = 0.3
#: the background round a fingertip is read within this many half-widths of the last bone and
#: the capsule, outside the mask (a pixel of the capsule is added only when plainly not that
#: background: MediaPipe's tip landmark lies at the finger's end on some hands, mid-nail on
#: others, and at the end the capsule runs past the finger onto the table)
GROUND_RING = 2.5
#: ... plainly not: this many of the background's standard deviations from each of its colours
#: (pipeline.finger_fill.background_distance). Lower than finger_fill's 4: a pink nail by a grey
#: wall and a face lay 1.5-3.9 from it, the table and shadow past a whole fingertip 0.2-2.2
SPREAD = 3.0


def _line_samples(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    n = max(2, int(np.ceil(np.linalg.norm(b - a))))
    return a + np.linspace(0.0, 1.0, n)[:, None] * (b - a)


def _draw_capsule(plane: np.ndarray, start: np.ndarray, end: np.ndarray, half: float, origin: tuple[int, int]) -> None:
    a = tuple(int(round(v)) for v in start - origin)
    b = tuple(int(round(v)) for v in end - origin)
    cv2.line(plane, a, b, 1, max(1, int(round(2 * half))))
    cv2.circle(plane, b, int(round(half)), 1, -1)


def _unlike_ground(image: np.ndarray, window: np.ndarray, capsules: np.ndarray, candidates: np.ndarray) -> np.ndarray | None:
    """The candidates (bool, in the window) far in colour from the background round the
    fingertip and joined to the mask; None when there is too little background to judge or
    nothing passes. ``capsules``: every short finger's capsule in the window, kept out of the
    background with the mask (a neighbouring finger's lost nail is no background)."""
    hand = cv2.dilate(((window > 0) | (capsules > 0)).astype(np.uint8), np.ones((5, 5), np.uint8)) > 0
    ground = image[~hand]
    if len(ground) < MIN_SAMPLES:
        return None
    ys, xs = np.nonzero(candidates)
    far = background_distance(image[ys, xs], thinned(ground)) > SPREAD
    if not far.any():
        return None
    keep = np.zeros(window.shape, np.uint8)
    keep[ys[far], xs[far]] = 1
    add = joined_pieces(keep, window > 0)
    return add if add.any() else None


@dataclass(frozen=True)
class _ShortFinger:
    """A finger the mask stops short of its tip: its last bone's capsule and the window round it."""
    dip: np.ndarray
    end: np.ndarray  # the capsule's round end's centre
    half: float
    along: np.ndarray  # unit vector from the last joint to the tip
    reach: float  # how far past the last joint the mask's finger runs
    box: tuple[int, int, int, int]


def _short_finger(mask: np.ndarray, points: np.ndarray, finger: tuple[int, ...], span: float) -> _ShortFinger | None:
    h, w = mask.shape
    pip, dip, tip = (points[i].astype(np.float64) for i in finger[-3:])
    tx, ty = int(round(tip[0])), int(round(tip[1]))
    if not (0 <= tx < w and 0 <= ty < h):
        return None
    middle = np.round(_line_samples(pip, dip)).astype(int)
    inside = (middle[:, 0] >= 0) & (middle[:, 0] < w) & (middle[:, 1] >= 0) & (middle[:, 1] < h)
    if inside.mean() < 1.0:
        return None
    held = mask[middle[:, 1], middle[:, 0]] > 0
    if held.mean() < MIDDLE_HELD or not held[-1]:
        return None
    # the finger's half-width: the distance to the outline along the middle bone's outer half
    outer = middle[len(middle) // 2:]
    m = int(np.ceil(HALF_WIDTH[1] * span)) + 2
    wx0, wy0 = max(0, outer[:, 0].min() - m), max(0, outer[:, 1].min() - m)
    wx1, wy1 = min(w, outer[:, 0].max() + m + 1), min(h, outer[:, 1].max() + m + 1)
    dist = cv2.distanceTransform((mask[wy0:wy1, wx0:wx1] > 0).astype(np.uint8), cv2.DIST_L2, 5)
    # (a window the mask fills has no outline in it: the transform is then huge, capped here)
    half = float(np.median(np.minimum(dist[outer[:, 1] - wy0, outer[:, 0] - wx0], m)))
    half = float(np.clip(half, HALF_WIDTH[0] * span, HALF_WIDTH[1] * span))
    bone = tip - dip
    length = float(np.linalg.norm(bone))
    if length < 1.0:
        return None
    u = bone / length
    ax, ay = np.round(tip + REACHED * half * u).astype(int)
    if 0 <= ax < w and 0 <= ay < h and mask[ay, ax] > 0:
        return None  # the mask holds the bone's line that far past the tip: quick, and as below
    # a window round the last bone and the nail past it, wide enough to read the background in
    far = tip + NAIL_PAST * half * u
    r = int(np.ceil(GROUND_RING * half)) + 2
    x0, y0 = (max(0, int(np.floor(min(dip[i], far[i]))) - r) for i in (0, 1))
    x1 = min(w, int(np.ceil(max(dip[0], far[0]))) + r + 1)
    y1 = min(h, int(np.ceil(max(dip[1], far[1]))) + r + 1)
    ys, xs = np.nonzero(mask[y0:y1, x0:x1])
    rel = np.stack([xs + x0 - dip[0], ys + y0 - dip[1]], 1)
    along, across = rel @ u, np.abs(rel[:, 0] * u[1] - rel[:, 1] * u[0])
    on_finger = (across < half) & (along >= 0)
    reach = float(along[on_finger].max()) if on_finger.any() else 0.0
    if reach >= length + REACHED * half:
        return None  # the mask runs on past the tip landmark: its outline there is the finger's
    # the capsule's round end lies NAIL_PAST half-widths past the tip landmark
    return _ShortFinger(dip, tip + (NAIL_PAST - 1.0) * half * u, half, u, reach, (x0, y0, x1, y1))


def fill_tips(image_rgb: np.ndarray, mask: np.ndarray, points: np.ndarray) -> np.ndarray:
    """``mask`` (uint8, 255 = hand) with the missing last bone of each finger of the hand whose 21
    landmarks are ``points`` (the mask's pixels) put back where it is plainly not the background
    round the fingertip; ``mask`` itself when nothing changes."""
    span = knuckle_span(points)
    if span < 8:
        return mask
    short = [f for f in (_short_finger(mask, points, finger, span) for finger in FINGERS) if f is not None]
    out = mask
    for f in short:
        x0, y0, x1, y1 = f.box
        window = out[y0:y1, x0:x1]
        capsules = np.zeros(window.shape, np.uint8)
        for g in short:
            _draw_capsule(capsules, g.dip, g.end, g.half, (x0, y0))
        own = np.zeros(window.shape, np.uint8)
        _draw_capsule(own, f.dip, f.end, f.half, (x0, y0))
        # only past where the mask's finger ends (less its rounding): not along the finger's sides
        gy, gx = np.mgrid[y0:y1, x0:x1]
        beyond = ((gx - f.dip[0]) * f.along[0] + (gy - f.dip[1]) * f.along[1]) > f.reach - f.half
        candidates = (own > 0) & (window == 0) & beyond
        if not candidates.any():
            continue
        add = _unlike_ground(image_rgb[y0:y1, x0:x1], window, capsules, candidates)
        if add is None:
            continue
        if out is mask:
            out = mask.copy()
        out[y0:y1, x0:x1][add] = 255
    return out
