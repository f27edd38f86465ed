"""Detection quality per backend: ``python -m detection.evaluate --data DIR [--data DIR ...]``.

Two kinds of data folder are understood:

* **mask data** (``images/`` + ``masks/`` or ``masks_silver/``): a hand counts as found when the
  union of predicted boxes covers at least 90 % of its mask's pixels — what the segmenter needs
  to see. Reported twice: for the raw boxes, and for the crop regions the pipeline actually
  segments (box + margin, squared). HGR masks include the forearm, which no hand box covers,
  so the raw-box figure is a lower bound there. ``box prec`` is the share of predicted boxes
  that touch the hand (at least 10 % of the box is mask): a box on the background makes the
  segmenter cut out background.
* **box data** in YOLO layout (``images/<split>/`` + ``labels/<split>/``): recall, precision
  and AP at IoU 0.5 against the labelled boxes.

Every backend runs on the same images, so the table compares them side by side, with the mean
detection time per image.
"""
from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path
from typing import Sequence

import numpy as np

from detection.boxes import Box, box_area, box_iou, clip_box, mask_coverage
from detection.factory import DETECTORS, create_detector
from pipeline.config import PipelineConfig
from segmentation.crops import crop_square
from segmentation.data import find_pairs, load_pair, split_pairs

IMAGE_SUFFIXES = (".jpg", ".jpeg", ".png", ".bmp", ".webp")


# ---------------------------------------------------------------- pure scoring helpers
def match_detections(pred: Sequence[Box], scores: Sequence[float], truth: Sequence[Box], iou: float = 0.5) -> list[bool]:
    """Greedy matching in score order: one flag per prediction, True when it takes an unmatched true box."""
    order = np.argsort(-np.asarray(scores, dtype=np.float64), kind="stable")
    used = [False] * len(truth)
    tp = [False] * len(pred)
    for i in order:
        best, best_j = iou, -1
        for j, t in enumerate(truth):
            if not used[j]:
                v = box_iou(pred[i], t)
                if v >= best:
                    best, best_j = v, j
        if best_j >= 0:
            used[best_j] = True
            tp[i] = True
    return tp


def average_precision(scores: Sequence[float], tp: Sequence[bool], n_truth: int) -> float:
    """Area under the precision envelope of the recall/precision curve (all points, as VOC 2010+)."""
    if n_truth == 0:
        return float("nan")
    if len(scores) == 0:
        return 0.0
    order = np.argsort(-np.asarray(scores, dtype=np.float64), kind="stable")
    hits = np.asarray(tp, dtype=np.float64)[order]
    ctp, cfp = np.cumsum(hits), np.cumsum(1 - hits)
    recall = ctp / n_truth
    precision = ctp / np.maximum(ctp + cfp, 1e-12)
    r = np.concatenate([[0.0], recall, [recall[-1]]])
    p = np.concatenate([[1.0], precision, [0.0]])
    p = np.maximum.accumulate(p[::-1])[::-1]
    idx = np.flatnonzero(r[1:] != r[:-1])
    return float(np.sum((r[idx + 1] - r[idx]) * p[idx + 1]))


def box_on_mask(box: Box, mask: np.ndarray, min_fraction: float = 0.1) -> bool:
    """True when at least ``min_fraction`` of the box's pixels are hand in ``mask``."""
    h, w = mask.shape
    x0, y0, x1, y1 = (int(round(v)) for v in clip_box(box, w, h))
    area = max(1, (x1 - x0) * (y1 - y0))
    return float((mask[y0:y1, x0:x1] > 0).sum()) / area >= min_fraction


# ---------------------------------------------------------------- data sets
def is_box_folder(root: str | Path) -> bool:
    """YOLO layout: ``images/<split>/`` beside ``labels/<split>/``."""
    root = Path(root)
    return (root / "labels").is_dir() and (root / "images").is_dir() and any(p.is_dir() for p in (root / "images").iterdir())


