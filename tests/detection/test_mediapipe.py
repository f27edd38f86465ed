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


def _two_samples_side_by_side():
    import cv2

    a, b = read_rgb(SAMPLES / "palm_open.jpg"), read_rgb(SAMPLES / "hand_on_wood_table.jpg")
    b = cv2.resize(b, (round(b.shape[1] * a.shape[0] / b.shape[0]), a.shape[0]), interpolation=cv2.INTER_AREA)
    return np.ascontiguousarray(np.concatenate([a, b], axis=1)), a.shape[1]


def test_second_look_finds_the_hand_a_first_look_missed(detector):
    """Two sample photos side by side: MediaPipe's single pass returns only the left hand (the
    order matters to it); the second look, with that hand painted over, finds the other one."""
    image, split = _two_samples_side_by_side()
    single = create_detector("mediapipe", second_look=False, look_beside=False)
    second = create_detector("mediapipe", look_beside=False)
    try:
        assert len(single.detect(image)) == 1  # the miss this guards against
        for found in (second, detector):
            hands = found.detect(image)
            assert len(hands) == 2
            left, right = sorted(hands, key=lambda h: h.xyxy[0])
            assert left.xyxy[2] <= split + 5 and right.xyxy[0] >= split  # one hand per photo
            assert right.landmarks.shape == (21, 2) and right.source == "mediapipe"
    finally:
        single.close()
        second.close()


def test_a_look_beside_the_found_hand_finds_the_other_one_too():
    """The same miss, mended without the second look: the strip right of the found hand, looked
    at as a window of its own, holds the other hand."""
    image, split = _two_samples_side_by_side()
    beside = create_detector("mediapipe", second_look=False)
    try:
        hands = beside.detect(image)
    finally:
        beside.close()
    assert len(hands) == 2
    left, right = sorted(hands, key=lambda h: h.xyxy[0])
    assert left.xyxy[2] <= split + 5 and right.xyxy[0] >= split
    assert right.landmarks.shape == (21, 2) and right.landmarks[:, 0].min() >= split - 5


def test_nothing_is_looked_for_beside_a_hand_that_leaves_no_room(monkeypatch, detector):
    image = read_rgb(SAMPLES / "palm_open.jpg")  # the palm fills the photo
    looked = []
    monkeypatch.setattr(detector, "_look_in_window", lambda *a, **k: looked.append(a) or [])
    assert len(detector.detect(image)) == 1 and looked == []


def test_second_look_respects_max_hands():
    image, _ = _two_samples_side_by_side()
    one = create_detector("mediapipe", max_hands=1)
    try:
        assert len(one.detect(image)) == 1
    finally:
        one.close()


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


def test_a_closer_look_finds_a_hand_the_whole_photo_pass_missed():
    """Two photos side by side, no second look: the whole-photo pass finds one hand; a window
    around the other half finds the other, its landmarks in the whole photo's coordinates."""
    image, split = _two_samples_side_by_side()
    single = create_detector("mediapipe", second_look=False, look_beside=False)
    try:
        (first,) = single.detect(image)
        assert first.xyxy[2] <= split + 5  # the left hand only
        h, w = image.shape[:2]
        found = single.look_closer(image, (split + 10, 10, w - 10, h - 10), pad=0.05)
    finally:
        single.close()
    assert len(found) == 1
    hand = found[0]
    assert hand.landmarks.shape == (21, 2) and hand.source == "mediapipe"
    x0, y0, x1, y1 = hand.xyxy
    assert x0 >= split - 5 and x1 <= w and y1 <= h
    assert (hand.landmarks[:, 0] >= x0 - 1).all() and (hand.landmarks[:, 0] <= x1 + 1).all()
    # the same hand the second look finds in the whole photo
    with_second = create_detector("mediapipe")
    try:
        right = max(with_second.detect(image), key=lambda b: b.xyxy[0])
    finally:
        with_second.close()
    assert np.abs(right.landmarks - hand.landmarks).mean() < 0.05 * (x1 - x0)


