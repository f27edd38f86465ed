"""Build a one-class YOLO detection data set from box labels and from hand masks.

The YOLO detector learns from two kinds of data: ``hand_boxes`` is already in YOLO format,
while ``hgr`` and ``hands11k`` only have masks. A mask becomes one box per connected hand
component (tiny specks dropped; pieces separated by a thin gap — a ring notch, a watch strap
removed from a silver mask — joined first). Mask data sets are split by person with the
project's ``split_pairs(pairs, 0.15, 0.15, seed=0)``: ``train`` is trained on, ``val`` is
YOLO's validation, and the ``test`` split is never written, so the held-out test figures stay
honest.

Everything here is numpy/OpenCV only (no torch), so it is tested in the normal test run.
"""
from __future__ import annotations

import json
import os
import random
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Iterable, Sequence

import cv2
import numpy as np

from detection.boxes import Box

if TYPE_CHECKING:
    from detection.yolo_composites import SceneConfig

IMAGE_SUFFIXES = (".jpg", ".jpeg", ".png", ".bmp", ".webp")


@dataclass(frozen=True)
class MaskBoxConfig:
    """How a mask turns into boxes.

    Attributes:
        min_area_fraction: components smaller than this share of the image are specks.
        min_relative_area: components smaller than this share of the largest one are specks
            (annotation crumbs on clothing, a neck or knee at the frame edge in HGR), while a second
            hand of similar size survives.
        join_fraction: gaps narrower than this share of the image diagonal are closed before
            labelling, so a hand cut by a ring or strap stays one box.
    """

    min_area_fraction: float = 0.002
    min_relative_area: float = 0.25
    join_fraction: float = 0.01


def mask_to_boxes(mask: np.ndarray, config: MaskBoxConfig = MaskBoxConfig()) -> list[Box]:
    """One ``(x0, y0, x1, y1)`` pixel box per connected hand component of ``HxW`` mask (>0 = hand).

    Boxes are tight around the component's original pixels (the joining dilation only decides
    which pixels belong together), sorted by area, largest first.
    """
    fg = (np.asarray(mask) > 0).astype(np.uint8)
    h, w = fg.shape
    if not fg.any():
        return []
    k = int(round(config.join_fraction * float(np.hypot(h, w))))
    joined = cv2.dilate(fg, cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (2 * k + 1, 2 * k + 1))) if k > 0 else fg
    n, labels = cv2.connectedComponents(joined, connectivity=8)
    labels = labels * fg  # keep original pixels only
    areas = np.bincount(labels.ravel(), minlength=n)[1:]
    if len(areas) == 0 or areas.max() == 0:
        return []
    keep = [
        i + 1 for i, a in enumerate(areas)
        if a >= config.min_area_fraction * h * w and a >= config.min_relative_area * areas.max()
    ]
    boxes: list[tuple[int, Box]] = []
    for lab in keep:
        ys, xs = np.nonzero(labels == lab)
        boxes.append((int(areas[lab - 1]), (float(xs.min()), float(ys.min()), float(xs.max() + 1), float(ys.max() + 1))))
    return [b for _, b in sorted(boxes, key=lambda t: -t[0])]


def yolo_lines(boxes: Iterable[Box], width: int, height: int, cls: int = 0) -> list[str]:
    """YOLO label lines ``cls cx cy w h`` normalised to [0, 1] for pixel boxes in a ``width x height`` image."""
    out = []
    for x0, y0, x1, y1 in boxes:
        x0, x1 = max(0.0, x0), min(float(width), x1)
        y0, y1 = max(0.0, y0), min(float(height), y1)
        if x1 <= x0 or y1 <= y0:
            continue
        cx, cy = (x0 + x1) / 2 / width, (y0 + y1) / 2 / height
        out.append(f"{cls} {cx:.6f} {cy:.6f} {(x1 - x0) / width:.6f} {(y1 - y0) / height:.6f}")
    return out


