"""Side-by-side cut-outs of the same photos by several segmentation models, for looking at by eye.

``python benchmarks/model_sheet.py PHOTOS --model A.tflite --model B.tflite [--limit 24] --out sheet.jpg``

Masks score a model only where labels exist; photos without labels (``hand_boxes``' own, the
bundled samples) still show what a number cannot: a background patch kept, a finger lost.
Each row is one photo: the photo, then each model's cut-out on green, all through the whole
pipeline with its default settings. Models are run one after another (one pipeline at a time),
photos in name order, so two sheets made with the same arguments show the same rows.
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

import cv2
import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

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


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("photos", help="folder of photos")
    p.add_argument("--model", action="append", required=True, help="segmentation model; repeatable")
    p.add_argument("--limit", type=int, default=24, help="first N photos by name (default %(default)s)")
    p.add_argument("--height", type=int, default=200, help="tile height in pixels")
    p.add_argument("--out", default="model_sheet.jpg")
    args = p.parse_args(argv)
    folder = Path(args.photos)
    if not folder.is_dir():
        print(f"error: {folder}: not a folder", file=sys.stderr)
        return 2
    paths = sorted(q for q in folder.iterdir() if q.suffix.lower() in IMAGE_SUFFIXES)[: args.limit]
    if not paths:
        print(f"error: {folder}: no photos", file=sys.stderr)
        return 2
    from pipeline.options import quiet_native_logs

    quiet_native_logs()
    from pipeline.core import build_pipeline
    from pipeline.imageio import read_rgb

    photos = [read_rgb(q) for q in paths]
    columns = [[label(fit(im, args.height), q.name[:28]) for im, q in zip(photos, paths)]]
    for model in args.model:
        pipe = build_pipeline(model_path=model)
        columns.append([label(fit(on_green(im, pipe.process(im).mask), args.height), Path(model).stem)
                        for im in photos])
        print(f"{model}: {len(photos)} photos", file=sys.stderr)
    rows = [np.hstack([col[i] for col in columns]) for i in range(len(photos))]
    width = max(r.shape[1] for r in rows)
    sheet = np.vstack([np.pad(r, ((0, 0), (0, width - r.shape[1]), (0, 0)), constant_values=255) for r in rows])
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    cv2.imwrite(args.out, cv2.cvtColor(sheet, cv2.COLOR_RGB2BGR))
    print(f"wrote {args.out} ({len(photos)} rows x {len(args.model)} models)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
