"""Mask quality of handcut against simple baselines, on the same images in the same run (a script, not a test).

    python benchmarks/quality.py --images DIR --masks DIR [--images DIR --masks DIR ...] \
        [--split test] [--limit N] [--model PATH] [-o docs/benchmarks]

Methods: the handcut pipeline once per detector in ``detection.factory.DETECTORS`` (a mode whose
model cannot be loaded is skipped with a note); GrabCut started from the MediaPipe box grown by
the pipeline's margin; a YCrCb skin-colour threshold; MediaPipe's bundled selfie segmentation;
and a whole-image "seed" U-Net if ``models/seed_unet.keras`` exists. Every method sees the same
decoded image and is scored by ``pipeline.metrics.score_masks`` at full resolution.

``--images``/``--masks`` may be repeated (paired in order), so one command rebuilds the whole
report: ``OUT.md`` with a table per data set, and ``OUT_<set>_chart.png`` (IoU and boundary F1
per method) and ``OUT_<set>_examples.png`` (error overlays of the images where the methods
disagree most). Seconds per image exclude reading the file; the pipeline's include detection,
and so do GrabCut's (it needs the detector's box).
"""
from __future__ import annotations

import argparse
import io
import os
import shlex
import subprocess
import sys
import textwrap
import time
from dataclasses import dataclass, field, replace
from datetime import datetime, timezone
from pathlib import Path
from typing import Callable

import cv2
import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
os.environ.setdefault("GLOG_minloglevel", "2")

from benchmarks.baselines import (  # noqa: E402
    grabcut_box,
    grabcut_mask,
    selfie_segmentation_mask,
    skin_ycrcb_mask,
    whole_image_unet_mask,
)
from pipeline.config import PipelineConfig  # noqa: E402
from pipeline.metrics import MaskScores, aggregate, score_masks  # noqa: E402

SEED_UNET = ROOT / "models" / "seed_unet.keras"
#: Long side of the thumbnails kept for the example grid (full-resolution masks would not fit in memory).
THUMB = 240
#: Largest PNG the report may ship.
MAX_PNG_BYTES = 300_000

#: ``image -> (mask, seconds)``; ``state`` is shared by the methods within one image
#: (GrabCut reads the MediaPipe boxes the pipeline found).
Runner = Callable[[np.ndarray, dict], tuple[np.ndarray, float]]


@dataclass(frozen=True)
class Method:
    """One competitor: a display name, a short label for the example grid, and how to run it."""

    name: str
    short: str
    run: Runner
    note: str = ""


@dataclass
class Results:
    """Everything measured on one data set, per method."""

    label: str
    scores: dict[str, list[MaskScores]] = field(default_factory=dict)
    seconds: dict[str, list[float]] = field(default_factory=dict)
    failures: dict[str, int] = field(default_factory=dict)
    no_box: int = 0
    names: list[str] = field(default_factory=list)
    thumbs: list[dict[str, np.ndarray]] = field(default_factory=list)


def timed(fn: Callable[[], np.ndarray]) -> tuple[np.ndarray, float]:
    """Run ``fn`` and return its mask with the wall-clock seconds it took."""
    t0 = time.perf_counter()
    mask = fn()
    return mask, time.perf_counter() - t0


def pipeline_runner(pipeline, keep_boxes: bool) -> Runner:
    """Runs ``Pipeline.process``; the MediaPipe one also leaves its boxes and detect time for GrabCut."""

    def run(image: np.ndarray, state: dict) -> tuple[np.ndarray, float]:
        t0 = time.perf_counter()
        res = pipeline.process(image)
        seconds = time.perf_counter() - t0
        if keep_boxes:
            state["boxes"] = [h.xyxy for h in res.hands]
            state["detect_seconds"] = res.timings["detect"]
        return res.mask, seconds

    return run


