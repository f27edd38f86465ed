"""Telling black-and-white photos, and their skin-tone tint for MediaPipe."""
from __future__ import annotations

import cv2
import numpy as np

from detection.grey import is_grey, skin_tint
from tests.conftest import draw_hand


def _grey(image: np.ndarray) -> np.ndarray:
    return np.repeat(cv2.cvtColor(image, cv2.COLOR_RGB2GRAY)[..., None], 3, axis=2)


def test_a_grey_photo_is_grey_and_a_colour_one_is_not():
    img, _ = draw_hand()
    assert not is_grey(img)
    assert is_grey(_grey(img))


def test_a_grey_photo_saved_as_a_colour_jpeg_is_still_grey():
    img, _ = draw_hand(480, 640)
    ok, data = cv2.imencode(".jpg", _grey(img), [cv2.IMWRITE_JPEG_QUALITY, 85])
    assert ok and is_grey(cv2.imdecode(data, cv2.IMREAD_COLOR))


def test_a_small_coloured_stamp_leaves_a_photo_grey_and_a_large_one_does_not():
    stamped = _grey(draw_hand(200, 200)[0])
    stamped[:10, :10] = (255, 0, 0)  # 0.25 % of the photo: a date stamp
    assert is_grey(stamped)
    stamped[:40, :40] = (255, 0, 0)  # 4 %
    assert not is_grey(stamped)


def test_the_tint_keeps_the_grey_levels_in_a_skin_hue():
    tinted = skin_tint(np.full((4, 4, 3), 200, np.uint8))
    assert tinted.shape == (4, 4, 3) and tinted.dtype == np.uint8
    r, g, b = (int(v) for v in tinted[0, 0])
    assert r == 200 and r > g > b  # red keeps the level; a warm hue, as skin's
    levels = skin_tint(np.arange(0, 256, 5, dtype=np.uint8).reshape(1, -1, 1).repeat(3, axis=2))
    assert (np.diff(levels[0].astype(int), axis=0) >= 0).all()  # brightness order kept


def test_white_stays_white_and_mid_tones_turn_most():
    levels = skin_tint(np.arange(0, 256, dtype=np.uint8).reshape(1, -1, 1).repeat(3, axis=2))[0].astype(int)
    assert tuple(levels[255]) == (255, 255, 255)  # a white table stays white
    assert levels[100, 0] - levels[100, 2] > 2 * (levels[240, 0] - levels[240, 2])
