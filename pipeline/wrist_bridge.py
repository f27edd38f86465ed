"""A watch or bracelet across the wrist belongs to the cut-out, like a ring on a finger.

The U-Net sees a dark band across the wrist as background, so the mask stops at the band and
starts again beyond it: the cut-out shows a hand, a gap and a forearm. Hole filling cannot help
(the gap is open at both sides of the arm). This module finds such a gap along the forearm,
starting from MediaPipe's wrist landmark, and fills it with the convex hull of the arm's outline
just before and just after it.

Only a real cut across the whole arm qualifies: a stretch of the forearm's axis, at most
``max_gap`` palm lengths long, where the mask all but vanishes between an arm as wide as the
wrist on the hand's side and on the far side. A wrist that is merely narrower than the palm,
or an arm that simply ends, is left alone.
"""
from __future__ import annotations

import cv2
import numpy as np

from detection.faces import rotate, wrist_axis

#: frame pixels per palm length: the search runs on a small resampled copy around the wrist
_PER_PALM = 80
#: the forearm's direction is searched this far (degrees) either side of knuckle-to-wrist
_TILTS = (0.0, -10.0, 10.0, -20.0, 20.0, -30.0, 30.0)


def _frame(wrist: np.ndarray, along: np.ndarray, palm: float, before: float, after: float, half: float):
    """Affine map from image pixels to a frame whose rows run across the arm (row 0 ``before``
    palm lengths on the hand's side of the wrist) and whose columns run along it."""
    across = np.array([-along[1], along[0]])
    s = palm / _PER_PALM  # image pixels per frame pixel
    width, height = int(2 * half * _PER_PALM), int((before + after) * _PER_PALM)
    c0, r0 = width / 2.0, before * _PER_PALM
    matrix = np.array([[across[0] / s, across[1] / s, -(across @ wrist) / s + c0],
                       [along[0] / s, along[1] / s, -(along @ wrist) / s + r0]])
    return matrix, (width, height), int(r0)


def _widest_run(row: np.ndarray) -> tuple[int, int] | None:
    """``(first, last)`` column of the longest run of mask pixels in a frame row."""
    cols = np.flatnonzero(row)
    if not cols.size:
        return None
    breaks = np.flatnonzero(np.diff(cols) > 1)
    starts = np.r_[cols[0], cols[breaks + 1]]
    ends = np.r_[cols[breaks], cols[-1]]
    k = int(np.argmax(ends - starts))
    return int(starts[k]), int(ends[k])


def _side(frame: np.ndarray, labels: np.ndarray, row: int, step: int, depth: int):
    """``(component label, Nx2 points)``: the arm's widest run in ``row`` and in the next
    ``depth`` rows going ``step`` (-1 towards the hand, +1 away), as run end points in frame
    pixels, keeping only runs of the same component as the first; None without a run there."""
    first = _widest_run(frame[row])
    if first is None:
        return None
    label = labels[row, first[0]]
    points = []
    for r in range(row, int(np.clip(row + step * depth, -1, frame.shape[0])), step):
        run = _widest_run(labels[r] == label)
        if run is not None:
            points += [(run[0], r), (run[1] + 1, r)]
    return label, np.array(points, np.float64)


