"""The warm evaluation set: photos under a warm cast, masks untouched, same stems."""
from __future__ import annotations

import cv2
import numpy as np
from PIL import Image

from benchmarks.make_warm_set import main, warm
from tests.conftest import make_pair_folder


def _chroma(rgb: np.ndarray) -> float:
    lab = cv2.cvtColor(np.ascontiguousarray(rgb), cv2.COLOR_RGB2LAB).astype(np.float32)
    return float(np.hypot(lab[..., 1] - 128, lab[..., 2] - 128).mean())


def test_a_warm_cast_makes_skin_more_vivid_and_keeps_the_brightness():
    skin = np.zeros((8, 8, 3), np.uint8)
    skin[:] = (205, 150, 120)
    grey = np.full((8, 8, 3), 128, np.uint8)
    lit = warm(np.concatenate([skin, grey]))
    assert _chroma(lit[:8]) > _chroma(skin) + 10  # skin under the lamp: far more vivid
    assert lit[8:, :, 0].mean() > lit[8:, :, 2].mean() + 20  # a grey wall turns warm too
    before = cv2.cvtColor(np.concatenate([skin, grey]), cv2.COLOR_RGB2GRAY).mean()
    assert abs(cv2.cvtColor(lit, cv2.COLOR_RGB2GRAY).mean() - before) < 12


def test_warm_copies_keep_the_masks_and_the_stems(tmp_path):
    data = make_pair_folder(tmp_path / "data", n=3, h=24, w=32)
    assert main(["--data", str(data), "--split", "all", "--out", str(tmp_path / "warm")]) == 0
    stems = sorted(m.stem for m in (data / "masks").glob("*.png"))
    assert len(stems) == 3
    for stem in stems:
        lit = Image.open(tmp_path / "warm" / "images" / f"{stem}.jpg")
        assert lit.mode == "RGB" and lit.size == (32, 24)
        want = np.asarray(Image.open(data / "masks" / f"{stem}.png"))
        assert np.array_equal(np.asarray(Image.open(tmp_path / "warm" / "masks" / f"{stem}.png")), want)
