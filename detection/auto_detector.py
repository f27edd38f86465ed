"""``auto``: MediaPipe and the YOLO detector together, so a hand either one finds is kept.

MediaPipe gives landmarks and tight boxes but misses hands cut by the frame edge, seen edge-on
or against skin-coloured backgrounds; the YOLO model was trained on exactly those photos (and,
on HGR, on hand-plus-forearm boxes). The merge is a pure function over two box lists, tested
with fake detectors; which mode is the default was measured with ``python -m detection.evaluate``
on the person-wise *validation* split (see docs/detection.md).
"""
from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor, wait
from dataclasses import dataclass
from typing import Callable, Sequence

import numpy as np

from detection.boxes import Box, box_area, box_union, same_object, share_inside
from detection.faces import (MIN_HAND_TO_FACE, ON_OUTLINE, face_exclusion, faces_apart_from_hands, hand_outline,
                             too_small_beside_face, wrist_axis)
from detection.types import HandBox, HandDetector

MERGE_MODES = ("add", "fallback", "union")


@dataclass(frozen=True)
class MergeConfig:
    """How YOLO boxes join the MediaPipe ones.

    Attributes:
        mode: ``"union"`` (default) keeps every MediaPipe box grown to the union with the YOLO
            boxes that overlap it (landmarks kept; this covers forearms and fingers outside the
            landmark hull; but see ``hands_apart``) and adds YOLO boxes that overlap no
            MediaPipe box; ``"add"`` only adds the non-overlapping YOLO boxes; ``"fallback"``
            uses YOLO only when MediaPipe finds nothing. ``union`` measured best on the
            validation split (docs/detection.md).
        iou: a YOLO box with at least this IoU with a MediaPipe box is the same hand.
        containment: ... or with at least this share of the smaller box inside the other.
        max_growth: in ``union`` mode a MediaPipe box only grows to a YOLO box at most this many
            times its area. A YOLO box that swallows a landmark-confirmed hand many times over
            (seen on large, mostly empty canvases) would hand the U-Net a crop in which the
            hand is tiny and the rest is guesswork; the forearm past a tight box is reached by
            the pipeline's crop growth instead.
        hands_apart: in ``union`` mode a MediaPipe box never grows to a YOLO box that is the same
            object as another MediaPipe hand too: such a box is one box round two hands and
            whatever lies between them, not the forearm of either. On a skin-coloured surface
            YOLO boxed two hands side by side at 0.26, table and all; grown to that box, each
            hand's crop held the other hand and the table, and the landmark prior's GrabCut took
            the table whole (two-hand test scene ``Hand_0000014+Hand_0001391``, IoU 0.29 ->
            0.95; docs/detection.md).
        max_hands: at most this many boxes in the result.
        min_secondary_score: a YOLO box that overlaps no MediaPipe hand is added only with at
            least this confidence, *when MediaPipe found a hand elsewhere in the photo*. Alone,
            a YOLO box is the only evidence and is kept at the YOLO model's own threshold. On the
            hand_boxes photos 9 such boxes scored below 0.45: 6 were no hand at all (a shelf,
            a toy bus, a TV screen, a bag, a claw machine's toys, a plant), 2 the forearm of the
            hand MediaPipe had found (the wide look reaches it anyway), 1 the fingertips of a
            second hand at the photo's edge; the 2 labelled hands scored 0.56 and 0.75
            (``benchmarks/secondary_boxes.py``, docs/detection.md). Between 0.45 and 0.55 lay
            3 more false boxes there and none on a hand, and beside raised hands in portraits
            (``benchmarks/make_face_set.py``) YOLO put boxes on faces and on an orange space
            suit at 0.45-0.51, so the floor is 0.55 (session 26). A false box costs more than
            a speck: the U-Net is asked to find a hand in it and cuts out whatever looks most
            like one. A weaker box is still kept when it comes within ``wrist_reach`` palm lengths
            (wrist to middle knuckle) of a found hand's wrist: that is the forearm, which HGR's
            masks count as hand (there such boxes scored 0.25-0.44).
        look_closer: a YOLO box the merge keeps that has no MediaPipe hand in it is looked at
            again by MediaPipe, in a window around the box alone (``look_closer`` of
            :class:`~detection.mediapipe_detector.MediaPipeHandDetector`); a hand found there
            gives the box its landmarks, and with them the pipeline's landmark prior and the
            face guard's sparing of the hand's shape. MediaPipe misses hands that fill much of a
            tall photo or are raised beside a face, and finds some of them in the window.
        closer_pads: the window around the box reaches this far past it per side (a fraction of
            its longer side); each is tried in turn until one finds a hand that passes the
            checks here. The wider window shows MediaPipe a large hand raised beside a face
            (cut by the photo's bottom edge) with room round it, where it found none in the
            close window or only a "hand" on the face's collar (``benchmarks/make_face_set.py``,
            validation split).
        closer_inside: ... when at least this share of the found hand's landmark box lies in
            the YOLO box (a window also shows what is around the box: a tie beside a face
            was taken for a hand). 0.6 until session 40; 0.3 since: YOLO boxes a raised hand
            with the face beside it down to the palm, and the hand the wide window found ran
            on below the box (0.38 of it inside), while the "hands" on clothing are now also
            caught by their size beside the face (``min_hand_to_face``). On validation only two
            face-set photos changed, both up (0.44 -> 0.99, 0.22 -> 0.99); the new-scenes,
            refit and person-wise sets and the 684 ``hand_boxes`` photos' boxes are identical.
        floor_after_closer: when MediaPipe found no hand in the whole photo but the closer look
            found one in a YOLO box, the other YOLO boxes must then pass the
            ``min_secondary_score`` floor (or lie at that hand's wrist) as if MediaPipe had
            found it at once. Beside hands raised by portraits, an orange space suit boxed at
            0.26-0.50 was otherwise cut out as a second hand (``benchmarks/make_face_set.py``,
            validation split).
        masked_look: when no closer window finds a hand in a landmark-less box and the caller
            passes a ``silhouette`` to ``detect`` (the pipeline passes the U-Net's mask of the
            box's crop), MediaPipe looks once more (in the windows of ``masked_pads``) with only
            that mask's pixels shown and the rest grey. Strong stripes or a busy print round a
            hand hide it from MediaPipe's palm detector (an open hand on a corrugated orange
            texture: found on the hand's own HGR background, nowhere on the texture, whatever
            the blur or scale), and without landmarks the pipeline has no prior, no finger gaps
            and no face sparing for it; cut out by even a rough mask, the hand is found. Validation
            (session 41, docs/detection.md): textures 0.9462 -> 0.9497 IoU, four photos up and
            none down, every other set identical.
        masked_pads: the windows of the masked look, tried in turn like ``closer_pads``.
        masked_without_faces: the faces the caller passes (``faces``) are greyed out of the
            silhouette too (an ellipse round each, as the face guard draws it). YOLO boxes a
            hand raised beside a face together with the face, and the U-Net's mask of that crop
            holds the face; with the face in it MediaPipe found no hand in the masked window,
            without it, and in the wide window, it found the hand (``Hand_0009389``,
            ``Hand_0009377`` of the hands-beside-faces validation draws, 0.81 -> 0.97 and 0.65 ->
            0.94 IoU; docs/detection.md).
        min_hand_to_face: when the caller passes the photo's faces to ``detect``, a MediaPipe
            hand (or one the closer look finds) smaller than this many widths of a face near it
            is dropped before the merge (:func:`detection.faces.too_small_beside_face`; 0: off).
            MediaPipe found a "hand" on a portrait's tie, and that tiny box, lying inside the
            YOLO box of the real hand raised beside the face, kept that box out: as the same
            hand, and under the floor (validation Hand_0009377, IoU 0).
        confirm_weak: a YOLO box that falls below ``min_secondary_score`` beside a found hand is
            looked at closer by MediaPipe (the windows of ``closer_pads``) before it is dropped,
            and kept, with the landmarks found, when a hand turns up in it that passes the
            closer look's checks. In a wide photo of two hands MediaPipe's palm detector, which
            sees the whole photo at 192 px, found one; YOLO boxed the other at 0.30, and in a
            window round that box MediaPipe found it at 0.98 (the two-hand scenes of
            ``benchmarks/make_pair_set.py``). The false boxes the floor is there for (a shelf,
            a toy, a space suit) are kept only if MediaPipe, too, finds a hand on them.
    """

    mode: str = "union"
    iou: float = 0.3
    containment: float = 0.6
    max_growth: float = 4.0
    hands_apart: bool = True
    max_hands: int = 4
    min_secondary_score: float = 0.55
    wrist_reach: float = 0.5
    look_closer: bool = True
    closer_pads: tuple[float, ...] = (0.25, 1.0)
    closer_inside: float = 0.3
    floor_after_closer: bool = True
    masked_look: bool = True
    masked_pads: tuple[float, ...] = (0.25, 1.0)
    masked_without_faces: bool = True
    min_hand_to_face: float = MIN_HAND_TO_FACE
    confirm_weak: bool = True

    def __post_init__(self) -> None:
        if self.mode not in MERGE_MODES:
            raise ValueError(f"unknown merge mode {self.mode!r}; choose one of: {', '.join(MERGE_MODES)}")


