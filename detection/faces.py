"""Faces, found so that the pipeline can keep them out of a hand's mask.

A hand held beside a face puts a cheek inside the hand's crop, and skin next to a hand is what
the U-Net most often mistakes for more hand. MediaPipe's face detector ships inside the same
pip package as its hand model (no download, works offline) and costs a few milliseconds on a
shrunk copy of the photo.

It also fires on hands: on the HGR photos (hands and forearms, no faces) it boxed a fist or a
palm in 22 of 863 photos. :func:`faces_apart_from_hands` therefore drops every face box that
lies mostly inside a detected hand (its landmark outline, or its box) before anything is taken
out of a mask. The other way round, the YOLO hand detector boxes faces as hands:
:func:`faces_not_hands` drops such boxes.
"""
from __future__ import annotations

import threading
from dataclasses import replace
from typing import TYPE_CHECKING

import cv2
import numpy as np

from detection.boxes import Box, box_area, box_intersection, expand_box

if TYPE_CHECKING:
    from detection.types import HandBox

#: MediaPipe hand landmark indices: wrist 0; thumb 1-4; index 5-8; middle 9-12; ring 13-16; pinky 17-20.
PALM = (0, 1, 5, 9, 13, 17)
FINGERS = ((1, 2, 3, 4), (5, 6, 7, 8), (9, 10, 11, 12), (13, 14, 15, 16), (17, 18, 19, 20))


class Face(tuple):
    """A face box ``(x0, y0, x1, y1)`` that also carries the detector's two eye points
    (``eyes``: 2x2, full-resolution ``xy``; ``None`` when not known) and its confidence
    (``score``; ``None`` when not known). It is still a plain 4-tuple to every function that
    takes a :data:`Box`."""

    def __new__(cls, box: Box, eyes: np.ndarray | None = None, score: float | None = None) -> "Face":
        face = super().__new__(cls, tuple(float(v) for v in box))
        face.eyes = None if eyes is None else np.asarray(eyes, np.float64).reshape(2, 2)
        face.score = None if score is None else float(score)
        return face


class MediaPipeFaceDetector:
    """``mp.solutions.face_detection`` (the full-range model) as a box detector."""

    def __init__(self, min_confidence: float = 0.6, max_side: int = 640) -> None:
        from detection.mediapipe_import import import_mediapipe

        mp = import_mediapipe()
        self.max_side = max_side
        self._faces = mp.solutions.face_detection.FaceDetection(model_selection=1,
                                                                min_detection_confidence=min_confidence)
        self._lock = threading.Lock()  # the graph is not re-entrant; Streamlit may call from threads

    def detect(self, image_rgb: np.ndarray) -> list[Face]:
        """Face boxes ``(x0, y0, x1, y1)`` in full-resolution pixels, clipped to the image, with
        their eyes (:class:`Face`)."""
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
        boxes: list[Face] = []
        for det in res.detections or []:
            b = det.location_data.relative_bounding_box
            x0, y0 = max(0.0, b.xmin * fw), max(0.0, b.ymin * fh)
            x1, y1 = min(float(w), (b.xmin + b.width) * fw), min(float(h), (b.ymin + b.height) * fh)
            points = det.location_data.relative_keypoints  # right eye, left eye, nose, mouth, ears
            eyes = np.array([[p.x * fw, p.y * fh] for p in points[:2]]) if len(points) >= 2 else None
            if x1 - x0 >= 2 and y1 - y0 >= 2:
                boxes.append(Face((x0, y0, x1, y1), eyes, det.score[0] if det.score else None))
        return boxes


#: a "face" with at least this share of its box inside a hand's outline (:func:`hand_outline`)
#: is the face detector firing on that hand. On the data sets' 2073 photos, 45 "faces" lie
#: mostly inside the box of a hand with landmarks: 44 (fists, palms, a knuckle) lie 0.85-1.0
#: inside its outline, the other (a tattoo on a forearm, 0.22) is spared by the forearm band
#: anyway; the real faces beside raised hands of ``benchmarks/make_face_set.py``'s validation
#: set lie at most 0.50 inside it (0.84 inside the outline's box, 1.0 inside the box ``auto`` grew).
ON_OUTLINE = 0.7


