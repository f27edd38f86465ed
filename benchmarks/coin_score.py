"""How much of each coin lying on a hand the predicted masks keep.

``python benchmarks/coin_score.py --coins runs/coin_test/coins --pred runs/coin_test_pred -o docs/eval/coin_test/coins.json``

``benchmarks/make_coin_set.py`` writes each coin's own mask; the predicted masks come from the
evaluation that scores the set, ``python -m pipeline.evaluate --images runs/coin_test/images
--masks runs/coin_test/masks --save-masks runs/coin_test_pred`` (as ``benchmarks/eval_all.sh``
runs it), or from ``python -m pipeline.run runs/coin_test/images -o PRED --only-mask`` (then
``--pred PRED/masks``). A coin belongs
to the cut-out, so the figure that matters is the share of its pixels the mask keeps: the mean
and the worst over the set, and how many coins lost more than 1 % (a hole or a bite; IoU over the
whole hand hardly moves for a coin a twentieth of the hand's size, so it is counted here).
"""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from pipeline.imageio import read_mask  # noqa: E402

#: a coin that keeps less than this share of its pixels counts as bitten or holed
KEPT = 0.99


def coin_kept(coin: np.ndarray, pred: np.ndarray) -> float:
    """Share of the coin's pixels inside the predicted mask."""
    on = coin > 127
    return float((pred[on] > 127).mean()) if on.any() else float("nan")


def summary_of(kept: dict[str, float]) -> dict:
    """The set's figures from each coin's share kept: how many coins, the mean and worst share,
    and how many kept less than :data:`KEPT`."""
    shares = np.array(list(kept.values()))
    return {"coins": len(shares), "mean_kept": round(float(shares.mean()), 4),
            "min_kept": round(float(shares.min()), 4), f"under_{KEPT}": int((shares < KEPT).sum())}


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--coins", required=True, help="folder of coin masks (make_coin_set.py's OUT/coins)")
    p.add_argument("--pred", required=True, help="folder of predicted masks, same stems")
    p.add_argument("-o", "--output", help="write the per-coin shares and the summary as JSON here")
    args = p.parse_args(argv)
    coins = sorted(Path(args.coins).glob("*.png"))
    if not coins:
        print(f"error: no coin masks in {args.coins}", file=sys.stderr)
        return 2
    kept: dict[str, float] = {}
    for path in coins:
        pred = Path(args.pred) / path.name
        if not pred.exists():
            print(f"error: no predicted mask {pred}", file=sys.stderr)
            return 2
        kept[path.stem] = round(coin_kept(read_mask(path), read_mask(pred)), 4)
    summary = summary_of(kept)
    print(" ".join(f"{k} {v}" for k, v in summary.items()))
    for name, share in sorted(kept.items(), key=lambda kv: kv[1])[:5]:
        print(f"  {name}: {share:.4f}")
    if args.output:
        Path(args.output).parent.mkdir(parents=True, exist_ok=True)
        Path(args.output).write_text(json.dumps({**summary, "per_coin": kept}, indent=1) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
