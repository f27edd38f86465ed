import cv2
import numpy as np
import pytest

from detection.boxes import mask_box
from pipeline.config import PipelineConfig
from detection.types import HandBox
from pipeline.core import NoHandFound, Pipeline, grow_region
from tests.conftest import ColourSegmenter, FakeDetector, draw_hand


def iou(a, b):
    a, b = a > 0, b > 0
    return (a & b).sum() / max((a | b).sum(), 1)


def test_full_resolution_paste_back_matches_truth():
    img, mask = draw_hand(480, 640)
    seg = ColourSegmenter(size=128)
    p = Pipeline(FakeDetector([mask_box(mask)]), seg, PipelineConfig())
    r = p.process(img)
    assert r.mask.shape == mask.shape and r.mask.dtype == np.uint8
    assert set(np.unique(r.mask)) <= {0, 255}
    assert iou(r.mask, mask) > 0.95
    assert not r.fallback_used
    assert set(r.timings) == {"detect", "segment", "refine", "total"}
    assert ((r.alpha >= 128) == (r.mask > 0)).all()


def test_several_hands_are_merged_and_batched():
    a, ma = draw_hand(200, 200, seed=1)
    b, mb = draw_hand(200, 200, seed=2)
    img = np.hstack([a, b])
    boxes = [mask_box(ma), tuple(v + d for v, d in zip(mask_box(mb), (200, 0, 200, 0)))]
    seg = ColourSegmenter(size=96)
    r = Pipeline(FakeDetector(boxes), seg).process(img)
    assert seg.batches[0] == 2  # both crops in one model call
    assert iou(r.mask[:, :200], ma) > 0.9 and iou(r.mask[:, 200:], mb) > 0.9


def test_no_hand_falls_back_to_whole_image_letterboxed():
    img, mask = draw_hand(120, 300)  # wide: letterboxing keeps the aspect ratio
    r = Pipeline(FakeDetector([]), ColourSegmenter(size=128)).process(img)
    assert r.fallback_used and r.hands == []
    assert iou(r.mask, mask) > 0.85


def test_no_hand_small_in_a_large_photo_is_looked_at_again_in_a_crop_of_its_own():
    hand, truth = draw_hand(240, 320)
    rng = np.random.default_rng(3)
    img = (rng.normal(0, 6, (960, 1280, 3)) + [60, 90, 140]).clip(0, 255).astype(np.uint8)  # draw_hand's ground
    img[600:840, 100:420] = hand  # the hand small in its lower left
    mask = np.zeros(img.shape[:2], np.uint8)
    mask[600:840, 100:420] = truth
    on = Pipeline(FakeDetector([]), ColourSegmenter(size=64)).process(img)
    off = Pipeline(FakeDetector([]), ColourSegmenter(size=64), PipelineConfig(fallback_pieces=0)).process(img)
    assert on.fallback_used and on.hands == []  # still reported as no hand found
    (x0, y0, x1, y1), = on.regions
    hx0, hy0, hx1, hy1 = mask_box(mask)
    assert x1 - x0 < 1280 / 1.5 and x0 <= hx0 and y0 <= hy0 and x1 >= hx1 and y1 >= hy1
    assert off.regions[0][2] - off.regions[0][0] >= 1280
    assert iou(on.mask, mask) > iou(off.mask, mask) + 0.05  # a 64 px view of the whole photo is coarse


def test_no_hand_filling_the_photo_keeps_the_whole_photo_view():
    img, mask = draw_hand(120, 300)
    img[:] = (205, 150, 120)  # a skin-coloured wall: the one piece is the whole photo
    r = Pipeline(FakeDetector([]), ColourSegmenter(size=128)).process(img)
    (x0, y0, x1, y1), = r.regions
    assert x1 - x0 >= 300


def test_require_hand_raises():
    img, _ = draw_hand()
    with pytest.raises(NoHandFound):
        Pipeline(FakeDetector([]), ColourSegmenter(), PipelineConfig(require_hand=True)).process(img)


def test_crop_grows_to_follow_a_forearm_past_the_box():
    img, mask = draw_hand(400, 300)
    # forearm: a skin bar from the palm to the bottom of the image, far outside the hand box
    img[250:400, 135:165] = (205, 150, 120)
    mask[250:400, 135:165] = 255
    hand_only = (90.0, 60.0, 210.0, 260.0)
    grown = Pipeline(FakeDetector([hand_only]), ColourSegmenter(size=96), PipelineConfig(margin=0.1)).process(img)
    fixed = Pipeline(FakeDetector([hand_only]), ColourSegmenter(size=96),
                     PipelineConfig(margin=0.1, max_grow=0)).process(img)
    assert grown.mask[395, 150] == 255  # reaches the image edge
    assert fixed.mask[395, 150] == 0    # without growing, cut off along the crop edge
    assert iou(grown.mask, mask) > iou(fixed.mask, mask)


def test_grow_region_only_towards_touched_inner_edges():
    soft = np.zeros((32, 32), np.float32)
    soft[10:32, 14:18] = 1  # runs off the bottom edge
    r = grow_region((0, 0, 100, 100), soft, 500, 500, 0.5, 1.5)
    assert r == pytest.approx((-25, 0, 125, 150))  # top kept, grown downwards, centred across
    assert grow_region((0, 0, 100, 100), soft, 500, 100, 0.5, 1.5) is None  # bottom is the image edge


def test_rejects_non_rgb_uint8():
    with pytest.raises(ValueError):
        Pipeline(FakeDetector([]), ColourSegmenter()).process(np.zeros((10, 10), np.uint8))


def test_config_validation():
    with pytest.raises(ValueError):
        PipelineConfig(threshold=1.5)
    with pytest.raises(ValueError):
        PipelineConfig(max_hands=0)
    with pytest.raises(ValueError, match="tip_reach"):
        PipelineConfig(tip_reach=-0.1)
    with pytest.raises(ValueError, match="colour_edge"):
        PipelineConfig(colour_edge=-1.0)
    with pytest.raises(ValueError, match="grow_flood"):
        PipelineConfig(grow_flood=0.0)


def test_a_flood_limit_stops_growth_and_the_default_sets_none():
    soft = np.zeros((32, 32), np.float32)
    soft[16:, :] = 1  # the whole bottom half: a background mistake, not an arm
    assert grow_region((0, 0, 100, 100), soft, 500, 500, 0.5, 1.5, flood=0.6) is None
    assert grow_region((0, 0, 100, 100), soft, 500, 500, 0.5, 1.5) is not None  # the default: no limit


