"""Speed and memory of the pipeline at the target photo size (a script, not a test).

``python benchmarks/speed.py [--repeats 5] [--folder-images 20] [--throughput-images 8] [--quick]
[--skip PART] [--out docs/speed.json] [--plot docs/speed.png]``

Measures, on a 2160x4000 JPEG made from ``samples/hand_on_table_large.jpg`` (``--stage-photo``
another photo for the first figure): milliseconds per
stage (decode, detect, segment, refine/paste, encode), end to end, the bare I/O floor (decode
the JPEG and encode the two PNGs alone) and the ratio to it; how time grows with pixel count
(1, 4, 8.6 and 24 MP) and with the number of hands in one photo (1-4, pasted into a 2x2 grid);
the peak resident memory of ``python -m pipeline.run`` over a folder of 20 such photos; and the
throughput of ``pipeline.run`` over a folder of 8 with one and with two worker processes (the
folder split in halves), with each process's start-up (imports, model loading) reported apart.
Writes the figures as JSON and a two-panel plot (seconds against megapixels and against hands).
``--quick`` is a smoke run of every part with tiny settings (about a minute on an idle machine).
"""
from __future__ import annotations

import argparse
import json
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import cv2
import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

SAMPLE = ROOT / "samples" / "hand_on_table_large.jpg"
MEGAPIXELS = {"1": (750, 1333), "4": (1500, 2667), "8.6": (2160, 4000), "24": (3600, 6667)}
QUICK_MEGAPIXELS = ("1", "8.6")
PARTS = ("stages", "megapixels", "hands", "folder", "throughput", "plot")
# Fractions (x0, y0, x1, y1) of the sample: the hand and wrist without the bottle, and bare sheet.
HAND_BOX = (0.1, 0.2, 0.65, 0.69)
BACKGROUND_BOX = (0.66, 0.2, 0.97, 0.55)
# pipeline.run's last line: "done N, failed N, ...; S s per image" (README, "Behaviour in batches").
SUMMARY = re.compile(r"done (\d+), .*?([\d.]+) s per image")


def make_photo(path: Path, width: int, height: int, source: Path = SAMPLE, upright: bool = False) -> None:
    """``source`` (by default the large sample) scaled to cover ``width x height`` and
    centre-cropped (aspect kept); with ``upright``, a landscape ``source`` is first turned a quarter turn clockwise, as a
    phone held upright would have taken it."""
    src = cv2.imread(str(source))
    if upright and src.shape[1] > src.shape[0]:
        src = cv2.rotate(src, cv2.ROTATE_90_CLOCKWISE)
    s = max(width / src.shape[1], height / src.shape[0])
    big = cv2.resize(src, (round(src.shape[1] * s), round(src.shape[0] * s)), interpolation=cv2.INTER_CUBIC)
    y0, x0 = (big.shape[0] - height) // 2, (big.shape[1] - width) // 2
    cv2.imwrite(str(path), big[y0:y0 + height, x0:x0 + width], [cv2.IMWRITE_JPEG_QUALITY, 92])


def crop_fraction(image: np.ndarray, box: tuple[float, float, float, float]) -> np.ndarray:
    h, w = image.shape[:2]
    return image[round(box[1] * h):round(box[3] * h), round(box[0] * w):round(box[2] * w)]


def hands_photo(n: int, width: int = 2160, height: int = 4000) -> np.ndarray:
    """RGB photo cut in a 2x2 grid: the first ``n`` cells hold the sample's hand, the rest bare sheet.

    Every cell has the same size and the same background patch (from the same photo) in every
    variant, so between the four photos only the number of hands changes.
    """
    src = cv2.cvtColor(cv2.imread(str(SAMPLE)), cv2.COLOR_BGR2RGB)
    cw, ch = width // 2, height // 2
    bare = cv2.resize(crop_fraction(src, BACKGROUND_BOX), (cw, ch), interpolation=cv2.INTER_AREA)
    hand = crop_fraction(src, HAND_BOX)
    s = 0.9 * cw / hand.shape[1]
    hand = cv2.resize(hand, (round(hand.shape[1] * s), round(hand.shape[0] * s)), interpolation=cv2.INTER_AREA)
    filled = bare.copy()
    y0, x0 = (ch - hand.shape[0]) // 2, (cw - hand.shape[1]) // 2
    filled[y0:y0 + hand.shape[0], x0:x0 + hand.shape[1]] = hand
    canvas = np.empty((2 * ch, 2 * cw, 3), np.uint8)
    for i in range(4):
        r, c = divmod(i, 2)
        canvas[r * ch:(r + 1) * ch, c * cw:(c + 1) * cw] = filled if i < n else bare
    return canvas


