"""Milliseconds per crop for the U-Net, Keras against its TFLite export (a script, not a test).

    python benchmarks/segmenter_speed.py [--repeat 20] [--out docs/segmenter_speed.json]
    python benchmarks/segmenter_speed.py --model models/hand_unet.tflite --model runs/other.tflite

Issue #4 asks for at most 150 ms per crop on this 2-core CPU, and for the faster of the two
formats to be the one the product uses. Both shipped files (``models/hand_unet.keras`` and
``models/hand_unet.tflite``) are loaded through ``Segmenter``, warmed up, then timed on batches
of 1 and 4 random crops; the figure is the median over ``--repeat`` calls divided by the batch
size. Each format runs in its own subprocess so one's threads and memory do not skew the other.
``--model`` times the given files instead (a candidate with another crop size, say).
"""
from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
FORMATS = {"keras": ROOT / "models" / "hand_unet.keras", "tflite": ROOT / "models" / "hand_unet.tflite"}


def measure(model: Path, repeat: int, batches: tuple[int, ...] = (1, 4)) -> dict:
    """Load time, median ms per crop per batch size and peak RSS, in this process."""
    import numpy as np

    from segmentation.segmenter import Segmenter

    t = time.perf_counter()
    seg = Segmenter(model)
    load_s = time.perf_counter() - t
    rng = np.random.default_rng(0)
    out: dict = {"model": os.path.relpath(model.resolve(), ROOT), "load_s": round(load_s, 2), "ms_per_crop": {}}
    for n in batches:
        x = rng.integers(0, 256, (n, seg.size, seg.size, 3), dtype=np.uint8)
        seg.predict(x)  # warm-up: allocation for this batch size
        runs = []
        for _ in range(repeat):
            t = time.perf_counter()
            seg.predict(x)
            runs.append((time.perf_counter() - t) * 1000 / n)
        out["ms_per_crop"][str(n)] = round(statistics.median(runs), 1)
    out["crop_size"] = seg.size
    out["peak_rss_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
    return out


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--repeat", type=int, default=20)
    p.add_argument("--out", default="", help="also write the results as JSON here")
    p.add_argument("--model", action="append", default=[],
                   help="time this model file instead of the shipped two; repeatable")
    p.add_argument("--only", help=argparse.SUPPRESS)  # the per-model subprocess: the model's path
    args = p.parse_args(argv)
    if args.only:
        print(json.dumps(measure(Path(args.only), args.repeat)))
        return 0
    models = {m: Path(m) for m in args.model} if args.model else FORMATS
    results = {}
    for name, path in models.items():
        if not path.is_file():
            print(f"skip {name}: {path} not found", file=sys.stderr)
            continue
        proc = subprocess.run([sys.executable, __file__, "--only", str(path), "--repeat", str(args.repeat)],
                              capture_output=True, text=True, check=True)
        results[name] = json.loads(proc.stdout.strip().splitlines()[-1])
    width = max([8, *(len(n) + 2 for n in results)])
    print(f"{'model':<{width}}{'crop':>6}{'load s':>8}{'ms/crop (1)':>13}{'ms/crop (4)':>13}{'peak RSS MB':>13}")
    for name, r in results.items():
        ms = r["ms_per_crop"]
        print(f"{name:<{width}}{r['crop_size']:>6}{r['load_s']:>8}{ms['1']:>13}{ms['4']:>13}{r['peak_rss_mb']:>13}")
    if args.out:
        Path(args.out).parent.mkdir(parents=True, exist_ok=True)
        Path(args.out).write_text(json.dumps({"repeat": args.repeat, "cpu_count": os.cpu_count(), **results}, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
