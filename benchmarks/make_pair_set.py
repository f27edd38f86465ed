"""Build a two-hand evaluation set: two held-out hands side by side in one photo.

``python benchmarks/make_pair_set.py --data ../shared/data/hands11k --data ../shared/data/hgr \
    --split val --out runs/pair_val``

Why: every labelled photo here holds one hand, so nothing measured how the pipeline's steps that
look at "the hand" (the landmark anchor, the face and grey guards, the shadow and colour steps,
the crop that grows along a forearm) behave with two. ``benchmarks/multi_hand.py`` measures only
whether both are *found*. This set scores the whole mask.

Each scene joins two held-out photos of one data folder (A, and B drawn seeded from the others).
B is turned in quarter turns so that its forearm leaves the frame through the same side as A's;
the two are then put side by side (forearms leaving at the bottom or top) or one above the other
(at the left or right), B scaled to A's height or width. So both arms still leave the photo
through its edge, as in a real photo, and never end at the join. Photos whose mask touches more
than one side of the frame are not used (a finger cut by the frame would end at the join).
Then the background is replaced, as ``make_scene_set.py`` does, by one of the composite families
across the whole scene (no seam), or kept (``own``: the two real backgrounds meet at a straight
join). The label is exact by construction: what is pasted is what the (slightly eroded) mask says.
Background photos are ``hand_boxes``' *val* photos, split even/odd like ``make_scene_set.py``.
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

import cv2
import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.held_out_set import output_folder, write_pair, write_table  # noqa: E402
from benchmarks.make_scene_set import add_scene_arguments, held_out_backgrounds, scene  # noqa: E402
from segmentation.composite import FAMILIES  # noqa: E402
from segmentation.data import load_pair, split_from_arguments  # noqa: E402

#: the composite families, and the photos' own backgrounds meeting at the join
PAIR_FAMILIES = ("own",) + FAMILIES
SIDES = ("top", "right", "bottom", "left")
#: a side of the frame counts as touched when this share of it (at least) is hand
TOUCH = 0.01


def touched_sides(mask: np.ndarray) -> list[str]:
    """The sides of the frame the hand crosses, most crossed first."""
    hand = mask > 127
    rows = {"top": hand[0], "bottom": hand[-1], "left": hand[:, 0], "right": hand[:, -1]}
    share = {side: float(line.mean()) for side, line in rows.items()}
    return sorted((s for s, v in share.items() if v >= TOUCH), key=lambda s: -share[s])


def turned_to(image: np.ndarray, mask: np.ndarray, side: str, goal: str) -> tuple[np.ndarray, np.ndarray]:
    """``image`` and ``mask`` turned clockwise in quarter turns until ``side`` is where ``goal`` is."""
    turns = (SIDES.index(goal) - SIDES.index(side)) % 4
    for _ in range(turns):
        image, mask = cv2.rotate(image, cv2.ROTATE_90_CLOCKWISE), cv2.rotate(mask, cv2.ROTATE_90_CLOCKWISE)
    return image, mask


def join(a: tuple[np.ndarray, np.ndarray], b: tuple[np.ndarray, np.ndarray],
         arm: str | None) -> tuple[np.ndarray, np.ndarray]:
    """A and B side by side (arm at the top or bottom, or none) or stacked (arm at left or right)."""
    (ia, ma), (ib, mb) = a, b
    across = arm in ("left", "right")
    h, w = ia.shape[:2]
    if across:
        size = (w, max(1, round(ib.shape[0] * w / ib.shape[1])))
    else:
        size = (max(1, round(ib.shape[1] * h / ib.shape[0])), h)
    ib = cv2.resize(ib, size, interpolation=cv2.INTER_AREA)
    mb = np.where(cv2.resize(mb, size, interpolation=cv2.INTER_LINEAR) > 127, 255, 0).astype(np.uint8)
    axis = 0 if across else 1
    return np.concatenate([ia, ib], axis=axis), np.concatenate([ma, mb], axis=axis)


def usable(mask: np.ndarray) -> bool:
    return len(touched_sides(mask)) <= 1 and (mask > 127).mean() > 0.01


def pair_scene(a: tuple[np.ndarray, np.ndarray], b: tuple[np.ndarray, np.ndarray], family: str,
               photos: list[np.ndarray], rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """The two-hand scene of photos ``a`` and ``b`` (each ``(RGB, mask)``) on ``family``."""
    sides_a, sides_b = touched_sides(a[1]), touched_sides(b[1])
    arm = sides_a[0] if sides_a else None
    if arm and sides_b:
        b = turned_to(*b, sides_b[0], arm)
    elif (b[0].shape[1] > b[0].shape[0]) != (a[0].shape[1] > a[0].shape[0]):
        b = turned_to(*b, "top", "right")  # no arm to line up: match A's orientation
    image, mask = join(a, b, arm)
    if family == "own":
        return image, mask
    return scene(image, mask, family, photos, rng)


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    add_scene_arguments(p, "data folder; repeatable (pairs stay within one)")
    args = p.parse_args(argv)
    photos = held_out_backgrounds(args)
    if not photos:
        return 2
    out = output_folder(args.out)
    rows = []
    for data in args.data:
        pairs = split_from_arguments(data, args)
        loaded = [load_pair(pair) for pair in pairs]
        keep = [i for i, (_, mask) in enumerate(loaded) if usable(mask)]
        for n, i in enumerate(keep):
            rng = np.random.default_rng([args.seed, n, len(rows)])
            others = [j for j in keep if j != i and pairs[j].group != pairs[i].group] or [j for j in keep if j != i]
            if not others:
                continue
            j = others[int(rng.integers(len(others)))]
            family = PAIR_FAMILIES[n % len(PAIR_FAMILIES)]
            img, msk = pair_scene(loaded[i], loaded[j], family, photos, rng)
            name = f"{Path(data).name}_{pairs[i].stem}+{pairs[j].stem}"
            write_pair(out, name, img, msk)
            rows.append({"name": name, "family": family, "source": Path(data).name})
    write_table(out / "families.csv", rows, ["name", "family", "source"])
    print(f"wrote {len(rows)} two-hand scenes to {out} ({len(photos)} background photos)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
