"""The landmark hint: drawing, alignment with augmented crops, the 4- and 5-channel models and their plumbing."""
import json

import numpy as np
import pytest

from detection.types import HandBox
from pipeline.config import PipelineConfig
from pipeline.core import Pipeline
from segmentation.hint import crop_hint, draw_hint, split_hint, with_hint
from tests.conftest import ColourSegmenter, FakeDetector, draw_hand, make_pair_folder
from tests.pipeline.test_landmark_prior import synthetic_landmarks


def test_hint_marks_the_skeleton_inside_the_hand_and_nothing_without_landmarks():
    _, mask = draw_hand(240, 320)
    hint = draw_hint([synthetic_landmarks(240, 320)], 320)[:240]
    assert hint.dtype == np.uint8 and set(np.unique(hint)) == {0, 255}
    assert (hint > 0).sum() > 500 and (mask[hint > 0] > 0).mean() > 0.95
    assert not draw_hint([None], 64).any() and not draw_hint([], 64).any()


def test_forearm_layer_marks_the_way_from_the_wrist_away_from_the_fingers():
    pts = synthetic_landmarks(240, 320)
    both = draw_hint([pts], 320, layers=2)
    assert both.shape == (320, 320, 2) and both.dtype == np.uint8
    assert np.array_equal(both[..., 0], draw_hint([pts], 320))  # the skeleton layer is unchanged
    arm = both[..., 1] > 0
    assert arm.sum() > 500
    ys, xs = np.nonzero(arm)
    wrist, knuckle = pts[0], pts[9]
    away = (xs - wrist[0]) * (wrist[0] - knuckle[0]) + (ys - wrist[1]) * (wrist[1] - knuckle[1])
    assert (away > 0).mean() > 0.8  # the band lies beyond the wrist, not over the fingers
    assert not draw_hint([], 64, layers=2).any() and draw_hint([], 64, layers=2).shape == (64, 64, 2)


def test_crop_hint_follows_the_crop_matrix():
    pts = synthetic_landmarks(240, 320)
    half = np.array([[0.5, 0.0, -10.0], [0.0, 0.5, 0.0]])  # shrink by 2, shift left by 10
    moved = crop_hint([pts], half, 160)
    direct = draw_hint([pts * 0.5 - (10, 0)], 160)
    assert np.array_equal(moved, direct)


def test_with_hint_stacks_a_fourth_channel_and_zeros_when_missing():
    crops = np.full((2, 8, 8, 3), 7, np.uint8)
    hints = np.zeros((2, 8, 8), np.uint8)
    hints[1, 2, 3] = 255
    x = with_hint(crops, hints)
    assert x.shape == (2, 8, 8, 4) and x.dtype == np.float32 and x[1, 2, 3, 3] == 255 and x[0, ..., 3].max() == 0
    assert with_hint(crops, None)[..., 3].max() == 0
    two = with_hint(crops, np.stack([hints, 255 - hints], -1))
    assert two.shape == (2, 8, 8, 5) and two[1, 2, 3, 3] == 255 and two[1, 2, 3, 4] == 0
    assert with_hint(crops, None, layers=2).shape == (2, 8, 8, 5)
    back, back_hints = split_hint(two)  # and apart again
    assert np.array_equal(back, crops) and np.array_equal(back_hints[..., 1], 255 - hints)
    assert np.array_equal(split_hint(x)[1], hints) and split_hint(crops)[1] is None


def test_training_sample_keeps_hint_and_mask_aligned_under_augmentation():
    from segmentation.train import TrainConfig, _sample_fn

    img, mask = draw_hand(240, 320)
    cfg = TrainConfig(size=64, landmarks="given")
    sample = _sample_fn(cfg)
    for seed in range(6):
        x, y, hint = sample(img, mask, np.random.default_rng(seed), True, landmarks=[synthetic_landmarks(240, 320)])
        assert x.shape == (64, 64, 3) and hint.shape == (64, 64)
        assert (hint > 0).sum() > 20
        assert (y[hint > 0] > 0).mean() > 0.9  # rotated, sheared, flipped alike
    cfg5 = TrainConfig(size=64, landmarks="given", forearm_hint=True)
    assert cfg5.channels == 5 and cfg.channels == 4
    x, y, hint = _sample_fn(cfg5)(img, mask, np.random.default_rng(3), True, landmarks=[synthetic_landmarks(240, 320)])
    assert hint.shape == (64, 64, 2) and (y[hint[..., 0] > 0] > 0).mean() > 0.9
    rgb_only = _sample_fn(TrainConfig(size=64))(img, mask, np.random.default_rng(0), True)
    assert rgb_only[2] is None


