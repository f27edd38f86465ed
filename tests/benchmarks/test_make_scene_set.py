"""The full-image composite set: hand pixels kept where the mask says, a new background elsewhere."""
from __future__ import annotations

import csv

import numpy as np
from PIL import Image

from benchmarks.make_scene_set import main, scene
from segmentation.composite import FAMILIES
from tests.conftest import draw_hand, make_background_folder, make_pair_folder


def test_scene_keeps_the_hand_in_place_and_replaces_the_background():
    img, mask = draw_hand(120, 160, seed=2)
    for family in FAMILIES:
        out, label = scene(img, mask, family, [np.full((64, 64, 3), 30, np.uint8)], np.random.default_rng(1))
        assert out.shape == img.shape and label.shape == mask.shape and set(np.unique(label)) <= {0, 255}
        assert label[mask == 0].max() == 0  # the label never grows past the source mask
        inner = (label > 0) & (np.abs(np.diff(label.astype(int), axis=0, prepend=0)) == 0)
        # inside the label the hand is the source hand (up to the exposure gain)
        ratio = out[inner].astype(float).mean() / img[inner].astype(float).mean()
        assert 0.5 < ratio < 2.0
        corr = np.corrcoef(out[inner].ravel(), img[inner].ravel())[0, 1]
        assert corr > 0.9
        # the old background is gone
        assert np.abs(out[mask == 0].astype(int) - img[mask == 0].astype(int)).mean() > 10 or family == "flat"


def test_cli_writes_pairs_and_families_deterministically(tmp_path):
    data = make_pair_folder(tmp_path / "hgr", n=12, h=60, w=80)
    boxes = make_background_folder(tmp_path / "hand_boxes")
    args = ["--data", str(data), "--split", "all", "--backgrounds", str(boxes)]
    assert main([*args, "--out", str(tmp_path / "a")]) == 0
    assert main([*args, "--out", str(tmp_path / "b")]) == 0
    rows = list(csv.DictReader(open(tmp_path / "a" / "families.csv")))
    assert len(rows) == 12 and {r["family"] for r in rows} == set(FAMILIES)
    for r in rows:
        a = np.asarray(Image.open(tmp_path / "a" / "masks" / f"{r['name']}.png"))
        b = np.asarray(Image.open(tmp_path / "b" / "masks" / f"{r['name']}.png"))
        assert a.shape == (60, 80) and np.array_equal(a, b)
        assert (tmp_path / "a" / "images" / f"{r['name']}.jpg").is_file()


def test_by_family_links_each_scene_into_its_family_folder(tmp_path):
    data = make_pair_folder(tmp_path / "hgr", n=10, h=40, w=50)
    boxes = make_background_folder(tmp_path / "hand_boxes", n=2, side=64, step=60)
    out = tmp_path / "scenes"
    assert main(["--data", str(data), "--split", "all", "--backgrounds", str(boxes),
                 "--out", str(out), "--by-family"]) == 0
    rows = list(csv.DictReader(open(out / "families.csv")))
    for family in FAMILIES:
        names = sorted(r["name"] for r in rows if r["family"] == family)
        folder = tmp_path / f"scenes_{family}"
        assert sorted(p.stem for p in (folder / "images").iterdir()) == names
        assert sorted(p.stem for p in (folder / "masks").iterdir()) == names
        for n in names:
            assert (folder / "masks" / f"{n}.png").read_bytes() == (out / "masks" / f"{n}.png").read_bytes()
