"""``python -m detection``: one JSON object per readable image, a one-line error for the rest."""
import json

from detection.__main__ import main
from tests.conftest import SAMPLES


def test_json_lines_for_photos_and_errors_for_bad_files(tmp_path, capsys):
    bad = tmp_path / "notes.jpg"
    bad.write_text("not a photo")
    photo = SAMPLES / "palm_open.jpg"
    assert main([str(photo), str(bad), "--detector", "mediapipe", "--json"]) == 1  # one failed
    out, err = capsys.readouterr()
    (line,) = out.strip().splitlines()
    found = json.loads(line)
    assert found["file"] == str(photo) and (found["width"], found["height"]) == (640, 640)
    assert len(found["hands"]) == 1 and found["hands"][0]["source"] == "mediapipe"
    x0, y0, x1, y1 = found["hands"][0]["xyxy"]
    assert 0 <= x0 < x1 <= 640 and 0 <= y0 < y1 <= 640
    assert err.strip() == f"error: {bad}: not an image (format not recognised)"
