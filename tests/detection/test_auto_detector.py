"""The auto merge of MediaPipe and YOLO boxes, with fake detectors."""
from __future__ import annotations

import numpy as np
import pytest

from detection.auto_detector import AutoHandDetector, MergeConfig, merge_boxes
from detection.types import HandBox

LMS = np.zeros((21, 2))


def mp(*xyxy, score=0.9):
    return HandBox(xyxy, score, landmarks=LMS, handedness="Left", source="mediapipe")


def yolo(*xyxy, score=0.8):
    return HandBox(xyxy, score, source="yolo")


class Fake:
    def __init__(self, name, hands):
        self.name, self.hands, self.calls = name, hands, 0

    def detect(self, image_rgb):
        self.calls += 1
        return list(self.hands)


def test_add_keeps_mediapipe_and_adds_only_new_hands():
    a = mp(10, 10, 50, 50)
    same = yolo(12, 8, 52, 55)  # IoU > 0.3 with a
    inside = yolo(20, 20, 30, 30)  # contained in a
    new = yolo(100, 100, 150, 160, score=0.6)
    out = merge_boxes([a], [same, inside, new], MergeConfig("add"))
    assert out == [a, new]
    assert out[0].landmarks is not None and out[1].source == "yolo"


def test_add_merges_overlapping_yolo_boxes_among_themselves():
    out = merge_boxes([], [yolo(0, 0, 10, 10, score=0.5), yolo(1, 0, 11, 10, score=0.7)], MergeConfig("add"))
    assert [h.score for h in out] == [0.7]


def test_fallback_uses_yolo_only_without_mediapipe():
    a, b = mp(10, 10, 50, 50), yolo(100, 100, 150, 160)
    assert merge_boxes([a], [b], MergeConfig("fallback")) == [a]
    assert merge_boxes([], [b], MergeConfig("fallback")) == [b]


def test_union_grows_mediapipe_box_and_keeps_landmarks():
    a = mp(10, 10, 50, 50)
    forearm = yolo(5, 10, 55, 120)  # hand + forearm: contains a
    out = merge_boxes([a], [forearm], MergeConfig("union"))
    assert len(out) == 1
    assert out[0].xyxy == (5.0, 10.0, 55.0, 120.0)
    assert out[0].landmarks is LMS and out[0].source == "mediapipe+yolo"
    assert a.xyxy == (10.0, 10.0, 50.0, 50.0)  # input untouched


def test_max_hands_limits_the_result():
    out = merge_boxes([mp(0, 0, 10, 10)], [yolo(100, 0, 110, 10), yolo(200, 0, 210, 10)], MergeConfig("add", max_hands=2))
    assert len(out) == 2


def test_empty_inputs_give_empty():
    for mode in ("add", "fallback", "union"):
        assert merge_boxes([], [], MergeConfig(mode)) == []


def test_unknown_mode_rejected():
    with pytest.raises(ValueError, match="add, fallback, union"):
        MergeConfig("both")


def test_auto_detector_runs_both_or_only_when_needed():
    img = np.zeros((64, 64, 3), np.uint8)
    p, s = Fake("mediapipe", [mp(1, 1, 20, 20)]), Fake("yolo", [yolo(40, 40, 60, 60)])
    auto = AutoHandDetector(p, s, MergeConfig("add"))
    assert [h.source for h in auto.detect(img)] == ["mediapipe", "yolo"]
    assert auto.name == "auto"
    fb = AutoHandDetector(p, s, MergeConfig("fallback"))
    s.calls = 0
    assert [h.source for h in fb.detect(img)] == ["mediapipe"]
    assert s.calls == 0  # YOLO is not run when MediaPipe found a hand
    fb_empty = AutoHandDetector(Fake("mediapipe", []), s, MergeConfig("fallback"))
    assert [h.source for h in fb_empty.detect(img)] == ["yolo"]


