"""Train the hand U-Net: ``python -m segmentation.train --data DIR [--data DIR2 ...] --out models/x.keras``.

Each ``--data`` folder is split by person (seeded) into train/val/test; the model trains on
augmented detector-like crops, keeps the checkpoint with the best validation IoU, stops early
when it stops improving (or when ``--time-limit`` runs out), can resume after an interruption,
and finally reports crop-level IoU/Dice on every data set's held-out test split.
``--whole-image`` trains the seed-style baseline instead (whole image stretched to 480x272).
``--split-by image --test-fraction 0`` is the refit for a shipped model: once a recipe has been
chosen on person-wise splits, every person is trained on and only a sample of images is kept
back to pick the checkpoint (the person-wise figures then belong to the earlier model).
"""
from __future__ import annotations

import argparse
import json
import logging
import os
import sys
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

import numpy as np

log = logging.getLogger("segmentation.train")


@dataclass
class TrainConfig:
    data: list[str] = field(default_factory=list)
    out: str = "models/hand_unet.keras"
    work_dir: str = "runs/hand_unet"
    size: int = 256
    whole_image: bool = False
    whole_shape: tuple[int, int] = (272, 480)
    filters: tuple[int, ...] = (16, 32, 64, 128, 192)
    epochs: int = 40
    steps_per_epoch: int = 100
    batch_size: int = 8
    learning_rate: float = 2e-3
    patience: int = 8
    silver_weight: float = 0.5
    max_side: int = 1024
    val_fraction: float = 0.15
    test_fraction: float = 0.15
    #: "person" (honest: val/test people never seen) or "image" (refit: every person trained on)
    split_by: str = "person"
    seed: int = 0
    time_limit_min: float = 0.0
    augment: bool = True
    resume: bool = True
    composite: bool = True
    #: share of training samples pasted on a new background, and the weights of the background
    #: families (segmentation.composite.FAMILIES order); () = CompositeConfig's defaults
    composite_p: float = 0.5
    family_weights: tuple[float, ...] = ()
    init_from: str = ""  # start from these weights (fine-tuning) instead of random initialisation
    backgrounds: str = ""  # hand_boxes-style folder of background photos; "" = next to the first --data
    #: JSON of the detector's boxes per training image (``python -m segmentation.detector_boxes``);
    #: "" = train on mask-box crops only
    detector_boxes: str = ""
    #: weight of the extra cross-entropy on the band along each label's edge (0 = BCE + Dice only)
    edge_weight: float = 0.0
    edge_band_px: int = 3
    #: share of training crops recoloured whole (augment.recolour): hue stops being the cue
    recolour_p: float = 0.0
    #: share of training crops given a quarter or half turn (augment.AugmentConfig.quarter_turn_p)
    quarter_turn_p: float = 0.0
    #: share of training crops whose hand alone is washed out or dimmed (augment.relight_hand)
    relight_p: float = 0.0
    #: share of finished training crops turned grey whole (augment.AugmentConfig.grey_crop_p)
    grey_crop_p: float = 0.0
    #: share of training crops given the hand's own cast shadow (augment.AugmentConfig.hand_shadow_p)
    hand_shadow_p: float = 0.0
    #: share of composited procedural textures drawn as busy prints (composite.CompositeConfig.print_p)
    print_p: float = 0.0
    #: JSON of MediaPipe's landmarks per training image (``segmentation.detector_boxes --landmarks``):
    #: the model then takes the landmark hint as a fourth channel (``segmentation.hint``)
    landmarks: str = ""
    #: share of training crops whose hint is blanked, as for a hand found by YOLO alone
    hint_dropout: float = 0.2
    #: with ``landmarks``: a fifth channel marks the fan a forearm can take from the wrist
    forearm_hint: bool = False

    @property
    def channels(self) -> int:
        if not self.landmarks or self.whole_image:
            return 3
        return 5 if self.forearm_hint else 4


