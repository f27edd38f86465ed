"""How vivid the hands' skin is, per folder: the figures behind ``PipelineConfig.cast_chroma``.

    python benchmarks/skin_chroma.py runs/warm_hgr_val runs/warm_11k_val runs/highres_hgr_val ...

For every photo in ``FOLDER/images`` (or ``FOLDER`` itself), every hand the default detector
finds with landmarks is cropped as the pipeline's first crop is, and its skin's chroma measured
as the colour-cast trigger measures it (``pipeline.colour.skin_chroma``: median Lab chroma along
the landmark skeleton). Prints per folder the hands' minimum, median and maximum, and how many
photos have a hand over the threshold, i.e. how often the trigger would fire. A warm cast and a
warm-coloured table give the same photo; only the hand's own skin tells them apart, and this is
where one can see whether it does.
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))


def photo_chroma(detector, image: np.ndarray, size: int, margin: float) -> list[float]:
    """The skin chroma of each hand with landmarks in ``image``, on the pipeline's first crop."""
    from pipeline.colour import skin_chroma
    from pipeline.landmark_prior import hand_prior, to_crop
    from segmentation.crops import crop_matrix, crop_square, warp_crop

    hands = [b for b in detector.detect(image) if b.landmarks is not None]
    if not hands:
        return []
    mats = [crop_matrix(crop_square(b.xyxy, margin), size) for b in hands]
    crops = np.stack([warp_crop(image, m, size) for m in mats])
    priors = [hand_prior(to_crop(b.landmarks, m), size) for b, m in zip(hands, mats)]
    return [float(c) for c in skin_chroma(crops, priors) if c > 0]


def folder_row(detector, folder: Path, size: int, margin: float, threshold: float) -> str:
    """One printed line: photos, hands, the hands' min / median / max chroma, photos over ``threshold``."""
    from benchmarks.photo_folders import readable_photos

    values, over, photos = [], 0, 0
    for _, image in readable_photos(folder):
        photos += 1
        chroma = photo_chroma(detector, image, size, margin)
        values += chroma
        over += any(c > threshold for c in chroma)
    v = np.array(values) if values else np.full(1, np.nan)
    return (f"{folder.parent.name if folder.name == 'images' else folder.name:32.32} {photos:6d} {len(values):5d} "
            f"{np.min(v):6.1f} {np.median(v):6.1f} {np.max(v):6.1f} {over:4d} ({100 * over / max(photos, 1):.0f}%)")


def main(argv: list[str] | None = None) -> int:
    from benchmarks.photo_folders import photo_roots
    from detection.factory import create_detector
    from pipeline.config import PipelineConfig
    from segmentation.segmenter import Segmenter

    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("folders", nargs="+", help="folders of photos (or with an images/ subfolder)")
    p.add_argument("--threshold", type=float, default=PipelineConfig().cast_chroma,
                   help="count the photos with a hand over this chroma (default: the pipeline's)")
    args = p.parse_args(argv)
    roots = photo_roots(args.folders)
    if roots is None:
        return 2
    cfg = PipelineConfig()
    detector = create_detector(cfg.detector, max_hands=cfg.max_hands)
    size = Segmenter().size
    print(f"{'folder':32} {'photos':>6} {'hands':>5} {'min':>6} {'median':>6} {'max':>6} {'over':>9}")
    for root in roots:
        print(folder_row(detector, root, size, cfg.margin, args.threshold))
    return 0


if __name__ == "__main__":
    sys.exit(main())
