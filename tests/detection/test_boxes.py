import numpy as np
import pytest

from detection.boxes import box_iou, clip_box, expand_box, mask_box, mask_coverage, square_box


@pytest.mark.parametrize(
    "box, margin, expected",
    [
        ((10, 10, 20, 30), 0.0, (10, 10, 20, 30)),
        ((10, 10, 20, 30), 0.5, (5, 0, 25, 40)),
        ((0, 0, 4, 2), 0.25, (-1, -0.5, 5, 2.5)),
    ],
)
def test_expand_box(box, margin, expected):
    assert expand_box(box, margin) == pytest.approx(expected)


@pytest.mark.parametrize(
    "box, expected",
    [((0, 0, 10, 20), (-5, 0, 15, 20)), ((0, 0, 20, 10), (0, -5, 20, 15)), ((3, 3, 3, 3), (2.5, 2.5, 3.5, 3.5))],
)
def test_square_box_keeps_centre(box, expected):
    assert square_box(box) == pytest.approx(expected)


@pytest.mark.parametrize(
    "box, expected",
    [((-5, -5, 10, 10), (0, 0, 10, 10)), ((90, 90, 120, 130), (90, 90, 100, 100)), ((200, 200, 300, 300), (100, 100, 100, 100))],
)
def test_clip_box_edges_and_outside(box, expected):
    assert clip_box(box, 100, 100) == pytest.approx(expected)


def test_box_helpers_do_not_mutate():
    b = [1.0, 2.0, 3.0, 4.0]
    expand_box(tuple(b), 0.3)
    assert b == [1.0, 2.0, 3.0, 4.0]


def test_box_iou():
    assert box_iou((0, 0, 10, 10), (0, 0, 10, 10)) == 1
    assert box_iou((0, 0, 10, 10), (5, 0, 15, 10)) == pytest.approx(50 / 150)
    assert box_iou((0, 0, 1, 1), (2, 2, 3, 3)) == 0


def test_mask_box_and_coverage():
    m = np.zeros((50, 60), np.uint8)
    assert mask_box(m) is None
    m[10:20, 30:40] = 255
    assert mask_box(m) == (30, 10, 40, 20)
    assert mask_coverage(m, [(30, 10, 40, 20)]) == 1.0
    assert mask_coverage(m, [(30, 10, 35, 20)]) == pytest.approx(0.5)
    assert mask_coverage(m, []) == 0.0
    assert mask_coverage(m, [(30, 10, 35, 20), (35, 10, 40, 20)]) == 1.0


def test_box_containment():
    from detection.boxes import box_containment

    assert box_containment((0, 0, 10, 10), (2, 2, 4, 4)) == 1.0  # the small box lies inside
    assert box_containment((0, 0, 10, 10), (5, 0, 25, 10)) == 0.5  # half of the smaller one
    assert box_containment((0, 0, 1, 1), (2, 2, 3, 3)) == 0.0
    assert box_containment((0, 0, 0, 0), (0, 0, 1, 1)) == 0.0  # an empty box is inside nothing


def test_same_object_by_overlap_or_containment():
    from detection.boxes import same_object

    assert same_object((0, 0, 10, 10), (1, 0, 11, 10))  # IoU 0.82
    assert same_object((0, 0, 100, 100), (10, 10, 30, 30))  # small box inside: IoU 0.04, contained
    assert not same_object((0, 0, 10, 10), (8, 0, 18, 10))  # IoU 0.11, 20 % of either inside
    assert same_object((0, 0, 10, 10), (8, 0, 18, 10), iou=0.1)