def same_hand(a: Box, b: Box, config: MergeConfig) -> bool:
    return same_object(a, b, config.iou, config.containment)


def _near_a_wrist(box: Box, wrists: list[tuple[np.ndarray, float]], reach: float) -> bool:
    """Whether ``box`` comes within ``reach`` palm lengths of a found hand's wrist (a forearm)."""
    x0, y0, x1, y1 = box
    for (wx, wy), palm in wrists:
        dx, dy = max(x0 - wx, 0.0, wx - x1), max(y0 - wy, 0.0, wy - y1)
        if np.hypot(dx, dy) <= reach * palm:
            return True
    return False


def merge_boxes(primary: Sequence[HandBox], secondary: Sequence[HandBox], config: MergeConfig = MergeConfig()) -> list[HandBox]:
    """Combine MediaPipe (``primary``) and YOLO (``secondary``) results; inputs are not modified.

    Primary boxes come first (they carry landmarks and handedness); added secondary boxes
    follow, best score first, and overlapping secondaries are merged among themselves too.
    """
    primary = list(primary)
    if config.mode == "fallback":
        out = primary if primary else sorted(secondary, key=lambda h: -h.score)
        return out[: config.max_hands]
    out = list(primary)
    if config.mode == "union":
        grown = []
        for p in primary:
            box, source = p.xyxy, p.source
            for s in secondary:
                if (same_hand(p.xyxy, s.xyxy, config) and box_area(s.xyxy) <= config.max_growth * box_area(p.xyxy)
                        and not (config.hands_apart and _holds_another(s, p, primary, config))):
                    box = box_union(box, s.xyxy)
                    source = f"{p.source}+{s.source}"  # provenance for overlays and debugging
            grown.append(HandBox(box, p.score, p.landmarks, p.handedness, source))
        out = grown
    wrists = _wrists(primary)
    for s in sorted(secondary, key=lambda h: -h.score):
        if primary and _too_weak(s, wrists, config):
            continue
        if not any(same_hand(s.xyxy, o.xyxy, config) for o in out):
            out.append(s)
    return out[: config.max_hands]


