"""Taking the hand's cast shadow on a plain surface out of the mask along its outline."""
from __future__ import annotations

import cv2
import numpy as np

from pipeline.edge_shadows import cut_shadows
from tests.pipeline.straight_hand import straight_hand

SKIN = (224, 172, 150)
TABLE = (236, 236, 232)
SHADOW = (168, 170, 176)  # the table dimmed, a little bluer (lit by the sky, not the lamp)
PAD = 60


def _scene(surface=TABLE, shadow=SHADOW):
    """The drawn hand on ``surface`` with its shadow beside the little finger and the palm's
    outer side; the landmarks, the true mask and a mask that took the shadow in."""
    pts, hand = straight_hand()
    pts = pts + PAD
    truth = cv2.copyMakeBorder(hand, PAD, PAD, PAD, PAD, cv2.BORDER_CONSTANT, value=0)
    image = np.empty((*truth.shape, 3), np.uint8)
    image[:] = surface
    shade = np.zeros(truth.shape, bool)
    shade[PAD + 150:PAD + 300, PAD + 20:PAD + 60] = True
    shade &= truth == 0
    image[shade] = shadow
    image[truth > 0] = SKIN
    taken = truth.copy()
    taken[shade] = 255
    return image, truth, taken, pts, shade


def test_the_shadow_beside_the_hand_is_taken_out():
    image, truth, taken, pts, shade = _scene()
    out = cut_shadows(image, taken, pts)
    assert ((out > 0) & shade).sum() < 0.05 * shade.sum()
    assert not ((out == 0) & (truth > 0)).any()  # no hand pixel lost
    assert out.dtype == np.uint8 and set(np.unique(out)) <= {0, 255}
    assert taken[shade].min() == 255  # the caller's mask is not written to


def test_the_outline_blend_of_skin_and_surface_stays():
    """A soft edge's pixels lie between the skin's colour and the surface's: no shadow."""
    image, truth, _, pts, _ = _scene()
    image[:] = TABLE
    image[truth > 0] = SKIN
    ring = (cv2.dilate(truth, np.ones((5, 5), np.uint8)) > 0) & (truth == 0)
    image[ring] = (0.5 * np.array(SKIN) + 0.5 * np.array(TABLE)).astype(np.uint8)
    mask = truth.copy()
    mask[ring] = 255
    assert cut_shadows(image, mask, pts) is mask


def test_a_surface_the_colour_of_skin_is_left_alone():
    """On a beige table shade on the skin and on the table look alike: the mask decides."""
    image, _, taken, pts, _ = _scene(surface=(214, 170, 150), shadow=(160, 128, 112))
    assert cut_shadows(image, taken, pts) is taken


def test_a_busy_surface_is_left_alone():
    image, truth, taken, pts, shade = _scene()
    stripes = (np.arange(image.shape[1]) // 6) % 2 == 0
    bare = (truth == 0) & ~shade
    image[bare & stripes[None, :]] = (40, 90, 160)
    assert cut_shadows(image, taken, pts) is taken


def test_black_is_no_shadow():
    """A black strap or sleeve beside the hand is far darker than a shadow: left to the mask."""
    image, _, taken, pts, shade = _scene(shadow=(20, 20, 22))
    assert cut_shadows(image, taken, pts) is taken


def test_spared_pixels_stay():
    """A silver coin lying at the hand's edge is as grey as a shadow; the caller spares it."""
    image, _, taken, pts, shade = _scene()
    out = cut_shadows(image, taken, pts, spare=shade)
    assert out is taken


def test_a_shadow_enclosed_by_the_hand_stays():
    """Grey that the open surface does not reach (a coin's shade on the palm) is the hand's."""
    image, truth, _, pts, _ = _scene()
    image[:] = TABLE
    image[truth > 0] = SKIN
    image[PAD + 240:PAD + 260, PAD + 70:PAD + 90] = SHADOW  # on the palm, beside the little finger's base
    assert cut_shadows(image, truth, pts) is truth


def test_a_tiny_hand_is_left_alone():
    mask = np.full((10, 10), 255, np.uint8)
    pts = np.full((21, 2), 5.0)
    assert cut_shadows(np.zeros((10, 10, 3), np.uint8), mask, pts) is mask


def test_a_coloured_surface_is_left_alone():
    """Only a near-neutral surface (white, grey) is judged: on an orange one, the forearm's
    shaded side is as far from both colours as a shadow would be."""
    image, _, taken, pts, _ = _scene(surface=(210, 130, 80), shadow=(140, 88, 56))
    assert cut_shadows(image, taken, pts) is taken


def test_a_grey_table_works_like_a_white_one():
    image, truth, taken, pts, shade = _scene(surface=(150, 150, 152), shadow=(100, 101, 106))
    out = cut_shadows(image, taken, pts)
    assert ((out > 0) & shade).sum() < 0.05 * shade.sum()
    assert not ((out == 0) & (truth > 0)).any()


class _KeepsShadows:
    """A segmenter that takes everything darker than a white table for hand, the shadow too."""

    size = 128

    def predict(self, crops):
        crops = np.asarray(crops).astype(np.float32)
        return (crops.sum(axis=-1) < 3 * 200).astype(np.float32)


def test_the_pipeline_takes_the_shadow_off_the_cut_out_unless_told_not_to():
    from detection.boxes import mask_box
    from detection.types import HandBox
    from pipeline.config import PipelineConfig
    from pipeline.core import Pipeline
    from tests.conftest import FakeDetector

    image, truth, _, pts, shade = _scene()
    hand = HandBox(mask_box(truth), 0.9, landmarks=pts, source="fake")

    def cut(on: bool) -> np.ndarray:
        config = PipelineConfig(edge_shadows=on, context_margin=0.0)
        return Pipeline(FakeDetector([hand]), _KeepsShadows(), config).process(image).mask > 0

    off, on = cut(False), cut(True)
    assert off[shade].mean() > 0.8  # the "model" kept the shadow
    assert on[shade].mean() < 0.1
    assert on[truth > 0].mean() > 0.98
