"""The face guard: faces beside a hand are kept out of its mask; "faces" on the hand are ignored."""
import dataclasses

import cv2
import numpy as np
import pytest

from detection.boxes import box_area, box_intersection, mask_box
from detection.faces import (ON_OUTLINE, Face, face_exclusion, faces_apart_from_hands, faces_not_hands,
                             forearm_band, hand_outline, hand_shape, seen_behind_hand)
from detection.types import HandBox
from pipeline.config import PipelineConfig
from pipeline.core import Pipeline
from tests.conftest import ColourSegmenter, FakeDetector, draw_hand


class FakeFaces:
    def __init__(self, boxes):
        self.boxes = boxes
        self.calls = 0

    def detect(self, image_rgb):
        self.calls += 1
        return list(self.boxes)


def test_a_face_box_mostly_inside_a_hand_box_is_the_detector_firing_on_the_hand():
    hand = (100.0, 100.0, 300.0, 300.0)
    on_hand = (150.0, 150.0, 250.0, 250.0)     # a fist "face": wholly inside the hand's box
    touching = (250.0, 120.0, 400.0, 270.0)    # a face the hand touches: a third inside
    apart = (400.0, 50.0, 500.0, 150.0)
    assert faces_apart_from_hands([on_hand, touching, apart], [hand]) == [touching, apart]
    assert faces_apart_from_hands([on_hand], []) == [on_hand]


def test_exclusion_covers_the_face_but_never_a_hand_box():
    excl = face_exclusion((200, 300), [(200.0, 50.0, 260.0, 130.0)], [(100.0, 60.0, 215.0, 190.0)])
    assert excl is not None and excl.dtype == bool and excl.shape == (200, 300)
    assert excl[90, 240]  # the face's centre
    assert excl[40, 230]  # forehead above the box is face too
    assert not excl[48:202, 90:226].any()  # the hand box, grown by 10 % per side, is untouched
    assert excl[30, 230]  # face beside that grown box is still face
    assert not excl[180:, :].any() and not excl[:, 280:].any()  # nothing far from the face
    assert face_exclusion((50, 50), [], [(0.0, 0.0, 10.0, 10.0)]) is None
    assert face_exclusion((50, 50), [(10.0, 10.0, 20.0, 20.0)], [(0.0, 0.0, 40.0, 40.0)]) is None  # all hand


def hand_beside_face():
    """A skin-coloured face touching the hand's box on its right: one blob for a colour model."""
    img, mask = draw_hand(240, 480, seed=3)
    face = np.zeros(mask.shape, np.uint8)
    cv2.ellipse(face, (375, 120), (40, 55), 0, 0, 360, 255, -1)
    img[face > 0] = (200, 148, 122)
    face[mask > 0] = 0
    return img, mask, face, (340.0, 75.0, 410.0, 165.0)


def beyond_hand_box(face, hand_box, reach=0.1):
    x0, y0, x1, y1 = hand_box
    mx, my = reach * (x1 - x0), reach * (y1 - y0)
    out = face > 0
    out[int(y0 - my):int(np.ceil(y1 + my)), int(x0 - mx):int(np.ceil(x1 + mx))] = False
    return out


@pytest.mark.parametrize("guard", [True, False])
def test_pipeline_keeps_a_face_beside_the_hand_out_of_the_mask(guard):
    img, mask, face, face_box = hand_beside_face()
    hand_box = mask_box(mask)
    faces = FakeFaces([face_box])
    cfg = PipelineConfig(face_guard=guard, margin=0.6, max_grow=0)  # a crop wide enough to see the face
    r = Pipeline(FakeDetector([hand_box]), ColourSegmenter(size=128), cfg, faces).process(img)
    beyond = beyond_hand_box(face, hand_box)
    assert beyond.sum() > 2000  # most of the face lies outside the hand's (grown) box
    assert (r.mask > 0)[mask > 0].mean() > 0.95  # the hand is whole either way
    if guard:
        assert r.faces == [face_box]
        assert (r.mask > 0)[beyond].mean() < 0.01 and (r.alpha[beyond] == 0).mean() > 0.99
    else:
        assert r.faces == [] and faces.calls == 0
        assert (r.mask > 0)[beyond].mean() > 0.9  # the colour model takes the face for hand


