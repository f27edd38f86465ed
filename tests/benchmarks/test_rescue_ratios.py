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


def test_a_redraw_is_recorded_whatever_arguments_the_pipeline_passes(tmp_path):
    """The watch must take apply_prior's arguments as the pipeline passes them (GrabCut's rounds
    too), or every rescued photo fails."""
    from benchmarks.rescue_ratios import rescue_rows
    from tests.conftest import draw_hand
    from tests.pipeline.test_landmark_prior import synthetic_landmarks

    img, mask = draw_hand(240, 320, seed=3)
    crop = np.zeros((320, 320, 3), np.uint8)
    crop[:240] = img
    inverted = np.ones((320, 320), np.float32)
    inverted[:240][mask > 0] = 0.0  # the model took the background for the hand

    class Rescuing:
        def process(self, image):
            return core.apply_prior(crop, inverted, synthetic_landmarks(), 0.5, 0.9, 0.0, (), 2)

    photo = tmp_path / "x.jpg"
    cv2.imwrite(str(photo), np.zeros((8, 8, 3), np.uint8))
    rows = rescue_rows(Rescuing(), [photo])
    assert len(rows) == 1 and rows[0]["name"] == "x.jpg" and rows[0]["redrawn"] > 0.5