def test_default_union_also_adds_hands_mediapipe_missed():
    a = mp(10, 10, 50, 50)
    out = merge_boxes([a], [yolo(8, 8, 52, 90), yolo(200, 10, 260, 80, score=0.6)])
    assert MergeConfig().mode == "union"
    assert [h.source for h in out] == ["mediapipe+yolo", "yolo"]
    assert out[0].xyxy == (8.0, 8.0, 52.0, 90.0)


def test_union_ignores_a_yolo_box_that_swallows_the_hand_many_times_over():
    a = mp(100, 100, 140, 140)  # 40x40
    huge = yolo(0, 80, 400, 600)  # contains a, 130x its area
    out = merge_boxes([a], [huge], MergeConfig("union"))
    assert [h.xyxy for h in out] == [a.xyxy]  # neither grown nor added as a second hand
    assert out[0].source == "mediapipe"


def test_union_does_not_grow_two_hands_to_one_box_round_both():
    left, right = mp(100, 0, 240, 180), mp(300, 0, 420, 190)
    both = yolo(110, 0, 430, 230, score=0.3)  # holds most of each hand and the table between them
    out = merge_boxes([left, right], [both], MergeConfig("union"))
    assert [h.xyxy for h in out] == [left.xyxy, right.xyxy]  # neither grown, nor a third hand
    off = merge_boxes([left, right], [both], MergeConfig("union", hands_apart=False))
    assert [h.xyxy for h in off] == [(100.0, 0.0, 430.0, 230.0), (110.0, 0.0, 430.0, 230.0)]
    # one hand's own forearm box still grows it, beside a second hand
    forearm = yolo(95, 0, 245, 400)
    out = merge_boxes([left, right], [forearm], MergeConfig("union"))
    assert [h.xyxy for h in out] == [(95.0, 0.0, 245.0, 400.0), right.xyxy]


class Failing:
    name = "failing"

    def __init__(self, message):
        self.message = message

    def detect(self, image_rgb):
        raise RuntimeError(self.message)


def test_the_two_detectors_run_side_by_side_and_errors_reach_the_caller():
    import threading

    seen = {}

    class Where(Fake):
        def detect(self, image_rgb):
            seen[self.name] = threading.current_thread().name
            return super().detect(image_rgb)

    image = np.zeros((8, 8, 3), np.uint8)
    auto = AutoHandDetector(Where("mediapipe", [mp(0, 0, 4, 4)]), Where("yolo", [yolo(0, 0, 4, 4)]))
    assert len(auto.detect(image)) == 1
    assert seen["mediapipe"] == threading.current_thread().name and seen["yolo"] != seen["mediapipe"]
    with pytest.raises(RuntimeError, match="yolo broke"):
        AutoHandDetector(Fake("mediapipe", []), Failing("yolo broke")).detect(image)
    with pytest.raises(RuntimeError, match="mediapipe broke"):
        AutoHandDetector(Failing("mediapipe broke"), Failing("yolo broke")).detect(image)


@pytest.mark.parametrize("mode", ["add", "union"])
def test_a_weak_yolo_box_is_added_beside_a_mediapipe_hand_only_when_confident(mode):
    hand = mp(10, 10, 50, 50)
    weak = yolo(100, 100, 150, 160, score=0.3)
    strong = yolo(200, 10, 250, 60, score=0.6)
    out = merge_boxes([hand], [weak, strong], MergeConfig(mode))
    assert [h.xyxy for h in out] == [hand.xyxy, strong.xyxy]
    # the floor is a setting: 0 keeps every YOLO box
    assert len(merge_boxes([hand], [weak, strong], MergeConfig(mode, min_secondary_score=0.0))) == 3


@pytest.mark.parametrize("mode", ["add", "union", "fallback"])
def test_a_weak_yolo_box_is_kept_when_mediapipe_found_nothing(mode):
    weak = yolo(100, 100, 150, 160, score=0.3)
    assert merge_boxes([], [weak], MergeConfig(mode)) == [weak]


