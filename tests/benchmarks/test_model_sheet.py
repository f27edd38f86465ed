import cv2
import numpy as np

from benchmarks.model_sheet import main, on_green


def test_on_green_keeps_the_hand_and_paints_the_rest():
    img = np.full((4, 4, 3), 100, np.uint8)
    mask = np.zeros((4, 4), np.uint8)
    mask[:2] = 255
    out = on_green(img, mask)
    assert (out[:2] == 100).all() and (out[2:] == (0, 200, 0)).all()


def test_bad_folders_are_refused(tmp_path, capsys):
    assert main([str(tmp_path / "missing"), "--model", "x.tflite"]) == 2
    (tmp_path / "notes.txt").write_text("no photos here")
    assert main([str(tmp_path), "--model", "x.tflite"]) == 2
    assert "no photos" in capsys.readouterr().err


def test_sheet_has_a_row_per_photo_and_a_column_per_model(tmp_path):
    from segmentation.segmenter import DEFAULT_MODEL

    photos = tmp_path / "photos"
    photos.mkdir()
    for name in ("a.jpg", "b.png"):
        cv2.imwrite(str(photos / name), np.full((120, 160, 3), 180, np.uint8))
    out = tmp_path / "sheet.jpg"
    model = str(DEFAULT_MODEL)
    assert main([str(photos), "--model", model, "--model", model, "--height", "50", "--out", str(out)]) == 0
    sheet = cv2.imread(str(out))
    assert sheet.shape[0] == 2 * 50
    assert sheet.shape[1] >= 3 * round(160 * 50 / 120) - 3


def test_set_columns_and_filters(tmp_path, capsys):
    from benchmarks.model_sheet import changed

    photos = tmp_path / "photos"
    photos.mkdir()
    cv2.imwrite(str(photos / "a.jpg"), np.full((120, 160, 3), 180, np.uint8))
    out = tmp_path / "sheet.jpg"
    assert main([str(photos), "--set", "refine=false", "--set", "threshold=0.6,refine=false",
                 "--height", "50", "--out", str(out)]) == 0
    assert cv2.imread(str(out)).shape[1] >= 3 * round(160 * 50 / 120) - 3  # the photo, then one column per --set
    out.unlink()
    # identical columns: --changed-only leaves no row, and nothing is written
    assert main([str(photos), "--set", "refine=false", "--set", "refine=false", "--changed-only", "--out", str(out)]) == 0
    assert not out.exists() and "nothing written" in capsys.readouterr().err
    # no hand in a grey photo, so no rescued hand either
    assert main([str(photos), "--set", "refine=false", "--rescued-only", "--out", str(out)]) == 0
    assert not out.exists()
    assert main([str(photos), "--out", str(out)]) == 2  # neither --model nor --set
    a = np.zeros((10, 10), np.uint8)
    a[:5] = 255
    b = a.copy()
    b[5, 0] = 255
    assert not changed(a, b) and changed(a, np.zeros_like(a))
