"""Build a full-image composite set: held-out hands, in place, on backgrounds never trained on.

``python benchmarks/make_scene_set.py --data ../shared/data/hands11k --data ../shared/data/hgr \
    --split val --out runs/scene_val``

Why: the composite figures of ``segmentation.score`` are crop-level (the ground-truth box, no
detector, no landmark prior, no refinement). The product's failures on a new scene are
whole-pipeline failures: a missed hand, a crop grown into a skin-coloured wall, GrabCut seeded
on pale wood. This set puts every held-out hand of the chosen split back where it was in its
photo, on a new background of one of the five composite families (``photo``, ``texture``,
``flat``, ``skin``: a skin-coloured surface, half the time the hand's own colour, and
``distractor``: non-hand skin beside it), cycling through the families so each has a fifth of
the images. Then ``pipeline.evaluate`` scores it like any other folder, and
``benchmarks/by_group.py --meta OUT/families.csv --column family --name-column name`` breaks it
down by family.

The label is exact by construction, even from 11k Hands' silver masks: what is pasted is what
the (slightly eroded) mask says, so a fault of the silver mask moves hand pixels to the
background or leaves them out, never mislabels them. Background photos are ``hand_boxes``'
*val* photos (never used in training), the even-numbered ones for ``--split val`` and the
odd-numbered ones otherwise, so choosing settings on one set never sees the other's scenes.
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

import cv2
import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.held_out_set import output_folder, write_pair, write_table  # noqa: E402
from segmentation.composite import FAMILIES, background, load_photo_backgrounds  # noqa: E402
from segmentation.data import add_split_arguments, load_pair, split_from_arguments  # noqa: E402

#: backgrounds are drawn at this size, then scaled to the photo: patterns keep the scale they
#: have in a training crop instead of turning into a fine noise on a 1600-pixel photo
BACKGROUND_SIZE = 512


def scene(image: np.ndarray, mask: np.ndarray, family: str, photos: list[np.ndarray],
          rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """The hand of ``(image, mask)`` at the same place on a new ``family`` background.

    Returns ``(image, mask)`` with the mask 0/255 of exactly the pixels that carry the hand.
    """
    h, w = mask.shape
    hand = mask > 127
    skin = np.median(image[hand], axis=0).astype(np.float32) if hand.sum() > 50 else None
    bg = background(family, BACKGROUND_SIZE, rng, photos, skin)
    side = max(h, w)
    bg = cv2.resize(bg, (side, side), interpolation=cv2.INTER_CUBIC)
    y0, x0 = int(rng.integers(0, side - h + 1)), int(rng.integers(0, side - w + 1))
    bg = bg[y0:y0 + h, x0:x0 + w].astype(np.float32)
    # erode a little so the old background's fringe stays behind; feather the edge like a photo's
    k = max(1, round(0.002 * min(h, w)))
    core = cv2.erode(hand.astype(np.uint8), np.ones((2 * k + 1, 2 * k + 1), np.uint8))
    alpha = cv2.GaussianBlur(core.astype(np.float32), (0, 0), max(0.6, 0.8 * k))[..., None]
    fg = image.astype(np.float32)
    if core.any():  # part of the new scene's brightness, as a camera's exposure would give
        gain = (bg.mean() + 1) / (fg[core > 0].mean() + 1)
        fg *= gain ** rng.uniform(0.0, 0.35)
    out = np.clip(fg * alpha + bg * (1 - alpha), 0, 255).astype(np.uint8)
    return out, np.where(alpha[..., 0] > 0.5, 255, 0).astype(np.uint8)


def link_families(out: Path, rows: list[dict[str, str]]) -> None:
    """Per-family views of the set as symlinks, so a family's score costs no second copy."""
    for row in rows:
        target = out.parent / f"{out.name}_{row['family']}"
        for sub, ext in (("images", ".jpg"), ("masks", ".png")):
            link = target / sub / f"{row['name']}{ext}"
            link.parent.mkdir(parents=True, exist_ok=True)
            if not link.exists():
                link.symlink_to((out / sub / link.name).resolve())


def add_scene_arguments(p: argparse.ArgumentParser, data_help: str = "data folder; repeatable") -> None:
    """``--data``, the split options, ``--backgrounds``, ``--out`` and ``--seed`` (this set's and
    ``make_pair_set.py``'s)."""
    p.add_argument("--data", action="append", required=True, help=data_help)
    add_split_arguments(p, "which split of each --data folder to use (default: test)", default_split="test")
    p.add_argument("--backgrounds", default="", help="hand_boxes folder (default: hand_boxes beside the first --data)")
    p.add_argument("--out", required=True)
    p.add_argument("--seed", type=int, default=0)


def held_out_backgrounds(args: argparse.Namespace) -> list[np.ndarray]:
    """The ``hand_boxes`` *val* photos for the scenes (hands boxed out): the even-numbered ones
    for ``--split val``, the odd-numbered ones otherwise; an error message and ``[]`` if none."""
    boxes = Path(args.backgrounds or Path(args.data[0]).parent / "hand_boxes")
    photos = load_photo_backgrounds(boxes, "val", size=BACKGROUND_SIZE)
    photos = photos[0::2] if args.split == "val" else photos[1::2]
    if not photos:
        print(f"error: no background photos under {boxes}/images/val", file=sys.stderr)
    return photos


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    add_scene_arguments(p)
    p.add_argument("--by-family", action="store_true",
                   help="also make OUT_FAMILY/images and /masks (symlinks) per background family, "
                        "to pass each family to val_sweep.py --highres on its own")
    args = p.parse_args(argv)
    photos = held_out_backgrounds(args)
    if not photos:
        return 2
    out = output_folder(args.out)
    rows = []
    for data in args.data:
        for i, pair in enumerate(split_from_arguments(data, args)):
            family = FAMILIES[i % len(FAMILIES)]
            rng = np.random.default_rng([args.seed, i, len(rows)])
            image, mask = load_pair(pair)
            img, msk = scene(image, mask, family, photos, rng)
            name = f"{Path(data).name}_{pair.stem}"
            write_pair(out, name, img, msk)
            rows.append({"name": name, "family": family, "source": Path(data).name})
    write_table(out / "families.csv", rows, ["name", "family", "source"])
    if args.by_family:
        link_families(out, rows)
    print(f"wrote {len(rows)} scenes to {out} ({len(photos)} background photos)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
