import json

import numpy as np
import pytest

from segmentation.model import BinaryIoU, EdgeWeightedLoss, bce_dice_loss, build_unet, edge_band
from segmentation.segmenter import Segmenter
from tests.conftest import draw_hand, make_pair_folder


def test_unet_shapes_and_range():
    m = build_unet((32, 32), (4, 8, 16))
    out = m.predict(np.random.rand(2, 32, 32, 3).astype("float32") * 255, verbose=0)
    assert out.shape == (2, 32, 32, 1)
    assert out.min() >= 0 and out.max() <= 1


def test_unet_learns_a_few_steps_on_tiny_data():
    import keras

    keras.utils.set_random_seed(0)
    xs, ys = [], []
    for s in range(8):
        img, mask = draw_hand(32, 32, seed=s)
        xs.append(img)
        ys.append(mask[..., None] / 255.0)
    x, y = np.stack(xs).astype("float32"), np.stack(ys).astype("float32")
    m = build_unet((32, 32), (8, 16, 32), dropout=0.0)
    m.compile(optimizer=keras.optimizers.Adam(1e-2), loss=bce_dice_loss, metrics=[BinaryIoU()])
    hist = m.fit(x, y, epochs=25, batch_size=8, verbose=0).history
    # training-mode loss: BN moving averages need far more than 25 steps to settle for inference
    assert hist["loss"][-1] < hist["loss"][0] * 0.7
    assert hist["iou"][-1] > hist["iou"][0]


def test_binary_iou_metric_known_answer():
    metric = BinaryIoU()
    t = np.zeros((1, 4, 4, 1), "float32")
    t[0, :2] = 1  # 8 px
    p = np.zeros((1, 4, 4, 1), "float32")
    p[0, :1] = 0.9  # 4 px, all inside
    metric.update_state(t, p)
    assert float(metric.result()) == pytest.approx(0.5)


def test_edge_band_marks_pixels_near_the_edge_only():
    y = np.zeros((1, 12, 12, 1), "float32")
    y[0, 2:10, 2:10] = 1
    band = np.asarray(edge_band(y, 1))[0, ..., 0]
    assert band[2, 5] == 1 and band[1, 5] == 1  # the edge row and the one outside it
    assert band[5, 5] == 0 and band[0, 5] == 0  # deep inside, and 2 px outside
    assert band[3, 5] == 0  # band_px=1: one pixel each side of the edge
    assert np.asarray(edge_band(np.ones_like(y), 1)).sum() == 0  # no edge, no band


def test_edge_weighted_loss_adds_cost_only_for_edge_mistakes():
    y = np.zeros((1, 16, 16, 1), "float32")
    y[0, 4:12, 4:12] = 1
    good = np.clip(y, 0.02, 0.98)
    edge_wrong = good.copy()
    edge_wrong[0, 4, 4:12] = 0.3  # the top edge row of the square half missed
    far_wrong = good.copy()
    far_wrong[0, 14, 4:12] = 0.7  # as large a mistake, far from the edge
    plain = lambda p: float(np.asarray(bce_dice_loss(y, p))[0])  # noqa: E731
    edged = lambda p: float(np.asarray(EdgeWeightedLoss(2.0, 1)(y, p)))  # noqa: E731
    assert float(EdgeWeightedLoss(0.0)(y, edge_wrong)) == pytest.approx(plain(edge_wrong), rel=1e-5)
    assert edged(edge_wrong) - plain(edge_wrong) > 2 * (edged(far_wrong) - plain(far_wrong))


def test_edge_weighted_loss_trains_and_round_trips_in_a_saved_model(tmp_path):
    import keras

    from segmentation.model import load_keras_model

    keras.utils.set_random_seed(0)
    img, mask = draw_hand(32, 32, seed=1)
    x, y = img[None].astype("float32"), (mask[None, ..., None] / 255.0).astype("float32")
    m = build_unet((32, 32), (4, 8, 16), dropout=0.0)
    m.compile(optimizer=keras.optimizers.Adam(1e-2), loss=EdgeWeightedLoss(1.0, 2))
    hist = m.fit(x, y, sample_weight=np.array([0.5], "float32"), epochs=5, verbose=0).history
    assert np.isfinite(hist["loss"]).all() and hist["loss"][-1] < hist["loss"][0]
    m.save(tmp_path / "m.keras")
    assert keras.models.load_model(tmp_path / "m.keras").loss.weight == 1.0
    assert load_keras_model(tmp_path / "m.keras").output_shape == (None, 32, 32, 1)


def test_save_load_round_trip_and_segmenter(tmp_path):
    m = build_unet((32, 32), (4, 8, 16))
    path = tmp_path / "m.keras"
    m.save(path)
    seg = Segmenter(path)
    x = (np.random.rand(3, 32, 32, 3) * 255).astype(np.uint8)
    out = seg.predict(x)
    assert seg.size == 32 and out.shape == (3, 32, 32) and out.dtype == np.float32
    assert np.allclose(out, m.predict(x.astype("float32"), verbose=0)[..., 0], atol=1e-5)
    assert seg.predict(x[0]).shape == (32, 32)
    with pytest.raises(ValueError, match="crops must be"):
        seg.predict(np.zeros((1, 16, 16, 3), np.uint8))


