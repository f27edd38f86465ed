"""The 2160x4000 evaluation set: an arm leaving the photo still leaves the canvas there."""
from __future__ import annotations

import numpy as np

from benchmarks.make_highres_set import H, W, exits, place, upright


def _arm_leaving(side: str) -> tuple[np.ndarray, np.ndarray]:
    img = np.full((120, 160, 3), 200, np.uint8)
    mask = np.zeros((120, 160), np.uint8)
    mask[40:80, 50:110] = 255  # the hand
    if side == "bottom":
        mask[80:, 70:90] = 255
    elif side == "right":
        mask[50:70, 110:] = 255
    img[mask > 0] = (200, 150, 120)
    return img, mask


def test_exits_counts_mask_pixels_on_each_border():
    _, mask = _arm_leaving("bottom")
    assert exits(mask) == {"left": 0, "right": 0, "top": 0, "bottom": 20}


def test_an_arm_leaving_the_photo_leaves_the_canvas_by_the_same_edge():
    for side in ("bottom", "right"):
        img, mask = _arm_leaving(side)
        for seed in range(5):
            canvas, full = place(img, mask, np.random.default_rng(seed))
            assert canvas.shape == (H, W, 3) and full.shape == (H, W)
            assert exits(full)[side] > 0, (side, seed)
            assert set(np.unique(full)) <= {0, 255}


def test_a_hand_inside_the_photo_is_placed_anywhere_and_free_placement_is_the_old_draw():
    img, mask = _arm_leaving("none")
    a, fa = place(img, mask, np.random.default_rng(3))
    b, fb = place(img, mask, np.random.default_rng(3), anchor=False)
    assert np.array_equal(fa, fb)
    assert not any(exits(fa).values())
    _, arm = _arm_leaving("bottom")
    _, free = place(img, arm, np.random.default_rng(3), anchor=False)
    _, snapped = place(img, arm, np.random.default_rng(3))
    assert exits(free)["bottom"] == 0 < exits(snapped)["bottom"]  # the old set cut the arm mid-canvas


def test_upright_turns_landscape_pairs_together_and_leaves_portrait_ones():
    img, mask = _arm_leaving("right")
    rimg, rmask = upright(img, mask, np.random.default_rng(0))
    assert rimg.shape[:2] == rmask.shape == (160, 120)
    assert np.array_equal(rimg[..., 1] == 200, rmask == 0)  # still aligned
    portrait = np.zeros((50, 40, 3), np.uint8)
    assert upright(portrait, portrait[..., 0], np.random.default_rng(0))[0] is portrait