def test_pipeline_without_a_face_detector_runs_unguarded():
    img, mask, face, _ = hand_beside_face()
    cfg = PipelineConfig(margin=0.6, max_grow=0)
    r = Pipeline(FakeDetector([mask_box(mask)]), ColourSegmenter(size=128), cfg).process(img)
    assert r.faces == [] and (r.mask > 0)[beyond_hand_box(face, mask_box(mask))].mean() > 0.9


def test_a_forearm_crossing_the_face_is_not_cut_off():
    # a hand in front of the chin, fingers up: wrist at (100, 120), forearm going straight down
    lms = np.zeros((21, 2))
    lms[0] = (100, 120)   # wrist
    lms[9] = (100, 70)    # middle knuckle: palm length 50
    lms[5], lms[17] = (80, 75), (120, 75)  # knuckle line: palm width 40
    band = forearm_band(lms)
    assert band.shape == (4, 2)
    face = (40.0, 60.0, 160.0, 190.0)  # the face runs below the hand's box
    hand = (70.0, 20.0, 130.0, 125.0)
    excl = face_exclusion((260, 200), [face], [hand], [band])
    assert not excl[125:260, 90:111].any()  # the forearm's column below the wrist stays
    assert excl[150, 50] and excl[150, 150]  # the cheeks beside it are face
    unguarded = face_exclusion((260, 200), [face], [hand])
    assert unguarded[150, 100]  # without the band the forearm would be cut there


def test_a_box_without_landmarks_that_holds_a_face_is_the_face():
    face = (100.0, 100.0, 200.0, 200.0)
    yolo_on_face = HandBox((80.0, 90.0, 230.0, 330.0), 0.4, source="yolo")  # face and neck
    yolo_beside = HandBox((180.0, 150.0, 330.0, 330.0), 0.4, source="yolo")  # a fifth of the face inside
    lms = np.tile([150.0, 150.0], (21, 1)) + np.arange(21)[:, None]
    confirmed = HandBox((90.0, 90.0, 210.0, 210.0), 0.9, landmarks=lms, source="mediapipe")  # a fist
    kept = faces_not_hands([yolo_on_face, yolo_beside, confirmed], [face])
    assert [h.source for h in kept] == ["yolo", "mediapipe"] and kept[0] is yolo_beside
    assert faces_not_hands([yolo_on_face], []) == [yolo_on_face]


def test_a_box_holding_a_face_and_a_hand_beside_it_is_cut_down_to_the_hand():
    face = (100.0, 100.0, 200.0, 200.0)
    both = HandBox((20.0, 110.0, 210.0, 330.0), 0.5, source="yolo")  # reaches 0.8 face widths left
    face_and_neck = HandBox((80.0, 90.0, 230.0, 330.0), 0.4, source="yolo")  # 0.2 left, 0.3 right
    kept = faces_not_hands([both, face_and_neck], [face])
    assert [h.xyxy for h in kept] == [(20.0, 110.0, 100.0, 330.0)]
    assert kept[0].score == 0.5 and kept[0].source == "yolo-beside-face" and kept[0].landmarks is None
    right = HandBox((90.0, 95.0, 290.0, 300.0), 0.5, source="yolo")  # 0.9 face widths right
    assert faces_not_hands([right], [face])[0].xyxy == (200.0, 95.0, 290.0, 300.0)
    assert faces_not_hands([both], [face], beside=None) == []  # the rule off: dropped as before


def test_a_hand_boxed_with_the_face_beside_it_is_cut_out_and_the_face_is_not():
    img = np.full((240, 360, 3), (60, 90, 140), np.uint8)
    cv2.ellipse(img, (230, 100), (45, 58), 0, 0, 360, (200, 148, 122), -1)  # the face
    cv2.rectangle(img, (40, 60), (120, 230), (205, 150, 120), -1)  # the hand beside it
    face = (185.0, 45.0, 275.0, 155.0)
    box = HandBox((30.0, 50.0, 285.0, 235.0), 0.5, source="yolo")
    detector = FakeDetector([box])
    detector.name = "auto"
    cfg = PipelineConfig(landmark_prior=False, context_margin=0.0)
    on = Pipeline(detector, ColourSegmenter(size=128), cfg, FakeFaces([face])).process(img)
    assert not on.fallback_used and on.hands[0].xyxy == (30.0, 50.0, 185.0, 235.0)
    assert (on.mask[70:220, 50:110] > 0).mean() > 0.95  # the hand
    assert (on.mask[70:130, 205:255] > 0).mean() < 0.01  # the face
    off = Pipeline(detector, ColourSegmenter(size=128), dataclasses.replace(cfg, face_trim=False),
                   FakeFaces([face])).process(img)
    assert off.fallback_used  # the box was dropped as a face and the photo segmented whole


