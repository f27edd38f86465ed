"""The helpers that choose the floor for YOLO-only boxes beside a MediaPipe hand."""
from __future__ import annotations

import numpy as np

from benchmarks.secondary_boxes import added_beside_mediapipe, floor_table
from detection.types import HandBox


def test_only_yolo_boxes_beside_a_mediapipe_hand_are_listed():
    mp = HandBox((0, 0, 10, 10), 0.9, landmarks=np.zeros((21, 2)), source="mediapipe")
    yo = HandBox((50, 50, 60, 60), 0.3, source="yolo")
    assert added_beside_mediapipe([mp, yo]) == [1]
    assert added_beside_mediapipe([yo]) == []  # alone, a YOLO box is the only evidence: never floored
    assert added_beside_mediapipe([mp]) == []


def test_floor_table_counts_what_each_floor_keeps():
    rows = [{"score": 0.3, "hand": False}, {"score": 0.5, "hand": True}, {"score": 0.5, "hand": False}]
    table = {t["floor"]: (t["hands_kept"], t["false_kept"]) for t in floor_table(rows, (0.0, 0.4, 0.6))}
    assert table == {0.0: (1, 2), 0.4: (1, 1), 0.6: (0, 0)}
