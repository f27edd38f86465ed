"""The ONNX runtime path on the shipped model (onnxruntime only; torch is never imported)."""
from __future__ import annotations

import sys

import numpy as np
import pytest

from detection.types import HandBox
from detection.yolo_detector import YoloHandDetector
from pipeline.imageio import read_rgb
from tests.conftest import SAMPLES


@pytest.fixture(scope="module")
def detector():
    return YoloHandDetector()


def test_no_torch_needed(detector):
    assert "torch" not in sys.modules or "ultralytics" not in sys.modules


def test_sample_photo_gives_hand_boxes_in_full_resolution(detector):
    image = read_rgb(SAMPLES / "palm_open.jpg")
    hands = detector.detect(image)
    assert hands and all(isinstance(h, HandBox) for h in hands)
    h, w = image.shape[:2]
    for hand in hands:
        x0, y0, x1, y1 = hand.xyxy
        assert 0 <= x0 < x1 <= w and 0 <= y0 < y1 <= h
        assert hand.landmarks is None and hand.source == "yolo" and 0 < hand.score <= 1
    assert len(hands) <= detector.max_hands


@pytest.mark.parametrize("value", [0, 128, 255])
def test_blank_image_gives_nothing(detector, value):
    assert detector.detect(np.full((480, 640, 3), value, np.uint8)) == []


def test_tiny_and_odd_shapes(detector):
    assert isinstance(detector.detect(np.zeros((7, 1000, 3), np.uint8)), list)


def test_rejects_non_rgb(detector):
    with pytest.raises(ValueError):
        detector.detect(np.zeros((10, 10), np.uint8))
    with pytest.raises(ValueError):
        detector.detect(np.zeros((10, 10, 3), np.float32))


def test_input_size_read_from_model(detector):
    assert detector.imgsz in (256, 320, 384, 416, 480, 512, 640)
