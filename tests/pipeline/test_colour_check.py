import cv2
import numpy as np

from pipeline.colour_check import check_colours, fill_colours, fill_zone, removable
from tests.conftest import draw_hand
from tests.pipeline.test_landmark_prior import synthetic_landmarks


def _scene():
    """A 320x320 crop of the synthetic hand, its true mask and landmarks."""
    img, mask = draw_hand(240, 320, seed=5)
    crop = np.zeros((320, 320, 3), np.uint8)
    crop[:240] = img
    crop[240:] = img[:80]  # background texture below, not black
    crop[240:][mask[:80] > 0] = img[0, 0]
    truth = np.zeros((320, 320), bool)
    truth[:240] = mask > 0
    return crop, truth, synthetic_landmarks()


def _between_fingers(truth: np.ndarray, points: np.ndarray) -> np.ndarray:
    """The background wedge between the middle and ring fingers' tips and the palm."""
    wedge = np.zeros(truth.shape, np.uint8)
    poly = np.round([points[9], points[12], points[16], points[13]]).astype(np.int32)
    cv2.fillConvexPoly(wedge, poly, 1)
    return (wedge > 0) & ~truth


def test_a_patch_of_background_between_fingers_is_taken_out_and_the_fingers_stay():
    crop, truth, points = _scene()
    patch = _between_fingers(truth, points)
    assert patch.sum() > 300
    soft = (truth | patch).astype(np.float32)
    out = check_colours(crop, soft, points, 0.5, 0.01, cone=(0.5, 60.0))
    assert (out[patch] > 0.5).mean() < 0.2
    assert (out[truth] > 0.5).mean() > 0.97


def test_a_mask_that_is_right_is_left_alone():
    crop, truth, points = _scene()
    soft = truth.astype(np.float32)
    out = check_colours(crop, soft, points, 0.5, 0.01)
    assert ((out > 0.5) != truth).mean() < 0.001


def test_the_forearm_cone_is_not_judged_unless_asked():
    crop, truth, points = _scene()
    below = np.zeros(truth.shape, bool)
    below[200:300, 135:185] = True  # background below the wrist, where a forearm would go
    below &= ~truth
    soft = (truth | below).astype(np.float32)
    kept = check_colours(crop, soft, points, 0.5, 0.01, cone=(0.5, 60.0))
    assert (kept[below] > 0.5).mean() > 0.9
    judged = check_colours(crop, soft, points, 0.5, 0.01, cone=None)
    assert (judged[below] > 0.5).mean() < 0.2


def test_off_and_repeatable():
    crop, truth, points = _scene()
    soft = (truth | _between_fingers(truth, points)).astype(np.float32)
    assert check_colours(crop, soft, points, 0.5, 0.0) is soft
    a = check_colours(crop, soft, points, 0.5, 0.01)
    b = check_colours(crop, soft, points, 0.5, 0.01)
    assert np.array_equal(a, b)
    assert a.dtype == np.float32 and a.min() >= 0.0 and a.max() <= 1.0


def test_only_patches_are_removable_not_rims():
    hard = np.zeros((100, 100), bool)
    hard[20:80, 20:80] = True
    redone = hard.copy()
    redone[20:80, 20:22] = False  # a rim two pixels wide along one side
    assert not removable(hard, redone, 0.01, 3).any()
    redone[40:60, 50:80] = False  # and a 20x30 block
    gone = removable(hard, redone, 0.01, 3)
    assert gone[45:55, 60:75].all()
    assert not gone[30, 20]


def _bitten(truth: np.ndarray, points: np.ndarray) -> np.ndarray:
    """A strip of the palm disc's left side, outside the landmark palm polygon but inside the
    hand's landmark shape: what the model bites out of a palm beside a dark jacket."""
    bite = np.zeros(truth.shape, bool)
    bite[125:195, :132] = True
    return bite & truth & fill_zone(points, truth.shape[0])


def test_a_strip_the_model_bit_out_of_the_palm_is_given_back():
    crop, truth, points = _scene()
    bite = _bitten(truth, points)
    assert bite.sum() > 300
    soft = (truth & ~bite).astype(np.float32)
    out = fill_colours(crop, soft, points, 0.5, 0.01)
    assert (out[bite] > 0.5).mean() > 0.9
    assert ((out > 0.5) & ~truth).sum() < 0.01 * truth.sum()  # and the background stays out


def test_fill_only_adds_and_only_inside_the_hands_outline():
    crop, truth, points = _scene()
    blob = np.zeros(truth.shape, np.uint8)
    cv2.circle(blob, (285, 285), 18, 1, -1)  # skin-coloured, beside the hand, outside its outline
    crop = crop.copy()
    crop[blob > 0] = crop[truth][0]
    soft = (truth & ~_bitten(truth, points)).astype(np.float32)
    out = fill_colours(crop, soft, points, 0.5, 0.01)
    assert not fill_zone(points, 320)[blob > 0].any()
    assert (out[blob > 0] < 0.5).all()
    assert (out >= soft - 1e-6).all()