def grabcut_runner(margin: float) -> Runner:
    """GrabCut from the MediaPipe boxes found by the pipeline run just before; detection time is added."""

    def run(image: np.ndarray, state: dict) -> tuple[np.ndarray, float]:
        h, w = image.shape[:2]
        box = grabcut_box(state.get("boxes", []), margin, w, h)
        state["grabcut_no_box"] = box is None
        mask, seconds = timed(lambda: grabcut_mask(image, box))
        return mask, seconds + state.get("detect_seconds", 0.0)

    return run


def load_methods(model_path: str | None) -> tuple[list[Method], list[str]]:
    """Build every method once; those that cannot load are left out and explained in the notes.

    Raises:
        RuntimeError: the MediaPipe pipeline itself cannot be built (nothing to compare against).
    """
    from detection.factory import DETECTORS
    from pipeline.core import build_pipeline

    notes: list[str] = []
    methods: list[Method] = []
    cfg = PipelineConfig(detector="mediapipe")
    for mode in ("mediapipe", *(d for d in DETECTORS if d != "mediapipe")):
        # Each mode is built exactly as the CLI and `pipeline.evaluate` build it (own segmenter).
        try:
            pipe = build_pipeline(replace(cfg, detector=mode), model_path)
        except Exception as exc:  # noqa: BLE001 - a missing model file or extra skips the mode
            if mode == "mediapipe":  # GrabCut needs its boxes, and it is the reference
                raise RuntimeError(f"cannot build the handcut pipeline: {exc}") from exc
            notes.append(f"handcut ({mode}) skipped: {first_line(exc)}")
            continue
        short = "handcut " + ("mp" if mode == "mediapipe" else mode)
        methods.append(Method(f"handcut ({mode})", short, pipeline_runner(pipe, keep_boxes=mode == "mediapipe")))
    methods.append(Method("GrabCut (MediaPipe box)", "GrabCut", grabcut_runner(cfg.margin)))
    methods.append(Method("YCrCb skin threshold", "skin YCrCb", lambda im, st: timed(lambda: skin_ycrcb_mask(im))))
    try:
        from detection.mediapipe_import import import_mediapipe

        mp = import_mediapipe()
        selfie = mp.solutions.selfie_segmentation.SelfieSegmentation(model_selection=0)
        selfie_segmentation_mask(np.zeros((64, 64, 3), np.uint8), selfie)
        methods.append(Method("MediaPipe selfie segmentation", "selfie seg.",
                              lambda im, st: timed(lambda: selfie_segmentation_mask(im, selfie))))
    except Exception as exc:  # noqa: BLE001 - optional baseline
        notes.append(f"MediaPipe selfie segmentation skipped: {first_line(exc)}")
    if SEED_UNET.is_file():
        try:
            methods.append(Method("seed U-Net (whole image)", "seed U-Net", seed_unet_runner(SEED_UNET)))
        except Exception as exc:  # noqa: BLE001 - optional baseline
            notes.append(f"seed U-Net skipped: {SEED_UNET.relative_to(ROOT)} failed to load ({first_line(exc)})")
    else:
        notes.append(f"seed U-Net (whole image) skipped: {SEED_UNET.relative_to(ROOT)} does not exist "
                     "(no seed-style whole-image model is in the repository)")
    return methods, notes


def seed_unet_runner(path: Path) -> Runner:
    """A whole-image Keras U-Net; assumed to take raw 0-255 RGB at its own input size."""
    from segmentation.model import load_keras_model

    model = load_keras_model(path)
    size = (int(model.input_shape[1]), int(model.input_shape[2]))

    def predict(x: np.ndarray) -> np.ndarray:
        return np.asarray(model(x, training=False))

    return lambda im, st: timed(lambda: whole_image_unet_mask(im, predict, size))


def first_line(exc: BaseException) -> str:
    """``Type: first line of the message``, short enough for a table note."""
    text = str(exc).strip().splitlines()
    return f"{type(exc).__name__}: {text[0]}" if text else type(exc).__name__


