"""Run the product's hand detector over training folders and store its boxes.

Why: the pipeline crops around the *detector's* box, which covers the palm and fingers, while a
crop made from the ground-truth mask's box also holds the whole forearm. A model trained only on
mask-box crops learns "the object ends inside the crop" and stops a forearm at the wrist when it
runs off a detector crop, so crop growth never triggers. Training on these boxes as well shows
the model the crops it will really get.

``python -m segmentation.detector_boxes --data DIR [--data DIR2] --out runs/detector_boxes.json
[--landmarks runs/landmarks.json]``

The JSON maps ``"<folder name>/<image stem>"`` (the keys the training loader uses) to a list of
boxes as fractions of the image's width and height, so the boxes stay valid after the loader
downscales large images. ``--landmarks`` also writes the 21 hand landmarks of every hand that
has them (MediaPipe's), in the same fractions, for models that take the landmark hint
(``segmentation.hint``). It runs in its own process: MediaPipe and TensorFlow should not share one.
"""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import numpy as np

Normalized = list[float]


def detect_folder(data: str, detector, progress: bool = True,
                  landmarks: dict[str, list[list[Normalized]]] | None = None) -> dict[str, list[Normalized]]:
    """Boxes for every image of one data folder, keyed like ``segmentation.train.load_splits``.

    Given a ``landmarks`` dict, it is filled with each image's hands' landmarks (``21`` points
    as ``[x / w, y / h]``; hands without landmarks are left out).
    """
    from tqdm import tqdm

    from pipeline.imageio import read_rgb
    from segmentation.data import find_pairs

    out: dict[str, list[Normalized]] = {}
    name = Path(data).name
    for pair in tqdm(find_pairs(data), desc=f"detect {name}", disable=not progress or None):
        image = read_rgb(pair.image)
        h, w = image.shape[:2]
        hands = detector.detect(image)
        key = f"{name}/{pair.stem}"
        out[key] = [
            [round(b.xyxy[0] / w, 5), round(b.xyxy[1] / h, 5), round(b.xyxy[2] / w, 5), round(b.xyxy[3] / h, 5)]
            for b in hands
        ]
        if landmarks is not None:
            landmarks[key] = [[[round(float(x) / w, 5), round(float(y) / h, 5)] for x, y in b.landmarks]
                              for b in hands if b.landmarks is not None]
    return out


def _read_mapping(path: str | Path, what: str) -> dict:
    """A JSON object of name -> ``what`` written by this module; an empty path means none."""
    if not path:
        return {}
    data = json.loads(Path(path).read_text())
    if not isinstance(data, dict):
        raise ValueError(f"{path}: expected a JSON object of name -> {what}")
    return data


def load_boxes(path: str | Path) -> dict[str, list[Normalized]]:
    """Read a boxes file written by this module; an empty path means no boxes."""
    return _read_mapping(path, "boxes")


def load_landmarks(path: str | Path) -> dict[str, list[np.ndarray]]:
    """Name -> list of ``21x2`` arrays in fractions of the image size; an empty path means none."""
    data = _read_mapping(path, "landmark lists")
    return {k: [np.asarray(h, np.float64).reshape(21, 2) for h in v] for k, v in data.items()}


def to_pixels(boxes: list[Normalized], width: int, height: int) -> list[tuple[float, float, float, float]]:
    return [(b[0] * width, b[1] * height, b[2] * width, b[3] * height) for b in boxes]


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m segmentation.detector_boxes", description=__doc__.splitlines()[0])
    p.add_argument("--data", action="append", required=True, help="data folder (images/+masks/ or original/+no_bg/); repeatable")
    p.add_argument("--out", required=True, help="JSON file to write")
    p.add_argument("--landmarks", default="", help="also write each hand's 21 landmarks to this JSON file")
    p.add_argument("--detector", default="auto", help="mediapipe | yolo | auto (default: auto, the pipeline's default)")
    args = p.parse_args(argv)
    missing = [d for d in args.data if not Path(d).is_dir()]
    if missing:
        print(f"error: {missing[0]}: not a folder", file=sys.stderr)
        return 2
    from detection.factory import create_detector
    from pipeline.options import quiet_native_logs

    quiet_native_logs()
    detector = create_detector(args.detector)
    boxes: dict[str, list[Normalized]] = {}
    landmarks: dict[str, list[list[Normalized]]] | None = {} if args.landmarks else None
    for d in args.data:
        boxes.update(detect_folder(d, detector, landmarks=landmarks))
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(boxes))
    found = sum(1 for v in boxes.values() if v)
    print(f"{out}: {len(boxes)} images, a hand found in {found}")
    if landmarks is not None:
        lm = Path(args.landmarks)
        lm.parent.mkdir(parents=True, exist_ok=True)
        lm.write_text(json.dumps(landmarks))
        print(f"{lm}: landmarks for {sum(1 for v in landmarks.values() if v)} images")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
