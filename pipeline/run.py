"""Cut hands out of photos: ``python -m pipeline.run INPUT -o OUT`` (also ``handcut``).

For each input ``NAME.ext`` it writes ``OUT/masks/NAME.png`` (8-bit, 255 = hand) and
``OUT/cutouts/NAME.png`` (RGBA at full resolution, alpha = the mask), optionally
``OUT/overlays/NAME.jpg``. Existing outputs are kept (so an interrupted run resumes) unless
``--overwrite``. Exit code: 0 all succeeded, 1 some failed, 2 bad arguments.
"""
from __future__ import annotations

import argparse
import logging
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

from pipeline.imageio import IMAGE_EXTENSIONS, MAX_PIXELS, ImageReadError, read_rgb_and_profile, save_jpeg, save_png
from pipeline.options import add_pipeline_options, config_from_args, quiet_native_logs


@dataclass
class Job:
    """One input file and the outputs it owns."""

    source: Path
    rel: Path  # output path stem relative to OUT/<kind>/, without extension

    def outputs(self, out: Path, only_mask: bool, overlay: bool) -> dict[str, Path]:
        paths = {"mask": out / "masks" / self.rel.with_name(self.rel.name + ".png")}
        if not only_mask:
            paths["cutout"] = out / "cutouts" / self.rel.with_name(self.rel.name + ".png")
        if overlay:
            paths["overlay"] = out / "overlays" / self.rel.with_name(self.rel.name + ".jpg")
        return paths


@dataclass
class Summary:
    done: int = 0
    failed: int = 0
    no_hand: int = 0
    skipped: int = 0
    seconds: float = 0.0
    errors: list[str] = field(default_factory=list)

    def line(self) -> str:
        per = self.seconds / self.done if self.done else 0.0
        return (f"done {self.done}, failed {self.failed}, no hand found {self.no_hand} (whole image segmented), "
                f"skipped {self.skipped} (outputs exist); {per:.2f} s per image")


class UsageError(ValueError):
    """Bad command-line input: exit code 2."""


def collect_jobs(input_path: Path, recursive: bool) -> tuple[list[Job], list[Path]]:
    """The image files under the input, and the other files that were passed over.

    A folder's files are picked by extension (a photo folder often holds notes or sidecar
    files); files passed over are listed to the user, never silently dropped. A single file
    given explicitly is always tried, whatever its extension.

    Raises:
        UsageError: the input does not exist, or a folder holds no image files.
    """
    if input_path.is_file():
        return [Job(input_path, Path(input_path.stem))], []
    if not input_path.is_dir():
        raise UsageError(f"{input_path}: no such file or folder")
    pattern = "**/*" if recursive else "*"
    files = sorted(
        p for p in input_path.glob(pattern)
        # a dangling link is listed too, so it is reported as failed rather than silently lost
        if (p.is_file() or (p.is_symlink() and not p.exists()))
        and not any(part.startswith(".") for part in p.relative_to(input_path).parts)
    )
    others = [p for p in files if p.suffix.lower() not in IMAGE_EXTENSIONS]
    files = [p for p in files if p.suffix.lower() in IMAGE_EXTENSIONS]
    if not files:
        raise UsageError(f"{input_path}: no image files found ({', '.join(IMAGE_EXTENSIONS)})")
    jobs: list[Job] = []
    seen: set[Path] = set()
    for p in files:
        rel = p.relative_to(input_path).with_suffix("")
        if rel in seen:  # photo.jpg and photo.png in one folder: keep both, name the second by its extension
            rel = rel.with_name(f"{rel.name}_{p.suffix.lstrip('.').lower()}")
        seen.add(rel)
        jobs.append(Job(p, rel))
    return jobs, others


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="handcut",
        description="Remove the background from hand photos: writes masks/ and cutouts/ under OUT.",
    )
    p.add_argument("input", help="an image file or a folder of images")
    p.add_argument("-o", "--output", default="out", help="output folder (default: ./out)")
    p.add_argument("-r", "--recursive", action="store_true", help="include sub-folders, keeping their structure")
    p.add_argument("--only-mask", action="store_true", help="write masks only, no cut-outs")
    p.add_argument("--bg-color", default=None,
                   help="flat background for the cut-outs instead of transparency (#RRGGBB, R,G,B or a name)")
    p.add_argument("--overlay", action="store_true", help="also write OUT/overlays/NAME.jpg for checking")
    p.add_argument("--overwrite", action="store_true", help="replace existing outputs (default: skip them)")
    p.add_argument("--max-pixels", type=int, default=MAX_PIXELS,
                   help=f"refuse images larger than this many pixels (default {MAX_PIXELS:,})")
    p.add_argument("-q", "--quiet", action="store_true", help="no progress bar")
    add_pipeline_options(p)
    return p