def test_padding_past_the_photo_called_hand_is_no_flood():
    # the region runs 50 px above the photo: the crop's top half is black padding, which the
    # model called hand; an arm leaves the crop through its bottom edge, inside the photo
    soft = np.zeros((32, 32), np.float32)
    soft[:16, :] = 1  # the padding, the whole top edge and half of each side
    soft[16:, 12:20] = 1  # the arm
    grown = grow_region((100, -50, 200, 50), soft, 500, 500, 0.5, 1.5, flood=0.6)
    assert grown == pytest.approx((75, -50, 225, 100))  # grown down, where the arm goes
    soft[16:, :] = 1  # the same padding over a mask flooding the photo's part too
    assert grow_region((100, -50, 200, 50), soft, 500, 500, 0.5, 1.5, flood=0.6) is None


def test_blob_detached_from_every_hand_box_is_dropped():
    img, mask = draw_hand(480, 640)
    box = mask_box(mask)
    x0, y0, x1, y1 = (int(v) for v in box)
    # skin-coloured patch inside the crop's margin but touching neither the hand nor its box
    patch = (slice(y1 + 8, y1 + 28), slice(x0, x0 + 60))
    img[patch] = (205, 150, 120)
    cfg = PipelineConfig(max_grow=0)
    kept = Pipeline(FakeDetector([box]), ColourSegmenter(size=128), cfg).process(img)
    assert (kept.mask[patch] > 0).mean() < 0.05
    assert iou(kept.mask, mask) > 0.95
    off = Pipeline(FakeDetector([box]), ColourSegmenter(size=128),
                   PipelineConfig(max_grow=0, anchor_to_hands=False)).process(img)
    assert (off.mask[patch] > 0).mean() > 0.5  # without the rule the patch would be in the cut-out


def test_grown_crop_keeps_the_first_crops_detail_inside_it():
    from pipeline.core import paste_chain
    from segmentation.crops import crop_matrix

    size = 64
    inner_r, outer_r = (50.0, 50.0, 150.0, 150.0), (0.0, 0.0, 200.0, 200.0)
    inner = np.zeros((size, size), np.float32)
    inner[20:44, 20:44] = 1.0  # sharp detail the first crop saw
    outer = np.full((size, size), 0.3, np.float32)  # the grown crop: coarse, unsure
    chain = [(inner_r, crop_matrix(inner_r, size), inner), (outer_r, crop_matrix(outer_r, size), outer)]
    patch, box = paste_chain(chain, (200, 200))
    assert box == (0, 0, 200, 200)
    assert patch[100, 100] > 0.99  # centre of the first crop: its own prediction
    assert patch[60, 100] < 0.01  # background the first crop saw stays background
    assert abs(patch[10, 10] - 0.3) < 1e-3  # outside the first crop: the grown crop's prediction
    edge = patch[51, 100]  # at the first crop's edge the two are blended, no seam
    assert 0.0 < edge < 0.3 + 1e-3
    single, _ = paste_chain(chain[1:], (200, 200))
    assert np.allclose(single[5:-5, 5:-5], 0.3, atol=1e-3)  # one crop: pasted as before


def test_paste_context_continues_only_what_leaves_from_the_wrist():
    from pipeline.core import paste_context
    from segmentation.crops import crop_matrix

    patch = np.zeros((100, 100), np.float32)
    patch[20:60, 40:60] = 0.9  # the tight crops' mask, box (50, 50)-(150, 150): hand down to y=110
    wide = np.zeros((100, 100), np.float32)  # the wide crop, region (0, 0)-(200, 200), 2 px per pixel
    wide[30:55, 45:55] = 0.8  # the hand again, seen coarser
    wide[55:100, 45:55] = 0.8  # and the forearm from the wrist down to the image edge
    wide[5:20, 5:20] = 0.8  # a skin-coloured patch far from the wrist
    wide[30:55, 75:90] = 0.8  # and one beside the box, joined to nothing at the wrist
    m = crop_matrix((0.0, 0.0, 200.0, 200.0), 100)
    out, box = paste_context(patch, (50, 50, 150, 150), wide, m, (60, 60, 140, 115), (100, 108), 20.0,
                             (200, 200), 0.5)
    assert box[3] == 200 and out.shape == (box[3] - box[1], box[2] - box[0])
    at = lambda x, y: out[y - box[1], x - box[0]]  # noqa: E731
    assert at(100, 190) == pytest.approx(0.8, abs=1e-3)  # the forearm, carried on to the edge
    assert at(100, 90) == pytest.approx(0.9)  # inside the hand box: the tight mask alone
    assert at(25, 25) == 0.0 and at(165, 80) == 0.0  # nothing that does not leave from the wrist
    same, same_box = paste_context(patch, (50, 50, 150, 150), wide, m, (60, 60, 140, 115), (100, 20), 20.0,
                                   (200, 200), 0.5)
    assert same is patch and same_box == (50, 50, 150, 150)  # no wrist contact: nothing added


def test_wrist_fill_lets_the_wide_look_close_a_notch_at_the_wrist_inside_the_box():
    from pipeline.core import paste_context
    from segmentation.crops import crop_matrix

    patch = np.zeros((100, 100), np.float32)  # box (50, 50)-(150, 150)
    patch[20:55, 40:60] = 0.9  # the tight mask stops at y=105, short of the box's lower edge
    wide = np.zeros((100, 100), np.float32)  # region (0, 0)-(200, 200), 2 px per pixel
    wide[30:100, 45:55] = 0.8  # hand, wrist and forearm down to the image edge
    wide[34:44, 64:70] = 0.8  # a blob inside the box, beside the fingers, far from the wrist
    m = crop_matrix((0.0, 0.0, 200.0, 200.0), 100)
    args = (patch, (50, 50, 150, 150), wide, m, (60, 60, 140, 115), (100, 108), 20.0, (200, 200), 0.5)
    plain, pbox = paste_context(*args)
    filled, fbox = paste_context(*args, wrist_fill=True)
    at = lambda out, box, x, y: out[y - box[1], x - box[0]]  # noqa: E731
    assert at(plain, pbox, 100, 112) == 0.0  # the notch between hand and forearm stays open
    assert at(filled, fbox, 100, 112) == pytest.approx(0.8, abs=1e-3)  # ... closed with wrist_fill
    assert at(filled, fbox, 100, 190) == pytest.approx(0.8, abs=1e-3)  # the forearm, as before
    assert at(filled, fbox, 134, 78) == 0.0  # inside the box away from the wrist: the tight mask rules
    assert at(filled, fbox, 100, 80) == pytest.approx(0.9)


