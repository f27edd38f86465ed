"""Speed and memory of the pipeline at the target photo size (a script, not a test).

``python benchmarks/speed.py [--repeats 5] [--folder-images 20] [--out docs/speed.json]``

Measures, on a 2160x4000 JPEG made from ``samples/hand_on_table_large.jpg``: milliseconds per
stage (decode, detect, segment, refine/paste, encode), end to end, the bare I/O floor (decode
the JPEG and encode the two PNGs alone) and the ratio to it; how time grows with pixel count
(1, 4, 8.6 and 24 MP); and the peak resident memory of ``python -m pipeline.run`` over a
folder of 20 such photos.
"""
from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import cv2
import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")


def make_photo(path: Path, width: int, height: int) -> None:
    """The large sample scaled to cover ``width x height`` and centre-cropped (aspect kept)."""
    src = cv2.imread(str(ROOT / "samples" / "hand_on_table_large.jpg"))
    s = max(width / src.shape[1], height / src.shape[0])
    big = cv2.resize(src, (round(src.shape[1] * s), round(src.shape[0] * s)), interpolation=cv2.INTER_CUBIC)
    y0, x0 = (big.shape[0] - height) // 2, (big.shape[1] - width) // 2
    cv2.imwrite(str(path), big[y0:y0 + height, x0:x0 + width], [cv2.IMWRITE_JPEG_QUALITY, 92])


def time_one(pipeline, path: Path, out: Path) -> dict[str, float]:
    from pipeline.imageio import read_rgb, save_png
    from pipeline.render import cutout_rgba

    t0 = time.perf_counter()
    image = read_rgb(path)
    t1 = time.perf_counter()
    r = pipeline.process(image)
    t2 = time.perf_counter()
    save_png(out / "mask.png", r.mask)
    save_png(out / "cutout.png", cutout_rgba(image, r.alpha))
    t3 = time.perf_counter()
    return {"decode": t1 - t0, "detect": r.timings["detect"], "segment": r.timings["segment"],
            "refine": r.timings["refine"], "encode": t3 - t2, "total": t3 - t0}


def io_floor(path: Path, out: Path) -> float:
    from pipeline.imageio import read_rgb, save_png

    t0 = time.perf_counter()
    image = read_rgb(path)
    mask = np.zeros(image.shape[:2], np.uint8)
    mask[image.shape[0] // 4: 3 * image.shape[0] // 4, image.shape[1] // 4: 3 * image.shape[1] // 4] = 255
    save_png(out / "mask.png", mask)
    save_png(out / "cutout.png", np.dstack([image, mask]))
    return time.perf_counter() - t0


def median_dicts(rows: list[dict[str, float]]) -> dict[str, float]:
    return {k: statistics.median(r[k] for r in rows) for k in rows[0]}


def folder_peak_rss(n: int, tmp: Path) -> tuple[float, float]:
    folder = tmp / "folder"
    folder.mkdir()
    make_photo(folder / "p00.jpg", 2160, 4000)
    for i in range(1, n):
        os.link(folder / "p00.jpg", folder / f"p{i:02d}.jpg")
    t0 = time.perf_counter()
    subprocess.run([sys.executable, "-m", "pipeline.run", str(folder), "-o", str(tmp / "out"), "-q"],
                   cwd=ROOT, check=True, stdout=subprocess.DEVNULL)
    wall = time.perf_counter() - t0
    return resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024.0, wall


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--repeats", type=int, default=5)
    p.add_argument("--folder-images", type=int, default=20)
    p.add_argument("--out", default="docs/speed.json")
    args = p.parse_args(argv)
    from pipeline.core import build_pipeline

    pipeline = build_pipeline()
    results: dict = {}
    with tempfile.TemporaryDirectory() as d:
        tmp = Path(d)
        photo = tmp / "photo.jpg"
        make_photo(photo, 2160, 4000)
        time_one(pipeline, photo, tmp)  # warm-up: graph tracing, allocator
        stages = median_dicts([time_one(pipeline, photo, tmp) for _ in range(args.repeats)])
        floor = statistics.median(io_floor(photo, tmp) for _ in range(args.repeats))
        results["2160x4000"] = {**{k: round(v * 1000, 1) for k, v in stages.items()},
                                "io_floor": round(floor * 1000, 1), "ratio_to_io_floor": round(stages["total"] / floor, 2)}
        scaling = {}
        for mp, (w, h) in {"1": (750, 1333), "4": (1500, 2667), "8.6": (2160, 4000), "24": (3600, 6667)}.items():
            f = tmp / f"s{mp}.jpg"
            make_photo(f, w, h)
            time_one(pipeline, f, tmp)
            scaling[mp] = round(statistics.median(time_one(pipeline, f, tmp)["total"] for _ in range(3)) * 1000, 1)
        results["ms_by_megapixels"] = scaling
        rss, wall = folder_peak_rss(args.folder_images, tmp)
        results["folder"] = {"images": args.folder_images, "peak_rss_mb": round(rss, 1),
                             "wall_s": round(wall, 1), "s_per_image_incl_startup": round(wall / args.folder_images, 2)}
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    Path(args.out).write_text(json.dumps(results, indent=1))
    s = results["2160x4000"]
    print("2160x4000 JPEG, median of", args.repeats, "runs (ms):")
    for k in ("decode", "detect", "segment", "refine", "encode", "total", "io_floor"):
        print(f"  {k:<8}{s[k]:>8.1f}")
    print(f"  ratio to I/O floor: {s['ratio_to_io_floor']:.2f}")
    print("total ms by megapixels:", results["ms_by_megapixels"])
    print(f"folder of {args.folder_images}: peak RSS {rss:.0f} MB, {wall:.1f} s wall")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
