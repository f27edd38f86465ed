"""Pictures for the page: small previews built with ``pipeline.render``'s helpers.

Previews are shrunk before drawing because a browser column is ~400 px wide and shipping four
8-MP PNGs per photo over the websocket would make the page crawl; downloads stay full size.
"""
from __future__ import annotations

import cv2
import numpy as np

from detection.boxes import Box
from detection.types import HandBox
from pipeline.render import composite, overlay

#: Longest side of a preview image, in pixels.
PREVIEW_SIDE = 1024

#: MediaPipe's 21-point hand topology (wrist 0; thumb 1-4, index 5-8, middle 9-12, ring 13-16, pinky 17-20).
HAND_CONNECTIONS = (
    (0, 1), (1, 2), (2, 3), (3, 4),
    (0, 5), (5, 6), (6, 7), (7, 8),
    (5, 9), (9, 10), (10, 11), (11, 12),
    (9, 13), (13, 14), (14, 15), (15, 16),
    (13, 17), (0, 17), (17, 18), (18, 19), (19, 20),
)

LIGHT, DARK = (236, 236, 236), (190, 190, 190)


def preview_scale(shape: tuple[int, ...], max_side: int = PREVIEW_SIDE) -> float:
    """Factor (<= 1) that fits an image of ``shape`` into ``max_side``; never upscales."""
    return min(1.0, max_side / max(shape[0], shape[1]))


def shrink(array: np.ndarray, scale: float) -> np.ndarray:
    """Resize an image or mask by ``scale`` with area averaging (keeps soft alpha edges soft)."""
    if scale >= 1.0:
        return array
    h, w = array.shape[:2]
    return cv2.resize(array, (max(1, round(w * scale)), max(1, round(h * scale))), interpolation=cv2.INTER_AREA)


def checker_mask(h: int, w: int, cell: int = 12) -> np.ndarray:
    """``HxW bool``: True on the light squares of a checkerboard with ``cell``-pixel squares."""
    yy, xx = np.indices((h, w))
    return ((yy // cell + xx // cell) % 2) == 0


def on_checkerboard(image: np.ndarray, alpha: np.ndarray, cell: int = 12) -> np.ndarray:
    """``HxWx3``: the cut-out over the usual grey checkerboard, so transparency is visible on any theme.

    Built from two flat-colour ``composite`` calls picked per pixel, so blending stays the
    render module's.
    """
    light = composite(image, alpha, LIGHT)
    dark = composite(image, alpha, DARK)
    return np.where(checker_mask(*alpha.shape, cell)[..., None], light, dark)


def draw_landmarks(image: np.ndarray, hands: list[HandBox], scale: float = 1.0) -> np.ndarray:
    """Copy of ``image`` with each hand's 21 landmarks and skeleton drawn (box-only hands skipped)."""
    out = image.copy()
    thick = max(1, round(max(image.shape[:2]) / 400))
    for hand in hands:
        if hand.landmarks is None:
            continue
        pts = [(int(round(x * scale)), int(round(y * scale))) for x, y in hand.landmarks]
        for a, b in HAND_CONNECTIONS:
            cv2.line(out, pts[a], pts[b], (255, 255, 255), thick, cv2.LINE_AA)
        for p in pts:
            cv2.circle(out, p, thick + 2, (255, 64, 64), -1, cv2.LINE_AA)
    return out


def overlay_view(image: np.ndarray, mask: np.ndarray, hands: list[HandBox], scale: float,
                 show_detections: bool, faces: list[Box] = ()) -> np.ndarray:
    """Tinted mask with contour (``render.overlay``); detector boxes, landmarks and the faces kept
    out of the mask when asked for.

    ``image`` and ``mask`` are already shrunk by ``scale``; the hands are in full-resolution
    pixels and are scaled here.
    """
    boxes = [tuple(v * scale for v in h.xyxy) for h in hands] if show_detections else []
    face_boxes = [tuple(v * scale for v in f) for f in faces] if show_detections else []
    out = overlay(image, mask, boxes, faces=face_boxes)
    return draw_landmarks(out, hands, scale) if show_detections else out