def time_one(pipeline, path: Path, out: Path) -> dict[str, float]:
    from pipeline.imageio import read_rgb, save_png
    from pipeline.render import cutout_rgba

    t0 = time.perf_counter()
    image = read_rgb(path)
    t1 = time.perf_counter()
    r = pipeline.process(image)
    t2 = time.perf_counter()
    save_png(out / "mask.png", r.mask)
    save_png(out / "cutout.png", cutout_rgba(image, r.alpha))
    t3 = time.perf_counter()
    return {"decode": t1 - t0, "detect": r.timings["detect"], "segment": r.timings["segment"],
            "refine": r.timings["refine"], "encode": t3 - t2, "total": t3 - t0}


def io_floor(path: Path, out: Path) -> float:
    """Decode the photo and write the product's two PNGs, with a fixed rectangle as the mask."""
    from pipeline.imageio import read_rgb, save_png
    from pipeline.render import cutout_rgba

    t0 = time.perf_counter()
    image = read_rgb(path)
    mask = np.zeros(image.shape[:2], np.uint8)
    mask[image.shape[0] // 4: 3 * image.shape[0] // 4, image.shape[1] // 4: 3 * image.shape[1] // 4] = 255
    save_png(out / "mask.png", mask)
    save_png(out / "cutout.png", cutout_rgba(image, mask))
    return time.perf_counter() - t0


def median_dicts(rows: list[dict[str, float]]) -> dict[str, float]:
    return {k: statistics.median(r[k] for r in rows) for k in rows[0]}


def ms(seconds: float) -> float:
    return round(seconds * 1000, 1)


def time_stages(pipeline, tmp: Path, repeats: int, source: Path = SAMPLE, upright: bool = False) -> dict[str, float]:
    """Per-stage ms at 2160x4000 against the bare I/O floor."""
    photo = tmp / "photo.jpg"
    make_photo(photo, 2160, 4000, source, upright)
    time_one(pipeline, photo, tmp)  # warm-up: graph tracing, allocator
    stages = median_dicts([time_one(pipeline, photo, tmp) for _ in range(repeats)])
    floor = statistics.median(io_floor(photo, tmp) for _ in range(repeats))
    return {**{k: ms(v) for k, v in stages.items()}, "io_floor": ms(floor),
            "ratio_to_io_floor": round(stages["total"] / floor, 2)}


def time_megapixels(pipeline, tmp: Path, repeats: int, sizes: list[str]) -> tuple[dict, dict]:
    """Median ms by megapixels: end to end (read, process, write) and ``Pipeline.process`` alone.

    The second makes the megapixel curve comparable with the hands curve, which has no file I/O.
    """
    total, process = {}, {}
    for mp in sizes:
        f = tmp / f"s{mp}.jpg"
        make_photo(f, *MEGAPIXELS[mp])
        time_one(pipeline, f, tmp)
        rows = [time_one(pipeline, f, tmp) for _ in range(repeats)]
        total[mp] = ms(statistics.median(r["total"] for r in rows))
        process[mp] = ms(statistics.median(r["detect"] + r["segment"] + r["refine"] for r in rows))
    return total, process


def time_hands(pipeline, repeats: int) -> dict[str, dict]:
    """``Pipeline.process`` on one 2160x4000 photo holding 1-4 hands: median ms per stage, hands found.

    Each photo gets its own warm-up: a new number of crops is a new batch shape for the segmenter.
    """
    out = {}
    for n in range(1, 5):
        image = hands_photo(n)
        pipeline.process(image)
        results = [pipeline.process(image) for _ in range(repeats)]
        t = median_dicts([r.timings for r in results])
        out[str(n)] = {**{k: ms(t[k]) for k in ("detect", "segment", "refine", "total")},
                       "detected": len(results[-1].hands), "fallback": results[-1].fallback_used}
    return out


def fill_folder(folder: Path, photo: Path, n: int) -> list[Path]:
    """``n`` hard links to one photo (no extra disk, every file is decoded afresh)."""
    folder.mkdir(parents=True)
    paths = [folder / f"p{i:02d}.jpg" for i in range(n)]
    for p in paths:
        os.link(photo, p)
    return paths


def resident_peak_mb(pid: int) -> float | None:
    """A running process's own peak resident memory so far (``VmHWM``), None where ``/proc``
    cannot tell (not Linux, or the process has ended)."""
    try:
        with open(f"/proc/{pid}/status") as fh:
            for line in fh:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024.0
    except (OSError, ValueError):
        pass
    return None


def wait_all(procs: list[subprocess.Popen]) -> dict[int, tuple[float, float]]:
    """Reap each child as it exits: pid -> (exit time, its own peak RSS in MB).

    The peak is the child's ``VmHWM`` read every 20 ms while it runs. ``ru_maxrss`` from
    ``os.wait4`` is no good here: Linux carries into it the resident size of the process that
    forked the child, so a benchmark that has just held a 24 MP photo's planes passed its own
    1.1 GB on to a folder run that peaked at 0.73 GB (``RUSAGE_CHILDREN`` would only keep the
    largest so far besides). ``ru_maxrss`` is the fallback where ``/proc`` cannot tell.
    """
    left = {p.pid: p for p in procs}
    peaks: dict[int, float] = {}
    done: dict[int, tuple[float, float]] = {}
    while left:
        for pid in list(left):
            seen = resident_peak_mb(pid)
            if seen is not None:
                peaks[pid] = max(peaks.get(pid, 0.0), seen)
            got, status, usage = os.wait4(pid, os.WNOHANG)
            if got:
                left.pop(pid).returncode = os.waitstatus_to_exitcode(status)
                done[pid] = (time.perf_counter(), peaks.get(pid, usage.ru_maxrss / 1024.0))
        time.sleep(0.02)
    return done


def run_workers(folders: list[Path]) -> dict:
    """One ``python -m pipeline.run`` per folder, all launched at once; wall time until the last exits.

    Start-up per process is its wall time minus the seconds its summary line says it spent on the
    images (so it holds imports, model loading and exit; the first image's warm-up counts as image
    time). None when the summary line cannot be read.
    """
    logs = [f.with_name(f.name + ".log") for f in folders]
    t0 = time.perf_counter()
    procs = []
    for folder, log in zip(folders, logs):
        with log.open("w") as fh:
            procs.append(subprocess.Popen(
                [sys.executable, "-m", "pipeline.run", str(folder), "-o", str(folder.with_name(folder.name + "_out")), "-q"],
                cwd=ROOT, stdout=fh))
    ends = wait_all(procs)
    wall = max(t for t, _ in ends.values()) - t0
    startup: list[float | None] = []
    for p, log in zip(procs, logs):
        text = log.read_text()
        if p.returncode != 0:
            raise RuntimeError(f"pipeline.run exited with {p.returncode}: {text.strip()}")
        m = SUMMARY.search(text)
        startup.append(round(ends[p.pid][0] - t0 - int(m[1]) * float(m[2]), 1) if m else None)
    return {"wall_s": round(wall, 1), "startup_s": startup,
            "peak_rss_mb": [round(ends[p.pid][1], 1) for p in procs]}


def folder_peak_rss(n: int, tmp: Path) -> dict:
    make_photo(tmp / "folder_photo.jpg", 2160, 4000)
    fill_folder(tmp / "folder", tmp / "folder_photo.jpg", n)
    r = run_workers([tmp / "folder"])
    return {"images": n, "peak_rss_mb": r["peak_rss_mb"][0], "wall_s": r["wall_s"],
            "s_per_image_incl_startup": round(r["wall_s"] / n, 2)}


def throughput(n: int, tmp: Path) -> dict:
    """Images per second over ``n`` 2160x4000 photos with 1 worker, then 2 (the folder in halves).

    ``pipeline.run`` has no workers option, so two workers are two processes on separate folders.
    A one-photo run first gives start-up plus one image without parsing any output.
    """
    photo = tmp / "tp_photo.jpg"
    make_photo(photo, 2160, 4000)
    fill_folder(tmp / "tp_single", photo, 1)
    # A one-photo run is start-up plus one image: a check on start-up that parses nothing.
    out: dict = {"images": n, "one_photo_run_wall_s": run_workers([tmp / "tp_single"])["wall_s"]}
    for workers in (1, 2):
        sizes = [n // workers + (i < n % workers) for i in range(workers)]
        folders = [tmp / f"tp{workers}_{i}" for i in range(workers)]
        for folder, size in zip(folders, sizes):
            fill_folder(folder, photo, size)
        r = run_workers(folders)
        known = [s for s in r["startup_s"] if s is not None]
        after = r["wall_s"] - statistics.mean(known) if known else None
        out[f"{workers}_worker{'s' * (workers > 1)}"] = {
            **r, "images_per_s": round(n / r["wall_s"], 3),
            "images_per_s_after_startup": round(n / after, 3) if after and after > 0 else None}
    return out


def plot(results: dict, path: Path) -> None:
    """Two panels: seconds per photo against megapixels, and against hands in one 2160x4000 photo."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, (left, right) = plt.subplots(1, 2, figsize=(8.5, 3.4))
    for key, label in (("ms_by_megapixels", "read, process, write"), ("process_ms_by_megapixels", "Pipeline.process")):
        if key in results:
            d = results[key]
            left.plot([float(k) for k in d], [v / 1000 for v in d.values()], "o-", label=label)
    left.set_xlabel("megapixels (aspect 0.54)")
    left.set_ylabel("seconds per photo")
    left.set_title("by pixel count", fontsize=9)
    if "by_hands" in results:
        h = results["by_hands"]
        xs, ys = [int(k) for k in h], [v["total"] / 1000 for v in h.values()]
        right.plot(xs, ys, "o-", color="C1", label="Pipeline.process")
        for x, y, v in zip(xs, ys, h.values()):
            right.annotate(f"{v['detected']} found", (x, y), textcoords="offset points", xytext=(0, 6),
                           ha="center", fontsize=7)
    right.set_xticks([1, 2, 3, 4])
    right.set_xlabel("hands in one 2160x4000 photo")
    right.set_ylabel("seconds per photo")
    right.set_title("by number of hands", fontsize=9)
    for ax in (left, right):
        ax.margins(x=0.1, y=0.2)
        ax.set_ylim(bottom=0)
        ax.grid(alpha=0.3)
        if ax.lines:
            ax.legend(fontsize=7, loc="lower right")
        else:
            ax.text(0.5, 0.5, "skipped", transform=ax.transAxes, ha="center", color="grey")
    fig.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=90)
    plt.close(fig)


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    """Flags; ``--quick`` only fills in the ones not given."""
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--repeats", type=int, help="timed runs per stage and hands figure (default 5)")
    p.add_argument("--scaling-repeats", type=int, help="timed runs per megapixel size (default 3)")
    p.add_argument("--folder-images", type=int, help="photos in the peak-memory folder (default 20; 0 skips)")
    p.add_argument("--throughput-images", type=int, help="photos in the throughput folder (default 8; below 2 skips)")
    p.add_argument("--quick", action="store_true",
                   help="smoke run: 1 repeat, 1 and 8.6 MP only, folders of 2 photos")
    p.add_argument("--skip", action="append", choices=PARTS, default=[], help="leave a part out (repeatable)")
    p.add_argument("--stage-photo", type=Path, default=SAMPLE,
                   help="photo scaled to cover 2160x4000 for the per-stage times (default the large sample, whose "
                        "hand and forearm cover 17 %% of it; samples/palm_open.jpg gives an open palm covering 73 %%)")
    p.add_argument("--upright", action="store_true",
                   help="turn a landscape --stage-photo a quarter turn first (an 11k Hands photo held as a phone portrait)")
    p.add_argument("--out", default="docs/speed.json")
    p.add_argument("--plot", help="plot path (default: --out with .png)")
    args = p.parse_args(argv)
    defaults = {"repeats": (5, 1), "scaling_repeats": (3, 1), "folder_images": (20, 2), "throughput_images": (8, 2)}
    for name, (full, quick) in defaults.items():
        if getattr(args, name) is None:
            setattr(args, name, quick if args.quick else full)
    args.megapixels = list(QUICK_MEGAPIXELS if args.quick else MEGAPIXELS)
    args.plot = Path(args.plot) if args.plot else Path(args.out).with_suffix(".png")
    return args


def report(results: dict, args: argparse.Namespace) -> None:
    if "2160x4000" in results:
        s = results["2160x4000"]
        print("2160x4000 JPEG, median of", args.repeats, "runs (ms):")
        for k in ("decode", "detect", "segment", "refine", "encode", "total", "io_floor"):
            print(f"  {k:<8}{s[k]:>8.1f}")
        print(f"  ratio to I/O floor: {s['ratio_to_io_floor']:.2f}")
    if "ms_by_megapixels" in results:
        print("total ms by megapixels:", results["ms_by_megapixels"])
        print("Pipeline.process ms by megapixels:", results["process_ms_by_megapixels"])
    if "by_hands" in results:
        print("Pipeline.process ms by hands in a 2160x4000 photo:", ", ".join(
            f"{n}: {v['total']} ({v['detected']} found)" for n, v in results["by_hands"].items()))
    if "folder" in results:
        f = results["folder"]
        print(f"folder of {f['images']}: peak RSS {f['peak_rss_mb']:.0f} MB, {f['wall_s']:.1f} s wall")
    if "throughput" in results:
        t = results["throughput"]
        print(f"one-photo pipeline.run: {t['one_photo_run_wall_s']} s wall")
        for key in ("1_worker", "2_workers"):
            w = t[key]
            print(f"throughput, {t['images']} photos, {key.replace('_', ' ')}: {w['images_per_s']} img/s "
                  f"({w['wall_s']} s wall; start-up s per process {w['startup_s']}; "
                  f"{w['images_per_s_after_startup']} img/s after start-up; peak RSS MB {w['peak_rss_mb']})")


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    skip = set(args.skip)
    results: dict = {"repeats": args.repeats}
    with tempfile.TemporaryDirectory() as d:
        tmp = Path(d)
        if not {"stages", "megapixels", "hands"} <= skip:
            from pipeline.core import build_pipeline

            pipeline = build_pipeline()
            if "stages" not in skip:
                results["2160x4000"] = time_stages(pipeline, tmp, args.repeats, args.stage_photo, args.upright)
                results["stage_photo"] = os.path.relpath(args.stage_photo, ROOT)
            if "megapixels" not in skip:
                results["ms_by_megapixels"], results["process_ms_by_megapixels"] = time_megapixels(
                    pipeline, tmp, args.scaling_repeats, args.megapixels)
            if "hands" not in skip:
                results["by_hands"] = time_hands(pipeline, args.repeats)
        if "folder" not in skip and args.folder_images > 0:
            results["folder"] = folder_peak_rss(args.folder_images, tmp)
        if "throughput" not in skip and args.throughput_images > 1:
            results["throughput"] = throughput(args.throughput_images, tmp)
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    Path(args.out).write_text(json.dumps(results, indent=1))
    if "plot" not in skip:
        plot(results, args.plot)
    report(results, args)
    print("wrote", args.out, *([] if "plot" in skip else ["and", args.plot]))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
