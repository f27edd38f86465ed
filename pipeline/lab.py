"""CIELAB helpers for the steps that judge colour the way shade does not change it.

Shade and distance from a lamp darken skin, or the background seen through a hand, by much
more than they move its a*, b*: on HGR's validation photos a forearm in shadow was up to 45 L
darker than the palm while its a*, b* stayed within 5. So these distances count lightness at a
fraction (the caller's ``lightness_weight``).
"""
from __future__ import annotations

import cv2
import numpy as np


def to_lab(rgb: np.ndarray) -> np.ndarray:
    """``HxWx3`` (or ``Nx3``) float32 CIELAB of uint8 RGB, L in 0-100 and a*, b* about 0 for grey."""
    lab = cv2.cvtColor(np.ascontiguousarray(rgb), cv2.COLOR_RGB2LAB).astype(np.float32)
    lab[..., 0] *= 100.0 / 255.0
    lab[..., 1:] -= 128.0
    return lab


def shade_distance(lab: np.ndarray, reference: np.ndarray, lightness_weight: float) -> np.ndarray:
    """Distance from ``reference`` (CIELAB, last axis) with lightness counted at ``lightness_weight``."""
    d = lab - reference
    return np.sqrt(d[..., 1] ** 2 + d[..., 2] ** 2 + (lightness_weight * d[..., 0]) ** 2)
