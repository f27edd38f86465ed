"""Opening the gaps between spread fingers that a mask filled with background."""
from __future__ import annotations

import cv2
import numpy as np

from pipeline.finger_gaps import _nearest, gap_regions, open_disc, open_gaps, shadows
from tests.pipeline.straight_hand import straight_hand

SKIN = (224, 172, 150)
DARK = (60, 58, 62)


def _hand(background=DARK, skin=SKIN):
    """A drawn open hand (palm, four straight fingers, a thumb) with its 21 landmarks; the true
    mask; and the mask a segmenter that filled the lower half of each finger gap would give."""
    pts, truth = straight_hand()
    filled = truth.copy()
    for x in (170, 130, 90):  # the gaps between index, middle, ring and little, filled up to y=150
        filled[150:225, x - 7:x + 8] = 255
    image = np.empty((360, 300, 3), np.uint8)
    image[:] = background
    image[truth > 0] = skin
    return image, truth, filled, pts


def test_a_filled_gap_of_background_colour_is_opened():
    image, truth, filled, pts = _hand()
    out = open_gaps(image, filled, pts)
    wrong_before = int(((filled > 0) != (truth > 0)).sum())
    wrong_after = int(((out > 0) != (truth > 0)).sum())
    assert wrong_before > 2000
    assert wrong_after < 0.25 * wrong_before  # a pixel beside each finger stays (the share is smoothed)
    assert not ((out == 0) & (truth > 0)).any()  # no finger pixel lost
    assert out.dtype == np.uint8 and set(np.unique(out)) <= {0, 255}


def test_a_gap_the_colour_of_the_skin_stays_filled():
    """Skin-coloured fill is webbing or a beige table: colour cannot tell, so the mask decides."""
    image, truth, filled, pts = _hand()
    image[(filled > 0) & (truth == 0)] = SKIN
    assert np.array_equal(open_gaps(image, filled, pts), filled)


def test_a_background_like_the_skin_leaves_the_mask_alone():
    image, truth, filled, pts = _hand(background=(214, 168, 150))
    assert np.array_equal(open_gaps(image, filled, pts), filled)


def test_only_what_the_gap_background_reaches_is_taken():
    """A dark ring on a finger's rim inside the gap, not joined to the gap's background through
    dark pixels, stays (it is on the hand)."""
    image, truth, filled, pts = _hand()
    image[200:206, 128:134] = DARK  # a dark spot in the middle of the filled gap, enclosed by skin
    image[(filled > 0) & (truth == 0)] = SKIN
    assert np.array_equal(open_gaps(image, filled, pts), filled)


def test_gap_regions_lie_between_the_fingers_and_not_on_their_cores():
    image, truth, filled, pts = _hand()
    regions = gap_regions(truth.shape, pts)
    assert len(regions) == 3  # index-middle, middle-ring, ring-little (not the thumb's)
    (x0, y0, x1, y1), gap, skin = regions[1]  # middle-ring: x between 110 and 150
    assert gap.shape == skin.shape == (y1 - y0, x1 - x0) and x0 <= 110 and x1 >= 150
    full = np.zeros(truth.shape, bool)
    full[y0:y1, x0:x1] = gap
    ys, xs = np.nonzero(full[90:])  # below the fingertips (past them the gap runs on over the bones' line)
    assert xs.min() > 110 and xs.max() < 150
    assert not full[pts[9:13, 1].astype(int), pts[9:13, 0].astype(int)].any()  # not on the bones
    assert not full[225:].any()  # nor on the palm
    assert skin[170 - y0, 150 - x0] and skin[170 - y0, 110 - x0]  # the fingers' own colour is read on their bones


def test_a_tiny_hand_is_left_alone():
    mask = np.full((10, 10), 255, np.uint8)
    pts = np.full((21, 2), 5.0)
    assert np.array_equal(open_gaps(np.zeros((10, 10, 3), np.uint8), mask, pts), mask)


WHITE = (250, 250, 248)


def _shadowed_hand(shadow):
    """The drawn hand on a white table, its filled gaps the colour ``shadow``."""
    image, truth, filled, pts = _hand(background=WHITE, skin=(236, 180, 170))
    image[(filled > 0) & (truth == 0)] = shadow
    return image, truth, filled, pts


def test_the_fingers_shadow_on_a_pale_table_is_opened_as_background():
    """Raised fingers cast a grey shadow between them, the table dimmed (a little warm from the
    skin beside it), not tinted to skin; the mask filled it, and it goes."""
    image, truth, filled, pts = _shadowed_hand((215, 205, 196))
    out = open_gaps(image, filled, pts, with_shadows=True)
    assert int(((out > 0) != (truth > 0)).sum()) < 0.25 * int(((filled > 0) != (truth > 0)).sum())
    assert not ((out == 0) & (truth > 0)).any()
    assert np.array_equal(open_gaps(image, filled, pts), filled)  # without with_shadows the colour rule keeps it


