"""Shared fixtures: tiny synthetic images and masks made in the test, and fakes for the stages."""
from __future__ import annotations

import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

from pathlib import Path

import cv2
import numpy as np
import pytest

from detection.types import HandBox

REPO = Path(__file__).resolve().parent.parent
SAMPLES = REPO / "samples"
SHIPPED_MODEL = REPO / "models" / "hand_unet.tflite"


def draw_hand(h: int = 240, w: int = 320, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """A crude skin-coloured 'hand' (palm disc + five finger bars, spread apart) on a textured background."""
    rng = np.random.default_rng(seed)
    img = (rng.normal(0, 6, (h, w, 3)) + [60, 90, 140]).clip(0, 255).astype(np.uint8)
    mask = np.zeros((h, w), np.uint8)
    cx, cy, r = w // 2, int(h * 0.62), int(min(h, w) * 0.18)
    cv2.circle(mask, (cx, cy), r, 255, -1)
    for i, ang in enumerate(np.linspace(-70, 70, 5)):
        a = np.deg2rad(ang)
        x1 = int(cx + np.sin(a) * r * 2.2)
        y1 = int(cy - np.cos(a) * r * 2.2)
        cv2.line(mask, (cx, cy), (x1, y1), 255, max(3, r // 3))
    img[mask > 0] = (rng.normal(0, 4, (int((mask > 0).sum()), 3)) + [205, 150, 120]).clip(0, 255).astype(np.uint8)
    return img, mask


class FakeDetector:
    """Returns fixed boxes (or ready-made ``HandBox``es, landmarks and all), so pipeline tests do
    not depend on MediaPipe."""

    name = "fake"

    def __init__(self, boxes):
        self.boxes = boxes

    def detect(self, image_rgb, faces=None, silhouette=None):  # both: what the pipeline passes to ``auto``
        return [b if isinstance(b, HandBox) else HandBox(b, 0.9, source="fake") for b in self.boxes]


class ColourSegmenter:
    """Marks skin-coloured crop pixels as hand: exact on :func:`draw_hand` images, so a test of the
    crop/paste geometry measures the geometry, not a model. Soft output is smoothed like a model's."""

    def __init__(self, size: int = 64):
        self.size = size
        self.batches: list[int] = []

    def predict(self, crops):
        crops = np.asarray(crops)
        self.batches.append(len(crops))
        r, b = crops[..., 0].astype(np.float32), crops[..., 2].astype(np.float32)
        hard = ((r - b) > 40).astype(np.float32)
        return np.stack([cv2.GaussianBlur(m, (3, 3), 0.8) for m in hard]).astype(np.float32)


def make_background_folder(root: Path, n: int = 4, side: int = 100, step: int = 40) -> Path:
    """A ``hand_boxes``-like folder whose ``images/val`` holds ``n`` flat grey photos (``step * i``)
    and no hand boxes: the backgrounds the scene-set builders draw from."""
    from PIL import Image

    (root / "images" / "val").mkdir(parents=True)
    (root / "labels" / "val").mkdir(parents=True)
    for i in range(n):
        Image.fromarray(np.full((side, side, 3), step * i, np.uint8)).save(root / "images" / "val" / f"b{i}.jpg")
    return root


def make_pair_folder(root: Path, n: int = 12, h: int = 48, w: int = 64) -> Path:
    """An ``images/`` + ``masks/`` data folder of ``n`` drawn hands spread over 4 persons (idNN)."""
    from PIL import Image

    (root / "images").mkdir(parents=True)
    (root / "masks").mkdir()
    for i in range(n):
        img, mask = draw_hand(h, w, seed=i)
        Image.fromarray(img).save(root / "images" / f"x_id{i % 4:02d}_{i}.jpg")
        Image.fromarray(mask).save(root / "masks" / f"x_id{i % 4:02d}_{i}.png")
    return root


def assert_copies_keep_masks(data: Path, out: Path, mode: str) -> None:
    """A held-out copy of ``data`` (``make_pair_folder``'s 3 pairs of 24x32, re-made by a benchmark
    script into ``out``): every stem is there, each photo a JPEG in ``mode`` at its own size, and
    each mask unchanged."""
    from PIL import Image

    stems = sorted(m.stem for m in (data / "masks").glob("*.png"))
    assert len(stems) == 3
    for stem in stems:
        photo = Image.open(out / "images" / f"{stem}.jpg")
        assert photo.mode == mode and photo.size == (32, 24)
        want = np.asarray(Image.open(data / "masks" / f"{stem}.png"))
        assert np.array_equal(np.asarray(Image.open(out / "masks" / f"{stem}.png")), want)


@pytest.fixture
def hand_image():
    return draw_hand()


@pytest.fixture(scope="session")
def tiny_model_path(tmp_path_factory) -> Path:
    """An untrained 32x32 U-Net saved to disk: exercises loading and shapes, not quality."""
    import keras

    from segmentation.model import build_unet

    keras.utils.set_random_seed(0)  # the same untrained weights every run: no test depends on luck
    path = tmp_path_factory.mktemp("model") / "tiny.keras"
    build_unet((32, 32), (4, 8, 16), dropout=0.0).save(path)
    return path
