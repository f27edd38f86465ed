"""Copy-paste compositing: the training hands on backgrounds they were never photographed on.

The labelled data shows two settings only (indoor webcam gestures; a hand on a white table).
Pasting the masked hand of a training crop onto other backgrounds — hand-free regions of real
photos, procedural textures, flat colours, and hard negatives such as skin-coloured surfaces
and patches of skin that are not the hand (labelled background) — teaches the model the
hand's shape and edge instead of "whatever differs from this background".

It works in crop space (after :func:`segmentation.augment.make_crop_sample`), so it costs a
few 256x256 operations per sample. Background families: ``photo``, ``texture``, ``flat``,
``skin`` (skin-coloured surface), ``distractor`` (any background plus non-hand skin patches).
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Sequence

import cv2
import numpy as np

FAMILIES = ("photo", "texture", "flat", "skin", "distractor")

# Skin tones from very pale to very dark (RGB), used for skin-coloured surfaces and tone shifts.
SKIN_PALETTE = np.array(
    [[255, 224, 196], [241, 194, 167], [224, 172, 140], [198, 134, 104], [161, 102, 72], [120, 75, 50],
     [87, 53, 36], [233, 190, 150], [212, 160, 120], [180, 130, 90]],
    dtype=np.float32,
)


@dataclass(frozen=True)
class CompositeConfig:
    p: float = 0.5  # share of samples composited; the rest keep their real scene
    second_hand_p: float = 0.15
    skin_tone_p: float = 0.3  # shift the hand's tone in Lab across the range of human skin
    family_weights: tuple[float, ...] = (0.3, 0.25, 0.1, 0.2, 0.15)
    #: share of procedural textures drawn as a busy print (terrazzo/granite speckle, floral cloth)
    #: instead of the five plain kinds; 0 keeps the seeded validation and test composites as they were
    print_p: float = 0.0


def load_photo_backgrounds(root: str | Path, split: str = "train", size: int = 320, limit: int = 0) -> list[np.ndarray]:
    """Hand-free regions of the ``hand_boxes`` photos (YOLO layout): each box is blacked out of
    a copy and the largest hand-free rectangles are kept.

    Rectangles at least 30 % of the image side are kept, resized so their short side is ``size``.
    """
    root = Path(root)
    out: list[np.ndarray] = []
    images = sorted((root / "images" / split).glob("*.jpg"))
    if limit:
        images = images[:limit]
    for img_path in images:
        img = cv2.imread(str(img_path))
        if img is None:
            continue
        h, w = img.shape[:2]
        free = np.ones((h, w), bool)
        label = root / "labels" / split / (img_path.stem + ".txt")
        if label.exists():
            for line in label.read_text().split("\n"):
                parts = line.split()
                if len(parts) < 5:
                    continue
                cx, cy, bw, bh = (float(v) for v in parts[1:5])
                x0, x1 = int((cx - bw * 0.6) * w), int((cx + bw * 0.6) * w)
                y0, y1 = int((cy - bh * 0.6) * h), int((cy + bh * 0.6) * h)
                free[max(0, y0):max(0, y1), max(0, x0):max(0, x1)] = False
        # candidate strips: left/right/top/bottom of the union of boxes
        ys, xs = np.nonzero(~free)
        if len(xs) == 0:
            rects = [(0, 0, w, h)]
        else:
            bx0, by0, bx1, by1 = xs.min(), ys.min(), xs.max() + 1, ys.max() + 1
            rects = [(0, 0, bx0, h), (bx1, 0, w, h), (0, 0, w, by0), (0, by1, w, h)]
        for x0, y0, x1, y1 in rects:
            if min(x1 - x0, y1 - y0) >= 0.3 * min(h, w):
                crop = img[y0:y1, x0:x1]
                s = size / min(crop.shape[:2])
                crop = cv2.resize(crop, (max(size, round(crop.shape[1] * s)), max(size, round(crop.shape[0] * s))),
                                  interpolation=cv2.INTER_AREA)
                out.append(cv2.cvtColor(crop, cv2.COLOR_BGR2RGB))
    return out


def _random_crop(img: np.ndarray, size: int, rng: np.random.Generator) -> np.ndarray:
    h, w = img.shape[:2]
    if min(h, w) < size:
        s = size / min(h, w)
        img = cv2.resize(img, (max(size, round(w * s)), max(size, round(h * s))))
        h, w = img.shape[:2]
    y, x = int(rng.integers(0, h - size + 1)), int(rng.integers(0, w - size + 1))
    out = img[y:y + size, x:x + size]
    return out[:, ::-1].copy() if rng.random() < 0.5 else out.copy()


def _colour(rng: np.random.Generator) -> np.ndarray:
    return rng.uniform(0, 255, 3).astype(np.float32)


def _ground(rng: np.random.Generator) -> np.ndarray:
    """The base colour of a surface: real floors and cloths are mostly pale or skin-like, so the
    random colour is drawn only a third of the time."""
    pick = rng.random()
    if pick < 0.4:
        return rng.uniform(185, 250) * rng.uniform(0.93, 1.0, 3).astype(np.float32)
    if pick < 0.67:
        return SKIN_PALETTE[rng.integers(len(SKIN_PALETTE))] * rng.uniform(0.85, 1.1)
    return _colour(rng)


def speckle(size: int, rng: np.random.Generator) -> np.ndarray:
    """Terrazzo, granite or speckled laminate: layers of sharp-edged flecks of a few colours.

    The hand_boxes photos show such floors kept as 'hand' between spread fingers: the flecks
    break the surface into pieces the size of a fingertip's shading, which plain noise does not.
    """
    img = np.full((size, size, 3), _ground(rng), np.float32)
    for _ in range(int(rng.integers(2, 5))):
        n = cv2.GaussianBlur(rng.random((size, size)).astype(np.float32), (0, 0), rng.uniform(0.6, 2.2))
        fleck = n > np.quantile(n, rng.uniform(0.8, 0.97))
        tone = rng.random()
        if tone < 0.3:  # dark stone
            colour = rng.uniform(20, 90) * rng.uniform(0.85, 1.0, 3)
        elif tone < 0.55:  # white marble chips
            colour = rng.uniform(200, 255) * rng.uniform(0.92, 1.0, 3)
        elif tone < 0.85:  # a shade of the colour in the corner by now: mostly the ground's
            colour = img[0, 0] * rng.uniform(0.6, 1.15)
        else:
            colour = _colour(rng)
        img[fleck] = colour
    if rng.random() < 0.4:  # tile joints
        period = int(rng.integers(size // 3, 2 * size))
        a = rng.uniform(0, np.pi)
        yy, xx = np.mgrid[0:size, 0:size].astype(np.float32)
        u, v = xx * np.cos(a) + yy * np.sin(a), -xx * np.sin(a) + yy * np.cos(a)
        joint = ((u % period) < 2) | ((v % period) < 2)
        img[joint] *= rng.uniform(0.4, 0.8)
    img = cv2.GaussianBlur(img, (0, 0), rng.uniform(0.3, 0.9))
    img += rng.normal(0, rng.uniform(1, 5), img.shape)
    return np.clip(img, 0, 255).astype(np.uint8)


def floral(size: int, rng: np.random.Generator) -> np.ndarray:
    """A printed cloth: flowers of a few petals, leaves and dots on a (mostly pale) ground, with
    soft folds. The hand_boxes photos show pale floral cloth kept between the fingers."""
    img = np.full((size, size, 3), _ground(rng), np.float32)
    petal_colours = [rng.uniform([150, 40, 60], [255, 190, 210]) if rng.random() < 0.6 else _colour(rng)
                     for _ in range(int(rng.integers(1, 4)))]
    leaf = rng.uniform([40, 90, 30], [150, 200, 120])
    scale = rng.uniform(0.03, 0.12) * size
    for _ in range(int(rng.integers(4, 30))):
        cx, cy = rng.uniform(-0.1, 1.1, 2) * size
        r = scale * rng.uniform(0.6, 1.4)
        colour = petal_colours[int(rng.integers(len(petal_colours)))]
        if rng.random() < 0.5:  # a leaf or two beside the flower
            a = rng.uniform(0, 360)
            lx, ly = cx + 1.4 * r * np.cos(np.radians(a)), cy + 1.4 * r * np.sin(np.radians(a))
            cv2.ellipse(img, (int(lx), int(ly)), (max(1, int(r * 0.7)), max(1, int(r * 0.3))), a, 0, 360,
                        leaf.tolist(), -1, cv2.LINE_AA)
        petals = int(rng.integers(4, 8))
        turn = rng.uniform(0, 360)
        for k in range(petals):
            a = turn + 360 * k / petals
            px, py = cx + 0.55 * r * np.cos(np.radians(a)), cy + 0.55 * r * np.sin(np.radians(a))
            cv2.ellipse(img, (int(px), int(py)), (max(1, int(r * 0.5)), max(1, int(r * 0.3))), a, 0, 360,
                        (colour * rng.uniform(0.85, 1.1)).tolist(), -1, cv2.LINE_AA)
        cv2.circle(img, (int(cx), int(cy)), max(1, int(r * 0.2)), (colour * 0.6).tolist(), -1, cv2.LINE_AA)
    for _ in range(int(rng.integers(0, 60))):  # scattered dots and sprigs
        x, y = (int(v) for v in rng.integers(0, size, 2))
        cv2.circle(img, (x, y), int(rng.integers(1, 3)), petal_colours[0].tolist(), -1, cv2.LINE_AA)
    folds = cv2.GaussianBlur(rng.random((size, size)).astype(np.float32), (0, 0), size / 6)
    folds = 0.85 + 0.3 * (folds - folds.min()) / (np.ptp(folds) + 1e-6)
    img = cv2.GaussianBlur(img * folds[..., None], (0, 0), rng.uniform(0.3, 1.2))
    img += rng.normal(0, rng.uniform(1, 4), img.shape)
    return np.clip(img, 0, 255).astype(np.uint8)


def texture(size: int, rng: np.random.Generator, print_p: float = 0.0) -> np.ndarray:
    """Noise, stripes, grids, wood-like grain or a printed page; with ``print_p``, that share are
    busy prints instead (:func:`speckle`, :func:`floral`). At 0 no extra random number is drawn,
    so seeded sets made before the prints existed come out the same."""
    if print_p and rng.random() < print_p:
        return speckle(size, rng) if rng.random() < 0.5 else floral(size, rng)
    kind = rng.integers(5)
    yy, xx = np.mgrid[0:size, 0:size].astype(np.float32)
    c1, c2 = _colour(rng), _colour(rng)
    if kind == 0:  # smooth or fine noise
        n = cv2.GaussianBlur(rng.random((size, size)).astype(np.float32), (0, 0), rng.uniform(0.5, 8))
        t = (n - n.min()) / (np.ptp(n) + 1e-6)
    elif kind == 1:  # stripes at any angle
        a = rng.uniform(0, np.pi)
        t = 0.5 + 0.5 * np.sign(np.sin((xx * np.cos(a) + yy * np.sin(a)) * rng.uniform(0.05, 0.5)))
    elif kind == 2:  # grid / tiles / keyboard-like
        period = rng.integers(8, 48)
        t = (((xx % period) < 2) | ((yy % period) < 2)).astype(np.float32)
    elif kind == 3:  # wood-like grain
        warp = cv2.GaussianBlur(rng.random((size, size)).astype(np.float32), (0, 0), 12) * 40
        t = 0.5 + 0.5 * np.sin((yy + warp) * rng.uniform(0.1, 0.4))
        c1 = np.array([rng.uniform(120, 200), rng.uniform(70, 140), rng.uniform(30, 80)], np.float32)
        c2 = c1 * rng.uniform(0.6, 0.85)
    else:  # printed page: lines of dark glyph-like marks on a light ground
        page = np.full((size, size, 3), rng.uniform(200, 250), np.float32)
        ink = rng.uniform(0, 80, 3)
        for y in range(int(rng.integers(6, 14)), size, int(rng.integers(10, 22))):
            x = int(rng.integers(0, 10))
            while x < size - 10:
                word = "".join(chr(int(c)) for c in rng.integers(97, 123, int(rng.integers(2, 8))))
                cv2.putText(page, word, (x, y), cv2.FONT_HERSHEY_SIMPLEX, rng.uniform(0.3, 0.5), ink.tolist(), 1)
                x += 8 * len(word) + int(rng.integers(4, 12))
        return np.clip(page, 0, 255).astype(np.uint8)
    img = c1 * t[..., None] + c2 * (1 - t[..., None])
    img += rng.normal(0, rng.uniform(1, 8), img.shape)
    return np.clip(img, 0, 255).astype(np.uint8)


def flat(size: int, rng: np.random.Generator) -> np.ndarray:
    """A flat colour with a lighting gradient and sensor noise."""
    yy, xx = np.mgrid[0:size, 0:size].astype(np.float32) / size
    grad = 1 + (xx - 0.5) * rng.uniform(-0.4, 0.4) + (yy - 0.5) * rng.uniform(-0.4, 0.4)
    img = _colour(rng) * grad[..., None] + rng.normal(0, 3, (size, size, 3))
    return np.clip(img, 0, 255).astype(np.uint8)


def skin_surface(size: int, rng: np.random.Generator, skin_rgb: np.ndarray | None = None,
                 print_p: float = 0.0) -> np.ndarray:
    """A hard negative: a surface the colour of skin (beige wall, salmon cloth, light wood).

    Half the time (when ``skin_rgb`` is given) it takes *this* hand's own colour, as pale wood
    under a pale hand does: then only the hand's shape and edge can separate the two.
    """
    if skin_rgb is not None and rng.random() < 0.5:
        base = skin_rgb * rng.uniform(0.88, 1.12, 3)
    else:
        base = SKIN_PALETTE[rng.integers(len(SKIN_PALETTE))] * rng.uniform(0.8, 1.1)
    t = texture(size, rng, print_p).astype(np.float32)
    t = (t - t.mean()) * rng.uniform(0.05, 0.3)
    img = base + t + rng.normal(0, 2, (size, size, 3))
    return np.clip(img, 0, 255).astype(np.uint8)


def add_skin_distractors(bg: np.ndarray, skin_rgb: np.ndarray, rng: np.random.Generator, n: int) -> np.ndarray:
    """Paint shaded patches of the hand's own skin colour, shaped like an arm, cheek or blob, onto
    the background. They stay labelled background: skin colour alone does not make a hand."""
    out = bg.astype(np.float32)
    size = bg.shape[0]
    for _ in range(n):
        shape = np.zeros((size, size), np.uint8)
        cx, cy = (int(v) for v in rng.integers(0, size, 2))
        if rng.random() < 0.5:
            axes = (int(rng.uniform(0.1, 0.35) * size), int(rng.uniform(0.08, 0.3) * size))
            cv2.ellipse(shape, (cx, cy), axes, float(rng.uniform(0, 180)), 0, 360, 255, -1, cv2.LINE_AA)
        else:
            a = rng.uniform(0, np.pi)
            d = size * np.array([np.cos(a), np.sin(a)])
            cv2.line(shape, (int(cx - d[0]), int(cy - d[1])), (int(cx + d[0]), int(cy + d[1])), 255,
                     int(rng.uniform(0.08, 0.2) * size), cv2.LINE_AA)
        shade = cv2.GaussianBlur(rng.random((size, size)).astype(np.float32), (0, 0), size / 8)
        shade = 0.8 + 0.4 * (shade - shade.min()) / (np.ptp(shade) + 1e-6)
        patch = skin_rgb[None, None] * shade[..., None] * rng.uniform(0.85, 1.15) + rng.normal(0, 3, (size, size, 3))
        a = cv2.GaussianBlur(shape.astype(np.float32) / 255, (0, 0), 1.0)[..., None]
        out = out * (1 - a) + patch * a
    return np.clip(out, 0, 255).astype(np.uint8)


def shift_skin_tone(img: np.ndarray, mask: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Move the hand's pixels in Lab: lightness and chroma over the range of human skin."""
    lab = cv2.cvtColor(img, cv2.COLOR_RGB2LAB).astype(np.float32)
    m = mask > 0
    if m.sum() < 10:
        return img
    target = cv2.cvtColor(SKIN_PALETTE[rng.integers(len(SKIN_PALETTE))][None, None].astype(np.uint8),
                          cv2.COLOR_RGB2LAB).astype(np.float32)[0, 0]
    mean = lab[m].mean(axis=0)
    strength = rng.uniform(0.4, 1.0)
    delta = (target - mean) * strength
    soft = cv2.GaussianBlur(m.astype(np.float32), (0, 0), 1.5)[..., None]
    lab = lab + delta * soft
    shifted = cv2.cvtColor(np.clip(lab, 0, 255).astype(np.uint8), cv2.COLOR_LAB2RGB)
    return np.where(soft > 1e-3, shifted, img)  # Lab round trips are lossy: leave the rest bit-exact


