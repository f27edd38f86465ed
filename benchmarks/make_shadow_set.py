"""Copies of held-out photos with the hand's own shadow cast on the surface beside it, to measure
how much of a cast shadow the pipeline cuts out with the hand.

``python benchmarks/make_shadow_set.py --data ../shared/data/hands11k --split-by image --val-fraction 0.1 --test-fraction 0 --split val --out runs/shadow_11k_val``

Why: a hand photographed from above a little over a table or beside a wall throws a soft, darker
copy of its outline to one side (a pale hand on a white wall in ``hand_boxes``, ``33IMG``), and
the cut-out kept the part touching the hand. No labelled photo shows such a shadow: 11k Hands'
hands lie flat on the table under diffuse light.

Each photo's background (mask 0) is darkened under the hand's mask shifted 4-12 % of the hand's
size in a random direction and blurred 1-4 % of it, keeping 45-80 % of the light, with the
slight blue of a shadow lit by the sky rather than the lamp. The hand and the mask are unchanged
(a shadow is background). Seeded per photo (``--seed``), so the set is the same on every run.

Not :func:`segmentation.augment.cast_hand_shadow`, the training augmentation: it sizes the shadow
by the training crop, which is about one hand wide, while a photo can be many hands wide, and it
has no blue. Changing it would change the training recipe's random draws.
"""
from __future__ import annotations

import sys
from pathlib import Path

import cv2
import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks import held_out_set  # noqa: E402
from segmentation.data import load_pair  # noqa: E402


def cast_shadow(image_rgb: np.ndarray, mask: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """``image_rgb`` (uint8) with the shadow of the hand ``mask`` (255 = hand) on its background."""
    hand = (mask > 127).astype(np.float32)
    if not hand.any():
        return image_rgb
    ys, xs = np.nonzero(hand)
    size = float(max(ys.max() - ys.min(), xs.max() - xs.min()) + 1)
    shift = rng.uniform(0.04, 0.12) * size
    angle = rng.uniform(0.0, 2.0 * np.pi)
    h, w = hand.shape
    mat = np.float32([[1, 0, shift * np.cos(angle)], [0, 1, shift * np.sin(angle)]])
    # BORDER_REPLICATE: an arm entering the photo casts from the photo's edge
    shade = cv2.warpAffine(hand, mat, (w, h), borderMode=cv2.BORDER_REPLICATE)
    shade = cv2.GaussianBlur(shade, (0, 0), rng.uniform(0.01, 0.04) * size + 0.5)
    shade *= 1.0 - hand  # the hand lies on top of its shadow
    keep = rng.uniform(0.45, 0.8)
    blue = rng.uniform(0.0, 0.08)
    # skylight fills a shadow: it keeps a little more blue than red
    kept = keep * np.float32([1.0 - blue / 2, 1.0, 1.0 + blue])
    lit = image_rgb.astype(np.float32) * (1.0 - shade[..., None] * (1.0 - kept))
    return np.clip(lit + 0.5, 0, 255).astype(np.uint8)


def main(argv: list[str] | None = None) -> int:
    p = held_out_set.parser(__doc__.splitlines()[0], "copy with a cast shadow")
    p.add_argument("--seed", type=int, default=0)
    args = p.parse_args(argv)
    pairs, out = held_out_set.chosen_pairs(args)
    for i, pair in enumerate(pairs):
        image, mask = load_pair(pair)
        rng = np.random.default_rng([args.seed, i])
        held_out_set.write_pair(out, pair.stem, cast_shadow(image, mask, rng), mask)
    print(f"wrote {len(pairs)} pairs with a cast shadow to {out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
