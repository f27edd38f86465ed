"""Horizontal hands reach the U-Net turned vertical, and their masks come back unturned."""
from __future__ import annotations

import numpy as np
import pytest

from detection.types import HandBox
from pipeline.colour import segment_and_say_balanced
from pipeline.config import PipelineConfig
from pipeline.core import Pipeline
from pipeline.orientation import quarter_turns, turn
from tests.conftest import ColourSegmenter, FakeDetector, draw_hand
from tests.pipeline.test_landmark_prior import synthetic_landmarks


def _pointing(dx: float, dy: float) -> np.ndarray:
    lms = np.zeros((21, 2))
    lms[0] = (100.0, 100.0)
    lms[9] = (100.0 + dx, 100.0 + dy)
    return lms


@pytest.mark.parametrize("dx, dy, k", [
    (0, -50, 0),   # up: as HGR's gestures
    (0, 50, 0),    # down: as 11k Hands' top-down photos
    (20, -50, 0),  # leaning, still within 45 degrees of vertical
    (50, 10, 1),   # right: a quarter turn anticlockwise points it up
    (-50, 10, 3),  # left: a quarter turn clockwise
])
def test_quarter_turns_only_for_horizontal_hands(dx, dy, k):
    assert quarter_turns(_pointing(dx, dy), min_tilt=45.0) == k


def test_a_diagonal_hand_is_turned_only_under_a_threshold_below_its_tilt():
    diagonal = _pointing(50, -45)  # 48 degrees from vertical
    assert quarter_turns(diagonal, min_tilt=45.0) == 1
    assert quarter_turns(diagonal, min_tilt=60.0) == 0
    assert quarter_turns(_pointing(50, -20), min_tilt=60.0) == 1  # 68 degrees


def test_upright_tilt_out_of_range_is_refused():
    with pytest.raises(ValueError, match="upright_tilt"):
        PipelineConfig(upright_tilt=90.0)


def test_no_landmarks_no_turn():
    assert quarter_turns(None, min_tilt=45.0) == 0


def test_the_turn_a_right_pointing_hand_gets_makes_it_point_up():
    img, _ = draw_hand(200, 200)  # fingers up
    right = np.rot90(img, -1)  # fingers right
    lms = synthetic_landmarks(200, 200)
    lms_right = np.stack([199 - lms[:, 1], lms[:, 0]], axis=1)  # the same points, turned clockwise
    k = quarter_turns(lms_right, min_tilt=PipelineConfig().upright_tilt)
    assert k == 1
    assert np.array_equal(turn(right[None], [k])[0], img)


def test_turn_round_trips_masks_and_multi_channel_stacks():
    rng = np.random.default_rng(0)
    stack = rng.random((3, 8, 8, 2)).astype(np.float32)
    turns = [0, 1, 3]
    turned = turn(stack, turns)
    assert np.array_equal(turned[0], stack[0]) and not np.array_equal(turned[1], stack[1])
    assert np.array_equal(turn(turned, turns, inverse=True), stack)


class RecordingSegmenter(ColourSegmenter):
    """The colour segmenter (which does not care how a crop is turned), keeping what it was shown."""

    def __init__(self, size: int = 64):
        super().__init__(size)
        self.seen: list[np.ndarray] = []

    def predict(self, crops):
        self.seen.append(np.asarray(crops).copy())
        return super().predict(crops)


def test_segment_and_say_balanced_hands_the_model_turned_crops_and_returns_unturned_masks():
    img, _ = draw_hand(64, 64)
    crops = np.stack([np.rot90(img, -1), img])
    seg = RecordingSegmenter()
    softs, _ = segment_and_say_balanced(seg, crops, "none", turns=[1, 0])
    assert np.array_equal(seg.seen[0][0], img) and np.array_equal(seg.seen[0][1], img)
    plain, _ = segment_and_say_balanced(ColourSegmenter(), crops, "none")
    assert np.allclose(softs, plain, atol=1e-6)


def test_pipeline_turns_a_horizontal_hand_for_the_model_and_not_when_switched_off():
    img, _ = draw_hand(240, 320)
    right = np.ascontiguousarray(np.rot90(img, -1))  # 320 x 240, fingers pointing right
    lms = synthetic_landmarks(240, 320)
    lms_right = np.stack([239 - lms[:, 1], lms[:, 0]], axis=1)
    x0, y0 = lms_right.min(axis=0) - 10
    x1, y1 = lms_right.max(axis=0) + 10
    hand = HandBox((float(x0), float(y0), float(x1), float(y1)), 0.9, landmarks=lms_right, source="fake")
    seen, masks = {}, {}
    for on in (True, False):
        seg = RecordingSegmenter(96)
        cfg = PipelineConfig(upright_crops=on, landmark_prior=False, context_margin=0.0, face_guard=False)
        masks[on] = Pipeline(FakeDetector([hand]), seg, cfg).process(right).mask
        seen[on] = seg.seen[0][0]
    assert np.array_equal(seen[True], np.rot90(seen[False], 1))  # the model saw it fingers-up
    assert np.array_equal(masks[True], masks[False])  # and the mask came back where the hand is
    assert masks[True].any()
