import cv2
import numpy as np

from pipeline.tip_fill import fill_tips
from tests.pipeline.straight_hand import straight_hand

INDEX_X = 190  # straight_hand's index finger: 28 px wide, last joint at y = 130, tip landmark at y = 90
GROUND, SKIN, NAIL = (200, 200, 205), (120, 80, 60), (235, 175, 165)


def photo(truth, nail_below=None):
    """A dark hand on a pale grey wall; with ``nail_below``, the index finger's pixels above that
    row are a pink nail."""
    img = np.empty(truth.shape + (3,), np.uint8)
    img[:] = GROUND
    img[truth > 0] = SKIN
    if nail_below is not None:
        nail = truth > 0
        nail[nail_below:] = False
        nail[:, :INDEX_X - 20] = False
        img[nail] = NAIL
    noise = np.random.default_rng(0).normal(0, 3, img.shape)
    return np.clip(img + noise, 0, 255).astype(np.uint8)


def test_a_finger_cut_at_its_nail_gets_its_tip_back_within_the_finger():
    pts, truth = straight_hand()
    mask = truth.copy()
    mask[:110, INDEX_X - 20:INDEX_X + 20] = 0  # the mask stops at the pink nail, 20 px short of the tip landmark
    filled = fill_tips(photo(truth, nail_below=110), mask, pts)
    lost = (truth > 0) & (mask == 0)
    assert (filled[lost] > 0).mean() > 0.85  # the nail is back
    near_truth = cv2.dilate(truth, np.ones((5, 5), np.uint8)) > 0
    assert not ((filled > 0) & ~near_truth).any()  # and nothing off the finger
    assert (filled[mask > 0] > 0).all()  # nothing taken away


def test_a_whole_hand_is_left_as_it_is():
    pts, truth = straight_hand()
    assert fill_tips(photo(truth), truth, pts) is truth


def test_a_finger_lost_whole_is_not_drawn_from_its_landmarks():
    """MediaPipe can draw a finger on the background: without its middle bone in the mask, no tip."""
    pts, truth = straight_hand()
    mask = truth.copy()
    mask[:200, INDEX_X - 20:INDEX_X + 20] = 0
    assert fill_tips(photo(truth), mask, pts) is mask


def test_a_finger_running_on_past_its_tip_landmark_is_not_cut_or_grown():
    pts, truth = straight_hand()
    mask = truth.copy()
    cv2.line(mask, (INDEX_X, 90), (INDEX_X, 60), 255, 20)  # a long nail past the finger's end
    assert fill_tips(photo(mask), mask, pts) is mask


def test_a_finger_ending_at_its_tip_landmark_is_not_grown_onto_the_wall():
    """On some hands MediaPipe puts the tip landmark at the finger's very end: what lies past it
    is the wall, and stays out."""
    pts, truth = straight_hand()
    truth[:90, INDEX_X - 20:INDEX_X + 20] = 0  # this index finger ends at its tip landmark
    assert fill_tips(photo(truth), truth, pts) is truth