class WristStopper(ColourSegmenter):
    """A model that ends the forearm at the wrist (here: the hand box's lower edge) in its first
    (tight) batch, like the U-Net on a dark forearm it sees only the start of, and sees it whole
    in later, wider crops."""

    def predict(self, crops):
        out = super().predict(crops)
        if len(self.batches) == 1:
            out[:, int(0.93 * out.shape[1]):] = 0.0
        return out


class LandmarkDetector(FakeDetector):
    """Fixed boxes with a hand skeleton pointing up: wrist at the box's lower edge."""

    def detect(self, image_rgb):
        out = []
        for x0, y0, x1, y1 in self.boxes:
            cx = (x0 + x1) / 2
            lms = np.tile([cx, (y0 + y1) / 2], (21, 1)).astype(np.float64)
            lms[0] = (cx, y1 - 5)  # wrist
            lms[9] = (cx, y0 + 0.5 * (y1 - y0))  # middle knuckle
            lms[5], lms[17] = (x0 + 30, y0 + 110), (x1 - 30, y0 + 110)  # index and little knuckles
            out.append(HandBox((x0, y0, x1, y1), 0.9, landmarks=lms, source="fake"))
        return out


def test_context_look_continues_a_forearm_the_tight_crop_ended():
    img, mask = draw_hand(400, 300)
    img[250:400, 135:165] = (205, 150, 120)  # forearm down to the image edge
    mask[250:400, 135:165] = 255
    img[0:40, 130:170] = (205, 150, 120)  # skin above the fingers: not leaving from the wrist
    hand_only = (90.0, 60.0, 210.0, 260.0)
    results = {}
    for cm in (0.0, 1.0):
        seg = WristStopper(size=96)
        cfg = PipelineConfig(margin=0.1, max_grow=0, landmark_prior=False, context_margin=cm)
        results[cm] = Pipeline(LandmarkDetector([hand_only]), seg, cfg).process(img)
        assert len(seg.batches) == (2 if cm else 1)  # one extra model call, all hands in one batch
    assert results[0.0].mask[380, 150] == 0  # stopped at the wrist
    assert results[1.0].mask[380, 150] == 255  # the wide look carries it on to the image edge
    assert iou(results[1.0].mask, mask) > iou(results[0.0].mask, mask)
    assert not results[1.0].mask[0:40].any()  # the wide look adds nothing that does not leave from the wrist
    y0, y1, x0, x1 = 60, 260, 90, 210  # inside the hand box, the tight crop's mask stands
    assert (results[1.0].mask[y0:y1, x0:x1] == results[0.0].mask[y0:y1, x0:x1]).mean() > 0.99


def test_context_look_needs_landmarks():
    img, _ = draw_hand(400, 300)
    seg = WristStopper(size=96)
    Pipeline(FakeDetector([(90.0, 60.0, 210.0, 260.0)]), seg, PipelineConfig(max_grow=0, context_margin=1.0)).process(img)
    assert seg.batches == [1]  # a box-only detection gets no wide look


def test_context_margin_is_validated():
    with pytest.raises(ValueError):
        PipelineConfig(context_margin=-0.5)
    with pytest.raises(ValueError, match="context_cone"):
        PipelineConfig(context_cone=90.0)
    with pytest.raises(ValueError, match="colour_check_cone_deg"):
        PipelineConfig(colour_check_cone_deg=0.0)
    with pytest.raises(ValueError, match="context_reach"):
        PipelineConfig(context_reach=-1.0)


def test_cli_options_reach_the_config():
    import argparse

    from pipeline.options import add_pipeline_options, config_from_args

    p = argparse.ArgumentParser()
    add_pipeline_options(p)
    cfg = config_from_args(p.parse_args(["--context-margin", "1.0", "--margin", "0.2", "--threshold", "0.6",
                                         "--no-wrist-bridge"]))
    assert (cfg.context_margin, cfg.margin, cfg.threshold, cfg.wrist_bridge) == (1.0, 0.2, 0.6, False)
    assert config_from_args(p.parse_args([])) == PipelineConfig()
    assert config_from_args(p.parse_args(["--upright-crops"])).upright_crops is True
    assert config_from_args(p.parse_args(["--no-upright-crops"])).upright_crops is False
    assert config_from_args(p.parse_args(["--no-fingertip-gate"])).tip_reach == 0.0
    assert config_from_args(p.parse_args([])).tip_reach > 0
    assert config_from_args(p.parse_args(["--no-colour-edge"])).colour_edge == 0.0
    assert config_from_args(p.parse_args([])).colour_edge > 0
    assert config_from_args(p.parse_args(["--no-finger-gaps"])).finger_gaps is False
    assert config_from_args(p.parse_args([])).gap_shadows is True
    assert config_from_args(p.parse_args(["--no-gap-shadows"])).gap_shadows is False
    assert config_from_args(p.parse_args([])).edge_shadows is True
    assert config_from_args(p.parse_args(["--no-edge-shadows"])).edge_shadows is False
    assert config_from_args(p.parse_args(["--keep-sleeves"])).sleeve_cut == 0.0
    assert config_from_args(p.parse_args([])).sleeve_cut > 0
    rings = config_from_args(p.parse_args(["--fill-rings"]))
    assert (rings.open_rings, rings.open_filled_rings) == (False, False)
    assert (PipelineConfig().open_rings, PipelineConfig().open_filled_rings) == (True, True)
    assert config_from_args(p.parse_args([])).finger_gaps is True
    assert config_from_args(p.parse_args(["--no-finger-fill"])).finger_fill is False
    assert config_from_args(p.parse_args(["--no-finger-fill"])).tip_fill is False
    assert config_from_args(p.parse_args([])).finger_fill is True
    off, on = config_from_args(p.parse_args(["--no-coins"])), config_from_args(p.parse_args([]))
    assert (off.keep_coins, off.paint_coins) == (False, False)
    assert (on.keep_coins, on.paint_coins) == (True, True)


class CastRecorder(ColourSegmenter):
    """Unsure (0.5 everywhere) of crops with a strong colour cast; records each call's casts."""

    def __init__(self, size: int = 96):
        super().__init__(size)
        self.casts: list[list[float]] = []

    def predict(self, crops):
        crops = np.asarray(crops)
        cast = [float(np.ptp(c.reshape(-1, 3).mean(0))) for c in crops]
        self.casts.append(cast)
        out = super().predict(crops)
        out[[i for i, c in enumerate(cast) if c > 70]] = 0.5
        return out


