"""The Streamlit page: sidebar settings, uploads, per-photo results and downloads.

Caching is what keeps the page responsive on a 2-core CPU:

* the detector and the segmentation model are ``st.cache_resource`` entries of their own, so
  moving a slider never reloads either of them (the cheap ``Pipeline`` object is rebuilt from
  the cached parts on every run);
* each file's result is an ``st.cache_data`` entry keyed by the file's hash and the pipeline's
  settings, so only what a changed control affects is recomputed; background colour and the
  detection toggle are applied to the cached result and cost no pipeline run at all.

Nothing here runs at import time; ``app/streamlit_app.py`` calls :func:`main`.
"""
from __future__ import annotations

import dataclasses
import functools
from dataclasses import dataclass
from pathlib import Path, PurePath

import numpy as np
import streamlit as st

from app.processing import (
    HEIC_TYPES,
    MAX_PIXELS,
    MAX_UPLOAD_MB,
    Background,
    Outcome,
    cutout_png,
    encode_png,
    file_digest,
    heic_supported,
    output_stems,
    process_upload,
    results_zip,
)
from app.views import on_checkerboard, overlay_view, preview_scale, shrink
from pipeline.config import FINGERTIP_REACH, WIDE_LOOK_MARGIN, PipelineConfig
from pipeline.core import Pipeline
from pipeline.render import composite, parse_color

DEFAULTS = PipelineConfig()


@dataclass(frozen=True)
class Controls:
    """The sidebar's state: pipeline settings plus display-only choices (which never recompute)."""

    config: PipelineConfig
    background: Background
    show_detections: bool


def model_identity() -> tuple[str, float]:
    """Path and modification time of the segmentation model the Segmenter would load.

    The time is part of the cache key so a model replaced on disk (training finishing, a new
    release) is picked up on the next rerun instead of serving the old one until restart.
    """
    from segmentation.segmenter import default_model_path

    path = default_model_path().resolve()
    return str(path), (path.stat().st_mtime if path.is_file() else -1.0)


@st.cache_resource(show_spinner="Loading the hand detector…", max_entries=4)
def load_detector(name: str, max_hands: int):
    """One detector per (name, max_hands) for the whole server: MediaPipe takes ~1 s to build."""
    from detection import factory

    return factory.create_detector(name, max_hands=max_hands)


@st.cache_resource(show_spinner="Loading the face detector…")
def load_face_detector():
    """One face detector for the whole server (it keeps faces out of the masks)."""
    from detection.faces import MediaPipeFaceDetector

    return MediaPipeFaceDetector()


@st.cache_resource(show_spinner="Loading the segmentation model…", max_entries=2)
def load_segmenter(path: str, mtime: float):
    """One model per file version (``mtime`` keys a replaced file), loaded once and shared."""
    from segmentation import segmenter

    return segmenter.Segmenter(path)


def build_pipeline(config: PipelineConfig) -> Pipeline:
    """A ``Pipeline`` from cached parts: cheap, so it is rebuilt whenever a setting changes.

    Raises:
        FileNotFoundError: the segmentation model (or a detector's model) is missing.
    """
    detector = load_detector(config.detector, config.max_hands)
    path, mtime = model_identity()
    return Pipeline(detector, load_segmenter(path, mtime), config, load_face_detector())


def pipeline_key(pipeline: Pipeline) -> tuple:
    """What a result depends on besides the file: settings, detector backend and model version."""
    seg_path = Path(str(getattr(pipeline.segmenter, "path", "")))
    mtime = seg_path.stat().st_mtime if seg_path.is_file() else -1.0
    return dataclasses.astuple(pipeline.config), pipeline.detector.name, str(seg_path), mtime


@st.cache_data(max_entries=16, ttl=3600, show_spinner=False, hash_funcs={Pipeline: pipeline_key})
def cached_outcome(name: str, digest: str, _data: bytes, pipeline: Pipeline) -> Outcome:
    """``process_upload`` memoised on (name, file hash, pipeline settings); ``_data`` is not hashed again.

    Entries hold the decoded photo (up to ~250 MB at the 50 MP limit), hence the small bound
    and the hour's expiry on a server shared by several users.
    """
    return process_upload(name, _data, pipeline)