def _downscale(image: np.ndarray, mask: np.ndarray, max_side: int):
    import cv2

    h, w = mask.shape
    s = max_side / max(h, w)
    if s >= 1:
        return image, mask
    size = (int(round(w * s)), int(round(h * s)))
    return cv2.resize(image, size, interpolation=cv2.INTER_AREA), cv2.resize(mask, size, interpolation=cv2.INTER_AREA)


def load_splits(cfg: TrainConfig):
    """Load every data set into memory, split by person (or image); returns {split: [(img, mask, weight, name)]}."""
    from tqdm import tqdm

    from segmentation.data import find_pairs, load_pair, split_pairs_by

    out: dict[str, list] = {"train": [], "val": [], "test": []}
    manifest: dict[str, dict[str, list[str]]] = {}
    for d in cfg.data:
        pairs = find_pairs(d)
        silver = any(p.mask.parent.name == "masks_silver" for p in pairs)
        weight = cfg.silver_weight if silver else 1.0
        splits = split_pairs_by(pairs, cfg.split_by, cfg.val_fraction, cfg.test_fraction, cfg.seed)
        manifest[d] = {k: [p.stem for p in v] for k, v in splits.items()}
        for name, items in splits.items():
            for p in tqdm(items, desc=f"load {Path(d).name}/{name}", leave=False, disable=None):
                img, msk = load_pair(p)
                img, msk = _downscale(img, msk, cfg.max_side)
                out[name].append((img, msk, weight, f"{Path(d).name}/{p.stem}"))
    return out, manifest


def _augment_config(cfg: TrainConfig):
    from segmentation.augment import AugmentConfig, NO_AUGMENT

    return (AugmentConfig(recolour_p=cfg.recolour_p, quarter_turn_p=cfg.quarter_turn_p, relight_p=cfg.relight_p,
                          grey_crop_p=cfg.grey_crop_p, hand_shadow_p=cfg.hand_shadow_p)
            if cfg.augment else NO_AUGMENT)


def _sample_fn(cfg: TrainConfig):
    """``sample(img, msk, rng, augment, hand_boxes=(), landmarks=())`` -> ``(x, y, hint)``; the
    hint (``segmentation.hint``, from ``landmarks`` in image pixels) is None for RGB models."""
    from segmentation.augment import NO_AUGMENT, crop_sample_matrix, make_whole_sample, warp_sample
    from segmentation.hint import crop_hint

    aug = _augment_config(cfg)

    def sample(img, msk, rng, augment: bool, hand_boxes=(), landmarks=()):
        c = aug if augment else NO_AUGMENT
        if cfg.whole_image:
            return (*make_whole_sample(img, msk, cfg.whole_shape, rng, c), None)
        matrix = crop_sample_matrix(msk, cfg.size, rng, c, hand_boxes=hand_boxes)
        x, y = warp_sample(img, msk, matrix, cfg.size, rng, c)
        hint = crop_hint(landmarks, matrix, cfg.size, cfg.channels - 3) if cfg.channels > 3 else None
        return x, y, hint

    return sample


def _stack(x: np.ndarray, hint: np.ndarray | None) -> np.ndarray:
    """The model input for one sample: RGB, plus the hint channel for a hint model."""
    from segmentation.hint import with_hint

    return x if hint is None else with_hint(x, hint)


def item_landmarks(items, cfg: TrainConfig) -> list[list[np.ndarray]]:
    """Per item, its image's landmark sets in pixels (empty without ``cfg.landmarks``)."""
    from segmentation.detector_boxes import load_landmarks

    stored = load_landmarks(cfg.landmarks) if cfg.channels > 3 else {}
    return [[lm * (img.shape[1], img.shape[0]) for lm in stored.get(name, [])] for img, _, _, name in items]


