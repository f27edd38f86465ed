"""The photos whose hands a change of the ``auto`` detector's settings finds differently.

A detection rule chosen on the labelled validation sets still has to leave real photos alone
where it has no business: the 684 ``hand_boxes`` photos (no masks) are that check. Every photo is
detected as :meth:`pipeline.core.Pipeline.detect` does it (faces found beside, the U-Net's
silhouette for the masked look), once with the default ``MergeConfig`` and once with each
``--set``, and the photos whose boxes or landmarks differ are listed, to be looked at.

    python benchmarks/box_changes.py --photos ../shared/data/hand_boxes/images \\
        --set merge.masked_look=false -o docs/box_changes_masked_look.json

A change of code rather than settings is compared the same way through a file: ``--dump F``
writes every photo's boxes at the defaults, run from a checkout of the commit before, and
``--against F``, run from the commit after, lists the photos detected differently.
"""
from __future__ import annotations

import argparse
import dataclasses
import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.val_sweep import parse_overrides  # noqa: E402
from pipeline.imageio import IMAGE_EXTENSIONS, read_rgb  # noqa: E402


def describe(hands) -> list[dict]:
    """What is compared: each box (whole pixels), whether it has landmarks, and its source."""
    return [{"box": [round(v) for v in h.xyxy], "landmarks": h.landmarks is not None, "source": h.source}
            for h in hands]


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--photos", action="append", required=True, help="folder of photos (searched recursively)")
    p.add_argument("--set", dest="sets", action="append", default=[],
                   help="overrides compared with the defaults, as val_sweep.py takes them "
                        "(e.g. merge.masked_look=false)")
    p.add_argument("--dump", help="write every photo's boxes at the defaults as JSON here (no --set needed)")
    p.add_argument("--against", help="compare the defaults with such a dump, made by another checkout")
    p.add_argument("-o", "--output", help="write the changed photos as JSON here")
    args = p.parse_args(argv)
    if not (args.sets or args.dump or args.against):
        p.error("give --set, --dump or --against")
    from tqdm import tqdm

    from detection.factory import create_detector
    from detection.faces import MediaPipeFaceDetector
    from pipeline.config import PipelineConfig
    from pipeline.core import Pipeline
    from pipeline.options import quiet_native_logs
    from segmentation.segmenter import Segmenter

    quiet_native_logs()
    photos = sorted(f for d in args.photos for f in Path(d).rglob("*") if f.suffix.lower() in IMAGE_EXTENSIONS)
    if not photos:
        p.error("no photos found")
    cfg = PipelineConfig()
    segmenter, faces = Segmenter(), MediaPipeFaceDetector()

    def pipeline(config: PipelineConfig, merge: dict, mediapipe: dict | None = None) -> Pipeline:
        options = {"merge_options": merge} if merge else {}
        if mediapipe:
            options["mediapipe_options"] = mediapipe
        return Pipeline(create_detector(config.detector, max_hands=config.max_hands, **options), segmenter, config,
                        faces)

    pipes = {"defaults": pipeline(cfg, {})}
    for overrides in args.sets:
        fields, merge, mediapipe = parse_overrides(overrides)
        pipes[overrides] = pipeline(dataclasses.replace(cfg, **fields), merge, mediapipe)
    before = json.loads(Path(args.against).read_text()) if args.against else {}
    changed: dict[str, dict] = {}
    dump: dict[str, list] = {}
    for photo in tqdm(photos, disable=None):
        image = read_rgb(photo)
        found = {name: describe(pipe.detect(image)[0]) for name, pipe in pipes.items()}
        dump[str(photo)] = found["defaults"]
        if args.against:
            found["before"] = before.get(str(photo))
        if any(v != found["defaults"] for v in found.values()):
            changed[str(photo)] = found
            tqdm.write(f"{photo}: " + "; ".join(f"{k}: {v}" for k, v in found.items()))
    print(f"{len(changed)} of {len(photos)} photos detected differently")
    if args.dump:
        Path(args.dump).write_text(json.dumps(dump))
    if args.output:
        Path(args.output).write_text(json.dumps({"photos": len(photos), "sets": args.sets, "changed": changed},
                                                indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