def test_wide_look_is_white_balanced_when_the_hands_own_crop_was():
    img, _ = draw_hand(400, 300)
    warm = img.copy()
    warm[..., 0] = np.clip(warm[..., 0].astype(int) + 80, 0, 255)
    warm[..., 2] = warm[..., 2] // 2
    cfg = PipelineConfig(max_grow=0, landmark_prior=False, context_margin=1.0, colour="auto")
    seg = CastRecorder()
    Pipeline(LandmarkDetector([(90.0, 60.0, 210.0, 260.0)]), seg, cfg).process(warm)
    assert len(seg.casts) == 3  # the hand's crop, its balanced retry, the wide crop
    assert seg.casts[0][0] > 70 and seg.casts[1][0] < 5
    assert seg.casts[2][0] < 5  # the wide crop was balanced like the hand's own
    seg = CastRecorder()
    Pipeline(LandmarkDetector([(90.0, 60.0, 210.0, 260.0)]), seg, cfg).process(img)
    assert len(seg.casts) == 2  # no retry: the wide crop is left as it is


class UnsureOfWideCrops(CastRecorder):
    """CastRecorder, and unsure of every crop after the hands' own crops (the first two calls)."""

    def predict(self, crops):
        out = super().predict(crops)
        if len(self.casts) > 2:
            out[:] = 0.5
        return out


def test_wide_look_balances_each_crop_once_when_hands_differ():
    """Two hands, one under a warm cast (its own crop was rescued by white balance), one not:
    the warm hand's wide crop is balanced and segmented once, and only the plain one may be
    offered the rescue, even when the model is unsure of both."""
    left, _ = draw_hand(400, 300)
    left[..., 0] = np.clip(left[..., 0].astype(int) + 80, 0, 255)
    left[..., 2] = left[..., 2] // 2
    right, _ = draw_hand(400, 300)
    img = np.concatenate([left, np.full((400, 800, 3), 90, np.uint8), right], axis=1)
    boxes = [(90.0, 60.0, 210.0, 260.0), (1190.0, 60.0, 1310.0, 260.0)]
    cfg = PipelineConfig(max_grow=0, landmark_prior=False, context_margin=1.0, colour="auto")
    seg = UnsureOfWideCrops()
    Pipeline(LandmarkDetector(boxes), seg, cfg).process(img)
    assert [len(c) for c in seg.casts[:2]] == [2, 1]  # both hands, then the warm one's retry
    wide = seg.casts[2:]
    assert sum(len(c) for c in wide) == 3  # warm wide (balanced), plain wide, plain wide's retry
    assert all(c < 5 for c in wide[0])  # the warm hand's wide crop went in balanced


def test_watch_band_across_the_forearm_is_bridged_unless_switched_off():
    img, mask = draw_hand(400, 300)  # the palm disc reaches down to y = 302
    img[295:400, 135:165] = (205, 150, 120)  # a forearm from it down to the image edge
    mask[295:400, 135:165] = 255
    img[310:330, 130:170] = (40, 40, 40)  # a dark watch band across it, 15-35 px past the wrist
    # a box reaching down the arm, as a YOLO box merged with MediaPipe's does; the landmarks put
    # the wrist at (150, 295) and the middle knuckle at (150, 180)
    lms = np.tile([150.0, 200.0], (21, 1))
    lms[0], lms[9], lms[5], lms[17] = (150, 295), (150, 180), (120, 170), (180, 170)
    hand = HandBox((90.0, 60.0, 210.0, 400.0), 0.9, landmarks=lms, source="fake")
    results = {}
    for on in (True, False):
        cfg = PipelineConfig(margin=0.1, max_grow=2, landmark_prior=False, wrist_bridge=on)
        results[on] = Pipeline(FakeDetector([hand]), ColourSegmenter(96), cfg).process(img)
    assert (results[False].mask[313:327, 140:160] == 0).mean() > 0.9  # the band is a gap without the bridge
    assert (results[True].mask[313:327, 140:160] == 255).mean() > 0.9  # and part of the cut-out with it
    assert iou(results[True].mask, mask) > iou(results[False].mask, mask)


@pytest.mark.parametrize("region", [(50.0, 50.0, 150.0, 150.0), (37.3, 61.8, 1437.3, 1461.8), (-20.0, 5.0, 30.0, 55.0)])
def test_a_crops_weight_is_zero_outside_its_footprint_so_blending_there_alone_loses_nothing(region):
    from pipeline.core import _edge_ramp, paste_chain
    from segmentation.crops import crop_matrix, footprint, paste_soft

    size, shape = 64, (1600, 1500)
    m = crop_matrix(region, size)
    whole = (0, 0, shape[1], shape[0])
    weight, _ = paste_soft(_edge_ramp(size), m, shape, roi=whole)
    x0, y0, x1, y1 = footprint(m, (size, size), shape, reach=1.0)
    outside = np.ones(weight.shape, bool)
    outside[y0:y1, x0:x1] = False
    assert weight[~outside].max() > 0.99 and weight[outside].max() == 0.0
    # the chain blended over its footprint equals the blend over the whole grown crop
    rng = np.random.default_rng(0)
    inner = rng.random((size, size)).astype(np.float32)
    outer_r = (0.0, 0.0, float(shape[1]), float(shape[1]))
    outer = np.full((size, size), 0.3, np.float32)
    patch, box = paste_chain([(region, m, inner), (outer_r, crop_matrix(outer_r, size), outer)], shape)
    base, _ = paste_soft(outer, crop_matrix(outer_r, size), shape)
    full_inner, _ = paste_soft(inner, m, shape, roi=box)
    full_weight, _ = paste_soft(_edge_ramp(size), m, shape, roi=box)
    reference = full_weight * full_inner + (1 - full_weight) * base
    assert np.abs(patch - reference).max() < 0.05  # warpAffine samples at 1/32 px either way
    assert np.abs(patch - reference).mean() < 1e-3


def fanned_landmarks(cx=150.0, cy=248.0, r=54.0):
    """21 landmarks on draw_hand(400, 300)'s hand: wrist below the palm disc, fingers fanned."""
    lms = [(cx, cy + r * 0.9)]
    for ang in np.linspace(-70, 70, 5):
        a = np.deg2rad(ang)
        lms += [(cx + np.sin(a) * r * k, cy - np.cos(a) * r * k) for k in (0.6, 1.2, 1.6, 2.0)]
    return np.array(lms)


class FooledOnceSegmenter(ColourSegmenter):
    """Takes the background for the hand in its first batch (so the landmark prior's GrabCut
    rescues the first crop), then marks everything reddish as hand, wood included."""

    def predict(self, crops):
        soft = super().predict(crops)
        return 1.0 - soft if len(self.batches) == 1 else soft