def open_hand(x: float = 100.0, y: float = 200.0, palm: float = 50.0) -> np.ndarray:
    """21 landmarks of an upright open hand, wrist at (x, y), fingers up and spread."""
    lms = np.zeros((21, 2))
    lms[0] = (x, y)
    for f, dx in enumerate((-0.9, -0.45, 0.0, 0.45, 0.9)):  # thumb .. little finger
        for j in range(4):
            lms[1 + 4 * f + j] = (x + dx * palm * (1 + 0.3 * j), y - palm * (0.6 + 0.35 * j if f else 0.3 + 0.25 * j))
    lms[9] = (x, y - palm)  # middle knuckle one palm length above the wrist
    return lms


def test_hand_outline_holds_the_landmarks_but_not_the_rest_of_the_box():
    lms = open_hand()
    outline = hand_outline(lms, reach=0.3)
    inside = lambda p: cv2.pointPolygonTest(outline.astype(np.float32), tuple(map(float, p)), False) >= 0  # noqa: E731
    assert all(inside(p) for p in lms)
    assert inside(lms[12] + (0, -0.25 * 50))  # a nail just past the middle fingertip
    (x0, y0), (x1, y1) = outline.min(0), outline.max(0)
    assert x0 <= lms[:, 0].min() - 10 and y1 >= lms[:, 1].max() + 10
    assert not inside((x0 + 2, y0 + 2))  # inside the outline's box, beside the fingers


def test_a_face_on_the_hand_outline_is_the_hand_and_one_beside_it_a_face():
    lms = open_hand()
    outline = hand_outline(lms)
    fist = (80.0, 130.0, 120.0, 170.0)  # on the palm and fingers
    beside = (10.0, 60.0, 90.0, 140.0)  # beside the thumb and index, its corner in the outline
    grown = (0.0, 0.0, 200.0, 240.0)  # a box auto grew to a YOLO box that holds both
    assert faces_apart_from_hands([fist, beside], [grown]) == []
    assert faces_apart_from_hands([fist, beside], [outline], ON_OUTLINE) == [beside]


def test_a_face_seen_between_spread_fingers_is_kept_though_inside_the_outline():
    lms = open_hand()
    outline = hand_outline(lms)
    box = (50.0, 100.0, 150.0, 145.0)  # over the fingers, above the palm
    behind = Face(box, [(82, 125), (120, 125)])  # both eyes in the gaps beside the middle finger
    one_eye_free = Face(box, [(100, 125), (120, 125)])  # the right eye hidden by the middle finger
    both_on_fingers = Face(box, [(100, 125), (64, 135)])
    fist = Face((80.0, 130.0, 120.0, 170.0), [(90, 150), (110, 150)])  # on the palm, as on a fist
    assert all(faces_apart_from_hands([f], [outline], ON_OUTLINE) == [] for f in (behind, fist))
    assert faces_apart_from_hands([behind, one_eye_free, both_on_fingers, fist], [outline], ON_OUTLINE,
                                  [lms]) == [behind, one_eye_free]
    assert faces_apart_from_hands([behind], [box], 0.5, [None]) == []  # a box without landmarks: no shape
    assert not seen_behind_hand(box, lms)  # a plain box has no eyes to judge by
    assert behind == box and isinstance(behind, tuple) and behind.eyes.shape == (2, 2)


