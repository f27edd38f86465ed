"""Score the pipeline against ground truth: ``python -m pipeline.evaluate --images DIR --masks DIR -o REPORT``.

Runs the same ``Pipeline.process`` as ``pipeline.run`` on every image (or reads existing
masks with ``--pred``), scores each against its mask at full resolution, prints a table and
writes ``metrics.json``, ``per_image.csv``, ``confusion.json``, overlays of the worst images
(red = false positive, blue = false negative) with plots and a short ``report.md``.
"""
from __future__ import annotations

import argparse
import csv
import json
import sys
import time
from pathlib import Path

import numpy as np

from pipeline.imageio import IMAGE_EXTENSIONS, ImageReadError, read_mask, read_rgb, save_jpeg, save_png
from pipeline.metrics import aggregate, score_masks
from pipeline.options import add_pipeline_options, config_from_args, quiet_native_logs
from segmentation.data import add_split_arguments, mask_from_cutout, split_from_arguments


def _by_stem(folder: Path, exts) -> dict[str, Path]:
    return {p.stem: p for p in sorted(folder.iterdir()) if p.is_file() and p.suffix.lower() in exts}


def _size(shape: tuple[int, ...]) -> str:
    return f"{shape[1]}x{shape[0]}"


def read_truth(path: Path) -> np.ndarray:
    """A ground-truth mask, or the mask of a cut-out in the original authors' ``no_bg/`` folder
    (its alpha, or a JPEG on black thresholded: its hand is often darker than 127, so reading it
    as a mask would lose the shadows of the hand)."""
    return mask_from_cutout(path) if path.parent.name == "no_bg" else read_mask(path)


def pair_files(images: Path, masks: Path, stems: set[str] | None = None) -> list[tuple[str, Path, Path]]:
    """Image/mask pairs by stem; images without a mask are an error (listed)."""
    imgs = _by_stem(images, IMAGE_EXTENSIONS)
    msks = _by_stem(masks, (".png", ".bmp", ".tif", ".tiff", ".jpg", ".jpeg", ".webp"))
    if stems is not None:
        imgs = {k: v for k, v in imgs.items() if k in stems}
    missing = sorted(set(imgs) - set(msks))
    if missing:
        raise ValueError(f"{len(missing)} image(s) without a mask in {masks}: {', '.join(missing[:10])}")
    if not imgs:
        raise ValueError(f"no images found in {images}")
    return [(s, imgs[s], msks[s]) for s in sorted(imgs)]


def _fit(img: np.ndarray, longest: int) -> np.ndarray:
    """Shrink a report picture so a folder of them stays small enough to commit."""
    import cv2

    s = longest / max(img.shape[:2])
    if s >= 1:
        return img
    return cv2.resize(img, (round(img.shape[1] * s), round(img.shape[0] * s)), interpolation=cv2.INTER_AREA)


def write_report(out: Path, rows: list[dict], summary: dict, worst: list[tuple[str, np.ndarray]]) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    out.mkdir(parents=True, exist_ok=True)
    (out / "metrics.json").write_text(json.dumps({k: v for k, v in summary.items() if k != "confusion"}, indent=1))
    (out / "confusion.json").write_text(json.dumps(summary["confusion"], indent=1))
    with (out / "per_image.csv").open("w", newline="") as fh:
        w = csv.DictWriter(fh, fieldnames=list(rows[0]))
        w.writeheader()
        w.writerows(rows)
    fig, axes = plt.subplots(1, 3, figsize=(12, 3.2))
    for ax, key in zip(axes, ("iou", "boundary_f1", "seconds")):
        ax.hist([r[key] for r in rows], bins=20, color="#4a7")
        ax.set_title(key)
    fig.tight_layout()
    fig.savefig(out / "histograms.png", dpi=90)
    plt.close(fig)
    c = summary["confusion"]
    fig, ax = plt.subplots(figsize=(3.4, 3))
    mat = np.array([[c["tn"], c["fp"]], [c["fn"], c["tp"]]], float)
    ax.imshow(mat / mat.sum(axis=1, keepdims=True), cmap="Greens", vmin=0, vmax=1)
    for (i, j), v in np.ndenumerate(mat / mat.sum(axis=1, keepdims=True)):
        ax.text(j, i, f"{v:.3f}", ha="center", va="center")
    ax.set_xticks([0, 1], ["pred bg", "pred hand"])
    ax.set_yticks([0, 1], ["true bg", "true hand"])
    fig.tight_layout()
    fig.savefig(out / "confusion.png", dpi=90)
    plt.close(fig)
    (out / "worst").mkdir(exist_ok=True)
    for old in (out / "worst").glob("*.jpg"):  # this report's own folder: no stale overlays from an earlier run
        old.unlink()
    for name, img in worst:
        save_jpeg(out / "worst" / f"{name}.jpg", _fit(img, 1200))
    lines = [
        "# Evaluation report", "",
        f"{summary['images']} images scored, {summary.get('failed', 0)} could not be (see the run's errors). "
        "Red = false positive, blue = false negative.", "",
        "| metric | value |", "|---|---|",
        *[f"| {k} | {v:.4f} |" for k, v in summary.items() if isinstance(v, float)],
        "", "## Worst images (by IoU)", "",
        *[f"![{n}](worst/{n}.jpg)" for n, _ in worst],
        "", "![histograms](histograms.png) ![confusion](confusion.png)", "",
    ]
    (out / "report.md").write_text("\n".join(lines))