def _rescue_calls(monkeypatch, option: str, **settings) -> dict[str, int]:
    """How often the pipeline calls rescue_grown on a hand with a forearm down to the image edge:
    fooled in its first crop with ``option`` on and off, and trusted with it on. Every run must
    keep the forearm to the edge."""
    import pipeline.core as core

    img, mask = draw_hand(400, 300)  # palm disc centre (150, 248), radius 54
    img[295:400, 135:165] = (205, 150, 120)  # a forearm down to the image edge
    hand = HandBox((30.0, 120.0, 270.0, 310.0), 0.9, landmarks=fanned_landmarks(), source="fake")
    calls = []
    real = core.rescue_grown
    monkeypatch.setattr(core, "rescue_grown", lambda *a: calls.append(a[4]) or real(*a))
    counts = {}
    for name, seg, on in (("fooled", FooledOnceSegmenter, True), ("fooled, off", FooledOnceSegmenter, False),
                          ("trusted", ColourSegmenter, True)):
        calls.clear()
        segmenter = seg(96)
        cfg = PipelineConfig(margin=0.1, wrist_bridge=False, **settings, **{option: on})
        result = Pipeline(FakeDetector([hand]), segmenter, cfg).process(img)
        counts[name] = len(calls)
        assert len(segmenter.batches) >= 2  # the first crop grew along the forearm
        assert (result.mask[385:400, 140:160] == 255).mean() > 0.9  # which reaches the image edge
    return counts


def test_grown_crops_of_a_rescued_hand_are_rescued_too_unless_switched_off(monkeypatch):
    """Only the grown crops of a hand whose first crop GrabCut had to rescue go through
    rescue_grown (what it does is tested in test_landmark_prior.py), and only with the option on."""
    counts = _rescue_calls(monkeypatch, "regrow_rescued", context_margin=0.0)
    assert counts == {"fooled": counts["fooled"], "fooled, off": 0, "trusted": 0} and counts["fooled"] >= 1


def test_the_wide_look_of_a_rescued_hand_is_rescued_too_unless_switched_off(monkeypatch):
    """With the wide look on, a rescued hand's wide crop goes through rescue_grown as well (one
    call more than its grown crops alone), and only with the option on."""
    counts = _rescue_calls(monkeypatch, "rescue_wide_look", context_margin=1.0)
    assert counts["fooled"] == counts["fooled, off"] + 1 and counts["trusted"] == 0


def test_result_says_how_much_of_each_skeleton_the_first_crop_covered():
    img, mask = draw_hand(400, 300)
    lms = fanned_landmarks()
    with_lms = HandBox((30.0, 120.0, 270.0, 310.0), 0.9, landmarks=lms, source="fake")
    without = HandBox((30.0, 120.0, 270.0, 310.0), 0.9, source="fake")
    cfg = PipelineConfig(margin=0.1, context_margin=0.0)
    good = Pipeline(FakeDetector([with_lms]), ColourSegmenter(96), cfg).process(img)
    fooled = Pipeline(FakeDetector([with_lms]), FooledOnceSegmenter(96), cfg).process(img)
    assert good.agreement[0] > 0.95 and fooled.agreement[0] < 0.05
    assert Pipeline(FakeDetector([without]), ColourSegmenter(96), cfg).process(img).agreement == [None]
    assert Pipeline(FakeDetector([]), ColourSegmenter(96), cfg).process(img).agreement == []


def green(crops) -> np.ndarray:
    """``N x S x S`` float 0/1: the green floor or toys the fakes below take for hand."""
    crops = np.asarray(crops).astype(np.int32)
    return ((crops[..., 1] - crops[..., 0]) > 30).astype(np.float32)


class FloorInGrownCrops(ColourSegmenter):
    """Right on the hand's own crop; in every grown crop (later batches) it also takes the green
    floor for hand, as the coarser view of a real photo takes parquet or a plank."""

    def predict(self, crops):
        soft = super().predict(crops)
        if len(self.batches) > 1:
            soft = np.maximum(soft, green(crops))
        return soft


def test_a_grown_crop_that_contradicts_the_smaller_one_is_reseeded_unless_switched_off():
    img, mask = draw_hand(400, 300)  # palm disc centre (150, 248), radius 54
    img[295:400, 135:165] = (205, 150, 120)  # a forearm down to the image edge
    mask[295:400, 135:165] = 255
    img[200:400, 0:95] = (90, 150, 60)  # a floor beside it, partly inside the hand's own crop,
    img[305:400, 95:135] = (90, 150, 60)  # and touching the forearm
    results = {}
    for check in (0.0, 0.1):
        cfg = PipelineConfig(margin=0.1, context_margin=0.0, landmark_prior=False, wrist_bridge=False,
                             grow_check=check)
        results[check] = Pipeline(FakeDetector([(90.0, 60.0, 210.0, 300.0)]), FloorInGrownCrops(96), cfg).process(img)
    floor_past_first_crop = results[0.0].mask[340:400, 0:80]
    assert (floor_past_first_crop == 255).mean() > 0.9  # unchecked, the floor shows past the first crop
    assert (results[0.1].mask[340:400, 0:80] == 255).mean() < 0.05
    assert (results[0.1].mask[385:400, 140:160] == 255).mean() > 0.9  # the forearm still reaches the edge
    assert iou(results[0.1].mask, mask) > 0.9


class WristStopperFloorInWideLook(WristStopper):
    """Ends the forearm at the wrist in the tight crop; in the wide look it sees the forearm whole
    but also takes the green floor for hand."""

    def predict(self, crops):
        soft = super().predict(crops)
        if len(self.batches) > 1:
            soft = np.maximum(soft, green(crops))
        return soft


def test_the_wide_look_is_checked_too_but_not_where_it_carries_a_forearm_on():
    img, mask = draw_hand(400, 300)
    img[250:400, 135:165] = (205, 150, 120)  # forearm down to the image edge
    mask[250:400, 135:165] = 255
    img[200:400, 0:95] = (90, 150, 60)  # a floor: beside the palm (in the hand's crop) and down
    img[300:400, 95:135] = (90, 150, 60)  # to the forearm, in the way a forearm leaves the wrist
    results = {}
    for check in (0.0, 0.1):
        # the vivid trim and the sleeve cut off: the green floor is vivid, and it runs down the
        # forearm from the wrist to the photo's edge like a sleeve; this test isolates the grow check
        cfg = PipelineConfig(margin=0.1, max_grow=0, landmark_prior=False, context_margin=1.0, grow_check=check,
                             vivid_trim=0.0, sleeve_cut=0.0)
        results[check] = Pipeline(LandmarkDetector([(90.0, 60.0, 210.0, 260.0)]), WristStopperFloorInWideLook(96),
                                  cfg).process(img)
    assert (results[0.0].mask[320:400, 100:130] == 255).mean() > 0.9  # unchecked, the floor joins the forearm
    checked = results[0.1].mask
    assert (checked[320:400, 100:130] == 255).mean() < 0.05
    assert (checked[280:400, 140:160] == 255).mean() > 0.95  # while the forearm is carried on past the wrist
    assert iou(checked, mask) > 0.9