def test_skin_in_shade_is_no_shadow():
    """Webbing in shade is skin darkened: it keeps the skin's hue, so it stays."""
    image, truth, filled, pts = _shadowed_hand((180, 134, 124))  # the skin at three quarters
    assert np.array_equal(open_gaps(image, filled, pts, with_shadows=True), filled)


def test_a_shadow_is_darker_than_a_table_unlike_the_skin_yet_lighter_than_the_skin():
    hand, white, beige = np.array([[236.0, 180, 170]]), np.array([[250.0, 250, 248]]), np.array([[226.0, 176, 160]])
    # shadow, table, shaded skin, and a grey darker than the skin (no soft shadow: a dark object)
    pix = np.array([[215.0, 205, 196], [252, 251, 250], [180, 134, 124], [150, 148, 145]])
    assert shadows(pix, hand, white).tolist() == [True, False, False, False]
    assert not shadows(pix, hand, beige).any()  # a table of the skin's colour: shade could be either


def test_a_disc_spared_from_the_shadow_rule_is_still_opened_by_colour():
    """``spare_shade`` (a round thing the loose circle finder saw) keeps only shadow-grey pixels;
    a gap of the table's own colour under it still opens. ``spare`` keeps everything."""
    image, truth, filled, pts = _hand(background=WHITE, skin=(236, 180, 170))
    everywhere = np.ones(filled.shape, bool)
    shade_image = image.copy()
    shade_image[(filled > 0) & (truth == 0)] = (215, 205, 196)
    assert np.array_equal(open_gaps(shade_image, filled, pts, with_shadows=True, spare_shade=everywhere), filled)
    out = open_gaps(image, filled, pts, with_shadows=True, spare_shade=everywhere)  # white gaps: colour
    assert int(((out > 0) != (truth > 0)).sum()) < 0.25 * int(((filled > 0) != (truth > 0)).sum())
    assert np.array_equal(open_gaps(image, filled, pts, with_shadows=True, spare=everywhere), filled)


def test_a_gap_filled_with_one_stripe_of_a_striped_background_is_opened():
    """Behind the fingers a flag: red, white and blue stripes. Their mean is a pink no pixel has,
    and a red stripe in a filled gap lies far from it; judged against the nearest of the
    background's colours, it goes."""
    image, truth, filled, pts = _hand(background=(245, 245, 245), skin=(226, 176, 160))
    for y in range(0, 360, 24):
        image[y:y + 8][truth[y:y + 8] == 0] = (200, 30, 40)
        image[y + 8:y + 16][truth[y + 8:y + 16] == 0] = (30, 40, 120)
    wrong = int(((filled > 0) != (truth > 0)).sum())
    one = open_gaps(image, filled, pts)
    several = open_gaps(image, filled, pts, several_grounds=True)
    assert int(((several > 0) != (truth > 0)).sum()) < 0.5 * int(((one > 0) != (truth > 0)).sum())
    assert int(((several > 0) != (truth > 0)).sum()) < 0.25 * wrong
    assert not ((several == 0) & (truth > 0)).any()


def test_shades_of_one_background_colour_are_one_colour():
    """A white table and the fingers' shadow on it are one colour in two shades: the shadow keeps
    to its own rule (which spares coins), as with a single mean."""
    from pipeline.finger_gaps import ground_colours
    img = np.full((60, 60, 3), 250, np.uint8)
    img[:, 30:] = (205, 203, 200)  # the table in shade
    open_part = np.full((60, 60), 255, np.uint8)

    def colours():
        return ground_colours(img, open_part, img.reshape(-1, 3).mean(axis=0))[0]

    assert colours().shape == (1, 3)
    img[:20, :30] = (200, 30, 40)
    assert colours().shape[0] == 2
    img[8:60, :30] = 250  # a red fleck of the open gap, under a tenth of it, is no colour of its own
    assert colours().shape == (1, 3)


RED_DARK = (52, 36, 34)  # the dark seat in a gap, tinted by the skin around it: the skin's hue, darker than the seat


def test_a_dark_gap_with_the_skins_hue_is_opened_when_darker_than_the_background():
    """Between the fingers of a hand on a dark seat the seat takes a red tint from the skin (light
    bounced off it, a JPEG's coarse colour): the hue test alone took it for shaded skin. On a
    background much darker than the hand, a pixel as dark as that background or darker is
    background whatever its hue."""
    image, truth, filled, pts = _hand()
    image[(filled > 0) & (truth == 0)] = RED_DARK
    assert np.array_equal(open_gaps(image, filled, pts), filled)  # the hue test keeps it
    out = open_gaps(image, filled, pts, dark_ground=0.5)
    assert int(((out > 0) != (truth > 0)).sum()) < 0.25 * int(((filled > 0) != (truth > 0)).sum())
    assert not ((out == 0) & (truth > 0)).any()