def _check_output_location(input_path: Path, out: Path) -> None:
    # an existing file where the output folder should be would fail every image, one by one
    for folder in (out, *out.parents):
        if folder.exists():
            if not folder.is_dir():
                raise UsageError(f"output folder {out}: {folder} is a file, not a folder; choose another -o")
            break
    if input_path.is_dir():
        inp, o = input_path.resolve(), out.resolve()
        if o == inp or inp in o.parents:
            raise UsageError(f"output folder {out} is inside the input folder {input_path}; choose another -o")


def main(argv: list[str] | None = None) -> int:
    quiet_native_logs()
    parser = build_parser()
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s: %(message)s")
    from pipeline.render import cutout, overlay, parse_color

    try:
        cfg = config_from_args(args)
        bg = parse_color(args.bg_color) if args.bg_color else None
        input_path, out = Path(args.input), Path(args.output)
        _check_output_location(input_path, out)
        jobs, others = collect_jobs(input_path, args.recursive)
    except (UsageError, ValueError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2

    from tqdm import tqdm

    from pipeline.core import NoHandFound, build_pipeline

    if others:
        names = ", ".join(str(p.relative_to(input_path)) for p in others[:5]) + (" ..." if len(others) > 5 else "")
        print(f"note: passed over {len(others)} file(s) not of a type read here "
              f"({' '.join(IMAGE_EXTENSIONS)}): {names}", file=sys.stderr)
    todo = [j for j in jobs if args.overwrite or not all(
        p.exists() for p in j.outputs(out, args.only_mask, args.overlay).values())]
    summary = Summary(skipped=len(jobs) - len(todo))
    if not todo:
        print(summary.line())
        return 0
    try:
        pipeline = build_pipeline(cfg, args.model)
    except (FileNotFoundError, ValueError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2

    bar = tqdm(todo, unit="img", disable=args.quiet or None, file=sys.stderr)
    for job in bar:
        bar.set_postfix_str(job.source.name[-30:], refresh=False)
        t0 = time.perf_counter()
        try:
            image, profile = read_rgb_and_profile(job.source, args.max_pixels)
            result = pipeline.process(image)
        except ImageReadError as exc:
            summary.failed += 1
            summary.errors.append(str(exc))
            tqdm.write(f"error: {exc}", file=sys.stderr)
            continue
        except NoHandFound:
            summary.failed += 1
            tqdm.write(f"error: {job.source}: no hand found (--require-hand)", file=sys.stderr)
            continue
        except Exception as exc:  # one bad file must never stop the batch
            summary.failed += 1
            reason = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
            tqdm.write(f"error: {job.source}: {type(exc).__name__}: {reason}", file=sys.stderr)
            continue
        targets = job.outputs(out, args.only_mask, args.overlay)
        try:
            for kind, path in targets.items():
                if path.exists() and not args.overwrite:
                    continue  # finishing an interrupted job: what was written stays
                if kind == "mask":
                    save_png(path, result.mask)
                elif kind == "cutout":
                    # the photo's colour profile goes with its pixels (the mask is no colour)
                    save_png(path, cutout(image, result.alpha, bg), profile)
                else:
                    save_jpeg(path, overlay(image, result.mask, [h.xyxy for h in result.hands], faces=result.faces),
                              icc=profile)
        except OSError as exc:
            summary.failed += 1
            tqdm.write(f"error: {job.source}: cannot write output ({exc.strerror or exc})", file=sys.stderr)
            continue
        summary.done += 1
        summary.no_hand += int(result.fallback_used)
        if result.fallback_used:
            tqdm.write(f"warning: {job.source}: no hand found, segmented the whole image", file=sys.stderr)
        summary.seconds += time.perf_counter() - t0
    bar.close()
    print(summary.line())
    return 1 if summary.failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
