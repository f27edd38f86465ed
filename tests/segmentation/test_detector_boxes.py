import json

from detection.types import HandBox
from segmentation.detector_boxes import detect_folder, load_boxes, main, to_pixels
from tests.conftest import make_pair_folder


class _OneBox:
    def detect(self, image):
        h, w = image.shape[:2]
        return [HandBox(xyxy=(w * 0.25, h * 0.5, w * 0.75, h), score=0.9)]


def test_boxes_are_keyed_like_the_training_loader_and_normalised(tmp_path):
    data = make_pair_folder(tmp_path / "set", n=2)
    boxes = detect_folder(str(data), _OneBox(), progress=False)
    assert set(boxes) == {"set/x_id00_0", "set/x_id01_1"}
    assert boxes["set/x_id00_0"] == [[0.25, 0.5, 0.75, 1.0]]
    # normalised boxes survive the loader's downscaling
    assert to_pixels(boxes["set/x_id00_0"], 40, 20) == [(10.0, 10.0, 30.0, 20.0)]


def test_round_trip_through_the_file_and_empty_path(tmp_path):
    path = tmp_path / "b.json"
    path.write_text(json.dumps({"x/y": [[0, 0, 1, 1]]}))
    assert load_boxes(path) == {"x/y": [[0, 0, 1, 1]]}
    assert load_boxes("") == {}


def test_cli_rejects_a_missing_folder(tmp_path, capsys):
    assert main(["--data", str(tmp_path / "nope"), "--out", str(tmp_path / "b.json"), "--detector", "yolo"]) == 2
    assert "not a folder" in capsys.readouterr().err
    assert not (tmp_path / "b.json").exists()
