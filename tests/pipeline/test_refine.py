import cv2
import numpy as np
import pytest

from pipeline.refine import colour_edge, fill_holes, guided_refine, remove_specks, soft_alpha
from tests.conftest import draw_hand


def test_fill_holes_fills_coin_but_keeps_finger_gaps():
    _, hand = draw_hand(240, 320)
    with_coin_hole = hand.copy()
    cv2.circle(with_coin_hole, (160, 150), 9, 0, -1)  # a coin the model left out, inside the palm
    filled = fill_holes(with_coin_hole, max_fraction=0.05)
    assert np.array_equal(filled, hand)  # hole closed, gaps between fingers (open to background) untouched


def test_fill_holes_keeps_large_real_hole():
    m = np.zeros((100, 100), np.uint8)
    cv2.circle(m, (50, 50), 40, 255, -1)
    cv2.circle(m, (50, 50), 25, 0, -1)  # a thumb-finger ring: a big enclosed gap is real
    assert np.array_equal(fill_holes(m, max_fraction=0.05), m)


def test_fill_holes_ignores_background_touching_border():
    m = np.full((50, 50), 255, np.uint8)
    m[0:5, 20:25] = 0  # a notch open to the image edge is not a hole
    assert np.array_equal(fill_holes(m, 0.5), m)


def test_fill_holes_measures_each_hole_by_its_own_pixels():
    """A hole holding an island of hand (which has a hole of its own) counts only its own
    background: the ring of background around the island is small and filled; the island's
    big hole is measured on its own."""
    m = np.zeros((120, 120), np.uint8)
    cv2.circle(m, (60, 60), 55, 255, -1)
    cv2.circle(m, (60, 60), 40, 0, -1)  # hole: a ring of background ...
    cv2.circle(m, (60, 60), 38, 255, -1)  # ... around an island of hand
    cv2.circle(m, (60, 60), 30, 0, -1)  # the island's own hole, about 2800 px
    area = np.count_nonzero(m)
    ring = np.count_nonzero(cv2.circle(np.zeros_like(m), (60, 60), 40, 1, -1)) - np.count_nonzero(
        cv2.circle(np.zeros_like(m), (60, 60), 38, 1, -1))
    out = fill_holes(m, max_fraction=(ring + 1) / area)  # room for the ring alone
    assert out[60, 60 + 39] == 255  # the ring is filled
    assert out[60, 60] == 0  # the island's large hole stays open


def test_fill_holes_treats_diagonal_background_as_separate_holes():
    """Background pixels touching only at corners are separate holes (4-connected), as the hand
    is 8-connected: each tiny hole is filled on its own."""
    m = np.full((20, 20), 255, np.uint8)
    m[5, 5] = m[6, 6] = 0
    assert fill_holes(m, max_fraction=1.5 / m.size).min() == 255


def test_remove_specks_keeps_two_hands_drops_crumbs():
    m = np.zeros((100, 200), np.uint8)
    m[10:60, 10:60] = 255
    m[10:55, 120:170] = 255
    m[90:92, 90:92] = 255
    out = remove_specks(m, 0.02)
    assert out[30, 30] == 255 and out[30, 140] == 255 and out[90, 90] == 0
    keep = np.zeros_like(m, bool)
    keep[90, 90] = True
    assert remove_specks(m, 0.02, keep=keep)[90, 90] == 255


def test_helpers_do_not_mutate_inputs():
    m = np.zeros((30, 30), np.uint8)
    m[5:25, 5:25] = 255
    m[10:12, 10:12] = 0
    m[0, 29] = 255
    before = m.copy()
    fill_holes(m)
    remove_specks(m)
    soft_alpha(m / 255.0, m)
    assert np.array_equal(m, before)


def test_guided_refine_snaps_blurry_edge_to_image_edge():
    img = np.zeros((80, 80, 3), np.uint8)
    img[:, 40:] = 220  # true edge at x = 40
    img = (img + np.random.default_rng(0).normal(0, 4, img.shape)).clip(0, 255).astype(np.uint8)
    soft = np.zeros((80, 80), np.float32)
    soft[:, 36:] = 1.0  # model edge 4 px off, and blurred by upsampling
    soft = cv2.GaussianBlur(soft, (0, 0), 4)
    refined = guided_refine(img, soft, radius=6, eps=1e-3)
    err_before = np.abs((soft > 0.5)[40].argmax() - 40)
    err_after = np.abs((refined > 0.5)[40].argmax() - 40)
    assert err_after < err_before
    assert refined.min() >= 0 and refined.max() <= 1


