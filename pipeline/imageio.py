"""Reading user images safely and writing the output contract.

Every reader here raises :class:`ImageReadError` with a one-line, human reason so a
batch can report the file and go on. Images come back as ``HxWx3 uint8 RGB`` with EXIF
orientation applied, because phone photos are stored sideways more often than not.
"""
from __future__ import annotations

import functools
import io
import os
import re
import uuid
import warnings
from pathlib import Path

import numpy as np
from PIL import Image, ImageOps, UnidentifiedImageError

from pipeline.png import encode_png

#: Largest image accepted, in pixels (about 100 MP: a 2160x4000 photo is 8.6 MP).
#: Decoding more would risk exhausting memory on a 2-core/24 GB machine.
MAX_PIXELS = 100_000_000

#: File name extensions picked up when a folder is given.
IMAGE_EXTENSIONS = (".jpg", ".jpeg", ".png", ".webp", ".bmp", ".tif", ".tiff", ".heic", ".heif")


@functools.cache
def heif_supported() -> bool:
    """Teach PIL to read HEIC/HEIF (iPhones' default photo format) via pillow-heif, once.

    Done on first use rather than at import; False when pillow-heif is missing (it is a declared
    dependency, but a bare PIL still reads every other format)."""
    try:
        from pillow_heif import register_heif_opener
    except ImportError:
        return False
    register_heif_opener()
    return True


class ImageReadError(ValueError):
    """A file that cannot be used as an input image; the message is one line."""


def _to_8_bits(arr: np.ndarray) -> np.ndarray:
    """An integer or float image of any depth as ``uint8``: integers on a 0-255 scale, or 0-65535
    when any value is above 255 (16 bits); floats on a 0-1 scale, or 0 to their maximum when
    brighter (not-a-number and infinities read as 0)."""
    if arr.dtype.kind == "f":
        values = np.nan_to_num(arr.astype(np.float64), nan=0.0, posinf=0.0, neginf=0.0)
        top = max(1.0, float(values.max()))
    else:
        values = arr.astype(np.float64)
        top = 65535.0 if values.max() > 255 else 255.0
    return np.clip(values / top * 255.0 + 0.5, 0, 255).astype(np.uint8)


def _to_rgb_uint8(img: Image.Image) -> np.ndarray:
    """Convert any PIL mode (grey, palette, RGBA, 16-bit, CMYK) to ``HxWx3 uint8``."""
    if img.mode in ("I;16", "I;16B", "I;16L", "I", "F"):
        return np.repeat(_to_8_bits(np.asarray(img))[..., None], 3, axis=2)
    if img.mode in ("RGBA", "LA", "PA") or (img.mode == "P" and "transparency" in img.info):
        # Transparent pixels are composited on white: that is what a viewer shows.
        rgba = img.convert("RGBA")
        white = Image.new("RGBA", rgba.size, (255, 255, 255, 255))
        return np.asarray(Image.alpha_composite(white, rgba).convert("RGB"))
    return np.asarray(img.convert("RGB"))


