"""Pure box helpers. Boxes are ``(x0, y0, x1, y1)`` floats in full-resolution pixels.

None of these mutate their input; each returns a new tuple.
"""
from __future__ import annotations

import numpy as np

Box = tuple[float, float, float, float]


def box_size(box: Box) -> tuple[float, float]:
    return max(0.0, box[2] - box[0]), max(0.0, box[3] - box[1])


def box_area(box: Box) -> float:
    w, h = box_size(box)
    return w * h


def expand_box(box: Box, margin: float) -> Box:
    """Grow each side by ``margin`` times the box's own width/height (0.2 = 20 % per side)."""
    w, h = box_size(box)
    return (box[0] - margin * w, box[1] - margin * h, box[2] + margin * w, box[3] + margin * h)


def square_box(box: Box) -> Box:
    """Smallest square with the same centre that contains the box (keeps the hand's aspect in a square crop)."""
    w, h = box_size(box)
    side = max(w, h, 1.0)
    cx, cy = (box[0] + box[2]) / 2, (box[1] + box[3]) / 2
    return (cx - side / 2, cy - side / 2, cx + side / 2, cy + side / 2)


def clip_box(box: Box, width: int, height: int) -> Box:
    """Clip to the image ``[0, width] x [0, height]``; an outside box becomes empty (zero area)."""
    x0 = min(max(box[0], 0.0), width)
    y0 = min(max(box[1], 0.0), height)
    x1 = min(max(box[2], x0), width)
    y1 = min(max(box[3], y0), height)
    return (x0, y0, x1, y1)


def offset_box(box: Box, dx: float, dy: float) -> Box:
    """``box`` in the coordinates of a window whose top-left corner is ``(dx, dy)``."""
    return (box[0] - dx, box[1] - dy, box[2] - dx, box[3] - dy)


def box_union(a: Box, b: Box) -> Box:
    """The smallest box holding both (a hand's box grown to another detector's box of it)."""
    return (min(a[0], b[0]), min(a[1], b[1]), max(a[2], b[2]), max(a[3], b[3]))


def box_intersection(a: Box, b: Box) -> float:
    """Area shared by the two boxes (0 when apart)."""
    ix = max(0.0, min(a[2], b[2]) - max(a[0], b[0]))
    iy = max(0.0, min(a[3], b[3]) - max(a[1], b[1]))
    return ix * iy


def box_iou(a: Box, b: Box) -> float:
    inter = box_intersection(a, b)
    union = box_area(a) + box_area(b) - inter
    return inter / union if union > 0 else 0.0


def box_containment(a: Box, b: Box) -> float:
    """Share of the smaller box that lies inside the other one (1.0: one holds the other)."""
    small = min(box_area(a), box_area(b))
    return box_intersection(a, b) / small if small > 0 else 0.0


def share_inside(inner: Box, outer: Box) -> float:
    """Share of ``inner``'s area that lies inside ``outer`` (0.0 for an empty ``inner``)."""
    area = box_area(inner)
    return box_intersection(inner, outer) / area if area > 0 else 0.0


def same_object(a: Box, b: Box, iou: float = 0.3, containment: float = 0.6) -> bool:
    """Do two boxes mark the same thing: IoU at least ``iou``, or at least ``containment`` of the
    smaller one inside the other (a tight hand box inside a hand-plus-forearm box)."""
    return box_iou(a, b) >= iou or box_containment(a, b) >= containment


def mask_box(mask: np.ndarray) -> Box | None:
    """Tight box around the non-zero pixels of ``HxW`` mask, or None when it is empty."""
    ys, xs = np.nonzero(mask)
    if len(xs) == 0:
        return None
    return (float(xs.min()), float(ys.min()), float(xs.max() + 1), float(ys.max() + 1))


def mask_coverage(mask: np.ndarray, boxes: list[Box]) -> float:
    """Share of the mask's pixels inside the union of ``boxes`` (what the segmenter gets to see)."""
    fg = mask > 0
    total = int(fg.sum())
    if total == 0:
        return 1.0
    inside = np.zeros_like(fg)
    h, w = fg.shape
    for b in boxes:
        x0, y0, x1, y1 = (int(round(v)) for v in clip_box(b, w, h))
        inside[y0:y1, x0:x1] = True
    return float((fg & inside).sum()) / total