def test_segmenter_missing_model_is_clear(tmp_path):
    with pytest.raises(FileNotFoundError, match="segmentation model not found"):
        Segmenter(tmp_path / "nope.keras")


def test_train_cli_end_to_end_on_tiny_folder(tmp_path):
    from segmentation.train import main

    data = make_pair_folder(tmp_path / "data")
    out = tmp_path / "model.keras"
    boxes = tmp_path / "boxes.json"  # detector boxes for some images: crops around them are mixed in
    boxes.write_text(json.dumps({f"data/x_id{i % 4:02d}_{i}": [[0.2, 0.1, 0.8, 0.6]] for i in range(6)}))
    rc = main(["--data", str(data), "--out", str(out), "--work-dir", str(tmp_path / "run"), "--size", "32",
               "--filters", "4,8,16", "--epochs", "2", "--steps-per-epoch", "2", "--batch-size", "4",
               "--detector-boxes", str(boxes), "--edge-weight", "1"])
    assert rc == 0 and out.is_file()
    report = json.loads(out.with_suffix(".train.json").read_text())
    assert report["config"]["edge_weight"] == 1.0
    assert 0 <= report["val"]["iou"] <= 1 and "data" in report["test"]
    split = json.loads((tmp_path / "run" / "split.json").read_text())
    assert set(split[str(data)]) == {"train", "val", "test"}
    assert (tmp_path / "run" / "log.csv").read_text().count("\n") >= 2
    assert Segmenter(out).size == 32


def test_train_cli_rejects_bad_data(tmp_path, capsys):
    from segmentation.train import main

    assert main(["--data", str(tmp_path), "--out", str(tmp_path / "m.keras"), "--size", "32"]) == 1
    assert "expected images/" in capsys.readouterr().err
    assert main(["--data", str(tmp_path), "--out", str(tmp_path / "m.keras"), "--detector-boxes", str(tmp_path / "no.json")]) == 2
    assert "no such file" in capsys.readouterr().err


def test_refit_split_trains_on_every_person(tmp_path):
    """--split-by image: val is a sample of images, every person is in training, no test split."""
    from segmentation.train import TrainConfig, load_splits

    data = make_pair_folder(tmp_path / "data", n=20)
    person = load_splits(TrainConfig(data=[str(data)]))[0]
    assert {n.split("_")[1] for *_, n in person["test"]}.isdisjoint({n.split("_")[1] for *_, n in person["train"]})
    splits, manifest = load_splits(TrainConfig(data=[str(data)], split_by="image", val_fraction=0.2, test_fraction=0.0))
    assert splits["test"] == [] and len(splits["val"]) == 4 and len(splits["train"]) == 16
    assert {n.split("_")[1] for *_, n in splits["train"]} == {"id00", "id01", "id02", "id03"}
    assert set(manifest[str(data)]["val"]).isdisjoint(manifest[str(data)]["train"])


def test_train_cli_rejects_bad_split_fractions(tmp_path, capsys):
    from segmentation.train import main

    data = make_pair_folder(tmp_path / "data")
    assert main(["--data", str(data), "--val-fraction", "0.6", "--test-fraction", "0.5"]) == 2
    assert "sum to less than 1" in capsys.readouterr().err


@pytest.mark.parametrize("args, message", [
    (["--composite-p", "1.5"], "--composite-p"),
    (["--family-weights", "1,2"], "--family-weights"),
    (["--family-weights", "1,a,1,1,1"], "--family-weights"),
    (["--family-weights", "0,0,0,0,0"], "--family-weights"),
    (["--edge-weight", "-1"], "--edge-weight"),
    (["--edge-band", "0"], "--edge-band"),
    (["--recolour-p", "1.2"], "--recolour-p"),
    (["--relight-p", "-0.1"], "--relight-p"),
    (["--hand-shadow-p", "2"], "--hand-shadow-p"),
    (["--print-p", "1.5"], "--print-p"),
])
def test_train_cli_rejects_bad_composite_options(tmp_path, capsys, args, message):
    from segmentation.train import main

    data = make_pair_folder(tmp_path / "data")
    assert main(["--data", str(data), *args]) == 2
    assert message in capsys.readouterr().err


def test_composite_options_reach_the_sampler(monkeypatch):
    """--composite-p and --family-weights end up in the CompositeConfig the training data uses."""
    import segmentation.composite as composite
    from segmentation.train import TrainConfig, make_dataset

    seen = []
    real = composite.CompositeConfig

    def spy(**kwargs):
        seen.append(real(**kwargs))
        return seen[-1]

    monkeypatch.setattr(composite, "CompositeConfig", spy)
    img = np.zeros((40, 40, 3), np.uint8)
    msk = np.zeros((40, 40), np.uint8)
    msk[10:30, 10:30] = 255
    make_dataset([(img, msk, 1.0, "a_id00_1")],
                 TrainConfig(size=32, composite_p=0.8, family_weights=(1, 0, 0, 0, 1), print_p=0.4))
    assert seen[-1].p == 0.8 and tuple(seen[-1].family_weights) == (1, 0, 0, 0, 1) and seen[-1].print_p == 0.4


