"""How the colour-cast rescue's unsureness threshold was chosen (``pipeline/colour.py``).

    python benchmarks/colour_threshold.py [--model models/hand_unet_personwise.tflite] [--landmarks L.json]

Segments the person-wise *validation* crops of hgr and hands11k and their seeded composites (the
same crops ``segmentation.train`` validates on) once as shot and once grey-world balanced, then
prints, for a range of thresholds, how many crops the rescue would switch and the mean crop IoU
per background family. Threshold 0 is "keep the surer of the two for every crop"; 1 is "never".
A model that takes the landmark hint needs ``--landmarks`` (``segmentation.detector_boxes
--landmarks``) and gets each crop's hint, plain and balanced alike, as the pipeline gives it.
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

FAMILIES = ("real", "photo", "texture", "flat", "skin", "distractor")


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--model", default="models/hand_unet_personwise.tflite")
    p.add_argument("--data", action="append", default=[], help="default: ../shared/data/hgr and hands11k")
    p.add_argument("--landmarks", default="", help="landmarks JSON, for a model that takes the landmark hint")
    args = p.parse_args(argv)
    from pipeline.colour import gray_world, uncertainty
    from pipeline.metrics import score_masks
    from segmentation.hint import split_hint
    from segmentation.segmenter import Segmenter
    from segmentation.train import TrainConfig, composite_val_set, fixed_set, load_backgrounds, load_splits

    data = args.data or ["../shared/data/hgr", "../shared/data/hands11k"]
    seg = Segmenter(args.model)
    if seg.uses_hint and not args.landmarks:
        print(f"error: {args.model} takes the landmark hint: pass --landmarks", file=sys.stderr)
        return 2
    cfg = TrainConfig(data=data, landmarks=args.landmarks if seg.uses_hint else "",
                      forearm_hint=seg.hint_layers == 2)
    splits, _ = load_splits(cfg)
    x, y = fixed_set(splits["val"], cfg)
    xc, yc, fams = composite_val_set(splits["val"], cfg, load_backgrounds(cfg, "val"))
    crops, hints = split_hint(np.clip(np.round(np.concatenate([x, xc])), 0, 255).astype(np.uint8))
    truth = np.concatenate([y, yc])[..., 0] > 0.5
    family = np.array(["real"] * len(x) + list(fams))

    def predict(images):  # 16 at a time, each with its hint (the same for plain and balanced)
        return np.concatenate([seg.predict(images[i:i + 16], None if hints is None else hints[i:i + 16])
                               for i in range(0, len(images), 16)])

    plain, balanced = predict(crops), predict(gray_world(crops))

    def ious(softs):
        return np.array([score_masks((s > 0.5).astype(np.uint8), t.astype(np.uint8)).iou for s, t in zip(softs, truth)])

    u_plain, u_bal, iou_plain, iou_bal = uncertainty(plain), uncertainty(balanced), ious(plain), ious(balanced)
    print(f"{len(crops)} crops; unsureness of the plain masks, percentiles 50/90/99: "
          + " / ".join(f"{v:.3f}" for v in np.percentile(u_plain, [50, 90, 99])))
    print("threshold  switched  all     " + "  ".join(f"{f:>10}" for f in FAMILIES))
    for t in (0.0, 0.03, 0.05, 0.07, 0.1, 1.0):
        switch = (u_plain > t) & (u_bal < u_plain)
        iou = np.where(switch, iou_bal, iou_plain)
        print(f"{t:9.2f}  {switch.sum():8d}  {iou.mean():.4f}  "
              + "  ".join(f"{iou[family == f].mean():10.4f}" for f in FAMILIES))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
