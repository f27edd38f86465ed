import numpy as np
import pytest

from detection.boxes import mask_coverage
from detection.factory import DETECTORS, create_detector
from detection.types import HandBox
from pipeline.imageio import read_mask, read_rgb
from segmentation.crops import crop_square
from tests.conftest import REPO, SAMPLES

HGR = REPO.parent / "shared" / "data" / "hgr"


@pytest.fixture(scope="module")
def detector():
    d = create_detector("mediapipe")
    yield d
    d.close()


def test_finds_hand_on_sample_photo(detector):
    image = read_rgb(SAMPLES / "palm_open.jpg")
    hands = detector.detect(image)
    assert len(hands) == 1
    h = hands[0]
    assert isinstance(h, HandBox) and h.source == "mediapipe" and h.handedness in ("Left", "Right")
    assert h.landmarks.shape == (21, 2)
    x0, y0, x1, y1 = h.xyxy
    assert 0 <= x0 < x1 <= image.shape[1] and 0 <= y0 < y1 <= image.shape[0]
    assert (x1 - x0) * (y1 - y0) > 0.2 * image.shape[0] * image.shape[1]  # the palm fills the photo


def test_large_photo_boxes_are_in_full_resolution(detector):
    image = read_rgb(SAMPLES / "hand_on_table_large.jpg")  # 2400x2400, detected on a downscaled copy
    hands = detector.detect(image)
    assert hands, "no hand found on the large sample"
    x0, y0, x1, y1 = hands[0].xyxy
    assert x1 - x0 > 400 and x1 <= 2400 and y1 <= 2400


@pytest.mark.skipif(not HGR.is_dir(), reason="shared developer data not present")
def test_crop_region_covers_the_annotated_hand(detector):
    # HGR masks include the forearm, which a hand box does not reach (the pipeline grows its crop
    # for that); this photo shows little forearm, so the crop region must hold nearly all the mask.
    stem = "1_P_hgr1_id01_1"
    image = read_rgb(HGR / "images" / f"{stem}.jpg")
    mask = read_mask(HGR / "masks" / f"{stem}.png")
    hands = detector.detect(image)
    assert hands
    assert mask_coverage(mask, [crop_square(h.xyxy) for h in hands]) > 0.85


def test_no_hand_gives_empty_list(detector):
    rng = np.random.default_rng(0)
    assert detector.detect((rng.random((240, 320, 3)) * 60 + 100).astype(np.uint8)) == []


def test_rejects_wrong_input(detector):
    with pytest.raises(ValueError):
        detector.detect(np.zeros((10, 10), np.uint8))


def test_factory_names_valid_choices():
    assert "mediapipe" in DETECTORS
    with pytest.raises(ValueError, match="choose one of"):
        create_detector("nope")


def test_handbox_validates():
    with pytest.raises(ValueError):
        HandBox((10, 10, 5, 20), 0.5)
    with pytest.raises(ValueError):
        HandBox((0, 0, 5, 5), 1.5)
