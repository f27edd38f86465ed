"""What the pipeline gives when no detector finds the hand, on validation folders.

The detectors find a hand in all but a few validation photos, so the no-hand path is hardly
scored by ``val_sweep.py``; this script scores it on every photo by giving the pipeline a
detector that never finds anything, and compares ``PipelineConfig`` settings of that path
(``--set``, as in ``val_sweep.py``; the defaults first). A random sample of ``--per-set`` photos
of each folder (``images/`` + ``masks/``, as the ``make_*_set.py`` scripts write them), drawn
with ``--seed``, keeps it short.

    python benchmarks/no_hand_found.py runs/highres_11k_refit_val runs/coin_val \
        --set fallback_pieces=0 --per-set 30 --seed 0 --out docs/no_hand_found.json
"""
from __future__ import annotations

import argparse
import dataclasses
import json
import random
import sys
from pathlib import Path


sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.val_sweep import parse_overrides  # noqa: E402
from pipeline.imageio import read_mask, read_rgb  # noqa: E402
from pipeline.metrics import aggregate, score_masks  # noqa: E402


class FindsNothing:
    """A detector that never finds a hand: every photo takes the no-hand path."""

    name = "nothing"

    def detect(self, image_rgb, **_):
        return []


def compare(pipe, folders: list[Path], rows: list[tuple[str, object]], per_set: int, seed: int) -> dict:
    """``{folder name: {row name: scores}}`` for ``pipe`` (its detector replaced by
    :class:`FindsNothing`) under each ``(name, PipelineConfig)`` row, the first the reference
    the others' photos up and down are counted against."""
    pipe.detector = FindsNothing()
    table: dict[str, dict[str, dict]] = {}
    for folder in folders:
        images = sorted(p for p in (folder / "images").iterdir() if p.is_file())
        random.Random(seed).shuffle(images)
        if per_set > 0:
            images = images[:per_set]
        scores: dict[str, list] = {name: [] for name, _ in rows}
        for path in images:
            truth = read_mask(next((folder / "masks").glob(path.stem + ".*")))
            image = read_rgb(path)
            for name, cfg in rows:
                pipe.config = cfg
                scores[name].append(score_masks(pipe.process(image).mask, truth))
        first = scores[rows[0][0]]
        table[folder.name] = {}
        for name, _ in rows:
            agg = aggregate(scores[name])
            table[folder.name][name] = {
                "images": len(images), "mean_iou": round(agg["mean_iou"], 4),
                "mean_boundary_f1": round(agg["mean_boundary_f1"], 4),
                "iou_up_vs_first": sum(a.iou > b.iou + 0.01 for a, b in zip(scores[name], first)),
                "iou_down_vs_first": sum(a.iou < b.iou - 0.01 for a, b in zip(scores[name], first))}
            print(f"{folder.name:36s} {name:28s} IoU {agg['mean_iou']:.4f}  BF1 {agg['mean_boundary_f1']:.4f}"
                  f"  ({len(images)} photos)", flush=True)
    return table


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("folders", nargs="+", type=Path, help="folders with images/ and masks/")
    ap.add_argument("--set", dest="settings", action="append", default=[],
                    help="comma-separated PipelineConfig field=value overrides (repeatable)")
    ap.add_argument("--per-set", type=int, default=30, help="photos drawn from each folder (0: all)")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--out", type=Path, help="JSON file for the table")
    args = ap.parse_args(argv)

    from pipeline.core import build_pipeline

    pipe = build_pipeline()
    defaults = pipe.config
    rows = [("defaults", defaults)]
    for text in args.settings:
        overrides, merge, mediapipe = parse_overrides(text)
        if merge or mediapipe:
            ap.error("only PipelineConfig fields apply: no detector runs here")
        rows.append((text, dataclasses.replace(defaults, **overrides)))
    table = compare(pipe, args.folders, rows, args.per_set, args.seed)
    if args.out:
        args.out.write_text(json.dumps({"seed": args.seed, "per_set": args.per_set, "sets": table}, indent=1) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