def _inside(face: Box, hand: Box | np.ndarray) -> float:
    """The area of ``face`` inside ``hand``: a box, or a convex polygon (``N x 2``)."""
    if isinstance(hand, np.ndarray):
        x0, y0, x1, y1 = face
        quad = np.array([[x0, y0], [x1, y0], [x1, y1], [x0, y1]], np.float32)
        area, _ = cv2.intersectConvexConvex(quad, hand.astype(np.float32))
        return max(0.0, float(area))
    return box_intersection(face, hand)


def _mostly_inside(face: Box, hand: Box | np.ndarray, share: float) -> bool:
    """Whether at least ``share`` of ``face``'s area lies inside ``hand`` (see :func:`_inside`)."""
    return _inside(face, hand) >= share * max(box_area(face), 1e-6)


def faces_apart_from_hands(faces: list[Box], hands: list[Box | np.ndarray], max_inside: float = 0.5,
                           landmarks: list[np.ndarray | None] | None = None) -> list[Box]:
    """The face boxes less than ``max_inside`` of whose area lies inside any one hand: its box,
    or its outline polygon (:func:`hand_outline`, with :data:`ON_OUTLINE`).

    A "face" mostly inside a hand is the face detector firing on the hand (a fist looks like a
    face to it); a real face beside a hand, or touched by one, overlaps the hand only partly.
    The outline tells the two apart where the box cannot: ``auto`` grows a hand's box to the
    YOLO box, which can hold the face beside the hand as well. With ``landmarks`` (one per
    hand, ``None`` for a box without them), a face inside a hand's outline that
    :func:`seen_behind_hand` is kept: a face behind spread fingers.
    """
    marks = landmarks if landmarks is not None else [None] * len(hands)

    def on(face: Box, hand: Box | np.ndarray, lm: np.ndarray | None) -> bool:
        return _mostly_inside(face, hand, max_inside) and not (lm is not None and seen_behind_hand(face, lm))

    return [f for f in faces if not any(on(f, hb, lm) for hb, lm in zip(hands, marks))]


#: a face inside a hand's outline (:func:`seen_behind_hand`) with less than this share of its box
#: inside the hand's shape (:func:`hand_shape`) is seen between the fingers. Measured (session 39,
#: a one-off script) with the full-range face detector on the validation hands raised beside
#: portraits (``benchmarks/make_face_set.py --split val``, seeds 0-3: 291 faces beside a hand
#: with landmarks) and on every photo of hgr, 11k Hands and hand_boxes (2073 photos, 50 "faces"
#: on hands). The real faces lay at most 0.46 inside the hand's shape and never had both eyes on
#: it; two lay over 0.7 inside its outline (0.72 and 0.90) and were taken for the hand. Of the 44
#: "faces" on a hand (fists, palms) that lay over 0.7 inside its outline, 42 lay 0.5 or more
#: inside its shape or had both eyes on it; the other two are now kept as faces, and the
#: guard cuts none of their hands' masks by as much as 0.3 %.
BEHIND_HAND_SHAPE = 0.5

#: ... and the face detector must have found it with at least this confidence. Measured (session
#: 40, ``benchmarks/face_on_hand.py``, which prints each face's score) on the same photos: the
#: 291 real faces scored 0.745-0.99, the two behind a hand 0.76 and 0.85; the 50 "faces" on
#: hands 0.60-0.77, and the two the shape and eye tests kept as faces 0.62 and 0.63 (a fist on
#: an HGR photo, a hand on a hand_boxes one). Without it, a fist with a raised index finger on a
#: test photo was taken for a face and the guard cut the hand's edge.
BEHIND_HAND_SCORE = 0.7


