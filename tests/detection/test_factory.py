"""Backend names and the factory's errors."""
from __future__ import annotations

import pytest

from detection.factory import DETECTORS, create_detector
from detection.types import HandDetector


def test_names():
    assert DETECTORS == ("mediapipe", "yolo", "auto")


def test_unknown_name_lists_the_valid_ones():
    with pytest.raises(ValueError) as err:
        create_detector("resnet")
    for name in DETECTORS:
        assert name in str(err.value)


def test_yolo_takes_max_hands():
    det = create_detector("yolo", max_hands=2)
    assert isinstance(det, HandDetector)
    assert det.name == "yolo" and det.max_hands == 2


def test_yolo_missing_model_says_how_to_train(tmp_path):
    with pytest.raises(FileNotFoundError, match="detection.train_yolo"):
        create_detector("yolo", model_path=tmp_path / "none.onnx")


def test_auto_builds_both_with_shared_max_hands():
    det = create_detector(" Auto ", max_hands=3, merge="fallback", yolo_options={"min_confidence": 0.4})
    assert det.name == "auto"
    assert det.config.max_hands == 3 and det.config.mode == "fallback"
    assert det.secondary.max_hands == 3 and det.secondary.min_confidence == 0.4
    assert det.primary.name == "mediapipe"
    assert create_detector("auto", merge_options={"max_growth": 9.0}).config.max_growth == 9.0


def test_auto_rejects_unknown_options():
    with pytest.raises(TypeError, match="colour"):
        create_detector("auto", colour="red")


def test_auto_takes_the_merge_mode_inside_merge_options():
    # as val_sweep passes it (``--set merge.mode=add``); it used to raise "multiple values for mode"
    det = create_detector("auto", merge_options={"mode": "add", "max_growth": 2.0})
    assert det.config.mode == "add" and det.config.max_growth == 2.0
    assert create_detector("auto", merge="fallback", merge_options={"iou": 0.4}).config.mode == "fallback"
