"""Grey copies of held-out photos, to measure what a black-and-white photo costs.

``python benchmarks/make_grey_set.py --data ../shared/data/hgr --split test --out runs/grey_hgr_test``

Every photo of the split is written as a single-channel JPEG (ITU-R 601 luma, as PIL's ``L``
mode) with its mask unchanged, in the ``images/`` + ``masks/`` layout that
``pipeline.evaluate`` and ``benchmarks/val_sweep.py --highres`` read. The detectors learnt on
colour photos and the U-Net saw only 5 % of its training crops in grey, so this set lies mostly
outside what they were trained for; it measures a limit, not a tuned-for case.
"""
from __future__ import annotations

import sys
from pathlib import Path

from PIL import Image

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from pipeline.imageio import save_png  # noqa: E402
from benchmarks import held_out_set  # noqa: E402
from segmentation.data import load_pair  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    args = held_out_set.parser(__doc__.splitlines()[0], "copy in grey").parse_args(argv)
    pairs, out = held_out_set.chosen_pairs(args)
    for pair in pairs:
        image, mask = load_pair(pair)
        Image.fromarray(image).convert("L").save(out / "images" / f"{pair.stem}.jpg", quality=92)
        save_png(out / "masks" / f"{pair.stem}.png", mask)
    print(f"wrote {len(pairs)} grey pairs to {out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
