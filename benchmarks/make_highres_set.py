"""Build a 2160x4000 portrait evaluation set from held-out images.

``python benchmarks/make_highres_set.py --data ../shared/data/hgr --split test --out runs/highres_hgr``

Each held-out image is scaled (Lanczos) to fill 70-95 % of the canvas width and placed at a
seeded random height on a flat canvas of its own median border colour with mild noise; the
mask goes through exactly the same transform (nearest-free: scaled bilinearly, re-thresholded).
The product's target photos are phone portraits of this size, which none of the data is.
Where the mask runs off the photo's edge (a forearm leaving the frame), the photo is put flush
against that edge of the canvas, so the arm still leaves the frame there, as in a real photo; a
forearm cut off by a straight line in the middle of an empty table is never photographed, and
the pipeline rightly reads the blank strip beyond such a cut as more arm (``--free-placement``
gives the random placement of the sets made before session 17).
``--portrait`` first turns each landscape photo a quarter turn (direction seeded), so a
top-down 11k Hands photo fills the canvas as a phone held upright over the table would.
"""
from __future__ import annotations

import sys
from pathlib import Path

import cv2
import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks import held_out_set  # noqa: E402
from segmentation.data import load_pair  # noqa: E402

W, H = 2160, 4000


def upright(image: np.ndarray, mask: np.ndarray, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """A landscape pair turned a quarter turn, either way (seeded); a portrait pair as it is."""
    if image.shape[1] <= image.shape[0]:
        return image, mask
    turn = cv2.ROTATE_90_CLOCKWISE if rng.random() < 0.5 else cv2.ROTATE_90_COUNTERCLOCKWISE
    return cv2.rotate(image, turn), cv2.rotate(mask, turn)


def exits(mask: np.ndarray) -> dict[str, int]:
    """Mask pixels on each outermost row and column: where the hand or arm leaves the photo."""
    on = mask > 127
    return {"left": int(on[:, 0].sum()), "right": int(on[:, -1].sum()),
            "top": int(on[0].sum()), "bottom": int(on[-1].sum())}


def anchored(lo_count: int, hi_count: int, free: int, drawn: int) -> int:
    """Offset along one axis: flush with the side the mask leaves by (the busier one if both)."""
    if lo_count == 0 and hi_count == 0:
        return drawn
    return 0 if lo_count >= hi_count else free


def place(image: np.ndarray, mask: np.ndarray, rng: np.random.Generator,
          anchor: bool = True) -> tuple[np.ndarray, np.ndarray]:
    h, w = mask.shape
    scale = rng.uniform(0.7, 0.95) * W / w
    nw, nh = int(round(w * scale)), int(round(h * scale))
    if nh > H:
        scale = H / h
        nw, nh = int(round(w * scale)), H
    img = cv2.resize(image, (nw, nh), interpolation=cv2.INTER_LANCZOS4)
    msk = (cv2.resize(mask, (nw, nh), interpolation=cv2.INTER_LINEAR) > 127).astype(np.uint8) * 255
    border = np.concatenate([image[0], image[-1], image[:, 0], image[:, -1]])
    colour = np.median(border, axis=0)
    canvas = np.clip(colour + rng.normal(0, 3, (H, W, 3)), 0, 255).astype(np.uint8)
    full = np.zeros((H, W), np.uint8)
    x0 = int(rng.integers(0, W - nw + 1))
    y0 = int(rng.integers(0, H - nh + 1))
    if anchor:
        out = exits(msk)
        x0 = anchored(out["left"], out["right"], W - nw, x0)
        y0 = anchored(out["top"], out["bottom"], H - nh, y0)
    canvas[y0:y0 + nh, x0:x0 + nw] = img
    full[y0:y0 + nh, x0:x0 + nw] = msk
    return canvas, full


def main(argv: list[str] | None = None) -> int:
    p = held_out_set.parser(__doc__.splitlines()[0], "place on canvases")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--portrait", action="store_true", help="turn landscape photos upright before placing them")
    p.add_argument("--free-placement", action="store_true",
                   help="place each photo at random even where its mask runs off its edge (sets before session 17)")
    args = p.parse_args(argv)
    pairs, out = held_out_set.chosen_pairs(args)
    rng = np.random.default_rng(args.seed)
    for pair in pairs:
        image, mask = load_pair(pair)
        if args.portrait:
            image, mask = upright(image, mask, rng)
        canvas, full = place(image, mask, rng, anchor=not args.free_placement)
        held_out_set.write_pair(out, pair.stem, canvas, full)
    print(f"wrote {len(pairs)} pairs of {W}x{H} to {out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
