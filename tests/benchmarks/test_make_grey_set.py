"""The grey evaluation set: single-channel photos, masks untouched, same stems."""
from __future__ import annotations

from benchmarks.make_grey_set import main
from tests.conftest import assert_copies_keep_masks, make_pair_folder


def test_grey_copies_keep_the_masks_and_the_stems(tmp_path):
    data = make_pair_folder(tmp_path / "data", n=3, h=24, w=32)
    assert main(["--data", str(data), "--split", "all", "--out", str(tmp_path / "grey")]) == 0
    assert_copies_keep_masks(data, tmp_path / "grey", "L")