def _holds_another(box: HandBox, hand: HandBox, primary: Sequence[HandBox], config: MergeConfig) -> bool:
    """Whether a YOLO ``box`` is also the same object as another MediaPipe hand than ``hand``
    (see ``MergeConfig.hands_apart``)."""
    return any(q is not hand and same_hand(q.xyxy, box.xyxy, config) for q in primary)


def _wrists(hands: Sequence[HandBox]) -> list[tuple[np.ndarray, float]]:
    """``(wrist, palm length)`` of every hand with landmarks."""
    axes = [wrist_axis(h.landmarks) for h in hands if h.landmarks is not None]
    return [(wrist, palm) for wrist, palm, _ in filter(None, axes)]


def _too_weak(box: HandBox, wrists: list[tuple[np.ndarray, float]], config: MergeConfig) -> bool:
    """Whether a YOLO-only ``box`` falls below the floor for boxes beside a found hand."""
    return box.score < config.min_secondary_score and not _near_a_wrist(box.xyxy, wrists, config.wrist_reach)


def drop_weak_after_closer(hands: Sequence[HandBox], config: MergeConfig = MergeConfig()) -> list[HandBox]:
    """``hands`` less the landmark-less boxes that fail the floor now that a closer look has
    given some box landmarks (``MergeConfig.floor_after_closer``); unchanged when none has."""
    wrists = _wrists(hands)
    if not wrists:
        return list(hands)
    return [h for h in hands if h.landmarks is not None or not _too_weak(h, wrists, config)]


