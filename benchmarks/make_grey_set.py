"""Grey copies of held-out photos, to measure what a black-and-white photo costs.

``python benchmarks/make_grey_set.py --data ../shared/data/hgr --split test --out runs/grey_hgr_test``

Every photo of the split is written as a single-channel JPEG (ITU-R 601 luma, as PIL's ``L``
mode) with its mask unchanged, in the ``images/`` + ``masks/`` layout that
``pipeline.evaluate`` and ``benchmarks/val_sweep.py --highres`` read. The detectors learnt on
colour photos and the U-Net saw only 5 % of its training crops in grey, so this set lies mostly
outside what they were trained for; it measures a limit, not a tuned-for case.
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from PIL import Image

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from pipeline.imageio import save_png  # noqa: E402
from segmentation.data import add_split_arguments, load_pair, split_from_arguments  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--data", required=True)
    add_split_arguments(p, "which split of --data to copy in grey (default: test)", default_split="test")
    p.add_argument("--out", required=True)
    p.add_argument("--limit", type=int, default=0)
    args = p.parse_args(argv)
    pairs = split_from_arguments(args.data, args)
    if args.limit:
        pairs = pairs[: args.limit]
    out = Path(args.out)
    (out / "images").mkdir(parents=True, exist_ok=True)
    for pair in pairs:
        image, mask = load_pair(pair)
        Image.fromarray(image).convert("L").save(out / "images" / f"{pair.stem}.jpg", quality=92)
        save_png(out / "masks" / f"{pair.stem}.png", mask)
    print(f"wrote {len(pairs)} grey pairs to {out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
