import numpy as np
import pytest

from segmentation.composite import (
    FAMILIES, add_skin_distractors, composite_sample, load_photo_backgrounds, paste, shift_skin_tone, texture,
)
from tests.conftest import draw_hand


def crop_pair(seed=0, size=96):
    from segmentation.augment import make_crop_sample

    img, mask = draw_hand(seed=seed)
    return make_crop_sample(img, mask, size)


@pytest.mark.parametrize("family", FAMILIES)
def test_composite_keeps_hand_aligned_and_background_zero(family):
    x, y = crop_pair()
    rng = np.random.default_rng(0)
    photos = [np.full((120, 150, 3), 30, np.uint8)]
    xc, yc, fam = composite_sample(x, y, rng, photos, family=family)
    assert fam == family and xc.shape == x.shape and xc.dtype == np.uint8
    assert np.array_equal(yc, y)  # one hand: the label is the hand's, every background pixel stays 0
    inner = np.zeros_like(y, bool)
    import cv2

    inner = cv2.erode(y, np.ones((5, 5), np.uint8)) > 0
    # inside the hand the pasted pixels are the hand's (up to the lighting gain)
    ratio = xc[inner].astype(float).mean() / x[inner].astype(float).mean()
    assert 0.5 < ratio < 2.0


def test_composite_is_deterministic_with_seed():
    x, y = crop_pair()
    a = composite_sample(x, y, np.random.default_rng(5), [])
    b = composite_sample(x, y, np.random.default_rng(5), [])
    assert np.array_equal(a[0], b[0]) and np.array_equal(a[1], b[1]) and a[2] == b[2]


def test_second_hand_is_labelled_hand():
    x, y = crop_pair(0)
    second = crop_pair(3)
    xc, yc, _ = composite_sample(x, y, np.random.default_rng(1), [], family="flat", second=second)
    assert yc.sum() > y.sum()  # the second hand adds hand pixels
    assert set(np.unique(yc)) <= {0, 1}


def test_paste_alpha_blend_bounds():
    x, y = crop_pair()
    bg = np.zeros_like(x)
    out = paste(x, y, bg, np.random.default_rng(0))
    assert out[y == 0].max() <= x.max()
    far = np.ones_like(y, bool)
    import cv2

    far = cv2.dilate(y, np.ones((7, 7), np.uint8)) == 0
    assert out[far].max() == 0  # away from the feathered edge, the background is untouched


def test_distractors_and_tone_shift_change_only_what_they_should():
    rng = np.random.default_rng(0)
    bg = texture(64, rng)
    d = add_skin_distractors(bg, np.array([200, 150, 120], np.float32), rng, 2)
    assert d.shape == bg.shape and not np.array_equal(d, bg)
    x, y = crop_pair()
    shifted = shift_skin_tone(x, y, np.random.default_rng(2))
    far = __import__("cv2").dilate(y, np.ones((15, 15), np.uint8)) == 0  # beyond the feathered edge
    assert np.abs(shifted[far].astype(int) - x[far].astype(int)).max() <= 2  # background untouched
    assert np.abs(shifted[y > 0].astype(int) - x[y > 0].astype(int)).mean() > 3  # the hand changed


def test_photo_backgrounds_avoid_hand_boxes(tmp_path):
    from PIL import Image

    (tmp_path / "images" / "train").mkdir(parents=True)
    (tmp_path / "labels" / "train").mkdir(parents=True)
    img = np.zeros((100, 100, 3), np.uint8)
    img[:, 60:] = 255  # the 'hand' occupies the right part
    Image.fromarray(img).save(tmp_path / "images" / "train" / "a.jpg")
    (tmp_path / "labels" / "train" / "a.txt").write_text("0 0.8 0.5 0.3 0.9\n")
    bgs = load_photo_backgrounds(tmp_path, "train", size=32)
    assert bgs and all(b.mean() < 40 for b in bgs)  # only the hand-free (black) region was kept


def test_skin_surface_sometimes_takes_the_hands_own_colour():
    from segmentation.composite import skin_surface

    hand = np.array([90.0, 160.0, 60.0], np.float32)  # a colour no skin palette entry is near
    means = [skin_surface(64, np.random.default_rng(s), hand).reshape(-1, 3).mean(0) for s in range(20)]
    near = [np.abs(m - hand).max() < 0.2 * 160 for m in means]
    assert 3 <= sum(near) <= 17  # about half the surfaces match the hand, the rest come from the palette
    plain = [skin_surface(64, np.random.default_rng(s)).reshape(-1, 3).mean(0) for s in range(20)]
    assert not any(np.abs(m - hand).max() < 0.2 * 160 for m in plain)


def test_the_hands_shadow_darkens_background_beside_it_and_never_the_hand():
    from segmentation.augment import cast_hand_shadow

    x, y = crop_pair()
    x = np.full_like(x, 200)
    x[y > 0] = 150
    out = cast_hand_shadow(x, y, np.random.default_rng(3))
    assert out.dtype == np.uint8 and out.shape == x.shape
    assert np.array_equal(out[y > 0], x[y > 0])  # the hand lies on top of its shadow
    darker = out[y == 0].astype(int) < x[y == 0].astype(int)
    assert darker.any() and (out[y == 0] <= x[y == 0]).all()  # only ever darker
    a = cast_hand_shadow(x, y, np.random.default_rng(7))
    assert np.array_equal(a, cast_hand_shadow(x, y, np.random.default_rng(7)))  # seeded
    empty = np.zeros_like(y)
    assert np.array_equal(cast_hand_shadow(x, empty, np.random.default_rng(0)), x)


@pytest.mark.parametrize("family", ["texture", "skin", "distractor"])
def test_prints_keep_the_hand_aligned_and_the_background_zero(family):
    from segmentation.composite import CompositeConfig

    x, y = crop_pair()
    xc, yc, _ = composite_sample(x, y, np.random.default_rng(4), [], family=family, cfg=CompositeConfig(print_p=1.0))
    assert np.array_equal(yc, y) and xc.shape == x.shape and xc.dtype == np.uint8


def test_prints_are_busy_seeded_and_off_by_default():
    import cv2

    from segmentation.composite import floral, speckle

    for make in (speckle, floral):
        a = make(96, np.random.default_rng(1))
        assert a.shape == (96, 96, 3) and a.dtype == np.uint8
        assert np.array_equal(a, make(96, np.random.default_rng(1)))
    # terrazzo: many separate flecks that differ from the ground
    fl = [speckle(96, np.random.default_rng(s)) for s in range(5)]
    for img in fl:
        ground = np.median(img.reshape(-1, 3), axis=0)
        off = (np.abs(img.astype(int) - ground).max(axis=2) > 25).astype(np.uint8)
        assert cv2.connectedComponents(off)[0] > 20
    # a floral cloth: shapes of another colour on its ground, not a flat colour
    for s in range(5):
        img = floral(96, np.random.default_rng(s)).astype(int)
        assert np.abs(img - np.median(img.reshape(-1, 3), axis=0)).max(axis=2).max() > 40
    # print_p=0 draws exactly what texture drew before the prints existed
    r1, r2 = np.random.default_rng(9), np.random.default_rng(9)
    assert np.array_equal(texture(64, r1), texture(64, r2, 0.0)) and r1.random() == r2.random()
    assert any(not np.array_equal(texture(64, np.random.default_rng(s)), texture(64, np.random.default_rng(s), 1.0))
               for s in range(3))
