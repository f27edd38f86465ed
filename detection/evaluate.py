"""Detection recall on mask data sets: ``python -m detection.evaluate --data DIR [--data DIR ...]``.

A hand counts as found when the union of predicted boxes covers at least 90 % of its mask's
pixels — what the segmenter needs to see. Reported twice: for the raw boxes, and for the crop
regions the pipeline actually segments (box + margin, squared). HGR masks include the forearm,
which no hand box covers, so the raw-box figure is a lower bound there.
"""
from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import numpy as np

from detection.boxes import mask_coverage
from detection.factory import DETECTORS, create_detector
from segmentation.crops import DEFAULT_MARGIN, crop_square
from segmentation.data import find_pairs, load_pair, split_pairs


def evaluate(detector, pairs, margin: float = DEFAULT_MARGIN, progress: bool = True) -> dict:
    from tqdm import tqdm

    rows = []
    for p in tqdm(pairs, desc=detector.name, disable=not progress):
        image, mask = load_pair(p)
        t = time.perf_counter()
        hands = detector.detect(image)
        ms = (time.perf_counter() - t) * 1000
        boxes = [h.xyxy for h in hands]
        rows.append({
            "name": p.stem,
            "hands": len(hands),
            "box_coverage": mask_coverage(mask, boxes),
            "crop_coverage": mask_coverage(mask, [crop_square(b, margin) for b in boxes]),
            "ms": ms,
        })
    n = len(rows)
    return {
        "images": n,
        "found_any": sum(r["hands"] > 0 for r in rows) / n,
        "box_recall90": sum(r["box_coverage"] >= 0.9 for r in rows) / n,
        "crop_recall90": sum(r["crop_coverage"] >= 0.9 for r in rows) / n,
        "ms_per_image": float(np.mean([r["ms"] for r in rows])),
        "rows": rows,
    }


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m detection.evaluate", description=__doc__.splitlines()[0])
    p.add_argument("--data", action="append", required=True, help="mask data folder; repeatable")
    p.add_argument("--detector", action="append", choices=DETECTORS, help="default: all")
    p.add_argument("--split", choices=("all", "train", "val", "test"), default="all",
                   help="evaluate only this person-wise split (seed 0, as in training)")
    p.add_argument("--margin", type=float, default=DEFAULT_MARGIN)
    p.add_argument("-o", "--output", help="write the full results as JSON here")
    args = p.parse_args(argv)
    results = {}
    print(f"{'data':<12}{'detector':<11}{'images':>7}{'any':>7}{'box≥90%':>9}{'crop≥90%':>10}{'ms/img':>8}")
    for d in args.data:
        pairs = find_pairs(d)
        if args.split != "all":
            pairs = split_pairs(pairs)[args.split]
        for name in args.detector or DETECTORS:
            r = evaluate(create_detector(name), pairs, args.margin)
            results[f"{Path(d).name}/{name}"] = r
            print(f"{Path(d).name:<12}{name:<11}{r['images']:>7}{r['found_any']:>7.3f}{r['box_recall90']:>9.3f}"
                  f"{r['crop_recall90']:>10.3f}{r['ms_per_image']:>8.0f}")
    if args.output:
        Path(args.output).parent.mkdir(parents=True, exist_ok=True)
        Path(args.output).write_text(json.dumps(results, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
