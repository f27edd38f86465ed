"""Detection scoring helpers and the evaluation loops with fake detectors."""
from __future__ import annotations

import math

import cv2
import numpy as np
import pytest

from detection.evaluate import (
    average_precision,
    box_items,
    count_labels,
    box_on_mask,
    evaluate_boxes,
    format_row,
    is_box_folder,
    match_detections,
)
from tests.conftest import FakeDetector


def test_match_detections_greedy_by_score():
    truth = [(0, 0, 10, 10), (20, 20, 30, 30)]
    pred = [(0, 0, 10, 10), (1, 1, 10, 10), (50, 50, 60, 60)]
    assert match_detections(pred, [0.5, 0.9, 0.8], truth) == [False, True, False]
    assert match_detections([], [], truth) == []
    assert match_detections(pred, [0.5, 0.9, 0.8], []) == [False] * 3


@pytest.mark.parametrize(
    "scores, tp, n, expected",
    [
        ([0.9, 0.8], [True, True], 2, 1.0),
        ([0.9, 0.8], [True, False], 2, 0.5),
        ([0.9, 0.8], [False, True], 2, 0.25),
        ([], [], 3, 0.0),
    ],
)
def test_average_precision(scores, tp, n, expected):
    assert average_precision(scores, tp, n) == pytest.approx(expected)


def test_average_precision_without_truth_is_nan():
    assert math.isnan(average_precision([0.5], [False], 0))


def test_box_on_mask():
    m = np.zeros((100, 100), np.uint8)
    m[0:50, 0:50] = 255
    assert box_on_mask((0, 0, 60, 60), m)
    assert not box_on_mask((60, 60, 100, 100), m)
    assert not box_on_mask((200, 200, 300, 300), m)


def _box_folder(root):
    for split in ("train", "val"):
        (root / "images" / split).mkdir(parents=True)
        (root / "labels" / split).mkdir(parents=True)
    cv2.imwrite(str(root / "images" / "val" / "a.jpg"), np.zeros((100, 200, 3), np.uint8))
    (root / "labels" / "val" / "a.txt").write_text("0 0.25 0.5 0.2 0.4\n0 0.75 0.5 0.2 0.4\n")
    cv2.imwrite(str(root / "images" / "train" / "b.jpg"), np.zeros((100, 200, 3), np.uint8))
    return root


def test_box_folder_and_splits(tmp_path):
    root = _box_folder(tmp_path)
    assert is_box_folder(root)
    assert [p.name for p, _ in box_items(root, "test")] == ["a.jpg"]
    assert [p.name for p, _ in box_items(root, "val")] == ["a.jpg"]
    assert sorted(p.name for p, _ in box_items(root, "all")) == ["a.jpg", "b.jpg"]
    (tmp_path / "masks").mkdir()
    assert not is_box_folder(tmp_path / "masks")


def test_min_hands_keeps_photos_with_several_labelled_hands(tmp_path, monkeypatch):
    import json

    from detection import evaluate as ev

    root = _box_folder(tmp_path)  # a.jpg has two boxes, b.jpg no label file at all
    assert sorted(count_labels(label) for _, label in box_items(root, "all")) == [0, 2]
    monkeypatch.setattr(ev, "create_detector", lambda name, **kw: FakeDetector([]))
    results = tmp_path / "r.json"
    assert ev.main(["--data", str(root), "--detector", "mediapipe", "--min-hands", "2", "--quiet",
                    "-o", str(results)]) == 0
    (row,) = json.loads(results.read_text())["results"].values()
    assert row["images"] == 1  # only a.jpg


def test_evaluate_boxes_counts_hits_and_false_alarms(tmp_path):
    root = _box_folder(tmp_path)
    det = FakeDetector([(30, 30, 70, 70), (120, 0, 140, 20)])  # one hit, one false alarm
    r = evaluate_boxes(det, box_items(root, "val"), progress=False)
    assert r["recall50"] == 0.5 and r["precision50"] == 0.5
    assert 0 < r["map50"] <= 0.5
    assert "fake" in format_row("x", "fake", r)


def test_results_json_names_the_command_that_made_it(tmp_path):
    import json

    from detection.evaluate import write_results

    out = tmp_path / "deep" / "r.json"
    write_results(out, "python -m detection.evaluate", ["--data", "d", "--split", "val"], {"d/auto": {"recall50": 0.9}})
    saved = json.loads(out.read_text())
    assert saved == {"command": "python -m detection.evaluate --data d --split val", "results": {"d/auto": {"recall50": 0.9}}}
