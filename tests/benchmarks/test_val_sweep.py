"""The validation sweep's setting parser and its per-image detection cache."""
from __future__ import annotations

import numpy as np
import pytest

from benchmarks.val_sweep import CachedDetector, parse_overrides


def test_overrides_take_the_field_types():
    assert parse_overrides("max_grow=3,landmark_prior=false,threshold=0.4,tta_flip=true") == ({
        "max_grow": 3, "landmark_prior": False, "threshold": 0.4, "tta_flip": True}, {}, {})
    assert parse_overrides("") == ({}, {}, {})
    assert parse_overrides("merge.max_growth=16,margin=0.1") == ({"margin": 0.1}, {"max_growth": 16.0}, {})
    assert parse_overrides("merge.closer_pads=0.25:1") == ({}, {"closer_pads": (0.25, 1.0)}, {})
    assert parse_overrides("merge.closer_pads=") == ({}, {"closer_pads": ()}, {})
    assert parse_overrides("mediapipe.tint_grey=false,mediapipe.max_side=640") == (
        {}, {}, {"tint_grey": False, "max_side": 640})


def test_unknown_field_is_rejected():
    with pytest.raises(SystemExit, match="unknown PipelineConfig field"):
        parse_overrides("max_grwo=3")
    with pytest.raises(SystemExit, match="unknown MergeConfig field"):
        parse_overrides("merge.max_grwoth=3")
    with pytest.raises(SystemExit, match="unknown MediaPipeHandDetector field"):
        parse_overrides("mediapipe.tint_gray=false")


def test_detection_runs_once_per_distinct_image():
    calls = []

    class Counting:
        def detect(self, image):
            calls.append(1)
            return [len(calls)]

    cached = CachedDetector(Counting())
    a, b = np.zeros((4, 4, 3), np.uint8), np.ones((4, 4, 3), np.uint8)
    assert cached.detect(a) == cached.detect(a.copy()) == [1]
    assert cached.detect(b) == [2] and len(calls) == 2


def test_the_cache_goes_by_its_detectors_name():
    """The pipeline applies auto's own rules (a YOLO-only box that is a face) by the detector's
    name: a cached auto detector must still say it is auto."""
    class Auto:
        name = "auto"

        def detect(self, image):
            return []

    class Nameless:
        def detect(self, image):
            return []

    assert CachedDetector(Auto()).name == "auto"
    assert CachedDetector(Nameless()).name == "cached"


def test_per_image_scores_name_every_image_and_setting(tmp_path):
    """``--per-image`` is how a setting's average change is traced to the photos behind it: one
    row per image and setting, the names those of the files."""
    import csv

    import cv2

    from benchmarks.val_sweep import main

    folder = tmp_path / "set"
    (folder / "images").mkdir(parents=True)
    (folder / "masks").mkdir()
    for name in ("a", "b"):
        cv2.imwrite(str(folder / "images" / f"{name}.png"), np.full((48, 64, 3), 90, np.uint8))
        cv2.imwrite(str(folder / "masks" / f"{name}.png"), np.zeros((48, 64), np.uint8))
    out = tmp_path / "per_image.csv"
    assert main(["--highres", str(folder), "--set", "margin=0.2", "--per-image", str(out)]) == 0
    rows = list(csv.DictReader(out.open()))
    assert [(r["set"], r["data"], r["name"]) for r in rows] == [
        ("defaults", "set", "a"), ("defaults", "set", "b"), ("margin=0.2", "set", "a"), ("margin=0.2", "set", "b")]
    assert all(0.0 <= float(r["iou"]) <= 1.0 for r in rows)