def find_wrist_gap(mask: np.ndarray, landmarks: np.ndarray, max_gap: float = 0.35,
                  joined: bool = False) -> np.ndarray | None:
    """The convex polygon (Nx2 image pixels) that closes a gap across the forearm, or None.

    Args:
        mask: ``HxW`` uint8, nonzero = hand.
        landmarks: the hand's 21 MediaPipe landmarks in the mask's pixel coordinates.
        max_gap: longest gap bridged, in palm lengths (wrist to middle knuckle); a watch band
            is about a fifth of one.
        joined: also take a gap whose two sides are still joined by a sliver along one edge
            of the arm (under 15 % of the wrist's width in every row of the gap): a notch
            across the wrist, left where the hand's crop ended at the wrist crease and the
            wide look's forearm began. A clean cut is still preferred: judged together, a
            longer notch seen at another tilt would outbid a watch band's cut and, being over
            ``max_gap``, lose it.
    """
    axis = wrist_axis(landmarks)
    if axis is None:
        return None
    wrist, palm, away = axis
    if palm < 8:  # a hand a few pixels across has no watch to speak of
        return None
    # a watch sits up to a palm length past MediaPipe's wrist point (which lies on the back of
    # the hand), and the photo may show little arm beyond it
    before, after, half = 0.3, 1.6, 0.9
    gap_rows = int(np.ceil(max_gap * _PER_PALM))
    tail = int(0.1 * _PER_PALM)  # rows of arm the far side must show
    depth = int(0.12 * _PER_PALM)  # rows of arm either side whose outline shapes the bridge
    # (-gap rows, |tilt|, polygon in image pixels): of the clean cuts, and of cuts and notches
    best_cut = best_any = None
    ones = None
    for tilt in _TILTS:
        along = rotate(away, tilt)
        matrix, size, wrist_row = _frame(wrist, along, palm, before, after, half)
        frame = cv2.warpAffine(mask, matrix, size, flags=cv2.INTER_NEAREST, borderValue=0) > 0
        cover = frame.sum(axis=1)
        ref = int(cover[:wrist_row + 1].max())  # the hand's width by the wrist (palm, thumb)
        if ref < 0.2 * _PER_PALM:
            return None  # no arm at the wrist at all
        start = int(np.argmax(cover[:wrist_row + 1]))
        below = np.flatnonzero(cover[start:] < 0.15 * ref)
        if not below.size:
            continue
        g0 = start + int(below[0])
        # the arm beyond must be about as wide as the arm just before the gap (not the palm)
        high = 0.5 * cover[max(start, g0 - depth)]
        above = np.flatnonzero(cover[g0:] >= high)
        if not above.size:
            continue
        g1 = g0 + int(above[0])
        if g1 + tail > len(cover) or (cover[g1:g1 + tail] < high).any():
            continue
        # a cut, not a notch: the two sides must not already be joined (around a watch face
        # along one edge of the arm, say), or there is no gap to bridge
        _, labels = cv2.connectedComponents(frame.astype(np.uint8), connectivity=8)
        near, far = _side(frame, labels, g0 - 1, -1, depth), _side(frame, labels, g1, 1, depth)
        if near is None or far is None:
            continue
        notch = near[0] == far[0]
        if notch and not joined:
            continue
        # the gap must be in the photo (an arm leaving the photo is no cut), and the far side
        # must go on where the arm was heading, about as wide (not a skin-coloured blob beside
        # it); the arm is compared a little way from the gap, as a band cut at a slant leaves
        # only a sliver of arm in the rows next to it
        # (which frame pixels come from the photo is only asked here, for the few looks that
        # found a cut: warping a photo-sized plane of ones for every look cost more than the rest)
        if ones is None:
            ones = np.ones_like(mask)
        seen = cv2.warpAffine(ones, matrix, size, flags=cv2.INTER_NEAREST, borderValue=0) > 0
        lo, hi = near[1][:, 0].min(), near[1][:, 0].max()
        if not seen[g0:g1, int(lo):int(hi)].all():
            continue
        # a notch's far side is the same piece as its near side, so it must be seen going on as
        # an arm in the photo: a pale strip at the photo's edge, joined to the hand by a sliver,
        # is no forearm
        if notch and not seen[g1:g1 + tail, int(lo):int(hi)].all():
            continue
        a = _widest_run(labels[max(0, g0 - 1 - depth)] == near[0])
        b = _widest_run(labels[min(len(cover) - 1, g1 + depth)] == far[0])
        if a is None or b is None:
            continue
        overlap = min(a[1], b[1]) - max(a[0], b[0]) + 1
        if overlap < 0.5 * min(a[1] - a[0] + 1, b[1] - b[0] + 1) or b[1] - b[0] > 2 * (a[1] - a[0]) + 2:
            continue
        # the arm's outline for ``depth`` rows on either side of the gap, hulled: a band seen
        # at a slant (its two cut edges far from parallel) is filled whole
        hull = cv2.convexHull(np.concatenate([near[1], far[1]]).astype(np.float32))[:, 0]
        inverse = cv2.invertAffineTransform(matrix)
        # the tilt that crosses the band squarely sees the whole of it as a gap; a slanted
        # look passes through arm on both sides of the band in every row but its middle ones
        key = (-(g1 - g0), abs(tilt))
        found = (*key, hull.astype(np.float64) @ inverse[:, :2].T + inverse[:, 2])
        if best_any is None or key < best_any[:2]:
            best_any = found
        if not notch and (best_cut is None or key < best_cut[:2]):
            best_cut = found
    # judged at the squarest crossing: slanted looks see a long gap shorter than it is
    for best in (best_cut, best_any):
        if best is not None and -best[0] <= gap_rows:
            return best[2]
    return None


def bridge_wrist(mask: np.ndarray, landmarks: np.ndarray, max_gap: float = 0.35,
                 notches: bool = False) -> tuple[np.ndarray, bool]:
    """``mask`` (uint8 0/255) with a gap across the forearm filled, and whether one was.

    With ``notches``, a gap whose sides are still joined along one edge is bridged too, when
    no clean cut is found (see :func:`find_wrist_gap`).

    Run on the cleaned mask (after speck removal): the arm beyond the watch must have survived
    the cleaning on its own, by touching a hand's box. Looking in the mask before cleaning
    instead also found the arm where it lay outside every box, but on one of 83 real photos
    it joined a stray blob at the photo's edge to the hand (docs/rejected/README.md).
    """
    polygon = find_wrist_gap(mask, landmarks, max_gap, joined=notches)
    if polygon is None:
        return mask, False
    out = mask.copy()
    cv2.fillConvexPoly(out, np.round(polygon).astype(np.int32), 255)
    return out, True
