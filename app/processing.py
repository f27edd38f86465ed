"""What the app does with one upload, as plain functions that need no Streamlit runtime.

The page (``app.ui``) only caches and displays; everything that can go wrong with a file lives
here, so it is unit-tested without a browser. The pipeline itself is the CLI's
``Pipeline.process`` and the pictures are ``pipeline.render``'s: no second copy of the logic.
"""
from __future__ import annotations

import hashlib
import io
import time
import zipfile
from dataclasses import dataclass
from pathlib import PurePath

import numpy as np

from pipeline.core import Pipeline, PipelineResult
from pipeline.imageio import ImageReadError, heif_supported, read_rgb_and_profile
from pipeline.png import encode_png  # re-exported for the UI: one PNG writer for the CLI and the app
from pipeline.render import cutout

#: Largest upload accepted, in megabytes. A phone photo is 3-12 MB; 50 MB leaves room for
#: PNG/TIFF scans while keeping one upload from filling a shared server's memory.
MAX_UPLOAD_MB = 50

#: Largest image accepted, in pixels: a 50 MP phone photo (8160x6120) fits. The CLI allows
#: 100 MP, but a web page shared by several users on 2 cores should refuse earlier.
MAX_PIXELS = 50_000_000

#: Formats offered in the uploader (file extensions, lower case, no dot).
BASE_TYPES = ("jpg", "jpeg", "png", "webp")
HEIC_TYPES = ("heic", "heif")

#: Colour meaning "transparent" for the cut-out; any RGB tuple means a flat background.
Background = tuple[int, int, int] | None


@dataclass(frozen=True)
class Outcome:
    """One upload after processing: either ``result`` (with the decoded ``image``) or ``error``.

    Attributes:
        name: the file name as uploaded.
        image: ``HxWx3 uint8 RGB`` with EXIF orientation applied, None on error.
        result: the pipeline's output at the image's full resolution, None on error.
        error: one-line reason the file could not be processed, None on success.
        seconds: wall time for decoding plus ``Pipeline.process``.
        profile: the photo's RGB colour profile (ICC bytes), for its cut-out; None when it has none.
    """

    name: str
    image: np.ndarray | None = None
    result: PipelineResult | None = None
    error: str | None = None
    seconds: float = 0.0
    profile: bytes | None = None

    def __post_init__(self) -> None:
        if (self.error is None) == (self.result is None):
            raise ValueError("an Outcome holds exactly one of result and error")
        if self.result is not None and (self.image is None or self.image.shape[:2] != self.result.mask.shape):
            raise ValueError("a successful Outcome needs the image its mask belongs to")

    @property
    def ok(self) -> bool:
        return self.error is None


def heic_supported() -> bool:
    """Whether HEIC uploads can be read: the CLI's own check (``pipeline.imageio.heif_supported``),
    which registers pillow-heif on first use. Called by the page, never at import."""
    return heif_supported()


def accepted_types(heic: bool) -> list[str]:
    """Extensions the uploader advertises; HEIC only when pillow-heif can read it."""
    return [*BASE_TYPES, *(HEIC_TYPES if heic else ())]


def file_digest(data: bytes) -> str:
    """Content hash used as the cache key, so a re-uploaded or renamed file is not recomputed."""
    return hashlib.sha256(data).hexdigest()


def _reason(exc: ImageReadError) -> str:
    """``read_rgb`` on bytes says "upload: ..."; the page names the file itself."""
    return str(exc).removeprefix("upload: ")


def process_upload(
    name: str,
    data: bytes,
    pipeline: Pipeline,
    max_bytes: int = MAX_UPLOAD_MB * 1024 * 1024,
    max_pixels: int = MAX_PIXELS,
) -> Outcome:
    """Decode and segment one uploaded file; never raises, so one bad file cannot stop a batch.

    Args:
        name: file name shown with any error.
        data: the file's bytes.
        pipeline: the same ``Pipeline`` the CLI builds; its ``process`` does all the work.
        max_bytes: uploads larger than this are refused before decoding.
        max_pixels: images larger than this are refused before full decoding (``read_rgb``).

    Returns:
        An :class:`Outcome` with the image and result, or with a one-line error.
    """
    t0 = time.perf_counter()
    if len(data) > max_bytes:
        return Outcome(name, error=f"{len(data) / 2**20:.1f} MB is over the upload limit of "
                                   f"{max_bytes / 2**20:.0f} MB")
    try:
        image, profile = read_rgb_and_profile(data, max_pixels)
    except ImageReadError as exc:
        return Outcome(name, error=_reason(exc))
    try:
        result = pipeline.process(image)
    except Exception as exc:  # a model or detector fault on one file must not take the page down
        reason = str(exc).splitlines()[0] if str(exc) else ""
        return Outcome(name, error=f"processing failed ({type(exc).__name__}{': ' + reason if reason else ''})")
    return Outcome(name, image=image, result=result, seconds=time.perf_counter() - t0, profile=profile)


def output_stems(names: list[str]) -> list[str]:
    """Download names without clashes: ``hand.jpg`` and ``hand.png`` become ``hand`` and ``hand_png``.

    Mirrors ``pipeline.run`` (same stem for the first, extension appended for later ones) and
    keeps adding a counter if even that clashes, so no file in the ZIP overwrites another.
    """
    seen: set[str] = set()
    stems = []
    for name in names:
        path = PurePath(name.replace("\\", "/"))
        stem = path.stem or "image"
        if stem in seen:
            stem = f"{stem}_{path.suffix.lstrip('.').lower() or 'file'}"
        base, n = stem, 2
        while stem in seen:
            stem, n = f"{base}_{n}", n + 1
        seen.add(stem)
        stems.append(stem)
    return stems


def cutout_png(image: np.ndarray, alpha: np.ndarray, background: Background, profile: bytes | None = None) -> bytes:
    """The cut-out's PNG bytes, as the CLI writes them (``pipeline.render.cutout``), with the
    photo's colour profile: the one encoding for the page's download button and the ZIP."""
    return encode_png(cutout(image, alpha, background), icc=profile)


def results_zip(outcomes: list[Outcome], background: Background) -> bytes:
    """One ZIP of every successful result, in the CLI's layout: ``masks/NAME.png``, ``cutouts/NAME.png``.

    Failed uploads are left out (their errors are on the page); PNGs are stored, not deflated
    again, because they are already compressed.
    """
    good = [o for o in outcomes if o.ok]
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", compression=zipfile.ZIP_STORED) as zf:
        for stem, o in zip(output_stems([o.name for o in good]), good):
            zf.writestr(f"masks/{stem}.png", encode_png(o.result.mask))
            zf.writestr(f"cutouts/{stem}.png", cutout_png(o.image, o.result.alpha, background, o.profile))
    return buf.getvalue()
