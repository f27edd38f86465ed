"""A drawn open hand with straight fingers and its 21 landmarks, for the finger steps' tests."""
from __future__ import annotations

import cv2
import numpy as np


def straight_hand() -> tuple[np.ndarray, np.ndarray]:
    """``(landmarks 21x2, mask 360x300 uint8 0/255)``: a palm, four straight upright fingers 28 px
    wide at x = 190, 150, 110, 70 (index to little, tips at y = 90) and a thumb out to the right."""
    pts = np.zeros((21, 2))
    pts[0] = (130, 330)
    pts[1:5] = [(185, 300), (215, 270), (240, 240), (262, 212)]  # thumb, out to the right
    for k, x in enumerate((190, 150, 110, 70)):  # index .. little
        pts[5 + 4 * k: 9 + 4 * k] = [(x, 220), (x, 170), (x, 130), (x, 90)]
    truth = np.zeros((360, 300), np.uint8)
    cv2.fillConvexPoly(truth, np.round(pts[[0, 1, 5, 9, 13, 17]]).astype(np.int32), 255)
    cv2.rectangle(truth, (56, 215), (204, 300), 255, -1)
    for k in range(5):
        chain = np.round(pts[1 + 4 * k: 5 + 4 * k]).astype(np.int32)
        cv2.polylines(truth, [chain], False, 255, 28)
    return pts, truth