class ToysInTheSecondCrop(ColourSegmenter):
    """Right on the first crop of its first batch (the hand with landmarks); in every other crop
    it also takes the green toys for hand."""

    def predict(self, crops):
        soft = super().predict(crops)
        toys = green(crops)
        first = len(self.batches) == 1
        for k in range(len(soft)):
            if not (first and k == 0):
                soft[k] = np.maximum(soft[k], toys[k])
        return soft


def test_a_box_without_landmarks_is_checked_against_the_hand_with_landmarks_it_overlaps():
    img, mask = draw_hand(400, 300)  # palm disc centre (150, 248), radius 54
    img[280:312, 30:90] = (90, 150, 60)  # toys beside the palm, inside the confirmed hand's crop
    confirmed = HandBox((30.0, 120.0, 270.0, 310.0), 0.9, landmarks=fanned_landmarks(), source="fake")
    unconfirmed = HandBox((10.0, 260.0, 110.0, 330.0), 0.5, source="yolo")  # e.g. a forearm box
    results = {}
    for on in (False, True):
        cfg = PipelineConfig(margin=0.1, max_grow=0, context_margin=0.0, wrist_bridge=False, check_unconfirmed=on)
        results[on] = Pipeline(FakeDetector([confirmed, unconfirmed]), ToysInTheSecondCrop(96), cfg).process(img)
    assert (results[False].mask[285:308, 35:85] == 255).mean() > 0.9  # unchecked, the toys are cut out
    assert (results[True].mask[285:308, 35:85] == 255).mean() < 0.05
    assert iou(results[True].mask, mask) > iou(results[False].mask, mask)


PATCH = (61, 91, 141)  # the background's mean colour, painted flat so the fake below can find it


class PatchBetweenFingers(ColourSegmenter):
    """Right on the hand, but also takes a flat patch of background between two fingers for
    hand, as the U-Net takes granite or a cloth between spread fingers."""

    def predict(self, crops):
        soft = super().predict(crops)
        flat = (np.abs(np.asarray(crops).astype(np.int32) - PATCH).sum(axis=-1) <= 3).astype(np.float32)
        return np.maximum(soft, flat)


def _patch_between_fingers():
    """draw_hand(400, 300) (palm disc centre (150, 248), radius 54) with a flat patch of the
    background's colour between the middle finger and its right neighbour, touching both: the
    image, the true mask, the patch, and the hand with its landmarks."""
    img, mask = draw_hand(400, 300)
    gap = np.zeros(mask.shape, bool)
    gap[150:180, 155:200] = True
    gap &= mask == 0
    img[gap] = PATCH
    return img, mask, gap, HandBox((30.0, 60.0, 270.0, 310.0), 0.9, landmarks=fanned_landmarks(), source="fake")


def test_a_background_patch_between_fingers_is_taken_out_by_the_colour_check_unless_switched_off():
    img, mask, gap, hand = _patch_between_fingers()
    results = {}
    for check in (0.0, 0.005):
        cfg = PipelineConfig(margin=0.1, context_margin=0.0, wrist_bridge=False, colour_check=check,
                             finger_gaps=False, open_rings=False,
                             open_filled_rings=False)  # which would open this gap too
        results[check] = Pipeline(FakeDetector([hand]), PatchBetweenFingers(96), cfg).process(img)
    assert (results[0.0].mask[gap] == 255).mean() > 0.9  # unchecked, the patch is hand
    assert (results[0.005].mask[gap] == 255).mean() < 0.1
    assert iou(results[0.005].mask, mask) > iou(results[0.0].mask, mask)
    assert iou(results[0.005].mask, mask) > 0.9


def test_a_filled_finger_gap_of_background_colour_is_opened_unless_switched_off():
    """The colour check is off here: the finger-gap step alone opens the gap, at full resolution."""
    img, mask, gap, hand = _patch_between_fingers()
    results = {}
    for gaps in (False, True):
        cfg = PipelineConfig(margin=0.1, context_margin=0.0, wrist_bridge=False, colour_check=0.0, finger_gaps=gaps,
                             open_rings=False, open_filled_rings=False)  # which would keep part of it open too
        results[gaps] = Pipeline(FakeDetector([hand]), PatchBetweenFingers(96), cfg).process(img)
    assert (results[False].mask[gap] == 255).mean() > 0.9  # left as it is, the patch is hand
    assert (results[True].mask[gap] == 255).mean() < 0.15
    assert not ((results[True].mask == 0) & (results[False].mask > 0) & (mask > 0)).any()  # no finger lost
    assert iou(results[True].mask, mask) > iou(results[False].mask, mask)
    # the cut-out's alpha follows the mask: the patch is transparent
    assert (results[True].alpha[gap & (results[True].mask == 0)] < 128).all()


def test_a_skin_blob_touching_only_the_corner_of_the_hands_box_is_dropped_with_the_skeleton_anchor():
    img, mask = draw_hand(400, 300)  # palm disc centre (150, 248), radius 54, wrist below it
    blob = np.zeros(mask.shape, np.uint8)
    cv2.circle(blob, (22, 262), 18, 1, -1)  # a cheek beside the palm, apart from the hand
    blob = (blob > 0) & (mask == 0)
    img[blob] = img[mask > 0].mean(axis=0).astype(np.uint8)
    hand = HandBox((30.0, 60.0, 270.0, 310.0), 0.9, landmarks=fanned_landmarks(), source="fake")
    results = {}
    for skeleton in (False, True):
        cfg = PipelineConfig(margin=0.1, max_grow=0, context_margin=0.0, anchor_to_skeleton=skeleton)
        results[skeleton] = Pipeline(FakeDetector([hand]), ColourSegmenter(96), cfg).process(img)
    inside = blob.copy()
    inside[:, :6] = False  # the crop's reach
    assert (results[False].mask[inside] == 255).mean() > 0.8  # it touches the box: kept
    assert not (results[True].mask[blob] == 255).any()
    assert iou(results[True].mask, mask) > iou(results[False].mask, mask)
    assert iou(results[True].mask, mask) > 0.9


