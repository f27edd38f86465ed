"""Composite detection scenes: training hands pasted into photos and surfaces they never lay on.

The detector's labelled data shows hands in three settings (webcam gestures, a hand on a white
table, the ``hand_boxes`` photos). On a hand raised beside a portrait, cut by the photo's edge,
or lying on a skin-coloured surface it scored no higher than the face beside it (0.23 against
0.26 on a validation photo of ``benchmarks/make_face_set.py``), so MediaPipe and YOLO both
missed it. These scenes put the masked hands of the *training* split (hgr, hands11k) into the
``hand_boxes`` training photos (whose own hands keep their labels, and whose people give the
detector faces and arms to refuse) and onto the segmentation's procedural backgrounds (textures,
flat colours, skin-coloured surfaces, patches of non-hand skin), at any scale, turned, and often
running off the frame. Boxes come from the pasted masks, so they follow the same rule as the
mask data (``mask_to_boxes``). Validation scenes take the validation split's hands and the
``hand_boxes`` validation photos; the test split is never read.

Tried in session 34 and not shipped: the detector found more hands but scored faces and
skin-coloured clothing higher too, and the pipeline lost on most validation sets
(docs/rejected/README.md). Numpy/OpenCV only (no torch), so it is tested in the normal test run.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Sequence

import cv2
import numpy as np

from detection.boxes import Box
from detection.yolo_data import MaskBoxConfig, mask_to_boxes, read_yolo_labels, write_example
from segmentation.composite import background, paste, shift_skin_tone


@dataclass(frozen=True)
class SceneConfig:
    """How composite scenes are drawn.

    Attributes:
        train_count, val_count: scenes written per split.
        size: the canvas's long side in pixels (YOLO trains at 320; a little more keeps the
            letterbox's resampling from being the only detail).
        photo_p: share of scenes on a ``hand_boxes`` photo; the rest on a procedural background
            (``segmentation.composite.background``: texture, flat, skin, distractor).
        second_hand_p: share of scenes with a second pasted hand.
        edge_p: share of hands pushed partly past the frame's edge (a phone photo crops the
            forearm, and often fingers).
        min_side, max_side: the pasted hand's long side as a share of the canvas's long side.
        upright_p: share of hands turned by at most 35 degrees; the rest by any angle.
        skin_tone_p: share of hands moved in Lab to another skin tone.
        max_overlap: a pasted hand may cover at most this share of a labelled hand's box.
    """

    train_count: int = 1000
    val_count: int = 150
    size: int = 480
    photo_p: float = 0.5
    second_hand_p: float = 0.25
    edge_p: float = 0.35
    min_side: float = 0.2
    max_side: float = 0.95
    upright_p: float = 0.6
    skin_tone_p: float = 0.4
    max_overlap: float = 0.1
    seed: int = 0


@dataclass(frozen=True)
class HandCut:
    """One hand cut from a labelled photo: the pixels in its mask's box, and the mask (0/1)."""

    image: np.ndarray
    mask: np.ndarray


def cut_hand(image: np.ndarray, mask: np.ndarray, max_side: int = 640) -> HandCut | None:
    """The mask's bounding box of ``image`` and ``mask``, at most ``max_side`` on its long side."""
    fg = mask > 0
    if fg.sum() < 100:
        return None
    ys, xs = np.nonzero(fg)
    x0, x1, y0, y1 = xs.min(), xs.max() + 1, ys.min(), ys.max() + 1
    img, m = image[y0:y1, x0:x1], fg[y0:y1, x0:x1].astype(np.uint8)
    scale = min(1.0, max_side / max(img.shape[:2]))
    if scale < 1.0:
        dsize = (max(1, round(img.shape[1] * scale)), max(1, round(img.shape[0] * scale)))
        img = cv2.resize(img, dsize, interpolation=cv2.INTER_AREA)
        m = (cv2.resize(m.astype(np.float32), dsize, interpolation=cv2.INTER_LINEAR) > 0.5).astype(np.uint8)
    return HandCut(img, m)


