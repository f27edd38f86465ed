import cv2
import numpy as np
import pytest

from detection.boxes import mask_box
from segmentation.augment import AugmentConfig, NO_AUGMENT, make_crop_sample, make_whole_sample
from segmentation.crops import crop_matrix, crop_square, in_photo, paste_soft, warp_crop
from tests.conftest import draw_hand


def iou(a, b):
    a, b = a > 0, b > 0
    return (a & b).sum() / max((a | b).sum(), 1)


def test_crop_then_paste_round_trip():
    _, mask = draw_hand(240, 320)
    region = crop_square(mask_box(mask), 0.25)
    m = crop_matrix(region, 128)
    crop = warp_crop(mask.astype(np.float32) / 255, m, 128)
    patch, (x0, y0, x1, y1) = paste_soft(crop, m, mask.shape)
    full = np.zeros(mask.shape, np.float32)
    full[y0:y1, x0:x1] = patch
    assert iou(full > 0.5, mask) > 0.97


def test_crop_region_outside_image_is_zero_padded():
    img = np.full((20, 20, 3), 200, np.uint8)
    m = crop_matrix((-20, -20, 20, 20), 40)
    crop = warp_crop(img, m, 40)
    assert crop[:15, :15].max() == 0 and crop[25:, 25:].min() == 200


def test_sample_without_augmentation_matches_pipeline_crop():
    img, mask = draw_hand()
    x, y = make_crop_sample(img, mask, 64)
    m = crop_matrix(crop_square(mask_box(mask)), 64)
    assert np.array_equal(x, warp_crop(img, m, 64))
    assert x.shape == (64, 64, 3) and y.shape == (64, 64) and set(np.unique(y)) <= {0, 1}


@pytest.mark.parametrize("seed", range(5))
def test_augmented_image_and_mask_stay_aligned(seed):
    img, mask = draw_hand(seed=seed)
    cfg = AugmentConfig(brightness=(1, 1), contrast=(1, 1), saturation=(1, 1), hue_shift=0, blur_p=0,
                        noise_p=0, jpeg_p=0, coin_p=0)
    x, y = make_crop_sample(img, mask, 64, np.random.default_rng(seed), cfg)
    skin = (x[..., 0].astype(int) - x[..., 2].astype(int)) > 40  # the hand's colour, warped with the image
    assert iou(skin, y) > 0.85


def test_augmentation_is_deterministic_per_seed_and_varies():
    img, mask = draw_hand()
    a = make_crop_sample(img, mask, 64, np.random.default_rng(3), AugmentConfig())
    b = make_crop_sample(img, mask, 64, np.random.default_rng(3), AugmentConfig())
    c = make_crop_sample(img, mask, 64, np.random.default_rng(4), AugmentConfig())
    assert np.array_equal(a[0], b[0]) and np.array_equal(a[1], b[1])
    assert not np.array_equal(a[0], c[0])


def test_coin_is_painted_inside_hand_and_labelled_hand():
    img, mask = draw_hand(seed=1)
    cfg = AugmentConfig(coin_p=1.0, rotation_deg=0, zoom=0, shift=0, shear=0, hflip=False, box_jitter=0,
                        partial_box_p=0, brightness=(1, 1), contrast=(1, 1), saturation=(1, 1), hue_shift=0,
                        blur_p=0, noise_p=0, jpeg_p=0, gray_p=0)
    x, y = make_crop_sample(img, mask, 96, np.random.default_rng(0), cfg)
    x0, y0 = make_crop_sample(img, mask, 96, np.random.default_rng(0), NO_AUGMENT)
    changed = np.abs(x.astype(int) - x0.astype(int)).max(axis=2) > 30
    assert changed.sum() > 20
    assert changed[y == 0].sum() == 0  # nothing painted on the background
    assert np.array_equal(y, y0)  # the coin does not change the label


