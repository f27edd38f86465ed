"""The face guard: faces beside a hand are kept out of its mask; "faces" on the hand are ignored."""
import cv2
import numpy as np
import pytest

from detection.boxes import mask_box
from detection.faces import face_exclusion, faces_apart_from_hands, forearm_band
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