def sidebar_controls(detectors: tuple[str, ...]) -> Controls:
    """Draw the settings; defaults come from ``PipelineConfig`` so they match the CLI's."""
    sb = st.sidebar
    sb.header("Settings")
    detector = sb.selectbox(
        "Detector", detectors, index=detectors.index(DEFAULTS.detector) if DEFAULTS.detector in detectors else 0,
        help="Hand detector that finds each hand before segmentation.",
    )
    threshold = sb.slider(
        "Threshold", 0.05, 0.95, float(DEFAULTS.threshold), 0.05,
        help="Probability above which a pixel counts as hand. Lower keeps more (and more background), "
             "higher cuts tighter.",
    )
    margin = sb.slider(
        "Crop margin", 0.0, 1.0, float(DEFAULTS.margin), 0.05,
        help="Context around each detected hand, per side, as a fraction of the hand box.",
    )
    forearm = sb.checkbox(
        "Continue forearms cut at the wrist", value=DEFAULTS.context_margin > 0,
        help="Also segments a crop three times the hand's size and carries on, from it, a forearm the "
             "first crop ended at the wrist. One more model run per hand.",
    )
    watch = sb.checkbox(
        "Keep watch bands in the cut-out", value=DEFAULTS.wrist_bridge,
        help="A watch or bracelet the mask left as a gap across the forearm is filled, as a ring on "
             "a finger is.",
    )
    upright = sb.checkbox(
        "Turn sideways hands upright", value=DEFAULTS.upright_crops,
        help="A hand lying across the photo (forearm leaving by the side) is shown to the model turned "
             "a quarter turn, as it was trained; the mask is turned back.",
    )
    tips = sb.checkbox(
        "Stop the mask at the fingertips", value=DEFAULTS.tip_reach > 0,
        help="What the mask joined to a fingertip straight ahead of the fingers (a neck, a poster) is "
             "taken away. It trusts the hand landmarks: where they fall short, it can cut a fingertip.",
    )
    mode = sb.radio("Output background", ["Transparent", "Colour"], horizontal=True,
                    help="Transparent gives an RGBA cut-out; Colour puts the hand on a flat colour (RGB).")
    colour = sb.color_picker("Background colour", "#FFFFFF", disabled=mode == "Transparent")
    show = sb.toggle("Show detected boxes and landmarks", value=False)
    config = dataclasses.replace(DEFAULTS, detector=detector, threshold=threshold, margin=margin,
                                 context_margin=WIDE_LOOK_MARGIN if forearm else 0.0, wrist_bridge=watch,
                                 upright_crops=upright,
                                 tip_reach=FINGERTIP_REACH if tips else 0.0)
    return Controls(config, None if mode == "Transparent" else parse_color(colour), show)


def upload_label(heic: bool) -> str:
    """The accepted formats and limits, stated where the user picks files."""
    formats = "JPEG, PNG, WebP" + (", HEIC" if heic else "")
    return f"Photos of hands ({formats}; up to {MAX_UPLOAD_MB} MB and {MAX_PIXELS // 1_000_000} MP each)"


def error_text(outcome: Outcome, heic: bool) -> str:
    """The outcome's one-line error, with the way out when it is an unreadable HEIC photo."""
    text = f"**{outcome.name}**: {outcome.error}"
    if not heic and PurePath(outcome.name).suffix.lower().lstrip(".") in HEIC_TYPES:
        text += " — HEIC photos need the optional `pillow-heif` package (`pip install pillow-heif`)."
    return text


def timing_text(outcome: Outcome) -> str:
    """Size and time taken, stage by stage, so slow photos explain themselves."""
    h, w = outcome.image.shape[:2]
    t = outcome.result.timings
    hands = len(outcome.result.hands)
    return (f"{w}×{h} px · {hands} hand{'s' if hands != 1 else ''} detected · {outcome.seconds:.2f} s "
            f"(detect {t['detect']:.2f}, segment {t['segment']:.2f}, refine {t['refine']:.2f})")


