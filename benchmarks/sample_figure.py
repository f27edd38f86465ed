"""The README's picture: each sample photo, its mask overlay and its cut-out on a checkerboard.

``python benchmarks/sample_figure.py [--out docs/samples_result.jpg]`` — runs the shipped
pipeline on ``samples/`` (nothing is drawn by hand).
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

import cv2
import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def checkerboard(h: int, w: int, cell: int = 16) -> np.ndarray:
    yy, xx = np.mgrid[0:h, 0:w]
    light = ((yy // cell + xx // cell) % 2 == 0)
    return np.where(light[..., None], 235, 190).astype(np.uint8).repeat(3, axis=2)


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--out", default="docs/samples_result.jpg")
    p.add_argument("--height", type=int, default=300)
    args = p.parse_args(argv)
    from pipeline.options import quiet_native_logs

    quiet_native_logs()
    from pipeline.core import build_pipeline
    from pipeline.imageio import read_rgb
    from pipeline.render import overlay

    pipeline = build_pipeline()
    rows = []
    for path in sorted((ROOT / "samples").glob("*.jpg")):
        image = read_rgb(path)
        r = pipeline.process(image)
        a = r.alpha.astype(np.float32)[..., None] / 255
        cut = (image * a + checkerboard(*image.shape[:2], cell=max(8, image.shape[0] // 40)) * (1 - a)).astype(np.uint8)
        panels = [image, overlay(image, r.mask, [h.xyxy for h in r.hands]), cut]
        s = args.height / image.shape[0]
        rows.append(np.hstack([cv2.resize(x, (round(x.shape[1] * s), args.height), interpolation=cv2.INTER_AREA)
                               for x in panels]))
    width = max(r.shape[1] for r in rows)
    grid = np.vstack([cv2.copyMakeBorder(r, 0, 4, 0, width - r.shape[1], cv2.BORDER_CONSTANT, value=(255, 255, 255)) for r in rows])
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    cv2.imwrite(args.out, cv2.cvtColor(grid, cv2.COLOR_RGB2BGR), [cv2.IMWRITE_JPEG_QUALITY, 85])
    print(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