def place_hand(hand: HandCut, canvas_hw: tuple[int, int], rng: np.random.Generator,
               cfg: SceneConfig) -> tuple[np.ndarray, np.ndarray]:
    """The hand warped onto a canvas of ``canvas_hw``: ``(image, mask)``, turned, scaled and moved.

    With probability ``edge_p`` the hand's centre is put near an edge so part of it leaves the
    frame; otherwise the whole hand stays inside where it fits.
    """
    ch, cw = canvas_hw
    h, w = hand.mask.shape
    side = rng.uniform(cfg.min_side, cfg.max_side) * max(ch, cw)
    scale = side / max(h, w)
    angle = rng.uniform(-35, 35) if rng.random() < cfg.upright_p else rng.uniform(-180, 180)
    img, m = hand.image, hand.mask
    if rng.random() < 0.5:
        img, m = img[:, ::-1], m[:, ::-1]
    mat = cv2.getRotationMatrix2D((w / 2, h / 2), angle, scale)
    # extent of the turned hand, to place its centre
    corners = np.array([[0, 0, 1], [w, 0, 1], [0, h, 1], [w, h, 1]], np.float64) @ mat.T
    ext_w, ext_h = np.ptp(corners[:, 0]), np.ptp(corners[:, 1])
    if rng.random() < cfg.edge_p:
        edge = int(rng.integers(4))
        out = rng.uniform(0.15, 0.5)  # share of the hand's extent past the edge
        cx = rng.uniform(0, cw) if edge in (0, 1) else (ext_w * (0.5 - out) if edge == 2 else cw - ext_w * (0.5 - out))
        cy = rng.uniform(0, ch) if edge in (2, 3) else (ext_h * (0.5 - out) if edge == 0 else ch - ext_h * (0.5 - out))
    else:
        cx = rng.uniform(min(ext_w / 2, cw / 2), max(cw - ext_w / 2, cw / 2))
        cy = rng.uniform(min(ext_h / 2, ch / 2), max(ch - ext_h / 2, ch / 2))
    centre = np.array([w / 2, h / 2, 1.0]) @ mat.T
    mat[:, 2] += (cx - centre[0], cy - centre[1])
    warped = cv2.warpAffine(np.ascontiguousarray(img), mat, (cw, ch), flags=cv2.INTER_LINEAR)
    wm = cv2.warpAffine(np.ascontiguousarray(m).astype(np.float32), mat, (cw, ch), flags=cv2.INTER_LINEAR) > 0.5
    return warped, wm.astype(np.uint8)


def _covered(box: Box, mask: np.ndarray) -> float:
    """Share of ``box`` (pixels) covered by ``mask``."""
    x0, y0, x1, y1 = (int(round(v)) for v in box)
    region = mask[max(0, y0):max(0, y1), max(0, x0):max(0, x1)]
    return float(region.mean()) if region.size else 0.0


