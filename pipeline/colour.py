"""Colour-cast rescue at test time: a crop the model is unsure of is tried again white-balanced.

Why: under a warm lamp a white sheet turns beige, i.e. skin-coloured, and the U-Net's mask of
such a crop dissolves into grey; the same crop after a grey-world white balance is segmented
cleanly. Balancing every crop is no cure, though. When the hand fills the crop, grey-world
drains the skin's own colour; on a strongly coloured table it tints the hand, and the model can
then be confidently wrong: keeping the surer of the two masks for *every* crop cost the
composite validation crops 3 IoU points, flat and textured backgrounds most. So the balanced
version is only a rescue: it replaces the plain mask when the plain mask is unsure
(``RESCUE_UNCERTAINTY``) and the balanced one is surer and, where the hand's landmarks are known,
covers at least as much of its skeleton. ``benchmarks/colour_threshold.py`` prints the figures
behind the first two rules; ``docs/val_sweep_colour_landmarks.json`` those behind the third.
Unsureness is the mean of ``min(p, 1 - p)`` over the crop: 0 when every probability is 0 or 1.

A warm lamp does not always make the model unsure: on warm-lit copies of the validation photos
(``benchmarks/make_warm_set.py``) it was sure of masks that had lost fingers' edges, and the
rescue never fired. What gives such a photo away is the hand's own skin: it turns far more vivid
(Lab chroma along the landmark skeleton 36-47 on 11k Hands' warm copies, 21-33 in their own
light). So a crop whose skin is more vivid than ``cast_chroma`` is tried balanced too, sure or
not, and the balanced mask kept when it covers at least as much of the skeleton. A beige table
or a face beside the hand does not trigger it, as the whole photo's colour would.
"""
from __future__ import annotations

from collections.abc import Sequence

import cv2
import numpy as np

from pipeline.orientation import turn

COLOUR_MODES = ("none", "grayworld", "auto")

#: Above this mean unsureness a crop's mask counts as failed. Chosen on the validation crops
#: (real and composite, person-wise v4; ``benchmarks/colour_threshold.py``): their 99th
#: percentile is 0.042; at 0.05 two of 472 crops switch and the mean IoU rises 0.9388 -> 0.9398,
#: while the warm-lamp sample photo that motivated the rescue sits at 0.063. Re-checked for
#: v10p (session 18): 99th percentile 0.040, and 0.05 is still the best threshold
#: (docs/colour_threshold.txt).
RESCUE_UNCERTAINTY = 0.05


def gray_world(crops: np.ndarray) -> np.ndarray:
    """Scale each crop's channels so their means are equal (``N x H x W x 3`` uint8 in and out)."""
    f = crops.astype(np.float32)
    means = f.mean(axis=(1, 2), keepdims=True)
    gains = means.mean(axis=3, keepdims=True) / np.maximum(means, 1.0)
    return np.clip(f * gains, 0, 255).astype(np.uint8)


def uncertainty(softs: np.ndarray) -> np.ndarray:
    """Per crop: mean distance of the probabilities from the nearer of 0 and 1 (0 = certain)."""
    return np.minimum(softs, 1.0 - softs).mean(axis=(1, 2))


#: the chroma plane is median-filtered over this many crop pixels before it is compared, so
#: JPEG's colour noise does not make single pixels vivid; a median, unlike a blur, does not
#: carry a vivid background's colour over the edge into the skin beside it
CHROMA_MEDIAN = 5


def chroma_plane(crop: np.ndarray) -> np.ndarray:
    """``H x W`` float32 Lab chroma (a*b* distance from grey) of an RGB uint8 crop, median-filtered
    (``CHROMA_MEDIAN``)."""
    lab = cv2.cvtColor(np.ascontiguousarray(crop), cv2.COLOR_RGB2LAB).astype(np.float32)
    return cv2.medianBlur(np.hypot(lab[..., 1] - 128.0, lab[..., 2] - 128.0), CHROMA_MEDIAN)


def skin_chroma(crops: np.ndarray, priors: list[np.ndarray | None]) -> np.ndarray:
    """Per crop: median :func:`chroma_plane` along its landmark skeleton (0 where there is none)."""
    out = np.zeros(len(crops))
    for i, (crop, prior) in enumerate(zip(crops, priors)):
        if prior is not None and prior.sum() >= 20:
            out[i] = float(np.median(chroma_plane(crop)[prior]))
    return out


