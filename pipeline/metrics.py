"""Mask quality metrics, per image and aggregated.

All functions take ``HxW`` masks where any non-zero pixel is hand. Conventions for empty
masks: two empty masks agree perfectly (IoU, Dice, precision, recall, boundary F1 = 1).
"""
from __future__ import annotations

from dataclasses import asdict, dataclass

import cv2
import numpy as np


@dataclass(frozen=True)
class MaskScores:
    iou: float
    dice: float
    precision: float
    recall: float
    boundary_f1: float
    specks: int
    tp: int
    fp: int
    fn: int
    tn: int

    def as_dict(self) -> dict:
        return asdict(self)


def _ratio(num: float, den: float, empty: float = 1.0) -> float:
    return float(num) / float(den) if den > 0 else empty


def boundary_tolerance(shape: tuple[int, int]) -> float:
    """max(2 px, 0.3 % of the image diagonal): scale-free, so 640x480 and 2160x4000 compare fairly."""
    return max(2.0, 0.003 * float(np.hypot(*shape)))


def boundary(mask: np.ndarray) -> np.ndarray:
    """Pixels of the mask that have a 4-neighbour outside it (image border counts as outside)."""
    m = (mask > 0).astype(np.uint8)
    padded = cv2.copyMakeBorder(m, 1, 1, 1, 1, cv2.BORDER_CONSTANT, value=0)
    eroded = cv2.erode(padded, cv2.getStructuringElement(cv2.MORPH_CROSS, (3, 3)))[1:-1, 1:-1]
    return (m > 0) & (eroded == 0)


def boundary_f1(pred: np.ndarray, truth: np.ndarray, tolerance: float | None = None) -> float:
    """F1 of boundary pixels matched within ``tolerance`` pixels (default :func:`boundary_tolerance`)."""
    tol = boundary_tolerance(truth.shape) if tolerance is None else tolerance
    bp, bt = boundary(pred), boundary(truth)
    if not bp.any() and not bt.any():
        return 1.0
    if not bp.any() or not bt.any():
        return 0.0
    # distance from every pixel to the nearest boundary pixel of the other mask
    dt_t = cv2.distanceTransform((~bt).astype(np.uint8), cv2.DIST_L2, 5)
    dt_p = cv2.distanceTransform((~bp).astype(np.uint8), cv2.DIST_L2, 5)
    precision = float((dt_t[bp] <= tol).mean())
    recall = float((dt_p[bt] <= tol).mean())
    return 0.0 if precision + recall == 0 else 2 * precision * recall / (precision + recall)


def count_specks(pred: np.ndarray, truth: np.ndarray) -> int:
    """Predicted connected components (8-connected) that share no pixel with the truth."""
    p = (pred > 0).astype(np.uint8)
    n, labels = cv2.connectedComponents(p, connectivity=8)
    if n <= 1:
        return 0
    touching = np.unique(labels[(truth > 0) & (p > 0)])
    return int((n - 1) - np.count_nonzero(touching))


def score_masks(pred: np.ndarray, truth: np.ndarray, tolerance: float | None = None) -> MaskScores:
    """Every metric for one image. ``pred`` and ``truth`` must have the same shape."""
    if pred.shape != truth.shape:
        raise ValueError(f"shape mismatch: prediction {pred.shape} vs truth {truth.shape}")
    p, t = pred > 0, truth > 0
    tp = int((p & t).sum())
    fp = int((p & ~t).sum())
    fn = int((~p & t).sum())
    tn = int(p.size - tp - fp - fn)
    return MaskScores(
        iou=_ratio(tp, tp + fp + fn),
        dice=_ratio(2 * tp, 2 * tp + fp + fn),
        precision=_ratio(tp, tp + fp, empty=1.0 if fn == 0 else 0.0),
        recall=_ratio(tp, tp + fn, empty=1.0),
        boundary_f1=boundary_f1(pred, truth, tolerance),
        specks=count_specks(pred, truth),
        tp=tp, fp=fp, fn=fn, tn=tn,
    )


def aggregate(scores: list[MaskScores]) -> dict:
    """Means over images (each image weighs the same) plus the pooled pixel confusion matrix."""
    if not scores:
        raise ValueError("no scores to aggregate")
    out = {f"mean_{k}": float(np.mean([getattr(s, k) for s in scores]))
           for k in ("iou", "dice", "precision", "recall", "boundary_f1", "specks")}
    out["images"] = len(scores)
    out["confusion"] = {k: int(sum(getattr(s, k) for s in scores)) for k in ("tp", "fp", "fn", "tn")}
    return out