def select_pairs(images: Path, masks: Path, split: str, limit: int) -> tuple[list[tuple[str, Path, Path]], list[str]]:
    """Image/mask pairs of one data set, restricted to a person-wise split exactly as ``pipeline.evaluate`` does.

    Returns:
        The pairs (sorted by stem) and the person/subject groups they come from.
    """
    from pipeline.evaluate import pair_files
    from segmentation.data import find_pairs, split_pairs

    group_of: dict[str, str] = {}
    stems = None
    if split != "all":
        group_of = {q.stem: q.group for q in split_pairs(find_pairs(images.parent))[split]}
        stems = set(group_of)
    pairs = pair_files(images, masks, stems)
    pairs = pairs[:limit] if limit else pairs
    return pairs, sorted({group_of[s] for s, _, _ in pairs if s in group_of})


def thumbnail(array: np.ndarray, long_side: int = THUMB) -> np.ndarray:
    """Shrink an image or 0/255 mask so the long side is ``long_side`` (masks stay binary)."""
    h, w = array.shape[:2]
    s = long_side / max(h, w)
    small = cv2.resize(array, (max(1, round(w * s)), max(1, round(h * s))), interpolation=cv2.INTER_AREA)
    return small if array.ndim == 3 else np.where(small > 127, 255, 0).astype(np.uint8)


def run_dataset(label: str, pairs: list[tuple[str, Path, Path]], methods: list[Method]) -> Results:
    """Every method on every pair; one warm-up call per method first so start-up is not timed."""
    from tqdm import tqdm

    from pipeline.imageio import ImageReadError, read_mask, read_rgb

    res = Results(label)
    for m in methods:
        res.scores[m.name], res.seconds[m.name], res.failures[m.name] = [], [], 0
    warm = read_rgb(pairs[0][1])
    state: dict = {}
    for m in methods:
        try:
            m.run(warm, state)
        except Exception:  # noqa: BLE001 - reported per image below
            pass
    for stem, img_path, mask_path in tqdm(pairs, desc=label, unit="img", file=sys.stderr, disable=None):
        try:
            image, truth = read_rgb(img_path), read_mask(mask_path)
        except ImageReadError as exc:
            tqdm.write(f"error: {exc}", file=sys.stderr)
            continue
        state = {}
        thumbs = {"image": thumbnail(image), "truth": thumbnail(truth)}
        for m in methods:
            # OpenCV's global RNG drives GrabCut's k-means, in the GrabCut baseline and in the
            # pipeline's landmark-prior rescue alike; left alone, a method's mask would depend on
            # the methods and images run before it (measured: one HGR image 0.35 vs 0.85 IoU).
            # Seed 0 is OpenCV's start-up state: each image is cut as in a fresh process.
            cv2.setRNGSeed(0)
            try:
                pred, seconds = m.run(image, state)
            except Exception as exc:  # noqa: BLE001 - one failure must not end the comparison
                tqdm.write(f"{m.name} failed on {stem}: {first_line(exc)} (scored as an empty mask)", file=sys.stderr)
                res.failures[m.name] += 1
                pred, seconds = np.zeros_like(truth), float("nan")
            res.scores[m.name].append(score_masks(pred, truth))
            res.seconds[m.name].append(seconds)
            thumbs[m.name] = thumbnail(pred)
        res.no_box += int(state.get("grabcut_no_box", False))
        res.names.append(stem)
        res.thumbs.append(thumbs)
    return res


def summarise(res: Results) -> dict[str, dict]:
    """``pipeline.metrics.aggregate`` per method plus mean seconds per image (failed runs not timed)."""
    out = {}
    for name, scores in res.scores.items():
        s = aggregate(scores)
        secs = [v for v in res.seconds[name] if v == v]
        s["seconds_per_image"] = float(np.mean(secs)) if secs else float("nan")
        out[name] = s
    return out


def most_different(res: Results, k: int) -> list[int]:
    """Indices of the ``k`` images with the widest IoU spread between methods (best minus worst)."""
    ious = np.array([[s.iou for s in res.scores[m]] for m in res.scores])  # methods x images
    spread = ious.max(axis=0) - ious.min(axis=0)
    return [int(i) for i in np.argsort(-spread, kind="stable")[:k]]


