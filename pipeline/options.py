"""CLI options shared by ``pipeline.run`` and ``pipeline.evaluate``, mapped onto PipelineConfig."""
from __future__ import annotations

import argparse
import os
import sys

from pipeline.colour import COLOUR_MODES
from pipeline.config import COLOUR_EDGE_CONTRAST, FINGERTIP_REACH, PipelineConfig
from pipeline.sleeves import SLEEVE_COLOUR

_DEFAULTS = PipelineConfig()
_native_quiet = False


def add_pipeline_options(parser: argparse.ArgumentParser) -> None:
    from detection.factory import DETECTORS

    g = parser.add_argument_group("pipeline")
    g.add_argument("--detector", default=_DEFAULTS.detector, choices=DETECTORS, help="hand detector backend")
    g.add_argument("--threshold", type=float, default=_DEFAULTS.threshold, help="mask probability threshold (0-1)")
    g.add_argument("--margin", type=float, default=_DEFAULTS.margin,
                   help="crop margin per side, as a fraction of the hand box")
    g.add_argument("--context-margin", type=float, default=_DEFAULTS.context_margin,
                   help="also segment a crop with this margin and continue, from it, a forearm the first "
                        "crop ended at the wrist (0: off)")
    g.add_argument("--max-hands", type=int, default=_DEFAULTS.max_hands,
                   help=f"at most this many hands per photo, the surest first (default {_DEFAULTS.max_hands})")
    g.add_argument("--require-hand", action="store_true",
                   help="treat 'no hand found' as a failure instead of segmenting the whole image")
    g.add_argument("--no-refine", action="store_true", help="skip the guided-filter edge refinement")
    g.add_argument("--no-colour-edge", action="store_true",
                   help="keep the refined mask's edge as it is instead of re-drawing it where the photo's "
                        "colour turns from the hand's to the background's")
    g.add_argument("--no-finger-gaps", action="store_true",
                   help="leave the gaps between spread fingers as the model filled them, instead of opening "
                        "them where they have the colour of the background seen between the same fingers")
    g.add_argument("--no-gap-shadows", action="store_true",
                   help="leave the grey shadow that raised fingers cast on a pale table in the gaps between "
                        "them, instead of taking it for background (a silver coin lying across such a gap that "
                        "the circle finder misses can lose its part over the gap)")
    g.add_argument("--no-edge-shadows", action="store_true",
                   help="leave the hand's cast shadow on a plain white or grey surface where the mask kept it "
                        "along the hand's outline (beside the thumb, the forearm, the little finger), instead "
                        "of taking the grey that is the surface dimmed for background")
    g.add_argument("--keep-sleeves", action="store_true",
                   help="keep a sleeve or cuff the mask took for forearm, instead of cutting the mask where, "
                        "down the forearm from the wrist, the colour leaves the skin's and does not come back")
    g.add_argument("--fill-rings", action="store_true",
                   help="fill the hole a thumb and a finger close round the background (an OK sign) like any "
                        "small hole, and leave it filled where the model filled it, instead of opening what "
                        "lies off the palm and fingers and shows the background's colour")
    g.add_argument("--no-finger-fill", action="store_true",
                   help="leave a stretch of a finger the model lost out, or a fingertip it stopped short of (a "
                        "pale nail), instead of putting it back along the finger's bones where it is plainly "
                        "not the background around the finger")
    g.add_argument("--no-coins", action="store_true",
                   help="show the model a coin lying on a palm as it is, and leave out one it bit out of the "
                        "hand's edge; by default a coin on a palm is painted over with skin before the hand is "
                        "segmented again, and a round disc of a coin's size on a palm, mostly surrounded by the "
                        "hand, unlike both the skin and the table round it, is given back")
    g.add_argument("--no-landmark-prior", action="store_true",
                   help="don't use hand landmarks as a shape prior (palm, GrabCut rescue, colour check and fill, cut-off fingertips joined back)")
    g.add_argument("--no-face-guard", action="store_true",
                   help="don't keep detected faces out of the masks")
    g.add_argument("--no-wrist-bridge", action="store_true",
                   help="leave a watch band the mask cut out of the forearm as a gap")
    g.add_argument("--no-fingertip-gate", action="store_true",
                   help="keep what the mask joined to a fingertip straight ahead of the fingers (a neck, a "
                        "poster); the gate trusts the hand landmarks and cuts tips they fall short of")
    g.add_argument("--upright-crops", action=argparse.BooleanOptionalAction, default=_DEFAULTS.upright_crops,
                   help="show a hand lying across the photo to the model after a quarter turn, upright "
                        f"as its training hands (default: {'on' if _DEFAULTS.upright_crops else 'off'})")
    g.add_argument("--tta", action="store_true", help="average with a flipped crop (slower)")
    g.add_argument("--colour", default=_DEFAULTS.colour, choices=COLOUR_MODES,
                   help="colour-cast handling: auto re-segments an unsure crop white-balanced and keeps the surer mask")
    g.add_argument("--model", default=None, help="segmentation model (.tflite or .keras); default: the shipped one")