class AutoHandDetector:
    """Runs both detectors on every image and merges their boxes (see :class:`MergeConfig`).

    The secondary (YOLO on onnxruntime) runs on a worker thread while the primary (MediaPipe)
    runs on the caller's: both release the GIL in their native code, and on a 2-core CPU the two
    overlap enough to take ~60 ms off a 2160x4000 photo (``benchmarks/speed.py``).
    """

    name = "auto"

    def __init__(self, primary: HandDetector, secondary: HandDetector, config: MergeConfig = MergeConfig()) -> None:
        self.primary = primary
        self.secondary = secondary
        self.config = config
        self._worker = ThreadPoolExecutor(max_workers=1, thread_name_prefix="auto-detector")

    def detect(self, image_rgb: np.ndarray, faces: Callable[[], Sequence[Box]] | None = None,
               silhouette: Callable[[Box], np.ndarray | None] | None = None) -> list[HandBox]:
        """The merged hands; ``faces``, when given, returns the photo's face boxes (the ``result``
        of a face detection running beside this one) and is called only if a hand with
        landmarks needs checking against them (``MergeConfig.min_hand_to_face``).
        ``silhouette``, when given, returns for a box an ``HxW`` bool plane of the photo, True
        where a segmentation of the box's crop found hand, and is called only for a box the
        closer look found nothing in (``MergeConfig.masked_look``)."""
        plausible = _Plausible(faces, self.config.min_hand_to_face)
        if self.config.mode == "fallback":
            primary = plausible.hands(self.primary.detect(image_rgb))
            if primary:
                return primary[: self.config.max_hands]
            secondary = self.secondary.detect(image_rgb)
        else:
            pending = self._worker.submit(self.secondary.detect, image_rgb)
            try:
                primary = plausible.hands(self.primary.detect(image_rgb))
            except BaseException:
                wait([pending])  # the primary's error is the one reported; don't leave the worker busy
                raise
            secondary = pending.result()
        merged = merge_boxes(primary, secondary, self.config)
        if not self.config.look_closer:
            return merged
        looked = self._look_closer(image_rgb, merged, plausible, silhouette, faces)
        if self.config.confirm_weak:
            looked = self._confirm_weak(image_rgb, looked, weak_secondaries(primary, secondary, self.config), plausible)
        if not primary and self.config.floor_after_closer:
            # with no MediaPipe hand the merge applied no floor; a hand found closer is one
            looked = drop_weak_after_closer(looked, self.config)
        return looked

    def _look_closer(self, image_rgb: np.ndarray, hands: list[HandBox], plausible: "_Plausible",
                     silhouette: Callable[[Box], np.ndarray | None] | None = None,
                     faces: Callable[[], Sequence[Box]] | None = None) -> list[HandBox]:
        """``hands`` with each landmark-less box given the landmarks of a hand MediaPipe finds in
        a window around it (see ``MergeConfig.look_closer`` and ``masked_look``); boxes it finds
        nothing in stay."""
        if getattr(self.primary, "look_closer", None) is None:
            return hands
        out = list(hands)

        def first_found(box: Box, pads: Sequence[float], shown: np.ndarray | None = None) -> list[HandBox]:
            return self._first_found(image_rgb, box, pads, plausible, out, shown)

        for i, h in enumerate(hands):
            if h.landmarks is not None:
                continue
            found = first_found(h.xyxy, self.config.closer_pads)
            if not found and self.config.masked_look and silhouette is not None:
                shown = silhouette(h.xyxy)
                if shown is not None and self.config.masked_without_faces and faces is not None:
                    face_area = face_exclusion(shown.shape, list(faces()), [])
                    if face_area is not None:
                        shown = shown & ~face_area
                if shown is not None and shown.any():
                    found = first_found(h.xyxy, self.config.masked_pads, shown)
            if found:
                f = max(found, key=lambda f: share_inside(f.xyxy, h.xyxy))
                out[i] = HandBox(box_union(h.xyxy, f.xyxy), h.score, f.landmarks, f.handedness,
                                 f"{h.source}+{f.source}-closer")
        return out


    def _first_found(self, image_rgb: np.ndarray, box: Box, pads: Sequence[float], plausible: "_Plausible",
                     kept: Sequence[HandBox], shown: np.ndarray | None = None) -> list[HandBox]:
        """The hands MediaPipe finds in the first window round ``box`` (of ``pads``, in turn) that
        finds one mostly inside the box, plausible, and not a hand of ``kept`` with landmarks."""
        for pad in pads:
            found = [f for f in plausible.hands(self.primary.look_closer(image_rgb, box, pad, shown), kept)
                     if share_inside(f.xyxy, box) >= self.config.closer_inside
                     and not any(o.landmarks is not None and same_hand(f.xyxy, o.xyxy, self.config) for o in kept)]
            if found:
                return found
        return []

    def _confirm_weak(self, image_rgb: np.ndarray, hands: list[HandBox], weak: Sequence[HandBox],
                      plausible: "_Plausible") -> list[HandBox]:
        """``hands`` and each of the ``weak`` YOLO boxes that MediaPipe finds a hand in, closer
        (see ``MergeConfig.confirm_weak``)."""
        if getattr(self.primary, "look_closer", None) is None:
            return hands
        out = list(hands)
        for box in weak:
            if len(out) >= self.config.max_hands or any(same_hand(box.xyxy, o.xyxy, self.config) for o in out):
                continue
            found = self._first_found(image_rgb, box.xyxy, self.config.closer_pads, plausible, out)
            if found:
                f = max(found, key=lambda f: share_inside(f.xyxy, box.xyxy))
                out.append(HandBox(box_union(box.xyxy, f.xyxy), box.score, f.landmarks, f.handedness,
                                   f"{box.source}+{f.source}-confirmed"))
        return out