def test_skin_in_shade_on_a_dark_background_stays():
    """Webbing in shade, darker than the lit skin but lighter than the seat, keeps the skin's hue: it stays."""
    image, truth, filled, pts = _hand()
    image[(filled > 0) & (truth == 0)] = (112, 84, 74)  # the skin at half, still brighter than the seat
    assert np.array_equal(open_gaps(image, filled, pts, dark_ground=0.5), filled)


def test_the_dark_rule_needs_a_background_much_darker_than_the_hand():
    """The seat is a third of the skin's brightness: under a gate of a quarter it is not dark
    enough, and the hue test decides again."""
    image, truth, filled, pts = _hand()
    image[(filled > 0) & (truth == 0)] = RED_DARK
    assert np.array_equal(open_gaps(image, filled, pts, dark_ground=0.25), filled)
    assert not np.array_equal(open_gaps(image, filled, pts, dark_ground=0.4), filled)


def test_a_small_background_colour_counts_only_where_seen_as_a_patch():
    """A colour in under a tenth of the open gap is left out (a crease seen where the mask left
    it open); seen there as a band, not a line, and not of the skin's hue, it is a minor
    background colour, kept apart from the others."""
    from pipeline.finger_gaps import ground_colours
    img = np.full((60, 60, 3), 250, np.uint8)
    open_part = np.full((60, 60), 255, np.uint8)
    img[40:46, 10:40] = (20, 22, 30)  # a black band, 5 % of the open part
    mean = img.reshape(-1, 3).mean(axis=0)
    major, minor = ground_colours(img, open_part, mean)
    assert major.shape == (1, 3) and minor.shape == (0, 3)
    major, minor = ground_colours(img, open_part, mean, patch=4, hand=SKIN)
    assert major.shape == (1, 3) and minor.shape == (1, 3) and minor.max() < 40
    assert ground_colours(img, open_part, mean, patch=4, hand=(40, 42, 56))[1].shape == (0, 3)  # the hand's hue
    img[40:46, 10:40] = 250
    img[:, 30:32] = (20, 22, 30)  # a line as long and twice as wide as a crease: 3 %, no patch
    assert ground_colours(img, open_part, mean, patch=4, hand=SKIN)[1].shape == (0, 3)


def test_the_dark_band_at_the_bottom_of_mostly_white_gaps_is_opened():
    """Fingers over a white screen whose black bezel crosses the bottom of each gap: the bezel is
    5 % of the gaps' open part, too little to count as their background colour, and it stayed
    filled. Seen as a band it counts, and the bezel the mask filled goes."""
    image, truth, filled, pts = _hand(background=(245, 245, 245))
    image[140:225][truth[140:225] == 0] = (20, 22, 30)
    wrong = int(((filled > 0) != (truth > 0)).sum())
    assert int(((open_gaps(image, filled, pts, several_grounds=True) > 0) != (truth > 0)).sum()) == wrong
    out = open_gaps(image, filled, pts, several_grounds=True, minor_grounds=True)
    assert int(((out > 0) != (truth > 0)).sum()) < 0.25 * wrong
    assert not ((out == 0) & (truth > 0)).any()


def test_open_disc_keeps_patches_as_wide_as_the_disc_and_drops_thinner_ones():
    plane = np.zeros((120, 160), np.uint8)
    cv2.circle(plane, (40, 60), 20, 1, -1)  # a round patch 41 px wide
    plane[10:110, 100:112] = 1  # a bar 12 px wide
    plane[60, 112:150] = 1  # a line hanging on the bar
    opened = open_disc(plane, 30)
    assert opened.dtype == bool
    assert opened[60, 40] and opened[60, 22] and opened[60, 58]  # the round patch, edge to edge
    assert not opened[:, 90:].any()  # the bar and the line are thinner than the disc
    assert open_disc(plane, 11)[20:100, 100:112].all()  # the bar holds an 11 px disc
    # as OpenCV's erosion does, the image's border counts as inside: a strip along it fits
    edge = np.zeros((50, 50), np.uint8)
    edge[:, :8] = 1
    assert open_disc(edge, 12)[:, :8].all()
    # against OpenCV's elliptical opening the two differ only on the patches' outline
    ellipse = cv2.morphologyEx(plane, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (30, 30))) > 0
    assert (ellipse != opened).sum() < 0.05 * ellipse.sum()


def test_nearest_colour_is_numpys_argmin_of_the_squared_distances_ties_to_the_first():
    rng = np.random.default_rng(3)
    pix = rng.integers(0, 256, (500, 3)).astype(np.float32)
    colours = rng.integers(0, 256, (3, 3)).astype(np.float32)
    colours[2] = colours[0]  # a tie everywhere between colours 0 and 2
    expected = np.argmin(((pix[:, None] - colours[None]) ** 2).sum(-1), axis=1)
    assert np.array_equal(_nearest(pix, colours), expected)
    assert not (_nearest(pix, colours) == 2).any()
