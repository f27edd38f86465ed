"""Colour-cast handling: grey-world balance, the certainty score, and the per-crop choice."""
import numpy as np
import pytest

from detection.boxes import mask_box
from pipeline.colour import (gray_world, segment_and_say_balanced, segment_with_colour_mode, skin_chroma,
                             uncertainty)
from pipeline.config import PipelineConfig
from pipeline.core import Pipeline
from tests.conftest import FakeDetector, draw_hand


class CastSensitiveSegmenter:
    """Sure of a square in the middle when the crop has no colour cast, unsure (0.5) when it has
    one: the failure mode that grey-world balancing is meant to undo."""

    size = 32

    def __init__(self):
        self.batches = []

    def predict(self, crops):
        crops = np.asarray(crops)
        self.batches.append(len(crops))
        out = np.full(crops.shape[:3], 0.5, np.float32)
        for i, c in enumerate(crops):
            means = c.reshape(-1, 3).mean(0)
            if means.max() - means.min() < 8:
                out[i] = 0.0
                out[i, 8:24, 8:24] = 1.0
        return out


def test_gray_world_equalises_channel_means_per_crop():
    rng = np.random.default_rng(0)
    crops = rng.integers(0, 120, (2, 16, 16, 3)).astype(np.uint8)
    crops[0, ..., 0] += 100  # warm cast on the first crop only
    out = gray_world(crops)
    assert out.dtype == np.uint8 and out.shape == crops.shape
    means = out.reshape(2, -1, 3).mean(1)
    assert np.ptp(means, axis=1).max() < 2
    assert np.ptp(crops.reshape(2, -1, 3).mean(1)[0]) > 90


def test_uncertainty_is_zero_for_sure_masks_and_half_for_coin_flips():
    sure = np.zeros((1, 8, 8), np.float32)
    sure[0, :4] = 1
    assert uncertainty(sure)[0] == 0
    assert uncertainty(np.full((1, 8, 8), 0.5, np.float32))[0] == pytest.approx(0.5)


def test_auto_rescues_only_the_unsure_crop():
    neutral = np.full((32, 32, 3), 120, np.uint8)
    warm = neutral.copy()
    warm[..., 0] = 200  # cast: the plain crop is segmented as a coin flip, the balanced one surely
    crops = np.stack([neutral, warm])
    seg = CastSensitiveSegmenter()
    auto = segment_with_colour_mode(seg, crops, "auto")
    assert seg.batches == [2, 1]  # both crops once, then only the unsure one balanced
    assert uncertainty(auto).max() == 0
    assert auto[1, 16, 16] == 1 and auto[1, 0, 0] == 0
    _, flags = segment_and_say_balanced(CastSensitiveSegmenter(), crops, "auto")
    assert flags.tolist() == [False, True]  # which masks came from the balanced crop
    assert segment_and_say_balanced(seg, crops, "grayworld")[1].all()
    assert not segment_and_say_balanced(seg, crops, "none")[1].any()
    plain = segment_with_colour_mode(seg, crops, "none")
    assert uncertainty(plain)[1] == pytest.approx(0.5)
    with pytest.raises(ValueError, match="colour mode"):
        segment_with_colour_mode(seg, crops, "sepia")


def test_auto_leaves_a_sure_mask_alone_even_if_balancing_would_change_it():
    class SureButCastDependent:
        """Sure either way, but of different masks: balancing must not overrule a sure model."""

        def predict(self, crops):
            out = np.zeros(crops.shape[:3], np.float32)
            for i, c in enumerate(crops):
                means = c.reshape(-1, 3).mean(0)
                out[i, : (8 if np.ptp(means) > 8 else 24)] = 1.0
            return out

    warm = np.full((1, 32, 32, 3), 120, np.uint8)
    warm[..., 0] = 200
    assert segment_with_colour_mode(SureButCastDependent(), warm, "auto")[0, :, 0].sum() == 8
    assert segment_with_colour_mode(SureButCastDependent(), warm, "grayworld")[0, :, 0].sum() == 24