def weak_secondaries(primary: Sequence[HandBox], secondary: Sequence[HandBox],
                     config: MergeConfig = MergeConfig()) -> list[HandBox]:
    """The YOLO boxes, best first, that the merge drops beside ``primary``'s hands for falling
    below the floor (``MergeConfig.confirm_weak`` looks at them once more); none in ``fallback``
    mode or with no primary hand, where no floor applies."""
    if config.mode == "fallback" or not primary:
        return []
    wrists = _wrists(primary)
    return [s for s in sorted(secondary, key=lambda h: -h.score) if _too_weak(s, wrists, config)]


class _Plausible:
    """Drops landmark hands far smaller than a face near them (``MergeConfig.min_hand_to_face``),
    asking for the faces only when there is such a hand to check."""

    def __init__(self, faces: Callable[[], Sequence[Box]] | None, min_size: float) -> None:
        self._faces = faces if min_size > 0 else None
        self._min_size = min_size
        self._found: list[Box] | None = None

    def hands(self, hands: Sequence[HandBox], others: Sequence[HandBox] = ()) -> list[HandBox]:
        """``hands`` less the implausible ones; ``others`` are hands already kept, whose
        outlines (like those of ``hands``) rule out a "face" that is the face detector firing on a
        fist or palm."""
        with_landmarks = [h for h in hands if h.landmarks is not None]
        if self._faces is None or not with_landmarks:
            return list(hands)
        if self._found is None:
            self._found = list(self._faces())
        outlines = [hand_outline(h.landmarks) for h in (*hands, *others) if h.landmarks is not None]
        faces = faces_apart_from_hands(self._found, outlines, ON_OUTLINE)
        if not faces:
            return list(hands)
        return [h for h in hands
                if h.landmarks is None or not too_small_beside_face(h.landmarks, faces, self._min_size)]
