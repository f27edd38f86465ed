"""Mask -> box conversion and the YOLO data set folder (synthetic masks, no torch)."""
from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np
import pytest

from detection.yolo_data import (
    DatasetConfig,
    MaskBoxConfig,
    build_yolo_dataset,
    mask_to_boxes,
    read_yolo_labels,
    yolo_lines,
)
from segmentation.data import find_pairs, split_pairs
from tests.conftest import draw_hand


def _mask(h=200, w=300):
    return np.zeros((h, w), np.uint8)


def test_empty_mask_gives_no_box():
    assert mask_to_boxes(_mask()) == []


def test_one_box_per_component_largest_first():
    m = _mask()
    m[20:70, 10:60] = 255  # 2500 px, over a quarter of the big one
    m[100:190, 200:290] = 255  # 8100 px
    assert mask_to_boxes(m) == [(200.0, 100.0, 290.0, 190.0), (10.0, 20.0, 60.0, 70.0)]


@pytest.mark.parametrize("speck", [(5, 5, 8, 8), (150, 20, 158, 28)])
def test_specks_are_dropped(speck):
    m = _mask()
    m[50:150, 100:200] = 255
    x0, y0, x1, y1 = speck
    m[y0:y1, x0:x1] = 255
    assert mask_to_boxes(m) == [(100.0, 50.0, 200.0, 150.0)]


def test_small_relative_component_dropped_but_similar_hand_kept():
    m = _mask(400, 600)
    m[50:250, 50:250] = 255  # 40000
    m[300:330, 500:530] = 255  # 900: a crumb next to a hand (< 25 % of it)
    m[60:230, 350:520] = 255  # 28900: a second hand
    boxes = mask_to_boxes(m)
    assert len(boxes) == 2
    assert boxes[1] == (350.0, 60.0, 520.0, 230.0)


def test_thin_gap_is_joined_and_box_stays_tight():
    m = _mask()
    m[40:100, 50:150] = 255
    m[102:160, 50:150] = 255  # cut by a 2 px strap
    assert mask_to_boxes(m) == [(50.0, 40.0, 150.0, 160.0)]
    apart = mask_to_boxes(m, MaskBoxConfig(join_fraction=0.0))
    assert len(apart) == 2


def test_mask_not_modified():
    m = _mask()
    m[10:20, 10:20] = 255
    before = m.copy()
    mask_to_boxes(m)
    np.testing.assert_array_equal(m, before)


def test_yolo_lines_round_trip(tmp_path):
    boxes = [(10.0, 20.0, 110.0, 70.0), (-5.0, 0.0, 30.0, 40.0)]
    lines = yolo_lines(boxes, 200, 100)
    assert lines[0] == "0 0.300000 0.450000 0.500000 0.500000"
    f = tmp_path / "a.txt"
    f.write_text("\n".join(lines))
    back = read_yolo_labels(f, 200, 100)
    assert back[0] == pytest.approx(boxes[0])
    assert back[1] == pytest.approx((0.0, 0.0, 30.0, 40.0))  # clipped to the image
    assert read_yolo_labels(tmp_path / "missing.txt", 10, 10) == []


def test_yolo_lines_skip_boxes_outside():
    assert yolo_lines([(300.0, 0.0, 400.0, 10.0)], 200, 100) == []


def _mask_folder(root: Path, persons: int = 10, per_person: int = 2) -> Path:
    (root / "images").mkdir(parents=True)
    (root / "masks").mkdir()
    for i in range(persons):
        for j in range(per_person):
            img, mask = draw_hand(60, 80, seed=i * 10 + j)
            stem = f"A_P_hgr1_id{i:02d}_{j}"
            cv2.imwrite(str(root / "images" / f"{stem}.jpg"), cv2.cvtColor(img, cv2.COLOR_RGB2BGR))
            cv2.imwrite(str(root / "masks" / f"{stem}.png"), mask)
    return root


def _box_folder(root: Path) -> Path:
    for split, n in (("train", 3), ("val", 2)):
        (root / "images" / split).mkdir(parents=True)
        (root / "labels" / split).mkdir(parents=True)
        for k in range(n):
            img, _ = draw_hand(64, 64, seed=100 + k)
            cv2.imwrite(str(root / "images" / split / f"b{k}.jpg"), img)
            (root / "labels" / split / f"b{k}.txt").write_text("0 0.5 0.5 0.4 0.6\n")
    return root


def test_build_dataset_never_writes_the_test_split(tmp_path):
    masks = _mask_folder(tmp_path / "hgr")
    boxes = _box_folder(tmp_path / "boxes")
    yaml_path = build_yolo_dataset(tmp_path / "work", [boxes], [masks], DatasetConfig(max_side=40))
    out = yaml_path.parent
    assert "train: images/train" in yaml_path.read_text() and "nc: 1" in yaml_path.read_text()
    splits = split_pairs(find_pairs(masks), 0.15, 0.15, seed=0)
    assert splits["test"], "the synthetic folder should have a test split"
    written = {p.stem for p in (out / "images").rglob("*.jpg")}
    for pair in splits["test"]:
        assert f"hgr__{pair.stem}" not in written
    for pair in splits["val"]:
        assert (out / "images" / "val" / f"hgr__{pair.stem}.jpg").is_file()
    # box data: images linked, labels copied; mask data: downscaled copies with one box each
    assert (out / "images" / "train" / "boxes__b0.jpg").is_symlink()
    assert (out / "labels" / "val" / "boxes__b1.txt").read_text().startswith("0 0.5")
    some = next((out / "images" / "train").glob("hgr__*.jpg"))
    assert max(cv2.imread(str(some)).shape[:2]) == 40
    lines = (out / "labels" / "train" / f"{some.stem}.txt").read_text().splitlines()
    assert len(lines) == 1 and lines[0].startswith("0 ")


def test_build_dataset_subsamples_training_only(tmp_path):
    masks = _mask_folder(tmp_path / "hgr")
    yaml_path = build_yolo_dataset(tmp_path / "work", [], [masks], DatasetConfig(limit_per_source=3))
    out = yaml_path.parent
    n_val = len(split_pairs(find_pairs(masks), 0.15, 0.15, seed=0)["val"])
    assert len(list((out / "images" / "train").iterdir())) == 3
    assert len(list((out / "images" / "val").iterdir())) == n_val