def test_the_fixed_composite_val_set_carries_no_prints():
    from segmentation.train import TrainConfig, composite_val_set

    rng = np.random.default_rng(0)
    img = rng.integers(0, 255, (40, 40, 3)).astype(np.uint8)
    msk = np.zeros((40, 40), np.uint8)
    msk[10:30, 10:30] = 255
    items = [(img, msk, 1.0, "a_id00_1"), (img[::-1].copy(), msk, 1.0, "b_id01_1")]
    plain = composite_val_set(items, TrainConfig(size=32), [])
    printed = composite_val_set(items, TrainConfig(size=32, print_p=1.0), [])
    assert all(np.array_equal(a, b) for a, b in zip(plain[:2], printed[:2]))  # seeded set unchanged


def test_hand_shadow_option_reaches_every_training_crop_with_its_mask(monkeypatch):
    import segmentation.augment as augment
    from segmentation.train import TrainConfig, make_dataset

    seen = []
    real = augment.cast_hand_shadow
    monkeypatch.setattr(augment, "cast_hand_shadow", lambda x, y, rng: seen.append(y.copy()) or real(x, y, rng))
    img = np.full((40, 40, 3), 200, np.uint8)
    msk = np.zeros((40, 40), np.uint8)
    msk[10:30, 10:30] = 255
    ds = make_dataset([(img, msk, 1.0, "a_id00_1")], TrainConfig(size=32, composite=False, hand_shadow_p=1.0))
    _, y, _ = next(iter(ds))
    assert seen and np.array_equal(seen[0], y.numpy()[0, ..., 0])  # shadowed with the crop's own label


def test_the_fixed_composite_val_set_carries_no_hand_shadow(monkeypatch):
    import segmentation.augment as augment
    from segmentation.train import TrainConfig, composite_val_set

    seen = []
    monkeypatch.setattr(augment, "cast_hand_shadow", lambda x, y, rng: seen.append(1) or x)
    img = np.full((40, 40, 3), 200, np.uint8)
    msk = np.zeros((40, 40), np.uint8)
    msk[10:30, 10:30] = 255
    x, y, _ = composite_val_set([(img, msk, 1.0, "a_id00_1")], TrainConfig(size=32, hand_shadow_p=1.0), [])
    assert x.shape == (1, 32, 32, 3) and not seen  # the seeded validation composites stay as they were


def test_recolour_option_reaches_the_augmentation(monkeypatch):
    import segmentation.augment as augment
    from segmentation.train import TrainConfig, make_dataset

    seen = []
    real = augment.recolour
    monkeypatch.setattr(augment, "recolour", lambda img, rng: seen.append(1) or real(img, rng))
    img = np.zeros((40, 40, 3), np.uint8)
    msk = np.zeros((40, 40), np.uint8)
    msk[10:30, 10:30] = 255
    ds = make_dataset([(img, msk, 1.0, "a_id00_1")], TrainConfig(size=32, composite=False, recolour_p=1.0))
    next(iter(ds))
    assert seen


def test_relight_option_reaches_the_augmentation_with_the_mask(monkeypatch):
    import segmentation.augment as augment
    from segmentation.train import TrainConfig, make_dataset

    seen = []
    real = augment.relight_hand
    monkeypatch.setattr(augment, "relight_hand", lambda img, mask, rng: seen.append(mask.copy()) or real(img, mask, rng))
    img = np.zeros((40, 40, 3), np.uint8)
    msk = np.zeros((40, 40), np.uint8)
    msk[10:30, 10:30] = 255
    ds = make_dataset([(img, msk, 1.0, "a_id00_1")], TrainConfig(size=32, composite=False, relight_p=1.0))
    next(iter(ds))
    assert seen and all(m.shape == (32, 32) and m.any() for m in seen)  # each crop's own label


def test_train_cli_refit_without_test_split(tmp_path):
    from segmentation.train import main

    data = make_pair_folder(tmp_path / "data")
    out = tmp_path / "model.keras"
    rc = main(["--data", str(data), "--out", str(out), "--work-dir", str(tmp_path / "run"), "--size", "32",
               "--filters", "4,8,16", "--epochs", "1", "--steps-per-epoch", "2", "--batch-size", "4",
               "--split-by", "image", "--val-fraction", "0.25", "--test-fraction", "0"])
    assert rc == 0 and out.is_file()
    report = json.loads(out.with_suffix(".train.json").read_text())
    assert report["test"] == {} and "composite_test" not in report and report["config"]["split_by"] == "image"
