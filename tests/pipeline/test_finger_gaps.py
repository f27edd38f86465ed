import cv2
import numpy as np

from pipeline.finger_gaps import carve_gaps, gap_polygons, straight
from tests.conftest import draw_hand
from tests.pipeline.test_landmark_prior import synthetic_landmarks


def _hand():
    _, mask = draw_hand(240, 320)  # fingers fanned 35 degrees apart, matching synthetic_landmarks
    return mask > 0, synthetic_landmarks()


def test_gaps_between_spread_fingers_lie_off_the_hand():
    truth, pts = _hand()
    quads = gap_polygons(pts)
    assert quads  # index-middle, middle-ring, ring-little are spread wide enough
    soft = truth.astype(np.float32)
    removed = carve_gaps(soft, [pts])
    assert removed == 0 and np.array_equal(soft > 0.5, truth)


def test_webbing_filled_between_the_fingers_is_carved_out():
    truth, pts = _hand()
    webbed = np.zeros(truth.shape, np.uint8)
    cv2.fillConvexPoly(webbed, cv2.convexHull(np.argwhere(truth)[:, ::-1].astype(np.int32)), 1)  # a duck's foot
    soft = webbed.astype(np.float32)
    removed = carve_gaps(soft, [pts])
    assert removed > 500
    assert ((soft > 0.5) & ~truth).sum() < ((webbed > 0) & ~truth).sum() - 500
    assert (soft[truth] > 0.5).all()  # no finger touched


def _fanned(spread_deg, h=240, w=320):
    """synthetic_landmarks' hand, knuckles where they are, with its four fingers pointing
    ``spread_deg`` degrees apart."""
    cx, cy, r = w // 2, int(h * 0.62), int(min(h, w) * 0.18)
    pts = [(cx, cy + r * 0.9)]
    knuckle_angles = np.linspace(-70, 70, 5)
    pointing = [-70.0] + [spread_deg * k for k in (-1.5, -0.5, 0.5, 1.5)]
    for base, ang in zip(knuckle_angles, pointing):
        b, a = np.deg2rad(base), np.deg2rad(ang)
        mcp = np.array([cx + np.sin(b) * r * 0.6, cy - np.cos(b) * r * 0.6])
        pts += [tuple(mcp + np.array([np.sin(a), -np.cos(a)]) * r * (k - 0.6)) for k in (0.6, 1.2, 1.6, 2.0)]
    return np.array(pts, np.float64)


def test_fingers_held_together_or_folded_get_no_gap():
    assert len(gap_polygons(_fanned(35.0))) > 0
    assert gap_polygons(_fanned(12.0)) == []  # a finger's width apart: nothing to carve
    _, pts = _hand()
    folded = pts.copy()
    folded[11], folded[12] = pts[10] + (pts[9] - pts[10]) * 0.3, pts[9]  # middle finger curled back
    assert not straight(folded, (9, 10, 11, 12)) and straight(pts, (9, 10, 11, 12))
    assert 0 < len(gap_polygons(folded)) < len(gap_polygons(pts))  # its two gaps are left alone


def test_offset_maps_the_image_into_a_sub_rectangle():
    truth, pts = _hand()
    webbed = np.zeros(truth.shape, np.float32)
    cv2.fillConvexPoly(webbed, cv2.convexHull(np.argwhere(truth)[:, ::-1].astype(np.int32)), 1)
    whole = webbed.copy()
    carve_gaps(whole, [pts])
    part = webbed[20:, 30:].copy()
    carve_gaps(part, [pts], offset=(30, 20))
    assert np.array_equal(part, whole[20:, 30:])
