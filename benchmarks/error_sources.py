"""Where the pipeline's mistakes are: on the hand, along the forearm, or elsewhere.

A diagnostic, not a score to tune: it runs the pipeline on a split (the same one
``pipeline.evaluate`` names), splits every image into three regions from the hand's landmarks
(``benchmarks/hand_regions.py``: the hand itself, the cone a forearm can take from the wrist, the
rest), and counts false-positive and false-negative pixels in each. It also gives boundary F1 at
1, 2 and 4 times the metric's tolerance, which separates edges that are a few pixels off (coarse
labels, or a soft edge) from edges that are wrong, and how far each image's *label* runs along
the forearm (HGR's masks cover "hand and forearm skin", but where they stop varies). The
``*_gated`` figures score the mask with every pixel outside hand and forearm cone removed, a
pipeline change that was measured this way and rejected (docs/rejected/README.md).

    python benchmarks/error_sources.py --data ../shared/data/hgr --split test \\
        --model models/hand_unet_personwise.tflite -o docs/error_sources_hgr_test.json
"""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from hand_regions import draw_forearm, draw_hand  # noqa: E402
from pipeline.config import PipelineConfig  # noqa: E402
from pipeline.imageio import read_mask, read_rgb  # noqa: E402
from pipeline.metrics import boundary_f1, boundary_tolerance  # noqa: E402
from segmentation.data import add_split_arguments  # noqa: E402

REGIONS = ("hand", "forearm", "elsewhere")


def regions_of(shape: tuple[int, int], landmarks: list[np.ndarray]) -> np.ndarray | None:
    """``HxW uint8`` region index (0 hand, 1 forearm cone, 2 elsewhere), or ``None`` without landmarks."""
    if not landmarks:
        return None
    hand = np.zeros(shape, np.uint8)
    arm = np.zeros(shape, np.uint8)
    for points in landmarks:
        draw_hand(hand, points)
        draw_forearm(arm, points, arm_width=1.6)
    out = np.full(shape, 2, np.uint8)
    out[arm > 0] = 1
    out[hand > 0] = 0
    return out


def image_errors(pred: np.ndarray, truth: np.ndarray, region: np.ndarray | None) -> dict:
    """One image's pixel errors, split by region when the hand had landmarks. Pixel counts, not
    per-image scores, so a few large mistakes weigh what they cost in the mean IoU."""
    p, t = pred > 0, truth > 0
    fp, fn = p & ~t, ~p & t
    out = {"fp": int(fp.sum()), "fn": int(fn.sum()), "tp": int((p & t).sum())}
    tol = boundary_tolerance(truth.shape)
    for k in (1, 2, 4):
        out[f"bf1_x{k}"] = boundary_f1(pred, truth, k * tol)
    if region is not None:
        for i, name in enumerate(REGIONS):
            inside = region == i
            out[f"fp_{name}"] = int((fp & inside).sum())
            out[f"fn_{name}"] = int((fn & inside).sum())
        truth_hand = int((t & (region == 0)).sum())
        out["label_forearm_per_hand"] = int((t & (region == 1)).sum()) / max(1, truth_hand)
        # IoU if the forearm cone's mistakes were forgiven (both ways)
        keep = region != 1
        tp, e = int((p & t & keep).sum()), int(((fp | fn) & keep).sum())
        out["iou_without_forearm"] = tp / max(1, tp + e)
        # the rejected gate: predicted pixels neither on the hand nor in the forearm cone dropped
        gated = p & (region != 2)
        g_tp = int((gated & t).sum())
        out["iou_gated"] = g_tp / max(1, int((gated | t).sum()))
        out["bf1_gated"] = boundary_f1(gated, t, tol)
    iou = out["tp"] / max(1, out["tp"] + out["fp"] + out["fn"])
    out["iou"] = iou
    return out


def summarise(rows: list[dict]) -> dict:
    with_lm = [r for r in rows if "fp_hand" in r]
    fp_total = sum(r["fp"] for r in with_lm) or 1
    fn_total = sum(r["fn"] for r in with_lm) or 1
    out = {
        "images": len(rows),
        "images_with_landmarks": len(with_lm),
        "mean_iou": float(np.mean([r["iou"] for r in rows])),
        **{f"mean_bf1_x{k}": float(np.mean([r[f"bf1_x{k}"] for r in rows])) for k in (1, 2, 4)},
    }
    if with_lm:
        out["share_of_fp_pixels"] = {n: sum(r[f"fp_{n}"] for r in with_lm) / fp_total for n in REGIONS}
        out["share_of_fn_pixels"] = {n: sum(r[f"fn_{n}"] for r in with_lm) / fn_total for n in REGIONS}
        out["mean_iou_with_landmarks"] = float(np.mean([r["iou"] for r in with_lm]))
        out["mean_iou_without_forearm"] = float(np.mean([r["iou_without_forearm"] for r in with_lm]))
        # the gate over every image (those without landmarks keep their mask)
        out["mean_iou_gated"] = float(np.mean([r.get("iou_gated", r["iou"]) for r in rows]))
        out["mean_bf1_x1_gated"] = float(np.mean([r.get("bf1_gated", r["bf1_x1"]) for r in rows]))
        arm = np.array([r["label_forearm_per_hand"] for r in with_lm])
        out["label_forearm_per_hand_quantiles"] = {f"p{q}": float(np.percentile(arm, q)) for q in (10, 25, 50, 75, 90)}
    return out


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--data", action="append", default=[], help="data folder (split as in training)")
    p.add_argument("--highres", action="append", default=[], help="images/+masks/ folder used whole")
    p.add_argument("--model", default=None, help="segmentation model (default: the shipped one)")
    p.add_argument("-o", "--out", help="write the summary and per-image rows as JSON here")
    add_split_arguments(p, "which split of each --data folder (default: test)", default_split="test")
    args = p.parse_args(argv)
    from tqdm import tqdm

    from pipeline.core import build_pipeline
    from pipeline.options import quiet_native_logs
    from val_sweep import folder_pairs, split_pairs_of

    quiet_native_logs()
    sets = {Path(n).name: split_pairs_of(n, args) for n in args.data}
    sets.update({Path(n).name: folder_pairs(n) for n in args.highres})
    pipe = build_pipeline(PipelineConfig(), args.model)
    report = {}
    for name, pairs in sets.items():
        rows = []
        for stem, image_path, mask_path in tqdm(pairs, desc=name, disable=None):
            result = pipe.process(read_rgb(image_path))
            truth = read_mask(mask_path)
            lms = [b.landmarks for b in result.hands if b.landmarks is not None]
            rows.append({"name": stem, **image_errors(result.mask, truth, regions_of(truth.shape, lms))})
        report[name] = {"summary": summarise(rows), "per_image": rows}
        print(name, json.dumps(report[name]["summary"], indent=1), flush=True)
    if args.out:
        Path(args.out).write_text(json.dumps(report, indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