def test_a_weak_yolo_box_still_grows_the_mediapipe_box_it_overlaps():
    hand = mp(10, 10, 50, 50)
    forearm = yolo(10, 10, 50, 90, score=0.3)  # same hand, reaching down the arm
    out = merge_boxes([hand], [forearm], MergeConfig("union"))
    assert len(out) == 1 and out[0].xyxy == (10, 10, 50, 90)


def test_a_weak_yolo_box_at_a_found_hands_wrist_is_kept_as_its_forearm():
    lms = np.zeros((21, 2))
    lms[0], lms[9] = (30, 50), (30, 20)  # wrist at the box's lower edge, palm length 30
    hand = HandBox((10, 10, 50, 50), 0.9, landmarks=lms, handedness="Left", source="mediapipe")
    forearm = yolo(15, 60, 45, 120, score=0.3)  # starts 10 px below the wrist: within 0.5 palm
    far = yolo(200, 200, 240, 260, score=0.3)
    out = merge_boxes([hand], [forearm, far], MergeConfig("add"))
    assert [h.xyxy for h in out] == [hand.xyxy, forearm.xyxy]
    assert len(merge_boxes([hand], [forearm, far], MergeConfig("add", wrist_reach=0.0))) == 1


class FakeWithCloserLook(Fake):
    """A primary that finds ``closer`` when asked to look at a window (and records the boxes and
    pads); ``closer`` may instead map each pad to what the window of that pad shows."""

    def __init__(self, name, hands, closer):
        super().__init__(name, hands)
        self.closer, self.looked_at, self.pads = closer, [], []

    def look_closer(self, image_rgb, box, pad=0.25, shown=None):
        self.looked_at.append(box)
        self.pads.append(pad if shown is None else ("shown", pad))
        self.shown = shown
        key = pad if shown is None else ("shown", pad) if ("shown", pad) in self.closer else "shown"
        return list(self.closer.get(key, []) if isinstance(self.closer, dict) else self.closer)


def test_the_wider_window_is_tried_when_the_close_one_finds_no_hand_in_the_box():
    img = np.zeros((300, 300, 3), np.uint8)
    collar = HandBox((150, 110, 200, 170), 0.7, landmarks=LMS, source="mediapipe")  # mostly outside the box
    hand = HandBox((105, 105, 155, 190), 0.7, landmarks=LMS, source="mediapipe")
    p = FakeWithCloserLook("mediapipe", [], {0.25: [collar], 1.0: [hand]})
    (found,) = AutoHandDetector(p, Fake("yolo", [yolo(100, 100, 160, 200)])).detect(img)
    assert p.pads == [0.25, 1.0] and found.landmarks is LMS and found.source == "yolo+mediapipe-closer"
    p = FakeWithCloserLook("mediapipe", [], {0.25: [hand], 1.0: [collar]})
    AutoHandDetector(p, Fake("yolo", [yolo(100, 100, 160, 200)])).detect(img)
    assert p.pads == [0.25]  # found at once: no wider look
    p = FakeWithCloserLook("mediapipe", [], {1.0: [hand]})
    (alone,) = AutoHandDetector(p, Fake("yolo", [yolo(100, 100, 160, 200)]),
                                MergeConfig(closer_pads=(0.25,))).detect(img)
    assert p.pads == [0.25] and alone.landmarks is None


