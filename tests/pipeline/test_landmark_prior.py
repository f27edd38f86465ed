import cv2
import numpy as np

from pipeline.landmark_prior import (agreement, apply_prior, bridge_fingers, fingertip_discs, hand_prior,
                                     rescue_grown, skeleton_anchor, to_crop)
from tests.conftest import draw_hand
from tests.pipeline.straight_hand import straight_hand


def synthetic_landmarks(h=240, w=320):
    """Landmarks matching tests.conftest.draw_hand: wrist below the palm, fingers fanned out."""
    cx, cy, r = w // 2, int(h * 0.62), int(min(h, w) * 0.18)
    pts = [(cx, cy + r * 0.9)]
    for ang in np.linspace(-70, 70, 5):
        a = np.deg2rad(ang)
        for k in (0.6, 1.2, 1.6, 2.0):
            pts.append((cx + np.sin(a) * r * k, cy - np.cos(a) * r * k))
    return np.array(pts, np.float64)


def test_prior_lies_inside_the_hand():
    _, mask = draw_hand()
    prior = hand_prior(synthetic_landmarks(), 320)[:240]
    assert prior.sum() > 500
    assert (mask[prior] > 0).mean() > 0.95


def test_prior_fills_a_hole_on_the_palm():
    img, mask = draw_hand()
    soft = (mask > 0).astype(np.float32)
    cv2.circle(soft, (160, 150), 14, 0, -1)  # a coin the model left out
    pts = synthetic_landmarks()
    canvas = np.zeros((320, 320), np.float32)
    canvas[:240] = soft
    crop = np.zeros((320, 320, 3), np.uint8)
    crop[:240] = img
    out, rerun = apply_prior(crop, canvas, pts, 0.5, 0.8)
    assert not rerun  # the model agreed with the landmarks elsewhere
    hole = np.zeros((320, 320), bool)
    cv2.circle(hole.view(np.uint8), (160, 150), 14, 1, -1)
    assert (out[hole] > 0.5).mean() > 0.5


def test_grabcut_rescues_an_inverted_prediction():
    img, mask = draw_hand(240, 320, seed=3)
    crop = np.zeros((320, 320, 3), np.uint8)
    crop[:240] = img
    truth = np.zeros((320, 320), np.uint8)
    truth[:240] = mask
    inverted = (truth == 0).astype(np.float32)  # the model took the background for the hand
    pts = synthetic_landmarks()
    assert agreement(inverted, hand_prior(pts, 320), 0.5) < 0.1
    out, rerun = apply_prior(crop, inverted, pts, 0.5, 0.8)
    assert rerun
    p, t = out > 0.5, truth > 0
    assert (p & t).sum() / (p | t).sum() > 0.8


def test_to_crop_applies_affine():
    m = np.array([[2.0, 0, 10], [0, 2.0, -4]])
    assert np.allclose(to_crop(np.array([[1.0, 2.0]]), m), [[12, 0]])


def test_grabcut_rescue_is_repeatable():
    import cv2 as _cv2

    img, mask = draw_hand(240, 320, seed=5)
    crop = np.zeros((320, 320, 3), np.uint8)
    crop[:240] = img
    inverted = np.ones((320, 320), np.float32)
    pts = synthetic_landmarks()
    a, _ = apply_prior(crop, inverted, pts, 0.5, 0.8)
    _cv2.setRNGSeed(12345)  # whatever ran before must not matter
    b, _ = apply_prior(crop, inverted, pts, 0.5, 0.8)
    assert np.array_equal(a, b)