def make_scene(hands: Sequence[HandCut], rng: np.random.Generator, cfg: SceneConfig,
               photo: tuple[np.ndarray, list[Box]] | None = None) -> tuple[np.ndarray, list[Box]] | None:
    """One scene: ``(RGB image, hand boxes)``, or None if no placement kept the photo's hands clear.

    ``photo`` is a background photo with its labelled hand boxes (pixels), or None for a
    procedural background of ``cfg.size`` square. Each pasted hand must leave every labelled
    hand (and the hand pasted before it) at most ``max_overlap`` covered.
    """
    if photo is not None:
        bg, boxes = photo
        scale = cfg.size / max(bg.shape[:2])
        dsize = (max(1, round(bg.shape[1] * scale)), max(1, round(bg.shape[0] * scale)))
        bg = cv2.resize(bg, dsize, interpolation=cv2.INTER_AREA)
        boxes = [tuple(v * scale for v in b) for b in boxes]
    else:
        first = hands[0]
        skin = np.median(first.image[first.mask > 0], axis=0).astype(np.float32)
        family = ("texture", "flat", "skin", "distractor")[int(rng.choice(4, p=[0.35, 0.15, 0.25, 0.25]))]
        bg = background(family, cfg.size, rng, [], skin)
        boxes = []
    canvas_hw = bg.shape[:2]
    masks = []
    taken = list(boxes)  # the photo's hands, then each pasted hand's boxes
    for hand in hands:
        for _ in range(8):
            x, m = place_hand(hand, canvas_hw, rng, cfg)
            if m.sum() < 0.002 * m.size:
                continue
            if all(_covered(b, m) <= cfg.max_overlap for b in taken):
                break
        else:
            continue
        if rng.random() < cfg.skin_tone_p:
            x = shift_skin_tone(x, m, rng)
        bg = paste(x, m, bg, rng)
        masks.append(m)
        taken += mask_to_boxes(m)
    if not masks:
        return None
    pasted = [b for m in masks for b in mask_to_boxes(m, MaskBoxConfig(min_relative_area=0.25))]
    return bg, list(boxes) + pasted


def load_hands(folders: Sequence[str | Path], split: str, max_side: int = 640, val_fraction: float = 0.15,
               test_fraction: float = 0.15, split_seed: int = 0) -> list[HandCut]:
    """The hands of ``split`` ('train' or 'val') of each mask folder, by the project's person-wise
    split (``split_pairs``, the same fractions and seed as the mask data); 'test' is refused."""
    from segmentation.data import find_pairs, load_pair, split_pairs

    if split not in ("train", "val"):
        raise ValueError("composite scenes use the train or val split only")
    out = []
    for folder in folders:
        for pair in split_pairs(find_pairs(folder), val_fraction, test_fraction, seed=split_seed)[split]:
            image, mask = load_pair(pair)
            cut = cut_hand(image, mask, max_side)
            if cut is not None:
                out.append(cut)
    return out


def load_box_photos(folder: str | Path, split: str) -> list[tuple[np.ndarray, list[Box]]]:
    """``(RGB image, pixel boxes)`` for each photo of a YOLO-format folder's ``split`` (none if
    the folder has no such split)."""
    from detection.evaluate import box_items

    if not (Path(folder) / "images" / split).is_dir():
        return []
    out = []
    for path, label in box_items(folder, split):
        bgr = cv2.imread(str(path))
        if bgr is None:
            continue
        h, w = bgr.shape[:2]
        out.append((cv2.cvtColor(bgr, cv2.COLOR_BGR2RGB), read_yolo_labels(label, w, h)))
    return out


def write_scenes(out: Path, split: str, count: int, hands: Sequence[HandCut],
                 photos: Sequence[tuple[np.ndarray, list[Box]]], cfg: SceneConfig) -> int:
    """Write ``count`` scenes as ``out/images/split/composite_NNNNN.jpg`` with their labels; returns
    the number of boxes written. Seeded by ``cfg.seed`` and the split, so reruns are identical."""
    if not hands:
        return 0
    rng = np.random.default_rng([cfg.seed, 0 if split == "train" else 1])
    n_boxes = 0
    written = 0
    attempts = 0
    while written < count:
        attempts += 1
        if attempts > 20 * count:
            raise RuntimeError(f"only {written} of {count} {split} scenes could be placed: every try covered a "
                               "labelled hand; lower photo_p or raise max_overlap")
        n = 2 if rng.random() < cfg.second_hand_p else 1
        chosen = [hands[int(i)] for i in rng.integers(len(hands), size=n)]
        photo = photos[int(rng.integers(len(photos)))] if photos and rng.random() < cfg.photo_p else None
        scene = make_scene(chosen, rng, cfg, photo)
        if scene is None:
            continue
        image, boxes = scene
        quality = int(rng.integers(70, 96))
        n_boxes += write_example(out, split, f"composite_{written:05d}", image, boxes,
                                 image.shape[:2], quality)
        written += 1
    return n_boxes