def test_a_face_between_fingers_found_with_little_confidence_is_taken_for_the_hand():
    # a fist with a raised finger leaves the "face" box half free and an "eye" off the hand, as a
    # real face between spread fingers does; the face detector is less sure of it
    lms = open_hand()
    box, eyes = (50.0, 100.0, 150.0, 145.0), [(82, 125), (120, 125)]
    sure, unsure, unknown = Face(box, eyes, 0.85), Face(box, eyes, 0.62), Face(box, eyes)
    assert seen_behind_hand(sure, lms) and seen_behind_hand(unknown, lms)
    assert not seen_behind_hand(unsure, lms)
    assert seen_behind_hand(unsure, lms, min_score=0.6)
    assert faces_apart_from_hands([sure, unsure], [hand_outline(lms)], ON_OUTLINE, [lms]) == [sure]
    assert sure.score == 0.85 and unknown.score is None


def test_face_guard_cuts_a_cheek_inside_the_hand_box_beside_the_fingers():
    # a face whose right half lies inside a (YOLO-grown) hand box, beside the fingers
    lms = open_hand(x=300.0, y=220.0)
    hand = HandBox((150.0, 20.0, 480.0, 260.0), 0.9, landmarks=lms, source="mediapipe+yolo")
    face = (135.0, 55.0, 245.0, 185.0)
    assert box_intersection(face, hand.xyxy) >= 0.5 * box_area(face)  # once taken for a fist "face"
    img = np.full((260, 520, 3), (60, 90, 140), np.uint8)
    cv2.ellipse(img, (190, 120), (55, 65), 0, 0, 360, (200, 148, 122), -1)  # a skin-coloured face
    skin = (205, 150, 120)
    cv2.fillConvexPoly(img, np.round(lms[[0, 1, 5, 9, 13, 17]]).astype(np.int32), skin)
    for f in range(5):  # the fingers, the thumb's tip on the cheek
        for j in range(4):
            a = lms[0] if j == 0 else lms[4 * f + j]
            cv2.line(img, tuple(map(int, a)), tuple(map(int, lms[4 * f + j + 1])), skin, 14)
    cheek = np.zeros(img.shape[:2], bool)
    cheek[75:135, 165:212] = True  # inside the hand box, well away from the fingers
    for spare, expected in ((True, 0.0), (False, 1.0)):
        cfg = PipelineConfig(face_spare_outline=spare, margin=0.3, max_grow=0, landmark_prior=False,
                             tip_reach=0.0, context_margin=0.0)
        r = Pipeline(FakeDetector([hand]), ColourSegmenter(size=128), cfg, FakeFaces([face])).process(img)
        assert abs((r.mask > 0)[cheek].mean() - expected) < 0.05, spare


def hand_held_over_a_face() -> tuple[np.ndarray, np.ndarray]:
    """A 400x300 photo of a skin-coloured face (centre (200, 150)) with an open hand held up over
    it (wrist at (200, 260), palm 80 px), and the hand's landmarks."""
    lms = open_hand(x=200.0, y=260.0, palm=80.0)
    img = np.full((300, 400, 3), (60, 90, 140), np.uint8)
    cv2.ellipse(img, (200, 150), (70, 80), 0, 0, 360, (200, 148, 122), -1)  # a skin-coloured face
    skin = (205, 150, 120)
    cv2.fillConvexPoly(img, np.round(lms[[0, 1, 5, 9, 13, 17]]).astype(np.int32), skin)
    for f in range(5):
        for j in range(4):
            a = lms[0] if j == 0 else lms[4 * f + j]
            cv2.line(img, tuple(map(int, a)), tuple(map(int, lms[4 * f + j + 1])), skin, 14)
    return img, lms


def test_face_guard_cuts_a_face_seen_between_the_fingers_of_a_hand_held_over_it():
    img, lms = hand_held_over_a_face()
    box = (135.0, 100.0, 265.0, 180.0)  # the face: 0.95 of its box inside the hand's outline
    eyes = [(172, 150), (228, 150)]  # in the gaps either side of the middle finger
    hand = HandBox(mask_box(np.ones((300, 400), bool)), 0.9, landmarks=lms, source="mediapipe")
    gap = np.zeros(img.shape[:2], bool)
    gap[120:160, 163:181] = True  # face between the index and middle fingers
    cfg = dict(margin=0.3, max_grow=0, landmark_prior=False, tip_reach=0.0, context_margin=0.0)
    kept = {}
    for behind in (True, False):
        r = Pipeline(FakeDetector([hand]), ColourSegmenter(size=128), PipelineConfig(face_behind_hand=behind, **cfg),
                     FakeFaces([Face(box, eyes)])).process(img)
        kept[behind] = (r.mask > 0)[gap].mean()
        assert (r.mask > 0)[lms[9, 1].astype(int), lms[9, 0].astype(int)]  # the palm stays hand
    assert kept[False] > 0.9 and kept[True] < 0.05  # once taken for a fist "face" and ignored