def fixed_set(items, cfg: TrainConfig):
    """Un-augmented crops of a split: the same arrays every epoch, so val IoU is comparable."""
    sample = _sample_fn(cfg)
    xs, ys = [], []
    for (img, msk, _, _), lms in zip(items, item_landmarks(items, cfg)):
        x, y, hint = sample(img, msk, np.random.default_rng(0), False, landmarks=lms)
        xs.append(_stack(x, hint))
        ys.append(y)
    return np.stack(xs).astype(np.float32), np.stack(ys)[..., None].astype(np.float32)


def background_folder(cfg: TrainConfig) -> Path | None:
    folder = Path(cfg.backgrounds) if cfg.backgrounds else Path(cfg.data[0]).parent / "hand_boxes"
    return folder if (folder / "images").is_dir() else None


def load_backgrounds(cfg: TrainConfig, split: str) -> list[np.ndarray]:
    """Hand-free photo regions for compositing: ``train`` photos for training, ``val`` for validation."""
    from segmentation.composite import load_photo_backgrounds

    folder = background_folder(cfg)
    if folder is None:
        log.warning("no background photos found; composites use procedural backgrounds only")
        return []
    return load_photo_backgrounds(folder, split)


def composite_val_set(items, cfg: TrainConfig, photos: list[np.ndarray], seed: int = 1234):
    """A fixed (seeded) composite set: every val hand once on each background family, with
    background photos from the detection set's *val* split, never seen in training."""
    from segmentation.composite import FAMILIES, composite_sample

    sample = _sample_fn(cfg)
    rng = np.random.default_rng(seed)
    xs, ys, fams = [], [], []
    for k, ((img, msk, _, _), lms) in enumerate(zip(items, item_landmarks(items, cfg))):
        family = FAMILIES[k % len(FAMILIES)]
        x, y, hint = sample(img, msk, rng, False, landmarks=lms)
        xc, yc, _ = composite_sample(x, y, rng, photos, family=family)
        xs.append(_stack(xc, hint))
        ys.append(yc)
        fams.append(family)
    return np.stack(xs).astype(np.float32), np.stack(ys)[..., None].astype(np.float32), fams


def make_dataset(items, cfg: TrainConfig, photos: list[np.ndarray] | None = None):
    import tensorflow as tf

    from segmentation.augment import finish_sample
    from segmentation.composite import CompositeConfig, composite_sample
    from segmentation.detector_boxes import load_boxes, to_pixels

    sample = _sample_fn(cfg)
    aug = _augment_config(cfg)
    shape = (cfg.size, cfg.size) if not cfg.whole_image else tuple(cfg.whole_shape)
    weights = np.array([w for _, _, w, _ in items], float)
    stored = load_boxes(cfg.detector_boxes)
    boxes = [to_pixels(stored.get(name, []), img.shape[1], img.shape[0]) for img, _, _, name in items]
    if stored:
        log.info("detector boxes for %d of %d training images", sum(1 for b in boxes if b), len(items))
    landmarks = item_landmarks(items, cfg)
    if cfg.channels > 3:
        log.info("landmarks for %d of %d training images", sum(1 for v in landmarks if v), len(items))
    ccfg = CompositeConfig(p=cfg.composite_p, print_p=cfg.print_p,
                           **({"family_weights": cfg.family_weights} if cfg.family_weights else {}))
    use_composite = cfg.composite and not cfg.whole_image

    def gen():
        rng = np.random.default_rng(cfg.seed + int(time.time()))
        while True:
            i = int(rng.integers(len(items)))
            img, msk, w, _ = items[i]
            x, y, hint = sample(img, msk, rng, True, boxes[i], landmarks[i])
            if use_composite and rng.random() < ccfg.p:
                second = None
                if rng.random() < ccfg.second_hand_p:
                    j = int(rng.integers(len(items)))
                    second = sample(items[j][0], items[j][1], rng, True)[:2]
                x, y, _ = composite_sample(x, y, rng, photos or [], second=second, cfg=ccfg)
            x = finish_sample(x, rng, aug, y)
            if hint is not None and rng.random() < cfg.hint_dropout:
                hint = np.zeros_like(hint)
            x = _stack(x, hint)
            yield x.astype(np.float32), y[..., None].astype(np.float32), np.float32(weights[i])

    sig = (
        tf.TensorSpec((*shape, cfg.channels), tf.float32),
        tf.TensorSpec((*shape, 1), tf.float32),
        tf.TensorSpec((), tf.float32),
    )
    return tf.data.Dataset.from_generator(gen, output_signature=sig).batch(cfg.batch_size).prefetch(4)


