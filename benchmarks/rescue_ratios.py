"""How far GrabCut's rescues reach: a label-free diagnostic of the landmark prior's redraws.

When the U-Net's first mask of a hand contradicts the hand's skeleton, the pipeline redraws the
crop with GrabCut seeded by that skeleton (``pipeline.landmark_prior.apply_prior``). On a surface
of the skin's colours GrabCut can take the surface with the hand. For every crop redrawn this
way the script prints and records the redrawn mask's area over the skeleton prior's (palm and
finger bones; ``hand_prior``), the share of the crop it covers, and the U-Net's own mask's area
over the prior's, so a bound on runaway redraws can be judged against the redraws that were right:

    python benchmarks/rescue_ratios.py --images ../shared/data/hand_boxes/images/val \\
        --images ../shared/data/hand_boxes/images/train -o docs/rescue_ratios_hand_boxes.json

``--images`` is repeatable, and takes a folder of photos or a set with an ``images/`` folder
(``runs/scene_val_skin``). ``--detector-set merge.field=value,...`` overrides the ``auto``
detector's merge (``merge.hands_apart=false`` shows the two-hands runaway of docs/detection.md).
No score against a truth: look at the photos with the largest ratios.
"""
from __future__ import annotations

import argparse
import dataclasses
import inspect
import json
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from pipeline.imageio import IMAGE_EXTENSIONS, read_rgb  # noqa: E402


def photos_in(folder: Path) -> list[Path]:
    """The photos of ``folder``, or of its ``images/`` folder when it has one."""
    if (folder / "images").is_dir():
        folder = folder / "images"
    return [f for f in sorted(folder.iterdir()) if f.suffix.lower() in IMAGE_EXTENSIONS]


def rescue_rows(pipeline, files: list[Path]) -> list[dict]:
    """One row per crop GrabCut redrew (``name``, ``redrawn``, ``crop_share``, ``model``)."""
    import pipeline.core as core
    from pipeline.landmark_prior import hand_prior

    rows: list[dict] = []
    current = {"name": ""}
    original = core.apply_prior

    signature = inspect.signature(original)

    def watched(*args, **kwargs):
        # whatever the pipeline passes (GrabCut's rounds came later): bound by name, not position
        given = signature.bind(*args, **kwargs)
        given.apply_defaults()
        soft, points, threshold = (given.arguments[k] for k in ("soft", "points", "threshold"))
        out, rerun = original(*args, **kwargs)
        if rerun:
            prior = max(1, int(hand_prior(points, soft.shape[0], skip=given.arguments["skip"]).sum()))
            rows.append({"name": current["name"], "redrawn": round(float((out > threshold).sum()) / prior, 3),
                         "crop_share": round(float((out > threshold).mean()), 3),
                         "model": round(float((soft > threshold).sum()) / prior, 3)})
        return out, rerun

    core.apply_prior = watched  # the pipeline calls it by this name; put back below
    try:
        for f in files:
            current["name"] = f.name
            pipeline.process(read_rgb(f))
    finally:
        core.apply_prior = original
    return rows


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python benchmarks/rescue_ratios.py", description=__doc__.splitlines()[0])
    p.add_argument("--images", action="append", required=True, help="folder of photos or of a set; repeatable")
    p.add_argument("--detector-set", default="", metavar="merge.FIELD=VALUE,...",
                   help="overrides of the auto detector's merge, as benchmarks/val_sweep.py takes them")
    p.add_argument("-o", "--out", default="", help="write the rows and the summary to this JSON file")
    args = p.parse_args(argv)
    missing = [folder for folder in args.images if not Path(folder).is_dir()]
    if missing:
        print(f"error: not a folder: {', '.join(missing)}", file=sys.stderr)
        return 2
    from pipeline.core import build_pipeline
    from val_sweep import parse_overrides

    pipeline = build_pipeline()
    merge = parse_overrides(args.detector_set)[1]
    if merge:
        pipeline.detector.config = dataclasses.replace(pipeline.detector.config, **merge)
    report: dict = {"command": " ".join(["python benchmarks/rescue_ratios.py",
                                         *(sys.argv[1:] if argv is None else argv)]), "sets": {}}
    for folder in args.images:
        files = photos_in(Path(folder))
        rows = rescue_rows(pipeline, files)
        redrawn = [r["redrawn"] for r in rows]
        summary = {"photos": len(files), "rescued_crops": len(rows),
                   "max_redrawn": max(redrawn) if redrawn else None,
                   "median_redrawn": float(np.median(redrawn)) if redrawn else None}
        report["sets"][folder] = {**summary, "rows": sorted(rows, key=lambda r: -r["redrawn"])}
        print(json.dumps({"images": folder, **summary}))
    if args.out:
        Path(args.out).parent.mkdir(parents=True, exist_ok=True)
        Path(args.out).write_text(json.dumps(report, indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