def test_a_face_taken_for_a_hand_is_not_cut_out():
    img = np.full((240, 320, 3), (60, 90, 140), np.uint8)
    cv2.ellipse(img, (160, 110), (50, 65), 0, 0, 360, (200, 148, 122), -1)
    face = (110.0, 55.0, 210.0, 165.0)
    yolo = HandBox((100.0, 40.0, 220.0, 200.0), 0.3, source="yolo")

    def detector(name):
        d = FakeDetector([yolo])
        d.name = name
        return d

    on = Pipeline(detector("auto"), ColourSegmenter(size=128), PipelineConfig(), FakeFaces([face])).process(img)
    assert on.fallback_used and on.faces == [face]  # no hand left: the whole photo, the face kept out
    assert (on.mask[70:150, 125:195] > 0).mean() < 0.01
    off = Pipeline(detector("auto"), ColourSegmenter(size=128), PipelineConfig(faces_not_hands=False),
                   FakeFaces([face])).process(img)
    assert not off.fallback_used and (off.mask[70:150, 125:195] > 0).mean() > 0.9
    # YOLO alone gives no box landmarks, and the face detector fires on fists: its box is kept
    alone = Pipeline(detector("yolo"), ColourSegmenter(size=128), PipelineConfig(), FakeFaces([face])).process(img)
    assert not alone.fallback_used and len(alone.hands) == 1

    class Nameless:  # a detector of the user's own that does not say its name: not auto either
        def detect(self, image_rgb):
            return [yolo]

    own = Pipeline(Nameless(), ColourSegmenter(size=128), PipelineConfig(), FakeFaces([face])).process(img)
    assert not own.fallback_used and len(own.hands) == 1


def test_the_neck_below_a_face_is_excluded_but_not_a_forearm_across_it():
    face = (80.0, 40.0, 160.0, 140.0)  # 80 wide, 100 high: chin at y=140
    plain = face_exclusion((300, 240), [face], [])
    with_neck = face_exclusion((300, 240), [face], [], neck=True)
    assert not plain[170, 120] and with_neck[170, 120]  # under the chin
    assert not with_neck[170, 60] and not with_neck[230, 120]  # beside the neck; below the collar
    arm = np.array([[100.0, 150.0], [140.0, 150.0], [140.0, 300.0], [100.0, 300.0]])  # up across the neck
    spared = face_exclusion((300, 240), [face], [], [arm], neck=True)
    assert not spared[170, 120] and spared[170, 98]  # the arm keeps its width, the neck beside it goes


def test_hand_shape_covers_the_fingers_but_not_the_gap_between_two_spread_fingertips():
    lms = open_hand(palm=100.0)  # fingertips 0.45 palm lengths apart sideways, and more
    inside = lambda p, shapes: any(  # noqa: E731
        cv2.pointPolygonTest(s.astype(np.float32), tuple(map(float, p)), False) >= 0 for s in shapes)
    narrow, wide = hand_shape(lms, 0.12), hand_shape(lms, 0.2)
    across = lambda a, b: np.array([-(b - a)[1], (b - a)[0]]) / np.linalg.norm(b - a)  # noqa: E731
    for f in range(1, 5):  # index to little: the bones, and a tenth of a palm length either side
        a, b = lms[4 * f + 2], lms[4 * f + 3]
        for side in (-10.0, 0.0, 10.0):
            assert inside((a + b) / 2 + side * across(a, b), narrow)
    # 0.15 palm lengths right of the middle finger's last bone (upright), towards the ring
    # finger: the cheek between two fingertips held over a face, which 0.2 capsules spared
    assert lms[11][0] == lms[12][0] < lms[16][0]
    gap = (lms[11] + lms[12]) / 2 + (15.0, 0.0)
    assert not inside(gap, narrow) and inside(gap, wide)