def test_empty_mask_gives_letterboxed_whole_image():
    img = np.full((30, 60, 3), 100, np.uint8)
    x, y = make_crop_sample(img, np.zeros((30, 60), np.uint8), 32)
    assert y.sum() == 0
    assert x[:6].max() == 0 and x[10:22].min() == 100  # padded above, image in the middle


def test_whole_image_sample_shape():
    img, mask = draw_hand()
    x, y = make_whole_sample(img, mask, (48, 80), np.random.default_rng(0), AugmentConfig())
    assert x.shape == (48, 80, 3) and y.shape == (48, 80)


def test_cast_shadow_darkens_part_of_the_crop_and_keeps_the_label():
    from segmentation.augment import _shadow_map

    light = _shadow_map(64, 80, np.random.default_rng(5), depth=0.4)
    assert light.shape == (64, 80) and light.min() >= 0.4 - 1e-5 and light.max() <= 1.0 + 1e-5
    assert light.min() < 0.6  # a real shadow, not a uniform dimming
    img, mask = draw_hand(seed=4)
    base = dict(rotation_deg=0, zoom=0, shift=0, shear=0, hflip=False, box_jitter=0, partial_box_p=0, coin_p=0,
                brightness=(1, 1), contrast=(1, 1), saturation=(1, 1), hue_shift=0, blur_p=0, noise_p=0,
                jpeg_p=0, gray_p=0, white_balance=0, overexpose_p=0)
    x, y = make_crop_sample(img, mask, 64, np.random.default_rng(6), AugmentConfig(shadow_p=1.0, **base))
    x0, y0 = make_crop_sample(img, mask, 64, np.random.default_rng(6), NO_AUGMENT)
    assert np.array_equal(y, y0)
    assert (x.astype(int) <= x0.astype(int) + 1).all() and (x.astype(int) < x0.astype(int) - 5).any()


def test_detector_box_crop_is_the_pipeline_crop_with_the_whole_mask_as_label():
    from dataclasses import replace

    img, mask = draw_hand(240, 320)
    x0, y0, x1, y1 = mask_box(mask)
    hand_only = (x0, y0, x1, y0 + 0.5 * (y1 - y0))  # a box around the top half, like a palm-and-fingers box
    cfg = replace(NO_AUGMENT, detector_box_p=1.0)
    x, y = make_crop_sample(img, mask, 64, np.random.default_rng(0), cfg, hand_boxes=[hand_only])
    m = crop_matrix(crop_square(hand_only), 64)
    assert np.array_equal(x, warp_crop(img, m, 64))
    assert np.array_equal(y, (warp_crop(mask, m, 64) > 127).astype(np.uint8))
    region = crop_square(hand_only)
    box_bottom = (hand_only[3] - region[1]) * 64 / (region[3] - region[1])
    assert y[int(box_bottom) + 2:].any()  # the mask below the detector's box stays labelled hand


def test_detector_boxes_are_ignored_without_the_option():
    img, mask = draw_hand(240, 320)
    a = make_crop_sample(img, mask, 64, np.random.default_rng(3), AugmentConfig(detector_box_p=0.0), hand_boxes=[(0, 0, 10, 10)])
    b = make_crop_sample(img, mask, 64, np.random.default_rng(3), AugmentConfig(detector_box_p=0.0))
    assert np.array_equal(a[0], b[0]) and np.array_equal(a[1], b[1])


@pytest.mark.parametrize("region", [(20, 30, 150, 160), (-40, -30, 90, 100), (150, 250, 260, 330), (-50, -50, 260, 350),
                                    (900, 900, 1000, 1000), (-300, -200, 500, 600), (30, 40, 290, 300)])