def main(argv: list[str] | None = None) -> int:
    quiet_native_logs()
    p = argparse.ArgumentParser(prog="python -m pipeline.evaluate", description=__doc__.splitlines()[0])
    p.add_argument("--images", required=True, help="folder of images")
    p.add_argument("--masks", required=True, help="folder of ground-truth masks (same stems, 255 = hand)")
    p.add_argument("--pred", help="score these existing masks instead of running the pipeline")
    p.add_argument("-o", "--output", default="eval_report", help="report folder")
    p.add_argument("--save-masks", metavar="DIR",
                   help="also write each predicted mask as DIR/NAME.png (as pipeline.run's masks/), for scores "
                        "the report does not give; DIR must be new or empty")
    add_split_arguments(p, "only the images of this split of the folder above --images (seed 0, as in training)")
    p.add_argument("--worst", type=int, default=6, help="how many worst overlays to save")
    p.add_argument("--limit", type=int, default=0, help="evaluate only the first N pairs (0 = all)")
    add_pipeline_options(p)
    args = p.parse_args(argv)
    from tqdm import tqdm

    from pipeline.render import error_overlay

    try:
        cfg = config_from_args(args)
        stems = None
        if args.split != "all" or args.groups:
            stems = {q.stem for q in split_from_arguments(Path(args.images).parent, args)}
        pairs = pair_files(Path(args.images), Path(args.masks), stems)
    except (ValueError, OSError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    if args.limit:
        pairs = pairs[: args.limit]
    saved = Path(args.save_masks) if args.save_masks else None
    if saved is not None and (args.pred or (saved.exists() and (not saved.is_dir() or any(saved.iterdir())))):
        print(f"error: --save-masks {saved}: " + ("the masks of --pred are already saved" if args.pred
                                                  else "not an empty folder (nothing is overwritten)"),
              file=sys.stderr)
        return 2
    pipeline = None
    if not args.pred:
        from pipeline.core import build_pipeline

        pipeline = build_pipeline(cfg, args.model)
    rows, scores, failed = [], [], 0
    for stem, img_path, mask_path in tqdm(pairs, desc="evaluate", unit="img", file=sys.stderr, disable=None):
        try:
            truth = read_truth(mask_path)
            t0 = time.perf_counter()
            if pipeline is not None:
                image = read_rgb(img_path)
                if image.shape[:2] != truth.shape:  # say so before spending the pipeline's time on it
                    raise ImageReadError(f"{mask_path}: mask is {_size(truth.shape)}, its image "
                                         f"{img_path.name} is {_size(image.shape)}")
                pred = pipeline.process(image).mask
                if saved is not None:
                    save_png(saved / f"{stem}.png", pred)
            else:
                pred = read_mask(Path(args.pred) / f"{stem}.png")
            seconds = time.perf_counter() - t0
        except (ImageReadError, FileNotFoundError) as exc:
            failed += 1
            tqdm.write(f"error: {exc}", file=sys.stderr)
            continue
        if pred.shape != truth.shape:
            failed += 1
            tqdm.write(f"error: {stem}: prediction is {_size(pred.shape)}, mask {_size(truth.shape)}", file=sys.stderr)
            continue
        s = score_masks(pred, truth)
        scores.append(s)
        rows.append({"name": stem, **{k: round(v, 5) if isinstance(v, float) else v for k, v in s.as_dict().items()},
                     "seconds": round(seconds, 4)})
    if not scores:
        print("error: nothing could be evaluated", file=sys.stderr)
        return 1
    summary = aggregate(scores)
    summary["seconds_per_image"] = float(np.mean([r["seconds"] for r in rows]))
    summary["failed"] = failed  # pairs not scored (unreadable, sizes differ): the means leave them out
    worst_rows = sorted(rows, key=lambda r: r["iou"])[: args.worst]
    worst = []
    for r in worst_rows:
        _, img_path, mask_path = next(q for q in pairs if q[0] == r["name"])
        image = read_rgb(img_path)
        pred = pipeline.process(image).mask if pipeline else read_mask(Path(args.pred) / f"{r['name']}.png")
        worst.append((r["name"], error_overlay(image, pred, read_truth(mask_path))))
    write_report(Path(args.output), rows, summary, worst)
    print(f"{'images':<20}{summary['images']}")
    if failed:
        print(f"{'failed':<20}{failed}")
    for k in ("mean_iou", "mean_dice", "mean_precision", "mean_recall", "mean_boundary_f1", "mean_specks",
              "seconds_per_image"):
        print(f"{k:<20}{summary[k]:.4f}")
    print(f"report written to {args.output}/")
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
