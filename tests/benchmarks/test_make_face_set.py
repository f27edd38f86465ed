"""The hands-beside-faces set: the hand raised from the bottom edge beside the face, the label exact."""
from __future__ import annotations

import cv2
import numpy as np

from benchmarks.make_face_set import frame_face, raise_hand
from tests.conftest import draw_hand


def hanging_hand():
    """A drawn hand turned so that it hangs from the top edge, as 11k Hands' do, its arm reaching it."""
    img, mask = draw_hand(240, 320, seed=4)
    img, mask = img[::-1].copy(), mask[::-1].copy()
    mask[:60, 150:170] = 255  # a forearm up to the top edge
    img[:60, 150:170] = (205, 150, 120)
    return img, mask


def test_raised_hand_stands_on_the_bottom_edge_beside_the_face():
    portrait = np.full((400, 300, 3), (40, 60, 90), np.uint8)
    face = (110.0, 80.0, 190.0, 180.0)
    img, mask = hanging_hand()
    for seed in range(6):
        out, label = raise_hand(portrait, face, img, mask, np.random.default_rng(seed))
        assert out.shape == portrait.shape and label.shape == portrait.shape[:2]
        assert set(np.unique(label)) <= {0, 255}
        rows = np.nonzero(label.any(axis=1))[0]
        assert rows.max() == portrait.shape[0] - 1  # the forearm leaves by the bottom edge
        assert face[1] - 2 <= rows.min() <= face[3] + 2  # the fingertips reach the face's height
        # away from the label the portrait is untouched (but for the feathered rim)
        far = cv2.dilate(label, np.ones((9, 9), np.uint8)) == 0
        assert np.abs(out[far].astype(int) - portrait[far]).mean() < 1.0
        # inside the label the pixels are the hand's colour, not the portrait's
        assert out[label > 0].astype(float).mean(axis=0)[0] > 100


def test_frame_face_keeps_the_face_in_the_upper_half():
    photo = np.zeros((600, 512, 3), np.uint8)
    framed, (x0, y0, x1, y1) = frame_face(photo, (160.0, 120.0, 360.0, 320.0))
    assert framed.shape[0] == 800 and framed.shape[1] <= 800
    assert 0 <= y0 < y1 <= 0.6 * framed.shape[0] and 0 <= x0 < x1 <= framed.shape[1]