def seen_behind_hand(face: Box, landmarks: np.ndarray, max_covered: float = BEHIND_HAND_SHAPE,
                     min_score: float = BEHIND_HAND_SCORE) -> bool:
    """Whether ``face`` (a :class:`Face` with its eyes) is a real face seen behind the hand of
    ``landmarks`` rather than the face detector firing on that hand.

    A fist or a palm the detector calls a face fills its box, so the hand's shape (palm and
    finger capsules, without the gaps between fingers) covers most of the box and both "eyes"
    (the detector put them on knuckles or folds). A face behind spread fingers shows between
    them: the shape covers less than ``max_covered`` of its box, and the detector found it by
    at least one eye the fingers leave free. A face without eye points is never kept this way.
    The detector is also surer of a real face than of a hand it takes for one: a face with a
    ``score`` under ``min_score`` is taken for the hand (a fist with a raised finger leaves
    the box half free and an "eye" off the hand, as a face between fingers does).
    """
    if getattr(face, "eyes", None) is None:
        return False
    score = getattr(face, "score", None)
    if score is not None and score < min_score:
        return False
    covered, eyes_on = hand_cover(face, landmarks)
    return covered < max_covered and eyes_on < 2


def hand_cover(face: Box, landmarks: np.ndarray) -> tuple[float, int]:
    """The share of ``face``'s box inside the hand's shape (:func:`hand_shape`), and how many of
    its eyes (``face.eyes``; 0 without them) lie on that shape."""
    x0, y0, x1, y1 = (int(round(v)) for v in face)
    if x1 - x0 < 1 or y1 - y0 < 1:
        return 0.0, 0
    shapes = [np.round(poly - (x0, y0)).astype(np.int32) for poly in hand_shape(landmarks)]
    covered = np.zeros((y1 - y0, x1 - x0), np.uint8)
    for poly in shapes:
        cv2.fillConvexPoly(covered, poly, 1)
    eyes = getattr(face, "eyes", None)
    on = 0 if eyes is None else sum(
        any(cv2.pointPolygonTest(poly.astype(np.float32), (float(ex - x0), float(ey - y0)), False) >= 0
            for poly in shapes) for ex, ey in eyes)
    return float(covered.mean()), int(on)


#: how far past a face (in face widths) a YOLO box holding it must reach to be kept as a hand
#: beside it (:func:`faces_not_hands`); chosen on the face validation set: the face boxes
#: there reached 0.00-0.30, the two hand-and-face boxes 0.81-0.83
BESIDE_FACE = 0.5


def faces_not_hands(hands: list["HandBox"], faces: list[Box], min_inside: float = 0.5,
                    beside: float | None = BESIDE_FACE) -> list["HandBox"]:
    """The hand boxes less those that are a face: boxes without landmarks that hold at least
    ``min_inside`` of a detected face's area.

    The YOLO model takes a face, or a face and the neck below it, for a hand (a frontal face
    beside a raised hand, at 0.26-0.52 confidence: ``benchmarks/make_face_set.py``); the crop
    then cuts the whole face out as hand, and the face guard, which ignores a face inside a
    hand's box (:func:`faces_apart_from_hands`), stands aside. A box MediaPipe confirmed with
    landmarks is a hand whatever the face detector says (it calls a fist a face); a box only
    YOLO found is weaker evidence than a face the face detector found in it.

    The YOLO model also boxes a raised hand together with the face beside it (a dark back of a
    hand by a portrait that MediaPipe never found). With ``beside`` set, a box that reaches at
    least ``beside`` face widths past the face's left or right side is cut down to that side
    (the wider), full height, instead of dropped: a hand is about that wide, while a face's or
    face-and-neck box reaches less than a third of a face width past it
    (:func:`trim_beside_face`). The face then lies outside the box and the face guard keeps it
    out of the mask.
    """
    out = []
    for h in hands:
        holding = [f for f in faces if h.landmarks is None and _mostly_inside(f, h.xyxy, min_inside)]
        if not holding:
            out.append(h)
            continue
        trimmed = trim_beside_face(h.xyxy, holding, beside) if beside is not None else None
        if trimmed is not None:
            out.append(replace(h, xyxy=trimmed, source=f"{h.source}-beside-face"))
    return out