def test_a_box_no_window_finds_a_hand_in_is_looked_at_once_more_cut_out_by_its_silhouette():
    img = np.zeros((300, 300, 3), np.uint8)
    hand = HandBox((105, 105, 155, 190), 0.7, landmarks=LMS, source="mediapipe")
    plane = np.zeros((300, 300), bool)
    plane[110:190, 105:155] = True
    asked = []

    def silhouette(box):
        asked.append(box)
        return plane

    p = FakeWithCloserLook("mediapipe", [], {"shown": [hand]})
    (found,) = AutoHandDetector(p, Fake("yolo", [yolo(100, 100, 160, 200)])).detect(img, silhouette=silhouette)
    assert p.pads == [0.25, 1.0, ("shown", 0.25)] and asked == [(100.0, 100.0, 160.0, 200.0)]
    assert found.landmarks is LMS and found.source == "yolo+mediapipe-closer"
    # off, or with an empty silhouette, or without one: the box stays without landmarks
    for config, given in ((MergeConfig(masked_look=False), silhouette), (MergeConfig(), lambda box: plane & False),
                          (MergeConfig(), None)):
        asked.clear()
        p = FakeWithCloserLook("mediapipe", [], {"shown": [hand]})
        (alone,) = AutoHandDetector(p, Fake("yolo", [yolo(100, 100, 160, 200)]), config).detect(img, silhouette=given)
        assert alone.landmarks is None and ("shown", 0.25) not in p.pads
    assert asked == []  # not asked for when turned off
    # a window that finds the hand at once needs no silhouette
    p = FakeWithCloserLook("mediapipe", [], {0.25: [hand], "shown": [hand]})
    AutoHandDetector(p, Fake("yolo", [yolo(100, 100, 160, 200)])).detect(img, silhouette=silhouette)
    assert p.pads == [0.25] and asked == []


def test_the_masked_look_leaves_faces_out_of_the_silhouette_and_tries_the_wider_window_too():
    """A hand raised beside a face, boxed by YOLO with the face: the U-Net's silhouette holds the
    face too, and MediaPipe found the hand only with the face greyed out, in the wide window."""
    img = np.zeros((300, 300, 3), np.uint8)
    hand = HandBox((40, 105, 100, 190), 0.7, landmarks=LMS, source="mediapipe")
    face = (150.0, 60.0, 230.0, 160.0)
    plane = np.zeros((300, 300), bool)
    plane[100:200, 40:240] = True  # hand and face
    p = FakeWithCloserLook("mediapipe", [], {("shown", 1.0): [hand]})
    (found,) = AutoHandDetector(p, Fake("yolo", [yolo(35, 55, 240, 200)])).detect(
        img, faces=lambda: [face], silhouette=lambda box: plane)
    assert p.pads == [0.25, 1.0, ("shown", 0.25), ("shown", 1.0)] and found.landmarks is LMS
    assert p.shown[100:200, 40:100].all() and not p.shown[110, 190]  # the face's middle is grey
    assert plane[110, 190]  # the caller's plane is left as it was
    p = FakeWithCloserLook("mediapipe", [], {("shown", 1.0): [hand]})
    AutoHandDetector(p, Fake("yolo", [yolo(35, 55, 240, 200)]), MergeConfig(masked_without_faces=False)).detect(
        img, faces=lambda: [face], silhouette=lambda box: plane)
    assert p.shown[110, 190]


def test_a_yolo_only_box_gets_the_landmarks_of_a_hand_found_in_a_closer_look():
    img = np.zeros((300, 300, 3), np.uint8)
    lms = np.full((21, 2), 120.0)
    inside = HandBox((110, 110, 150, 170), 0.7, landmarks=lms, handedness="Right", source="mediapipe")
    p = FakeWithCloserLook("mediapipe", [], [inside])
    auto = AutoHandDetector(p, Fake("yolo", [yolo(100, 100, 160, 200, score=0.4)]))
    (hand,) = auto.detect(img)
    assert p.looked_at == [(100.0, 100.0, 160.0, 200.0)]
    assert hand.landmarks is lms and hand.handedness == "Right"
    assert hand.xyxy == (100.0, 100.0, 160.0, 200.0)  # the YOLO box (it already holds the hand)
    assert hand.score == 0.4 and hand.source == "yolo+mediapipe-closer"


