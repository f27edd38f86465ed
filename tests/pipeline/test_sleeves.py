import cv2
import numpy as np
import pytest

from detection.types import HandBox
from pipeline.config import PipelineConfig
from pipeline.core import Pipeline
from pipeline.sleeves import beyond_sleeve, sleeve_start
from tests.conftest import ColourSegmenter, FakeDetector, draw_hand
from tests.pipeline.test_core import fanned_landmarks

SKIN = (205, 150, 120)
MAROON = (120, 30, 50)  # a cuff: reddish enough for the colour segmenter to take it for skin
WRIST_Y = 297  # fanned_landmarks(): wrist at (150, 248 + 0.9 * 54), 81 px (a palm) below the middle knuckle


def hand_with_forearm(forearm_colours, seed=0):
    """draw_hand(400, 300)'s hand with a forearm running from its wrist to the bottom edge,
    ``forearm_colours``: ``(from_y, rgb)`` stretches down the forearm (the first from the wrist).
    Returns the photo and the mask of hand plus forearm."""
    img, mask = draw_hand(400, 300, seed=seed)
    rng = np.random.default_rng(seed)
    arm = np.zeros(mask.shape, np.uint8)
    cv2.rectangle(arm, (125, 260), (175, 399), 1, -1)
    arm = (arm > 0) & (mask == 0)
    for i, (y0, rgb) in enumerate(forearm_colours):
        y1 = forearm_colours[i + 1][0] if i + 1 < len(forearm_colours) else 400
        part = arm.copy()
        part[:y0] = False
        part[y1:] = False
        img[part] = (rng.normal(0, 4, (int(part.sum()), 3)) + rgb).clip(0, 255).astype(np.uint8)
    return img, ((mask > 0) | arm)


def test_a_cuff_down_to_the_photo_edge_is_cut_where_it_starts():
    img, hand = hand_with_forearm([(260, SKIN), (WRIST_Y + 10, MAROON)])
    cut = beyond_sleeve(img, hand.astype(np.float32), fanned_landmarks(), 0.5)
    cuff = hand.copy()
    cuff[:WRIST_Y + 10] = False
    assert cut[cuff].mean() > 0.95
    assert not cut[hand & ~cuff].any()  # the hand and the skin of the wrist stay


@pytest.mark.parametrize("forearm", [
    [(260, SKIN)],  # bare forearm
    [(260, SKIN), (WRIST_Y + 10, (160, 115, 90))],  # the forearm in shade: darker, the same hue
    [(260, SKIN), (WRIST_Y + 5, MAROON), (WRIST_Y + 20, SKIN)],  # a bracelet, skin past it
])
def test_skin_shade_and_a_bracelet_with_skin_after_it_are_no_sleeve(forearm):
    img, hand = hand_with_forearm(forearm)
    assert sleeve_start(img, hand, fanned_landmarks()) is None
    assert not beyond_sleeve(img, hand.astype(np.float32), fanned_landmarks(), 0.5).any()


def test_skin_that_drifts_away_from_the_palm_colour_slowly_is_kept_and_a_step_to_the_same_colour_is_cut():
    """A pink palm and a paler, yellower wrist: skin changes colour slice by slice, a cuff at
    its edge. The same far colour, reached in small steps or in one, is kept or cut."""
    pale = np.array((225, 200, 120))
    steps = [(WRIST_Y - 20 + 8 * k, tuple(np.round(np.array(SKIN) + (pale - SKIN) * k / 10).astype(int)))
             for k in range(11)]
    img, hand = hand_with_forearm([(260, SKIN)] + steps)
    assert sleeve_start(img, hand, fanned_landmarks()) is None
    img, hand = hand_with_forearm([(260, SKIN), (WRIST_Y + 10, tuple(pale))])
    assert sleeve_start(img, hand, fanned_landmarks()) is not None


def test_a_sleeve_right_from_the_palm_is_not_cut_without_skin_before_it():
    """No skin between the palm and the cloth: the palm's colour may be wrong, nothing is cut."""
    img, hand = hand_with_forearm([(260, MAROON)])
    img[hand & (np.arange(400)[:, None] >= 260)] = MAROON
    assert not beyond_sleeve(img, hand.astype(np.float32), fanned_landmarks(), 0.5).any()


def test_the_pipeline_cuts_the_cuff_off_unless_told_not_to():
    img, hand = hand_with_forearm([(260, SKIN), (WRIST_Y + 10, MAROON)])
    box = HandBox((40.0, 60.0, 260.0, 330.0), 0.9, landmarks=fanned_landmarks(), source="fake")
    cuff = hand.copy()
    cuff[:WRIST_Y + 20] = False
    masks = {}
    for colour in (0.0, PipelineConfig().sleeve_cut):
        cfg = PipelineConfig(margin=0.1, context_margin=0.0, sleeve_cut=colour)
        masks[colour] = Pipeline(FakeDetector([box]), ColourSegmenter(96), cfg).process(img).mask > 0
    assert masks[0.0][cuff].mean() > 0.9  # the colour segmenter takes the reddish cuff for skin
    assert masks[PipelineConfig().sleeve_cut][cuff].mean() < 0.05
    kept = hand & ~cuff
    kept[WRIST_Y:] = False
    assert masks[PipelineConfig().sleeve_cut][kept].mean() > 0.95


def test_sleeve_cut_must_not_be_negative():
    with pytest.raises(ValueError, match="sleeve_cut"):
        PipelineConfig(sleeve_cut=-1.0)