def crop_scores(model, x: np.ndarray, y: np.ndarray, batch: int = 16) -> dict[str, float]:
    """Mean per-crop IoU and Dice at threshold 0.5."""
    pred = model.predict(x, batch_size=batch, verbose=0) > 0.5
    t = y > 0.5
    inter = (pred & t).sum(axis=(1, 2, 3))
    union = (pred | t).sum(axis=(1, 2, 3))
    tot = pred.sum(axis=(1, 2, 3)) + t.sum(axis=(1, 2, 3))
    iou = np.where(union > 0, inter / np.maximum(union, 1), 1.0)
    dice = np.where(tot > 0, 2 * inter / np.maximum(tot, 1), 1.0)
    return {"iou": float(iou.mean()), "dice": float(dice.mean()), "n": int(len(x))}


def family_scores(model, x: np.ndarray, y: np.ndarray, families: list[str]) -> dict[str, dict[str, float]]:
    """Crop IoU and boundary F1 per background family (and overall)."""
    from pipeline.metrics import score_masks

    pred = model.predict(x, batch_size=16, verbose=0)[..., 0] > 0.5
    rows: dict[str, list] = {}
    for p, t, f in zip(pred, y[..., 0] > 0.5, families):
        s = score_masks(p.astype(np.uint8), t.astype(np.uint8))
        rows.setdefault(f, []).append((s.iou, s.boundary_f1))
        rows.setdefault("all", []).append((s.iou, s.boundary_f1))
    return {f: {"iou": float(np.mean([r[0] for r in v])), "boundary_f1": float(np.mean([r[1] for r in v])),
                "n": len(v)} for f, v in rows.items()}


