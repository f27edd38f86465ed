"""The open gaps between spread fingers, from the hand's landmarks, kept out of the mask.

On a skin-coloured table (beige, pale wood, salmon) the U-Net's mistakes gather between spread
fingers: it fills the webbing out towards the tips, and the cut-out shows a duck's foot
(validation composites on skin-coloured surfaces, the worst photos of ``pipeline.evaluate``). The
landmarks say where each finger's bones run whatever the colours. Where two neighbouring fingers'
bones lie clearly further apart than two half-fingers, the strip between them, kept well away from
either finger, is background.

Deliberately narrow: the strip starts past the web (``start`` of the way from knuckle to tip),
stops short of the shorter finger's tip, keeps ``clearance`` finger widths from each bone line,
and is drawn only where the bones are at least ``min_apart`` finger widths apart, so fingers held
together, crossed or bent (whose landmarks are least sure) are left alone.
"""
from __future__ import annotations

import cv2
import numpy as np

#: landmark indices of each finger, knuckle (MCP) to tip
INDEX, MIDDLE, RING, PINKY = (5, 6, 7, 8), (9, 10, 11, 12), (13, 14, 15, 16), (17, 18, 19, 20)
#: neighbouring fingers, and how far out from the knuckles their gap may be carved. Not the
#: thumb: its web reaches far along the index finger, and its landmarks are the least sure
PAIRS = ((INDEX, MIDDLE, 0.4), (MIDDLE, RING, 0.4), (RING, PINKY, 0.4))


def finger_width(points: np.ndarray) -> float:
    """About one finger's width: the index-to-little knuckle span holds three finger spacings."""
    return float(np.linalg.norm(points[5] - points[17])) / 3.0


def _along(points: np.ndarray, finger: tuple[int, ...], ts: np.ndarray) -> np.ndarray:
    """Points at fractions ``ts`` of the finger's bone polyline length, knuckle to tip."""
    joints = points[list(finger)].astype(np.float64)
    seg = np.linalg.norm(np.diff(joints, axis=0), axis=1)
    cum = np.concatenate([[0.0], np.cumsum(seg)])
    if cum[-1] <= 0:
        return np.repeat(joints[:1], len(ts), axis=0)
    s = ts * cum[-1]
    return np.stack([np.interp(s, cum, joints[:, k]) for k in range(2)], axis=1)


def straight(points: np.ndarray, finger: tuple[int, ...], min_ratio: float = 0.9) -> bool:
    """A finger held out straight: knuckle-to-tip distance near its bones' length. A bent or
    folded finger's landmarks lie over the palm or the other fingers, and a gap drawn to them
    would cut into the hand."""
    joints = points[list(finger)].astype(np.float64)
    length = float(np.linalg.norm(np.diff(joints, axis=0), axis=1).sum())
    return length > 0 and float(np.linalg.norm(joints[-1] - joints[0])) >= min_ratio * length


def gap_polygons(points: np.ndarray, clearance: float = 0.8, min_apart: float = 2.6,
                 stop: float = 0.9, steps: int = 24) -> list[np.ndarray]:
    """Quadrilaterals (``4x2`` float, image pixels) between neighbouring straight fingers that are
    background."""
    width = finger_width(points)
    if width < 2.0:
        return []
    quads = []
    for a_finger, b_finger, start in PAIRS:
        if not (straight(points, a_finger) and straight(points, b_finger)):
            continue
        ts = np.linspace(start, stop, steps)
        a, b = _along(points, a_finger, ts), _along(points, b_finger, ts)
        d = np.linalg.norm(b - a, axis=1)
        ok = d > min_apart * width
        u = (b - a) / np.maximum(d, 1e-6)[:, None]
        inner_a = a + clearance * width * u
        inner_b = b - clearance * width * u
        for k in range(steps - 1):
            if ok[k] and ok[k + 1]:
                quads.append(np.array([inner_a[k], inner_a[k + 1], inner_b[k + 1], inner_b[k]]))
    return quads


def carve_gaps(soft: np.ndarray, hands_points: list[np.ndarray], offset: tuple[int, int] = (0, 0)) -> int:
    """Set the finger gaps of every hand to 0 in ``soft`` (in place; ``offset`` is the (x, y) of
    ``soft``'s corner in the image). Returns how many pixels were hand before."""
    carved = np.zeros(soft.shape, np.uint8)
    for points in hands_points:
        for quad in gap_polygons(points):
            cv2.fillConvexPoly(carved, np.round(quad - offset).astype(np.int32), 1)
    gap = carved > 0
    if not gap.any():
        return 0
    was = int((soft[gap] > 0.5).sum())
    soft[gap] = 0.0
    return was
