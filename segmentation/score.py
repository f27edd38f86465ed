"""Crop-level scores of a saved model on the person-wise splits: ``python -m segmentation.score``.

    python -m segmentation.score --model models/hand_unet.keras --data ../shared/data/hgr \
        --data ../shared/data/hands11k [--split test] [--composite] [--landmarks L.json] [--out scores.json]

Why a separate command: the leave-one-domain-out runs (``benchmarks/lodo.sh``) and the model
card need the same crop-level IoU / Dice / boundary F1 for a model on a data set it was *not*
trained on, with exactly the crops, split and composite set that training reports, so the
figures sit side by side. Whole-image (seed-style) models are scored on whole images.
"""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from types import SimpleNamespace

import numpy as np

from pipeline.colour import COLOUR_MODES, segment_with_colour_mode


class _ColourModel:
    """A Keras model seen through the pipeline's colour-cast handling (``pipeline/colour.py``),
    so a colour mode can be chosen on crops before it is tried on whole photos."""

    def __init__(self, model, mode: str) -> None:
        self.model, self.mode = model, mode

    def predict(self, x, batch_size: int = 16, verbose: int = 0):
        from segmentation.hint import split_hint, with_hint

        layers = x.shape[-1] - 3

        # segment_with_colour_mode wants a segmenter: uint8 crops (and hints) in, N x S x S soft masks out
        def run(crops, hints=None):
            inputs = with_hint(crops, hints, layers) if layers else crops.astype(np.float32)
            return self.model.predict(inputs, batch_size=batch_size, verbose=0)[..., 0]

        segmenter = SimpleNamespace(predict=run)
        x = np.clip(np.round(x), 0, 255).astype(np.uint8)
        crops, hints = split_hint(x)
        return segment_with_colour_mode(segmenter, crops, self.mode, hints=hints)[..., None]


def score_model(model_path: str | Path, data: list[str], split: str = "test", composite: bool = False,
                seed: int = 0, colour: str = "none", landmarks: str = "") -> dict:
    """``{data set name: {iou, dice, boundary_f1, n}}`` plus ``composite`` families when asked.

    A model that takes the landmark hint needs ``landmarks`` (``segmentation.detector_boxes
    --landmarks``), so its crops get the hint training gave them.
    """
    from segmentation.model import load_keras_model
    from segmentation.train import TrainConfig, composite_val_set, family_scores, fixed_set, load_backgrounds, load_splits

    model = load_keras_model(model_path)
    h, w, channels = (int(v) for v in model.input_shape[1:4])
    if channels > 3 and not landmarks:
        raise ValueError(f"{model_path} takes the landmark hint: pass --landmarks (python -m segmentation.detector_boxes --landmarks)")
    if colour != "none":
        model = _ColourModel(model, colour)
    whole = h != w
    cfg = TrainConfig(data=list(data), size=h, whole_image=whole, whole_shape=(h, w), seed=seed,
                      landmarks=landmarks if channels > 3 else "", forearm_hint=channels == 5)
    splits, _ = load_splits(cfg)
    by_set: dict[str, list] = {}
    for item in splits[split]:
        by_set.setdefault(item[3].split("/")[0], []).append(item)
    report: dict = {"model": str(model_path), "split": split, "colour": colour}
    for name, items in by_set.items():
        x, y = fixed_set(items, cfg)
        report[name] = family_scores(model, x, y, [name] * len(items))[name]
    if composite and not whole:
        xc, yc, fams = composite_val_set(splits[split], cfg, load_backgrounds(cfg, "val"))
        report["composite"] = family_scores(model, xc, yc, fams)
    return report


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m segmentation.score", description=__doc__.splitlines()[0])
    p.add_argument("--model", required=True, help="a .keras model")
    p.add_argument("--data", action="append", required=True, help="data folder; repeatable")
    p.add_argument("--split", default="test", choices=("train", "val", "test"))
    p.add_argument("--composite", action="store_true",
                   help="also score the seeded composite set (this split's hands on unseen backgrounds)")
    p.add_argument("--colour", default="none", choices=COLOUR_MODES,
                   help="score through the pipeline's colour-cast handling (pipeline/colour.py)")
    p.add_argument("--landmarks", default="", help="landmarks JSON for a model that takes the landmark hint")
    p.add_argument("--out", default="", help="write the scores as JSON here")
    args = p.parse_args(argv)
    if not Path(args.model).is_file():
        print(f"error: {args.model}: no such model file", file=sys.stderr)
        return 2
    from segmentation.data import PairError

    try:
        report = score_model(args.model, args.data, args.split, args.composite, colour=args.colour,
                             landmarks=args.landmarks)
    except (PairError, ValueError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    text = json.dumps(report, indent=1)
    print(text)
    if args.out:
        Path(args.out).parent.mkdir(parents=True, exist_ok=True)
        Path(args.out).write_text(text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
