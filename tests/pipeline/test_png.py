import io

import numpy as np
import pytest
from PIL import Image

from pipeline import png
from pipeline.png import encode_png


def decode(data: bytes) -> tuple[str, np.ndarray]:
    img = Image.open(io.BytesIO(data))
    img.load()  # a bad checksum or a broken deflate stream raises here
    return img.mode, np.asarray(img)


@pytest.mark.parametrize("shape, mode", [((9, 7), "L"), ((9, 7, 3), "RGB"), ((9, 7, 4), "RGBA"), ((1, 1), "L")])
def test_small_images_round_trip(shape, mode):
    arr = np.random.default_rng(0).integers(0, 256, shape, dtype=np.uint8)
    got_mode, got = decode(encode_png(arr))
    assert got_mode == mode and np.array_equal(got, arr)


@pytest.mark.parametrize("channels", [1, 4])
def test_large_images_deflated_in_slices_round_trip(monkeypatch, channels):
    # Force the threaded path on a small image: several slices joined into one zlib stream.
    monkeypatch.setattr(png, "_SPLIT_BYTES", 0)
    monkeypatch.setattr(png, "_WORKERS", 3)
    rng = np.random.default_rng(1)
    arr = rng.integers(0, 256, (101, 67, channels), dtype=np.uint8)
    arr[:40] = 0  # long runs as in a cut-out's transparent background
    arr = arr[..., 0] if channels == 1 else arr
    _, got = decode(encode_png(arr))
    assert np.array_equal(got, arr)


def test_non_contiguous_input_is_written_as_seen():
    arr = np.random.default_rng(2).integers(0, 256, (20, 30, 4), dtype=np.uint8)[:, ::2]
    _, got = decode(encode_png(arr))
    assert np.array_equal(got, arr)


@pytest.mark.parametrize("arr", [np.zeros((4, 4), np.uint16), np.zeros((4, 4, 2), np.uint8),
                                 np.zeros((0, 4), np.uint8), np.zeros(4, np.uint8)])
def test_unsupported_arrays_are_refused(arr):
    with pytest.raises(ValueError):
        encode_png(arr)


def test_a_colour_profile_is_stored_for_colour_images_only():
    from PIL import ImageCms

    profile = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    rgba = np.random.default_rng(0).integers(0, 256, (9, 7, 4), dtype=np.uint8)
    img = Image.open(io.BytesIO(encode_png(rgba, icc=profile)))
    assert img.info.get("icc_profile") == profile and np.array_equal(np.asarray(img), rgba)
    grey = Image.open(io.BytesIO(encode_png(rgba[..., 0], icc=profile)))  # PNG allows no RGB profile on grey
    assert "icc_profile" not in grey.info and np.array_equal(np.asarray(grey), rgba[..., 0])
