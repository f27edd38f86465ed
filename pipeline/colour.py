"""Colour-cast handling at test time: segment a crop as shot and white-balanced, keep the surer one.

Why: under a warm lamp a white sheet turns beige, i.e. skin-coloured, and the U-Net's mask of
such a crop dissolves into grey; the same crop after a grey-world white balance is segmented
cleanly. Balancing every crop is no cure, though: when the hand fills the crop, grey-world
drains the skin's own colour and *that* mask dissolves instead. So both versions are segmented
(one batch) and, per crop, the mask the model is surer of is kept. "Surer" is the mean of
``min(p, 1 - p)`` over the crop: low when the probabilities sit near 0 and 1.
"""
from __future__ import annotations

import numpy as np

COLOUR_MODES = ("none", "grayworld", "auto")


def gray_world(crops: np.ndarray) -> np.ndarray:
    """Scale each crop's channels so their means are equal (``N x H x W x 3`` uint8 in and out)."""
    f = crops.astype(np.float32)
    means = f.mean(axis=(1, 2), keepdims=True)
    gains = means.mean(axis=3, keepdims=True) / np.maximum(means, 1.0)
    return np.clip(f * gains, 0, 255).astype(np.uint8)


def uncertainty(softs: np.ndarray) -> np.ndarray:
    """Per crop: mean distance of the probabilities from the nearer of 0 and 1 (0 = certain)."""
    return np.minimum(softs, 1.0 - softs).mean(axis=(1, 2))


def segment_with_colour_mode(segmenter, crops: np.ndarray, mode: str) -> np.ndarray:
    """Soft masks (``N x S x S``) of the crops under one of ``COLOUR_MODES``."""
    if mode == "none":
        return segmenter.predict(crops)
    if mode == "grayworld":
        return segmenter.predict(gray_world(crops))
    if mode != "auto":
        raise ValueError(f"colour mode must be one of {COLOUR_MODES}, not {mode!r}")
    n = len(crops)
    both = segmenter.predict(np.concatenate([crops, gray_world(crops)]))
    plain, balanced = both[:n], both[n:]
    keep_balanced = uncertainty(balanced) < uncertainty(plain)
    return np.where(keep_balanced[:, None, None], balanced, plain)
