"""Finding, validating, loading and splitting image/mask pairs.

Two folder layouts are understood:

* ``DIR/images/NAME.jpg`` + ``DIR/masks/NAME.png`` (or ``masks_silver/``), 255 = hand;
* the original authors' ``DIR/original/NAME.jpg`` + ``DIR/no_bg/NAME.(png|jpeg)``, where the
  cut-out is RGBA (mask = alpha) or a flat cut-out on black/white (mask = threshold, then the
  JPEG speckle is cleaned: small components dropped and pinholes closed; no opening, which
  would thin the fingers).

Splits are by *group* (a person id) whenever the stem carries one, so the validation figure
measures new people rather than new frames of people the model has seen. ``split_by="image"``
is for the refit of a shipped model on every person (see ``segmentation.train``).
"""
from __future__ import annotations

import hashlib
import logging
import re
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Iterable, Sequence

import cv2
import numpy as np

from pipeline.imageio import IMAGE_EXTENSIONS, ImageReadError, open_image, read_mask, read_rgb

log = logging.getLogger(__name__)

MASK_FOLDERS = ("masks", "masks_silver")


@dataclass(frozen=True)
class Pair:
    """One image and its mask on disk. ``group`` is the unit of splitting (a person id)."""

    image: Path
    mask: Path
    group: str
    kind: str = "mask"  # "mask" (0/255 PNG) or "cutout" (no_bg layout)

    @property
    def stem(self) -> str:
        return self.image.stem


class PairError(ValueError):
    """The data folder is unusable; the message lists every problem found."""


_GROUP_PATTERNS = (re.compile(r"_(id\d+)_"), re.compile(r"(?:^|_)(id\d+)(?:$|_)"))


def group_of(stem: str, subject_ids: dict[str, str] | None = None) -> str:
    """Person id of a file: ``idNN`` in HGR names, the ``meta.csv`` subject for 11k Hands, else the stem."""
    if subject_ids and stem in subject_ids:
        return "subj" + subject_ids[stem]
    for pat in _GROUP_PATTERNS:
        m = pat.search(stem)
        if m:
            return m.group(1)
    return stem


def _subject_ids(root: Path) -> dict[str, str]:
    meta = root / "meta.csv"
    if not meta.is_file():
        return {}
    import csv

    with meta.open(newline="") as fh:
        return {Path(r["imageName"]).stem: r["id"] for r in csv.DictReader(fh) if "imageName" in r and "id" in r}


def _files_by_stem(folder: Path, exts: Iterable[str]) -> dict[str, Path]:
    exts = tuple(e.lower() for e in exts)
    return {p.stem: p for p in sorted(folder.iterdir()) if p.is_file() and p.suffix.lower() in exts}


def find_pairs(root: str | Path, check_sizes: bool = True) -> list[Pair]:
    """List the image/mask pairs under ``root`` in either supported layout.

    Raises:
        PairError: no known layout, unmatched stems or size mismatches; the message names them all.
    """
    root = Path(root)
    if not root.is_dir():
        raise PairError(f"{root}: not a folder")
    if (root / "original").is_dir() and (root / "no_bg").is_dir():
        images = _files_by_stem(root / "original", IMAGE_EXTENSIONS)
        masks = _files_by_stem(root / "no_bg", (".png", ".jpeg", ".jpg", ".webp"))
        kind = "cutout"
    elif (root / "images").is_dir() and any((root / m).is_dir() for m in MASK_FOLDERS):
        mask_dir = next(root / m for m in MASK_FOLDERS if (root / m).is_dir())
        images = _files_by_stem(root / "images", IMAGE_EXTENSIONS)
        masks = _files_by_stem(mask_dir, (".png", ".bmp", ".tif", ".tiff"))
        kind = "mask"
    else:
        raise PairError(
            f"{root}: expected images/ + masks/ (or masks_silver/) or original/ + no_bg/ sub-folders"
        )
    problems: list[str] = []
    only_img = sorted(set(images) - set(masks))
    only_mask = sorted(set(masks) - set(images))
    if only_img:
        problems.append(f"{len(only_img)} image(s) without a mask: {', '.join(only_img[:10])}")
    if only_mask:
        problems.append(f"{len(only_mask)} mask(s) without an image: {', '.join(only_mask[:10])}")
    subjects = _subject_ids(root)
    pairs = [Pair(images[s], masks[s], group_of(s, subjects), kind) for s in sorted(set(images) & set(masks))]
    if check_sizes:
        mismatched = []
        for p in pairs:
            try:
                isz = _oriented_size(p.image)
                msz = _oriented_size(p.mask)
            except ImageReadError as exc:
                problems.append(str(exc))
                continue
            if isz != msz:
                mismatched.append(f"{p.stem} (image {isz[0]}x{isz[1]}, mask {msz[0]}x{msz[1]})")
        if mismatched:
            problems.append(f"{len(mismatched)} size mismatch(es): {'; '.join(mismatched[:10])}")
    if problems:
        raise PairError(f"{root}: " + " | ".join(problems))
    if not pairs:
        raise PairError(f"{root}: no image/mask pairs found")
    return pairs


def _oriented_size(path: Path) -> tuple[int, int]:
    img = open_image(path)
    return img.size


