"""Markdown table of the leave-one-domain-out runs (``benchmarks/lodo.sh`` writes its inputs).

    python benchmarks/lodo_table.py docs/lodo/only_hgr.json docs/lodo/only_hands11k.json [--minutes 25]

Each input is ``python -m segmentation.score`` output for a model trained on one domain only;
the file name says which (``only_<domain>.json``). For every domain the table puts the model that
trained on it beside the one that never saw it, and the gap in IoU points.
"""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path


def summarise(reports: dict[str, dict]) -> list[str]:
    """``reports`` maps the training domain to its score report."""
    domains = sorted(reports)
    lines = ["| test domain | trained on it: IoU / BF1 | never saw it: IoU / BF1 | gap (IoU points) |",
             "|---|---|---|---|"]
    for d in domains:
        inside = reports[d][d]
        others = [o for o in domains if o != d]
        if not others:
            continue
        outside = reports[others[0]][d]
        gap = 100 * (inside["iou"] - outside["iou"])
        lines.append(f"| {d} (n={inside['n']}) | {inside['iou']:.3f} / {inside['boundary_f1']:.3f} | "
                     f"{outside['iou']:.3f} / {outside['boundary_f1']:.3f} (trained on {others[0]}) | {gap:.1f} |")
    return lines


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("reports", nargs="+", help="only_<domain>.json files from segmentation.score")
    p.add_argument("--minutes", type=float, default=None, help="training budget per run, for the caption")
    p.add_argument("--options", default="", help="training options both runs added, for the caption")
    args = p.parse_args(argv)
    reports = {Path(r).stem.removeprefix("only_"): json.loads(Path(r).read_text()) for r in args.reports}
    budget = f"{args.minutes:g} minutes of training each, one CPU thread, " if args.minutes else ""
    recipe = f"same recipe plus `{args.options}`" if args.options.strip() else "same recipe"
    print(f"Leave-one-domain-out, crop level, person-wise test splits ({budget}from scratch, "
          f"{recipe}; `bash benchmarks/lodo.sh`):\n")
    print("\n".join(summarise(reports)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