def read_yolo_labels(path: str | os.PathLike, width: int, height: int) -> list[Box]:
    """Pixel ``(x0, y0, x1, y1)`` boxes from a YOLO label file (missing file = no boxes)."""
    path = Path(path)
    if not path.is_file():
        return []
    boxes: list[Box] = []
    for line in path.read_text().splitlines():
        parts = line.split()
        if len(parts) < 5:
            continue
        cx, cy, bw, bh = (float(v) for v in parts[1:5])
        boxes.append(((cx - bw / 2) * width, (cy - bh / 2) * height, (cx + bw / 2) * width, (cy + bh / 2) * height))
    return boxes


@dataclass(frozen=True)
class DatasetConfig:
    """What goes into the YOLO data set.

    Attributes:
        max_side: mask-data images are written as JPEG copies no larger than this (11k Hands is
            1600x1200; YOLO trains at 256-640 px, so full size only costs decoding time).
        limit_per_source: at most this many training images per source folder (None = all),
            drawn with ``seed``; validation is never subsampled.
        val_fraction, test_fraction, split_seed: the project's person-wise split.
        masks: how masks become boxes.
    """

    max_side: int = 640
    limit_per_source: int | None = None
    seed: int = 0
    val_fraction: float = 0.15
    test_fraction: float = 0.15
    split_seed: int = 0
    masks: MaskBoxConfig = MaskBoxConfig()


def _link(src: Path, dst: Path) -> None:
    dst.parent.mkdir(parents=True, exist_ok=True)
    if dst.is_symlink() or dst.exists():
        dst.unlink()
    os.symlink(src.resolve(), dst)


def _subsample(items: Sequence, limit: int | None, seed: int, key: str) -> list:
    items = list(items)
    if limit is None or len(items) <= limit:
        return items
    rng = random.Random(f"{seed}:{key}")
    return sorted(rng.sample(items, limit), key=lambda p: str(p))


def _add_box_folder(root: Path, out: Path, cfg: DatasetConfig) -> dict[str, int]:
    """Symlink a YOLO-format folder's images; copy its labels (YOLO writes a cache next to them)."""
    counts = {}
    for split in ("train", "val"):
        img_dir = root / "images" / split
        if not img_dir.is_dir():
            continue
        images = sorted(p for p in img_dir.iterdir() if p.suffix.lower() in IMAGE_SUFFIXES)
        if split == "train":
            images = _subsample(images, cfg.limit_per_source, cfg.seed, root.name)
        for img in images:
            stem = f"{root.name}__{img.stem}"
            _link(img, out / "images" / split / f"{stem}{img.suffix.lower()}")
            lab = root / "labels" / split / f"{img.stem}.txt"
            dst = out / "labels" / split / f"{stem}.txt"
            dst.parent.mkdir(parents=True, exist_ok=True)
            dst.write_text(lab.read_text() if lab.is_file() else "")
        counts[split] = len(images)
    return counts


def write_example(out: Path, split: str, stem: str, image_rgb: np.ndarray, boxes: Iterable[Box],
                  labelled_hw: tuple[int, int], quality: int = 95) -> int:
    """Write ``out/images/split/stem.jpg`` and its label file; return the number of boxes written.

    ``boxes`` are pixels of an image of ``labelled_hw`` (height, width), which may be larger
    than ``image_rgb`` when it was downscaled: labels are normalised, so only the ratio counts.
    """
    dst = out / "images" / split / f"{stem}.jpg"
    dst.parent.mkdir(parents=True, exist_ok=True)
    cv2.imwrite(str(dst), cv2.cvtColor(image_rgb, cv2.COLOR_RGB2BGR), [cv2.IMWRITE_JPEG_QUALITY, quality])
    lab = out / "labels" / split / f"{stem}.txt"
    lab.parent.mkdir(parents=True, exist_ok=True)
    lines = yolo_lines(boxes, labelled_hw[1], labelled_hw[0])
    lab.write_text("\n".join(lines) + ("\n" if lines else ""))
    return len(lines)


