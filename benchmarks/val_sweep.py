"""Compare pipeline settings (and models) on the *validation* split, never the test one.

Every pipeline default that was tuned was chosen with this script; it exists so that choice can
be rerun and checked. Detection runs once per image (and model) and is reused by every setting.

    python benchmarks/val_sweep.py --data ../shared/data/hgr --highres runs/highres_hgr_val \
        --set max_grow=2 --set max_grow=4 [--model models/hand_unet.tflite --model runs/x.tflite]

The split options are those of ``pipeline.evaluate``: ``--split-by image --val-fraction 0.1
--test-fraction 0 --groups id06,id07`` names the images a refit model held back.
``--set`` takes comma-separated ``field=value`` overrides of ``PipelineConfig``, of the auto
detector's ``MergeConfig`` as ``merge.field=value``, or of its MediaPipe detector as
``mediapipe.option=value`` (either row gets its own detections); the
defaults are always the first row. ``--highres`` is a folder made by ``benchmarks/make_highres_set.py --split val``.
``--per-image FILE.csv`` also writes every image's scores, to find which photos a setting changes.
"""
from __future__ import annotations

import argparse
import csv
import dataclasses
import hashlib
import json
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from pipeline.config import PipelineConfig  # noqa: E402
from pipeline.imageio import read_mask, read_rgb  # noqa: E402
from pipeline.metrics import aggregate, score_masks  # noqa: E402
from segmentation.data import add_split_arguments  # noqa: E402


class CachedDetector:
    """Detect once per distinct image; every setting then sees identical boxes."""

    def __init__(self, detector) -> None:
        self.detector = detector
        self.name = getattr(detector, "name", "cached")  # the pipeline reads it (auto's rules)
        self.cache: dict[str, list] = {}

    def detect(self, image: np.ndarray, **kwargs):
        """``kwargs`` are ``auto``'s ``faces``, which depend on the image only, and its
        ``silhouette`` (the masked look), which depends on the pipeline's segmenter and settings
        too: the boxes cached are those of the first setting that asked (the defaults), and
        each model gets its own detectors (see :func:`main`)."""
        key = hashlib.sha1(image.tobytes()).hexdigest()
        if key not in self.cache:
            self.cache[key] = self.detector.detect(image, **kwargs)
        return self.cache[key]


def parse_overrides(text: str) -> tuple[dict, dict, dict]:
    """``field=value,...`` -> typed ``(PipelineConfig overrides, MergeConfig overrides, MediaPipe
    overrides)``; a ``merge.field`` key is a field of the auto detector's
    :class:`~detection.auto_detector.MergeConfig`, a ``mediapipe.option`` key an argument of
    :class:`~detection.mediapipe_detector.MediaPipeHandDetector` (either row gets its own
    detections). A tuple field takes its items separated by colons (``merge.closer_pads=0.25:1.0``)."""
    import inspect
    from types import SimpleNamespace

    from detection.auto_detector import MergeConfig
    from detection.mediapipe_detector import MediaPipeHandDetector

    mediapipe = SimpleNamespace(**{name: p.default for name, p in
                                   inspect.signature(MediaPipeHandDetector.__init__).parameters.items()
                                   if p.default is not inspect.Parameter.empty})
    targets = {"": ("PipelineConfig", PipelineConfig(), {}), "merge.": ("MergeConfig", MergeConfig(), {}),
               "mediapipe.": ("MediaPipeHandDetector", mediapipe, {})}
    for item in filter(None, text.split(",")):
        key, _, value = item.partition("=")
        prefix = next((p for p in ("merge.", "mediapipe.") if key.startswith(p)), "")
        field = key[len(prefix):]
        kind, defaults, out = targets[prefix]
        if not hasattr(defaults, field):
            raise SystemExit(f"error: unknown {kind} field {field!r}")
        default = getattr(defaults, field)
        if isinstance(default, bool):
            out[field] = value.lower() in ("1", "true", "yes")
        elif isinstance(default, tuple):  # items split by ':' (',' splits the settings)
            out[field] = tuple(type(default[0])(v) if default else float(v) for v in filter(None, value.split(":")))
        else:
            out[field] = type(default)(value)
    return tuple(out for _, _, out in targets.values())