def test_soft_alpha_agrees_with_mask_away_from_edge():
    m = np.zeros((40, 40), np.uint8)
    m[10:30, 10:30] = 255
    soft = cv2.GaussianBlur(m.astype(np.float32) / 255, (0, 0), 2)
    a = soft_alpha(soft, m)
    assert a[20, 20] == 255 and a[2, 2] == 0
    assert ((a >= 128) == (m > 0)).all()  # thresholding alpha gives back the mask
    assert len(np.unique(a)) > 3  # and the edge is anti-aliased, not binary


def test_anchor_keeps_only_components_overlapping_it():
    m = np.zeros((30, 30), np.uint8)
    m[2:8, 2:8] = 255
    m[20:28, 20:28] = 255
    anchor = np.zeros((30, 30), bool)
    anchor[5:6, 5:6] = True
    out = remove_specks(m, anchor=anchor)
    assert out[2:8, 2:8].all() and not out[20:28, 20:28].any() and out.dtype == np.uint8
    assert not remove_specks(m, anchor=np.zeros_like(anchor)).any()


@pytest.mark.parametrize("shape, radius", [((83, 61), 6), ((5, 7), 9), ((200, 37), 11)])
def test_guided_refine_any_shape_and_view_changes_only_the_band(shape, radius):
    """Sizes that are not multiples of the radius, smaller than it, and non-contiguous views."""
    rng = np.random.default_rng(1)
    h, w = shape
    big = rng.integers(0, 256, (h + 10, w + 10, 3), np.uint8)
    img = big[5:5 + h, 5:5 + w]  # a view with strides, as the pipeline passes a sub-rectangle
    soft = np.zeros((h, w), np.float32)
    soft[:, w // 2:] = 1.0
    soft = cv2.GaussianBlur(soft, (0, 0), 3)
    soft[0, 0], soft[-1, -1] = 0.0, 1.0
    out = guided_refine(img, soft, radius=radius)
    assert out.shape == soft.shape and out.dtype == np.float32
    assert 0.0 <= out.min() and out.max() <= 1.0
    decided = (soft <= 0.02) | (soft >= 0.98)
    assert np.array_equal(out[decided], soft[decided])


def test_guided_refine_flat_guide_keeps_the_soft_mask():
    """With a flat guide a guided filter is a box blur of the mask: a smooth ramp stays a ramp."""
    img = np.full((64, 64, 3), 128, np.uint8)
    soft = np.tile(np.linspace(0, 1, 64, dtype=np.float32), (64, 1))
    out = guided_refine(img, soft, radius=4)
    assert np.abs(out - soft)[:, 8:-8].max() < 0.05


def _disc_photo(hand_rgb, ground_rgb, size=120, radius=35):
    truth = np.zeros((size, size), np.uint8)
    cv2.circle(truth, (size // 2, size // 2), radius, 255, -1)
    image = np.empty((size, size, 3), np.uint8)
    image[:] = ground_rgb
    image[truth > 0] = hand_rgb
    return image, truth


def test_colour_edge_pulls_a_too_wide_mask_back_to_the_photos_edge():
    image, truth = _disc_photo((220, 170, 150), (30, 30, 35))
    wide = cv2.dilate(truth, cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (5, 5)))  # 2 px too wide
    out = colour_edge(image, wide, radius=3)
    assert out.dtype == np.uint8 and out.shape == truth.shape and set(np.unique(out)) <= {0, 255}
    # what is left of the error is the disc's own edge pixels, where the shares are smoothed to a half
    edge = cv2.dilate(truth, np.ones((3, 3), np.uint8)) != cv2.erode(truth, np.ones((3, 3), np.uint8))
    assert not ((out != truth) & ~edge).any()
    assert (out != truth).sum() < 0.4 * (wide != truth).sum()
    narrow = cv2.erode(truth, cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (5, 5)))  # and 2 px too narrow
    out = colour_edge(image, narrow, radius=3)
    assert not ((out != truth) & ~edge).any()
    assert (out != truth).sum() < 0.4 * (narrow != truth).sum()


def test_colour_edge_leaves_the_edge_alone_where_hand_and_ground_look_alike():
    image, truth = _disc_photo((200, 160, 140), (205, 165, 140))  # a table of the hand's colour
    wide = cv2.dilate(truth, cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (5, 5)))
    assert np.array_equal(colour_edge(image, wide, radius=3), wide)


