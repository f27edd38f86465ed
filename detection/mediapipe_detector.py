"""MediaPipe Hands as a box detector (the default backend; its models ship inside the pip package)."""
from __future__ import annotations

import threading

import cv2
import numpy as np

from detection.boxes import Box, expand_box, same_object, square_box
from detection.faces import wrist_axis
from detection.grey import is_grey, skin_tint
from detection.types import HandBox

#: long side of the copy the second look runs on (see ``MediaPipeHandDetector._look_again``)
SECOND_LOOK_SIDE = 640
#: the grey of the closer look's window where it lies outside the photo
OUTSIDE_GREY = 128
#: the look beside: a strip of the photo beside the found hands is looked at when its shorter
#: side is at least this share of the largest found hand's longer side (room for another hand)
BESIDE_ROOM = 0.6
#: ... and a hand found there is kept when its box's longer side is at least this share of it
BESIDE_MIN_SIZE = 0.5
#: ... and it lies farther than this many palm lengths from a found hand's wrist (its forearm)
BESIDE_WRIST_REACH = 0.5


class MediaPipeHandDetector:
    """Wraps ``mp.solutions.hands.Hands`` in static-image mode.

    MediaPipe wants RGB at the original aspect ratio, so big photos are shrunk uniformly to
    ``max_side`` (its palm detector works at 192 px anyway; feeding 8.6 MP only costs time) and
    landmarks are mapped back to full resolution. When nothing is found the image is tried once
    more padded to a square: MediaPipe's palm detector misses hands that touch the frame edge
    or fill most of a tall photo, and a border fixes many of those.

    In static-image mode MediaPipe often returns only the most salient of several hands (two
    photos side by side: one hand found; the same photos the other way round: both). So when it
    finds fewer than ``max_hands``, it takes a second look at the photo with the hands it found
    painted over, and keeps what it finds there that is not one of them (``second_look``). Then
    it looks beside them (``look_beside``, :meth:`_look_beside`): each strip of the photo beside
    the found hands with room for another hand, as a window of its own.

    A black-and-white photo is shown to it in a skin tone (``tint_grey``, :mod:`detection.grey`):
    on grey photos its palm detector misses plain open hands.
    """

    name = "mediapipe"

    def __init__(
        self,
        max_hands: int = 4,
        min_confidence: float = 0.3,
        max_side: int = 1280,
        model_complexity: int = 1,
        retry_padded: bool = True,
        second_look: bool = True,
        tint_grey: bool = True,
        look_beside: bool = True,
    ) -> None:
        from detection.mediapipe_import import import_mediapipe

        mp = import_mediapipe()
        self.max_side = max_side
        self.retry_padded = retry_padded
        self.max_hands = max_hands
        self.tint_grey = tint_grey
        self.look_beside = look_beside
        self._hands = mp.solutions.hands.Hands(
            static_image_mode=True,
            max_num_hands=max_hands,
            model_complexity=model_complexity,
            min_detection_confidence=min_confidence,
        )
        # The second look is stricter (palm score 0.5, landmark presence 0.8 instead of 0.3 and
        # 0.5): with the obvious hands painted over, a lenient graph takes reflections and wrists
        # for hands. Chosen on hand_boxes' train photos (MediaPipe never trained on them): it kept
        # every extra hand the lenient one found that matched a labelled box.
        self._second = mp.solutions.hands.Hands(
            static_image_mode=True,
            max_num_hands=max_hands,
            model_complexity=model_complexity,
            min_detection_confidence=max(min_confidence, 0.5),
            min_tracking_confidence=0.8,
        ) if second_look or look_beside else None
        self.second_look = second_look
        self._lock = threading.Lock()  # the graph is not re-entrant; Streamlit may call from threads

    def detect(self, image_rgb: np.ndarray) -> list[HandBox]:
        if image_rgb.ndim != 3 or image_rgb.shape[2] != 3 or image_rgb.dtype != np.uint8:
            raise ValueError("detect expects an HxWx3 uint8 RGB image")
        h, w = image_rgb.shape[:2]
        shrunk, scale = self._shrunk(image_rgb)
        small = skin_tint(shrunk) if self.tint_grey and is_grey(shrunk) else shrunk
        hands = self._find(small, scale, (w, h))
        if hands and self.second_look and len(hands) < self.max_hands:
            hands += self._look_again(small, hands, scale, (w, h))
        if hands and self.look_beside and len(hands) < self.max_hands:
            hands += self._look_beside(shrunk, scale, (w, h), hands)
        return hands[: self.max_hands]

    def _shrunk(self, image_rgb: np.ndarray) -> tuple[np.ndarray, float]:
        """``image_rgb`` at most ``max_side`` pixels on a side, and the factor it was shrunk by."""
        h, w = image_rgb.shape[:2]
        scale = min(1.0, self.max_side / max(h, w))
        if scale == 1.0:
            return image_rgb, scale
        return cv2.resize(image_rgb, (max(1, round(w * scale)), max(1, round(h * scale))),
                          interpolation=cv2.INTER_AREA), scale

    def _find(self, small: np.ndarray, scale: float, full: tuple[int, int], graph=None,
              retry: bool = True) -> list[HandBox]:
        """One look at ``small`` (the photo shrunk by ``scale``), and a second one padded to a
        square when the first finds nothing (and ``retry``)."""
        hands = self._run(small, (0, 0), scale, full, graph=graph)
        if not hands and self.retry_padded and retry:
            sh, sw = small.shape[:2]
            side = max(sh, sw)
            pad = int(0.15 * side)
            top, left = (side - sh) // 2 + pad, (side - sw) // 2 + pad
            padded = cv2.copyMakeBorder(
                small, top, side + 2 * pad - sh - top, left, side + 2 * pad - sw - left, cv2.BORDER_CONSTANT, value=0
            )
            hands = self._run(padded, (left, top), scale, full, graph=graph)
        return hands

    def look_closer(self, image_rgb: np.ndarray, box: Box, pad: float = 0.25,
                    shown: np.ndarray | None = None) -> list[HandBox]:
        """Hands in a square window around ``box`` (its longer side grown ``pad`` per side), in
        the photo's coordinates. With ``shown`` (an ``HxW`` bool plane of the photo), only those
        pixels are shown and the rest of the window is grey too: a hand cut out of a loud
        background (see ``MergeConfig.masked_look``).

        For a box another detector found and this one missed in the whole photo: the palm
        detector sees the photo at 192 px, and a raised hand beside a face or a hand cut by the
        frame is often found once it fills the window (``detection.auto_detector``). The window
        is not clipped to the photo: what lies outside is mid-grey (:data:`OUTSIDE_GREY`), so a
        hand cut by the frame edge keeps its place in the middle of the window with a margin
        round it. Clipped, the window put such a hand against its own edge, where the palm
        detector misses hands. No second look: the window is about one hand."""
        return self._look_in_window(image_rgb, square_box(expand_box(box, pad)), shown)

    def _look_in_window(self, image_rgb: np.ndarray, window: Box, shown: np.ndarray | None = None,
                        strict: bool = False) -> list[HandBox]:
        """Hands in the square ``window`` (photo pixels, may run past the photo), drawn on a grey
        canvas at most ``max_side`` pixels on a side (grey too where ``shown`` is False);
        nothing when less than 8 pixels of it lie in the photo either way. ``strict``: one run
        of the second look's stricter graph instead of the first look's (and its padded retry)."""
        h, w = image_rgb.shape[:2]
        x0, y0, x1, y1 = window
        a0, b0 = int(np.floor(x0)), int(np.floor(y0))
        side = int(np.ceil(max(x1 - x0, y1 - y0)))
        if side < 8:
            return []
        # the part of the window inside the photo, and where it goes on the grey canvas
        c0, d0, c1, d1 = max(a0, 0), max(b0, 0), min(a0 + side, w), min(b0 + side, h)
        if c1 - c0 < 8 or d1 - d0 < 8:
            return []
        scale = min(1.0, self.max_side / side)
        small_side = max(1, round(side * scale))
        canvas = np.full((small_side, small_side, 3), OUTSIDE_GREY, np.uint8)
        part = image_rgb[d0:d1, c0:c1]
        if shown is not None:  # OpenCV's masked copy: a tenth of np.where's time on a 2160x4000 window
            part = cv2.copyTo(part, shown[d0:d1, c0:c1].view(np.uint8), np.full_like(part, OUTSIDE_GREY))
        px0, py0 = round((c0 - a0) * scale), round((d0 - b0) * scale)
        pw = max(1, min(small_side - px0, round((c1 - c0) * scale)))
        ph = max(1, min(small_side - py0, round((d1 - d0) * scale)))
        canvas[py0:py0 + ph, px0:px0 + pw] = part if scale == 1.0 and part.shape[:2] == (ph, pw) else cv2.resize(
            part, (pw, ph), interpolation=cv2.INTER_AREA)
        if self.tint_grey and is_grey(image_rgb):  # the whole photo's, not the grey canvas's
            canvas = skin_tint(canvas)
        found = self._find(canvas, scale, (side, side), graph=self._second if strict else None, retry=not strict)
        out = []
        for hb in found:
            bx0, by0, bx1, by1 = hb.xyxy
            bx0, by0 = max(0.0, bx0 + a0), max(0.0, by0 + b0)
            bx1, by1 = min(float(w), bx1 + a0), min(float(h), by1 + b0)
            if bx1 - bx0 < 2 or by1 - by0 < 2:
                continue
            out.append(HandBox((bx0, by0, bx1, by1), hb.score, hb.landmarks + (a0, b0), hb.handedness, hb.source))
        return out

    def _look_again(self, small: np.ndarray, found: list[HandBox], scale: float,
                    full: tuple[int, int]) -> list[HandBox]:
        """Hands in ``small`` besides ``found``: each found hand's box (grown 10 % per side, so no
        finger or wrist is left to be found again) is filled with the photo's mean colour,
        MediaPipe runs once more, and new boxes that overlap a found one are dropped.

        The look is taken at most 640 px on a side: the palm detector sees 192 px whatever it is
        given, and the smaller copy takes a third of the time off this extra pass."""
        factor = min(1.0, SECOND_LOOK_SIDE / max(small.shape[:2]))
        covered = small.copy() if factor == 1.0 else cv2.resize(
            small, (max(1, round(small.shape[1] * factor)), max(1, round(small.shape[0] * factor))),
            interpolation=cv2.INTER_AREA)
        fill = covered.reshape(-1, 3).mean(axis=0).astype(np.uint8)
        ch, cw = covered.shape[:2]
        s = scale * factor
        for hand in found:
            x0, y0, x1, y1 = (v * s for v in expand_box(hand.xyxy, 0.1))
            covered[max(0, int(y0)):min(ch, int(np.ceil(y1))), max(0, int(x0)):min(cw, int(np.ceil(x1)))] = fill
        more = self._run(covered, (0, 0), s, full, graph=self._second)
        return [m for m in more if not any(same_object(m.xyxy, f.xyxy) for f in found)]

    def _look_beside(self, shrunk: np.ndarray, scale: float, full: tuple[int, int],
                     found: list[HandBox]) -> list[HandBox]:
        """Hands in the strips of the photo beside ``found`` (left, right, above, below the box
        round them all) that have room for another hand, each looked at as a square window of
        its own with the found hands (boxes grown 10 %) greyed out, by the stricter graph.

        The palm detector sees the whole photo at 192 px, and beside a hand it has found it
        often misses a second one that the second look, on the whole photo too, misses again:
        two hands of two photos side by side, on a texture or a skin-coloured cloth
        (``benchmarks/make_pair_set.py``). In a window of its own the missed hand is large
        enough. What is kept must be of a hand's size (``BESIDE_MIN_SIZE`` of the largest found
        hand) and away from a found hand's wrist (``BESIDE_WRIST_REACH``): in such windows the
        stricter graph still took a star of a flag beside a portrait, a hand on a laptop's
        screen and a found hand's own wrist for hands.

        The windows are cut from ``shrunk`` (the photo at most ``max_side`` px on a side, before
        any grey tint, shrunk by ``scale``), never from the full photo: a window is shown at
        most ``max_side`` px anyway, and on a 2160x4000 photo masking and shrinking the full
        pixels took 20 of this look's 34 ms. ``found`` and what is returned are in the full
        photo's (``full`` = width, height) pixels."""
        w, h = full
        size = max(max(b.xyxy[2] - b.xyxy[0], b.xyxy[3] - b.xyxy[1]) for b in found)
        x0, y0 = min(b.xyxy[0] for b in found), min(b.xyxy[1] for b in found)
        x1, y1 = max(b.xyxy[2] for b in found), max(b.xyxy[3] for b in found)
        strips = [s for s in ((0, 0, x0, h), (x1, 0, w, h), (0, 0, w, y0), (0, y1, w, h))
                  if min(s[2] - s[0], s[3] - s[1]) >= BESIDE_ROOM * size]
        if not strips:
            return []
        sh, sw = shrunk.shape[:2]
        shown = np.ones((sh, sw), bool)
        for b in found:
            bx0, by0, bx1, by1 = (v * scale for v in expand_box(b.xyxy, 0.1))
            shown[max(0, int(by0)):max(0, int(np.ceil(by1))), max(0, int(bx0)):max(0, int(np.ceil(bx1)))] = False
        wrists = [a for a in (wrist_axis(b.landmarks) for b in found if b.landmarks is not None) if a is not None]
        new: list[HandBox] = []
        for strip in strips:
            window = tuple(v * scale for v in square_box(strip))
            for seen in self._look_in_window(shrunk, window, shown, strict=True):
                hand = _scaled(seen, 1.0 / scale, full)
                bx0, by0, bx1, by1 = hand.xyxy
                at_wrist = any(np.hypot(max(bx0 - wx, 0.0, wx - bx1), max(by0 - wy, 0.0, wy - by1))
                               <= BESIDE_WRIST_REACH * palm for (wx, wy), palm, _ in wrists)
                if (max(bx1 - bx0, by1 - by0) >= BESIDE_MIN_SIZE * size and not at_wrist
                        and not any(same_object(hand.xyxy, o.xyxy) for o in (*found, *new))):
                    new.append(hand)
        return new

    def _run(self, rgb: np.ndarray, offset: tuple[int, int], scale: float, full: tuple[int, int],
             graph=None) -> list[HandBox]:
        with self._lock:
            res = (graph or self._hands).process(np.ascontiguousarray(rgb))
        if not res.multi_hand_landmarks:
            return []
        ph, pw = rgb.shape[:2]
        w, h = full
        out: list[HandBox] = []
        for lms, handed in zip(res.multi_hand_landmarks, res.multi_handedness or [None] * len(res.multi_hand_landmarks)):
            pts = np.array([[lm.x * pw, lm.y * ph] for lm in lms.landmark], dtype=np.float64)
            pts = (pts - offset) / scale
            x0, y0 = pts.min(axis=0)
            x1, y1 = pts.max(axis=0)
            x0, y0 = max(0.0, x0), max(0.0, y0)
            x1, y1 = min(float(w), x1), min(float(h), y1)
            if x1 - x0 < 2 or y1 - y0 < 2:
                continue
            cls = handed.classification[0] if handed is not None else None
            out.append(
                HandBox(
                    xyxy=(x0, y0, x1, y1),
                    score=float(np.clip(cls.score, 0, 1)) if cls else 1.0,
                    landmarks=pts,
                    handedness=cls.label if cls else "",
                    source=self.name,
                )
            )
        return out

    def close(self) -> None:
        self._hands.close()
        if self._second is not None:
            self._second.close()


def _scaled(hand: HandBox, factor: float, full: tuple[int, int]) -> HandBox:
    """``hand`` with its box and landmarks multiplied by ``factor``, the box kept inside the
    ``full`` (width, height) photo."""
    w, h = full
    x0, y0, x1, y1 = (v * factor for v in hand.xyxy)
    return HandBox((max(0.0, x0), max(0.0, y0), min(float(w), x1), min(float(h), y1)), hand.score,
                   None if hand.landmarks is None else hand.landmarks * factor, hand.handedness, hand.source)