def split_pairs_of(data: str, args) -> list[tuple[str, Path, Path]]:
    from segmentation.data import split_from_arguments

    return [(p.stem, p.image, p.mask) for p in split_from_arguments(data, args)]


def folder_pairs(folder: str) -> list[tuple[str, Path, Path]]:
    from pipeline.evaluate import pair_files

    return pair_files(Path(folder) / "images", Path(folder) / "masks")


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--data", action="append", default=[], help="data folder whose val split (see --split) is used")
    p.add_argument("--highres", action="append", default=[], help="images/+masks/ folder used whole (a val-only set)")
    p.add_argument("--set", action="append", default=[], dest="sets", help="PipelineConfig overrides, e.g. max_grow=4")
    p.add_argument("--model", action="append", default=[], help="segmentation model(s); default: the shipped one")
    p.add_argument("--out", help="also write the table as JSON here")
    p.add_argument("--per-image", help="also write each image's scores as CSV here (model, set, data, name, iou, boundary_f1)")
    add_split_arguments(p, "which split of each --data folder to score (default: val)", default_split="val")
    args = p.parse_args(argv)
    from tqdm import tqdm

    from detection.factory import create_detector
    from detection.faces import MediaPipeFaceDetector
    from pipeline.core import Pipeline
    from pipeline.options import quiet_native_logs
    from segmentation.segmenter import Segmenter

    quiet_native_logs()
    sets = {name: split_pairs_of(name, args) for name in args.data}
    sets.update({name: folder_pairs(name) for name in args.highres})
    detectors: dict[tuple, CachedDetector] = {}

    def detector_for(merge: dict, mediapipe: dict, model: str | None) -> CachedDetector:
        key = (model, *sorted(merge.items()), *sorted(("mediapipe." + k, v) for k, v in mediapipe.items()))
        if key not in detectors:
            options = {"merge_options": merge} if merge else {}
            if mediapipe:
                options["mediapipe_options"] = mediapipe
            detectors[key] = CachedDetector(create_detector(PipelineConfig().detector, **options))
        return detectors[key]

    faces = CachedDetector(MediaPipeFaceDetector())
    results, per_image = [], []
    for model in args.model or [None]:
        segmenters = {flip: Segmenter(model, tta_flip=flip) for flip in (False, True)}
        for overrides in [""] + args.sets:
            fields, merge, mediapipe = parse_overrides(overrides)
            cfg = dataclasses.replace(PipelineConfig(), **fields)
            pipe = Pipeline(detector_for(merge, mediapipe, model), segmenters[cfg.tta_flip], cfg, faces)
            row = {"model": model or "default", "set": overrides or "defaults"}
            for name, pairs in sets.items():
                scores = [score_masks(pipe.process(read_rgb(i)).mask, read_mask(m))
                          for _, i, m in tqdm(pairs, desc=f"{row['set']} {Path(name).name}", leave=False, disable=None)]
                per_image += [(row["model"], row["set"], Path(name).name, Path(i).stem, round(s.iou, 4), round(s.boundary_f1, 4))
                              for (_, i, _m), s in zip(pairs, scores)]
                agg = aggregate(scores)
                row[Path(name).name] = {k: round(agg[k], 4) for k in ("mean_iou", "mean_boundary_f1", "mean_specks")}
            results.append(row)
            print(json.dumps(row), flush=True)
    if args.out:
        Path(args.out).write_text(json.dumps(results, indent=1))
    if args.per_image:
        with open(args.per_image, "w", newline="") as f:
            writer = csv.writer(f)
            writer.writerow(["model", "set", "data", "name", "iou", "boundary_f1"])
            writer.writerows(per_image)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