def box_items(root: str | Path, split: str) -> list[tuple[Path, Path]]:
    """``(image, label)`` paths of a YOLO folder. Box data has no ``test`` folder: its held-out
    split is ``val``, used for both ``--split val`` and ``--split test``; ``all`` means every split."""
    root = Path(root)
    splits = sorted(p.name for p in (root / "images").iterdir() if p.is_dir()) if split == "all" else (
        ["val"] if split in ("val", "test") else [split])
    items = []
    for s in splits:
        for img in sorted((root / "images" / s).iterdir()):
            if img.suffix.lower() in IMAGE_SUFFIXES:
                items.append((img, root / "labels" / s / f"{img.stem}.txt"))
    return items


def count_labels(label: Path) -> int:
    """Boxes in a YOLO label file (a missing file is a photo without hands)."""
    return sum(1 for line in label.read_text().splitlines() if line.strip()) if label.is_file() else 0


# ---------------------------------------------------------------- evaluation loops
def evaluate(detector, pairs, margin: float = PipelineConfig().margin, progress: bool = True) -> dict:
    """Coverage recall on mask pairs (see the module docstring)."""
    from tqdm import tqdm

    rows = []
    for p in tqdm(pairs, desc=detector.name, disable=not progress):
        image, mask = load_pair(p)
        t = time.perf_counter()
        hands = detector.detect(image)
        ms = (time.perf_counter() - t) * 1000
        boxes = [h.xyxy for h in hands]
        rows.append({
            "name": p.stem,
            "hands": len(hands),
            "on_mask": sum(box_on_mask(b, mask) for b in boxes),
            "box_coverage": mask_coverage(mask, boxes),
            "crop_coverage": mask_coverage(mask, [crop_square(b, margin) for b in boxes]),
            "ms": ms,
        })
    n = len(rows)
    n_boxes = sum(r["hands"] for r in rows)
    return {
        "images": n,
        "found_any": sum(r["hands"] > 0 for r in rows) / n,
        "box_recall90": sum(r["box_coverage"] >= 0.9 for r in rows) / n,
        "crop_recall90": sum(r["crop_coverage"] >= 0.9 for r in rows) / n,
        "box_precision": sum(r["on_mask"] for r in rows) / n_boxes if n_boxes else float("nan"),
        "ms_per_image": float(np.mean([r["ms"] for r in rows])),
        "rows": rows,
    }


def evaluate_boxes(detector, items: Sequence[tuple[Path, Path]], iou: float = 0.5, progress: bool = True) -> dict:
    """Recall, precision and AP at ``iou`` on YOLO-labelled images."""
    from tqdm import tqdm

    from detection.yolo_data import read_yolo_labels
    from pipeline.imageio import read_rgb

    all_scores: list[float] = []
    all_tp: list[bool] = []
    n_truth = 0
    times = []
    rows = []
    for img_path, label_path in tqdm(items, desc=detector.name, disable=not progress):
        image = read_rgb(img_path)
        h, w = image.shape[:2]
        truth = [b for b in read_yolo_labels(label_path, w, h) if box_area(b) > 0]
        t = time.perf_counter()
        hands = detector.detect(image)
        times.append((time.perf_counter() - t) * 1000)
        pred = [x.xyxy for x in hands]
        scores = [x.score for x in hands]
        tp = match_detections(pred, scores, truth, iou)
        all_scores += scores
        all_tp += tp
        n_truth += len(truth)
        rows.append({"name": img_path.stem, "truth": len(truth), "pred": len(pred), "tp": int(sum(tp))})
    n_tp = int(sum(all_tp))
    return {
        "images": len(items),
        "found_any": sum(r["pred"] > 0 for r in rows) / max(1, len(rows)),
        "recall50": n_tp / n_truth if n_truth else float("nan"),
        "precision50": n_tp / len(all_tp) if all_tp else float("nan"),
        "map50": average_precision(all_scores, all_tp, n_truth),
        "ms_per_image": float(np.mean(times)) if times else float("nan"),
        "rows": rows,
    }