def test_the_box_grows_to_a_hand_found_partly_outside_it():
    img = np.zeros((300, 300, 3), np.uint8)
    found = HandBox((90, 110, 150, 170), 0.7, landmarks=LMS, source="mediapipe")  # 1/6 outside
    auto = AutoHandDetector(FakeWithCloserLook("mediapipe", [], [found]), Fake("yolo", [yolo(100, 100, 160, 200)]))
    assert auto.detect(img)[0].xyxy == (90.0, 100.0, 160.0, 200.0)


def test_a_closer_look_that_finds_a_hand_beside_the_box_changes_nothing():
    """A window also shows what lies around the box (a tie beside a face taken for a hand)."""
    img = np.zeros((300, 300, 3), np.uint8)
    beside = HandBox((150, 110, 200, 170), 0.7, landmarks=LMS, source="mediapipe")  # mostly outside
    auto = AutoHandDetector(FakeWithCloserLook("mediapipe", [], [beside]), Fake("yolo", [yolo(100, 100, 160, 200)]))
    (hand,) = auto.detect(img)
    assert hand.landmarks is None and hand.source == "yolo"


def test_a_closer_look_does_not_give_one_hand_twice():
    img = np.zeros((300, 300, 3), np.uint8)
    known = mp(10, 10, 60, 60)
    again = HandBox((12, 37, 58, 60), 0.7, landmarks=LMS, source="mediapipe")  # part of the known hand
    p = FakeWithCloserLook("mediapipe", [known], [again])
    auto = AutoHandDetector(p, Fake("yolo", [yolo(5, 36, 62, 120, score=0.9)]))  # not the known hand's box
    out = auto.detect(img)
    assert [h.landmarks is None for h in out] == [False, True]


def test_boxes_with_landmarks_are_not_looked_at_and_the_look_can_be_turned_off():
    img = np.zeros((300, 300, 3), np.uint8)
    inside = HandBox((110, 110, 150, 170), 0.7, landmarks=LMS, source="mediapipe")
    p = FakeWithCloserLook("mediapipe", [mp(10, 10, 60, 60)], [inside])
    AutoHandDetector(p, Fake("yolo", [yolo(8, 8, 62, 70)])).detect(img)
    assert p.looked_at == []  # the YOLO box is the MediaPipe hand's
    off = AutoHandDetector(p, Fake("yolo", [yolo(100, 100, 160, 200)]), MergeConfig(look_closer=False))
    (hand,) = [h for h in off.detect(img) if h.source == "yolo"]
    assert hand.landmarks is None and p.looked_at == []


def test_fallback_mode_looks_closer_at_yolo_boxes_too():
    img = np.zeros((300, 300, 3), np.uint8)
    inside = HandBox((110, 110, 150, 170), 0.7, landmarks=LMS, source="mediapipe")
    auto = AutoHandDetector(FakeWithCloserLook("mediapipe", [], [inside]), Fake("yolo", [yolo(100, 100, 160, 200)]),
                            MergeConfig("fallback"))
    assert auto.detect(img)[0].landmarks is LMS


def test_once_a_closer_look_finds_a_hand_weak_boxes_away_from_it_must_pass_the_floor():
    """MediaPipe found nothing in the whole photo, so the merge kept every YOLO box; a hand found
    in one of them makes the rest boxes beside a found hand (an orange suit beside a raised one)."""
    img = np.zeros((400, 400, 3), np.uint8)
    lms = np.zeros((21, 2))
    lms[:, 0], lms[:, 1] = 130, 130
    lms[0], lms[9] = (130, 190), (130, 140)  # wrist at the box's lower edge, palm length 50
    found = HandBox((110, 110, 150, 190), 0.7, landmarks=lms, handedness="Right", source="mediapipe")
    hand = yolo(100, 100, 160, 195, score=0.4)
    forearm = yolo(110, 200, 150, 300, score=0.3)  # 10 px below the wrist
    suit = yolo(300, 250, 390, 390, score=0.5)
    strong = yolo(300, 10, 390, 100, score=0.7)
    auto = AutoHandDetector(FakeWithCloserLook("mediapipe", [], [found]), Fake("yolo", [hand, forearm, suit, strong]))
    out = auto.detect(img)
    assert [h.xyxy for h in out if h.landmarks is lms] == [hand.xyxy]
    assert sorted(h.xyxy for h in out if h.landmarks is None) == sorted([forearm.xyxy, strong.xyxy])
    off = AutoHandDetector(FakeWithCloserLook("mediapipe", [], [found]), Fake("yolo", [hand, forearm, suit, strong]),
                           MergeConfig(floor_after_closer=False))
    assert len(off.detect(img)) == 4


