"""The coin set: a coin drawn wholly on the hand (or over its edge), labelled hand, and scored."""
from __future__ import annotations

import json

import cv2
import numpy as np

from benchmarks.coin_score import coin_kept, main as coin_score
from benchmarks.make_coin_set import put_coin
from pipeline.imageio import save_png


def _hand(h: int = 300, w: int = 240) -> tuple[np.ndarray, np.ndarray]:
    img = np.full((h, w, 3), 235, np.uint8)
    mask = np.zeros((h, w), np.uint8)
    cv2.ellipse(mask, (120, 150), (70, 100), 0, 0, 360, 255, -1)
    img[mask > 0] = (200, 150, 125)
    return img, mask


def test_a_coin_lies_wholly_on_the_hand_and_is_labelled_hand():
    for seed in range(5):
        img, mask = _hand()
        before_img, before_mask = img.copy(), mask.copy()
        coin, disc = put_coin(img, mask, np.random.default_rng(seed))
        on = disc > 0
        assert on.sum() > 50
        assert (before_mask[on] > 0).all()  # on the hand, not over its edge
        assert (mask == before_mask).all()  # so the label is the hand's as it was
        assert np.abs(img[on].astype(int) - before_img[on]).mean() > 10  # and the coin is drawn
        assert (img[before_mask == 0] == before_img[before_mask == 0]).all()  # the table untouched
        assert coin["metal"] and coin["radius"] > 0


def test_an_overhanging_coin_crosses_the_hands_edge_and_the_label_takes_it_in():
    img, mask = _hand()
    before = mask.copy()
    _, disc = put_coin(img, mask, np.random.default_rng(3), overhang=True)
    on = disc > 0
    assert 0 < (before[on] == 0).sum() < 0.5 * on.sum()  # partly over the table, mostly on the hand
    assert (mask[on] > 0).all()


def test_the_same_seed_draws_the_same_coin():
    a, ma = _hand()
    b, mb = _hand()
    put_coin(a, ma, np.random.default_rng(7))
    put_coin(b, mb, np.random.default_rng(7))
    assert (a == b).all() and (ma == mb).all()


def test_coin_score_counts_the_share_of_each_coin_kept(tmp_path):
    coin = np.zeros((20, 20), np.uint8)
    coin[5:15, 5:15] = 255
    whole, half = coin.copy(), coin.copy()
    half[5:10] = 0
    assert coin_kept(coin, whole) == 1.0 and coin_kept(coin, half) == 0.5
    for name, pred in (("a", whole), ("b", half)):
        save_png(tmp_path / "coins" / f"{name}.png", coin)
        save_png(tmp_path / "pred" / f"{name}.png", pred)
    out = tmp_path / "score.json"
    assert coin_score(["--coins", str(tmp_path / "coins"), "--pred", str(tmp_path / "pred"), "-o", str(out)]) == 0
    report = json.loads(out.read_text())
    assert report["coins"] == 2 and report["mean_kept"] == 0.75 and report["min_kept"] == 0.5
    assert report["under_0.99"] == 1 and report["per_coin"] == {"a": 1.0, "b": 0.5}
    assert coin_score(["--coins", str(tmp_path / "none"), "--pred", str(tmp_path / "pred")]) == 2
