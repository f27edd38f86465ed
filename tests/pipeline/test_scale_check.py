import cv2
import numpy as np

from pipeline.scale_check import excess, reseed_grown
from segmentation.crops import crop_to_crop
from tests.conftest import draw_hand

EYE = np.array([[1.0, 0, 0], [0, 1.0, 0]])


def _scene():
    """A 320x320 grown crop: draw_hand's hand and a forearm to the bottom edge, on wood. The
    previous (smaller) crop saw rows 0-219, columns 50-269 of it, at 1:1."""
    rng = np.random.default_rng(7)
    _, mask = draw_hand(240, 320, seed=5)
    truth = np.zeros((320, 320), np.uint8)
    truth[:240] = mask
    cv2.rectangle(truth, (140, 180), (180, 319), 255, -1)
    truth = truth > 0
    view = (rng.normal(0, 6, (320, 320, 3)) + (150, 115, 70)).clip(0, 255).astype(np.uint8)
    view[truth] = (rng.normal(0, 4, (int(truth.sum()), 3)) + (205, 150, 120)).clip(0, 255).astype(np.uint8)
    prev_matrix = np.array([[1.0, 0, -50], [0, 1.0, 0]])  # full image (= this view) -> previous crop
    prev_soft = truth[:220, 50:270].astype(np.float32)
    return view, truth, (None, prev_matrix, prev_soft)


def test_crop_to_crop_maps_previous_crop_pixels_into_this_crop():
    prev = np.array([[2.0, 0, -20], [0, 2.0, -40]])  # a crop at twice the scale
    this = np.array([[0.5, 0, 5], [0, 0.5, 0]])
    warp = crop_to_crop(prev, this)
    full = np.array([30.0, 50.0])
    in_prev = prev[:, :2] @ full + prev[:, 2]
    assert np.allclose(warp[:, :2] @ in_prev + warp[:, 2], this[:, :2] @ full + this[:, 2])


def test_a_grown_crop_that_agrees_has_no_excess_and_one_that_adds_background_does():
    _, truth, previous = _scene()
    agrees = truth.astype(np.float32)
    assert excess(agrees, previous, EYE, 0.5) < 0.01
    blurred = cv2.GaussianBlur(agrees, (0, 0), 1.5)  # a coarser view's softer edges do not count
    assert excess(blurred, previous, EYE, 0.5) < 0.01
    floor = agrees.copy()
    floor[120:210, 200:260] = 1.0  # wood beside the palm, where the previous crop saw background
    assert excess(floor, previous, EYE, 0.5) > 0.1
    beyond = agrees.copy()
    beyond[250:, 200:300] = 1.0  # outside the previous crop: no one to contradict it
    assert excess(beyond, previous, EYE, 0.5) < 0.01


def test_excess_is_zero_when_the_previous_crop_kept_nothing():
    _, truth, (r, m, soft) = _scene()
    assert excess(truth.astype(np.float32), (r, m, np.zeros_like(soft)), EYE, 0.5) == 0.0


def test_reseeding_drops_the_background_the_grown_crop_added_and_keeps_the_forearm():
    view, truth, previous = _scene()
    fooled = truth.copy()
    fooled[120:210, 200:260] = True  # wood the previous crop called background...
    fooled[250:310, 190:300] = True  # ...and more of it past the previous crop
    out = reseed_grown(view, fooled.astype(np.float32), previous, EYE, 0.5) > 0.5
    assert out[250:310, 190:300][~truth[250:310, 190:300]].mean() < 0.1
    assert out[120:210, 200:260][~truth[120:210, 200:260]].mean() < 0.1
    assert out[260:, 150:170].mean() > 0.9  # the forearm past the previous crop stays
    assert (out & truth).sum() / (out | truth).sum() > 0.9


def test_reseeding_is_repeatable():
    view, truth, previous = _scene()
    fooled = truth.copy()
    fooled[250:310, 190:300] = True
    a = reseed_grown(view, fooled.astype(np.float32), previous, EYE, 0.5)
    cv2.setRNGSeed(4321)
    b = reseed_grown(view, fooled.astype(np.float32), previous, EYE, 0.5)
    assert np.array_equal(a, b)


def test_what_the_finer_crop_called_background_stays_background_even_in_skin_colour():
    """A skin-coloured patch beside the palm (someone else's arm) that the finer crop rejected:
    GrabCut's colour model alone would take it for hand; inside the finer crop it is sure
    background."""
    view, truth, previous = _scene()
    patch = np.zeros((320, 320), bool)
    patch[100:200, 235:265] = True
    patch &= ~cv2.dilate(truth.astype(np.uint8), np.ones((3, 3), np.uint8), iterations=12).astype(bool)
    view[patch] = (205, 150, 120)
    fooled = (truth | patch).astype(np.float32)
    out = reseed_grown(view, fooled, previous, EYE, 0.5) > 0.5
    assert patch.sum() > 500 and out[patch].mean() < 0.05
    assert (out & truth).sum() / (out | truth).sum() > 0.9


def test_where_the_finer_crop_is_unsure_it_is_no_witness():
    """The wide look passes its forearm cone as ``unsure``: there the hand's crop may have ended
    a forearm at the wrist, so what it called background is neither counted as the grown crop's
    excess nor taught to GrabCut as sure background."""
    view, truth, (r, m, prev_soft) = _scene()
    stopped = prev_soft.copy()
    stopped[150:] = 0.0  # the finer crop ended the hand at row 150, above the wrist and forearm
    previous = (r, m, stopped)
    whole = truth.astype(np.float32)  # the grown crop sees the forearm whole
    cone = np.zeros((320, 320), bool)
    cone[150:] = True
    assert excess(whole, previous, EYE, 0.5) > 0.2
    assert excess(whole, previous, EYE, 0.5, unsure=cone) < 0.01
    blind = reseed_grown(view, whole, previous, EYE, 0.5) > 0.5
    aware = reseed_grown(view, whole, previous, EYE, 0.5, unsure=cone) > 0.5
    lower_palm = truth.copy()
    lower_palm[:155] = False
    lower_palm[190:] = False
    assert blind[lower_palm].mean() < 0.5  # sure background to the blind check
    assert aware[lower_palm].mean() > 0.9
    assert aware[260:, 150:170].mean() > 0.9
    assert (aware & truth).sum() / (aware | truth).sum() > 0.9