def png_bytes(rgb: np.ndarray, colours: int = 0) -> bytes:
    """PNG of an RGB array; with ``colours`` (<= 256) it is palette-quantised first, which keeps photo grids small."""
    from PIL import Image

    img = Image.fromarray(rgb)
    if colours:
        img = img.quantize(colors=colours, method=Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE)
    buf = io.BytesIO()
    img.save(buf, format="PNG", optimize=True)
    return buf.getvalue()


def labelled_cell(picture: np.ndarray, text: str, height: int, min_width: int = 118) -> np.ndarray:
    """``picture`` scaled to ``height`` with ``text`` on a white strip under it (wide enough for the text)."""
    h, w = picture.shape[:2]
    pw = max(1, round(w * height / h))
    scaled = cv2.resize(picture, (pw, height), interpolation=cv2.INTER_AREA)
    strip = 16
    cell = np.full((height + strip, max(pw, min_width), 3), 255, np.uint8)
    x = (cell.shape[1] - pw) // 2
    cell[:height, x:x + pw] = scaled
    cv2.putText(cell, text, (3, height + 12), cv2.FONT_HERSHEY_SIMPLEX, 0.38, (0, 0, 0), 1, cv2.LINE_AA)
    return cell


def example_grid(res: Results, methods: list[Method], indices: list[int], height: int = 160) -> np.ndarray:
    """Rows = images: the photo, then each method's error overlay labelled with its IoU.

    Overlays are drawn on thumbnails by ``pipeline.render.error_overlay``: red = false positive,
    blue = false negative, green = hand found. Every row has the same height whatever the
    photo's aspect, so portrait and landscape images share a grid without wasted space.
    """
    from pipeline.render import error_overlay

    pad = 4
    rows = []
    for i in indices:
        th = res.thumbs[i]
        cells = [labelled_cell(th["image"], res.names[i][:20], height)]
        for m in methods:
            ov = error_overlay(th["image"], th[m.name], th["truth"])
            cells.append(labelled_cell(ov, f"{m.short} {res.scores[m.name][i].iou:.2f}", height))
        rows.append(cells)
    width = max(sum(c.shape[1] + pad for c in r) for r in rows)
    ch = rows[0][0].shape[0]
    grid = np.full((len(rows) * (ch + pad), width, 3), 255, np.uint8)
    for r, cells in enumerate(rows):
        x = 0
        for c in cells:
            grid[r * (ch + pad):r * (ch + pad) + ch, x:x + c.shape[1]] = c
            x += c.shape[1] + pad
    return grid


def bar_chart(summary: dict[str, dict], title: str) -> bytes:
    """PNG bytes: grouped bars of mean IoU and boundary F1 per method, values printed on the bars."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    names = list(summary)
    x = np.arange(len(names))
    fig, ax = plt.subplots(figsize=(7.5, 3.4))
    bars_spec = ((-0.2, "mean_iou", "#3a7", "IoU"), (0.2, "mean_boundary_f1", "#37a", "boundary F1"))
    for off, key, colour, label in bars_spec:
        vals = [summary[n][key] for n in names]
        bars = ax.bar(x + off, vals, 0.4, color=colour, label=label)
        ax.bar_label(bars, fmt="%.2f", fontsize=7, padding=1)
    ax.set_xticks(x, [textwrap.fill(n, 14) for n in names], fontsize=7)
    ax.set_ylim(0, 1.08)
    ax.set_title(title, fontsize=9)
    ax.legend(fontsize=7, loc="upper right", ncol=2)
    fig.tight_layout()
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=90)
    plt.close(fig)
    return buf.getvalue()


def write_png(path: Path, data: bytes) -> None:
    """Write a report image, warning when it breaks the size budget."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    if len(data) > MAX_PNG_BYTES:
        print(f"warning: {path} is {len(data) // 1000} KB (budget {MAX_PNG_BYTES // 1000} KB)", file=sys.stderr)


