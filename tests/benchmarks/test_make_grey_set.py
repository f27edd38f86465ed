"""The grey evaluation set: single-channel photos, masks untouched, same stems."""
from __future__ import annotations

import numpy as np
from PIL import Image

from benchmarks.make_grey_set import main


def test_grey_copies_keep_the_masks_and_the_stems(tmp_path):
    data = tmp_path / "data"
    (data / "images").mkdir(parents=True)
    (data / "masks").mkdir()
    rng = np.random.default_rng(0)
    for k in range(3):
        img = rng.integers(0, 255, (24, 32, 3), dtype=np.uint8)
        mask = np.zeros((24, 32), np.uint8)
        mask[5:15, 8:20 + k] = 255
        Image.fromarray(img).save(data / "images" / f"p{k}.png")
        Image.fromarray(mask).save(data / "masks" / f"p{k}.png")
    assert main(["--data", str(data), "--split", "all", "--out", str(tmp_path / "grey")]) == 0
    for k in range(3):
        grey = Image.open(tmp_path / "grey" / "images" / f"p{k}.jpg")
        assert grey.mode == "L" and grey.size == (32, 24)
        want = np.asarray(Image.open(data / "masks" / f"p{k}.png"))
        assert np.array_equal(np.asarray(Image.open(tmp_path / "grey" / "masks" / f"p{k}.png")), want)