def test_a_trusted_mask_gains_the_palm_but_not_the_finger_bones():
    _, mask = draw_hand()
    pts = synthetic_landmarks()
    soft = np.zeros((320, 320), np.float32)
    soft[:240] = mask > 0
    tip = tuple(int(v) for v in pts[8])  # the index finger's tip landmark
    cv2.circle(soft, tip, 12, 0, -1)  # the model says this fingertip is background
    out, rerun = apply_prior(np.zeros((320, 320, 3), np.uint8), soft, pts, 0.5, 0.8)
    assert not rerun
    on_bone = np.round(pts[7] + 0.5 * (pts[8] - pts[7])).astype(int)  # inside the erased disc
    assert hand_prior(pts, 320)[on_bone[1], on_bone[0]]  # the full skeleton would paint it
    assert out[on_bone[1], on_bone[0]] == 0
    palm = hand_prior(pts, 320, fingers=False)
    assert palm.sum() > 500 and (out[palm] == 1).all()


def close_fingered_hand(size=320, spread=14.0):
    """A palm and five fingers only ``spread`` degrees apart (narrow gaps), with matching landmarks."""
    mask = np.zeros((size, size), np.uint8)
    cx, cy, r = size // 2, int(size * 0.65), int(size * 0.14)
    cv2.circle(mask, (cx, cy), r, 255, -1)
    pts = [(cx, cy + r * 0.9)]
    for ang in np.linspace(-2 * spread, 2 * spread, 5):
        a = np.deg2rad(ang)
        cv2.line(mask, (cx, cy), (int(cx + np.sin(a) * r * 3.2), int(cy - np.cos(a) * r * 3.2)), 255, r // 3)
        for k in (0.8, 1.7, 2.4, 3.1):
            pts.append((cx + np.sin(a) * r * k, cy - np.cos(a) * r * k))
    return mask, np.array(pts, np.float64), (cx, cy, r)


def test_grabcut_keeps_the_gaps_between_fingers_on_a_surface_of_skin_colour():
    """Pale wood under a pale hand: the gaps between the fingers must stay background.

    A GrabCut seeded with a "probable hand" band around the skeleton learnt the wood's colour
    from the gaps the band covered and then kept them (samples/hand_on_wood_table.jpg).
    """
    truth, pts, (cx, cy, r) = close_fingered_hand()
    rng = np.random.default_rng(5)
    shape = (*truth.shape, 3)
    wood = (rng.normal(0, 6, shape) + [215, 180, 140]).clip(0, 255).astype(np.uint8)
    wood[::24] = (wood[::24] * 0.8).astype(np.uint8)  # plank seams
    skin = (rng.normal(0, 6, shape) + [230, 195, 170]).clip(0, 255).astype(np.uint8)
    crop = np.where(truth[..., None] > 0, skin, wood)
    inverted = (truth == 0).astype(np.float32)  # the model took the wood for the hand
    out, rerun = apply_prior(crop, inverted, pts, 0.5, 0.8)
    assert rerun
    # the narrow wedges between neighbouring fingers, within their reach
    reach = np.zeros(truth.shape, np.uint8)
    cv2.circle(reach, (cx, cy), int(r * 3.0), 1, -1)
    gaps = (reach > 0) & (truth == 0)
    gaps[cy - r:] = False
    assert gaps.sum() > 300
    assert (out[gaps] > 0.5).mean() < 0.05  # with a band of 0.025 of the crop: 0.25
    p, t = out > 0.5, truth > 0
    assert (p & t).sum() / (p | t).sum() > 0.95



def _cut_index_finger(radius=9):
    """draw_hand's mask on a 320x320 crop with the index finger cut through between two joints:
    the fingertip floats free of the hand, as behind a ring or an over-exposed joint."""
    _, mask = draw_hand()
    pts = synthetic_landmarks()
    soft = np.zeros((320, 320), np.float32)
    soft[:240] = mask > 0
    truth = soft.copy()
    gap = np.round(pts[6] + 0.5 * (pts[7] - pts[6])).astype(int)
    cut = np.zeros((320, 320), np.uint8)
    cv2.circle(cut, tuple(int(v) for v in gap), radius, 1, -1)
    soft[cut > 0] = 0
    return soft, truth, cut > 0, pts


def test_a_fingertip_cut_off_from_the_hand_is_joined_back():
    soft, truth, cut, pts = _cut_index_finger()
    assert cv2.connectedComponents((soft > 0.5).astype(np.uint8))[0] == 3  # background, hand, tip
    out, bridged = bridge_fingers(soft, pts, 0.5)
    assert bridged == 1
    assert cv2.connectedComponents((out > 0.5).astype(np.uint8))[0] == 2
    assert (out[cut & (truth > 0)] > 0.5).mean() > 0.9  # the finger is whole again
    near = cv2.dilate(truth.astype(np.uint8), np.ones((7, 7), np.uint8)) > 0
    assert (out[~near] == 0).all()  # and no wider than the finger (3 px of anti-aliasing aside)


def test_a_whole_mask_is_left_alone():
    _, mask = draw_hand()
    soft = np.zeros((320, 320), np.float32)
    soft[:240] = mask > 0
    out, bridged = bridge_fingers(soft, synthetic_landmarks(), 0.5)
    assert bridged == 0 and np.array_equal(out, soft)


def test_a_missing_fingertip_is_not_drawn_from_landmarks_alone():
    soft, _, _, pts = _cut_index_finger()
    tip = np.zeros((320, 320), np.uint8)
    cv2.line(tip, tuple(int(v) for v in pts[6]), tuple(int(v) for v in 2 * pts[8] - pts[7]), 1, 20)
    soft[tip > 0] = 0  # nothing of the finger past its middle joint
    out, bridged = bridge_fingers(soft, pts, 0.5)
    assert bridged == 0 and np.array_equal(out, soft)


def test_a_large_blob_beyond_the_gap_is_not_taken_for_a_fingertip():
    soft, _, _, pts = _cut_index_finger()
    beyond = tuple(int(v) for v in 2 * pts[8] - pts[7])
    cv2.circle(soft, beyond, 8, 1.0, -1)  # a fingertip a little longer than drawn: still a finger
    assert bridge_fingers(soft, pts, 0.5)[1] == 1
    cv2.circle(soft, beyond, 25, 1.0, -1)  # a skin-coloured object swallowing the tip: not a finger
    assert cv2.connectedComponents((soft > 0.5).astype(np.uint8))[0] == 3  # still apart from the hand
    out, bridged = bridge_fingers(soft, pts, 0.5)
    assert bridged == 0 and np.array_equal(out, soft)


def _hand_with_forearm_and_block():
    """A 320x320 view: draw_hand's hand and a forearm down to the bottom edge, on wood; ``block``
    is a patch of that wood beside the forearm which a fooled model takes for hand."""
    rng = np.random.default_rng(5)
    _, mask = draw_hand(240, 320, seed=5)
    truth = np.zeros((320, 320), np.uint8)
    truth[:240] = mask
    cv2.rectangle(truth, (140, 180), (180, 319), 255, -1)
    view = (rng.normal(0, 6, (320, 320, 3)) + (150, 115, 70)).clip(0, 255).astype(np.uint8)
    view[truth > 0] = (rng.normal(0, 4, (int((truth > 0).sum()), 3)) + (205, 150, 120)).clip(0, 255).astype(np.uint8)
    block = np.zeros((320, 320), bool)
    block[230:300, 182:250] = True
    return view, truth > 0, block


def test_a_grown_crop_of_a_rescued_hand_is_rescued_too():
    view, truth, block = _hand_with_forearm_and_block()
    fooled = (truth | block).astype(np.float32)  # the grown crop's model joined the block to the arm
    previous = truth.copy()
    previous[200:] = False  # the first crop ended above the block
    eye = np.array([[1.0, 0, 0], [0, 1.0, 0]])
    out = rescue_grown(view, fooled, synthetic_landmarks(), (None, eye, previous.astype(np.float32)), eye, 0.5)
    kept = out > 0.5
    assert kept[block].mean() < 0.1
    assert (kept & truth).sum() / (kept | truth).sum() > 0.85
    assert kept[260:, 150:170].mean() > 0.9  # the forearm past the first crop is still hand


def test_rescue_grown_maps_the_previous_crop_into_the_grown_one():
    """The previous crop's mask seeds the grown crop through both crops' matrices: a first crop
    at twice the scale, seen again in a grown crop, keeps its forearm where it lies in the photo."""
    view, truth, block = _hand_with_forearm_and_block()
    half = np.array([[0.5, 0, 0], [0, 0.5, 0]])  # grown crop: the 320 view at 160x160
    small = cv2.resize(view, (160, 160), interpolation=cv2.INTER_AREA)
    fooled = cv2.resize((truth | block).astype(np.float32), (160, 160), interpolation=cv2.INTER_NEAREST)
    eye = np.array([[1.0, 0, 0], [0, 1.0, 0]])
    previous = truth.copy()
    previous[200:] = False
    out = rescue_grown(small, fooled, synthetic_landmarks() * 0.5, (None, eye, previous.astype(np.float32)), half, 0.5)
    small_truth = cv2.resize(truth.astype(np.uint8), (160, 160), interpolation=cv2.INTER_NEAREST) > 0
    small_block = cv2.resize(block.astype(np.uint8), (160, 160), interpolation=cv2.INTER_NEAREST) > 0
    kept = out > 0.5
    assert kept[small_block].mean() < 0.15
    assert (kept & small_truth).sum() / (kept | small_truth).sum() > 0.8


def test_outside_the_forearm_cone_the_models_mask_of_a_grown_crop_is_not_probable_hand():
    """A patch beside the fingers that the grown crop's model took for hand, in a colour found
    nowhere else (a lamp, a poster): as "probable hand" GrabCut keeps it; with the forearm cone
    only what lies the forearm's way from the wrist is, and the patch goes."""
    view, truth, _ = _hand_with_forearm_and_block()
    patch = np.zeros((320, 320), bool)
    patch[20:70, 250:300] = True  # above and right of the fingers, away from the forearm
    view[patch] = (90, 200, 90)
    fooled = (truth | patch).astype(np.float32)
    previous = truth.copy()
    previous[200:] = False
    eye = np.array([[1.0, 0, 0], [0, 1.0, 0]])
    args = (view, fooled, synthetic_landmarks(), (None, eye, previous.astype(np.float32)), eye, 0.5)
    everywhere = rescue_grown(*args) > 0.5
    cone = rescue_grown(*args, cone_deg=60.0) > 0.5
    assert everywhere[patch].mean() > 0.9 and cone[patch].mean() < 0.1
    assert cone[260:, 150:170].mean() > 0.9  # the forearm, inside the cone, stays
    assert (cone & truth).sum() / (cone | truth).sum() > 0.85


def test_the_skeleton_anchor_covers_palm_bones_and_the_forearms_way_but_not_the_boxs_corners():
    pts = synthetic_landmarks()  # wrist (160, 181), fingers fanned upwards
    box = (float(pts[:, 0].min()) - 30, float(pts[:, 1].min()) - 10, float(pts[:, 0].max()) + 30, 239.0)
    anchor = skeleton_anchor((240, 320), pts, box, 0.5, 30.0)
    assert anchor[int(pts[9, 1]), int(pts[9, 0])]  # a knuckle
    assert anchor[int(pts[8, 1]), int(pts[8, 0])]  # a fingertip
    assert anchor[230, 160]  # below the wrist, where the forearm goes
    assert not anchor[230, int(box[0]) + 2]  # the box's lower corners
    assert not anchor[230, int(box[2]) - 2]
    assert not anchor[:, : int(box[0])].any() and not anchor[:, int(np.ceil(box[2])):].any()
    # into a plane that already holds another hand's anchor: added, nothing taken away
    plane = np.zeros((240, 320), bool)
    plane[0:5, 0:5] = True
    assert skeleton_anchor((240, 320), pts, box, 0.5, 30.0, out=plane) is plane
    assert plane[0:5, 0:5].all() and np.array_equal(plane[5:], anchor[5:])


def test_beyond_the_fingertips_lies_past_the_knuckles_and_outside_the_landmarks_reach():
    from pipeline.landmark_prior import beyond_fingertips

    pts = synthetic_landmarks()  # upright: wrist (160, 197), middle tip (160, 62), palm ~75 px
    out = beyond_fingertips((240, 320), pts, 0.3)
    assert out.shape == (240, 320) and out.dtype == bool
    assert out[10, 160]  # far above the middle fingertip
    assert out[20, 100]  # ahead of the fingers, past the tips
    assert not out[20, 20] and not out[20, 300]  # past them but beside the hand: an upper arm, another hand
    assert not out[55, 160]  # within reach of the tip: long nails, landmarks a little short
    assert not out[149, 160] and not out[230, 160]  # palm and forearm
    assert not out[150, 10] and not out[150, 310]  # beside the palm, where another hand may lie
    assert not out[150:, :].any()  # nothing on the wrist's side of the knuckle line (y ~ 143)
    assert out[10, 160] and not beyond_fingertips((240, 320), pts, 1.0)[40, 160]  # reach widens it
    assert not beyond_fingertips((240, 320), np.zeros((21, 2)), 0.3).any()  # no direction: nothing


def _hand_without(finger_drawn, size=320, skin=(200, 150, 125), ground=(40, 28, 15)):
    """A crop of a skin-coloured hand drawn from :func:`synthetic_landmarks` on a dark shelf,
    with only the fingers in ``finger_drawn`` (indices 0 thumb .. 4 little) drawn, and its mask."""
    from detection.faces import FINGERS, PALM

    pts = synthetic_landmarks(size, size)
    crop = np.zeros((size, size, 3), np.uint8)
    crop[:] = ground
    mask = np.zeros((size, size), np.uint8)
    for target, value in ((crop, skin), (mask, 1)):
        cv2.fillConvexPoly(target, cv2.convexHull(np.round(pts[list(PALM)]).astype(np.int32)), value)
        for k in finger_drawn:
            cv2.polylines(target, [np.round(pts[list(FINGERS[k])]).astype(np.int32)], False, value, 16)
    return crop, mask.astype(np.float32), pts


def test_a_finger_drawn_on_the_background_is_left_out_of_the_skeleton():
    from pipeline.landmark_prior import phantom_fingers, skeleton_agreement

    crop, soft, pts = _hand_without((0, 2, 3, 4))  # the index folded away: its landmarks lie on the shelf
    assert phantom_fingers(crop, soft, pts, 0.5) == (1,)
    assert skeleton_agreement(soft, pts, 0.5) < 0.9 <= skeleton_agreement(soft, pts, 0.5, (1,))
    index = hand_prior(pts, 320) & ~hand_prior(pts, 320, skip=(1,))
    out, rerun = apply_prior(crop, soft, pts, 0.5, 0.9)
    assert rerun and (out[index] > 0.5).mean() > 0.9  # seeded with the made-up finger: shelf taken
    out, rerun = apply_prior(crop, soft, pts, 0.5, 0.9, skip=(1,))
    assert not rerun and (out[index] > 0.5).mean() < 0.1


def test_a_missed_finger_of_the_palms_colour_is_no_phantom():
    from pipeline.landmark_prior import phantom_fingers

    crop, _, pts = _hand_without((0, 1, 2, 3, 4))
    _, soft, _ = _hand_without((0, 2, 3, 4))  # the model missed a real index finger
    assert phantom_fingers(crop, soft, pts, 0.5) == ()
    assert phantom_fingers(crop, np.zeros_like(soft), pts, 0.5) == ()  # no palm kept: nothing to compare


def test_fingertip_discs_ring_each_tip_and_nothing_else():
    pts, _ = straight_hand()
    discs = fingertip_discs((360, 300), [pts], 0.1)  # knuckle span 120 px: radius 12
    for k in (4, 8, 12, 16, 20):
        x, y = np.round(pts[k]).astype(int)
        assert discs[y, x] and discs[y, x + 11] and not discs[y, x + 14]
    assert not discs[300, 130]  # not the palm, nor the knuckles
    assert not discs[int(pts[5][1]), int(pts[5][0])]
    assert fingertip_discs((360, 300), [], 0.1) is None
