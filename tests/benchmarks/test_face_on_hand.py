import cv2
import numpy as np

from benchmarks.face_on_hand import folder_rows, main, photo_faces, summary
from detection.faces import Face
from detection.types import HandBox
from tests.conftest import FakeDetector
from tests.detection.test_faces import FakeFaces, open_hand


def _hand():
    lms = open_hand()
    return FakeDetector([HandBox((0.0, 90.0, 210.0, 215.0), 0.9, source="fake", landmarks=lms)])


def test_a_face_behind_the_fingers_is_kept_and_a_fist_face_is_not():
    image = np.zeros((240, 240, 3), np.uint8)
    behind = Face((50.0, 100.0, 150.0, 145.0), [(82, 125), (120, 125)])  # eyes in the finger gaps
    fist = Face((80.0, 130.0, 120.0, 170.0), [(90, 150), (110, 150)])  # on the palm
    apart = Face((200.0, 10.0, 239.0, 60.0), [(210, 30), (230, 30)])  # beside the hand
    rows = photo_faces(_hand(), FakeFaces([behind, fist, apart]), image)
    assert [r["kept"] for r in rows] == [True, False, True]
    assert rows[0]["outline_share"] > 0.9 and rows[0]["shape_share"] < 0.5 and rows[0]["eyes_on_hand"] == 0
    assert rows[1]["shape_share"] >= 0.5 and rows[1]["eyes_on_hand"] == 2
    assert rows[2]["outline_share"] < 0.7
    assert photo_faces(FakeDetector([(0.0, 90.0, 210.0, 215.0)]), FakeFaces([fist]), image) == []  # no landmarks
    assert photo_faces(_hand(), FakeFaces([]), image) == []


def test_folder_rows_name_each_photo_skip_unreadable_files_and_sum_up(tmp_path, capsys):
    cv2.imwrite(str(tmp_path / "a.png"), np.zeros((240, 240, 3), np.uint8))
    (tmp_path / "b.jpg").write_bytes(b"not an image")
    faces = FakeFaces([Face((80.0, 130.0, 120.0, 170.0), [(90, 150), (110, 150)])])
    rows = folder_rows(_hand(), faces, tmp_path)
    assert [(r["folder"], r["name"], r["kept"]) for r in rows] == [(tmp_path.name, "a.png", False)]
    assert "b.jpg: skipped" in capsys.readouterr().err
    assert summary("x", rows).split()[1:] == ["1", "1", "0.72", "1", "0"]
    assert main([str(tmp_path / "missing")]) == 2
