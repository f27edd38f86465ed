"""Ground-truth masks in the conventions other tools write are read as the same 0/255 mask."""
import numpy as np
import pytest
from PIL import Image

from pipeline.imageio import read_mask

SQUARE = np.zeros((12, 16), bool)
SQUARE[3:9, 4:12] = True


def _palette_mask(values: np.ndarray) -> Image.Image:
    img = Image.fromarray(values.astype(np.uint8), "P")
    img.putpalette([0, 0, 0, 128, 0, 0] + [0] * 762)  # VOC's first class: dark red, grey 38
    return img


@pytest.mark.parametrize("make", [
    lambda: Image.fromarray(SQUARE.astype(np.uint8) * 255),                        # the usual 0/255
    lambda: Image.fromarray(SQUARE.astype(np.uint8)),                              # a 0/1 label map
    lambda: Image.fromarray(SQUARE.astype(np.uint16) * 65535),                     # 16-bit
    lambda: _palette_mask(SQUARE),                                                 # class colour
    lambda: Image.fromarray(SQUARE).convert("1"),                                  # bilevel
    lambda: Image.fromarray(np.dstack([np.full(SQUARE.shape + (3,), 90, np.uint8),
                                       SQUARE.astype(np.uint8) * 255]), "RGBA"),  # cut-out alpha
    lambda: Image.fromarray(np.dstack([np.repeat(SQUARE[..., None], 3, 2).astype(np.uint8) * 255,
                                       np.full(SQUARE.shape, 255, np.uint8)]), "RGBA"),  # opaque RGBA
])
def test_mask_conventions_read_alike(tmp_path, make):
    path = tmp_path / "mask.png"
    make().save(path)
    mask = read_mask(path)
    assert mask.dtype == np.uint8 and mask.shape == SQUARE.shape
    np.testing.assert_array_equal(mask, np.where(SQUARE, 255, 0))


def test_soft_masks_are_cut_at_half_their_own_scale(tmp_path):
    ramp8 = np.array([[0, 10, 127, 128, 200, 255]], np.uint8)
    Image.fromarray(ramp8).save(tmp_path / "m8.png")
    np.testing.assert_array_equal(read_mask(tmp_path / "m8.png"), [[0, 0, 0, 255, 255, 255]])
    ramp16 = np.array([[0, 100, 1000, 30000, 40000, 65535]], np.uint16)  # Pillow's L would clip 1000 to 255
    Image.fromarray(ramp16).save(tmp_path / "m16.png")
    np.testing.assert_array_equal(read_mask(tmp_path / "m16.png"), [[0, 0, 0, 0, 255, 255]])
    ramp_f = np.array([[0.0, 0.2, 0.49, 0.51, 1.0]], np.float32)
    Image.fromarray(ramp_f).save(tmp_path / "mf.tif")
    np.testing.assert_array_equal(read_mask(tmp_path / "mf.tif"), [[0, 0, 0, 255, 255]])
