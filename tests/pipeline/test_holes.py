import cv2
import numpy as np

from detection.types import HandBox
from pipeline.config import PipelineConfig
from pipeline.core import Pipeline
from pipeline.holes import background_holes, filled_rings
from pipeline.refine import fill_holes
from tests.conftest import ColourSegmenter, FakeDetector, draw_hand
from tests.pipeline.test_core import fanned_landmarks

SKIN = (205, 150, 120)
BACKGROUND = (60, 90, 140)  # draw_hand's


def ring_landmarks():
    """fanned_landmarks() of draw_hand(800, 600)'s hand with the thumb's and index finger's tips bent in to meet halfway
    between their last joints, as in an OK sign."""
    points = fanned_landmarks(300.0, 496.0, 108.0)
    mid = (points[3] + points[7]) / 2
    points[4] = mid + 0.1 * (points[3] - mid)
    points[8] = mid + 0.1 * (points[7] - mid)
    return points


def ringed_hand():
    """draw_hand(800, 600)'s hand with its thumb's and index finger's last joints joined by a
    bar of skin (where ring_landmarks() puts their tips): the two and the palm close a ring
    round the background. Returns the photo, the hand's mask and the ring's hole."""
    img, mask = draw_hand(800, 600)
    points = fanned_landmarks(300.0, 496.0, 108.0)
    thumb_end, index_end = (tuple(int(v) for v in np.round(points[i])) for i in (3, 7))
    cv2.line(mask, thumb_end, index_end, 255, 28)
    img[mask > 0] = SKIN
    n, labels = cv2.connectedComponents((mask == 0).astype(np.uint8), connectivity=4)
    sizes = np.bincount(labels.ravel())
    sizes[labels[0, 0]] = 0  # the open background
    sizes[0] = 0
    hole = labels == int(np.argmax(sizes))
    return img, mask, hole


def test_the_ring_of_a_thumb_and_finger_round_the_background_stays_open():
    img, mask, hole = ringed_hand()
    assert 500 < hole.sum() < 0.3 * (mask > 0).sum()  # a small enclosed hole, away from the edges
    judge = background_holes(img, [ring_landmarks()])
    kept = fill_holes(mask, 0.5, judge)
    assert not kept[hole].any()
    assert fill_holes(mask, 0.5)[hole].all()  # without the judge it is filled, as before


def test_a_ring_round_something_unlike_the_background_is_filled():
    """A gold coin held between thumb and finger: not the background's colour, so hand."""
    img, mask, hole = ringed_hand()
    img[hole] = (200, 170, 40)
    assert fill_holes(mask, 0.5, background_holes(img, [ring_landmarks()]))[hole].all()


def test_a_hole_on_the_palm_is_filled_even_in_the_background_colour():
    """A silver coin on the palm can have the table's colour; the palm is hand all the same."""
    img, mask = draw_hand(800, 600)
    coin = np.zeros(mask.shape, np.uint8)
    cv2.circle(coin, (300, 496), 28, 1, -1)
    mask[coin > 0] = 0
    img[coin > 0] = BACKGROUND
    assert fill_holes(mask, 0.5, background_holes(img, [ring_landmarks()]))[coin > 0].all()


def test_without_landmarks_there_is_no_judge():
    img, _ = draw_hand(800, 600)
    assert background_holes(img, []) is None


def test_the_pipeline_keeps_the_ring_open_unless_told_not_to():
    img, mask, hole = ringed_hand()
    box = HandBox((80.0, 120.0, 520.0, 660.0), 0.9, landmarks=ring_landmarks(), source="fake")
    out = {}
    for on in (True, False):
        cfg = PipelineConfig(open_rings=on, open_filled_rings=False, hole_fraction=0.5)
        out[on] = Pipeline(FakeDetector([box]), ColourSegmenter(), cfg).process(img).mask
    core = cv2.erode(hole.astype(np.uint8), np.ones((9, 9), np.uint8)) > 0  # off the refined rim
    assert core.sum() > 100
    assert not out[True][core].any()
    assert out[False][core].all()


def test_a_pinhole_and_a_hole_down_the_forearm_are_filled_in_the_background_colour():
    """A cut-out wants no pinholes (a mole, a speck), and a dark watch face the model left out
    on the forearm may have the colour of a dark table: both are filled."""
    img, mask, hole = ringed_hand()
    img[600:800, 270:330] = SKIN  # a forearm from the wrist (300, 593) down to the edge
    mask[600:800, 270:330] = 255
    points = ring_landmarks()
    cx, cy = np.round((points[3] + points[7]) / 2).astype(int)  # on the bar joining the tips
    pinhole = np.zeros(mask.shape, bool)
    pinhole[cy - 5:cy + 5, cx - 5:cx + 5] = True
    watch = np.zeros(mask.shape, bool)
    watch[680:704, 286:314] = True
    mask[pinhole | watch] = 0
    img[pinhole | watch] = BACKGROUND
    out = fill_holes(mask, 0.5, background_holes(img, [points]))
    assert out[pinhole].all() and out[watch].all()
    assert not out[hole].any()  # the ring itself is still open


def test_a_ring_the_model_filled_is_opened_where_it_shows_the_background():
    img, mask, hole = ringed_hand()
    points = ring_landmarks()
    filled = mask.copy()
    filled[hole] = 255
    ring = filled_rings(img, filled, points)
    core = cv2.erode(hole.astype(np.uint8), np.ones((5, 5), np.uint8)) > 0
    assert ring is not None and ring[core].mean() > 0.9
    assert not ring[mask > 0].any()  # the fingers and the bar joining them stay
    img[hole] = SKIN  # the ring's inside the skin's colour: webbing, not background
    assert filled_rings(img, filled, points) is None


def test_an_open_hand_has_no_ring():
    img, mask = draw_hand(800, 600)
    assert filled_rings(img, mask, fanned_landmarks(300.0, 496.0, 108.0)) is None


class RingFiller(ColourSegmenter):
    """Takes the inside of a ring of fingers for hand, as the U-Net often does."""

    def predict(self, crops):
        soft = super().predict(crops)
        for s in soft:
            hard = (s > 0.5).astype(np.uint8)
            outside = hard.copy()
            cv2.floodFill(outside, None, (0, 0), 1)
            s[outside == 0] = 1.0
        return soft


def test_the_pipeline_opens_a_ring_the_model_filled_when_asked():
    img, mask, hole = ringed_hand()
    box = HandBox((80.0, 120.0, 520.0, 660.0), 0.9, landmarks=ring_landmarks(), source="fake")
    core = cv2.erode(hole.astype(np.uint8), np.ones((15, 15), np.uint8)) > 0  # off the refined rim
    out = {}
    for on in (True, False):
        cfg = PipelineConfig(open_filled_rings=on, hole_fraction=0.5)
        out[on] = Pipeline(FakeDetector([box]), RingFiller(), cfg).process(img).mask
    assert out[False][core].all()
    assert not out[True][core].any()
