"""Several hands in one photo: detection recall on two-photo mosaics of labelled hand photos.

Only 8 of hand_boxes' 684 photos hold more than one labelled hand, too few to say how a detector
copes with several. This benchmark pastes two labelled photos of one split next to each other
(side by side or one above the other, seeded, scaled to a common height or width) with their
boxes moved along, and scores recall and precision at IoU 0.5 like ``python -m detection.evaluate``.
It exists to compare detector settings (MediaPipe's second look on and off); the mosaics' seam
is not a real scene, so the figures say how often a hand is missed, not how a real two-hand
photo looks.

    python benchmarks/multi_hand.py --data ../shared/data/hand_boxes --split val --pairs 120
"""
from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import cv2
import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from detection.boxes import box_area  # noqa: E402
from detection.evaluate import box_items, match_detections, write_results  # noqa: E402


def _scaled(image: np.ndarray, boxes: list, factor: float) -> tuple[np.ndarray, list]:
    h, w = image.shape[:2]
    size = (max(1, round(w * factor)), max(1, round(h * factor)))
    return cv2.resize(image, size, interpolation=cv2.INTER_AREA), [tuple(v * factor for v in b) for b in boxes]


def mosaic(a: np.ndarray, boxes_a: list, b: np.ndarray, boxes_b: list, horizontal: bool):
    """``a`` and ``b`` next to each other (``b`` scaled to ``a``'s height, or width), boxes moved along."""
    if horizontal:
        b, boxes_b = _scaled(b, boxes_b, a.shape[0] / b.shape[0])
        dx, dy = a.shape[1], 0
        out = np.concatenate([a, b[: a.shape[0]]], axis=1)
    else:
        b, boxes_b = _scaled(b, boxes_b, a.shape[1] / b.shape[1])
        dx, dy = 0, a.shape[0]
        out = np.concatenate([a, b[:, : a.shape[1]]], axis=0)
    moved = [(x0 + dx, y0 + dy, x1 + dx, y1 + dy) for x0, y0, x1, y1 in boxes_b]
    return np.ascontiguousarray(out), list(boxes_a) + moved


def make_mosaics(items, pairs: int, seed: int = 0):
    """``pairs`` seeded mosaics of two different labelled photos (half side by side)."""
    from detection.yolo_data import read_yolo_labels
    from pipeline.imageio import read_rgb

    rng = np.random.default_rng(seed)
    for k in range(pairs):
        i, j = rng.choice(len(items), size=2, replace=False)
        loaded = []
        for img_path, label_path in (items[i], items[j]):
            image = read_rgb(img_path)
            h, w = image.shape[:2]
            loaded.append((image, [b for b in read_yolo_labels(label_path, w, h) if box_area(b) > 0]))
        (a, ba), (b, bb) = loaded
        yield f"{items[i][0].stem}+{items[j][0].stem}", *mosaic(a, ba, b, bb, horizontal=bool(k % 2 == 0))


def score(detector, mosaics) -> dict:
    n_truth, tps, n_pred, times, both = 0, 0, 0, [], 0
    for _, image, truth in mosaics:
        t = time.perf_counter()
        hands = detector.detect(image)
        times.append(time.perf_counter() - t)
        tp = match_detections([h.xyxy for h in hands], [h.score for h in hands], truth, 0.5)
        n_truth += len(truth)
        tps += sum(tp)
        n_pred += len(tp)
        both += sum(tp) >= len(truth)
    return {"mosaics": len(mosaics), "boxes": n_truth, "recall50": tps / max(1, n_truth),
            "precision50": tps / max(1, n_pred), "all_found": both / max(1, len(mosaics)),
            "ms_per_image": 1000 * float(np.mean(times))}


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--data", required=True, help="a YOLO box folder (images/<split>, labels/<split>)")
    p.add_argument("--split", default="val")
    p.add_argument("--pairs", type=int, default=120)
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("-o", "--output", help="write the results as JSON here")
    args = p.parse_args(argv)

    from detection.factory import create_detector

    mosaics = list(make_mosaics(box_items(args.data, args.split), args.pairs, args.seed))
    one_look, unconfirmed = {"second_look": False, "look_beside": False}, {"confirm_weak": False}
    detectors = {
        "mediapipe (one look)": create_detector("mediapipe", **one_look),
        "mediapipe (second look only)": create_detector("mediapipe", look_beside=False),
        "mediapipe": create_detector("mediapipe"),
        "auto (one look)": create_detector("auto", mediapipe_options=one_look, merge_options=unconfirmed),
        "auto (second look only)": create_detector("auto", mediapipe_options={"look_beside": False},
                                                   merge_options=unconfirmed),
        "auto (weak boxes unconfirmed)": create_detector("auto", merge_options=unconfirmed),
        "auto": create_detector("auto"),
        "auto (every YOLO box)": create_detector("auto", merge_options={"min_secondary_score": 0.0}),
    }
    results = {}
    print(f"{'detector':<30}{'mosaics':>8}{'boxes':>7}{'R@.5':>7}{'P@.5':>7}{'all found':>10}{'ms/img':>8}")
    for name, det in detectors.items():
        r = score(det, mosaics)
        results[name] = r
        print(f"{name:<30}{r['mosaics']:>8}{r['boxes']:>7}{r['recall50']:>7.3f}{r['precision50']:>7.3f}"
              f"{r['all_found']:>10.3f}{r['ms_per_image']:>8.0f}", flush=True)
    if args.output:
        write_results(args.output, "python benchmarks/multi_hand.py", argv, results)
    return 0


if __name__ == "__main__":
    sys.exit(main())