def test_widened_model_starts_out_computing_what_the_rgb_model_did():
    from segmentation.model import build_unet, widen_input

    rgb = build_unet((32, 32), (8, 16, 32))
    four = build_unet((32, 32), (8, 16, 32), channels=4)
    widen_input(rgb, four)
    x = np.random.default_rng(0).uniform(0, 255, (2, 32, 32, 3)).astype(np.float32)
    hint = np.random.default_rng(1).uniform(0, 255, (2, 32, 32, 1)).astype(np.float32)
    ref = rgb.predict(x, verbose=0)
    assert np.allclose(four.predict(np.concatenate([x, hint], -1), verbose=0), ref, atol=1e-5)
    with pytest.raises(ValueError, match="cannot widen"):
        widen_input(build_unet((32, 32), (8, 16, 48)), four)
    with pytest.raises(ValueError, match="layers differ"):  # 4 filters: the RGB model's input needs a projection
        widen_input(build_unet((32, 32), (4, 8, 16)), build_unet((32, 32), (4, 8, 16), channels=4))


def test_segmenter_passes_hints_to_a_four_channel_model(tmp_path):
    from segmentation.model import build_unet
    from segmentation.segmenter import Segmenter

    model = build_unet((32, 32), (4, 8, 16), channels=4)
    model.save(tmp_path / "m.keras")
    seg = Segmenter(tmp_path / "m.keras")
    assert seg.uses_hint and seg.channels == 4
    crops = np.random.default_rng(0).integers(0, 255, (2, 32, 32, 3), dtype=np.uint8)
    hints = np.zeros((2, 32, 32), np.uint8)
    hints[:, 8:24, 8:24] = 255
    plain, hinted = seg.predict(crops), seg.predict(crops, hints)
    assert plain.shape == hinted.shape == (2, 32, 32)
    assert not np.allclose(plain, hinted)  # the channel reaches the network
    assert np.allclose(seg.predict(crops[0], hints[0]), hinted[0], atol=1e-5)
    with pytest.raises(ValueError, match="hints must be"):
        seg.predict(crops, hints[:1])


def test_segmenter_takes_the_forearm_layer_in_a_five_channel_model_and_refuses_other_depths(tmp_path):
    from segmentation.model import build_unet
    from segmentation.segmenter import Segmenter

    build_unet((32, 32), (4, 8, 16), channels=5).save(tmp_path / "m5.keras")
    seg = Segmenter(tmp_path / "m5.keras")
    assert seg.uses_hint and seg.hint_layers == 2
    crops = np.random.default_rng(0).integers(0, 255, (2, 32, 32, 3), dtype=np.uint8)
    hints = np.zeros((2, 32, 32, 2), np.uint8)
    hints[:, 4:12, 4:28, 1] = 255
    assert not np.allclose(seg.predict(crops), seg.predict(crops, hints))  # the fifth channel reaches it
    with pytest.raises(ValueError, match="hints must be"):
        seg.predict(crops, hints[..., 0])
    build_unet((32, 32), (4, 8, 16), channels=6).save(tmp_path / "m6.keras")
    with pytest.raises(ValueError, match="input channels, got 6"):
        Segmenter(tmp_path / "m6.keras")


class HintRecorder(ColourSegmenter):
    uses_hint = True

    def __init__(self, size=64):
        super().__init__(size)
        self.hints = []

    def predict(self, crops, hints=None):
        self.hints.append(hints)
        return super().predict(crops)


def test_pipeline_gives_every_crop_the_hint_of_the_hands_landmarks():
    img, _ = draw_hand(240, 320)
    lms = synthetic_landmarks(240, 320)
    box = (float(lms[:, 0].min()), float(lms[:, 1].min()), float(lms[:, 0].max()), float(lms[:, 1].max()))
    seg = HintRecorder(size=64)
    cfg = PipelineConfig(max_grow=1, context_margin=1.0)
    Pipeline(FakeDetector([HandBox(box, 0.9, landmarks=lms)]), seg, cfg).process(img)
    assert len(seg.hints) >= 2  # the hand's crop and its wide look
    for h in seg.hints:
        assert h is not None and h.shape[1:] == (64, 64) and h.any()
    # a box-only hand (no landmarks) gets an empty hint; an RGB model gets none at all
    seg = HintRecorder(size=64)
    seg.hint_layers = 2
    Pipeline(FakeDetector([HandBox(box, 0.9, landmarks=lms)]), seg, cfg).process(img)
    assert all(h.shape[1:] == (64, 64, 2) and h[..., 0].any() and h[..., 1].any() for h in seg.hints)
    seg = HintRecorder(size=64)
    Pipeline(FakeDetector([box]), seg, PipelineConfig(max_grow=0)).process(img)
    assert seg.hints[0] is not None and not seg.hints[0].any()
    plain = ColourSegmenter(size=64)
    Pipeline(FakeDetector([HandBox(box, 0.9, landmarks=lms)]), plain, cfg).process(img)  # takes no hints