def train(cfg: TrainConfig) -> dict:
    import keras

    from segmentation.model import BinaryIoU, EdgeWeightedLoss, build_unet

    keras.utils.set_random_seed(cfg.seed)
    work = Path(cfg.work_dir)
    work.mkdir(parents=True, exist_ok=True)
    out = Path(cfg.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    t0 = time.time()
    splits, manifest = load_splits(cfg)
    (work / "split.json").write_text(json.dumps(manifest, indent=1))
    if not splits["train"]:
        raise SystemExit("error: no training pairs after the split")
    val_items = splits["val"] or splits["train"][:8]
    xv, yv = fixed_set(val_items, cfg)
    train_photos: list[np.ndarray] = []
    # unseen backgrounds for the composite val and test sets, read once
    val_photos = load_backgrounds(cfg, "val") if not cfg.whole_image else []
    if cfg.composite and not cfg.whole_image:
        train_photos = load_backgrounds(cfg, "train")
        comp_val = composite_val_set(val_items, cfg, val_photos)
        # model selection sees both the real scenes and the unseen-background composites
        xv, yv = np.concatenate([xv, comp_val[0]]), np.concatenate([yv, comp_val[1]])
    log.info("pairs: train %d, val %d, test %d", *(len(splits[k]) for k in ("train", "val", "test")))

    shape = tuple(cfg.whole_shape) if cfg.whole_image else (cfg.size, cfg.size)
    model = build_unet(shape, cfg.filters, channels=cfg.channels)
    if cfg.init_from:
        from segmentation.model import load_keras_model, widen_input

        source = load_keras_model(cfg.init_from)
        if source.input_shape[-1] < cfg.channels:  # an RGB model learning to take the hint
            widen_input(source, model)
        else:
            model.set_weights(source.get_weights())
        log.info("initialised from %s", cfg.init_from)
    model.compile(
        optimizer=keras.optimizers.Adam(cfg.learning_rate),
        loss=EdgeWeightedLoss(cfg.edge_weight, cfg.edge_band_px),
        metrics=[BinaryIoU()],
    )
    best_path = work / "best.keras"
    callbacks = [
        keras.callbacks.ModelCheckpoint(str(best_path), monitor="val_iou", mode="max", save_best_only=True),
        keras.callbacks.EarlyStopping(monitor="val_iou", mode="max", patience=cfg.patience, restore_best_weights=True),
        keras.callbacks.ReduceLROnPlateau(monitor="val_iou", mode="max", factor=0.5, patience=max(2, cfg.patience // 3)),
        keras.callbacks.CSVLogger(str(work / "log.csv"), append=cfg.resume),
    ]
    if cfg.resume:
        callbacks.append(keras.callbacks.BackupAndRestore(str(work / "backup")))
    if cfg.time_limit_min > 0:
        callbacks.append(_TimeLimit(cfg.time_limit_min * 60, t0))
    model.fit(
        make_dataset(splits["train"], cfg, train_photos),
        steps_per_epoch=cfg.steps_per_epoch,
        epochs=cfg.epochs,
        validation_data=(xv, yv),
        callbacks=callbacks,
        verbose=1 if sys.stdout.isatty() else 2,
    )
    if best_path.exists():
        model.load_weights(best_path)
    export = build_unet(shape, cfg.filters, channels=cfg.channels)  # uncompiled twin: no optimizer state in the shipped file
    export.set_weights(model.get_weights())
    export.save(out)
    from segmentation.export import write_tflite

    write_tflite(export, out.with_suffix(".tflite"))  # the product runs this twin (no TensorFlow at run time)

    report = {"config": asdict(cfg), "train_minutes": round((time.time() - t0) / 60, 1), "val": crop_scores(export, xv, yv)}
    by_set: dict[str, list] = {}
    for item in splits["test"]:
        by_set.setdefault(item[3].split("/")[0], []).append(item)
    report["test"] = {name: crop_scores(export, *fixed_set(items, cfg)) for name, items in by_set.items()}
    # the composite set is rebuilt with the *test* hands and val backgrounds, for an unseen-background figure
    if not cfg.whole_image and splits["test"]:
        xc, yc, fams = composite_val_set(splits["test"], cfg, val_photos)
        report["composite_test"] = family_scores(export, xc, yc, fams)
    out.with_suffix(".train.json").write_text(json.dumps(report, indent=1))
    log.info("saved %s; val %s; test %s", out, report["val"], report["test"])
    return report


class _TimeLimit:
    """Stop cleanly after a wall-clock budget; the best checkpoint is kept."""

    def __new__(cls, seconds: float, t0: float):
        import keras

        class TimeLimit(keras.callbacks.Callback):
            def on_epoch_end(self, epoch, logs=None):
                if time.time() - t0 > seconds:
                    log.info("time limit reached after epoch %d", epoch + 1)
                    self.model.stop_training = True

        return TimeLimit()


def build_parser() -> argparse.ArgumentParser:
    from segmentation.data import SPLIT_UNITS

    d = TrainConfig()
    p = argparse.ArgumentParser(prog="python -m segmentation.train", description=__doc__.splitlines()[0])
    p.add_argument("--data", action="append", required=True, help="data folder (images/+masks/ or original/+no_bg/); repeatable")
    p.add_argument("--out", default=d.out, help="where the trained model (.keras) is written")
    p.add_argument("--work-dir", default=d.work_dir, help="checkpoints, CSV log and resume state")
    p.add_argument("--size", type=int, default=d.size, help="crop side in pixels (multiple of 16)")
    p.add_argument("--whole-image", action="store_true", help="train the seed-style whole-image baseline (480x272)")
    p.add_argument("--filters", default=",".join(map(str, d.filters)), help="U-Net widths per level")
    p.add_argument("--epochs", type=int, default=d.epochs)
    p.add_argument("--steps-per-epoch", type=int, default=d.steps_per_epoch)
    p.add_argument("--batch-size", type=int, default=d.batch_size)
    p.add_argument("--lr", type=float, default=d.learning_rate)
    p.add_argument("--patience", type=int, default=d.patience)
    p.add_argument("--silver-weight", type=float, default=d.silver_weight, help="loss weight of masks_silver/ sets")
    p.add_argument("--seed", type=int, default=d.seed)
    p.add_argument("--split-by", choices=SPLIT_UNITS, default=d.split_by,
                   help="unit of the val/test split: person (honest) or image (refit on every person)")
    p.add_argument("--val-fraction", type=float, default=d.val_fraction)
    p.add_argument("--test-fraction", type=float, default=d.test_fraction)
    p.add_argument("--time-limit", type=float, default=0.0, help="minutes; stop after the epoch that passes it")
    p.add_argument("--no-augment", action="store_true")
    p.add_argument("--no-composite", action="store_true",
                   help="don't paste hands on new backgrounds (copy-paste compositing is on by default)")
    p.add_argument("--composite-p", type=float, default=d.composite_p,
                   help="share of training samples pasted on a new background (default %(default)s)")
    p.add_argument("--family-weights", default="",
                   help="comma-separated weights of the background families photo,texture,flat,skin,distractor")
    p.add_argument("--backgrounds", default="",
                   help="folder of background photos in YOLO layout (default: hand_boxes next to the first --data)")
    p.add_argument("--no-resume", action="store_true", help="start afresh even if --work-dir holds a backup")
    p.add_argument("--detector-boxes", default="",
                   help="JSON from python -m segmentation.detector_boxes: also train on crops around the detector's boxes")
    p.add_argument("--init-from", default="", help="fine-tune from this .keras model (same architecture)")
    p.add_argument("--edge-weight", type=float, default=d.edge_weight,
                   help="extra cross-entropy on the band along each label's edge, times this (default %(default)s: off)")
    p.add_argument("--edge-band", type=int, default=d.edge_band_px,
                   help="half-width in crop pixels of that band (default %(default)s)")
    p.add_argument("--landmarks", default="",
                   help="JSON from python -m segmentation.detector_boxes --landmarks: train a model that "
                        "takes the landmark hint as a fourth input channel")
    p.add_argument("--hint-dropout", type=float, default=d.hint_dropout,
                   help="share of training crops with the hint blanked (default %(default)s)")
    p.add_argument("--forearm-hint", action="store_true",
                   help="with --landmarks: a fifth input channel marks the fan a forearm can take from the wrist")
    p.add_argument("--recolour-p", type=float, default=d.recolour_p,
                   help="share of training crops recoloured whole, channels reordered or hue turned (default %(default)s)")
    p.add_argument("--quarter-turn-p", type=float, default=d.quarter_turn_p,
                   help="share of training crops turned a quarter or half turn (default %(default)s)")
    p.add_argument("--relight-p", type=float, default=d.relight_p,
                   help="share of training crops whose hand alone is washed out or dimmed (default %(default)s)")
    p.add_argument("--grey-crop-p", type=float, default=d.grey_crop_p,
                   help="share of finished training crops turned grey whole, as a black-and-white photo (default %(default)s)")
    p.add_argument("--hand-shadow-p", type=float, default=d.hand_shadow_p,
                   help="share of training crops given the hand's own cast shadow beside it (default %(default)s)")
    p.add_argument("--print-p", type=float, default=d.print_p,
                   help="share of composited textures drawn as busy prints: terrazzo speckle, floral cloth (default %(default)s)")
    return p


def main(argv: list[str] | None = None) -> int:
    # TensorFlow turns its oneDNN kernels on by default only on CPUs with AVX-512; on an AVX2-only
    # CPU (such as the AMD EPYC this project trains on) they still make a training step 1.7x faster
    # (5.4 s -> 3.1 s per batch of 8 at 256x256). Must be set before TensorFlow is imported.
    os.environ.setdefault("TF_ENABLE_ONEDNN_OPTS", "1")
    args = build_parser().parse_args(argv)
    from segmentation.composite import FAMILIES

    try:
        family_weights = tuple(float(v) for v in args.family_weights.split(",")) if args.family_weights else ()
    except ValueError:
        family_weights = (-1.0,)
    if family_weights and (len(family_weights) != len(FAMILIES) or min(family_weights) < 0 or sum(family_weights) <= 0):
        print(f"error: --family-weights needs {len(FAMILIES)} non-negative numbers ({','.join(FAMILIES)})", file=sys.stderr)
        return 2
    if not 0 <= args.composite_p <= 1:
        print("error: --composite-p must be in [0, 1]", file=sys.stderr)
        return 2
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(message)s")
    cfg = TrainConfig(
        data=args.data, out=args.out, work_dir=args.work_dir, size=args.size, whole_image=args.whole_image,
        filters=tuple(int(v) for v in args.filters.split(",")), epochs=args.epochs,
        steps_per_epoch=args.steps_per_epoch, batch_size=args.batch_size, learning_rate=args.lr,
        patience=args.patience, silver_weight=args.silver_weight, seed=args.seed,
        time_limit_min=args.time_limit, augment=not args.no_augment, resume=not args.no_resume,
        composite=not args.no_composite, backgrounds=args.backgrounds, init_from=args.init_from,
        composite_p=args.composite_p, family_weights=family_weights,
        detector_boxes=args.detector_boxes, split_by=args.split_by,
        val_fraction=args.val_fraction, test_fraction=args.test_fraction,
        edge_weight=args.edge_weight, edge_band_px=args.edge_band, recolour_p=args.recolour_p,
        quarter_turn_p=args.quarter_turn_p, relight_p=args.relight_p, grey_crop_p=args.grey_crop_p,
        hand_shadow_p=args.hand_shadow_p, print_p=args.print_p,
        landmarks=args.landmarks, hint_dropout=args.hint_dropout, forearm_hint=args.forearm_hint,
    )
    if cfg.landmarks and not Path(cfg.landmarks).is_file():
        print(f"error: --landmarks {cfg.landmarks}: no such file", file=sys.stderr)
        return 2
    if cfg.forearm_hint and not cfg.landmarks:
        print("error: --forearm-hint needs --landmarks", file=sys.stderr)
        return 2
    if not 0 <= cfg.hint_dropout <= 1:
        print("error: --hint-dropout must be in [0, 1]", file=sys.stderr)
        return 2
    if cfg.detector_boxes and not Path(cfg.detector_boxes).is_file():
        print(f"error: --detector-boxes {cfg.detector_boxes}: no such file", file=sys.stderr)
        return 2
    if not (0 <= cfg.val_fraction < 1 and 0 <= cfg.test_fraction < 1 and cfg.val_fraction + cfg.test_fraction < 1):
        print("error: --val-fraction and --test-fraction must be in [0, 1) and sum to less than 1", file=sys.stderr)
        return 2
    if cfg.edge_weight < 0 or cfg.edge_band_px < 1:
        print("error: --edge-weight must be >= 0 and --edge-band >= 1", file=sys.stderr)
        return 2
    for flag, share in (("--quarter-turn-p", cfg.quarter_turn_p), ("--recolour-p", cfg.recolour_p),
                        ("--relight-p", cfg.relight_p), ("--grey-crop-p", cfg.grey_crop_p),
                        ("--hand-shadow-p", cfg.hand_shadow_p), ("--print-p", cfg.print_p)):
        if not 0 <= share <= 1:
            print(f"error: {flag} must be in [0, 1]", file=sys.stderr)
            return 2
    if cfg.size % 16:
        print("error: --size must be a multiple of 16", file=sys.stderr)
        return 2
    from segmentation.data import PairError

    try:
        train(cfg)
    except PairError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