def test_a_hand_far_smaller_than_a_face_near_it_is_implausible():
    from detection.faces import hand_size, too_small_beside_face

    face = (100.0, 100.0, 300.0, 300.0)  # 200 px wide
    assert hand_size(open_hand(palm=50.0)) >= 50.0
    assert too_small_beside_face(open_hand(200, 450, palm=30.0), [face])  # a tie's "hand" below the face
    assert not too_small_beside_face(open_hand(400, 300, palm=110.0), [face])  # at the face's depth
    assert not too_small_beside_face(open_hand(1200, 300, palm=30.0), [face])  # small, but far away
    assert not too_small_beside_face(open_hand(200, 450, palm=30.0), [face], min_size=0.1)
    end_on = open_hand(400, 300, palm=110.0)
    end_on[9] = end_on[0] + (0, -20)  # palm seen end-on: 20 px long, the fingers still spread
    assert not too_small_beside_face(end_on, [face])


def test_the_pipeline_hands_its_faces_to_an_auto_detector_only():
    """``auto`` checks MediaPipe's hands against the faces found beside them; other backends are
    called as before."""
    seen = {}

    class Recording(FakeDetector):
        def detect(self, image_rgb, **kwargs):
            seen.update(kwargs)
            return super().detect(image_rgb)

    img, _ = draw_hand(120, 160)
    face = (5.0, 5.0, 25.0, 25.0)
    detector = Recording([(30.0, 30.0, 90.0, 130.0)])
    Pipeline(detector, ColourSegmenter(), PipelineConfig(), FakeFaces([face])).process(img)
    assert seen == {}
    detector.name = "auto"
    Pipeline(detector, ColourSegmenter(), PipelineConfig(), FakeFaces([face])).process(img)
    assert seen["faces"]() == [face]


def test_the_pipeline_gives_an_auto_detector_the_u_net_s_mask_of_a_box_as_its_silhouette():
    """For the masked look (``MergeConfig.masked_look``): what the segmenter takes for hand in the
    crop the box gets, as a plane of the whole photo, nothing outside the crop."""
    seen = {}

    class Recording(FakeDetector):
        name = "auto"

        def detect(self, image_rgb, **kwargs):
            seen.update(kwargs)
            return super().detect(image_rgb)

    img, hand = draw_hand(160, 200)
    Pipeline(Recording([(40.0, 30.0, 160.0, 150.0)]), ColourSegmenter(), PipelineConfig(), None).process(img)
    shown = seen["silhouette"]((40.0, 30.0, 160.0, 150.0))
    assert shown.shape == img.shape[:2] and shown.dtype == bool
    on_hand = hand > 0
    assert (shown & on_hand).sum() / (shown | on_hand).sum() > 0.9
    small = seen["silhouette"]((90.0, 10.0, 110.0, 30.0))  # a box above the palm: its crop only
    ys, xs = np.nonzero(small)
    assert small.sum() < 0.2 * on_hand.sum() and (ys.max() < 40 if len(ys) else True)


def test_the_brow_just_above_a_fingertip_held_over_a_face_is_face():
    img, lms = hand_held_over_a_face()  # the middle fingertip at (200, 128), pointing up
    hand = HandBox(mask_box(np.ones((300, 400), bool)), 0.9, landmarks=lms, source="mediapipe")
    face = Face((135.0, 100.0, 265.0, 180.0), [(172, 150), (228, 150)], 0.9)
    brow = np.zeros(img.shape[:2], bool)
    brow[107:116, 197:204] = True  # 12-21 px (0.15-0.27 palm lengths) past the tip landmark
    cfg = dict(margin=0.3, max_grow=0, landmark_prior=False, tip_reach=0.0, context_margin=0.0, tip_fill=False)
    kept = {}
    for nail in (0.15, 0.0):
        r = Pipeline(FakeDetector([hand]), ColourSegmenter(size=128), PipelineConfig(face_spare_nail=nail, **cfg),
                     FakeFaces([face])).process(img)
        kept[nail] = (r.mask > 0)[brow].mean()
        assert (r.mask > 0)[124, 200]  # the fingertip itself stays hand
    assert kept[0.15] > 0.9 and kept[0.0] < 0.05
