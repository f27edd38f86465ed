"""Composite detection scenes: boxes follow the pasted hands, labelled photo hands stay labelled
and uncovered, the test split is never read, and a seed gives the same scenes."""
from __future__ import annotations

import json
from pathlib import Path

import cv2
import numpy as np
import pytest

from detection.yolo_composites import HandCut, SceneConfig, cut_hand, make_scene, place_hand, write_scenes
from detection.yolo_data import DatasetConfig, build_yolo_dataset, read_yolo_labels
from segmentation.data import find_pairs, split_pairs
from tests.conftest import draw_hand
from tests.detection.test_yolo_data import _box_folder, _mask_folder


def _hand(seed: int = 0) -> HandCut:
    img, mask = draw_hand(120, 160, seed=seed)
    cut = cut_hand(img, mask)
    assert cut is not None
    return cut


def test_cut_hand_is_the_masks_box_and_refuses_specks():
    img, mask = draw_hand(120, 160, seed=1)
    cut = cut_hand(img, mask)
    ys, xs = np.nonzero(mask)
    assert cut.mask.shape == (ys.max() - ys.min() + 1, xs.max() - xs.min() + 1)
    assert cut.image.shape[:2] == cut.mask.shape
    assert cut.mask[0].any() and cut.mask[-1].any() and cut.mask[:, 0].any() and cut.mask[:, -1].any()
    speck = np.zeros_like(mask)
    speck[5:8, 5:8] = 255
    assert cut_hand(img, speck) is None
    small = cut_hand(img, mask, max_side=30)
    assert max(small.mask.shape) == 30


def test_placed_hand_keeps_image_and_mask_aligned():
    hand = _hand()
    rng = np.random.default_rng(3)
    cfg = SceneConfig(edge_p=0.0)
    for _ in range(5):
        img, m = place_hand(hand, (200, 300), rng, cfg)
        assert img.shape == (200, 300, 3) and m.shape == (200, 300)
        assert m.any()
        # the hand is skin-coloured (red channel high) where the mask is, also just inside its edge
        assert img[m > 0][:, 0].mean() > 150
        inner = cv2.erode(m, np.ones((5, 5), np.uint8)) > 0
        assert img[inner][:, 0].min() > 120


def test_edge_hands_leave_the_frame():
    hand = _hand()
    rng = np.random.default_rng(0)
    cfg = SceneConfig(edge_p=1.0, min_side=0.5, max_side=0.6)
    touching = 0
    for _ in range(10):
        _, m = place_hand(hand, (200, 200), rng, cfg)
        touching += bool(m[0].any() or m[-1].any() or m[:, 0].any() or m[:, -1].any())
    assert touching >= 8


def test_scene_boxes_cover_pasted_hands_and_keep_photo_labels():
    rng = np.random.default_rng(5)
    photo = np.full((300, 400, 3), 90, np.uint8)
    labelled = [(20.0, 20.0, 120.0, 140.0)]
    cfg = SceneConfig(size=200, min_side=0.3, max_side=0.4, edge_p=0.0)
    scene = make_scene([_hand(1)], rng, cfg, (photo, labelled))
    assert scene is not None
    image, boxes = scene
    assert image.shape == (150, 200, 3)  # long side scaled to cfg.size
    assert boxes[0] == pytest.approx((10.0, 10.0, 60.0, 70.0))  # the photo's own hand, rescaled
    assert len(boxes) == 2
    x0, y0, x1, y1 = (int(v) for v in boxes[1])
    # the pasted hand is skin coloured inside its box, and covers little of the labelled hand
    assert image[y0:y1, x0:x1, 0].max() > 150
    assert image[10:70, 10:60, 0].mean() < 120


def test_procedural_scene_with_two_hands():
    rng = np.random.default_rng(2)
    cfg = SceneConfig(size=160, min_side=0.25, max_side=0.3, edge_p=0.0)
    scene = make_scene([_hand(1), _hand(2)], rng, cfg)
    assert scene is not None
    image, boxes = scene
    assert image.shape == (160, 160, 3) and image.dtype == np.uint8
    assert 1 <= len(boxes) <= 2
    for x0, y0, x1, y1 in boxes:
        assert 0 <= x0 < x1 <= 160 and 0 <= y0 < y1 <= 160


def test_write_scenes_is_seeded(tmp_path):
    hands = [_hand(s) for s in range(3)]
    photos = [(np.full((120, 160, 3), 60, np.uint8), [])]
    cfg = SceneConfig(size=96, seed=4)
    for run in ("a", "b"):
        n = write_scenes(tmp_path / run, "train", 4, hands, photos, cfg)
        assert n >= 4
    for k in range(4):
        a = tmp_path / "a" / "labels" / "train" / f"composite_{k:05d}.txt"
        b = tmp_path / "b" / "labels" / "train" / f"composite_{k:05d}.txt"
        assert a.read_text() == b.read_text()
        img_a = cv2.imread(str(tmp_path / "a" / "images" / "train" / f"composite_{k:05d}.jpg"))
        img_b = cv2.imread(str(tmp_path / "b" / "images" / "train" / f"composite_{k:05d}.jpg"))
        assert np.array_equal(img_a, img_b)
        h, w = img_a.shape[:2]
        assert read_yolo_labels(a, w, h)


def test_dataset_with_scenes_uses_train_and_val_hands_only(tmp_path):
    masks = _mask_folder(tmp_path / "hgr")
    boxes = _box_folder(tmp_path / "boxes")
    cfg = SceneConfig(train_count=5, val_count=2, size=80)
    yaml_path = build_yolo_dataset(tmp_path / "work", [boxes], [masks], DatasetConfig(max_side=40), cfg)
    out = yaml_path.parent
    assert len(list((out / "images" / "train").glob("composite_*.jpg"))) == 5
    assert len(list((out / "images" / "val").glob("composite_*.jpg"))) == 2
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["sources"]["composites"]["train"] == 5
    assert manifest["scenes"]["train_count"] == 5
    # the test split is refused; the val split gives one hand per validation photo
    from detection.yolo_composites import load_hands

    splits = split_pairs(find_pairs(masks), 0.15, 0.15, seed=0)
    with pytest.raises(ValueError):
        load_hands([masks], "test")
    assert len(load_hands([masks], "val")) == len(splits["val"])


def test_write_scenes_gives_up_with_a_reason_when_no_placement_fits(tmp_path):
    # a photo that is one labelled hand from edge to edge leaves no room for another
    photos = [(np.full((100, 100, 3), 60, np.uint8), [(0.0, 0.0, 100.0, 100.0)])]
    cfg = SceneConfig(size=64, photo_p=1.0, max_overlap=0.0, min_side=0.5)
    with pytest.raises(RuntimeError, match="could be placed"):
        write_scenes(tmp_path, "train", 2, [_hand(0)], photos, cfg)