def test_without_a_hand_found_closer_every_yolo_box_stays():
    img = np.zeros((400, 400, 3), np.uint8)
    boxes = [yolo(100, 100, 160, 195, score=0.4), yolo(300, 250, 390, 390, score=0.3)]
    auto = AutoHandDetector(FakeWithCloserLook("mediapipe", [], []), Fake("yolo", boxes))
    assert len(auto.detect(img)) == 2


def small_hand(cx: float, cy: float, palm: float) -> HandBox:
    """A landmark hand centred near ``(cx, cy)`` with a palm ``palm`` pixels long."""
    lms = np.zeros((21, 2))
    lms[:] = (cx, cy)
    lms[0], lms[9] = (cx, cy + palm / 2), (cx, cy - palm / 2)
    return HandBox((cx - palm, cy - palm, cx + palm, cy + palm), 0.8, landmarks=lms, source="mediapipe")


def test_a_mediapipe_hand_far_smaller_than_the_face_above_it_no_longer_hides_the_real_hand():
    """MediaPipe took a portrait's tie for a hand; its tiny box lay inside the YOLO box of the
    real hand raised beside the face, which the merge then dropped as the same hand."""
    img = np.zeros((800, 700, 3), np.uint8)
    face = (220.0, 170.0, 490.0, 440.0)  # 270 px wide
    tie = small_hand(350, 650, 60)  # 0.22 face widths, 0.8 face widths below the face
    raised = yolo(175, 180, 690, 700, score=0.36)
    calls = []

    def faces():
        calls.append(1)
        return [face]

    auto = AutoHandDetector(FakeWithCloserLook("mediapipe", [tie], [tie]), Fake("yolo", [raised]))
    assert [h.xyxy for h in auto.detect(img)] == [tie.xyxy]  # without faces: as before
    out = auto.detect(img, faces=faces)
    assert [h.xyxy for h in out] == [raised.xyxy] and out[0].landmarks is None  # nor from the closer look
    assert calls == [1]  # asked once
    off = AutoHandDetector(FakeWithCloserLook("mediapipe", [tie], [tie]), Fake("yolo", [raised]),
                           MergeConfig(min_hand_to_face=0.0))
    assert [h.xyxy for h in off.detect(img, faces=faces)] == [tie.xyxy]


def test_hands_of_a_face_s_size_or_far_from_it_stay_and_faces_are_not_asked_for_needlessly():
    img = np.zeros((800, 2000, 3), np.uint8)
    face = (220.0, 170.0, 490.0, 440.0)
    beside = small_hand(600, 400, 150)  # 0.56 face widths: a hand at the face's depth
    far = small_hand(1900, 700, 60)  # tiny, but 5 face widths away: another person's, behind
    auto = AutoHandDetector(Fake("mediapipe", [beside, far]), Fake("yolo", []))
    assert len(auto.detect(img, faces=lambda: [face])) == 2

    def no_call():
        raise AssertionError("faces asked for without a landmark hand to check")

    assert AutoHandDetector(Fake("mediapipe", []), Fake("yolo", [yolo(10, 10, 90, 90)])).detect(img, faces=no_call)


