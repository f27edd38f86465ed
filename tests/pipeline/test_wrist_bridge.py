"""The watch-band bridge: a gap cut across the forearm is filled, nothing else is."""
from __future__ import annotations

import cv2
import numpy as np
import pytest

from pipeline.wrist_bridge import bridge_wrist


def hand_and_arm(tilt_deg: float = 0.0) -> tuple[np.ndarray, np.ndarray]:
    """A palm (ellipse) above a forearm (a 50 px wide strip running down), 21 landmarks with the
    wrist at (100, 150) and the middle knuckle 80 px above it; all turned by ``tilt_deg``."""
    m = np.zeros((320, 200), np.uint8)
    cv2.ellipse(m, (100, 95), (45, 60), 0, 0, 360, 255, -1)
    m[140:320, 75:125] = 255
    lms = np.tile([100.0, 110.0], (21, 1))
    lms[0], lms[9] = (100, 150), (100, 70)
    if tilt_deg:
        rot = cv2.getRotationMatrix2D((100, 150), tilt_deg, 1.0)
        m = cv2.warpAffine(m, rot, (200, 320), flags=cv2.INTER_NEAREST)
        lms = lms @ rot[:, :2].T + rot[:, 2]
    return m, lms


def band(mask: np.ndarray, y0: int, y1: int, x0: int = 0, x1: int = 200) -> np.ndarray:
    out = mask.copy()
    out[y0:y1, x0:x1] = 0
    return out


@pytest.mark.parametrize("tilt", [0.0, 15.0, -25.0])
def test_a_band_cut_across_the_forearm_is_filled(tilt):
    whole, lms = hand_and_arm(tilt)
    plain, _ = hand_and_arm(0.0)
    cut = band(plain, 175, 190)  # a watch band, 15 px = 0.19 palm lengths, 25 px past the wrist
    if tilt:
        rot = cv2.getRotationMatrix2D((100, 150), tilt, 1.0)
        cut = cv2.warpAffine(cut, rot, (200, 320), flags=cv2.INTER_NEAREST)
    out, bridged = bridge_wrist(cut, lms)
    assert bridged
    gap = ((whole > 0) & (cut == 0)).sum()
    missing = (whole > 0) & (out == 0)
    added = (out > 0) & (whole == 0)
    assert missing.sum() <= 0.1 * gap  # the band is (nearly) all back
    # and little outside the arm was added (the tilts are searched 10 degrees apart)
    assert added.sum() <= 0.15 * gap
    _, labels = cv2.connectedComponents((out > 0).astype(np.uint8))
    assert labels.max() == 1  # hand and forearm are one piece again


def test_an_arm_that_ends_is_left_alone():
    whole, lms = hand_and_arm()
    ended = band(whole, 175, 320)  # the arm stops 25 px past the wrist: a sleeve, or the label's end
    out, bridged = bridge_wrist(ended, lms)
    assert not bridged and np.array_equal(out, ended)


def test_a_notch_is_not_a_cut():
    whole, lms = hand_and_arm()
    notched = band(whole, 175, 190, 75, 110)  # a watch face on one side; the arm still joined
    out, bridged = bridge_wrist(notched, lms)
    assert not bridged and np.array_equal(out, notched)


def test_a_long_gap_is_not_bridged():
    whole, lms = hand_and_arm()
    far = band(whole, 170, 210)  # 40 px = half a palm length: more than a watch
    out, bridged = bridge_wrist(far, lms)
    assert not bridged and np.array_equal(out, far)


def test_a_crumb_beyond_the_gap_is_not_an_arm():
    whole, lms = hand_and_arm()
    crumb = band(whole, 175, 320)
    crumb[195:200, 90:110] = 255  # 5 rows of something past the gap, not an arm going on
    out, bridged = bridge_wrist(crumb, lms)
    assert not bridged and np.array_equal(out, crumb)


def test_input_is_not_modified():
    whole, lms = hand_and_arm()
    cut = band(whole, 175, 190)
    before = cut.copy()
    bridge_wrist(cut, lms)
    assert np.array_equal(cut, before)


def test_an_arm_leaving_the_photo_is_no_cut():
    whole, lms = hand_and_arm()
    crop = whole[:185].copy()  # the photo ends 35 px past the wrist
    out, bridged = bridge_wrist(crop, lms)
    assert not bridged and np.array_equal(out, crop)


def test_a_blob_off_the_arms_way_is_not_bridged_to():
    whole, lms = hand_and_arm()
    off = band(whole, 175, 320)
    off[195:260, 140:200] = 255  # skin beyond the gap but off to the side, and wider than the arm
    out, bridged = bridge_wrist(off, lms)
    assert not bridged and np.array_equal(out, off)


def test_a_notch_across_the_wrist_held_by_a_sliver_is_bridged_only_with_notches():
    """The hand's crop ended at the wrist crease and the wide look's forearm began a little
    past it: the strip between is open at one side, joined by a sliver of arm at the other."""
    whole, lms = hand_and_arm()
    notched = band(whole, 175, 190, 79, 125)  # 4 px of arm left at the left edge
    out, bridged = bridge_wrist(notched, lms)
    assert not bridged and np.array_equal(out, notched)
    out, bridged = bridge_wrist(notched, lms, notches=True)
    assert bridged
    gap = ((whole > 0) & (notched == 0)).sum()
    assert ((whole > 0) & (out == 0)).sum() <= 0.1 * gap
    assert ((out > 0) & (whole == 0)).sum() <= 0.15 * gap


def test_with_notches_a_watch_face_on_one_side_stays_and_a_cut_is_filled_as_before():
    whole, lms = hand_and_arm()
    face = band(whole, 175, 190, 75, 110)  # 15 px of the 50 px arm left: no gap across the arm
    out, bridged = bridge_wrist(face, lms, notches=True)
    assert not bridged and np.array_equal(out, face)
    cut = band(whole, 175, 190)
    assert np.array_equal(bridge_wrist(cut, lms, notches=True)[0], bridge_wrist(cut, lms)[0])