def trim_beside_face(box: Box, faces: list[Box], beside: float) -> Box | None:
    """The part of ``box`` left or right of every face in ``faces`` (the wider), full height,
    if it is at least ``beside`` widths of the widest face wide; else None."""
    x0, y0, x1, y1 = box
    left = min(f[0] for f in faces) - x0
    right = x1 - max(f[2] for f in faces)
    width = max(f[2] - f[0] for f in faces)
    if max(left, right) < beside * width:
        return None
    return (x0, y0, x0 + left, y1) if left >= right else (x1 - right, y0, x1, y1)


#: a hand MediaPipe found near a face (see :data:`NEAR_FACE`) whose size (:func:`hand_size`) is
#: under this many face widths is no hand at the face's depth. At the same depth a palm is about
#: 0.6 face widths long (0.52-0.9 on the validation hands raised beside portraits,
#: ``benchmarks/make_face_set.py``); the "hands" MediaPipe found on a tie below a face there
#: measured 0.22 and 0.25. A real hand this small beside a face is nearly twice as far from the
#: camera as the face, behind the person.
MIN_HAND_TO_FACE = 0.35
#: ... near a face: the hand's landmarks' centre within this many face widths of the face's box.
NEAR_FACE = 2.0


def hand_size(landmarks: np.ndarray) -> float:
    """The palm's length (wrist to middle knuckle), or half the landmarks' extent when that is
    longer: a palm seen end-on looks short, its fingers still spread the landmarks."""
    pts = np.asarray(landmarks, np.float64)
    return max(_palm_length(pts), float(np.ptp(pts, axis=0).max()) / 2)


def too_small_beside_face(landmarks: np.ndarray, faces: list[Box], min_size: float = MIN_HAND_TO_FACE,
                          near: float = NEAR_FACE) -> bool:
    """Whether a landmark hand is far smaller than a face near it (:data:`MIN_HAND_TO_FACE`):
    MediaPipe's hand model fires on clothing (a tie's knot and stripes below a portrait's face),
    and such a "hand" otherwise keeps the real one's weaker YOLO box out of the merge."""
    pts = np.asarray(landmarks, np.float64)
    size = hand_size(pts)
    cx, cy = pts.mean(axis=0)
    for x0, y0, x1, y1 in faces:
        width = x1 - x0
        gap = np.hypot(max(x0 - cx, 0.0, cx - x1), max(y0 - cy, 0.0, cy - y1))
        if gap <= near * width and size < min_size * width:
            return True
    return False


def _palm_length(pts: np.ndarray) -> float:
    """Wrist to middle knuckle (:func:`wrist_axis`), or the landmarks' extent when they coincide."""
    axis = wrist_axis(pts)
    return axis[1] if axis is not None else (float(np.ptp(pts, axis=0).max()) or 1.0)


def _grown_hull(points: np.ndarray, radius: float) -> np.ndarray:
    """The convex hull of discs of ``radius`` round ``points`` (``N x 2``)."""
    angles = np.linspace(0, 2 * np.pi, 16, endpoint=False)
    ring = radius * np.stack([np.cos(angles), np.sin(angles)], 1)
    grown = (points[:, None, :] + ring[None]).reshape(-1, 2)
    return cv2.convexHull(grown.astype(np.float32))[:, 0, :].astype(np.float64)


def hand_shape_plane(shape: tuple[int, int], landmarks: np.ndarray, **shape_options) -> np.ndarray:
    """``shape`` uint8 plane, 1 inside the polygons of :func:`hand_shape` (``shape_options``
    passed on to it), 0 elsewhere: where a step may not touch the hand."""
    plane = np.zeros(shape, np.uint8)
    for poly in hand_shape(landmarks, **shape_options):
        cv2.fillConvexPoly(plane, np.round(poly).astype(np.int32), 1)
    return plane


