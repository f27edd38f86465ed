"""Faces, found so that the pipeline can keep them out of a hand's mask.

A hand held beside a face puts a cheek inside the hand's crop, and skin next to a hand is what
the U-Net most often mistakes for more hand. MediaPipe's face detector ships inside the same
pip package as its hand model (no download, works offline) and costs a few milliseconds on a
shrunk copy of the photo.

It also fires on hands: on the HGR photos (hands and forearms, no faces) it boxed a fist or a
palm in 22 of 863 photos. :func:`faces_apart_from_hands` therefore drops every face box that
lies mostly inside a detected hand's box before anything is taken out of a mask.
"""
from __future__ import annotations

import threading

import cv2
import numpy as np

from detection.boxes import Box, box_area, box_intersection, expand_box


class MediaPipeFaceDetector:
    """``mp.solutions.face_detection`` (the full-range model) as a box detector."""

    def __init__(self, min_confidence: float = 0.6, max_side: int = 640) -> None:
        from detection.mediapipe_import import import_mediapipe

        mp = import_mediapipe()
        self.max_side = max_side
        self._faces = mp.solutions.face_detection.FaceDetection(model_selection=1,
                                                                min_detection_confidence=min_confidence)
        self._lock = threading.Lock()  # the graph is not re-entrant; Streamlit may call from threads

    def detect(self, image_rgb: np.ndarray) -> list[Box]:
        """Face boxes ``(x0, y0, x1, y1)`` in full-resolution pixels, clipped to the image."""
        h, w = image_rgb.shape[:2]
        # The model sees 192x192 anyway: take every k-th pixel first (a big photo's area resize
        # costs tens of ms), then an area resize of the small copy. Boxes come back relative.
        step = max(1, max(h, w) // (2 * self.max_side))
        small = image_rgb[::step, ::step]
        sh, sw = small.shape[:2]
        scale = min(1.0, self.max_side / max(sh, sw))
        if scale < 1.0:
            small = cv2.resize(small, (max(1, round(sw * scale)), max(1, round(sh * scale))),
                               interpolation=cv2.INTER_AREA)
        fh, fw = sh * step, sw * step  # the extent the strided copy covers
        with self._lock:
            res = self._faces.process(np.ascontiguousarray(small))
        boxes: list[Box] = []
        for det in res.detections or []:
            b = det.location_data.relative_bounding_box
            x0, y0 = max(0.0, b.xmin * fw), max(0.0, b.ymin * fh)
            x1, y1 = min(float(w), (b.xmin + b.width) * fw), min(float(h), (b.ymin + b.height) * fh)
            if x1 - x0 >= 2 and y1 - y0 >= 2:
                boxes.append((x0, y0, x1, y1))
        return boxes


def faces_apart_from_hands(faces: list[Box], hands: list[Box], max_inside: float = 0.5) -> list[Box]:
    """The face boxes less than ``max_inside`` of whose area lies inside any one hand box.

    A "face" mostly inside a hand's box is the face detector firing on the hand (a fist looks
    like a face to it); a real face beside a hand, or touched by one, overlaps the hand's box
    only partly.
    """
    return [f for f in faces
            if all(box_intersection(f, hb) < max_inside * max(box_area(f), 1e-6) for hb in hands)]


def wrist_axis(landmarks: np.ndarray) -> tuple[np.ndarray, float, np.ndarray] | None:
    """``(wrist, palm length, direction)``: the wrist landmark, its distance to the middle
    knuckle, and the unit vector from that knuckle to the wrist, the way a forearm leaves the
    hand. None when the two landmarks coincide (no direction to follow)."""
    wrist = np.asarray(landmarks[0], np.float64)
    axis = wrist - landmarks[9]
    palm = float(np.hypot(*axis))
    if palm < 1e-6:
        return None
    return wrist, palm, axis / palm


def rotate(v: np.ndarray, degrees: float) -> np.ndarray:
    """``v`` (a 2-vector in image pixels) turned by ``degrees``: ways near the forearm's."""
    t = np.radians(degrees)
    return np.array([[np.cos(t), -np.sin(t)], [np.sin(t), np.cos(t)]]) @ np.asarray(v, np.float64)


def forearm_band(landmarks: np.ndarray, length: float = 3.0, width: float = 1.6,
                 spread_degrees: float = 0.0) -> np.ndarray:
    """A quadrilateral (4x2 float, full-resolution pixels) from the wrist away from the fingers.

    The forearm leaves the hand's box at the wrist; a hand held in front of the chin puts it
    across the lower face. The band starts a little inside the palm and runs ``length`` palm
    lengths (wrist to middle knuckle) in the wrist's direction, ``width`` palm widths (index to
    little-finger knuckle) wide, so the face guard never cuts a forearm off its hand.
    ``spread_degrees`` opens its far end by that angle on each side (the landmark hint's fan,
    ``segmentation.hint.forearm_fan``).
    """
    axis = wrist_axis(landmarks)
    if axis is None:
        return np.repeat(landmarks[0][None], 4, axis=0)
    wrist, palm, d = axis
    n = np.array([-d[1], d[0]])
    half = 0.5 * width * max(float(np.hypot(*(landmarks[5] - landmarks[17]))), 0.5 * palm)
    far = half + length * palm * np.tan(np.radians(spread_degrees))
    start, end = wrist - 0.3 * palm * d, wrist + length * palm * d
    return np.array([start + half * n, end + far * n, end - far * n, start - half * n])


def face_exclusion(shape: tuple[int, int], faces: list[Box], hands: list[Box],
                   arms: list[np.ndarray] = (), hand_reach: float = 0.1) -> np.ndarray | None:
    """Boolean ``HxW``: pixels that are face and certainly not hand, or ``None`` if there are none.

    Each face becomes an ellipse a little larger than its box (MediaPipe's box runs from the
    brows to the chin; the forehead and cheeks reach beyond it), minus every hand box grown by
    ``hand_reach`` per side, so a hand touching the face keeps all of itself, and minus the
    ``arms`` polygons (:func:`forearm_band`), so a forearm crossing the face stays joined.
    """
    h, w = shape
    out = np.zeros((h, w), np.uint8)
    for x0, y0, x1, y1 in faces:
        cx, cy = (x0 + x1) / 2, (y0 + y1) / 2 - 0.1 * (y1 - y0)  # centre raised towards the forehead
        ax, ay = 0.6 * (x1 - x0), 0.7 * (y1 - y0)
        cv2.ellipse(out, (round(cx), round(cy)), (max(1, round(ax)), max(1, round(ay))), 0, 0, 360, 1, -1)
    if not out.any():
        return None
    for hand in hands:
        x0, y0, x1, y1 = expand_box(hand, hand_reach)
        out[max(0, int(y0)):max(0, int(np.ceil(y1))), max(0, int(x0)):max(0, int(np.ceil(x1)))] = 0
    for arm in arms:
        cv2.fillConvexPoly(out, np.round(arm).astype(np.int32), 0)
    return out.astype(bool) if out.any() else None