def small_grid_png(res: Results, methods: list[Method], indices: list[int]) -> tuple[bytes, list[int]]:
    """The example grid as a PNG under the size budget: fewer colours, then fewer rows, if needed.

    Returns:
        The PNG bytes and the image indices it shows.
    """
    data, shown = b"", indices
    n = len(indices)
    for rows, colours in ((n, 0), (n, 256), (n, 128), (n, 64), (n - 1, 64), (2, 48), (1, 32)):
        shown = indices[:max(1, rows)]
        data = png_bytes(example_grid(res, methods, shown), colours)
        if len(data) <= MAX_PNG_BYTES:
            break
    return data, shown


def file_identity(p: Path) -> str:
    """Which model file produced the numbers: path, size, hash prefix and its git state.

    The shipped models get replaced while the project evolves, so the report pins the exact
    bytes it measured (and says when they are not committed yet).
    """
    import hashlib

    p = p.resolve()
    text = f"`{p.relative_to(ROOT) if p.is_relative_to(ROOT) else p}`"
    if not p.is_file():
        return text + " (missing)"
    digest = hashlib.sha256(p.read_bytes()).hexdigest()[:12]
    text += f", {p.stat().st_size / 1e6:.1f} MB, sha256 `{digest}…`"
    try:
        git = ["git", "-C", str(ROOT)]
        status = subprocess.run([*git, "status", "--porcelain", "--", str(p)], capture_output=True, text=True,
                                timeout=10).stdout.strip()
        log = subprocess.run([*git, "log", "-1", "--format=%h%n%ad%n%s", "--date=format-local:%Y-%m-%d %H:%M",
                              "--", str(p)], capture_output=True, text=True, timeout=10,
                             env={**os.environ, "TZ": "UTC"}).stdout.strip().split("\n")
    except (OSError, subprocess.SubprocessError):
        return text
    if status.startswith("??"):
        text += ", not committed yet"
    elif len(log) == 3:
        text += f", last committed in `{log[0]}` ({log[1]} UTC: {log[2]})"
        if status:
            text += " with uncommitted changes"
    return text


def table(summary: dict[str, dict], res: Results) -> list[str]:
    """Markdown table rows, best IoU in bold."""
    best = max(s["mean_iou"] for s in summary.values())
    lines = ["| method | IoU | Dice | boundary F1 | precision | recall | specks | s / image |",
             "|---|---|---|---|---|---|---|---|"]
    for name, s in summary.items():
        iou = f"**{s['mean_iou']:.3f}**" if s["mean_iou"] == best else f"{s['mean_iou']:.3f}"
        fail = f" ({res.failures[name]} failed)" if res.failures[name] else ""
        lines.append(f"| {name}{fail} | {iou} | {s['mean_dice']:.3f} | {s['mean_boundary_f1']:.3f} | "
                     f"{s['mean_precision']:.3f} | {s['mean_recall']:.3f} | {s['mean_specks']:.2f} | "
                     f"{s['seconds_per_image']:.3f} |")
    return lines


def dataset_label(images: Path) -> str:
    """Short file-name-safe label of a data set: its folder name (``hgr``, ``hands11k``)."""
    return "".join(c if c.isalnum() else "_" for c in images.parent.name) or "data"


def describe_split(split: str, groups: list[str], masks: Path) -> str:
    """One sentence on which images these are and what the masks are worth."""
    who = ""
    if groups:
        who = f", persons {', '.join(groups)}" if len(groups) <= 4 else f", {len(groups)} subjects"
    text = f"split `{split}` (person-wise, seed 0, as in training){who}" if split != "all" else "all images"
    if "silver" in masks.name:
        text += (". **Silver masks** (`masks_silver/`): machine-made by a classical pipeline (skin chroma, "
                 "Otsu, GrabCut refinement; see `../shared/data/README.md`), not drawn by people. The scores "
                 "measure agreement with them; their own errors cap every method, and their colour/GrabCut "
                 "origin favours the colour baselines")
    else:
        text += ". Human-drawn masks"
    return text


