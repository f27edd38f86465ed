"""What the benchmarks' set builders share: which held-out photos to copy, where to, and how
each pair is written.

``make_grey_set.py`` and ``make_highres_set.py`` each turn one split of a data folder into an
``images/`` + ``masks/`` folder that ``pipeline.evaluate`` and ``val_sweep.py --highres`` read;
naming the photos the same way in both (same split options, same ``--limit``) is what lets
their figures be set beside each other.
"""
from __future__ import annotations

import argparse
import csv
from pathlib import Path

import cv2
import numpy as np

from pipeline.imageio import save_png
from segmentation.data import Pair, add_split_arguments, split_from_arguments


def parser(description: str, what: str) -> argparse.ArgumentParser:
    """``--data``, the split options, ``--out`` and ``--limit``; ``what`` ends the split's help."""
    p = argparse.ArgumentParser(description=description)
    p.add_argument("--data", required=True)
    add_split_arguments(p, f"which split of --data to {what} (default: test)", default_split="test")
    p.add_argument("--out", required=True)
    p.add_argument("--limit", type=int, default=0, help="only the first N photos (0: all)")
    return p


def chosen_pairs(args: argparse.Namespace) -> tuple[list[Pair], Path]:
    """The split's pairs (the first ``--limit``) and the output folder, its ``images/`` made."""
    pairs = split_from_arguments(args.data, args)
    if args.limit:
        pairs = pairs[: args.limit]
    return pairs, output_folder(args.out)


def output_folder(out: str | Path) -> Path:
    """``out`` as a path, its ``images/`` made (``write_pair`` makes ``masks/`` as it saves)."""
    out = Path(out)
    (out / "images").mkdir(parents=True, exist_ok=True)
    return out


def write_table(path: Path, rows: list[dict], fields: list[str]) -> None:
    """The set's per-scene table (``by_group.py --meta`` reads it), one row per written pair."""
    with open(path, "w", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=fields)
        writer.writeheader()
        writer.writerows(rows)


def write_pair(out: Path, name: str, image_rgb: np.ndarray, mask: np.ndarray) -> None:
    """``OUT/images/NAME.jpg`` (quality 92, as a phone writes) and ``OUT/masks/NAME.png``."""
    cv2.imwrite(str(out / "images" / f"{name}.jpg"), cv2.cvtColor(image_rgb, cv2.COLOR_RGB2BGR),
                [cv2.IMWRITE_JPEG_QUALITY, 92])
    save_png(out / "masks" / f"{name}.png", mask)
