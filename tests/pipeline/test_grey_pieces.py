"""A "hand" MediaPipe finds on a piece of a larger hand in a grey photo is dropped."""
from __future__ import annotations

import numpy as np
import pytest

from detection.types import HandBox
from pipeline.config import PipelineConfig
from pipeline.core import Pipeline
from tests.conftest import FakeDetector


class DarkSegmenter:
    """Calls every dark pixel of a crop hand: on the drawn photos below, the large dark square."""

    def __init__(self, size: int = 64):
        self.size = size

    def predict(self, crops):
        crops = np.asarray(crops, np.float32)
        return (crops.mean(axis=-1) < 128).astype(np.float32)


def _photo(grey: bool = True) -> np.ndarray:
    image = np.full((400, 400, 3), 240, np.uint8)
    image[50:350, 50:350] = 60 if grey else (90, 60, 40)  # a large dark hand, 300 px
    return image


def _hand(x0: float, y0: float, x1: float, y1: float) -> HandBox:
    points = np.stack([np.linspace(x0, x1, 21), np.linspace(y1, y0, 21)], axis=1)
    return HandBox((x0, y0, x1, y1), 0.9, landmarks=points, source="mediapipe")


def _found(image, hands, **config):
    pipe = Pipeline(FakeDetector(hands), DarkSegmenter(), PipelineConfig(face_guard=False, **config))
    return [h.xyxy for h in pipe.detect(image)[0]]


def test_a_small_hand_on_a_large_one_in_a_grey_photo_is_dropped():
    piece, whole = _hand(185, 185, 215, 215), _hand(60, 60, 340, 340)  # 30 px and 280 px boxes
    assert _found(_photo(), [piece, whole]) == [whole.xyxy]


@pytest.mark.parametrize("grey, setting", [(False, 6.0), (True, 0.0)])
def test_colour_photos_and_the_setting_off_keep_it(grey, setting):
    piece = _hand(185, 185, 215, 215)
    assert _found(_photo(grey), [piece], grey_piece=setting) == [piece.xyxy]


def test_a_box_without_landmarks_is_not_judged():
    box = HandBox((185.0, 185.0, 215.0, 215.0), 0.9, source="yolo")
    assert _found(_photo(), [box]) == [box.xyxy]


def test_a_negative_setting_is_refused():
    with pytest.raises(ValueError, match="grey_piece"):
        PipelineConfig(grey_piece=-1)
