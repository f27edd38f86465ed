"""Putting back a stretch of a finger the mask lost, along the finger's bones."""
from __future__ import annotations

import numpy as np

from pipeline.finger_fill import fill_fingers
from tests.pipeline.straight_hand import straight_hand

SKIN = (224, 172, 150)
PALE_WALL = (232, 234, 238)
DARK = (60, 58, 62)


def _hand(background, skin=SKIN, seed=0):
    """A drawn open hand (palm, four straight fingers, a thumb) on a slightly noisy background,
    with its 21 landmarks and true mask."""
    pts, truth = straight_hand()
    rng = np.random.default_rng(seed)
    image = np.clip(np.array(background, float) + rng.normal(0, 3, (360, 300, 3)), 0, 255).astype(np.uint8)
    image[truth > 0] = skin
    return image, truth, pts


def _lose_stretch(image, truth, colour, rows=slice(115, 175), cols=slice(130, 170)):
    """The middle finger's second bone, recoloured (lit pink, shaded brown) and left out of the mask."""
    lost = np.zeros(truth.shape, bool)
    lost[rows, cols] = truth[rows, cols] > 0
    image[lost] = colour
    mask = truth.copy()
    mask[lost] = 0
    return mask, lost


def test_a_shaded_stretch_of_a_finger_on_a_pale_wall_is_put_back():
    image, truth, pts = _hand(PALE_WALL)
    mask, lost = _lose_stretch(image, truth, (150, 100, 80))
    out = fill_fingers(image, mask, pts)
    assert out.dtype == np.uint8 and set(np.unique(out)) <= {0, 255}
    assert (out[lost] > 0).mean() > 0.9  # the finger is whole again (bar a pixel at the rim)
    assert not ((out > 0) & (truth == 0)).any()  # and nothing of the wall joined it


def test_a_lost_stretch_the_colour_of_skin_is_put_back_on_a_dark_seat():
    image, truth, pts = _hand(DARK)
    mask, lost = _lose_stretch(image, truth, (236, 160, 160))  # lit pink
    out = fill_fingers(image, mask, pts)
    assert (out[lost] > 0).mean() > 0.9
    assert not ((out > 0) & (truth == 0)).any()


def test_on_a_surface_of_the_fingers_colour_nothing_is_added():
    """There colour cannot tell a finger from the table: the mask decides."""
    image, truth, pts = _hand((214, 168, 150))
    mask, _ = _lose_stretch(image, truth, (212, 166, 148))
    assert np.array_equal(fill_fingers(image, mask, pts), mask)


def test_a_whole_finger_is_left_alone():
    image, truth, pts = _hand(PALE_WALL)
    mask = truth.copy()
    assert fill_fingers(image, mask, pts) is mask


def test_only_pieces_joined_to_the_hand_and_on_the_bone_line_come_back():
    """A dark object beside a finger, within its corridor but off its bone line, stays out."""
    image, truth, pts = _hand(PALE_WALL)
    mask, lost = _lose_stretch(image, truth, (150, 100, 80))
    image[140:150, 167:173] = (40, 40, 40)  # a dark blot in the gap, two pixels off the middle finger
    out = fill_fingers(image, mask, pts)
    assert (out[lost] > 0).mean() > 0.9
    assert not (out[140:150, 167:173] > 0).any()


def test_a_lost_thumb_tip_is_put_back_unless_the_thumb_is_left_out():
    image, truth, pts = _hand(PALE_WALL)
    mask, lost = _lose_stretch(image, truth, (150, 100, 80), rows=slice(200, 250), cols=slice(228, 290))
    assert lost.sum() > 500
    out = fill_fingers(image, mask, pts)
    assert (out[lost] > 0).mean() > 0.85  # the thumb's last bone is back, bar its rounded tip
    assert not ((out > 0) & (truth == 0)).any()
    assert fill_fingers(image, mask, pts, thumb=False) is mask