def test_colour_edge_changes_nothing_beyond_its_radius_and_keeps_an_empty_mask_empty():
    image, truth = _disc_photo((220, 170, 150), (30, 30, 35))
    far = cv2.dilate(truth, cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (21, 21)))  # 10 px too wide
    out = colour_edge(image, far, radius=3)
    band = cv2.dilate(far, np.ones((7, 7), np.uint8)) ^ cv2.erode(far, np.ones((7, 7), np.uint8))
    assert np.array_equal(out[band == 0], far[band == 0])
    empty = np.zeros_like(truth)
    assert np.array_equal(colour_edge(image, empty, radius=3), empty)


def test_colour_edge_adds_nothing_where_it_may_not():
    image, truth = _disc_photo((220, 170, 150), (30, 30, 35))
    narrow = cv2.erode(truth, cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (5, 5)))
    out = colour_edge(image, narrow, radius=3, may_add=np.zeros(truth.shape, bool))
    assert np.array_equal(out, narrow)
    left = np.zeros(truth.shape, bool)
    left[:, :60] = True  # may add on the left half only
    out = colour_edge(image, narrow, radius=3, may_add=left)
    assert (out[:, 60:] == narrow[:, 60:]).all() and (out[:, :60] > narrow[:, :60]).any()


def test_colour_edge_adds_no_island_off_the_edge():
    image, truth = _disc_photo((220, 170, 150), (30, 30, 35))
    image[57:64, 100:105] = (220, 170, 150)  # a hand-coloured fleck 4 px off the disc's right edge
    out = colour_edge(image, truth, radius=8)
    n, _ = cv2.connectedComponents(out)
    assert n == 2  # background and the disc: the fleck stays out
    assert (out[57:64, 100:105] == 0).all()


def _ring(truth: np.ndarray, width: int) -> np.ndarray:
    """The ``width`` pixels just outside ``truth``'s edge."""
    k = cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (2 * width + 1, 2 * width + 1))
    return (cv2.dilate(truth, k) > 0) & (truth == 0)


def test_colour_edge_drops_a_jpeg_fringe_of_skin_hue_on_a_dark_ground():
    # a JPEG's half-resolution colour leaves the skin's hue on the dark ground's first pixels: as
    # dark as the ground, as orange as the hand; the hue test alone would keep them as shaded skin
    image, truth = _disc_photo((230, 180, 155), (68, 56, 55))
    fringe = _ring(truth, 2)
    image[fringe] = (86, 55, 37)
    wide = cv2.dilate(truth, cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (5, 5)))
    out = colour_edge(image, wide, radius=4)
    # the fringe's outer pixels all go; of the ones touching the hand, the smoothing that keeps
    # single pixels from flipping keeps some (as it keeps a blurred edge's middle pixel)
    outer = fringe & ~_ring(truth, 1)
    assert (out[outer] == 0).all() and (out[fringe] == 0).mean() > 0.5
    assert not ((out > 0) & (truth == 0) & ~fringe).any()


def _shaded_disc(size=120, cx=60):
    """A disc of skin whose last 10 px darken slowly to 0.3 of its light, on a dark seat."""
    yy, xx = np.mgrid[:size, :size]
    r = np.hypot(yy - cx, xx - cx)
    truth = (r <= 40).astype(np.uint8) * 255
    lit = np.array((230, 180, 155), np.float32)
    shade = np.clip((r - 30) / 10, 0, 1)[..., None]
    image = np.where(truth[..., None] > 0, lit * (1 - 0.7 * shade), np.array((40, 40, 42), np.float32))
    return image.astype(np.uint8), truth


def test_colour_edge_keeps_skin_darkening_slowly_into_shade():
    # shade deepens over many pixels and keeps the skin's hue: far from the plainly lit hand, a
    # shaded pixel as dark as the ground is still hand
    image, truth = _shaded_disc()
    out = colour_edge(image, truth, radius=8)  # a band wide enough to hold plainly lit hand too
    assert np.array_equal(out, truth)