def _covered(softs: np.ndarray, priors: list[np.ndarray | None]) -> np.ndarray:
    """Per crop: share of its landmark prior the mask calls hand (1.0 where there is no prior)."""
    out = np.ones(len(softs))
    for i, (soft, prior) in enumerate(zip(softs, priors)):
        if prior is not None and prior.any():
            out[i] = float((soft[prior] > 0.5).mean())
    return out


def segment_with_colour_mode(segmenter, crops: np.ndarray, mode: str,
                             priors: list[np.ndarray | None] | None = None,
                             hints: np.ndarray | None = None) -> np.ndarray:
    """Soft masks (``N x S x S``) of the crops under one of ``COLOUR_MODES``; "auto" is the rescue
    (only the unsure crops are segmented a second time). See :func:`segment_and_say_balanced`."""
    return segment_and_say_balanced(segmenter, crops, mode, priors, hints)[0]


def segment_and_say_balanced(segmenter, crops: np.ndarray, mode: str,
                             priors: list[np.ndarray | None] | None = None,
                             hints: np.ndarray | None = None,
                             turns: Sequence[int] | None = None,
                             cast_chroma: float = 0.0) -> tuple[np.ndarray, np.ndarray]:
    """Soft masks (``N x S x S``) and, per crop, whether its mask came from the white-balanced crop.

    The flags let a later crop of the same hand follow the decision: a wide crop that is mostly
    the photo's background can be sure of a colour cast's mistake where the hand's own crop was not.

    ``priors`` (one ``S x S`` bool landmark skeleton or None per crop) let "auto" refuse a
    balanced mask that covers less of the hand's skeleton than the plain one: on a strongly
    coloured background grey-world can tint the hand itself, and the model then turns sure of a
    mask that has left the hand (a new-scenes validation photo went from IoU 0.88 to 0.32).
    ``hints`` (``N x S x S`` uint8 landmark hints, or None) go to a segmenter that takes them,
    with the plain and the balanced crops alike. ``turns`` (``np.rot90``'s ``k`` per crop, see
    :mod:`pipeline.orientation`) turn each crop and its hints before the model and its mask back
    after, so the masks returned are always in the crops' own orientation. ``cast_chroma`` (0: off)
    also sends to the balanced crop, sure or not, every crop whose skin along its prior is more
    vivid than that (see the module's docstring); ties in skeleton cover go to the balanced mask.
    """
    if mode not in COLOUR_MODES:
        raise ValueError(f"colour mode must be one of {COLOUR_MODES}, not {mode!r}")
    if mode == "grayworld":
        return _predict(segmenter, gray_world(crops), hints, turns), np.ones(len(crops), bool)
    softs = _predict(segmenter, crops, hints, turns)
    chosen = np.zeros(len(crops), bool)
    if mode == "none":
        return softs, chosen
    doubt = uncertainty(softs) > RESCUE_UNCERTAINTY
    cast = np.zeros(len(crops), bool)
    if cast_chroma > 0 and priors is not None:
        cast = skin_chroma(crops, priors) > cast_chroma
    unsure = np.flatnonzero(doubt | cast)
    if unsure.size:
        balanced = _predict(segmenter, gray_world(crops[unsure]), None if hints is None else hints[unsure],
                            None if turns is None else [turns[i] for i in unsure])
        better = cast[unsure] | (uncertainty(balanced) < uncertainty(softs[unsure]))
        if priors is not None:
            keep = [priors[i] for i in unsure]
            better &= _covered(balanced, keep) >= _covered(softs[unsure], keep)
        softs = softs.copy()
        softs[unsure[better]] = balanced[better]
        chosen[unsure[better]] = True
    return softs, chosen


def _predict(segmenter, crops: np.ndarray, hints: np.ndarray | None,
             turns: Sequence[int] | None = None) -> np.ndarray:
    """``segmenter.predict`` on the turned crops, its masks turned back; the hints are passed only
    when there are some (test doubles and RGB models take the crops alone)."""
    if turns is not None and any(k % 4 for k in turns):
        crops = turn(crops, turns)
        hints = None if hints is None else turn(hints, turns)
        return turn(_predict(segmenter, crops, hints), turns, inverse=True)
    return segmenter.predict(crops) if hints is None else segmenter.predict(crops, hints)
