"""CLI options shared by ``pipeline.run`` and ``pipeline.evaluate``, mapped onto PipelineConfig."""
from __future__ import annotations

import argparse
import os

from pipeline.config import PipelineConfig

_DEFAULTS = PipelineConfig()


def add_pipeline_options(parser: argparse.ArgumentParser) -> None:
    from detection.factory import DETECTORS

    g = parser.add_argument_group("pipeline")
    g.add_argument("--detector", default=_DEFAULTS.detector, choices=DETECTORS, help="hand detector backend")
    g.add_argument("--threshold", type=float, default=_DEFAULTS.threshold, help="mask probability threshold (0-1)")
    g.add_argument("--margin", type=float, default=_DEFAULTS.margin,
                   help="crop margin per side, as a fraction of the hand box")
    g.add_argument("--max-hands", type=int, default=_DEFAULTS.max_hands)
    g.add_argument("--require-hand", action="store_true",
                   help="treat 'no hand found' as a failure instead of segmenting the whole image")
    g.add_argument("--no-refine", action="store_true", help="skip the guided-filter edge refinement")
    g.add_argument("--no-landmark-prior", action="store_true",
                   help="don't use hand landmarks as a shape prior (palm/finger bones, GrabCut rescue)")
    g.add_argument("--tta", action="store_true", help="average with a flipped crop (slower)")
    g.add_argument("--model", default=None, help="segmentation model (.keras); default: the shipped one")


def config_from_args(args: argparse.Namespace) -> PipelineConfig:
    """Raises ValueError with a readable message for out-of-range values."""
    return PipelineConfig(
        detector=args.detector,
        threshold=args.threshold,
        margin=args.margin,
        max_hands=args.max_hands,
        require_hand=args.require_hand,
        refine=not args.no_refine,
        landmark_prior=not args.no_landmark_prior,
        tta_flip=args.tta,
    )


def quiet_native_logs() -> None:
    """Silence TensorFlow's and MediaPipe's C++ start-up chatter so errors and the summary stand out.

    Must run before those libraries are imported; a user's own setting wins.
    """
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    os.environ.setdefault("GLOG_minloglevel", "2")