def mask_from_cutout(cutout_path: Path) -> np.ndarray:
    """Mask from a ``no_bg`` cut-out: alpha if it has one, else threshold a flat black/white background."""
    img = open_image(cutout_path)
    if img.mode in ("RGBA", "LA") or (img.mode == "P" and "transparency" in img.info):
        alpha = np.asarray(img.convert("RGBA").getchannel("A"))
        return np.where(alpha > 127, 255, 0).astype(np.uint8)
    log.warning("%s has no alpha channel: mask taken by thresholding its flat background", cutout_path.name)
    rgb = np.asarray(img.convert("RGB")).astype(np.int16)
    border = np.concatenate([rgb[0], rgb[-1], rgb[:, 0], rgb[:, -1]])
    bg = np.median(border, axis=0)
    dist = np.abs(rgb - bg).max(axis=2)
    mask = np.where(dist > 24, 255, 0).astype(np.uint8)  # JPEG ringing stays under ~20 levels
    # JPEG speckle: isolated crumbs are dropped and pinholes closed; no opening, which would thin fingers.
    return _keep_large_components(mask, min_fraction=0.01)


def _keep_large_components(mask: np.ndarray, min_fraction: float) -> np.ndarray:
    n, labels, stats, _ = cv2.connectedComponentsWithStats((mask > 0).astype(np.uint8), connectivity=8)
    if n <= 1:
        return mask
    areas = stats[1:, cv2.CC_STAT_AREA]
    keep = np.flatnonzero(areas >= min_fraction * areas.max()) + 1
    out = np.isin(labels, keep).astype(np.uint8) * 255
    # Pinholes left by JPEG speckle inside the hand are closed too.
    inv = (out == 0).astype(np.uint8)
    n2, lab2, st2, _ = cv2.connectedComponentsWithStats(inv, connectivity=4)
    for i in range(1, n2):
        x, y, w, h, a = st2[i]
        touches = x == 0 or y == 0 or x + w == mask.shape[1] or y + h == mask.shape[0]
        if not touches and a < 64:
            out[lab2 == i] = 255
    return out


def load_pair(pair: Pair) -> tuple[np.ndarray, np.ndarray]:
    """Load ``(HxWx3 uint8 RGB, HxW uint8 0/255)`` with EXIF orientation applied to both."""
    image = read_rgb(pair.image)
    mask = mask_from_cutout(pair.mask) if pair.kind == "cutout" else read_mask(pair.mask)
    if image.shape[:2] != mask.shape:
        raise PairError(f"{pair.stem}: image {image.shape[1]}x{image.shape[0]} vs mask {mask.shape[1]}x{mask.shape[0]}")
    return image, mask


def _unit(key: str, seed: int) -> float:
    digest = hashlib.sha1(f"{seed}:{key}".encode()).hexdigest()
    return int(digest[:12], 16) / float(16**12)


def split_pairs(
    pairs: Sequence[Pair], val_fraction: float = 0.15, test_fraction: float = 0.15, seed: int = 0
) -> dict[str, list[Pair]]:
    """Deterministic train/val/test split by group.

    Groups are ordered by a seeded hash and assigned greedily until each held-out split holds
    its share of *pairs*; the same seed always gives the same split whatever the file order.
    """
    groups: dict[str, list[Pair]] = {}
    for p in pairs:
        groups.setdefault(p.group, []).append(p)
    order = sorted(groups, key=lambda g: _unit(g, seed))
    total = len(pairs)
    out: dict[str, list[Pair]] = {"test": [], "val": [], "train": []}
    targets = {"test": test_fraction * total, "val": val_fraction * total}
    for g in order:
        for name in ("test", "val"):
            if targets[name] > 0 and len(out[name]) < targets[name] and (len(out[name]) + len(groups[g]) / 2) <= targets[name] + 1:
                out[name].extend(groups[g])
                break
        else:
            out["train"].extend(groups[g])
    for name in out:
        out[name].sort(key=lambda p: p.stem)
    return out


SPLIT_UNITS = ("person", "image")


def split_pairs_by(
    pairs: Sequence[Pair], by: str = "person", val_fraction: float = 0.15, test_fraction: float = 0.15, seed: int = 0
) -> dict[str, list[Pair]]:
    """``split_pairs`` with a choice of unit; the pairs keep their person ``group`` either way."""
    if by not in SPLIT_UNITS:
        raise ValueError(f"split unit must be one of {SPLIT_UNITS}, not {by!r}")
    if by == "person":
        return split_pairs(pairs, val_fraction, test_fraction, seed)
    person = {p.image: p.group for p in pairs}
    out = split_pairs([replace(p, group=p.stem) for p in pairs], val_fraction, test_fraction, seed)
    return {k: [replace(p, group=person[p.image]) for p in v] for k, v in out.items()}


def add_split_arguments(parser, split_help: str, default_split: str = "all") -> None:
    """The split options shared by ``pipeline.evaluate`` and ``benchmarks/val_sweep.py``: they must
    name the same images as the training run they score."""
    parser.add_argument("--split", choices=("all", "train", "val", "test"), default=default_split, help=split_help)
    parser.add_argument("--split-by", choices=SPLIT_UNITS, default="person",
                        help="unit of the split, as given to segmentation.train (default: person)")
    parser.add_argument("--val-fraction", type=float, default=0.15, help="as given to segmentation.train")
    parser.add_argument("--test-fraction", type=float, default=0.15, help="as given to segmentation.train")
    parser.add_argument("--groups", default="", help="keep only these person ids, comma-separated (e.g. id06,id07)")


def split_from_arguments(root: str | Path, args) -> list[Pair]:
    """The pairs of ``root`` that the parsed split options select."""
    pairs = find_pairs(root)
    if args.split != "all":
        pairs = split_pairs_by(pairs, args.split_by, args.val_fraction, args.test_fraction)[args.split]
    groups = {g.strip() for g in args.groups.split(",") if g.strip()}
    return [p for p in pairs if not groups or p.group in groups]