def write_report(out: Path, sections: list[dict], methods: list[Method], notes: list[str], argv: list[str],
                 models: str) -> None:
    """``OUT.md`` with one table, chart and example grid per data set."""
    cmd = "python benchmarks/quality.py " + shlex.join(argv)
    lines = [
        "# Mask quality: handcut against baselines", "",
        "Every method runs on the same decoded images in the same run and is scored at full resolution by "
        "`pipeline.metrics.score_masks` (means over images, each image weighs the same; boundary F1 within "
        "max(2 px, 0.3 % of the diagonal); a speck is a predicted component that touches no true hand).", "",
        "Produced by (run from the repository root, under `nice`):", "", "```bash", f"nice {cmd}", "```", "",
        f"Run {datetime.now(timezone.utc):%Y-%m-%d %H:%M} UTC. Models: {models}.", "",
        "## Methods", "",
        "- **handcut (detector)**: the full pipeline (`Pipeline.process`, `PipelineConfig` defaults apart from the "
        "detector) with each detector of `detection.factory.DETECTORS` that loads (`mediapipe`: MediaPipe Hands; "
        f"`yolo`: the project's YOLO ONNX model; `auto`: both, boxes merged). The shipped default is "
        f"`{PipelineConfig().detector}`.",
        "- **GrabCut (MediaPipe box)**: `cv2.grabCut` with `GC_INIT_WITH_RECT`, 5 iterations, on a copy shrunk to "
        "at most 800 px on the long side and upsampled back; the rectangle is the union of the MediaPipe boxes the "
        f"pipeline found, each grown by the pipeline's margin ({PipelineConfig().margin:g} per side). No box means "
        "an empty mask. Its "
        "time includes MediaPipe's detection.",
        "- **YCrCb skin threshold**: Cr 133-173 and Cb 77-127, opened and closed with an elliptic kernel of 1 % of "
        "the short side, components under 10 % of the largest dropped. No detector.",
        "- **MediaPipe selfie segmentation**: "
        "`mp.solutions.selfie_segmentation.SelfieSegmentation(model_selection=0)`, "
        "bundled with the `mediapipe` package, thresholded at 0.5. A person (not hand) segmenter.",
        "- **seed U-Net (whole image)**: a seed-style U-Net that sees the whole photo resized, if "
        "`models/seed_unet.keras` exists.", "",
    ]
    if notes:
        lines += ["Not measured in this run:", "", *[f"- {n}" for n in notes], ""]
    lines += [
        "Reading the table:", "",
        "- Seconds per image exclude reading the file. They are single passes over the images (run under "
        "`nice`), so compare them with each other, not with `benchmarks/speed.py`'s medians of repeated runs.",
        "- GrabCut's rectangle is the hand box plus margin, and everything outside it is fixed as background, so "
        "it can never reach a forearm that the ground truth includes (HGR's masks cover hand and forearm); the "
        "pipeline grows its crop along an arm instead.",
        "- The skin threshold has no idea what a hand is: it takes any skin-toned surface (faces, wood, beige "
        "walls) and loses hands under coloured light. HGR comes from skin-detection research and its masks "
        "label skin (hand and forearm; sleeves are background), exactly what this rule looks for: it is near "
        "perfect on plain backgrounds and fails wherever the background is skin-toned.",
        "- Selfie segmentation finds people, not hands: sleeves, bodies and faces count as foreground.",
        "- OpenCV's global random generator (GrabCut's k-means, here and in the pipeline's landmark-prior "
        "rescue) is reset to its start-up state before every method on every image, so each mask is what a "
        "fresh process would produce, whatever ran before. `pipeline.evaluate` does not reset it, so its "
        "figures can differ slightly from the handcut rows here.", "",
    ]
    for sec in sections:
        res: Results = sec["results"]
        lines += [f"## {sec['title']}", "", f"{len(res.names)} images; {sec['description']}.", ""]
        lines += table(sec["summary"], res)
        if res.no_box:
            lines += ["", f"MediaPipe found no hand on {res.no_box} of {len(res.names)} images; GrabCut scores an "
                      "empty mask there (the pipeline segments the whole image instead)."]
        lines += ["", f"![IoU and boundary F1 per method]({sec['chart']})", "",
                  "Images where the methods disagree most (largest IoU spread); red = false positive, "
                  "blue = false negative, green = hand found; the number under each overlay is its IoU: "
                  + ", ".join(f"`{n}`" for n in sec["example_names"]) + ".",
                  "", f"![error overlays]({sec['examples']})", ""]
    Path(f"{out}.md").parent.mkdir(parents=True, exist_ok=True)
    Path(f"{out}.md").write_text("\n".join(lines))