def test_a_face_that_is_the_face_detector_firing_on_a_fist_does_not_count():
    """A big fist the face detector calls a face must not make a smaller hand beside it implausible."""
    img = np.zeros((800, 800, 3), np.uint8)
    fist = small_hand(300, 300, 200)  # its outline holds the "face"
    other = small_hand(450, 300, 25)  # 0.25 "face" widths, one width beside it
    auto = AutoHandDetector(Fake("mediapipe", [fist, other]), Fake("yolo", []))
    assert len(auto.detect(img, faces=lambda: [(250.0, 220.0, 350.0, 380.0)])) == 2
    assert len(AutoHandDetector(Fake("mediapipe", [other]), Fake("yolo", [])).detect(
        img, faces=lambda: [(250.0, 220.0, 350.0, 380.0)])) == 0  # without the fist the face counts


def test_a_weak_box_beside_a_found_hand_is_kept_when_a_closer_look_finds_a_hand_in_it():
    """Two hands in a wide photo: MediaPipe found one, YOLO boxed the other under the floor."""
    img = np.zeros((300, 600, 3), np.uint8)
    lms = np.full((21, 2), 450.0)
    second = HandBox((420, 110, 480, 190), 0.98, landmarks=lms, handedness="Left", source="mediapipe")
    weak = yolo(400, 100, 500, 200, score=0.3)
    p = FakeWithCloserLook("mediapipe", [mp(10, 10, 100, 100)], [second])
    out = AutoHandDetector(p, Fake("yolo", [weak])).detect(img)
    assert p.looked_at == [weak.xyxy]
    assert len(out) == 2 and out[1].landmarks is lms and out[1].handedness == "Left"
    assert out[1].xyxy == weak.xyxy and out[1].score == 0.3 and out[1].source == "yolo+mediapipe-confirmed"
    p = FakeWithCloserLook("mediapipe", [mp(10, 10, 100, 100)], [second])
    off = AutoHandDetector(p, Fake("yolo", [weak]), MergeConfig(confirm_weak=False)).detect(img)
    assert len(off) == 1 and p.looked_at == []


def test_a_weak_box_no_closer_look_confirms_is_dropped_as_before():
    img = np.zeros((300, 600, 3), np.uint8)
    weak = yolo(400, 100, 500, 200, score=0.3)
    beside = HandBox((480, 110, 560, 190), 0.9, landmarks=LMS, source="mediapipe")  # mostly outside the box
    for closer in ([], [beside]):
        p = FakeWithCloserLook("mediapipe", [mp(10, 10, 100, 100)], closer)
        out = AutoHandDetector(p, Fake("yolo", [weak])).detect(img)
        assert [h.source for h in out] == ["mediapipe"] and p.pads == [0.25, 1.0]


def test_confirming_weak_boxes_finds_no_hand_twice_and_keeps_to_max_hands():
    img = np.zeros((300, 900, 3), np.uint8)
    known = mp(10, 10, 100, 100)
    again = HandBox((12, 12, 98, 98), 0.9, landmarks=LMS, source="mediapipe")  # the known hand, seen closer
    p = FakeWithCloserLook("mediapipe", [known], [again])
    out = AutoHandDetector(p, Fake("yolo", [yolo(60, 0, 260, 150, score=0.3)])).detect(img)  # overlaps it a little
    assert out == [known] and len(p.looked_at) == 2
    weak = [yolo(x, 100, x + 100, 200, score=0.3) for x in (300, 500, 700)]
    found = {0.25: [HandBox((x + 10, 110, x + 90, 190), 0.9, landmarks=LMS, source="mediapipe") for x in (300, 500, 700)]}

    class EachWindowItsOwn(FakeWithCloserLook):
        def look_closer(self, image_rgb, box, pad=0.25, shown=None):
            super().look_closer(image_rgb, box, pad, shown)
            return [f for f in found.get(pad, []) if f.xyxy[0] > box[0] and f.xyxy[2] < box[2]]

    p = EachWindowItsOwn("mediapipe", [known], {})
    out = AutoHandDetector(p, Fake("yolo", weak), MergeConfig(max_hands=3)).detect(img)
    assert len(out) == 3 and all(h.landmarks is not None for h in out) and len(p.looked_at) == 2