class FixedFaces:
    """A face detector that always finds the same face boxes."""

    def __init__(self, boxes):
        self.boxes = boxes

    def detect(self, image_rgb):
        return list(self.boxes)


def test_the_rest_of_a_guarded_face_beside_the_hand_goes_with_the_skeleton_anchor():
    """The face guard as it was, sparing the hand's box (grown 10 %), leaves the strip of a face
    inside it; apart from the hand, it reaches neither palm, bones nor forearm cone. The guard
    that spares the hand's landmark shape only takes that strip itself."""
    img, mask = draw_hand(400, 300)
    img = np.pad(img, ((0, 0), (0, 120), (0, 0)), mode="edge")
    mask = np.pad(mask, ((0, 0), (0, 120)))
    face = np.zeros(mask.shape, np.uint8)
    cv2.circle(face, (310, 130), 45, 1, -1)
    face = face > 0
    img[face] = img[mask > 0].mean(axis=0).astype(np.uint8)
    hand = HandBox((30.0, 60.0, 270.0, 310.0), 0.9, landmarks=fanned_landmarks(), source="fake")
    results = {}
    for skeleton in (False, True):
        # the fingertip gate off: the face lies ahead of the pinky, and it is the anchor under test
        cfg = PipelineConfig(margin=0.1, context_margin=0.0, anchor_to_skeleton=skeleton, tip_reach=0.0,
                             face_spare_outline=False)
        results[skeleton] = Pipeline(FakeDetector([hand]), ColourSegmenter(96), cfg,
                                     face_detector=FixedFaces([(265.0, 85.0, 355.0, 175.0)])).process(img)
    assert results[True].faces and results[False].faces
    assert not (results[False].mask[:, 295:][face[:, 295:]] == 255).any()  # the guard took the rest
    assert (results[False].mask[face] == 255).sum() > 100  # but not the strip inside the box
    assert not (results[True].mask[face] == 255).any()
    assert iou(results[True].mask, mask) > 0.9
    cfg = PipelineConfig(margin=0.1, context_margin=0.0, anchor_to_skeleton=False, tip_reach=0.0)
    shaped = Pipeline(FakeDetector([hand]), ColourSegmenter(96), cfg,
                      face_detector=FixedFaces([(265.0, 85.0, 355.0, 175.0)])).process(img)
    assert (shaped.mask[face] == 255).sum() < 20 and iou(shaped.mask, mask) > 0.9


def test_skin_joined_to_a_fingertip_beyond_the_fingers_is_dropped_with_tip_reach():
    """A neck under a masked face, touching the middle fingertip: the skeleton anchor keeps it
    (it is joined to the finger), the fingertip gate takes what lies past the fingers' reach."""
    img, mask = draw_hand(400, 300)  # middle fingertip landmark at (150, 140), palm ~81 px
    neck = np.zeros(mask.shape, np.uint8)
    cv2.circle(neck, (150, 100), 42, 1, -1)
    neck = (neck > 0) & (mask == 0)
    img[neck] = img[mask > 0].mean(axis=0).astype(np.uint8)
    hand = HandBox((30.0, 40.0, 270.0, 310.0), 0.9, landmarks=fanned_landmarks(), source="fake")
    results = {}
    for reach in (0.0, 0.3):
        cfg = PipelineConfig(margin=0.1, max_grow=0, context_margin=0.0, tip_reach=reach)
        results[reach] = Pipeline(FakeDetector([hand]), ColourSegmenter(96), cfg).process(img)
    far = neck.copy()
    far[105:] = False  # more than 0.3 palm lengths past the tip
    assert (results[0.0].mask[far] == 255).mean() > 0.8  # joined to the finger: kept without the gate
    assert not (results[0.3].mask[far] == 255).any()
    assert iou(results[0.3].mask, mask) > iou(results[0.0].mask, mask)
    assert (results[0.3].mask[mask > 0] == 255).mean() > 0.95  # the hand itself stays


def test_a_second_hand_ahead_of_the_first_ones_fingertips_stays_with_the_fingertip_gate():
    """Hand B's palm touches hand A's middle fingertip: A's crops see B and A's gate takes it out
    of A's mask, but B's own mask (another detected hand) is not gated by A."""
    top, _ = draw_hand(400, 300, seed=1)
    bottom, _ = draw_hand(400, 300, seed=2)
    _, m = draw_hand(400, 300)
    h = 420
    img = np.zeros((h, 300, 3), np.uint8)
    img[:] = top[5:6]  # a background row, above the fingers
    truth = np.zeros((h, 300), np.uint8)
    for src, shift in ((top, -120), (bottom, 50)):
        rows = slice(max(0, shift), min(h, 400 + shift))
        src_rows = slice(max(0, -shift), max(0, -shift) + rows.stop - rows.start)
        hand = m[src_rows] > 0
        img[rows][hand] = src[src_rows][hand]
        truth[rows] |= m[src_rows]
    hands = [HandBox((30.0, 0.0, 270.0, 190.0), 0.9, landmarks=fanned_landmarks(cy=128.0), source="fake"),
             HandBox((30.0, 175.0, 270.0, 370.0), 0.95, landmarks=fanned_landmarks(cy=298.0), source="fake")]
    results = {}
    for reach in (0.0, 0.3):
        cfg = PipelineConfig(margin=0.1, context_margin=0.0, tip_reach=reach)
        results[reach] = Pipeline(FakeDetector(hands), ColourSegmenter(96), cfg).process(img)
    upper = truth.copy()
    upper[180:] = 0  # hand B, ahead of A's fingers
    assert (results[0.3].mask[upper > 0] == 255).mean() > 0.95
    assert iou(results[0.3].mask, truth) > 0.9
    assert abs(iou(results[0.3].mask, truth) - iou(results[0.0].mask, truth)) < 0.01
    # B found by no detector: then it is only skin ahead of A's fingers, and the gate takes it
    alone = Pipeline(FakeDetector(hands[1:]), ColourSegmenter(96),
                     PipelineConfig(margin=0.1, context_margin=0.0)).process(img)
    assert (alone.mask[upper > 0] == 255).mean() < 0.2


class FatSegmenter(ColourSegmenter):
    """A mask a pixel too wide all round at the crop's scale, as the model's edge can be."""

    def predict(self, crops):
        out = super().predict(crops)
        return np.stack([cv2.dilate(m, np.ones((3, 3), np.uint8)) for m in out])


