"""benchmarks/box_changes.py end to end on two photos made from a sample (shipped models)."""
from __future__ import annotations

import json

import numpy as np
import pytest
from PIL import Image

from benchmarks.box_changes import main
from pipeline.imageio import read_rgb
from tests.conftest import SAMPLES


@pytest.mark.slow
def test_only_the_photos_a_setting_detects_differently_are_listed(tmp_path, capsys):
    photo = read_rgb(SAMPLES / "palm_open.jpg")
    folder = tmp_path / "photos"
    folder.mkdir()
    Image.fromarray(photo).save(folder / "one.jpg")
    Image.fromarray(np.hstack([photo, photo[:, ::-1]])).save(folder / "two.jpg")  # two hands
    (folder / "notes.txt").write_text("not a photo")
    out = tmp_path / "changes.json"
    assert main(["--photos", str(folder), "--set", "max_hands=1", "-o", str(out)]) == 0
    report = json.loads(out.read_text())
    assert report["photos"] == 2 and report["sets"] == ["max_hands=1"]
    (changed,) = report["changed"]
    assert changed.endswith("two.jpg")
    found = report["changed"][changed]
    assert len(found["defaults"]) == 2 and len(found["max_hands=1"]) == 1
    assert all(h["landmarks"] for h in found["defaults"])
    assert "1 of 2 photos detected differently" in capsys.readouterr().out