def test_detector_boxes_also_writes_normalised_landmarks(tmp_path):
    from segmentation.detector_boxes import detect_folder, load_landmarks

    class WithLandmarks:
        def detect(self, image):
            h, w = image.shape[:2]
            pts = np.tile([w / 2, h / 2], (21, 1)).astype(np.float64)
            return [HandBox((w * 0.25, h * 0.25, w * 0.75, h * 0.75), 0.9, landmarks=pts),
                    HandBox((0.0, 0.0, 4.0, 4.0), 0.5)]  # box only: no landmarks to store

    data = make_pair_folder(tmp_path / "set", n=2)
    lms: dict = {}
    boxes = detect_folder(str(data), WithLandmarks(), progress=False, landmarks=lms)
    assert len(boxes["set/x_id00_0"]) == 2 and len(lms["set/x_id00_0"]) == 1
    path = tmp_path / "lm.json"
    path.write_text(json.dumps(lms))
    loaded = load_landmarks(path)
    assert loaded["set/x_id00_0"][0].shape == (21, 2) and np.allclose(loaded["set/x_id00_0"][0], 0.5)
    assert load_landmarks("") == {}


def test_train_cli_fine_tunes_an_rgb_model_into_a_hint_model(tmp_path):
    from segmentation.model import build_unet
    from segmentation.segmenter import Segmenter
    from segmentation.train import main

    data = make_pair_folder(tmp_path / "data")
    rgb = tmp_path / "rgb.keras"
    build_unet((32, 32), (8, 16, 32)).save(rgb)
    lms = {f"data/x_id{i % 4:02d}_{i}": [(synthetic_landmarks(48, 64) / (64, 48)).tolist()] for i in range(8)}
    (tmp_path / "lm.json").write_text(json.dumps(lms))
    out = tmp_path / "hint.keras"
    rc = main(["--data", str(data), "--out", str(out), "--work-dir", str(tmp_path / "run"), "--size", "32",
               "--filters", "8,16,32", "--epochs", "1", "--steps-per-epoch", "2", "--batch-size", "4",
               "--landmarks", str(tmp_path / "lm.json"), "--init-from", str(rgb), "--hint-dropout", "0.5"])
    assert rc == 0
    assert Segmenter(out).channels == 4 and Segmenter(out.with_suffix(".tflite")).uses_hint
    report = json.loads(out.with_suffix(".train.json").read_text())
    assert report["config"]["landmarks"].endswith("lm.json") and 0 <= report["val"]["iou"] <= 1
    # the forearm layer: a fifth channel, fine-tuned on from the four-channel model just made
    out5 = tmp_path / "arm.keras"
    rc = main(["--data", str(data), "--out", str(out5), "--work-dir", str(tmp_path / "run5"), "--size", "32",
               "--filters", "8,16,32", "--epochs", "1", "--steps-per-epoch", "2", "--batch-size", "4",
               "--landmarks", str(tmp_path / "lm.json"), "--forearm-hint", "--init-from", str(out)])
    assert rc == 0 and Segmenter(out5.with_suffix(".tflite")).hint_layers == 2


def test_train_cli_rejects_bad_hint_options(tmp_path, capsys):
    from segmentation.train import main

    data = make_pair_folder(tmp_path / "data", n=4)
    assert main(["--data", str(data), "--landmarks", str(tmp_path / "no.json")]) == 2
    assert "no such file" in capsys.readouterr().err
    (tmp_path / "lm.json").write_text("{}")
    assert main(["--data", str(data), "--landmarks", str(tmp_path / "lm.json"), "--hint-dropout", "2"]) == 2
    assert "--hint-dropout" in capsys.readouterr().err
    assert main(["--data", str(data), "--forearm-hint"]) == 2
    assert "--forearm-hint needs --landmarks" in capsys.readouterr().err
