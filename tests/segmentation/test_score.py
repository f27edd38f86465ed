"""`python -m segmentation.score` gives the training report's crop-level figures for any model."""
from __future__ import annotations

import json

import pytest

from segmentation.model import build_unet
from segmentation.score import main
from tests.conftest import make_pair_folder as make_folder


def test_score_writes_per_data_set_figures(tmp_path, capsys):
    data = make_folder(tmp_path / "set_a")
    model = tmp_path / "m.keras"
    build_unet((32, 32), (4, 8, 16), dropout=0.0).save(model)
    out = tmp_path / "scores.json"
    assert main(["--model", str(model), "--data", str(data), "--split", "test", "--out", str(out)]) == 0
    report = json.loads(out.read_text())
    assert report["split"] == "test"
    row = report["set_a"]
    assert row["n"] >= 1 and 0 <= row["iou"] <= 1 and 0 <= row["boundary_f1"] <= 1
    assert json.loads(capsys.readouterr().out) == report


def test_score_whole_image_model(tmp_path):
    data = make_folder(tmp_path / "set_b")
    model = tmp_path / "seed.keras"
    build_unet((32, 48), (4, 8, 16), dropout=0.0).save(model)
    out = tmp_path / "s.json"
    assert main(["--model", str(model), "--data", str(data), "--out", str(out)]) == 0
    assert json.loads(out.read_text())["set_b"]["n"] >= 1


def test_score_missing_model_is_a_usage_error(tmp_path, capsys):
    assert main(["--model", str(tmp_path / "no.keras"), "--data", str(tmp_path)]) == 2
    assert "no such model file" in capsys.readouterr().err


@pytest.mark.parametrize("channels", [4, 5])
def test_score_a_hint_model_needs_and_uses_the_landmarks(tmp_path, capsys, channels):
    from tests.pipeline.test_landmark_prior import synthetic_landmarks

    data = make_folder(tmp_path / "set_c")
    model = tmp_path / "hint.keras"
    build_unet((32, 32), (8, 16, 32), dropout=0.0, channels=channels).save(model)
    assert main(["--model", str(model), "--data", str(data)]) == 1
    assert "--landmarks" in capsys.readouterr().err
    lms = tmp_path / "lm.json"
    lms.write_text(json.dumps({f"set_c/x_id{i % 4:02d}_{i}": [(synthetic_landmarks(48, 64) / (64, 48)).tolist()]
                               for i in range(12)}))
    for colour in ("none", "auto"):  # through the colour-cast handling too
        out = tmp_path / f"{colour}.json"
        assert main(["--model", str(model), "--data", str(data), "--landmarks", str(lms), "--colour", colour,
                     "--out", str(out)]) == 0
        assert json.loads(out.read_text())["set_c"]["n"] >= 1