def test_downscaling_crop_matches_a_whole_image_blur(region):
    """The anti-aliasing blur is computed on the crop's window only, and for strong downscales
    partly on a block-averaged copy: the crop must still be the whole photo's blur, warped (to
    the grey level where blocks were used, exactly where they were not)."""
    rng = np.random.default_rng(3)
    image = cv2.GaussianBlur(rng.integers(0, 256, (300, 210, 3), dtype=np.uint8), (3, 3), 0)
    image[100:200, 50:150] = (230, 160, 140)  # an edge, where a different filter would show
    matrix = crop_matrix(region, 32)  # a strong downscale: the pre-blur is on
    scale = float(np.sqrt(abs(np.linalg.det(matrix[:, :2]))))
    sigma = 0.5 / scale * 0.6
    k = int(2 * round(3 * sigma) + 1)
    whole = cv2.warpAffine(cv2.GaussianBlur(image, (k, k), sigma), matrix, (32, 32), flags=cv2.INTER_LINEAR,
                           borderMode=cv2.BORDER_CONSTANT, borderValue=0)
    crop = warp_crop(image, matrix, 32)
    if scale > 0.125:  # blocks are only used from a 1/8 scale-down on
        assert np.array_equal(crop, whole)
    else:
        inside = whole.any(axis=2)  # pixels whose bilinear footprint lies inside the photo
        inside = cv2.erode(inside.astype(np.uint8), np.ones((3, 3), np.uint8)) > 0
        diff = np.abs(crop.astype(int) - whole.astype(int))[inside]
        assert diff.max() <= 3 and diff.mean() < 0.5


def test_strong_downscale_does_not_alias_fine_stripes():
    """One-pixel stripes shrunk 12x must come out as flat grey, not as coarse false stripes."""
    stripes = np.zeros((1200, 1200), np.uint8)
    stripes[:, ::2] = 255
    crop = warp_crop(stripes, crop_matrix((0, 0, 1200, 1200), 100), 100)
    assert np.abs(crop[5:-5, 5:-5].astype(int) - 127).max() <= 3


def test_recolour_changes_hue_but_keeps_lightness_and_label():
    """Recolouring takes the colour cue away; where the hand is (label, shape) must not move."""
    from segmentation.augment import recolour

    img, mask = draw_hand(seed=7)
    rng = np.random.default_rng(3)
    outs = [recolour(img, rng) for _ in range(12)]
    grey = cv2.cvtColor(img, cv2.COLOR_RGB2GRAY).astype(int)
    assert all(o.shape == img.shape and o.dtype == np.uint8 for o in outs)
    assert all(not np.array_equal(o, img) for o in outs)  # never the photo as it was
    # both kinds happen: a channel reorder keeps each pixel's set of values, a hue turn does not
    reordered = [np.array_equal(np.sort(o, axis=2), np.sort(img, axis=2)) for o in outs]
    assert any(reordered) and not all(reordered)
    # HSV value (max channel) is what a hue turn keeps; a reorder keeps it exactly
    assert all(np.abs(o.max(axis=2).astype(int) - img.max(axis=2).astype(int)).mean() < 3 for o in outs)
    assert all(np.abs(cv2.cvtColor(o, cv2.COLOR_RGB2GRAY).astype(int) - grey).mean() < 60 for o in outs)
    from segmentation.augment import finish_sample

    x0, _ = make_crop_sample(img, mask, 64, np.random.default_rng(6), NO_AUGMENT)
    assert not np.array_equal(finish_sample(x0, np.random.default_rng(1), AugmentConfig(recolour_p=1.0)), x0)
    # off by default: the recipe of the models trained before it
    assert finish_sample(x0, np.random.default_rng(1), AugmentConfig()) is x0