def open_image(source: str | os.PathLike | bytes, max_pixels: int = MAX_PIXELS) -> Image.Image:
    """Open, fully decode and EXIF-rotate an image, raising ImageReadError on any fault."""
    name = "upload" if isinstance(source, bytes) else str(source)
    if not isinstance(source, bytes):
        path = Path(source)
        if not path.is_file():
            raise ImageReadError(f"{name}: no such file")
        if path.stat().st_size == 0:
            raise ImageReadError(f"{name}: empty file (0 bytes)")
    elif len(source) == 0:
        raise ImageReadError("upload: empty file (0 bytes)")
    stream = io.BytesIO(source) if isinstance(source, bytes) else source
    heif = heif_supported()
    too_large = f"exceeds the limit of {max_pixels / 1e6:.0f} MP"
    if Image.MAX_IMAGE_PIXELS is not None and Image.MAX_IMAGE_PIXELS < max_pixels:
        # Pillow's own bomb guard (89 MP) would refuse what the caller allows, with a message
        # about a DOS attack; the limit below is the one that counts.
        Image.MAX_IMAGE_PIXELS = max_pixels
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            img = Image.open(stream)
            w, h = img.size
            if w * h > max_pixels:
                raise ImageReadError(f"{name}: {w}x{h} = {w * h / 1e6:.1f} MP {too_large}")
            img.load()
    except ImageReadError:
        raise
    except Image.DecompressionBombError as exc:  # over twice Pillow's limit: refused inside open()
        pixels = re.search(r"\((\d+) pixels\)", str(exc))
        size = f"{int(pixels.group(1)) / 1e6:.1f} MP " if pixels else ""
        raise ImageReadError(f"{name}: {size}{too_large}") from None
    except UnidentifiedImageError:
        if not heif and name.lower().endswith((".heic", ".heif")):
            raise ImageReadError(f"{name}: HEIC/HEIF needs the pillow-heif package (pip install pillow-heif)") from None
        img = _tiff_by_opencv(source, name, max_pixels)
        if img is None:
            raise ImageReadError(f"{name}: not an image (format not recognised)") from None
    except (OSError, SyntaxError) as exc:
        reason = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise ImageReadError(f"{name}: corrupt or truncated image ({reason})") from None
    try:
        img = ImageOps.exif_transpose(img)
    except Exception:  # a broken EXIF block must not lose the picture itself
        pass
    return img


#: the first bytes of a TIFF file, little- and big-endian
TIFF_MAGIC = (b"II*\x00", b"MM\x00*")


def _tiff_by_opencv(source: str | os.PathLike | bytes, name: str, max_pixels: int) -> Image.Image | None:
    """A TIFF Pillow cannot decode (three 32-bit float channels, as HDR and scientific tools
    write them) decoded by OpenCV instead, as 8-bit RGB(A) (:func:`_to_8_bits`); None when it is
    no TIFF or OpenCV cannot read it either."""
    data = source if isinstance(source, bytes) else Path(source).read_bytes()
    if not data.startswith(TIFF_MAGIC):
        return None
    import cv2

    arr = cv2.imdecode(np.frombuffer(data, np.uint8), cv2.IMREAD_UNCHANGED)
    if arr is None or arr.ndim not in (2, 3) or (arr.ndim == 3 and arr.shape[2] not in (1, 3, 4)):
        return None
    h, w = arr.shape[:2]
    if w * h > max_pixels:
        raise ImageReadError(f"{name}: {w}x{h} = {w * h / 1e6:.1f} MP exceeds the limit of {max_pixels / 1e6:.0f} MP")
    if arr.ndim == 3 and arr.shape[2] == 1:
        arr = arr[..., 0]
    if arr.dtype != np.uint8:
        arr = _to_8_bits(arr)
    if arr.ndim == 3:  # OpenCV's channel order is BGR(A)
        arr = cv2.cvtColor(arr, cv2.COLOR_BGRA2RGBA if arr.shape[2] == 4 else cv2.COLOR_BGR2RGB)
    return Image.fromarray(np.ascontiguousarray(arr))


def read_rgb(source: str | os.PathLike | bytes, max_pixels: int = MAX_PIXELS) -> np.ndarray:
    """Read an image as ``HxWx3 uint8 RGB`` (EXIF orientation applied, any mode converted)."""
    return _to_rgb_uint8(open_image(source, max_pixels))


def read_rgb_and_profile(source: str | os.PathLike | bytes,
                         max_pixels: int = MAX_PIXELS) -> tuple[np.ndarray, bytes | None]:
    """:func:`read_rgb`, and the photo's RGB colour profile (:func:`rgb_profile`) for its outputs."""
    img = open_image(source, max_pixels)
    return _to_rgb_uint8(img), rgb_profile(img)