def show_outcome(outcome: Outcome, stem: str, index: int, controls: Controls, heic: bool) -> None:
    """One photo's row: original, mask, overlay and cut-out side by side, plus its downloads."""
    st.subheader(outcome.name, divider="gray")
    if not outcome.ok:
        st.error(error_text(outcome, heic), icon=":material/block:")
        return
    image, res = outcome.image, outcome.result
    st.caption(timing_text(outcome))
    if res.fallback_used:
        st.warning("No hand found: the whole image was segmented. Check the result below before using it.",
                   icon=":material/warning:")
    scale = preview_scale(image.shape)
    img_s, mask_s, alpha_s = shrink(image, scale), shrink(res.mask, scale), shrink(res.alpha, scale)
    if controls.background is None:
        cut, cut_caption = on_checkerboard(img_s, alpha_s), "Cut-out (transparent)"
    else:
        cut, cut_caption = composite(img_s, alpha_s, controls.background), "Cut-out"
    views = [(img_s, "Original"), (mask_s, "Mask"),
             (overlay_view(img_s, mask_s, res.hands, scale, controls.show_detections, res.faces), "Overlay"),
             (cut, cut_caption)]
    for col, (picture, caption) in zip(st.columns(4), views):
        col.image(picture, caption=caption, width="stretch")
    left, right, _ = st.columns([1, 1, 2])
    left.download_button(
        # encoded only when the button is clicked
        "Cut-out PNG", functools.partial(cutout_png, image, res.alpha, controls.background, outcome.profile),
        file_name=f"{stem}_cutout.png", mime="image/png", key=f"cutout-{index}", on_click="ignore",
        icon=":material/download:",
    )
    right.download_button(
        "Mask PNG", functools.partial(encode_png, res.mask), file_name=f"{stem}_mask.png", mime="image/png",
        key=f"mask-{index}", on_click="ignore", icon=":material/download:",
    )


def summary_text(outcomes: list[Outcome]) -> str:
    """One line like the CLI's batch summary."""
    done = sum(o.ok for o in outcomes)
    no_hand = sum(o.ok and o.result.fallback_used for o in outcomes)
    seconds = sum(o.seconds for o in outcomes if o.ok)
    per = f"; {seconds / done:.2f} s per image" if done else ""
    return (f"done {done}, failed {len(outcomes) - done}, "
            f"no hand found {no_hand} (whole image segmented){per}")


def process_and_show(files: list, pipeline: Pipeline, controls: Controls, heic: bool) -> list[Outcome]:
    """Run every upload through the (cached) pipeline, showing progress and each result as it lands."""
    head = st.container()
    bar = st.progress(0.0)
    outcomes: list[Outcome] = []
    stems = output_stems([f.name for f in files])
    for i, f in enumerate(files):
        bar.progress(i / len(files), text=f"Processing {f.name} ({i + 1} of {len(files)})…")
        data = f.getvalue()
        outcome = cached_outcome(f.name, file_digest(data), data, pipeline)
        outcomes.append(outcome)
        show_outcome(outcome, stems[i], i, controls, heic)
    bar.empty()
    with head:
        st.write(summary_text(outcomes))
        if any(o.ok for o in outcomes):
            st.download_button(
                "Download all results (ZIP)", functools.partial(results_zip, outcomes, controls.background),
                file_name="handcut_results.zip", mime="application/zip", key="zip", on_click="ignore",
                type="primary", icon=":material/folder_zip:",
                help="masks/NAME.png and cutouts/NAME.png for every photo, as the command line writes them.",
            )
    return outcomes


def main() -> None:
    """The page, top to bottom; Streamlit reruns this on every interaction."""
    from detection.factory import DETECTORS

    st.set_page_config(page_title="handcut", page_icon=":material/back_hand:", layout="wide")
    heic = heic_supported()
    controls = sidebar_controls(tuple(DETECTORS))
    st.title("handcut: cut hands out of photos")
    files = st.file_uploader(
        upload_label(heic), type=None, accept_multiple_files=True, max_upload_size=MAX_UPLOAD_MB, key="uploads",
        help="Each photo is processed at full resolution; previews are shrunk, downloads are not. "
             + ("" if heic else "HEIC needs the optional pillow-heif package."),
    )
    try:
        pipeline = build_pipeline(controls.config)
    except Exception as exc:  # a missing model or a backend that cannot load: say so, keep the sidebar usable
        reason = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        st.error(f"Cannot start the pipeline with the **{controls.config.detector}** detector: {reason}")
        st.stop()
    st.sidebar.caption(f"Segmentation model: `{getattr(pipeline.segmenter, 'path', '?')}`")
    if not files:
        st.info("Upload one or more photos to cut out the hands. Everything runs offline on this server's CPU.")
        return
    process_and_show(files, pipeline, controls, heic)