def test_a_closer_look_at_a_hand_cut_by_the_photo_edge_keeps_it_in_place(detector):
    """The window runs past the photo's edge (grey there): the landmarks still come back in the
    photo's own pixels, where the whole-photo pass puts them."""
    image = read_rgb(SAMPLES / "palm_open.jpg")
    (whole,) = detector.detect(image)
    x0, y0, x1, y1 = whole.xyxy
    found = detector.look_closer(image, (x0, y0, x1, y1), pad=1.0)  # the window leaves the photo
    h, w = image.shape[:2]
    assert (x0 - (y1 - y0) < 0) or (y1 + (y1 - y0) > h) or (x1 + (y1 - y0) > w)
    assert len(found) == 1 and found[0].landmarks.shape == (21, 2)
    assert np.abs(found[0].landmarks - whole.landmarks).mean() < 0.05 * (x1 - x0)
    bx0, by0, bx1, by1 = found[0].xyxy
    assert 0 <= bx0 < bx1 <= w and 0 <= by0 < by1 <= h


def test_a_closer_look_at_a_sliver_finds_nothing(detector):
    image = read_rgb(SAMPLES / "palm_open.jpg")
    assert detector.look_closer(image, (0, 0, 3, 3), pad=0.0) == []


def test_a_closer_look_shows_only_the_pixels_it_is_told_to(detector):
    """``shown`` greys out the rest of the window: with nothing shown there is no hand; with
    the hand's surroundings shown the same hand is found, in the photo's pixels."""
    import cv2

    image = read_rgb(SAMPLES / "palm_open.jpg")
    (whole,) = detector.detect(image)
    h, w = image.shape[:2]
    assert detector.look_closer(image, whole.xyxy, shown=np.zeros((h, w), bool)) == []
    around = np.zeros((h, w), np.uint8)
    cv2.fillConvexPoly(around, cv2.convexHull(whole.landmarks.astype(np.int32)), 1)
    reach = int(0.15 * (whole.xyxy[2] - whole.xyxy[0]))
    around = cv2.dilate(around, np.ones((2 * reach + 1, 2 * reach + 1), np.uint8)) > 0
    assert not around.all()
    (found,) = detector.look_closer(image, whole.xyxy, shown=around)
    assert np.abs(found.landmarks - whole.landmarks).mean() < 0.05 * (whole.xyxy[2] - whole.xyxy[0])


def _grey_copy(image):
    return np.repeat(image.mean(axis=2, keepdims=True).round().astype(np.uint8), 3, axis=2)


def test_a_grey_photo_is_shown_in_a_skin_tone_and_its_hand_found(detector):
    """The grey copy of the open-palm sample: MediaPipe alone finds nothing in it (the miss this
    guards against); shown tinted, it finds the hand where the colour photo has it."""
    image = read_rgb(SAMPLES / "palm_open.jpg")
    grey = _grey_copy(image)
    plain = create_detector("mediapipe", tint_grey=False)
    try:
        assert plain.detect(grey) == []
    finally:
        plain.close()
    found, colour = detector.detect(grey), detector.detect(image)
    assert len(found) == len(colour) == 1
    assert np.abs(found[0].landmarks - colour[0].landmarks).max() < 0.05 * image.shape[0]


def test_only_grey_photos_are_tinted(detector, monkeypatch):
    shown = []
    real_run = detector._run

    def recording_run(rgb, *args, **kwargs):
        shown.append(rgb)
        return real_run(rgb, *args, **kwargs)

    monkeypatch.setattr(detector, "_run", recording_run)
    image = read_rgb(SAMPLES / "palm_open.jpg")
    detector.detect(image)
    assert np.array_equal(shown[0], image)  # a colour photo is shown as it is
    shown.clear()
    detector.look_closer(_grey_copy(image), (100.0, 100.0, 300.0, 300.0))
    r, g, b = (shown[0][..., c].astype(int) for c in range(3))
    assert (r >= g).all() and (g >= b).all() and (r > b).any()  # the window is tinted, canvas and all
