import cv2
import numpy as np

from benchmarks.skin_chroma import folder_row, main, photo_chroma
from detection.boxes import mask_box
from detection.types import HandBox
from tests.conftest import FakeDetector
from tests.pipeline.straight_hand import straight_hand


def _photo(colour):
    """The drawn hand in ``colour`` (RGB) on grey, and a detector that finds it with its landmarks."""
    pts, truth = straight_hand()
    image = np.full(truth.shape + (3,), 128, np.uint8)
    image[truth > 0] = colour
    return image, FakeDetector([HandBox(mask_box(truth), 0.9, source="fake", landmarks=pts)])


def test_a_warm_lit_hand_measures_more_vivid_than_a_daylight_one_and_a_box_alone_not_at_all():
    daylight, det = _photo((200, 160, 140))  # chroma about 20
    warm, _ = _photo((220, 150, 80))  # the same skin under a lamp: about 45
    low, high = photo_chroma(det, daylight, 64, 0.3), photo_chroma(det, warm, 64, 0.3)
    assert len(low) == len(high) == 1
    assert low[0] < 32 < high[0]
    no_landmarks = FakeDetector([mask_box(straight_hand()[1])])
    assert photo_chroma(no_landmarks, warm, 64, 0.3) == []


def test_folder_row_counts_photos_over_the_threshold_and_skips_unreadable_files(tmp_path, capsys):
    warm, det = _photo((220, 150, 80))
    cv2.imwrite(str(tmp_path / "a.png"), cv2.cvtColor(warm, cv2.COLOR_RGB2BGR))
    (tmp_path / "b.jpg").write_bytes(b"not an image")
    row = folder_row(det, tmp_path, 64, 0.3, 32.0).split()
    assert row[1:3] == ["1", "1"] and row[-2:] == ["1", "(100%)"]
    assert "b.jpg: skipped" in capsys.readouterr().err
    assert main([str(tmp_path / "missing")]) == 2
