"""The grey evaluation set: single-channel photos, masks untouched, same stems."""
from __future__ import annotations

import numpy as np
from PIL import Image

from benchmarks.make_grey_set import main
from tests.conftest import make_pair_folder


def test_grey_copies_keep_the_masks_and_the_stems(tmp_path):
    data = make_pair_folder(tmp_path / "data", n=3, h=24, w=32)
    assert main(["--data", str(data), "--split", "all", "--out", str(tmp_path / "grey")]) == 0
    stems = sorted(m.stem for m in (data / "masks").glob("*.png"))
    assert len(stems) == 3
    for stem in stems:
        grey = Image.open(tmp_path / "grey" / "images" / f"{stem}.jpg")
        assert grey.mode == "L" and grey.size == (32, 24)
        want = np.asarray(Image.open(data / "masks" / f"{stem}.png"))
        assert np.array_equal(np.asarray(Image.open(tmp_path / "grey" / "masks" / f"{stem}.png")), want)