def test_quarter_turns_turn_image_and_mask_together():
    """With every crop turned, the hand still sits under its label, and crops point every way."""
    from dataclasses import replace

    img, mask = draw_hand(160, 160, seed=4)
    turned = replace(NO_AUGMENT, quarter_turn_p=1.0)  # nothing else random
    _, up = make_crop_sample(img, mask, 64, np.random.default_rng(0), NO_AUGMENT)
    seen = set()
    for seed in range(12):
        x, y = make_crop_sample(img, mask, 64, np.random.default_rng(seed), turned)
        skin = (x[..., 0].astype(int) - x[..., 2].astype(int)) > 40
        assert (skin == (y > 0)).mean() > 0.97  # the label follows the turned hand
        assert (y == up).mean() < 0.97  # and it was turned
        seen |= {k for k in (1, 2, 3) if (np.rot90(up, k) == y).mean() > 0.97}
    assert seen == {1, 2, 3}  # all three turns happen


def test_relight_changes_the_hand_alone_both_ways_and_is_seeded():
    from segmentation.augment import finish_sample, relight_hand

    img, mask = draw_hand(seed=2)
    hand = mask > 0
    far = cv2.dilate(mask, np.ones((11, 11), np.uint8)) == 0  # beyond the feathered edge
    lab = cv2.cvtColor(img, cv2.COLOR_RGB2LAB).astype(float)
    outs = [relight_hand(img, mask, np.random.default_rng(s)) for s in range(12)]
    for o in outs:
        assert o.shape == img.shape and o.dtype == np.uint8
        assert np.array_equal(o[far], img[far])  # the background is untouched, bit for bit
    light = [cv2.cvtColor(o, cv2.COLOR_RGB2LAB)[hand, 0].mean() - lab[hand, 0].mean() for o in outs]
    assert min(light) < -40 and max(light) > 20  # dimmed and washed out both happen
    chroma = [np.hypot(*(cv2.cvtColor(o, cv2.COLOR_RGB2LAB)[hand, 1:].astype(float) - 128).T).mean() for o in outs]
    assert max(chroma) < np.hypot(*(lab[hand, 1:] - 128).T).mean()  # never more colourful than before
    assert np.array_equal(relight_hand(img, mask, np.random.default_rng(4)), outs[4])
    # finish_sample relights only when it is given the mask, and is off by default
    assert finish_sample(img, np.random.default_rng(0), AugmentConfig(relight_p=1.0)) is img
    assert not np.array_equal(finish_sample(img, np.random.default_rng(0), AugmentConfig(relight_p=1.0), mask), img)
    assert finish_sample(img, np.random.default_rng(0), AugmentConfig(), mask) is img


def test_grey_crops_are_grey_whole_and_off_by_default():
    from segmentation.augment import finish_sample

    rng = np.random.default_rng(0)
    img = rng.integers(0, 255, (32, 32, 3), dtype=np.uint8)
    out = finish_sample(img, np.random.default_rng(1), AugmentConfig(grey_crop_p=1.0))
    assert out.shape == img.shape and out.dtype == np.uint8
    assert (out[..., 0] == out[..., 1]).all() and (out[..., 1] == out[..., 2]).all()
    assert np.abs(out[..., 0].astype(int) - cv2.cvtColor(img, cv2.COLOR_RGB2GRAY).astype(int)).max() == 0
    assert finish_sample(img, np.random.default_rng(1), AugmentConfig()) is img


@pytest.mark.parametrize("box", [(150.0, -20.0, 250.0, 80.0), (-30.0, 40.0, 60.0, 130.0), (20.0, 10.0, 90.0, 80.0)])
def test_in_photo_marks_the_crop_pixels_that_show_the_photo(box):
    photo = np.full((100, 200, 3), 255, np.uint8)
    m = crop_matrix(box, 64)
    shown = warp_crop(photo, m, 64)[..., 0]
    inside = in_photo(m, photo.shape, 64)
    assert inside.shape == (64, 64) and inside.dtype == bool
    assert inside[shown == 255].all()  # every pixel fully in the photo
    padding = cv2.erode((shown == 0).astype(np.uint8), np.ones((3, 3), np.uint8)) > 0
    assert not inside[padding].any()  # none of the padding, bar the row on the photo's edge
    assert (inside != (shown > 127)).mean() < 0.03  # they differ on the photo's edge only
