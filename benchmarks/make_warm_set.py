"""Copies of held-out photos under a warm lamp's light, to measure colour rules against skin that is
more vivid than any labelled photo shows.

``python benchmarks/make_warm_set.py --data ../shared/data/hgr --split val --out runs/warm_hgr_val``

Why: skin under a tungsten lamp is far more saturated than in daylight. Two HGR test photos
under warm light have a hand chroma (Lab) of 42-44, while every validation photo stays at or
under 36. A chroma rule tuned on validation alone cut those two hands away (docs/rejected,
session 37), so this set gives future colour rules the warm light validation lacked.

Each photo is re-lit as a camera that kept its daylight white balance would see it under a
lamp: the channels are scaled in linear light by ``GAINS`` (red kept, green and blue lowered,
about the ratio of a 3000 K lamp to daylight), then the image is brought back to its own
mean brightness. Masks are unchanged; the layout is the ``images/`` + ``masks/`` one that
``pipeline.evaluate`` and ``benchmarks/val_sweep.py --highres`` read.
"""
from __future__ import annotations

import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks import held_out_set  # noqa: E402
from segmentation.data import load_pair  # noqa: E402

#: per-channel gains (R, G, B) in linear light
GAINS = (1.0, 0.78, 0.5)
#: Rec. 709 luma weights, applied in linear light to keep the mean brightness
LUMA = np.float32([0.2126, 0.7152, 0.0722])


def warm(image_rgb: np.ndarray, gains: tuple[float, float, float] = GAINS) -> np.ndarray:
    """``image_rgb`` (uint8) under a warm cast, at the same mean luminance (``LUMA``, linear light)."""
    linear = (image_rgb.astype(np.float32) / 255.0) ** 2.2
    lit = linear * np.asarray(gains, np.float32)
    before, after = float((linear @ LUMA).mean()), float((lit @ LUMA).mean())
    if after > 0:
        lit *= before / after
    return np.clip(np.clip(lit, 0.0, 1.0) ** (1 / 2.2) * 255.0 + 0.5, 0, 255).astype(np.uint8)


def main(argv: list[str] | None = None) -> int:
    args = held_out_set.parser(__doc__.splitlines()[0], "copy under a warm lamp").parse_args(argv)
    pairs, out = held_out_set.chosen_pairs(args)
    for pair in pairs:
        image, mask = load_pair(pair)
        held_out_set.write_pair(out, pair.stem, warm(image), mask)
    print(f"wrote {len(pairs)} warm pairs to {out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