def _add_mask_folder(root: Path, out: Path, cfg: DatasetConfig) -> dict[str, int]:
    """Write downscaled JPEG copies (EXIF orientation applied) and mask-derived labels; skip 'test'."""
    from segmentation.data import find_pairs, load_pair, split_pairs

    splits = split_pairs(find_pairs(root), cfg.val_fraction, cfg.test_fraction, seed=cfg.split_seed)
    counts = {}
    for split in ("train", "val"):  # 'test' is the project's held-out split: never written
        pairs = splits[split]
        if split == "train":
            pairs = _subsample(pairs, cfg.limit_per_source, cfg.seed, root.name)
        n_boxes = 0
        for pair in pairs:
            image, mask = load_pair(pair)
            h, w = mask.shape
            boxes = mask_to_boxes(mask, cfg.masks)
            scale = min(1.0, cfg.max_side / max(h, w))
            if scale < 1.0:
                size = (max(1, round(w * scale)), max(1, round(h * scale)))
                image = cv2.resize(image, size, interpolation=cv2.INTER_AREA)
            n_boxes += write_example(out, split, f"{root.name}__{pair.stem}", image, boxes, (h, w))
        counts[split] = len(pairs)
        counts[f"{split}_boxes"] = n_boxes
    counts["test_held_out"] = len(splits["test"])
    return counts


def build_yolo_dataset(
    work_dir: str | os.PathLike,
    box_folders: Sequence[str | os.PathLike] = (),
    mask_folders: Sequence[str | os.PathLike] = (),
    config: DatasetConfig = DatasetConfig(),
    scenes: "SceneConfig | None" = None,
) -> Path:
    """Write ``work_dir/{images,labels}/{train,val}`` and ``work_dir/data.yaml``; return the yaml path.

    The folder is rebuilt from scratch each call, so a changed recipe never mixes with old
    files. A ``manifest.json`` records the counts per source and the recipe. With ``scenes``,
    composite scenes (:mod:`detection.yolo_composites`) are added: the mask folders' hands in
    the first box folder's photos and on procedural backgrounds.
    """
    import shutil

    out = Path(work_dir).resolve()
    for sub in ("images", "labels"):
        shutil.rmtree(out / sub, ignore_errors=True)
    out.mkdir(parents=True, exist_ok=True)
    manifest: dict[str, object] = {"config": asdict(config), "sources": {}}
    for folder in box_folders:
        manifest["sources"][str(folder)] = _add_box_folder(Path(folder), out, config)  # type: ignore[index]
    for folder in mask_folders:
        manifest["sources"][str(folder)] = _add_mask_folder(Path(folder), out, config)  # type: ignore[index]
    if scenes is not None and mask_folders and (scenes.train_count or scenes.val_count):
        from detection.yolo_composites import load_box_photos, load_hands, write_scenes

        counts = {}
        for split, count in (("train", scenes.train_count), ("val", scenes.val_count)):
            hands = load_hands(mask_folders, split, val_fraction=config.val_fraction,
                               test_fraction=config.test_fraction, split_seed=config.split_seed)
            photos = load_box_photos(box_folders[0], split) if box_folders else []
            counts[split] = count
            counts[f"{split}_boxes"] = write_scenes(out, split, count, hands, photos, scenes)
        manifest["sources"]["composites"] = counts  # type: ignore[index]
        manifest["scenes"] = asdict(scenes)
    for split in ("train", "val"):
        (out / "images" / split).mkdir(parents=True, exist_ok=True)
        (out / "labels" / split).mkdir(parents=True, exist_ok=True)
    yaml_path = out / "data.yaml"
    yaml_path.write_text(f"path: {out}\ntrain: images/train\nval: images/val\nnc: 1\nnames:\n  0: hand\n")
    (out / "manifest.json").write_text(json.dumps(manifest, indent=1))
    return yaml_path