# ---------------------------------------------------------------- CLI
def _fmt(v: float | None, width: int, digits: int = 3) -> str:
    if v is None or (isinstance(v, float) and np.isnan(v)):
        return f"{'-':>{width}}"
    return f"{v:>{width}.{digits}f}"


HEADER = (f"{'data':<12}{'detector':<14}{'images':>7}{'any':>7}{'box≥90%':>9}{'crop≥90%':>10}{'box prec':>9}"
          f"{'R@.5':>7}{'P@.5':>7}{'mAP@.5':>8}{'ms/img':>8}")


def format_row(data: str, name: str, r: dict) -> str:
    return (f"{data:<12}{name:<14}{r['images']:>7}{_fmt(r['found_any'], 7)}{_fmt(r.get('box_recall90'), 9)}"
            f"{_fmt(r.get('crop_recall90'), 10)}{_fmt(r.get('box_precision'), 9)}{_fmt(r.get('recall50'), 7)}"
            f"{_fmt(r.get('precision50'), 7)}{_fmt(r.get('map50'), 8)}{_fmt(r['ms_per_image'], 8, 0)}")


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m detection.evaluate", description=__doc__.splitlines()[0])
    p.add_argument("--data", action="append", required=True,
                   help="mask data folder, or a YOLO box folder (images/<split>, labels/<split>); repeatable")
    p.add_argument("--detector", action="append", choices=DETECTORS, help="default: all")
    p.add_argument("--merge", action="append", help="also run auto with these merge modes (add, fallback, union)")
    p.add_argument("--split", choices=("all", "train", "val", "test"), default="all",
                   help="evaluate only this person-wise split (seed 0, as in training); box folders use val "
                        "for val and test")
    p.add_argument("--one-look", action="store_true",
                   help="also run mediapipe and auto without MediaPipe's second look and look beside for more hands")
    p.add_argument("--margin", type=float, default=PipelineConfig().margin,
                   help="crop margin per side for the 'crop >= 90 %%' column (default: the pipeline's)")
    p.add_argument("--min-hands", type=int, default=1,
                   help="box folders: only photos with at least this many labelled hands (2: real "
                        "photos of several hands)")
    p.add_argument("--quiet", action="store_true", help="no progress bars")
    p.add_argument("-o", "--output", help="write the full results as JSON here")
    args = p.parse_args(argv)
    detectors = {name: create_detector(name) for name in args.detector or DETECTORS}
    for mode in args.merge or []:
        detectors[f"auto[{mode}]"] = create_detector("auto", merge=mode)
    if args.one_look:
        one_look = {"second_look": False, "look_beside": False}
        detectors["mediapipe[1]"] = create_detector("mediapipe", **one_look)
        detectors["auto[1]"] = create_detector("auto", mediapipe_options=one_look)
    results = {}
    print(HEADER, flush=True)
    for d in args.data:
        box_data = is_box_folder(d)
        if box_data:
            items = [it for it in box_items(d, args.split) if count_labels(it[1]) >= args.min_hands]
        else:
            pairs = find_pairs(d)
            if args.split != "all":
                pairs = split_pairs(pairs, 0.15, 0.15, seed=0)[args.split]
        for name, det in detectors.items():
            if box_data:
                r = evaluate_boxes(det, items, progress=not args.quiet)
            else:
                r = evaluate(det, pairs, args.margin, progress=not args.quiet)
            results[f"{Path(d).name}/{name}"] = r
            print(format_row(Path(d).name, name, r), flush=True)
    if args.output:
        write_results(args.output, "python -m detection.evaluate", argv, results)
    return 0


def write_results(path: str | Path, program: str, argv: list[str] | None, results: dict) -> None:
    """The results as JSON, with the command line that produced them (so anyone can rerun it)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    command = " ".join([program, *(argv if argv is not None else sys.argv[1:])])
    path.write_text(json.dumps({"command": command, "results": results}, indent=1))


if __name__ == "__main__":
    sys.exit(main())