def hand_outline(landmarks: np.ndarray, reach: float = 0.3) -> np.ndarray:
    """The convex hull of a hand's 21 landmarks grown by ``reach`` palm lengths (wrist to middle
    knuckle): ``N x 2`` float polygon that holds the fingers' width and the nails past the tip
    landmarks, but not the rest of the hand's box (a cheek beside the fingers)."""
    pts = np.asarray(landmarks, np.float64)
    return _grown_hull(pts, reach * _palm_length(pts))


def hand_shape(landmarks: np.ndarray, half_width: float = 0.12, nail: float = 0.15,
               palm_reach: float = 0.2) -> list[np.ndarray]:
    """Convex polygons that cover a hand by its landmarks: the palm, and each finger bone as a
    capsule ``half_width`` palm lengths either side of it (a finger is about 0.2 palm lengths
    wide, so 0.12 leaves a fifth of a finger's width either side for a bone line off the
    finger's middle), the last one carried ``nail`` palm lengths past the tip landmark (which
    sits on the pad, short of the nail's end). Wider capsules spared the cheek between two
    fingertips held over a face (``PipelineConfig.face_spare_width``). The palm (the hull of
    the wrist and knuckles) is grown by ``palm_reach`` palm lengths, as no gap lies beside it
    and its edge, past the little finger's knuckle and at the thumb's root, bulges further from
    the landmarks than a finger's does.

    Unlike :func:`hand_outline` it leaves out the gaps between spread fingers: on a face behind
    the hand those are face.
    """
    pts = np.asarray(landmarks, np.float64)
    palm = _palm_length(pts)
    r = half_width * palm
    shapes = [_grown_hull(pts[list(PALM)], palm_reach * palm)]
    for chain in FINGERS:
        for a, b in zip(chain[:-1], chain[1:]):
            end = pts[b]
            if b == chain[-1]:
                d = pts[b] - pts[a]
                n = float(np.hypot(*d))
                if n > 1e-6:
                    end = pts[b] + nail * palm * d / n
            shapes.append(_grown_hull(np.stack([pts[a], end]), r))
    return shapes


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
                   arms: list[np.ndarray] = (), hand_reach: float = 0.1, neck: bool = False) -> np.ndarray | None:
    """Boolean ``HxW``: pixels that are face and certainly not hand, or ``None`` if there are none.

    Each face becomes an ellipse a little larger than its box (MediaPipe's box runs from the
    brows to the chin; the forehead and cheeks reach beyond it), minus every hand box grown by
    ``hand_reach`` per side, so a hand touching the face keeps all of itself, and minus the
    ``arms`` polygons (:func:`forearm_band`, :func:`hand_shape`), so a forearm crossing the
    face stays joined and a hand known by its landmarks keeps its palm and fingers. With
    ``neck``, the neck below each face is excluded too: a band from the chin down 0.6 face
    heights, 0.6 face widths wide (an upright face; the guard cannot tell a neck's skin from a
    hand's any better than the U-Net can, only where it lies).
    """
    h, w = shape
    out = np.zeros((h, w), np.uint8)
    for x0, y0, x1, y1 in faces:
        cx, cy = (x0 + x1) / 2, (y0 + y1) / 2 - 0.1 * (y1 - y0)  # centre raised towards the forehead
        ax, ay = 0.6 * (x1 - x0), 0.7 * (y1 - y0)
        cv2.ellipse(out, (round(cx), round(cy)), (max(1, round(ax)), max(1, round(ay))), 0, 0, 360, 1, -1)
        if neck:
            fw, fh = x1 - x0, y1 - y0
            mx = (x0 + x1) / 2
            cv2.rectangle(out, (round(mx - 0.3 * fw), round(y1)), (round(mx + 0.3 * fw), round(y1 + 0.6 * fh)), 1, -1)
    if not out.any():
        return None
    for hand in hands:
        x0, y0, x1, y1 = expand_box(hand, hand_reach)
        out[max(0, int(y0)):max(0, int(np.ceil(y1))), max(0, int(x0)):max(0, int(np.ceil(x1)))] = 0
    for arm in arms:
        cv2.fillConvexPoly(out, np.round(arm).astype(np.int32), 0)
    return out.astype(bool) if out.any() else None