def background(family: str, size: int, rng: np.random.Generator, photos: Sequence[np.ndarray],
               skin_rgb: np.ndarray | None, print_p: float = 0.0) -> np.ndarray:
    if family == "photo" and photos:
        return _random_crop(photos[int(rng.integers(len(photos)))], size, rng)
    if family == "skin":
        return skin_surface(size, rng, skin_rgb, print_p)
    if family == "flat":
        return flat(size, rng)
    if family == "distractor" and skin_rgb is not None:
        base = background(["photo", "texture", "flat"][int(rng.integers(3))], size, rng, photos, None, print_p)
        return add_skin_distractors(base, skin_rgb, rng, int(rng.integers(1, 3)))
    return texture(size, rng, print_p)


def paste(x: np.ndarray, y: np.ndarray, bg: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Hand pixels of crop ``x`` (mask ``y``, 0/1) over ``bg`` with a feathered, slightly eroded
    alpha (so the old background's fringe does not come along) and a partial match of lighting."""
    m = (y > 0).astype(np.uint8)
    m = cv2.erode(m, np.ones((2, 2), np.uint8)) if m.sum() > 200 else m
    a = cv2.GaussianBlur(m.astype(np.float32), (0, 0), rng.uniform(0.5, 1.0))[..., None]
    fg = x.astype(np.float32)
    if m.any():
        gain = (bg.mean() + 1) / (fg[m > 0].mean() + 1)
        fg *= gain ** rng.uniform(0.0, 0.35)
    out = fg * a + bg.astype(np.float32) * (1 - a)
    return np.clip(out, 0, 255).astype(np.uint8)


def composite_sample(
    x: np.ndarray,
    y: np.ndarray,
    rng: np.random.Generator,
    photos: Sequence[np.ndarray],
    family: str | None = None,
    second: tuple[np.ndarray, np.ndarray] | None = None,
    cfg: CompositeConfig = CompositeConfig(),
) -> tuple[np.ndarray, np.ndarray, str]:
    """Put the hand of crop ``(x, y)`` on a new background; returns ``(image, mask, family)``.

    ``second`` is another ``(crop, mask)`` whose hand is also pasted (scaled down, to one side) —
    two hands in one view, both labelled hand. The label of every background pixel stays 0.
    """
    size = x.shape[0]
    if family is None:
        w = np.array(cfg.family_weights, float)
        family = FAMILIES[int(rng.choice(len(FAMILIES), p=w / w.sum()))]
    skin_rgb = np.median(x[y > 0], axis=0).astype(np.float32) if y.sum() > 50 else None
    bg = background(family, size, rng, photos, skin_rgb, cfg.print_p)
    mask = y.copy()
    if second is not None:
        sx, sy = second
        s = rng.uniform(0.5, 0.8)
        ang = rng.uniform(-40, 40)
        tx, ty = rng.uniform(-0.45, 0.45, 2) * size
        mat = cv2.getRotationMatrix2D((size / 2, size / 2), ang, s)
        mat[:, 2] += (tx, ty)
        sx = cv2.warpAffine(sx, mat, (size, size))
        sy = (cv2.warpAffine(sy.astype(np.float32), mat, (size, size)) > 0.5).astype(np.uint8)
        sy[y > 0] = 0  # the first hand lies on top
        bg = paste(sx, sy, bg, rng)
        mask = np.maximum(mask, sy)
    if cfg.skin_tone_p and rng.random() < cfg.skin_tone_p:
        x = shift_skin_tone(x, y, rng)
    out = paste(x, y, bg, rng)
    return out, mask.astype(np.uint8), family
