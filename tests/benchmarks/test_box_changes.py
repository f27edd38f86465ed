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


@pytest.mark.slow
def test_a_dump_from_another_checkout_is_compared_photo_by_photo(tmp_path, capsys):
    """--dump writes every photo's boxes; --against lists the photos whose boxes differ from it
    (here a dump edited as if another commit had found one hand fewer in ``two.jpg``)."""
    photo = read_rgb(SAMPLES / "palm_open.jpg")
    folder = tmp_path / "photos"
    folder.mkdir()
    Image.fromarray(photo).save(folder / "one.jpg")
    Image.fromarray(np.hstack([photo, photo[:, ::-1]])).save(folder / "two.jpg")
    dump = tmp_path / "before.json"
    assert main(["--photos", str(folder), "--dump", str(dump)]) == 0
    boxes = json.loads(dump.read_text())
    assert sorted(len(v) for v in boxes.values()) == [1, 2]
    assert "0 of 2 photos detected differently" in capsys.readouterr().out
    two = next(k for k in boxes if k.endswith("two.jpg"))
    boxes[two] = boxes[two][:1]
    dump.write_text(json.dumps(boxes))
    out = tmp_path / "changes.json"
    assert main(["--photos", str(folder), "--against", str(dump), "-o", str(out)]) == 0
    changed = json.loads(out.read_text())["changed"]
    assert list(changed) == [two]
    assert len(changed[two]["before"]) == 1 and len(changed[two]["defaults"]) == 2


def test_nothing_to_compare_is_an_error(tmp_path):
    with pytest.raises(SystemExit):
        main(["--photos", str(tmp_path)])
