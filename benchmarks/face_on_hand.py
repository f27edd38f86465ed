"""Faces found on or behind hands, per folder: the figures behind ``detection.faces.BEHIND_HAND_SHAPE``
and ``BEHIND_HAND_SCORE``.

    python benchmarks/face_on_hand.py runs/face_val runs/face_val_s1 runs/face_val_s2 runs/face_val_s3
    python benchmarks/face_on_hand.py ../shared/data/hgr ../shared/data/hands11k \\
        ../shared/data/hand_boxes/images/train ../shared/data/hand_boxes/images/val

The face guard ignores a "face" that lies mostly inside a hand's landmark outline: the face
detector calls fists and palms faces. A real face behind a hand held over it lies there too.
For every face the pipeline's face detector finds beside a hand with landmarks (found by the
default detector), this prints how much of the face's box lies inside the hand's outline
(``hand_outline``) and inside its palm-and-finger shape (``hand_shape``), how many of its eyes
lie on that shape, the face detector's confidence, and whether the guard now keeps it as a
face. On folders of hands raised beside portraits (``benchmarks/make_face_set.py``) every face
is real; on the hand data sets, which show no face beside a hand, every one is the detector
firing on a hand.
With ``--csv FILE`` every face is also written out, one row each.
"""
from __future__ import annotations

import argparse
import csv
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

FIELDS = ("folder", "name", "outline_share", "shape_share", "eyes_on_hand", "score", "kept")


def photo_faces(detector, faces_detector, image: np.ndarray) -> list[dict]:
    """One row per face found beside a hand with landmarks: the cues :func:`seen_behind_hand` reads."""
    from detection.boxes import box_area
    from detection.faces import ON_OUTLINE, _inside, faces_apart_from_hands, hand_cover, hand_outline

    faces = faces_detector.detect(image)
    if not faces:
        return []
    hands = [b for b in detector.detect(image, faces=lambda: faces) if b.landmarks is not None]
    rows = []
    for face in faces if hands else []:
        outlines = [hand_outline(b.landmarks) for b in hands]
        shares = [_inside(face, o) / max(box_area(face), 1e-6) for o in outlines]
        k = int(np.argmax(shares))
        covered, eyes_on = hand_cover(face, hands[k].landmarks)
        kept = bool(faces_apart_from_hands([face], outlines, ON_OUTLINE, [b.landmarks for b in hands]))
        score = getattr(face, "score", None)
        rows.append({"outline_share": round(shares[k], 3), "shape_share": round(covered, 3),
                     "eyes_on_hand": eyes_on, "score": None if score is None else round(score, 3),
                     "kept": kept})
    return rows


def folder_rows(detector, faces_detector, folder: Path) -> list[dict]:
    """Every face in ``folder``'s photos (see :func:`photo_faces`), with the photo's name."""
    from benchmarks.photo_folders import readable_photos

    rows = []
    for path, image in readable_photos(folder):
        label = folder.parent.name if folder.name == "images" else folder.name
        rows += [{"folder": label, "name": path.name, **r} for r in photo_faces(detector, faces_detector, image)]
    return rows


def summary(label: str, rows: list[dict]) -> str:
    """One printed line: faces, those over ``ON_OUTLINE`` inside an outline, the shape share's
    maximum and the counts with both eyes on the hand and kept as faces."""
    from detection.faces import ON_OUTLINE

    inside = [r for r in rows if r["outline_share"] >= ON_OUTLINE]
    top = max((r["shape_share"] for r in rows), default=float("nan"))
    return (f"{label:32.32} {len(rows):5d} {len(inside):7d} {top:9.2f} "
            f"{sum(r['eyes_on_hand'] == 2 for r in rows):9d} {sum(r['kept'] for r in inside):13d}")


def main(argv: list[str] | None = None) -> int:
    from benchmarks.photo_folders import photo_roots
    from detection.factory import create_detector
    from detection.faces import MediaPipeFaceDetector
    from pipeline.config import PipelineConfig

    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("folders", nargs="+", help="folders of photos (or with an images/ subfolder)")
    p.add_argument("--csv", help="write every face's row to this CSV file")
    args = p.parse_args(argv)
    roots = photo_roots(args.folders)
    if roots is None:
        return 2
    cfg = PipelineConfig()
    detector = create_detector(cfg.detector, max_hands=cfg.max_hands)
    faces_detector = MediaPipeFaceDetector()
    print(f"{'folder':32} {'faces':>5} {'in hand':>7} {'max shape':>9} {'both eyes':>9} {'kept (in hand)':>13}")
    everything = []
    for root in roots:
        rows = folder_rows(detector, faces_detector, root)
        everything += rows
        print(summary(rows[0]["folder"] if rows else root.name, rows), flush=True)
    if args.csv:
        with open(args.csv, "w", newline="") as f:
            writer = csv.DictWriter(f, fieldnames=FIELDS)
            writer.writeheader()
            writer.writerows(everything)
    return 0


if __name__ == "__main__":
    sys.exit(main())
