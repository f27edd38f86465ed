"""Milliseconds for the colour edge's per-pixel test over a band's pixels: the whole list at
once, in chunks on one thread, and in chunks on the pool of ``pipeline.chunked`` (a script, not a
test).

    python benchmarks/chunk_speed.py [--pixels 512000] [--repeat 7] [--out docs/chunk_speed.json]

512,000 pixels is the colour edge's band on ``samples/palm_open.jpg`` made to fill a 2160x4000
photo (a 39 px band along the whole outline). The pixels and colours are random: the test's cost
does not depend on them. The figure is the fastest of ``--repeat`` runs.
"""
from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from pipeline import chunked  # noqa: E402
from pipeline.refine import _edge_test  # noqa: E402


def fastest(run, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        run()
        times.append(time.perf_counter() - t)
    return round(min(times) * 1000, 1)


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python benchmarks/chunk_speed.py", description=__doc__.splitlines()[0])
    p.add_argument("--pixels", type=int, default=512_000)
    p.add_argument("--repeat", type=int, default=7)
    p.add_argument("-o", "--out", default="", help="write the figures to this JSON file")
    args = p.parse_args(argv)
    rng = np.random.default_rng(0)
    n = args.pixels
    sums = [np.hstack([rng.random((n, 3), np.float32) * 255, np.ones((n, 1), np.float32)]) for _ in range(2)]
    pix = rng.integers(0, 256, (n, 3), dtype=np.uint8)

    def in_chunks():  # one thread, the same chunks
        bounds = list(range(0, n, chunked.CHUNK)) + [n]
        return [_edge_test(sums[0][a:b], sums[1][a:b], pix[a:b], 20.0) for a, b in zip(bounds[:-1], bounds[1:])]

    report = {
        "pixels": n, "chunk": chunked.CHUNK, "workers": chunked.WORKERS,
        "whole_ms": fastest(lambda: _edge_test(sums[0], sums[1], pix, 20.0), args.repeat),
        "chunks_one_thread_ms": fastest(in_chunks, args.repeat),
        "chunks_pool_ms": fastest(lambda: chunked.per_pixel(_edge_test, (sums[0], sums[1], pix), 20.0), args.repeat),
    }
    print(json.dumps(report))
    if args.out:
        Path(args.out).write_text(json.dumps(report, indent=1) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
