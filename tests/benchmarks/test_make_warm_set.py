"""The warm evaluation set: photos under a warm cast, masks untouched, same stems."""
from __future__ import annotations

import cv2
import numpy as np

from benchmarks.make_warm_set import main, warm
from pipeline.colour import chroma_plane
from tests.conftest import assert_copies_keep_masks, make_pair_folder


def test_a_warm_cast_makes_skin_more_vivid_and_keeps_the_brightness():
    skin = np.zeros((8, 8, 3), np.uint8)
    skin[:] = (205, 150, 120)
    grey = np.full((8, 8, 3), 128, np.uint8)
    lit = warm(np.concatenate([skin, grey]))
    assert chroma_plane(lit[:8]).mean() > chroma_plane(skin).mean() + 10  # skin under the lamp: far more vivid
    assert lit[8:, :, 0].mean() > lit[8:, :, 2].mean() + 20  # a grey wall turns warm too
    before = cv2.cvtColor(np.concatenate([skin, grey]), cv2.COLOR_RGB2GRAY).mean()
    assert abs(cv2.cvtColor(lit, cv2.COLOR_RGB2GRAY).mean() - before) < 12


def test_warm_copies_keep_the_masks_and_the_stems(tmp_path):
    data = make_pair_folder(tmp_path / "data", n=3, h=24, w=32)
    assert main(["--data", str(data), "--split", "all", "--out", str(tmp_path / "warm")]) == 0
    assert_copies_keep_masks(data, tmp_path / "warm", "RGB")
