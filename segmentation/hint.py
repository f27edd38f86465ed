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

A model with a fifth channel also gets the forearm layer: the fan a forearm can take from the
wrist, away from the middle knuckle (:func:`forearm_fan`). Why: the skeleton alone stops at the
wrist, and a model trained with it learnt to end HGR forearms there (session 15,
docs/rejected/README.md); the fan says "an arm may continue here" without saying it does, so
the pixels still decide. It opens sideways because a bent wrist turns the forearm off the
palm's axis (by 45 degrees on some HGR photos); a straight band along the axis missed those.
The model's input depth says which layers it takes (:func:`hint_layers`), so no other setting
has to travel with the model file.
"""
from __future__ import annotations

from collections.abc import Iterable

import cv2
import numpy as np

from detection.faces import forearm_band, wrist_axis
from pipeline.landmark_prior import hand_prior, to_crop


def hint_layers(channels: int) -> int:
    """Hint layers a model with ``channels`` input channels takes: 0 (RGB), 1 (skeleton) or 2
    (skeleton and forearm fan)."""
    if channels not in (3, 4, 5):
        raise ValueError(f"expected a model with 3 (RGB), 4 (RGB + hint) or 5 (RGB + hint + forearm) "
                         f"input channels, got {channels}")
    return channels - 3


def forearm_fan(points: np.ndarray, length: float = 3.0, width: float = 1.6,
                spread_degrees: float = 35.0) -> np.ndarray | None:
    """The face guard's forearm band (:func:`detection.faces.forearm_band`: from just inside the
    wrist, ``width`` knuckle widths wide there, ``length`` palm lengths away from the middle
    knuckle) opened by ``spread_degrees`` on each side; 4x2 float in the landmarks' pixels.
    None when the wrist has no direction."""
    if wrist_axis(points) is None:
        return None
    return forearm_band(points, length, width, spread_degrees)


def draw_hint(points_in_crop: Iterable[np.ndarray | None], size: int, layers: int = 1) -> np.ndarray:
    """The hint of every given hand (``21x2`` landmarks in crop pixels), uint8 0/255:
    ``size x size`` (skeleton) for ``layers=1``, ``size x size x 2`` (skeleton, forearm fan)
    for ``layers=2``."""
    hint = np.zeros((size, size), bool)
    arm = np.zeros((size, size), np.uint8)
    for points in points_in_crop:
        if points is None:
            continue
        points = np.asarray(points, np.float64)
        hint |= hand_prior(points, size)
        if layers == 2:
            fan = forearm_fan(points)
            if fan is not None and np.abs(fan).max() < 1e6:
                cv2.fillConvexPoly(arm, np.round(fan).astype(np.int32), 255)
    skeleton = hint.astype(np.uint8) * 255
    return skeleton if layers == 1 else np.stack([skeleton, arm], axis=-1)


def crop_hint(landmarks: Iterable[np.ndarray | None], matrix: np.ndarray, size: int,
              layers: int = 1) -> np.ndarray:
    """The hint for a crop: full-image ``21x2`` landmark sets through the crop's 2x3 matrix."""
    return draw_hint((to_crop(p, matrix) for p in landmarks if p is not None), size, layers)


def split_hint(inputs: np.ndarray) -> tuple[np.ndarray, np.ndarray | None]:
    """The inverse of :func:`with_hint`: ``(crops, hints)`` from ``N x S x S x (3 + layers)``
    model inputs, the hints ``N x S x S`` for one layer and None for an RGB model."""
    layers = inputs.shape[-1] - 3
    crops = np.ascontiguousarray(inputs[..., :3])
    if not layers:
        return crops, None
    return crops, (inputs[..., 3] if layers == 1 else inputs[..., 3:])


def with_hint(crops: np.ndarray, hints: np.ndarray | None, layers: int = 1) -> np.ndarray:
    """``N x S x S x (3 + layers)`` float32 model input: the RGB crops and their hints (zeros
    when None). Also one ``S x S x 3`` crop with its hint. A one-layer hint may come without
    its last axis (``N x S x S``)."""
    x = crops.astype(np.float32)
    if hints is None:
        h = np.zeros((*x.shape[:-1], layers), np.float32)
    else:
        h = hints.astype(np.float32)
        if h.ndim == x.ndim - 1:
            h = h[..., None]
    return np.concatenate([x, h], axis=-1)
