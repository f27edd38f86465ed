"""Using MediaPipe's 21 hand landmarks as a shape prior for the segmenter's output.

The landmarks say with high confidence where the palm and the finger bones are, whatever the
colours. Two uses, both in crop pixels:

* the palm polygon is hand: a bright palm, a coin or a ring lying on it can never become a hole;
* when the model's mask leaves most of the palm and finger skeleton uncovered, its colour model
  has been fooled (pale skin on light wood, say) and the crop is re-segmented with GrabCut seeded
  by the skeleton, which learns this photo's own hand and background colours.

The finger bones are *not* added to a mask the model got right: landmarks of bent or crossed
fingers are often a few pixels off, and painting them in put background along finger edges
(hgr validation persons: boundary F1 0.890 with them, 0.901 without; IoU 0.952 vs 0.954;
``benchmarks/val_sweep.py``).
"""
from __future__ import annotations

import cv2
import numpy as np

#: MediaPipe hand landmark indices: wrist 0; thumb 1-4; index 5-8; middle 9-12; ring 13-16; pinky 17-20.
PALM = (0, 1, 5, 9, 13, 17)
FINGERS = ((1, 2, 3, 4), (5, 6, 7, 8), (9, 10, 11, 12), (13, 14, 15, 16), (17, 18, 19, 20))


def to_crop(points: np.ndarray, matrix: np.ndarray) -> np.ndarray:
    """Full-image ``21x2`` pixel points through a crop's 2x3 affine matrix."""
    return points @ matrix[:, :2].T + matrix[:, 2]


def _thickness(points: np.ndarray) -> int:
    """Bone width and palm inset, in crop pixels: a fraction of the width across the knuckles."""
    return max(2, int(round(0.12 * float(np.linalg.norm(points[5] - points[17])))))


def _palm(points: np.ndarray, size: int) -> np.ndarray:
    """``size x size`` bool: the palm polygon, eroded a little so it stays inside the hand."""
    prior = np.zeros((size, size), np.uint8)
    cv2.fillConvexPoly(prior, cv2.convexHull(np.round(points[list(PALM)]).astype(np.int32)), 1)
    prior = cv2.erode(prior, np.ones((3, 3), np.uint8), iterations=max(1, _thickness(points) // 3))
    return prior > 0


def _bones(points: np.ndarray, size: int) -> np.ndarray:
    """``size x size`` bool: the finger bones, drawn thinner than a finger."""
    prior = np.zeros((size, size), np.uint8)
    for finger in FINGERS:
        bones = points[list(finger)].copy()
        bones[-1] = bones[-2] + 0.7 * (bones[-1] - bones[-2])  # the tip landmark sits on the edge: stop short
        cv2.polylines(prior, [np.round(bones).astype(np.int32)], False, 1, _thickness(points))
    return prior > 0


def hand_prior(points: np.ndarray, size: int, fingers: bool = True) -> np.ndarray:
    """``size x size`` bool: filled palm polygon plus (``fingers``) finger bones."""
    palm = _palm(points, size)
    return palm | _bones(points, size) if fingers else palm


def agreement(soft: np.ndarray, prior: np.ndarray, threshold: float) -> float:
    """Share of the prior's pixels the model calls hand (1.0 when the prior is empty)."""
    n = int(prior.sum())
    return 1.0 if n == 0 else float((soft[prior] > threshold).mean())


def grabcut_soft(crop: np.ndarray, prior: np.ndarray, soft: np.ndarray, threshold: float,
                 iterations: int = 4, band: float = 0.0) -> np.ndarray:
    """Re-segment a crop with GrabCut: the prior is sure hand, the rest probable background (and,
    with ``band`` > 0, a band that wide, as a fraction of the crop side, around the prior probable
    hand). The model's mask is not trusted here (it disagreed with the landmarks); GrabCut learns
    this photo's hand and background colours from the seeds.

    The band is off by default: between spread fingers it is mostly background, and on pale wood
    under a pale hand that background taught the hand's colour model the wood's colour, which
    then kept whole planks between the fingers (``docs/val_sweep_grabcut_band.json``).

    Returns a float mask in [0, 1] (slightly smoothed so the paste-back stays anti-aliased).
    """
    gc = np.full(prior.shape, cv2.GC_PR_BGD, np.uint8)
    if band > 0:
        radius = max(1, int(round(band * prior.shape[0])))
        near = cv2.dilate(prior.astype(np.uint8), np.ones((3, 3), np.uint8), iterations=radius) > 0
        gc[near] = cv2.GC_PR_FGD
    gc[prior] = cv2.GC_FGD
    bgd = np.zeros((1, 65), np.float64)
    fgd = np.zeros((1, 65), np.float64)
    cv2.setRNGSeed(0)  # GrabCut's GMM initialisation draws from OpenCV's global RNG: same photo, same mask
    try:
        cv2.grabCut(np.ascontiguousarray(crop), gc, None, bgd, fgd, iterations, cv2.GC_INIT_WITH_MASK)
    except cv2.error:
        return soft
    hard = ((gc == cv2.GC_FGD) | (gc == cv2.GC_PR_FGD)).astype(np.float32)
    return cv2.GaussianBlur(hard, (0, 0), 0.8)


def apply_prior(crop: np.ndarray, soft: np.ndarray, points: np.ndarray, threshold: float,
                min_agreement: float, band: float = 0.0) -> tuple[np.ndarray, bool]:
    """The crop's soft mask corrected by the landmark prior; also says whether GrabCut ran.

    The whole skeleton decides whether the model is trusted and seeds GrabCut when it is not;
    a trusted mask only gains the palm.
    """
    palm = _palm(points, soft.shape[0])
    prior = palm | _bones(points, soft.shape[0])
    rerun = agreement(soft, prior, threshold) < min_agreement
    if rerun:
        return np.maximum(grabcut_soft(crop, prior, soft, threshold, band=band), prior.astype(np.float32)), True
    return np.maximum(soft, palm.astype(np.float32)), False
