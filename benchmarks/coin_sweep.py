"""How much of each drawn coin the masks keep, under several pipeline settings (a script, not a test).

    python benchmarks/coin_sweep.py --coins runs/coin_val_overhang --set grabcut_rounds=4 \
        [--model models/hand_unet_personwise.tflite] [-o docs/coin_sweep_grabcut_rounds.json]

``benchmarks/coin_score.py`` scores one run's saved masks; this runs the pipeline itself once
per setting (the defaults first, then each ``--set``, as ``benchmarks/val_sweep.py`` takes them)
over a coin set made by ``benchmarks/make_coin_set.py`` (its ``images/`` and ``coins/``), and
gives for each setting the mean and worst share of the coins' pixels kept, how many coins kept
less than 99 %, and each coin's share. A coin is a twentieth of the hand's size, so IoU over the
hand hardly sees a coin lost; this does.
"""
from __future__ import annotations

import argparse
import dataclasses
import json
import sys
from pathlib import Path


ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.coin_score import coin_kept, summary_of  # noqa: E402
from benchmarks.val_sweep import parse_overrides  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python benchmarks/coin_sweep.py", description=__doc__.splitlines()[0])
    p.add_argument("--coins", required=True, help="a coin set: images/NAME.jpg and coins/NAME.png")
    p.add_argument("--set", action="append", default=[], dest="sets",
                   help="PipelineConfig overrides, e.g. grabcut_rounds=4 (the defaults are always scored first)")
    p.add_argument("--model", help="segmentation model; default: the shipped one")
    p.add_argument("-o", "--out", help="write the summaries and each coin's share as JSON here")
    args = p.parse_args(argv)
    from pipeline.config import PipelineConfig
    from pipeline.core import build_pipeline
    from pipeline.imageio import read_mask, read_rgb
    from pipeline.options import quiet_native_logs

    quiet_native_logs()
    folder = Path(args.coins)
    pairs = [(img, folder / "coins" / (img.stem + ".png")) for img in sorted((folder / "images").glob("*.jpg"))]
    pairs = [(img, coin) for img, coin in pairs if coin.exists()]
    if not pairs:
        print(f"error: no images/NAME.jpg with coins/NAME.png in {folder}", file=sys.stderr)
        return 2
    settings = {"defaults": {}}
    for text in args.sets:
        fields, merge, mediapipe = parse_overrides(text)
        if merge or mediapipe:
            raise SystemExit("error: only PipelineConfig fields here")
        settings[text] = fields
    pipeline = build_pipeline(model_path=args.model)
    report: dict = {"coins": str(folder), "model": args.model or "shipped", "settings": {}}
    for name, fields in settings.items():
        pipeline.config = dataclasses.replace(PipelineConfig(), **fields)
        kept = {img.stem: round(coin_kept(read_mask(coin), pipeline.process(read_rgb(img)).mask), 4)
                for img, coin in pairs}
        summary = summary_of(kept)
        print(name, " ".join(f"{k} {v}" for k, v in summary.items()))
        report["settings"][name] = {**summary, "per_coin": kept}
    first = report["settings"]["defaults"]["per_coin"]
    for name in list(settings)[1:]:
        other = report["settings"][name]["per_coin"]
        for stem in sorted(first, key=lambda s: other[s] - first[s]):
            if abs(other[stem] - first[stem]) > 0.01:
                print(f"  {name}: {stem} {first[stem]:.4f} -> {other[stem]:.4f}")
    if args.out:
        Path(args.out).write_text(json.dumps(report, indent=1) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
