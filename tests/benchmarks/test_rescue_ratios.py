import json

import cv2
import numpy as np

import pipeline.core as core
from benchmarks.rescue_ratios import main, photos_in


def test_a_set_folder_is_read_through_its_images_folder(tmp_path):
    (tmp_path / "images").mkdir()
    cv2.imwrite(str(tmp_path / "images" / "a.jpg"), np.zeros((8, 8, 3), np.uint8))
    (tmp_path / "notes.txt").write_text("x")
    assert [f.name for f in photos_in(tmp_path)] == ["a.jpg"]


def test_cli_refuses_a_missing_folder_and_reports_a_photo_without_rescues(tmp_path):
    assert main(["--images", str(tmp_path / "missing")]) == 2
    cv2.imwrite(str(tmp_path / "grey.jpg"), np.full((120, 160, 3), 180, np.uint8))
    before = core.apply_prior
    out = tmp_path / "r.json"
    assert main(["--images", str(tmp_path), "--detector-set", "merge.hands_apart=false", "-o", str(out)]) == 0
    assert core.apply_prior is before  # the watch is taken off again
    report = json.loads(out.read_text())
    summary = report["sets"][str(tmp_path)]
    assert summary["photos"] == 1 and summary["rescued_crops"] == 0 and summary["max_redrawn"] is None
    assert report["command"].startswith("python benchmarks/rescue_ratios.py --images")
