"""A coin the mask bit out of the hand's edge comes back; nothing else round does."""
from __future__ import annotations

import cv2
import numpy as np

from detection.boxes import mask_box
from detection.types import HandBox
from pipeline.coins import find_coins, keep_coins
from pipeline.config import PipelineConfig
from pipeline.core import Pipeline
from tests.conftest import ColourSegmenter, FakeDetector
from tests.pipeline.straight_hand import straight_hand

SKIN = (205, 150, 120)
TABLE = (70, 95, 140)
SILVER = (195, 195, 200)


def _palm(h: int = 400, w: int = 400, seed: int = 0) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """A skin-coloured palm (a disc of radius 120 at the centre) on a bluish table, with noise,
    and landmarks whose palm outline (0, 1, 5, 9, 13, 17) is a hexagon of radius 100 inside it."""
    rng = np.random.default_rng(seed)
    mask = np.zeros((h, w), np.uint8)
    cv2.circle(mask, (w // 2, h // 2), 120, 255, -1)
    img = np.where(mask[..., None] > 0, np.array(SKIN, float), np.array(TABLE, float))
    img = (img + rng.normal(0, 4, img.shape)).clip(0, 255).astype(np.uint8)
    pts = np.tile([w / 2, h / 2], (21, 1)).astype(float)
    for k, i in enumerate((0, 1, 5, 9, 13, 17)):  # the wrist at the bottom, the middle knuckle at the top
        a = np.pi / 2 + k * np.pi / 3
        pts[i] = (w / 2 + 100 * np.cos(a), h / 2 + 100 * np.sin(a))
    return img, mask, pts


def _disc(shape, centre, radius) -> np.ndarray:
    out = np.zeros(shape, np.uint8)
    cv2.circle(out, centre, radius, 255, -1)
    return out > 0


def _draw_coin(img, centre, radius, colour=SILVER):
    cv2.circle(img, centre, radius, colour, -1, cv2.LINE_AA)
    cv2.circle(img, centre, radius - 3, tuple(int(c * 0.85) for c in colour), 2, cv2.LINE_AA)  # the rim


def test_a_coin_over_the_hands_edge_that_the_mask_lost_comes_back():
    img, hand, pts = _palm()
    centre, radius = (200, 300), 30  # 20 px inside the palm's edge: it hangs 10 px over the table
    _draw_coin(img, centre, radius)
    coin = _disc(hand.shape, centre, radius)
    bitten = hand.copy()
    bitten[coin] = 0  # what the model does: the whole coin dropped, a round bite left
    out = keep_coins(img, bitten, [pts])
    assert out is not bitten
    assert (out[coin] > 0).mean() > 0.95
    # nothing else joined: what was added lies on or right by the coin
    added = (out > 0) & (bitten == 0)
    assert not (added & ~_disc(hand.shape, centre, radius + 3)).any()
    # a hand known only by its box has no palm to lie on
    assert keep_coins(img, bitten, []) is bitten


def test_a_hand_without_a_coin_is_left_as_it_is():
    img, hand, pts = _palm()
    assert keep_coins(img, hand, [pts]) is hand
    assert find_coins(img, np.zeros_like(hand), [pts]) == []


def test_a_round_bite_of_skin_colour_is_not_taken_for_a_coin():
    img, hand, pts = _palm()
    centre, radius = (200, 300), 30
    _draw_coin(img, centre, radius, colour=(200, 146, 118))  # round, but the hand's own colour
    bitten = hand.copy()
    bitten[_disc(hand.shape, centre, radius)] = 0
    assert keep_coins(img, bitten, [pts]) is bitten
    assert find_coins(img, bitten, [pts], contrast=0.0)  # it is round enough: the colour rule refused it


def test_a_round_bite_showing_the_table_is_not_taken_for_a_coin():
    """The gap between a thumb and an index finger: round, ringed by hand, not skin, but table."""
    img, hand, pts = _palm()
    centre, radius = (200, 300), 30
    bitten = hand.copy()
    bitten[_disc(hand.shape, centre, radius)] = 0
    img[_disc(hand.shape, centre, radius)] = TABLE
    cv2.circle(img, centre, radius, (40, 55, 90), 2, cv2.LINE_AA)  # a shaded edge, so it looks round
    assert keep_coins(img, bitten, [pts]) is bitten
    assert find_coins(img, bitten, [pts], contrast=0.0)  # found, but refused for its colour


def test_a_coin_on_the_table_beside_the_hand_is_not_added():
    img, hand, pts = _palm()
    centre, radius = (200, 350), 30  # touching the palm's edge from outside: mostly table round it
    _draw_coin(img, centre, radius)
    assert keep_coins(img, hand, [pts]) is hand
    assert find_coins(img, hand, [pts], around=0.0)  # found, but refused for the table round it


def test_a_coin_the_mask_already_holds_changes_nothing():
    img, hand, pts = _palm()
    _draw_coin(img, (200, 200), 30)
    assert keep_coins(img, hand, [pts]) is hand
    assert find_coins(img, hand, [pts], inside=1.01)  # found, but there is nothing to add


def test_the_pipeline_gives_back_the_coin_unless_told_not_to():
    pts, truth = straight_hand()
    rng = np.random.default_rng(0)
    img = np.clip(np.array(TABLE, float) + rng.normal(0, 3, (360, 300, 3)), 0, 255).astype(np.uint8)
    img[truth > 0] = SKIN
    centre, radius = (72, 268), 20  # on the palm's little-finger edge (x = 56), 4 px over it
    _draw_coin(img, centre, radius)
    coin = _disc(truth.shape, centre, radius)
    hand = HandBox(mask_box(truth), 0.9, landmarks=pts, source="fake")
    seg = ColourSegmenter(size=128)  # calls only skin hand, so it drops the coin, as the U-Net did
    kept = {}
    for on in (True, False):
        r = Pipeline(FakeDetector([hand]), seg, PipelineConfig(keep_coins=on)).process(img)
        kept[on] = (r.mask[coin] > 0).mean()
    assert kept[False] < 0.8
    assert kept[True] > 0.95