def config_from_args(args: argparse.Namespace) -> PipelineConfig:
    """Raises ValueError with a readable message for out-of-range values."""
    return PipelineConfig(
        detector=args.detector,
        threshold=args.threshold,
        margin=args.margin,
        context_margin=args.context_margin,
        max_hands=args.max_hands,
        require_hand=args.require_hand,
        refine=not args.no_refine,
        colour_edge=0.0 if args.no_colour_edge else COLOUR_EDGE_CONTRAST,
        finger_gaps=not args.no_finger_gaps,
        gap_shadows=not args.no_gap_shadows,
        edge_shadows=not args.no_edge_shadows,
        finger_fill=not args.no_finger_fill,
        tip_fill=not args.no_finger_fill,
        keep_coins=not args.no_coins,
        paint_coins=not args.no_coins,
        landmark_prior=not args.no_landmark_prior,
        face_guard=not args.no_face_guard,
        wrist_bridge=not args.no_wrist_bridge,
        tip_reach=0.0 if args.no_fingertip_gate else FINGERTIP_REACH,
        sleeve_cut=0.0 if args.keep_sleeves else SLEEVE_COLOUR,
        open_rings=not args.fill_rings,
        open_filled_rings=not args.fill_rings,
        upright_crops=args.upright_crops,
        tta_flip=args.tta,
        colour=args.colour,
    )


def quiet_native_logs() -> None:
    """Keep MediaPipe's and LiteRT's C++ start-up chatter off the terminal, so errors and the
    summary stand out.

    Those libraries write straight to file descriptor 2 ("Created TensorFlow Lite XNNPACK
    delegate", "W0000 ... feedback manager"), which no logging level fully silences. Python's
    own ``sys.stderr`` (our errors, warnings, the progress bar, tracebacks) is moved to a copy
    of descriptor 2 and the descriptor itself is pointed at ``/dev/null``. Set
    ``HANDCUT_NATIVE_LOGS=1`` to see the native logs. Does nothing when ``sys.stderr`` has
    already been replaced (tests capturing output, an embedding application).
    """
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    os.environ.setdefault("GLOG_minloglevel", "2")
    global _native_quiet
    if _native_quiet or os.environ.get("HANDCUT_NATIVE_LOGS") == "1" or sys.stderr is not sys.__stderr__:
        return
    try:
        sys.stderr.flush()
        python_side = os.fdopen(os.dup(2), "w", buffering=1, encoding=sys.stderr.encoding or "utf-8",
                                errors="backslashreplace")
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, 2)
        os.close(devnull)
    except (OSError, ValueError):  # no usable descriptor 2 (closed, or a GUI launcher): leave it alone
        return
    sys.stderr = sys.__stderr__ = python_side
    _native_quiet = True
