"""Does a mask's outline follow anything in the photo?

With no hand detected the whole photo goes to the U-Net, and on a photo with nothing in it (a
blank page, a flat colour, a fully transparent PNG composited on white) the model still draws
the rounded blob it learned a hand crop holds. Such a blob follows no edge in the photo: the
colour just inside its outline is the colour just outside. A real hand, even on a skin-coloured
table, differs from its surroundings along most of its outline. So each component of the mask is
kept only if the photo changes colour across its outline.
"""
from __future__ import annotations

import cv2
import numpy as np

#: a point of the outline "shows an edge" when the colours this far inside and outside it (as a
#: fraction of the photo's shorter side, patches averaged) differ by at least this CIELAB distance
OUTLINE_REACH = 0.012
EDGE_DELTA_E = 6.0
#: a component is kept when at least this share of its outline's points shows an edge
SEEN_SHARE = 0.2
#: points sampled along an outline at most
MAX_POINTS = 400


def _patch_means(integral: np.ndarray, xs: np.ndarray, ys: np.ndarray, half: int, shape: tuple[int, int]) -> np.ndarray:
    """Mean RGB of the ``(2 half + 1)``-wide squares round each point, clipped to the photo."""
    h, w = shape
    x0 = np.clip(xs - half, 0, w - 1)
    x1 = np.clip(xs + half + 1, 1, w)
    y0 = np.clip(ys - half, 0, h - 1)
    y1 = np.clip(ys + half + 1, 1, h)
    sums = integral[y1, x1] - integral[y0, x1] - integral[y1, x0] + integral[y0, x0]
    area = ((x1 - x0) * (y1 - y0)).astype(np.float64)[:, None]
    return sums / area


def _lab(rgb: np.ndarray) -> np.ndarray:
    pixels = np.clip(rgb, 0, 255).astype(np.float32).reshape(-1, 1, 3) / np.float32(255.0)
    return cv2.cvtColor(pixels, cv2.COLOR_RGB2LAB).reshape(-1, 3)


def edge_shares(image: np.ndarray, mask: np.ndarray) -> list[tuple[np.ndarray, float]]:
    """``(component, share)`` per component of ``mask``: the share of its outline's points
    (away from the photo's border, which has no outside) where the photo's colour changes."""
    h, w = mask.shape
    reach = max(2, int(round(OUTLINE_REACH * min(h, w))))
    half = max(1, reach // 2)
    integral = None
    out = []
    count, labels = cv2.connectedComponents((mask > 0).astype(np.uint8), connectivity=8)
    for label in range(1, count):
        component = labels == label
        contours, _ = cv2.findContours(component.astype(np.uint8), cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_NONE)
        # the normal from the neighbours a few points either way along the contour
        contour = max(contours, key=len)[:, 0, :].astype(np.float64)
        n = len(contour)
        step = max(1, n // MAX_POINTS)
        idx = np.arange(0, n, step)
        k = max(1, min(reach, n // 8))
        tangent = contour[(idx + k) % n] - contour[(idx - k) % n]
        length = np.hypot(tangent[:, 0], tangent[:, 1])
        ok = length > 0
        normal = np.stack([-tangent[:, 1], tangent[:, 0]], 1)[ok] / length[ok, None]
        at = contour[idx][ok]
        keep = (at[:, 0] > reach) & (at[:, 0] < w - 1 - reach) & (at[:, 1] > reach) & (at[:, 1] < h - 1 - reach)
        if keep.sum() < 8:
            # the outline runs along the border: no outside to compare with, so nothing to judge by
            out.append((component, 1.0))
            continue
        at, normal = at[keep], normal[keep]
        if integral is None:
            integral = cv2.integral(image, sdepth=cv2.CV_64F)
        a = np.rint(at + reach * normal).astype(np.int64)
        b = np.rint(at - reach * normal).astype(np.int64)
        lab_a = _lab(_patch_means(integral, a[:, 0], a[:, 1], half, (h, w)))
        lab_b = _lab(_patch_means(integral, b[:, 0], b[:, 1], half, (h, w)))
        delta = np.linalg.norm(lab_a - lab_b, axis=1)
        out.append((component, float(np.mean(delta >= EDGE_DELTA_E))))
    return out


def drop_unseen(image: np.ndarray, mask: np.ndarray, seen_share: float = SEEN_SHARE) -> np.ndarray:
    """``mask`` without the components whose outline follows no edge in ``image`` (``HxWx3
    uint8`` RGB); the same array when every component stays."""
    shares = edge_shares(image, mask)
    dropped = [component for component, share in shares if share < seen_share]
    if not dropped:
        return mask
    kept = mask.copy()
    for component in dropped:
        kept[component] = 0
    return kept
