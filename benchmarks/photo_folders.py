"""Folders of photos named on a benchmark's command line, read one photo at a time."""
from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import numpy as np


def photo_roots(folders: list[str]) -> list[Path] | None:
    """Each folder's ``images/`` subfolder where it has one (the held-out sets' layout), else the
    folder itself; None, after one error line naming every one that is not a folder."""
    roots = [Path(f, "images") if Path(f, "images").is_dir() else Path(f) for f in folders]
    missing = [str(r) for r in roots if not r.is_dir()]
    if missing:
        print(f"error: not a folder: {', '.join(missing)}", file=sys.stderr)
        return None
    return roots


def readable_photos(folder: Path) -> Iterator[tuple[Path, np.ndarray]]:
    """``(path, RGB image)`` of every file in ``folder`` that reads as an image, by name; a file
    that does not is named on stderr and passed over, so one bad file costs no measurement."""
    from pipeline.imageio import read_rgb

    for path in sorted(f for f in folder.iterdir() if f.is_file()):
        try:
            image = read_rgb(path)
        except (OSError, ValueError) as e:
            print(f"{path.name}: skipped ({e})", file=sys.stderr)
            continue
        yield path, image
