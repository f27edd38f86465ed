"""Where around a hand a pixel lies, from MediaPipe's 21 landmarks: the hand itself, the cone a
forearm can take from the wrist, or elsewhere. Used by ``benchmarks/error_sources.py`` to say
where a mask's errors are.

The hand is every bone from the wrist to each fingertip and the palm hull, widened by
``finger_reach`` palm lengths (no part of a hand lies further from its bones); the forearm cone
starts just inside the wrist, points away from the middle knuckle, is ``arm_width`` palm lengths
wide there and opens by ``arm_angle`` degrees per side (a bent wrist moves the forearm off the
palm's axis) to past the image's far corner.

(Tried as a gate in the pipeline, removing mask pixels outside hand + cone: docs/rejected/README.md.)
"""
from __future__ import annotations

import math
import sys
from pathlib import Path

import cv2
import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from detection.faces import wrist_axis  # noqa: E402
from detection.faces import FINGERS, PALM  # noqa: E402


def palm_length(points: np.ndarray) -> float:
    """Wrist to middle knuckle, or the knuckles' width if the palm is seen edge-on."""
    return max(float(np.linalg.norm(points[9] - points[0])),
               float(np.linalg.norm(points[17] - points[5])), 1.0)


def draw_hand(canvas: np.ndarray, points: np.ndarray, finger_reach: float = 0.35) -> None:
    """Paint (value 1) the hand itself, without the forearm, into ``canvas`` (``HxW uint8``);
    ``points`` are the 21 landmarks in the canvas's pixel coordinates."""
    palm = palm_length(points)
    radius = max(1, int(round(finger_reach * palm)))
    pts = np.round(points).astype(np.int32)
    hull = cv2.convexHull(pts[list(PALM)])
    cv2.fillConvexPoly(canvas, hull, 1)
    for finger in FINGERS:
        cv2.polylines(canvas, [pts[[0, *finger]]], False, 1, 2 * radius + 1)
    cv2.polylines(canvas, [hull], True, 1, 2 * radius + 1)


def draw_forearm(canvas: np.ndarray, points: np.ndarray, arm_angle: float = 35.0,
                 arm_width: float = 1.0) -> None:
    """Paint (value 1) the cone a forearm can take from the wrist into ``canvas``."""
    h, w = canvas.shape
    palm = palm_length(points)
    # the forearm: a cone from just inside the wrist, away from the middle knuckle, to past the
    # canvas's far corner
    axis = wrist_axis(points)
    if axis is None:
        return
    wrist, _, d = axis
    n = np.array([-d[1], d[0]])
    half = 0.5 * arm_width * palm
    length = float(np.hypot(h, w)) + palm
    spread = half + length * math.tan(math.radians(arm_angle))
    start = wrist - 0.3 * palm * d
    end = wrist + length * d
    cone = np.array([start + half * n, end + spread * n, end - spread * n, start - half * n])
    cv2.fillConvexPoly(canvas, np.round(cone).astype(np.int32), 1)
