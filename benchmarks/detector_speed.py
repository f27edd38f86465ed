"""Milliseconds per image for each hand detector on the sample photos (a script, not a test).

    python benchmarks/detector_speed.py [--detector yolo] [--repeat 5] [IMAGE ...]

Each detector is built once and warmed up on the first image (onnxruntime and MediaPipe
allocate on the first call), then every image is detected ``--repeat`` times; the table shows
the median per image and the mean over images. Reading and decoding the file is not timed:
that cost is the same whatever the detector.
"""
from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from detection.factory import DETECTORS, create_detector  # noqa: E402
from pipeline.imageio import read_rgb  # noqa: E402


def time_detector(detector, images, repeat: int) -> list[float]:
    """Median milliseconds of ``detector.detect`` per image (after one warm-up call)."""
    detector.detect(images[0])
    out = []
    for image in images:
        runs = []
        for _ in range(repeat):
            t = time.perf_counter()
            detector.detect(image)
            runs.append((time.perf_counter() - t) * 1000)
        out.append(statistics.median(runs))
    return out


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("images", nargs="*", help="default: samples/*.jpg")
    p.add_argument("--detector", action="append", choices=DETECTORS, help="default: all")
    p.add_argument("--repeat", type=int, default=5)
    args = p.parse_args(argv)
    paths = [Path(x) for x in args.images] or sorted((REPO / "samples").glob("*.jpg"))
    images = [read_rgb(x) for x in paths]
    names = args.detector or list(DETECTORS)
    table = {name: time_detector(create_detector(name), images, args.repeat) for name in names}
    width = max(len(x.name) for x in paths) + 2
    print(f"{'image':<{width}}{'size':>11}" + "".join(f"{n:>11}" for n in names))
    for i, (path, image) in enumerate(zip(paths, images)):
        size = f"{image.shape[1]}x{image.shape[0]}"
        print(f"{path.name:<{width}}{size:>11}" + "".join(f"{table[n][i]:>9.1f}ms" for n in names))
    print(f"{'mean':<{width}}{'':>11}" + "".join(f"{statistics.mean(table[n]):>9.1f}ms" for n in names))
    return 0


if __name__ == "__main__":
    sys.exit(main())
