"""The quality benchmark's baselines on small synthetic hands: shapes, dtypes, sanity, empty boxes."""
from __future__ import annotations

import numpy as np
import pytest

from benchmarks.baselines import (
    grabcut_box,
    grabcut_mask,
    keep_large_components,
    selfie_segmentation_mask,
    skin_ycrcb_mask,
    whole_image_unet_mask,
)
from detection.boxes import mask_box
from pipeline.metrics import score_masks
from tests.conftest import draw_hand


def _is_binary_mask(mask: np.ndarray, shape: tuple[int, int]) -> bool:
    return mask.shape == shape and mask.dtype == np.uint8 and set(np.unique(mask)) <= {0, 255}


def test_skin_threshold_finds_the_hand(hand_image):
    img, truth = hand_image
    pred = skin_ycrcb_mask(img)
    assert _is_binary_mask(pred, truth.shape)
    s = score_masks(pred, truth)
    assert s.recall > 0.85 and s.precision > 0.9


def test_skin_threshold_on_a_skinless_image_is_empty():
    img = np.full((60, 80, 3), (60, 90, 140), np.uint8)
    assert not skin_ycrcb_mask(img).any()


def test_skin_threshold_does_not_modify_input(hand_image):
    img, _ = hand_image
    before = img.copy()
    skin_ycrcb_mask(img)
    np.testing.assert_array_equal(img, before)


def test_keep_large_components_drops_small_blobs():
    m = np.zeros((50, 50), np.uint8)
    m[5:25, 5:25] = 255  # 400 px
    m[40:43, 40:43] = 1  # 9 px, any non-zero counts
    out = keep_large_components(m, 0.1)
    assert _is_binary_mask(out, m.shape)
    assert out[10, 10] == 255 and out[41, 41] == 0
    assert m[41, 41] == 1  # input untouched
    assert not keep_large_components(np.zeros((5, 5), np.uint8), 0.1).any()


def test_grabcut_from_the_hand_box_finds_the_hand(hand_image):
    img, truth = hand_image
    h, w = truth.shape
    box = grabcut_box([mask_box(truth)], 0.25, w, h)
    pred = grabcut_mask(img, box)
    assert _is_binary_mask(pred, truth.shape)
    assert score_masks(pred, truth).iou > 0.8


def test_grabcut_downscaled_copy_keeps_full_resolution():
    img, truth = draw_hand(300, 420, seed=1)
    box = grabcut_box([mask_box(truth)], 0.25, 420, 300)
    pred = grabcut_mask(img, box, iterations=3, max_side=160)
    assert _is_binary_mask(pred, truth.shape)
    assert score_masks(pred, truth).iou > 0.7


@pytest.mark.parametrize("box", [None, (10.0, 10.0, 10.5, 40.0), (500.0, 500.0, 600.0, 600.0)])
def test_grabcut_without_a_usable_box_is_empty(hand_image, box):
    img, truth = hand_image
    pred = grabcut_mask(img, box)
    assert _is_binary_mask(pred, truth.shape) and not pred.any()


def test_grabcut_full_frame_box_does_not_crash(hand_image):
    img, truth = hand_image
    h, w = truth.shape
    pred = grabcut_mask(img, (0.0, 0.0, float(w), float(h)), iterations=2)
    assert _is_binary_mask(pred, truth.shape)


@pytest.mark.parametrize(
    "boxes, expected",
    [
        ([], None),
        ([(10.0, 20.0, 30.0, 60.0)], (5.0, 10.0, 35.0, 70.0)),
        ([(0.0, 0.0, 20.0, 20.0), (80.0, 80.0, 100.0, 100.0)], (0.0, 0.0, 100.0, 100.0)),  # union, clipped
        ([(200.0, 200.0, 300.0, 300.0)], None),  # entirely outside the image
    ],
)
def test_grabcut_box(boxes, expected):
    assert grabcut_box(boxes, 0.25, 100, 100) == expected


def test_selfie_segmentation_mask_shape_with_a_fake_model():
    class Fake:
        def process(self, image):
            soft = np.zeros(image.shape[:2], np.float32)
            soft[:, : image.shape[1] // 2] = 0.9
            return type("R", (), {"segmentation_mask": soft})()

    img = np.zeros((30, 40, 3), np.uint8)
    pred = selfie_segmentation_mask(img, Fake())
    assert _is_binary_mask(pred, (30, 40))
    assert pred[:, :20].all() and not pred[:, 20:].any()


def test_selfie_segmentation_without_a_mask_is_empty():
    class Fake:
        def process(self, image):
            return type("R", (), {"segmentation_mask": None})()

    assert not selfie_segmentation_mask(np.zeros((8, 9, 3), np.uint8), Fake()).any()


def test_whole_image_unet_mask_resizes_back():
    seen = []

    def predict(x):
        seen.append(x.shape)
        out = np.zeros(x.shape[:3] + (1,), np.float32)
        out[:, 8:, :] = 1.0  # bottom half
        return out

    pred = whole_image_unet_mask(np.zeros((50, 70, 3), np.uint8), predict, (16, 16))
    assert seen == [(1, 16, 16, 3)]
    assert _is_binary_mask(pred, (50, 70))
    assert pred[-1].all() and not pred[0].any()


@pytest.mark.parametrize("bad", [np.zeros((10, 10), np.uint8), np.zeros((10, 10, 3), np.float32)])
def test_baselines_reject_non_rgb_uint8(bad):
    with pytest.raises(ValueError):
        skin_ycrcb_mask(bad)
    with pytest.raises(ValueError):
        grabcut_mask(bad, (1.0, 1.0, 5.0, 5.0))
