"""Letterbox, decode, NMS and the box mapping of the YOLO backend, on synthetic tensors."""
from __future__ import annotations

import numpy as np
import pytest

from detection.yolo_detector import Letterbox, decode, letterbox, nms, unletterbox


@pytest.mark.parametrize(
    "h, w, scale, pad_x, pad_y",
    [(320, 320, 1.0, 0, 0), (480, 640, 0.5, 0, 40), (640, 480, 0.5, 40, 0), (100, 50, 3.2, 80, 0), (2400, 2400, 320 / 2400, 0, 0)],
)
def test_letterbox_keeps_aspect_and_centres(h, w, scale, pad_x, pad_y):
    img = np.full((h, w, 3), 200, np.uint8)
    out, lb = letterbox(img, 320)
    assert out.shape == (320, 320, 3) and out.dtype == np.uint8
    assert lb.scale == pytest.approx(scale, rel=1e-3)
    assert (lb.pad_x, lb.pad_y) == (pad_x, pad_y)
    if pad_y:
        assert (out[: pad_y - 1] == 114).all() and (out[-pad_y + 1:] == 114).all()
        assert (out[pad_y + 1: -pad_y - 1] == 200).all()


def test_letterbox_odd_padding_sums_to_size():
    out, lb = letterbox(np.zeros((101, 320, 3), np.uint8), 320)
    assert out.shape == (320, 320, 3)
    assert lb.pad_y in (109, 110)


def test_letterbox_does_not_modify_input():
    img = np.random.default_rng(0).integers(0, 255, (50, 80, 3), dtype=np.uint8)
    before = img.copy()
    letterbox(img, 64)
    np.testing.assert_array_equal(img, before)


def _head(rows):
    """A (1, 5, N) head output from (cx, cy, w, h, score) rows."""
    return np.asarray(rows, dtype=np.float32).T[None]


def test_decode_filters_and_converts_to_xyxy():
    out = _head([(100, 50, 20, 10, 0.9), (10, 10, 4, 4, 0.1), (200, 200, 40, 40, 0.5)])
    boxes, scores = decode(out, 0.25)
    np.testing.assert_allclose(boxes, [[90, 45, 110, 55], [180, 180, 220, 220]])
    np.testing.assert_allclose(scores, [0.9, 0.5])


def test_decode_multi_class_takes_best_class_and_accepts_2d():
    out = np.array([[10, 20], [10, 20], [4, 4], [4, 4], [0.1, 0.3], [0.6, 0.2]], np.float32)
    boxes, scores = decode(out, 0.25)
    assert boxes.shape == (2, 4)
    np.testing.assert_allclose(scores, [0.6, 0.3])


def test_decode_empty_and_bad_shape():
    boxes, scores = decode(np.zeros((1, 5, 0), np.float32), 0.25)
    assert boxes.shape == (0, 4) and scores.shape == (0,)
    with pytest.raises(ValueError):
        decode(np.zeros((1, 3, 10)), 0.25)


def test_nms_keeps_best_of_overlapping_and_separate_ones():
    boxes = np.array([[0, 0, 10, 10], [1, 1, 11, 11], [50, 50, 60, 60], [0, 0, 10, 10.5]], np.float32)
    scores = np.array([0.8, 0.9, 0.7, 0.3], np.float32)
    np.testing.assert_array_equal(nms(boxes, scores, 0.45), [1, 2])
    np.testing.assert_array_equal(nms(boxes, scores, 0.45, max_det=1), [1])
    np.testing.assert_array_equal(nms(boxes, scores, 0.99), [1, 0, 2, 3])
    assert nms(np.zeros((0, 4)), np.zeros(0), 0.5).size == 0


def test_unletterbox_inverts_the_letterbox_and_clips():
    h, w = 480, 640
    img = np.zeros((h, w, 3), np.uint8)
    _, lb = letterbox(img, 320)
    full = np.array([[100.0, 120.0, 300.0, 400.0]])
    inp = full * lb.scale + [lb.pad_x, lb.pad_y, lb.pad_x, lb.pad_y]
    np.testing.assert_allclose(unletterbox(inp, lb, w, h), full, atol=1e-6)
    out = unletterbox(np.array([[-10.0, 0.0, 400.0, 400.0]]), Letterbox(0.5, 0, 40), w, h)
    np.testing.assert_allclose(out, [[0, 0, 640, 480]])


def test_full_postprocess_on_synthetic_output():
    """A head output with a duplicate and a weak box decodes to the one hand, in image pixels."""
    h, w = 480, 640
    _, lb = letterbox(np.zeros((h, w, 3), np.uint8), 320)  # scale 0.5, pad_y 40
    out = _head([(160, 160, 100, 120, 0.92), (162, 158, 98, 122, 0.85), (20, 300, 10, 10, 0.05)])
    boxes, scores = decode(out, 0.25)
    keep = nms(boxes, scores, 0.45, max_det=4)
    full = unletterbox(boxes[keep], lb, w, h)
    np.testing.assert_allclose(full, [[220, 120, 420, 360]], atol=1e-4)
