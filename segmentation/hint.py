"""The landmark hint: a fourth input channel that tells the U-Net where MediaPipe saw the hand.

Why: from colour and texture alone the U-Net cannot always tell a pale hand from pale wood, or
the hand from a cheek beside it (on ``samples/hand_on_wood_table.jpg`` its raw output is
inverted). MediaPipe's 21 landmarks are found from the hand's shape and are usually right in
exactly those scenes. Post-processing with them (``pipeline.landmark_prior``) can only veto or
re-run a mask; given to the network as an input, the skeleton lets it decide which skin-coloured
region is the hand while it still draws the edge from the pixels.

The channel is the same drawing the landmark prior uses: the palm polygon (slightly eroded) and
the finger bones, thinner than a finger and stopping short of the tips, 255 inside, 0 elsewhere,
for every hand whose landmarks fall in the crop. A crop without landmarks (a box-only YOLO hand,
the no-hand fallback) gets an all-zero channel; training drops the hint from some crops so the
model works without it too.
"""
from __future__ import annotations

from collections.abc import Iterable

import numpy as np

from pipeline.landmark_prior import hand_prior, to_crop


def draw_hint(points_in_crop: Iterable[np.ndarray | None], size: int) -> np.ndarray:
    """``size x size uint8``: 255 on the palm and finger bones of every given hand (crop pixels)."""
    hint = np.zeros((size, size), bool)
    for points in points_in_crop:
        if points is not None:
            hint |= hand_prior(np.asarray(points, np.float64), size)
    return hint.astype(np.uint8) * 255


def crop_hint(landmarks: Iterable[np.ndarray | None], matrix: np.ndarray, size: int) -> np.ndarray:
    """The hint for a crop: full-image ``21x2`` landmark sets through the crop's 2x3 matrix."""
    return draw_hint((to_crop(p, matrix) for p in landmarks if p is not None), size)


def with_hint(crops: np.ndarray, hints: np.ndarray | None) -> np.ndarray:
    """``N x S x S x 4`` float32 model input: the RGB crops and their hints (zeros when None).
    Also one ``S x S x 3`` crop with its ``S x S`` hint."""
    x = crops.astype(np.float32)
    h = np.zeros(x.shape[:-1], np.float32) if hints is None else hints.astype(np.float32)
    return np.concatenate([x, h[..., None]], axis=-1)
