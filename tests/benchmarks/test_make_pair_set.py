"""The two-hand set: both arms still leave the photo through its edge, labels exact, seeded."""
from __future__ import annotations

import csv

import cv2
import numpy as np
from PIL import Image

from benchmarks.make_pair_set import PAIR_FAMILIES, main, pair_scene, touched_sides, turned_to, usable
from tests.conftest import draw_hand, make_background_folder, make_pair_folder


def arm_photo(h: int, w: int, side: str, value: int) -> tuple[np.ndarray, np.ndarray]:
    """A flat photo with a bar of ``value`` (the arm) running from its middle off the ``side`` edge."""
    img = np.full((h, w, 3), 20, np.uint8)
    mask = np.zeros((h, w), np.uint8)
    cy, cx = h // 2, w // 2
    end = {"bottom": (cx, h - 1), "top": (cx, 0), "left": (0, cy), "right": (w - 1, cy)}[side]
    cv2.line(mask, (cx, cy), end, 255, max(3, min(h, w) // 8))
    cv2.circle(mask, (cx, cy), min(h, w) // 6, 255, -1)
    img[mask > 0] = value
    return img, mask


def test_touched_sides_and_quarter_turns():
    _, mask = arm_photo(40, 60, "bottom", 200)
    assert touched_sides(mask) == ["bottom"]
    for goal in ("left", "top", "right", "bottom"):
        img, turned = turned_to(np.dstack([mask] * 3), mask, "bottom", goal)
        assert touched_sides(turned) == [goal] and np.array_equal(img[..., 0], turned)
    assert touched_sides(draw_hand(40, 60)[1]) == []


def test_two_arms_leave_through_the_same_edge_side_by_side_or_stacked():
    a, b = arm_photo(40, 60, "bottom", 200), arm_photo(30, 50, "left", 120)
    img, mask = pair_scene(a, b, "own", [], np.random.default_rng(0))
    assert img.shape[0] == 40 and mask.shape == img.shape[:2] and img.shape[1] > 60  # side by side
    assert touched_sides(mask) == ["bottom"]
    assert cv2.connectedComponents((mask > 0).astype(np.uint8))[0] == 3  # background + two hands
    assert np.array_equal(img[:, :60], a[0]) and np.array_equal(mask[:, :60], a[1])
    right = mask[:, 60:] > 0
    assert abs(int(np.median(img[:, 60:][right][:, 0])) - 120) <= 2  # B's own hand, where its mask says
    a = arm_photo(40, 60, "right", 200)
    img, mask = pair_scene(a, b, "own", [], np.random.default_rng(0))
    assert img.shape[1] == 60 and img.shape[0] > 40 and touched_sides(mask) == ["right"]  # stacked
    for family in PAIR_FAMILIES[1:]:
        out, label = pair_scene(a, b, family, [np.full((64, 64, 3), 90, np.uint8)], np.random.default_rng(1))
        assert out.shape[:2] == label.shape == mask.shape and set(np.unique(label)) <= {0, 255}
        assert label[mask == 0].max() == 0  # the label never grows past the joined masks


def test_a_photo_cut_by_two_sides_of_the_frame_is_not_used():
    _, mask = arm_photo(40, 60, "bottom", 200)
    mask[:, -3:] = 255
    assert not usable(mask) and usable(arm_photo(40, 60, "bottom", 200)[1])


def test_cli_pairs_different_people_and_is_seeded(tmp_path):
    data = make_pair_folder(tmp_path / "hgr", n=8, h=48, w=64)
    boxes = make_background_folder(tmp_path / "hand_boxes")
    args = ["--data", str(data), "--split", "all", "--backgrounds", str(boxes)]
    assert main([*args, "--out", str(tmp_path / "a")]) == 0
    assert main([*args, "--out", str(tmp_path / "b")]) == 0
    rows = list(csv.DictReader(open(tmp_path / "a" / "families.csv")))
    assert len(rows) == 8 and {r["family"] for r in rows} == set(PAIR_FAMILIES)
    for r in rows:
        first, second = r["name"].removeprefix("hgr_").split("+")
        assert first.split("_")[1] != second.split("_")[1]  # two different persons (idNN)
        a = np.asarray(Image.open(tmp_path / "a" / "masks" / f"{r['name']}.png"))
        b = np.asarray(Image.open(tmp_path / "b" / "masks" / f"{r['name']}.png"))
        assert a.shape == (48, 128) and np.array_equal(a, b)
        assert cv2.connectedComponents((a > 0).astype(np.uint8))[0] == 3
