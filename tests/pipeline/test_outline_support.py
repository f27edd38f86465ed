import cv2
import numpy as np

from pipeline.config import PipelineConfig
from pipeline.core import Pipeline
from pipeline.outline_support import drop_unseen, edge_shares
from tests.conftest import FakeDetector, draw_hand


class BlobSegmenter:
    """Always draws the rounded blob a model draws in a crop with nothing in it."""

    def __init__(self, size: int = 64):
        self.size = size

    def predict(self, crops):
        n = len(crops)
        blob = np.zeros((self.size, self.size), np.uint8)
        cv2.circle(blob, (self.size // 2, self.size // 2), self.size // 4, 1, -1)
        return np.repeat(blob[None].astype(np.float32), n, axis=0)


def disc(shape, centre, radius):
    mask = np.zeros(shape, np.uint8)
    cv2.circle(mask, centre, radius, 255, -1)
    return mask


def test_a_blob_on_a_blank_photo_is_dropped_and_a_hand_kept():
    blank = np.full((240, 320, 3), 250, np.uint8)
    assert not drop_unseen(blank, disc((240, 320), (160, 120), 50)).any()
    img, mask = draw_hand()
    assert drop_unseen(img, mask) is mask  # nothing dropped, the same array back


def test_only_the_component_without_an_edge_goes():
    img, mask = draw_hand(240, 480)
    imagined = disc(mask.shape, (420, 60), 25)  # on the plain background beside the hand
    both = np.maximum(mask, imagined)
    shares = sorted(share for _, share in edge_shares(img, both))
    assert shares[0] < 0.2 < 0.8 < shares[-1]
    kept = drop_unseen(img, both)
    assert (kept[mask > 0] == 255).all() and not kept[imagined > 0].any()


def test_a_component_along_the_border_is_kept_as_it_cannot_be_judged():
    blank = np.full((100, 100, 3), 128, np.uint8)
    strip = np.zeros((100, 100), np.uint8)
    strip[:, :3] = 255  # the outline runs along the photo's edge: no outside to compare with
    assert (drop_unseen(blank, strip) == strip).all()


def test_the_whole_image_fallback_on_a_blank_photo_gives_an_empty_mask():
    blank = np.full((300, 400, 3), 255, np.uint8)
    on = Pipeline(FakeDetector([]), BlobSegmenter()).process(blank)
    off = Pipeline(FakeDetector([]), BlobSegmenter(), PipelineConfig(drop_unseen=False)).process(blank)
    assert on.fallback_used and not on.mask.any() and not on.alpha.any()
    assert off.mask.any()  # the blob the guard is there for


def test_a_box_without_landmarks_on_a_bare_surface_gives_an_empty_mask():
    beige = np.full((300, 400, 3), (220, 180, 150), np.uint8)
    r = Pipeline(FakeDetector([(100.0, 60.0, 300.0, 240.0)]), BlobSegmenter()).process(beige)
    assert not r.fallback_used and not r.mask.any()
