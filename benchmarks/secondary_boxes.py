"""The YOLO-only boxes `auto` adds beside a MediaPipe hand: their confidence, and whether each is a hand.

`auto` keeps MediaPipe's hands (grown to the YOLO boxes that overlap them) and adds the YOLO
boxes that overlap none. Next to a hand MediaPipe did find, such a box is either a second hand
MediaPipe missed or a false hand (a toy, a picture, a mug), and a false box costs more than a
speck: the U-Net is asked to find a hand in it and cuts out whatever looks most like one. This
script runs both of `auto`'s detectors once per photo, merges their boxes with every YOLO box
kept (``min_secondary_score=0``) and with the defaults, lists the YOLO-only boxes with their
score, verdict (box folders: IoU >= 0.5 with a labelled box; mask folders: on the mask, which
for HGR includes the forearm) and whether the default merge keeps them, and counts what each
score floor alone would keep, to choose ``MergeConfig.min_secondary_score``.

    python benchmarks/secondary_boxes.py --boxes ../shared/data/hand_boxes --split val \\
        --masks ../shared/data/hgr --masks ../shared/data/hands11k -o docs/secondary_boxes_val.json
"""
from __future__ import annotations

import argparse
import json
import sys
from dataclasses import replace
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from detection.boxes import box_area  # noqa: E402
from detection.evaluate import box_items, box_on_mask, match_detections  # noqa: E402

FLOORS = (0.0, 0.3, 0.35, 0.4, 0.45, 0.5, 0.55, 0.6)


def both_ways(detector, image):
    """``(every box, the default merge's boxes)`` from one run of each detector."""
    from detection.auto_detector import merge_boxes

    primary, secondary = detector.primary.detect(image), detector.secondary.detect(image)
    loose = replace(detector.config, min_secondary_score=0.0)
    return merge_boxes(primary, secondary, loose), merge_boxes(primary, secondary, detector.config)


def added_beside_mediapipe(hands) -> list[int]:
    """Indices of YOLO-only boxes in a photo where MediaPipe found a hand too."""
    if not any(h.landmarks is not None for h in hands):
        return []
    return [i for i, h in enumerate(hands) if h.landmarks is None]


def added_rows(data: str, name: str, hands, kept, verdicts: list[bool]) -> list[dict]:
    """One row per YOLO-only box beside a MediaPipe hand, with its verdict and whether the
    default merge (``kept``) has it."""
    return [{"data": data, "name": name, "score": round(hands[i].score, 3), "hand": bool(verdicts[i]),
             "kept": any(k is hands[i] for k in kept), "xyxy": [round(v, 1) for v in hands[i].xyxy]}
            for i in added_beside_mediapipe(hands)]


def floor_table(rows: list[dict], floors=FLOORS) -> list[dict]:
    """How many right and wrong added boxes each floor keeps."""
    return [{"floor": f,
             "hands_kept": sum(r["hand"] and r["score"] >= f for r in rows),
             "false_kept": sum((not r["hand"]) and r["score"] >= f for r in rows)} for f in floors]


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--boxes", action="append", default=[], help="YOLO box folder (images/<split>, labels/<split>)")
    p.add_argument("--masks", action="append", default=[], help="image/mask folder")
    p.add_argument("--split", default="val", help="box folders: its images/<split>; mask folders: the "
                   "person-wise split of training (seed 0); 'all' for every photo")
    p.add_argument("-o", "--output", help="write the boxes and the table as JSON here")
    args = p.parse_args(argv)
    if not args.boxes and not args.masks:
        p.error("give at least one --boxes or --masks folder")

    from tqdm import tqdm

    from detection.factory import create_detector
    from detection.yolo_data import read_yolo_labels
    from pipeline.imageio import read_rgb
    from segmentation.data import find_pairs, load_pair, split_pairs

    detector = create_detector("auto")
    rows: list[dict] = []
    photos = 0
    for folder in args.boxes:
        for img_path, label_path in tqdm(box_items(folder, args.split), desc=Path(folder).name, file=sys.stderr):
            image = read_rgb(img_path)
            h, w = image.shape[:2]
            truth = [b for b in read_yolo_labels(label_path, w, h) if box_area(b) > 0]
            hands, kept = both_ways(detector, image)
            hit = match_detections([x.xyxy for x in hands], [x.score for x in hands], truth, 0.5)
            photos += 1
            rows += added_rows(Path(folder).name, img_path.stem, hands, kept, hit)
    for folder in args.masks:
        pairs = find_pairs(folder)
        if args.split != "all":
            pairs = split_pairs(pairs, 0.15, 0.15, seed=0)[args.split]
        for pair in tqdm(pairs, desc=Path(folder).name, file=sys.stderr):
            image, mask = load_pair(pair)
            hands, kept = both_ways(detector, image)
            photos += 1
            rows += added_rows(Path(folder).name, pair.stem, hands, kept, [box_on_mask(x.xyxy, mask) for x in hands])
    rows.sort(key=lambda r: r["score"])
    print(f"{photos} photos; {len(rows)} YOLO-only boxes added beside a MediaPipe hand")
    for r in rows:
        print(f"  {r['score']:.3f}  {'hand ' if r['hand'] else 'FALSE'}  {'kept' if r['kept'] else 'left'}"
              f"  {r['data']}/{r['name']}")
    print(f"the default merge keeps {sum(r['kept'] and r['hand'] for r in rows)} of {sum(r['hand'] for r in rows)} "
          f"right and {sum(r['kept'] and not r['hand'] for r in rows)} of {sum(not r['hand'] for r in rows)} false boxes")
    table = floor_table(rows)
    print(f"{'floor':>6}{'hands kept':>12}{'false kept':>12}")
    for t in table:
        print(f"{t['floor']:>6.2f}{t['hands_kept']:>12}{t['false_kept']:>12}")
    if args.output:
        Path(args.output).write_text(json.dumps({"command": "python benchmarks/secondary_boxes.py " + " ".join(
            argv if argv is not None else sys.argv[1:]), "photos": photos, "boxes": rows, "floors": table}, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