def test_the_colour_edge_takes_the_rim_of_background_off_a_too_wide_mask_unless_switched_off():
    img, mask = draw_hand(480, 640)
    results = {}
    for edge in (0.0, 30.0):  # 30: the contrast asked of hand and background
        cfg = PipelineConfig(colour_edge=edge, landmark_prior=False)
        results[edge] = Pipeline(FakeDetector([mask_box(mask)]), FatSegmenter(96), cfg).process(img)
    rim_off = ((results[0.0].mask > 0) & (mask == 0)).sum()
    rim_on = ((results[30.0].mask > 0) & (mask == 0)).sum()
    assert rim_off > 500  # the fat model leaves a rim of background round the hand
    assert rim_on < 0.3 * rim_off
    assert iou(results[30.0].mask, mask) > iou(results[0.0].mask, mask)
    assert ((results[30.0].alpha >= 128) == (results[30.0].mask > 0)).all()
    gone = (results[0.0].mask > 0) & (results[30.0].mask == 0)
    # no half-transparent rim left in the cut-out (but for crumbs the speck removal took after it)
    assert (results[30.0].alpha[gone] == 0).mean() > 0.95


def _finger_lit_pink():
    """``(image, true mask, lost stretch, hand)``: the left half of the middle finger lit a paler
    pink, which ``ColourSegmenter`` does not take for hand."""
    img, mask = draw_hand(400, 300)
    lost = np.zeros(mask.shape, bool)
    lost[140:205, 135:151] = True  # the middle finger (landmarks 9-12, x = 150), left of its bone line
    lost &= mask > 0
    img[lost] = (200, 185, 175)  # red minus blue under ColourSegmenter's 40: not hand to it
    hand = HandBox((30.0, 60.0, 270.0, 310.0), 0.9, landmarks=fanned_landmarks(), source="fake")
    return img, mask, lost, hand


def test_a_lost_stretch_of_a_finger_is_put_back_unless_switched_off():
    """The segmenter misses the left half of the middle finger, lit a paler pink (as the U-Net
    misses a finger lit from behind); the finger fill puts it back at full resolution, and only it.
    The GrabCut rescue and the colour fill (which gives such a stretch back too) are off, and the
    finger is not cut in two (which the bridge would join)."""
    img, mask, lost, hand = _finger_lit_pink()
    results = {}
    for fill in (False, True):
        cfg = PipelineConfig(margin=0.1, context_margin=0.0, wrist_bridge=False, prior_agreement=0.0,
                             colour_fill=0.0, finger_fill=fill)
        results[fill] = Pipeline(FakeDetector([hand]), ColourSegmenter(96), cfg).process(img)
    assert (results[False].mask[lost] == 255).mean() < 0.5
    assert (results[True].mask[lost] == 255).mean() > 0.9
    assert not ((results[True].mask > 0) & (results[False].mask == 0) & (mask == 0)).any()  # no background added
    assert (results[True].alpha[lost & (results[True].mask > 0)] > 128).mean() > 0.9  # opaque in the cut-out


def test_the_colour_fill_gives_a_bitten_stretch_back_through_the_pipeline():
    """The same lost stretch with the finger fill off: the colour fill (the pipeline's default)
    finds it has the hand's colours inside the finger's capsule and adds it, and nothing of the
    background; switched off, the stretch stays out."""
    img, mask, lost, hand = _finger_lit_pink()
    results = {}
    for share in (0.0, PipelineConfig().colour_fill):
        cfg = PipelineConfig(margin=0.1, context_margin=0.0, wrist_bridge=False, prior_agreement=0.0,
                             finger_fill=False, colour_fill=share)
        results[share] = Pipeline(FakeDetector([hand]), ColourSegmenter(96), cfg).process(img)
    off, on = results[0.0].mask, results[PipelineConfig().colour_fill].mask
    assert PipelineConfig().colour_fill > 0
    assert (off[lost] == 255).mean() < 0.5
    assert (on[lost] == 255).mean() > 0.9
    assert ((on > 0) & (off == 0) & (mask == 0)).sum() < 0.01 * (mask > 0).sum()


def test_a_vivid_garment_beside_the_forearm_is_trimmed_through_the_pipeline_unless_off():
    """An orange suit either side of a forearm, which the segmenter takes for hand as the U-Net
    took an astronaut's suit: the vivid trim takes it out of every crop and keeps the forearm
    and the hand; switched off, the suit stays."""
    img, mask = draw_hand(400, 300)
    img[295:400, 135:165] = (205, 150, 120)  # a forearm down to the image edge
    mask[295:400, 135:165] = 255
    suit = np.zeros(mask.shape, bool)
    suit[335:400, 40:260] = True
    suit &= mask == 0
    img[suit] = (235, 105, 35)
    hand = HandBox((30.0, 60.0, 270.0, 400.0), 0.9, landmarks=fanned_landmarks(), source="fake")
    shipped = PipelineConfig().vivid_trim
    assert shipped > 0  # on by default
    results = {}
    for ratio in (0.0, shipped):
        cfg = PipelineConfig(margin=0.1, vivid_trim=ratio)
        results[ratio] = Pipeline(FakeDetector([hand]), ColourSegmenter(96), cfg).process(img)
    assert (results[0.0].mask[suit] == 255).mean() > 0.9
    assert (results[shipped].mask[suit] == 255).mean() < 0.1
    assert (results[shipped].mask[mask > 0] == 255).mean() > 0.97


def test_the_pipelines_grabcuts_run_the_configured_rounds(monkeypatch):
    """``grabcut_rounds`` reaches GrabCut wherever the pipeline redraws a rescued hand's crops
    (its first crop, grown crops, wide look); the colour check keeps its own two."""
    import pipeline.landmark_prior as landmark_prior

    img, _ = draw_hand(400, 300)
    img[295:400, 135:165] = (205, 150, 120)  # a forearm down to the image edge: the crop grows
    hand = HandBox((30.0, 120.0, 270.0, 310.0), 0.9, landmarks=fanned_landmarks(), source="fake")
    rounds_seen = []
    real = landmark_prior.cv2.grabCut

    def spy(image, mask, rect, bgd, fgd, rounds, mode):
        rounds_seen.append(rounds)
        return real(image, mask, rect, bgd, fgd, rounds, mode)

    monkeypatch.setattr(landmark_prior.cv2, "grabCut", spy)
    for rounds in (1, 3):
        rounds_seen.clear()
        cfg = PipelineConfig(margin=0.1, wrist_bridge=False, grabcut_rounds=rounds)
        Pipeline(FakeDetector([hand]), FooledOnceSegmenter(96), cfg).process(img)
        assert rounds_seen.count(rounds) >= 2  # the first crop's rescue and at least one grown crop's
        assert set(rounds_seen) <= {rounds, 2}
