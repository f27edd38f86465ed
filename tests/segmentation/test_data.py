import logging

import numpy as np
import pytest
from PIL import Image

from segmentation.data import PairError, find_pairs, group_of, load_pair, split_pairs
from tests.conftest import draw_hand


def write_pairs(root, n=4, size=(64, 48)):
    (root / "images").mkdir(parents=True)
    (root / "masks").mkdir()
    for i in range(n):
        img, mask = draw_hand(size[1], size[0], seed=i)
        Image.fromarray(img).save(root / "images" / f"A_P_hgr1_id{i % 3 + 1:02d}_{i}.jpg")
        Image.fromarray(mask).save(root / "masks" / f"A_P_hgr1_id{i % 3 + 1:02d}_{i}.png")


def test_images_masks_layout(tmp_path):
    write_pairs(tmp_path)
    pairs = find_pairs(tmp_path)
    assert len(pairs) == 4
    assert {p.group for p in pairs} == {"id01", "id02", "id03"}
    img, mask = load_pair(pairs[0])
    assert img.dtype == np.uint8 and img.shape == (48, 64, 3)
    assert set(np.unique(mask)) <= {0, 255} and mask.shape == (48, 64)


def test_unmatched_and_mismatched_pairs_are_all_listed(tmp_path):
    write_pairs(tmp_path)
    Image.fromarray(np.zeros((10, 10, 3), np.uint8)).save(tmp_path / "images" / "lonely.jpg")
    Image.fromarray(np.zeros((10, 10), np.uint8)).save(tmp_path / "masks" / "A_P_hgr1_id01_0.png")  # wrong size
    with pytest.raises(PairError) as err:
        find_pairs(tmp_path)
    msg = str(err.value)
    assert "lonely" in msg and "without a mask" in msg
    assert "size mismatch" in msg and "A_P_hgr1_id01_0" in msg


def test_unknown_layout(tmp_path):
    with pytest.raises(PairError, match="expected images/"):
        find_pairs(tmp_path)


def test_original_no_bg_layout_rgba_and_black_jpeg(tmp_path, caplog):
    (tmp_path / "original").mkdir()
    (tmp_path / "no_bg").mkdir()
    img, mask = draw_hand(96, 128)
    Image.fromarray(img).save(tmp_path / "original" / "a.jpg")
    Image.fromarray(np.dstack([img, mask])).save(tmp_path / "no_bg" / "a.png")
    cut = img.copy()
    cut[mask == 0] = 0
    cut[5, 5] = 90  # a crumb of noise on the background
    Image.fromarray(img).save(tmp_path / "original" / "b.jpg")
    Image.fromarray(cut).save(tmp_path / "no_bg" / "b.jpeg", quality=70)
    pairs = {p.stem: p for p in find_pairs(tmp_path)}
    _, ma = load_pair(pairs["a"])
    assert np.array_equal(ma, mask)
    with caplog.at_level(logging.WARNING):
        _, mb = load_pair(pairs["b"])
    assert "no alpha channel" in caplog.text
    iou = ((mb > 0) & (mask > 0)).sum() / ((mb > 0) | (mask > 0)).sum()
    assert iou > 0.9
    # JPEG speckle cleaned: a single component, no pinholes
    import cv2

    assert cv2.connectedComponents((mb > 0).astype(np.uint8))[0] == 2


def test_exif_orientation_applied_to_image(tmp_path):
    write_pairs(tmp_path, n=1, size=(64, 48))
    p = find_pairs(tmp_path)[0]
    arr = np.asarray(Image.open(p.image).transpose(Image.Transpose.ROTATE_90))  # stored 48 wide x 64 high
    exif = Image.Exif()
    exif[0x0112] = 6  # "rotate 90 CW to display": displayed 64 wide x 48 high again
    Image.fromarray(arr).save(p.image, exif=exif)
    img, mask = load_pair(p)
    assert img.shape[:2] == mask.shape == (48, 64)


def test_group_of():
    assert group_of("0_A_hgr2B_id04_1") == "id04"
    assert group_of("Hand_0000002", {"Hand_0000002": "0000000"}) == "subj0000000"
    assert group_of("plain") == "plain"


def test_split_is_by_group_deterministic_and_complete(tmp_path):
    write_pairs(tmp_path, n=30)
    pairs = find_pairs(tmp_path)
    a = split_pairs(pairs, 0.3, 0.3, seed=1)
    b = split_pairs(list(reversed(pairs)), 0.3, 0.3, seed=1)
    assert {k: [p.stem for p in v] for k, v in a.items()} == {k: [p.stem for p in v] for k, v in b.items()}
    assert sum(len(v) for v in a.values()) == 30
    groups = [{p.group for p in v} for v in a.values()]
    assert not (groups[0] & groups[1]) and not (groups[0] & groups[2]) and not (groups[1] & groups[2])


def test_image_split_keeps_person_groups_and_argument_selection(tmp_path):
    import argparse

    from segmentation.data import add_split_arguments, split_from_arguments, split_pairs_by
    from tests.conftest import make_pair_folder

    root = make_pair_folder(tmp_path / "d", n=20)
    pairs = find_pairs(root)
    by_image = split_pairs_by(pairs, "image", 0.2, 0.0)
    assert len(by_image["val"]) == 4 and not by_image["test"]
    assert {p.group for p in by_image["train"]} == {"id00", "id01", "id02", "id03"}
    assert all(p.group == group_of(p.stem) for p in by_image["val"])  # person ids survive the split
    with pytest.raises(ValueError, match="split unit"):
        split_pairs_by(pairs, "frame")

    parser = argparse.ArgumentParser()
    add_split_arguments(parser, "which split", default_split="val")
    args = parser.parse_args(["--split-by", "image", "--val-fraction", "0.2", "--test-fraction", "0", "--groups", "id01, id02"])
    chosen = split_from_arguments(root, args)
    assert {p.stem for p in chosen} == {p.stem for p in by_image["val"] if p.group in ("id01", "id02")}
    every = split_from_arguments(root, parser.parse_args(["--split", "all", "--groups", "id03"]))
    assert len(every) == 5 and {p.group for p in every} == {"id03"}
