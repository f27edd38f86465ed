"""Side-by-side cut-outs of the same photos by several segmentation models, for looking at by eye.

``python benchmarks/model_sheet.py PHOTOS --model A.tflite --model B.tflite [--limit 24] --out sheet.jpg``
``python benchmarks/model_sheet.py PHOTOS --set prior_agreement=0.8 --set prior_agreement=0.9 --changed-only``

Masks score a model only where labels exist; photos without labels (``hand_boxes``' own, the
bundled samples) still show what a number cannot: a background patch kept, a finger lost.
Each row is one photo: the photo, then each model's cut-out on green, all through the whole
pipeline with its default settings. Models are run one after another (one pipeline at a time),
photos in name order, so two sheets made with the same arguments show the same rows.

``--set field=value,...`` adds a column of the shipped model with those ``PipelineConfig``
overrides (as in ``benchmarks/val_sweep.py``), so a pipeline rule that no labelled set exercises
can be looked at on real photos. ``--rescued-only`` keeps the photos where the U-Net failed a
hand outright (its first crop covered less than ``prior_agreement`` of the landmark skeleton, so
GrabCut re-segmented it), ``--changed-only`` those where the columns' masks differ by more than
2 % of the first column's hand area.
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

import cv2
import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

IMAGE_SUFFIXES = {".jpg", ".jpeg", ".png", ".webp", ".bmp", ".tif", ".tiff"}


def on_green(image_rgb: np.ndarray, mask: np.ndarray) -> np.ndarray:
    """The cut-out on flat green: a kept background patch or a lost finger shows at a glance."""
    a = (mask.astype(np.float32) / 255.0)[..., None]
    green = np.zeros_like(image_rgb)
    green[:] = (0, 200, 0)
    return (image_rgb * a + green * (1 - a)).astype(np.uint8)


def fit(image: np.ndarray, height: int) -> np.ndarray:
    s = height / image.shape[0]
    return cv2.resize(image, (max(1, round(image.shape[1] * s)), height), interpolation=cv2.INTER_AREA)


def label(tile: np.ndarray, text: str) -> np.ndarray:
    out = tile.copy()
    cv2.putText(out, text, (6, 18), cv2.FONT_HERSHEY_SIMPLEX, 0.5, (0, 0, 0), 3, cv2.LINE_AA)
    cv2.putText(out, text, (6, 18), cv2.FONT_HERSHEY_SIMPLEX, 0.5, (255, 255, 255), 1, cv2.LINE_AA)
    return out


def changed(a: np.ndarray, b: np.ndarray, share: float = 0.02) -> bool:
    """Do two masks differ by more than ``share`` of the first one's hand area?"""
    return int(np.count_nonzero((a > 0) != (b > 0))) > share * max(1, int(np.count_nonzero(a)))


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("photos", help="folder of photos")
    p.add_argument("--model", action="append", default=[], help="segmentation model; repeatable")
    p.add_argument("--set", action="append", default=[], dest="sets", metavar="FIELD=VALUE,...",
                   help="a column of the shipped model with these PipelineConfig overrides; repeatable")
    p.add_argument("--rescued-only", action="store_true",
                   help="only photos where the U-Net's first crop of a hand was re-segmented by GrabCut")
    p.add_argument("--changed-only", action="store_true", help="only photos where the columns' masks differ")
    p.add_argument("--limit", type=int, default=24, help="first N photos by name, after the filters (default %(default)s)")
    p.add_argument("--height", type=int, default=200, help="tile height in pixels")
    p.add_argument("--out", default="model_sheet.jpg")
    args = p.parse_args(argv)
    if not args.model and not args.sets:
        print("error: give at least one --model or --set", file=sys.stderr)
        return 2
    folder = Path(args.photos)
    if not folder.is_dir():
        print(f"error: {folder}: not a folder", file=sys.stderr)
        return 2
    paths = sorted(q for q in folder.iterdir() if q.suffix.lower() in IMAGE_SUFFIXES)
    if not paths:
        print(f"error: {folder}: no photos", file=sys.stderr)
        return 2
    import dataclasses

    from val_sweep import parse_overrides

    from pipeline.config import PipelineConfig
    from pipeline.options import quiet_native_logs

    quiet_native_logs()
    from pipeline.core import build_pipeline
    from pipeline.imageio import read_rgb

    variants = [(Path(m).stem, m, PipelineConfig()) for m in args.model]
    variants += [(text, None, dataclasses.replace(PipelineConfig(), **parse_overrides(text)[0])) for text in args.sets]
    pipes = {}  # one pipeline per model file; a --set column swaps its config in
    tiles: list[list[np.ndarray]] = []
    for q in paths:
        if len(tiles) >= args.limit:
            break
        image = read_rgb(q)
        masks, rescued = [], False
        for _, model, config in variants:
            if model not in pipes:
                pipes[model] = build_pipeline(model_path=model)
            pipe = pipes[model]
            pipe.config = config
            result = pipe.process(image)
            masks.append(result.mask)
            rescued |= any(a is not None and a < config.prior_agreement for a in result.agreement)
        if args.rescued_only and not rescued:
            continue
        if args.changed_only and not any(changed(masks[0], m) for m in masks[1:]):
            continue
        tiles.append([label(fit(image, args.height), q.name[:28])] +
                     [label(fit(on_green(image, m), args.height), name[:28]) for (name, _, _), m in zip(variants, masks)])
    if not tiles:
        print("no photo passed the filters; nothing written", file=sys.stderr)
        return 0
    rows = [np.hstack(t) for t in tiles]
    width = max(r.shape[1] for r in rows)
    sheet = np.vstack([np.pad(r, ((0, 0), (0, width - r.shape[1]), (0, 0)), constant_values=255) for r in rows])
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    cv2.imwrite(args.out, cv2.cvtColor(sheet, cv2.COLOR_RGB2BGR))
    print(f"wrote {args.out} ({len(rows)} rows x {len(variants)} columns)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
