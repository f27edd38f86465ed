import numpy as np
import pytest

from pipeline.metrics import aggregate, boundary, boundary_f1, boundary_tolerance, count_specks, score_masks


def square(h=20, w=20, y0=5, x0=5, y1=15, x1=15):
    m = np.zeros((h, w), np.uint8)
    m[y0:y1, x0:x1] = 255
    return m


def test_perfect_prediction():
    s = score_masks(square(), square())
    assert (s.iou, s.dice, s.precision, s.recall, s.boundary_f1, s.specks) == (1, 1, 1, 1, 1, 0)
    assert (s.tp, s.fp, s.fn, s.tn) == (100, 0, 0, 300)


def test_half_overlap_known_answers():
    truth = square(y0=5, y1=15, x0=5, x1=15)  # 100 px
    pred = square(y0=5, y1=15, x0=10, x1=20)  # 100 px, 50 shared
    s = score_masks(pred, truth)
    assert s.iou == pytest.approx(50 / 150)
    assert s.dice == pytest.approx(100 / 200)
    assert s.precision == pytest.approx(0.5)
    assert s.recall == pytest.approx(0.5)
    assert (s.tp, s.fp, s.fn) == (50, 50, 50)


def test_empty_masks_agree():
    z = np.zeros((8, 8), np.uint8)
    s = score_masks(z, z)
    assert s.iou == 1 and s.dice == 1 and s.boundary_f1 == 1 and s.specks == 0


def test_empty_prediction_on_hand_is_zero():
    s = score_masks(np.zeros((20, 20), np.uint8), square())
    assert s.iou == 0 and s.recall == 0 and s.precision == 0 and s.boundary_f1 == 0


def test_specks_count_components_not_touching_truth():
    truth = square()
    pred = truth.copy()
    pred[0, 0] = 255          # isolated speck
    pred[18:20, 18:20] = 255  # another
    pred[15, 10] = 255        # touches the hand's component, but shares no truth pixel: 8-connected to it
    assert count_specks(pred, truth) == 2


def test_boundary_is_one_pixel_ring():
    b = boundary(square())
    assert b.sum() == 36  # 10x10 square: 4*10 - 4 corners
    assert not b[7, 7]


def test_boundary_tolerance_scales_with_diagonal():
    assert boundary_tolerance((20, 20)) == 2.0
    assert boundary_tolerance((4000, 2160)) == pytest.approx(0.003 * np.hypot(4000, 2160))


def test_boundary_f1_within_and_beyond_tolerance():
    truth = square(h=100, w=100, y0=20, y1=80, x0=20, x1=80)
    shifted1 = square(h=100, w=100, y0=21, y1=81, x0=21, x1=81)  # 1 px off: inside the 2 px tolerance
    shifted6 = square(h=100, w=100, y0=26, y1=86, x0=26, x1=86)  # 6 px off: mostly outside
    assert boundary_f1(shifted1, truth) == pytest.approx(1.0)
    assert boundary_f1(shifted6, truth) < 0.3


def test_aggregate_means_and_pooled_confusion():
    a = score_masks(square(), square())
    b = score_masks(np.zeros((20, 20), np.uint8), square())
    agg = aggregate([a, b])
    assert agg["mean_iou"] == pytest.approx(0.5)
    assert agg["confusion"] == {"tp": 100, "fp": 0, "fn": 100, "tn": 600}
    assert agg["images"] == 2
    with pytest.raises(ValueError):
        aggregate([])


def test_shape_mismatch_raises():
    with pytest.raises(ValueError, match="shape mismatch"):
        score_masks(np.zeros((4, 4)), np.zeros((4, 5)))
