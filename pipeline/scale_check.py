"""A grown crop checked against the finer crop it grew from.

When a hand's mask runs off its crop towards a forearm, the pipeline segments a crop 1.5 times
larger (``pipeline.core.grow_region``) and pastes it *under* the smaller one
(``pipeline.core.paste_chain``): inside the smaller crop's footprint the sharper view wins, outside
it the grown crop's view is all there is. A grown crop that sees the floor, a plank or a window
grid as hand is therefore hidden where the finer crop looked, and shows everywhere else, as a block
of background with the finer crop's straight edge cut out of it (hand_boxes photos: wood beside a
forearm, parquet under a raised hand, a window grid beside the palm).

The place the finer crop looked is also where the mistake can be seen: there the grown crop calls
hand what the sharper view called background. A grown crop that does so over a large area is not
trusted, and is re-segmented with GrabCut, which learns this photo's background from what the
finer crop rejected (sure background) and the hand from what it kept (sure hand).
"""
from __future__ import annotations

import cv2
import numpy as np

from pipeline.landmark_prior import GRABCUT_ROUNDS, grabcut_soft, hand_prior
from segmentation.crops import crop_to_crop

#: the smaller crop's footprint counts from this far inside its edges (a fraction of its side):
#: near its edges ``paste_chain`` fades it out, and there its own mask is least sure
INNER_BAND = 0.08


def _previous_views(previous: tuple, matrix: np.ndarray, size: int, threshold: float,
                    unsure: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
    """The previous crop's hard mask and the inside of its footprint, both in this crop's pixels;
    ``unsure`` (bool, this crop's pixels) is left out of the footprint."""
    _, prev_matrix, prev_soft = previous
    n = prev_soft.shape[0]
    warp = crop_to_crop(prev_matrix, matrix)
    inner = np.zeros((n, n), np.uint8)
    b = int(round(INNER_BAND * n))
    inner[b:n - b, b:n - b] = 1
    fg = cv2.warpAffine((prev_soft > threshold).astype(np.uint8), warp, (size, size), flags=cv2.INTER_NEAREST)
    inside = cv2.warpAffine(inner, warp, (size, size), flags=cv2.INTER_NEAREST) > 0
    if unsure is not None:
        inside &= ~unsure
    return fg > 0, inside


def _dilated(mask: np.ndarray, pixels: int) -> np.ndarray:
    if pixels <= 0:
        return mask
    return cv2.dilate(mask.astype(np.uint8), np.ones((3, 3), np.uint8), iterations=pixels) > 0


def _eroded(mask: np.ndarray, pixels: int) -> np.ndarray:
    if pixels <= 0:
        return mask
    return cv2.erode(mask.astype(np.uint8), np.ones((3, 3), np.uint8), iterations=pixels) > 0


def excess(soft: np.ndarray, previous: tuple, matrix: np.ndarray, threshold: float,
           tolerance: float = 0.02, unsure: np.ndarray | None = None) -> float:
    """How much hand the grown crop finds where the finer crop found background, relative to
    the hand the finer crop found there (both inside the finer crop's footprint). Pixels within
    ``tolerance`` (a fraction of the crop side) of the finer mask do not count: the coarser view
    draws every edge a little differently. Where the finer crop may have been wrong (``unsure``,
    bool) it is no witness."""
    size = soft.shape[0]
    prev_fg, inside = _previous_views(previous, matrix, size, threshold, unsure)
    kept = int((prev_fg & inside).sum())
    if kept == 0:
        return 0.0
    near = _dilated(prev_fg, int(round(tolerance * size)))
    extra = (soft > threshold) & inside & ~near
    return float(extra.sum()) / kept


def reseed_grown(crop: np.ndarray, soft: np.ndarray, previous: tuple, matrix: np.ndarray, threshold: float,
                 points: np.ndarray | None = None, margin: float = 0.03,
                 unsure: np.ndarray | None = None, rounds: int = GRABCUT_ROUNDS) -> np.ndarray:
    """The grown crop re-segmented by GrabCut, which may only take away from ``soft``.

    Inside the finer crop's footprint its hand is sure hand and its background, ``margin`` (a
    fraction of the crop side) away from that hand, sure background; the hand's landmark skeleton
    (``points``, in this crop's pixels) is sure hand too. Everything else starts as probable background: what the
    grown crop added outside the footprint stays only if it looks like the hand the finer crop
    kept rather than the background it rejected. Started as probable hand instead, the added
    floor itself taught GrabCut's hand model its colour and stayed. The result is never more
    than ``soft`` (GrabCut alone would add flowers in the hand's colour, a bag's print).
    ``unsure`` (bool) is where the finer crop's verdict is not taken as sure.
    """
    size = soft.shape[0]
    prev_fg, inside = _previous_views(previous, matrix, size, threshold, unsure)
    step = max(1, int(round(margin * size)))
    sure_hand = _eroded(prev_fg, 1) & inside
    if points is not None:
        sure_hand |= hand_prior(points, size)
    sure_background = inside & ~_dilated(prev_fg, step)
    redone = grabcut_soft(crop, sure_hand, soft, threshold, rounds, background=sure_background)
    return np.minimum(redone, soft)


def check_grown(crop: np.ndarray, soft: np.ndarray, previous: tuple, matrix: np.ndarray, threshold: float,
                limit: float, points: np.ndarray | None = None, unsure: np.ndarray | None = None,
                rounds: int = GRABCUT_ROUNDS) -> np.ndarray:
    """``soft``, or :func:`reseed_grown`'s when its :func:`excess` over ``previous`` passes
    ``limit``: the one entry point for a grown crop and for a hand's wide look alike.

    The wide look exists to carry on a forearm the hand's own crops ended at the wrist, so there
    the finer crops are no witness: it passes its forearm cone as ``unsure``.
    """
    if limit <= 0 or excess(soft, previous, matrix, threshold, unsure=unsure) <= limit:
        return soft
    return reseed_grown(crop, soft, previous, matrix, threshold, points, unsure=unsure, rounds=rounds)
