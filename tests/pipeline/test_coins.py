"""A coin the mask bit out of the hand's edge comes back; nothing else round does."""
from __future__ import annotations

import cv2
import numpy as np

from detection.boxes import mask_box
from detection.types import HandBox
from pipeline.coins import (LIKE_SCALE, PAINT_MARGIN, coin_discs, coin_view, coins_to_paint, find_coins, keep_coins,
                           paint_over)
from pipeline.config import PipelineConfig
from pipeline.core import Pipeline
from tests.conftest import ColourSegmenter, FakeDetector
from tests.pipeline.straight_hand import straight_hand

SKIN = (205, 150, 120)
TABLE = (70, 95, 140)
SILVER = (195, 195, 200)
#: the crop-to-photo matrix of a crop that is the photo itself
IDENTITY = np.array([[1.0, 0.0, 0.0], [0.0, 1.0, 0.0]])


def _palm(h: int = 400, w: int = 400, seed: int = 0) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """A skin-coloured palm (a disc of radius 120 at the centre) on a bluish table, with noise,
    and landmarks whose palm outline (0, 1, 5, 9, 13, 17) is a hexagon of radius 100 inside it,
    the fingers' landmarks above the palm."""
    rng = np.random.default_rng(seed)
    mask = np.zeros((h, w), np.uint8)
    cv2.circle(mask, (w // 2, h // 2), 120, 255, -1)
    img = np.where(mask[..., None] > 0, np.array(SKIN, float), np.array(TABLE, float))
    img = (img + rng.normal(0, 4, img.shape)).clip(0, 255).astype(np.uint8)
    pts = np.tile([w / 2, 20.0], (21, 1))  # the fingers: up, off the palm
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


def test_the_discs_to_spare_cover_a_coin_the_mask_holds_and_nothing_else():
    """Steps that take grey out of a mask (the fingers' shadow) leave a silver coin alone."""
    img, hand, pts = _palm()
    assert coin_discs(img, hand, [pts]) is None
    _draw_coin(img, (200, 200), 30)
    spare = coin_discs(img, hand, [pts])
    assert spare.shape == hand.shape and spare[200, 200] and spare[200, 229]  # the whole coin, rim too
    assert not spare[200, 240] and not spare[20, 20]  # but not much more


def test_the_loose_discs_also_take_a_coin_of_the_skins_colour():
    """A brass coin on a palm is too like the skin for the strict finder, which must not take a
    fold of skin for a coin; the shadow rule's sparing takes any round thing there."""
    img, hand, pts = _palm()
    brass = (215, 160, 115)
    _draw_coin(img, (200, 200), 30, brass)
    assert coin_discs(img, hand, [pts]) is None
    spare = coin_discs(img, hand, [pts], strict=False)
    assert spare is not None and spare[200, 200] and spare[200, 229]
    assert not spare[20, 20]
    assert coin_discs(_palm()[0], hand, [pts], strict=False) is None  # a plain palm has none


def test_both_searches_find_the_same_discs_from_one_shared_view():
    """The pipeline makes one view of the photo for the strict and the loose search."""
    img, hand, pts = _palm()
    _draw_coin(img, (200, 200), 30)
    view = coin_view(img, hand)
    assert view is not None
    for strict in (True, False):
        own, shared = coin_discs(img, hand, [pts], strict=strict), coin_discs(img, hand, [pts], strict=strict, view=view)
        assert own is not None and np.array_equal(own, shared)
    assert coin_view(img, np.zeros_like(hand)) is None  # no hand, no view


def test_a_later_view_of_the_same_photo_shares_the_scaled_photo_when_its_scale_is_about_the_same():
    img, hand, pts = _palm()
    big = cv2.resize(img, None, fx=4, fy=4, interpolation=cv2.INTER_LINEAR)  # scaled down for the search
    mask = cv2.resize(hand, None, fx=4, fy=4, interpolation=cv2.INTER_NEAREST)
    first = coin_view(big, mask)
    assert first is not None and first.scale < 1
    nibbled = mask.copy()
    nibbled[:, :8] = 0  # a later mask of the same hand, its inner radius unchanged
    later = coin_view(big, nibbled, like=first)
    assert later.small is first.small and later.scale == first.scale
    own = coin_view(big, nibbled)
    assert np.array_equal(later.small, own.small) and np.array_equal(later.hand, own.hand)
    smaller = cv2.erode(mask, np.ones((41, 41), np.uint8))  # another scale: scaled again, not shared
    other = coin_view(big, smaller, like=first)
    assert other.scale != first.scale and other.small is not first.small
    assert np.array_equal(other.small, coin_view(big, smaller).small)
    # an edge a pixel or two inside (the edge steps): a scale a percent off takes the earlier one
    shaved = cv2.erode(mask, np.ones((3, 3), np.uint8), iterations=2)
    alone = coin_view(big, shaved)
    assert alone.scale != first.scale and abs(alone.scale - first.scale) <= LIKE_SCALE * alone.scale
    near = coin_view(big, shaved, like=first)
    assert near.small is first.small and near.scale == first.scale
    assert near.hand.shape == first.small.shape[:2] and not np.array_equal(near.hand, first.hand)
    assert abs(near.inner - alone.inner * first.scale / alone.scale) < 1e-6


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
        r = Pipeline(FakeDetector([hand]), seg, PipelineConfig(keep_coins=on, paint_coins=on)).process(img)
        kept[on] = (r.mask[coin] > 0).mean()
    assert kept[False] < 0.8
    assert kept[True] > 0.95


def test_a_coin_on_the_palm_is_found_to_paint_over_even_when_the_mask_holds_it():
    img, hand, pts = _palm()
    _draw_coin(img, (200, 210), 30)
    soft = (hand > 0).astype(np.float32)  # the mask holds the coin: nothing to give back...
    assert keep_coins(img, hand, [pts]) is hand
    # ...but the coin is there to paint over; in a crop at half scale it is found in photo pixels
    matrix = np.array([[0.5, 0.0, -0.25], [0.0, 0.5, -0.25]])
    crop = cv2.warpAffine(img, matrix, (200, 200), flags=cv2.INTER_AREA)
    small = cv2.warpAffine(soft, matrix, (200, 200))
    coins = coins_to_paint(crop, small, pts * 0.5 - 0.25, matrix, img, 0.5)
    assert len(coins) == 1
    x, y, r, skin = coins[0]
    assert abs(x - 200) <= 2 and abs(y - 210) <= 2 and 27 <= r <= 33
    assert np.abs(np.array(skin) - SKIN).max() < 15  # the skin round it, not the coin or the table


def test_a_fingertip_folded_over_the_palm_is_not_taken_for_a_coin():
    img, hand, pts = _palm()
    _draw_coin(img, (200, 210), 30)  # as round and pale as a white-tipped nail seen end on
    pts[8] = (200, 215)  # the index fingertip lies there
    assert coins_to_paint(img, (hand > 0).astype(np.float32), pts, IDENTITY, img, 0.5) == []


def test_a_coin_off_the_palms_outline_is_not_painted_over():
    img, hand, pts = _palm()
    _draw_coin(img, (200, 95), 18)  # on the hand, 105 px from its centre: outside the landmark hexagon
    soft = (hand > 0).astype(np.float32)
    assert coins_to_paint(img, soft, pts, IDENTITY, img, 0.5) == []
    assert find_coins(img, hand, [pts], inside=1.01)  # the full-resolution step would still see it


def test_painting_over_leaves_the_photo_alone():
    img, _, _ = _palm()
    before = img.copy()
    out = paint_over(img, [(200.0, 200.0, 30.0, SKIN)])
    assert np.array_equal(img, before)
    assert (out[_disc(img.shape[:2], (200, 200), 31)] == SKIN).all()
    reach = int(round(PAINT_MARGIN * 30)) + 4  # the margin, 2 px and the anti-aliased edge
    assert np.array_equal(out[~_disc(img.shape[:2], (200, 200), reach)], img[~_disc(img.shape[:2], (200, 200), reach)])


class _CoinShySegmenter(ColourSegmenter):
    """Skin and the coin are hand, but a crop showing a coin loses the skin from a little below it down to the
    crop's edge, as the U-Net lost the skin between a coin and the photo's edge on the coin
    validation photos."""

    def predict(self, crops):
        softs = super().predict(crops)
        for crop, soft in zip(np.asarray(crops), softs):
            silver = (crop.min(-1) > 170) & (np.ptp(crop.astype(int), -1) < 20)
            if silver.sum() > 20:
                soft[silver] = 1.0  # the coin itself it keeps
                soft[int(np.flatnonzero(silver.any(1)).max()) + 8:] = 0
        return softs


def test_the_pipeline_segments_a_hand_with_a_coin_as_if_the_coin_were_skin():
    pts, truth = straight_hand()
    rng = np.random.default_rng(0)
    img = np.clip(np.array(TABLE, float) + rng.normal(0, 3, (360, 300, 3)), 0, 255).astype(np.uint8)
    img[truth > 0] = SKIN
    centre, radius = (140, 250), 15  # inside the palm's outline
    cv2.circle(img, centre, radius, SILVER, -1, cv2.LINE_AA)  # no rim: at this size the finder takes the rim
    before = img.copy()
    hand = HandBox(mask_box(truth), 0.9, landmarks=pts, source="fake")
    below = (truth > 0) & (np.arange(360)[:, None] > centre[1] + radius + 5)  # palm between coin and wrist
    coin = _disc(truth.shape, centre, radius)
    got = {}
    for on in (True, False):
        cfg = PipelineConfig(paint_coins=on, landmark_prior=False, context_margin=0)
        r = Pipeline(FakeDetector([hand]), _CoinShySegmenter(size=256), cfg).process(img)
        got[on] = ((r.mask[below] > 0).mean(), (r.mask[coin] > 0).mean())
    assert np.array_equal(img, before)  # the caller's photo (the cut-out's colours) is untouched
    assert got[False][0] < 0.5
    assert got[True][0] > 0.95 and got[True][1] > 0.95


def test_a_coin_deep_in_the_palm_is_painted_even_where_the_mask_dropped_pale_skin_beside_it():
    """On validation a silver coin near a palm's middle was not painted: the model had dropped a
    pale patch of skin beside it, which the table rule took for table of the coin's colour."""
    img, hand, pts = _palm()
    centre, radius = (200, 200), 30
    yy, xx = np.mgrid[:400, :400]
    dist = np.hypot(xx - centre[0], yy - centre[1])
    pale = (dist > 31) & (dist < 50) & (xx < centre[0] - 20)  # a crescent of highlit skin left of the coin
    img[pale] = (235, 195, 175)
    _draw_coin(img, centre, radius, colour=(235, 200, 190))  # as light as the highlight, unlike the skin
    soft = ((hand > 0) & ~pale).astype(np.float32)  # the model kept the coin, dropped the highlight
    assert coins_to_paint(img, soft, pts, IDENTITY, img, 0.5, deep=np.inf) == []  # the table rule refuses it...
    coins = coins_to_paint(img, soft, pts, IDENTITY, img, 0.5)  # ...unless it is deep in the palm (the default)
    assert len(coins) == 1 and np.hypot(coins[0][0] - 200, coins[0][1] - 200) <= 3
    # a circle nearer the palm's outline than ``deep`` is still checked against the table
    assert find_coins(img, (soft > 0).astype(np.uint8) * 255, [pts], inside=1.01, reach=0.0, deep=0.5) == []


def test_a_tilted_coin_is_painted_over_to_its_edge():
    """A coin seen a little tilted is an ellipse; its circle fits between the axes (or the rim
    inside its edge), and the paint must still leave none of the coin showing."""
    img, hand, pts = _palm()
    coin = np.zeros(hand.shape, np.uint8)
    cv2.ellipse(coin, (200, 205), (32, 27), 30, 0, 360, 255, -1)
    img[coin > 0] = SILVER
    cv2.ellipse(img, (200, 205), (29, 24), 30, 0, 360, (165, 165, 170), 2, cv2.LINE_AA)  # the rim
    coins = coins_to_paint(img, (hand > 0).astype(np.float32), pts, IDENTITY, img, 0.5)
    assert len(coins) == 1
    out = paint_over(img, coins)
    assert (np.abs(out[coin > 0].astype(int) - coins[0][3]).max(-1) <= 1).all()  # skin colour all over
    assert np.array_equal(out[hand == 0], img[hand == 0])  # and nothing off the hand


def test_a_silver_coin_across_a_finger_gap_is_not_taken_for_the_fingers_shadow(monkeypatch):
    """With ``gap_shadows`` on, grey between the fingers on a white table goes as shadow; a silver
    coin lying across the gap is as grey, and stays because the circle finder sees it."""
    import pipeline.core as core

    pts, truth = straight_hand()
    rng = np.random.default_rng(0)
    img = np.clip(np.array((250, 250, 248), float) + rng.normal(0, 2, (360, 300, 3)), 0, 255).astype(np.uint8)
    img[truth > 0] = (236, 180, 170)
    centre, radius = (130, 180), 22  # across the gap between the middle and ring fingers
    _draw_coin(img, centre, radius, (225, 225, 228))
    coin = _disc(truth.shape, centre, radius)
    hand = HandBox(mask_box(truth), 0.9, landmarks=pts, source="fake")

    def kept() -> float:
        r = Pipeline(FakeDetector([hand]), ColourSegmenter(size=128), PipelineConfig(gap_shadows=True)).process(img)
        return float((r.mask[coin] > 0).mean())

    assert kept() > 0.95
    monkeypatch.setattr(core, "coin_discs", lambda *a, **k: None)  # without the sparing the gap took a fifth
    assert kept() < 0.9