def test_fill_leaves_a_right_mask_alone_and_can_be_off():
    crop, truth, points = _scene()
    soft = truth.astype(np.float32)
    out = fill_colours(crop, soft, points, 0.5, 0.01)
    assert ((out > 0.5) != truth).mean() < 0.001
    assert fill_colours(crop, soft, points, 0.5, 0.0) is soft
    assert out.dtype == np.float32 and out.max() <= 1.0


def test_skin_between_spread_fingers_is_not_filled_in():
    """A face or an arm behind the hand shows between its fingers in the hand's own colours:
    the fill keeps to the palm and the fingers' capsules."""
    crop, truth, points = _scene()
    gap = _between_fingers(truth, points)
    crop = crop.copy()
    crop[gap] = crop[truth][0]
    out = fill_colours(crop, truth.astype(np.float32), points, 0.5, 0.01)
    assert (out[gap] > 0.5).mean() < 0.2


def test_a_shadow_beside_the_hand_is_not_given_back():
    """A flash throws a near-black shadow along the hand that GrabCut can take for the hand's
    darkest skin; a piece much darker than the hand stays out, one of the hand's lightness is
    added."""
    from pipeline.colour_check import _not_shadows

    crop = np.full((100, 100, 3), (200, 150, 120), np.uint8)
    hard = np.zeros((100, 100), bool)
    hard[20:80, 30:70] = True
    added = np.zeros((100, 100), bool)
    added[20:80, 20:30] = True  # a strip of the hand's own colour
    added[20:80, 72:80] = True  # a shadow
    crop[20:80, 72:80] = (15, 15, 18)
    kept = _not_shadows(crop, hard, added)
    assert kept[20:80, 20:30].all()
    assert not kept[20:80, 72:80].any()


def _below_wrist(truth: np.ndarray, points: np.ndarray) -> np.ndarray:
    """Background below the wrist, beyond the hand's landmark shape: where the model takes a
    garment for a forearm."""
    below = np.zeros(truth.shape, bool)
    below[250:320, 110:210] = True
    return below & ~truth & ~fill_zone(points, truth.shape[0])


def test_a_vivid_garment_taken_for_a_forearm_is_trimmed_and_a_shaded_forearm_kept():
    from pipeline.colour_check import trim_vivid

    crop, truth, points = _scene()
    below = _below_wrist(truth, points)
    assert below.sum() > 3000
    soft = (truth | below).astype(np.float32)
    suit = crop.copy()
    suit[below] = (235, 105, 35)  # an orange suit: chroma about three times the hand's
    out = trim_vivid(suit, soft, points, 0.5, 1.6, 0.01)
    assert (out[below] > 0.5).mean() < 0.1
    assert (out[truth] > 0.5).mean() > 0.99
    shade = crop.copy()
    shade[below] = (115, 82, 66)  # the hand's colour in shade: darker, no more vivid
    kept = trim_vivid(shade, soft, points, 0.5, 1.6, 0.01)
    assert (kept[below] > 0.5).all()


def test_vivid_things_on_the_hand_are_never_trimmed_and_the_trim_can_be_off():
    """Painted nails, a ring, a coin lie inside the hand's landmark shape."""
    from pipeline.colour_check import trim_vivid

    crop, truth, points = _scene()
    on_hand = truth & fill_zone(points, truth.shape[0])
    on_hand[90:] = False  # the fingers' outer halves painted red
    assert 0.03 * truth.sum() < on_hand.sum() < 0.3 * truth.sum()
    painted = crop.copy()
    painted[on_hand] = (220, 20, 40)
    soft = truth.astype(np.float32)
    assert np.array_equal(trim_vivid(painted, soft, points, 0.5, 1.6, 0.01), soft)
    below = _below_wrist(truth, points)
    painted[below] = (235, 105, 35)
    with_suit = (truth | below).astype(np.float32)
    assert trim_vivid(painted, with_suit, points, 0.5, 0.0, 0.01) is with_suit


def test_a_warm_lit_hand_and_forearm_are_never_vivid_to_their_own_skeleton():
    """Under a warm lamp skin reaches chroma 42-44 (two HGR photos), over 1.6 times typical
    skin's 25: the trim measures a hand by its own skeleton, so such a forearm stays whole."""
    from pipeline.colour_check import VIVID_FLOOR, trim_vivid

    crop, truth, points = _scene()
    below = _below_wrist(truth, points)
    warm = crop.copy()
    warm[truth | below] = (230, 150, 100)
    lab = cv2.cvtColor(np.uint8([[[230, 150, 100]]]), cv2.COLOR_RGB2LAB).astype(np.float32)[0, 0]
    assert np.hypot(lab[1] - 128, lab[2] - 128) > 1.6 * VIVID_FLOOR  # vivid against the floor alone
    soft = (truth | below).astype(np.float32)
    assert np.array_equal(trim_vivid(warm, soft, points, 0.5, 1.6, 0.01), soft)