def test_colour_edge_matte_gives_a_blended_outline_its_share_of_hand():
    # a disc whose outline pixel is a 40/60 blend of skin and a dark seat, as a real photo's is
    image, truth = _disc_photo((230, 180, 155), (40, 40, 42))
    rim = _ring(truth, 1)
    image[rim] = np.round(0.4 * np.array((230, 180, 155)) + 0.6 * np.array((40, 40, 42))).astype(np.uint8)
    mask = np.where(rim, 255, truth).astype(np.uint8)  # the mask took the blend in
    matte = np.full(mask.shape, 255, np.uint8)
    out = colour_edge(image, mask, radius=3, matte=matte)
    assert np.array_equal(out, colour_edge(image, mask, radius=3))  # the matte changes no mask
    share = matte[rim & (out > 0)] / 255.0
    assert share.size and np.all(np.abs(share - 0.4 / 0.75) < 0.1)  # 40 % hand, plain hand counting as whole
    assert (matte[cv2.erode(truth, np.ones((9, 9), np.uint8)) > 0] == 255).all()  # deep inside: untouched
    soft = cv2.GaussianBlur(mask.astype(np.float32) / 255, (0, 0), 1.5)
    plain, matted = soft_alpha(soft, out), soft_alpha(soft, out, matte=matte)
    kept_rim = rim & (out > 0)
    # the blended outline turns half transparent...
    assert (matted[kept_rim] <= plain[kept_rim]).all() and (matted[kept_rim] < plain[kept_rim]).mean() > 0.8
    assert ((matted >= 128) == (out > 0)).all()  # ...but alpha still gives back the mask
    ground = _ring(out, 2) & ~rim  # plain seat just outside the mask: no haze of the soft mask's tail
    assert (plain[ground] > 0).any() and (matted[ground] == 0).all()
    far = cv2.dilate(out, np.ones((7, 7), np.uint8)) == cv2.erode(out, np.ones((7, 7), np.uint8))
    assert np.array_equal(matted[far], plain[far])


def test_colour_edge_matte_leaves_a_ground_paler_than_the_hand_alone():
    # on a white table a pale nail's tip has the table's colour: no alpha is taken from colour there
    image, truth = _disc_photo((200, 150, 130), (235, 235, 235))
    rim = _ring(truth, 1)
    image[rim] = np.round(0.4 * np.array((200, 150, 130)) + 0.6 * np.array((235, 235, 235))).astype(np.uint8)
    matte = np.full(truth.shape, 255, np.uint8)
    colour_edge(image, np.where(rim, 255, truth).astype(np.uint8), radius=3, matte=matte)
    assert (matte == 255).all()


def test_colour_edge_below_ground_takes_a_tinted_dark_rim_only_where_asked():
    # a fingertip on a dark seat with a rim of seat 5 px wide in the mask, as dark as the seat but
    # tinted by the skin: the hue test keeps it as shaded skin, except where ``below_ground`` says
    # (the fingertips): there a pixel no brighter than the background is background
    image, truth = _disc_photo((230, 180, 155), (60, 58, 62))
    wide = cv2.dilate(truth, cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (11, 11)))
    rim = (wide > 0) & (truth == 0)
    image[rim] = (52, 36, 34)
    kept = colour_edge(image, wide, radius=6)
    assert (kept[rim] > 0).mean() > 0.7  # beyond the JPEG-bleed reach the tinted rim stays
    left = np.zeros(truth.shape, bool)
    left[:, :60] = True
    out = colour_edge(image, wide, radius=6, below_ground=left)
    assert (out[rim & left] > 0).mean() < 0.2  # taken where asked (most of it)...
    assert np.array_equal(out[:, 62:], kept[:, 62:])  # ...and nowhere else
    assert not ((out == 0) & (truth > 0) & ~_ring(truth, 1)).any()  # no skin lost


def test_colour_edge_below_ground_keeps_shade_brighter_than_the_ground():
    image, truth = _shaded_disc()  # its darkest shade is still brighter than the seat
    assert np.array_equal(colour_edge(image, truth, radius=8, below_ground=np.ones(truth.shape, bool)), truth)