def test_auto_refuses_a_balanced_mask_that_leaves_the_landmarks():
    """The balanced crop is segmented surely, but of a region beside the hand's skeleton: the
    unsure plain mask is kept. With the skeleton under the balanced mask, the rescue happens."""

    class UnsurePlainSureElsewhere:
        def predict(self, crops):
            out = np.full(crops.shape[:3], 0.5, np.float32)
            out[:, 16:] = 0.6  # plain: unsure, but leaning to hand over the lower half
            for i, c in enumerate(crops):
                if np.ptp(c.reshape(-1, 3).mean(0)) < 8:  # balanced: sure of the top rows
                    out[i] = 0.0
                    out[i, :8] = 1.0
            return out

    warm = np.full((1, 32, 32, 3), 120, np.uint8)
    warm[..., 0] = 200
    away = np.zeros((32, 32), bool)
    away[20:28, 10:20] = True  # the skeleton lies below the balanced mask
    under = np.zeros((32, 32), bool)
    under[2:6, 10:20] = True
    seg = UnsurePlainSureElsewhere()
    kept = segment_with_colour_mode(seg, warm, "auto", [away])
    assert uncertainty(kept)[0] > 0.4 and kept[0, 24, 15] == pytest.approx(0.6)
    rescued = segment_with_colour_mode(seg, warm, "auto", [under])
    assert uncertainty(rescued)[0] == 0 and rescued[0, :8].min() == 1
    assert uncertainty(segment_with_colour_mode(seg, warm, "auto", [None]))[0] == 0  # no landmarks: as before


def test_pipeline_colour_setting_is_validated_and_used():
    with pytest.raises(ValueError, match="colour"):
        PipelineConfig(colour="sepia")
    img, mask = draw_hand(96, 96)  # warm skin on a dark background: the plain crop is unsure here
    seg = CastSensitiveSegmenter()
    Pipeline(FakeDetector([mask_box(mask)]), seg, PipelineConfig(colour="auto", max_grow=0)).process(img)
    assert seg.batches == [1, 1]


def test_vivid_skin_along_the_skeleton_tries_the_balanced_crop_even_when_the_model_is_sure():
    """Under a warm lamp the model can be sure of a wrong mask, so unsureness never calls the
    rescue; skin far more vivid than skin under daylight (Lab chroma along the landmark
    skeleton) does. The balanced mask is still refused when it leaves the skeleton."""

    class SureButCastDependent:
        def predict(self, crops):
            out = np.zeros(crops.shape[:3], np.float32)
            for i, c in enumerate(crops):
                cast = np.ptp(c.reshape(-1, 3).mean(0)) > 8
                if cast:
                    out[i, 24:] = 1.0  # the bottom rows
                else:
                    out[i, :24] = 1.0
            return out

    warm = np.full((1, 32, 32, 3), (200, 120, 60), np.uint8)  # orange: chroma about 60
    skeleton = np.zeros((32, 32), bool)
    skeleton[12:20, 10:20] = True  # inside the balanced mask (rows 0-23), outside the plain (24-31)
    assert skin_chroma(warm, [skeleton])[0] > 40
    assert skin_chroma(warm, [None])[0] == 0
    seg = SureButCastDependent()
    plain, flags = segment_and_say_balanced(seg, warm, "auto", [skeleton])
    assert plain[0, 24:].min() == 1 and not flags[0]  # off by default
    cast, flags = segment_and_say_balanced(seg, warm, "auto", [skeleton], cast_chroma=32)
    assert cast[0, :24].min() == 1 and cast[0, 24:].max() == 0 and flags[0]
    below = np.zeros((32, 32), bool)
    below[26:31, 10:20] = True  # a skeleton only the plain mask covers: the balanced one is refused
    kept, flags = segment_and_say_balanced(seg, warm, "auto", [below], cast_chroma=32)
    assert kept[0, 24:].min() == 1 and not flags[0]
    muted = np.full((1, 32, 32, 3), (150, 120, 100), np.uint8)  # chroma about 20: daylight skin
    assert skin_chroma(muted, [skeleton])[0] < 32
    assert not segment_and_say_balanced(seg, muted, "auto", [skeleton], cast_chroma=32)[1][0]
