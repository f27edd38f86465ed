"""Print the hand boxes found in images: ``python -m detection IMAGE [IMAGE ...]``.

One line per hand: ``file  x0 y0 x1 y1  score  handedness`` in full-resolution pixels, or
``--json`` for machine use.
"""
from __future__ import annotations

import argparse
import json
import sys

from detection.factory import DETECTORS, create_detector
from pipeline.config import PipelineConfig
from pipeline.imageio import ImageReadError, read_rgb
from pipeline.options import quiet_native_logs


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m detection", description="Print detected hand boxes.")
    p.add_argument("images", nargs="+", help="image files")
    p.add_argument("--detector", default=PipelineConfig.detector, choices=DETECTORS,
                   help="backend (default: the pipeline's, %(default)s)")
    p.add_argument("--max-hands", type=int, default=PipelineConfig.max_hands,
                   help="most hands reported per image (default %(default)s)")
    p.add_argument("--json", action="store_true", help="print one JSON object per image")
    args = p.parse_args(argv)
    quiet_native_logs()
    detector = create_detector(args.detector, max_hands=args.max_hands)
    failed = 0
    for path in args.images:
        try:
            image = read_rgb(path)
        except ImageReadError as exc:
            print(f"error: {exc}", file=sys.stderr)
            failed += 1
            continue
        hands = detector.detect(image)
        if args.json:
            print(json.dumps({
                "file": path, "width": image.shape[1], "height": image.shape[0],
                "hands": [{"xyxy": [round(v, 1) for v in h.xyxy], "score": round(h.score, 3),
                           "handedness": h.handedness, "source": h.source} for h in hands],
            }))
        elif not hands:
            print(f"{path}\tno hand found")
        for h in hands if not args.json else []:
            x0, y0, x1, y1 = h.xyxy
            print(f"{path}\t{x0:.0f} {y0:.0f} {x1:.0f} {y1:.0f}\t{h.score:.2f}\t{h.handedness}")
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
