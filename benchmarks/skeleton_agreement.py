"""How well a U-Net knows photos that have no masks: a label-free check on real photos.

The labelled sets are two settings (webcam gestures, a white table); the ``hand_boxes`` photos
(phones, rooms, desks, wood, the street) have boxes but no masks. MediaPipe's landmarks still
say where a hand's palm and finger bones are, whatever the colours, so two figures can be read
off any photo without a label:

- **skeleton agreement**: the share of each hand's palm and bones that the U-Net's mask of its
  first crop covers, before the pipeline corrects anything (``PipelineResult.agreement``). A model
  fooled by a photo (a pale palm on wood taken for background) leaves the skeleton uncovered;
  below ``PipelineConfig.prior_agreement`` the pipeline re-segments the crop with GrabCut, so
  the **rescue rate** is the share of hands the model failed outright;
- **mask outside the hand**: the share of the final mask lying outside every hand (bones and
  palm widened by 0.35 palm lengths) and the cone its forearm can take
  (``benchmarks/hand_regions.py``): background the pipeline took for hand, or a sleeve-less arm.

Neither is a score against a truth: a model that called every pixel hand would agree fully, and
a forearm is sometimes longer than the cone; read the two together, with the labelled
validation sets, and look at the photos. Only hands with landmarks count.

    python benchmarks/skeleton_agreement.py --images ../shared/data/hand_boxes/images/val \\
        --model models/hand_unet.tflite --model runs/x.tflite -o docs/skeleton_agreement.json

``--images`` is repeatable; ``--set field=value,...`` scores the pipeline with those
``PipelineConfig`` overrides (as in ``benchmarks/val_sweep.py``), so two pipeline settings can be
compared on the same photos.
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
from pipeline.imageio import IMAGE_EXTENSIONS, read_rgb  # noqa: E402


def outside_share(mask: np.ndarray, landmarks: list[np.ndarray]) -> float:
    """Share of the mask's pixels outside every hand and forearm cone (0.0 for an empty mask)."""
    region = np.zeros(mask.shape, np.uint8)
    for points in landmarks:
        draw_hand(region, points)
        draw_forearm(region, points)
    fg = mask > 0
    n = int(fg.sum())
    return 0.0 if n == 0 else float((fg & (region == 0)).sum() / n)


def score_model(pipeline, files: list[Path], progress: bool = True) -> dict:
    """The figures above for one pipeline over ``files``, with a row per photo."""
    from tqdm import tqdm

    rows = []
    for f in tqdm(files, desc="photos", disable=not progress):
        result = pipeline.process(read_rgb(f))
        lms = [h.landmarks for h in result.hands if h.landmarks is not None]
        agree = [a for a in result.agreement if a is not None]
        if not agree:
            continue
        rows.append({"name": f.name, "agreement": [round(a, 4) for a in agree],
                     "outside": round(outside_share(result.mask, lms), 4)})
    threshold = pipeline.config.prior_agreement
    hands = [a for r in rows for a in r["agreement"]]
    return {
        "photos": len(rows),
        "hands": len(hands),
        "mean_agreement": float(np.mean(hands)) if hands else None,
        "rescue_rate": float(np.mean([a < threshold for a in hands])) if hands else None,
        "mean_outside": float(np.mean([r["outside"] for r in rows])) if rows else None,
        "rows": rows,
    }


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python benchmarks/skeleton_agreement.py", description=__doc__.splitlines()[0])
    p.add_argument("--images", action="append", required=True, help="folder of photos (no masks needed); repeatable")
    p.add_argument("--set", default="", dest="overrides", metavar="FIELD=VALUE,...",
                   help="PipelineConfig overrides for every model scored")
    p.add_argument("--model", action="append", default=[], help="U-Net to score (repeatable; default: the shipped one)")
    p.add_argument("-o", "--out", default="", help="write the figures and per-photo rows to this JSON file")
    args = p.parse_args(argv)
    command = ["python benchmarks/skeleton_agreement.py", *(sys.argv[1:] if argv is None else argv)]
    missing = [folder for folder in args.images if not Path(folder).is_dir()]
    if missing:
        print(f"error: not a folder: {', '.join(missing)}", file=sys.stderr)
        return 2
    files = [f for folder in args.images for f in sorted(Path(folder).iterdir())
             if f.suffix.lower() in IMAGE_EXTENSIONS]
    if not files:
        print(f"error: no images in {', '.join(args.images)}", file=sys.stderr)
        return 2
    import dataclasses

    from pipeline.core import build_pipeline
    from val_sweep import parse_overrides

    config = dataclasses.replace(PipelineConfig(), **parse_overrides(args.overrides)[0])
    report = {"images": args.images, "command": " ".join(command), "set": args.overrides, "models": {}}
    for model in args.model or [None]:
        scores = score_model(build_pipeline(config, model), files)
        report["models"][model or "shipped"] = scores
        print(json.dumps({"model": model or "shipped", **{k: v for k, v in scores.items() if k != "rows"}}))
    if args.out:
        Path(args.out).parent.mkdir(parents=True, exist_ok=True)
        Path(args.out).write_text(json.dumps(report, indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
