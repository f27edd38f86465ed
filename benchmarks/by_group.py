"""Break an evaluation down by a metadata column (e.g. skin colour in 11k Hands).

``python benchmarks/by_group.py --per-image REPORT/per_image.csv --meta ../shared/data/hands11k/meta.csv --column skinColor``

Joins ``pipeline.evaluate``'s per-image CSV with the metadata on the image stem and prints
mean IoU and boundary F1 per group, plus the gap between the best and worst group.
"""
from __future__ import annotations

import argparse
import csv
import json
from pathlib import Path


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--per-image", required=True)
    p.add_argument("--meta", required=True)
    p.add_argument("--column", default="skinColor")
    p.add_argument("--name-column", default="imageName")
    p.add_argument("-o", "--output", help="also write the table as JSON")
    args = p.parse_args(argv)
    with open(args.meta, newline="") as fh:
        group = {Path(r[args.name_column]).stem: r[args.column] for r in csv.DictReader(fh)}
    rows: dict[str, list[tuple[float, float]]] = {}
    with open(args.per_image, newline="") as fh:
        for r in csv.DictReader(fh):
            g = group.get(r["name"], "unknown")
            rows.setdefault(g, []).append((float(r["iou"]), float(r["boundary_f1"])))
    table = {g: {"n": len(v), "iou": sum(x[0] for x in v) / len(v), "boundary_f1": sum(x[1] for x in v) / len(v)}
             for g, v in sorted(rows.items())}
    print(f"{args.column:<14}{'n':>5}{'IoU':>9}{'BF1':>9}")
    for g, t in table.items():
        print(f"{g:<14}{t['n']:>5}{t['iou']:>9.4f}{t['boundary_f1']:>9.4f}")
    ious = [t["iou"] for t in table.values()]
    print(f"best-worst IoU gap: {100 * (max(ious) - min(ious)):.1f} points")
    if args.output:
        Path(args.output).write_text(json.dumps(table, indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
