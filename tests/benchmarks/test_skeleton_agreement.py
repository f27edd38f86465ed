import json

import cv2
import numpy as np

from benchmarks.skeleton_agreement import main, outside_share


def _landmarks(cx=100.0, cy=120.0, palm=40.0):
    """A hand pointing up: wrist below, knuckles above, fingers further up."""
    pts = np.tile([cx, cy - palm], (21, 1)).astype(float)
    pts[0] = (cx, cy)
    pts[5], pts[9], pts[13], pts[17] = (cx - 15, cy - palm), (cx, cy - palm), (cx + 10, cy - palm), (cx + 18, cy - palm)
    for tip in (4, 8, 12, 16, 20):
        pts[tip] = pts[tip - 3] + (0, -palm)
    return pts


def test_outside_share_counts_mask_beyond_hand_and_forearm_cone():
    lms = _landmarks()
    mask = np.zeros((240, 200), np.uint8)
    assert outside_share(mask, [lms]) == 0.0
    mask[60:120, 85:115] = 255  # on the palm and fingers
    assert outside_share(mask, [lms]) == 0.0
    mask[200:240, 90:110] = 255  # down the forearm's way
    assert outside_share(mask, [lms]) == 0.0
    mask[0:30, 0:30] = 255  # a patch of background far to the side
    share = outside_share(mask, [lms])
    assert 0.2 < share < 0.5


def test_cli_scores_a_folder_and_refuses_an_empty_one(tmp_path, capsys):
    assert main(["--images", str(tmp_path)]) == 2
    assert main(["--images", str(tmp_path / "missing")]) == 2
    cv2.imwrite(str(tmp_path / "grey.jpg"), np.full((120, 160, 3), 180, np.uint8))
    out = tmp_path / "r.json"
    assert main(["--images", str(tmp_path), "-o", str(out)]) == 0
    report = json.loads(out.read_text())
    shipped = report["models"]["shipped"]
    assert shipped["photos"] == 0 and shipped["hands"] == 0 and shipped["rescue_rate"] is None  # no hand, nothing to say
    assert report["command"].startswith("python benchmarks/skeleton_agreement.py --images")
    assert main(["--images", str(tmp_path), "--images", str(tmp_path), "--set", "prior_agreement=0.5", "-o", str(out)]) == 0
    report = json.loads(out.read_text())
    assert report["set"] == "prior_agreement=0.5" and len(report["images"]) == 2