def rgb_profile(img: Image.Image) -> bytes | None:
    """The ICC profile embedded in ``img`` when it describes RGB colours, else None.

    Phones store photos in wide-gamut colour spaces (an iPhone's Display P3) and say so in the
    profile; a cut-out without it is read as sRGB by every colour-managed viewer, and the skin
    comes out duller than in the photo. A grey or CMYK photo's profile does not describe the RGB
    pixels it is converted to here, so it is left out (the colour space is bytes 16-19 of the
    profile's header)."""
    icc = img.info.get("icc_profile")
    if not icc or len(icc) < 128 or icc[16:20] != b"RGB ":
        return None
    if img.mode not in ("RGB", "RGBA", "RGBX", "P", "PA", "YCbCr"):  # pixels converted, not just read
        return None
    return bytes(icc)


def read_mask(path: str | os.PathLike) -> np.ndarray:
    """Read a mask as ``HxW uint8`` 0/255: above half the scale is hand.

    Masks made by other tools follow other conventions, and reading them all as 8-bit 0/255
    would score a correct prediction as all wrong without a word. So a mask holding just 0 and
    one other value (0/1 label maps, a palette's class colour) takes that value as hand; 16-bit
    and float masks are judged on their own scale (Pillow's 8-bit conversion clips them); and a
    cut-out whose alpha is opaque everywhere is read from its colour, not its alpha.
    """
    img = open_image(path)
    arr = None
    if img.mode in ("RGBA", "LA", "PA") or "transparency" in img.info:
        rgba = img.convert("RGBA")
        alpha = np.asarray(rgba.getchannel("A"))
        if alpha.min() != alpha.max():
            arr = alpha
        else:
            img = rgba.convert("RGB")
    if arr is None:
        arr = np.asarray(img) if img.mode.startswith(("I", "F")) else np.asarray(img.convert("L"))
    if arr.dtype == np.uint8:
        values = np.flatnonzero(np.bincount(arr.ravel(), minlength=256))
    else:
        values = np.unique(arr)
    if len(values) == 2 and values[0] == 0:
        return np.where(arr == values[1], 255, 0).astype(np.uint8)
    if arr.dtype.kind == "f":
        half = 0.5 if arr.max() <= 1.0 else 127.5
    else:
        half = 127.5 if arr.dtype == np.uint8 or arr.max() <= 255 else 32767.5
    return np.where(arr > half, 255, 0).astype(np.uint8)


def _atomic_write(path: str | os.PathLike, write) -> None:
    """Write through a temporary file then rename, so an interrupted run never leaves half a PNG.

    The temporary file is created as ``open()`` creates one (0666 less the umask, applied by the
    kernel), not by ``tempfile.mkstemp``, whose 0600 would hide the outputs from the other users
    and services (a web server, a shared folder) that a plain save lets read them."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = str(path.parent / f".tmp-{uuid.uuid4().hex}{path.suffix}")
    os.close(os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666))
    try:
        write(tmp)
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)


def save_png(path: str | os.PathLike, array: np.ndarray, icc: bytes | None = None) -> None:
    """Save a ``HxW`` (L) or ``HxWx3/4`` (RGB/RGBA) uint8 array as PNG atomically, with the
    colour profile ``icc`` when given (see :func:`rgb_profile`)."""
    data = encode_png(array, icc=icc)
    _atomic_write(path, lambda tmp: Path(tmp).write_bytes(data))


def save_jpeg(path: str | os.PathLike, array: np.ndarray, quality: int = 90, icc: bytes | None = None) -> None:
    """Save an ``HxWx3`` uint8 RGB array as JPEG atomically, with the colour profile ``icc``
    when given."""
    img = Image.fromarray(array)
    extra = {"icc_profile": icc} if icc else {}
    _atomic_write(path, lambda tmp: img.save(tmp, format="JPEG", quality=quality, **extra))