def model_files(model_path: str | None, methods: list[Method]) -> list[str]:
    """Identities of the segmentation model and, when a YOLO mode ran, the YOLO detector's ONNX file."""
    from segmentation.segmenter import default_model_path

    files = [Path(model_path) if model_path else default_model_path()]
    if any("yolo" in m.name or "auto" in m.name for m in methods):
        from detection.yolo_detector import default_model_path as yolo_path

        files.append(yolo_path())
    if any(m.name.startswith("seed U-Net") for m in methods):
        files.append(SEED_UNET)
    return [file_identity(f) for f in files]


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    p = argparse.ArgumentParser(prog="python benchmarks/quality.py", description=__doc__.splitlines()[0])
    p.add_argument("--images", action="append", required=True, help="folder of images (repeatable)")
    p.add_argument("--masks", action="append", required=True, help="folder of masks for the --images before it")
    p.add_argument("--split", choices=("all", "train", "val", "test"), default="all",
                   help="only the images of this person-wise split (seed 0, as in training)")
    p.add_argument("--limit", type=int, default=0, help="only the first N pairs of each data set (0 = all)")
    p.add_argument("--examples", type=int, default=4, help="rows in the example grid")
    p.add_argument("--model", default=None, help="segmentation model (.keras); default: the shipped one")
    p.add_argument("-o", "--output", default="docs/benchmarks",
                   help="output prefix: writes OUT.md, OUT_<set>_chart.png and OUT_<set>_examples.png")
    return p.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    args = parse_args(argv)
    if len(args.images) != len(args.masks):
        print("error: give one --masks per --images", file=sys.stderr)
        return 2
    if args.limit < 0 or args.examples < 1:
        print("error: --limit must be >= 0 and --examples >= 1", file=sys.stderr)
        return 2
    datasets = []
    try:
        for images, masks in zip(args.images, args.masks):
            pairs, groups = select_pairs(Path(images), Path(masks), args.split, args.limit)
            datasets.append((Path(images), Path(masks), pairs, groups))
    except (ValueError, OSError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    try:
        methods, notes = load_methods(args.model)
    except RuntimeError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    for n in notes:
        print(f"note: {n}")
    out = Path(args.output)
    sections = []
    for images, masks, pairs, groups in datasets:
        label = dataset_label(images)
        res = run_dataset(label, pairs, methods)
        if not res.names:
            print(f"error: no readable images in {images}", file=sys.stderr)
            return 1
        summary = summarise(res)
        chart = Path(f"{out}_{label}_chart.png")
        examples = Path(f"{out}_{label}_examples.png")
        title = f"{label}: mean IoU and boundary F1 ({len(res.names)} images, split {args.split})"
        write_png(chart, bar_chart(summary, title))
        grid, picks = small_grid_png(res, methods, most_different(res, args.examples))
        write_png(examples, grid)
        sections.append({"title": f"{label} ({args.split} split)",
                         "description": describe_split(args.split, groups, masks),
                         "results": res, "summary": summary, "chart": chart.name, "examples": examples.name,
                         "example_names": [res.names[i] for i in picks]})
        print(f"\n{label}: {len(res.names)} images")
        print("\n".join(table(summary, res)))
    write_report(out, sections, methods, notes, argv, "; ".join(model_files(args.model, methods)))
    print(f"\nreport written to {out}.md")
    failed = sum(sum(s["results"].failures.values()) for s in sections)
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
