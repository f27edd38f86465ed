"""Training samples: detector-like crops with geometric and photometric augmentation.

Geometry (box jitter, rotation, zoom, shear, shift, flip) is folded into the crop's affine
matrix so image and mask go through exactly one identical resampling and stay aligned.
The mask is resampled bilinearly and re-thresholded, which keeps it binary and avoids the
half-pixel shifts of nearest-neighbour sampling.
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace

import cv2
import numpy as np

from detection.boxes import Box, mask_box
from segmentation.crops import DEFAULT_MARGIN, crop_matrix, crop_square, letterbox_region, warp_crop


@dataclass(frozen=True)
class AugmentConfig:
    """Ranges follow the original project's Keras recipe, plus colour, blur, noise, JPEG and coins."""

    brightness: tuple[float, float] = (0.5, 1.5)
    zoom: float = 0.2
    rotation_deg: float = 30.0
    shift: float = 0.1
    shear: float = 0.1
    hflip: bool = True
    hue_shift: float = 8.0  # OpenCV hue units (0-180)
    saturation: tuple[float, float] = (0.7, 1.3)
    contrast: tuple[float, float] = (0.7, 1.3)
    blur_p: float = 0.2
    noise_p: float = 0.2
    jpeg_p: float = 0.3
    gray_p: float = 0.05  # black-and-white photos and IR webcams: shape must carry the decision, not hue
    white_balance: float = 0.15  # per-channel gain range (1 +- this): warm/cool lamps, phone white balance
    shadow_p: float = 0.3  # a soft-edged cast shadow across the crop: half a hand in shade is still hand
    shadow_depth: tuple[float, float] = (0.3, 0.75)  # light kept inside the shadow
    overexpose_p: float = 0.08  # blown highlights (flash, sun): gain, then clipping
    coin_p: float = 0.25  # a metal disc on the hand, labelled hand: coins and rings are part of the cut-out
    box_jitter: float = 0.12  # crop centre/size jitter, as a fraction of the box side
    partial_box_p: float = 0.35  # crop only part of the mask, as a detector box on the hand alone would
    #: when the detector's boxes for the image are known, crop around one of them this often:
    #: exactly the crops the pipeline makes, a forearm running off the crop's edge included
    detector_box_p: float = 0.5
    #: recolour the finished crop (hand and background alike, after compositing) this often: a
    #: random channel order or a hue turned by any angle. Hue then says nothing about which pixels
    #: are hand, so shape, edges and texture must: a pale hand on skin-coloured wood was taken as
    #: background, the wood as hand. Applied by :func:`finish_sample`.
    recolour_p: float = 0.0
    #: turn this share of crops a quarter turn either way (or a half turn), on top of the small
    #: rotation: HGR holds hands up, 11k Hands down, and a hand lying across a photo (its arm
    #: leaving by the left or right edge) was segmented worse in the training domain it came from
    quarter_turn_p: float = 0.0
    #: relight the hand alone (its mask, feathered) this often, after compositing: washed out
    #: towards a pale, nearly colourless white (a flash or a window on a pale palm) or dimmed
    #: towards a dark, flat brown (a dark hand in a dim room), the background untouched. On real
    #: phone photos the U-Net missed such hands (pale palms on wood, dark hands indoors) and took
    #: the saturated background for hand: the training hands are nearly all evenly lit, and
    #: 11k Hands' white table taught "white is background". Applied by :func:`finish_sample`.
    relight_p: float = 0.0
    #: turn the finished crop (hand and background alike, after compositing) grey this often: a
    #: black-and-white photo. ``gray_p`` greys the hand's photo before it is pasted on a colour
    #: background, so whole grey crops were rare (about 2.5 %) and grey photos lost a quarter of
    #: their IoU (docs/limitations.md, "Grey photos"). Applied by :func:`finish_sample`.
    grey_crop_p: float = 0.0
    #: give this share of finished crops the hand's own cast shadow beside it
    #: (:func:`cast_hand_shadow`), after compositing. Applied by :func:`finish_sample`.
    hand_shadow_p: float = 0.0


NO_AUGMENT = AugmentConfig(
    brightness=(1.0, 1.0), zoom=0.0, rotation_deg=0.0, shift=0.0, shear=0.0, hflip=False, hue_shift=0.0,
    saturation=(1.0, 1.0), contrast=(1.0, 1.0), blur_p=0.0, noise_p=0.0, jpeg_p=0.0, coin_p=0.0,
    box_jitter=0.0, partial_box_p=0.0, detector_box_p=0.0, gray_p=0.0,
    white_balance=0.0, shadow_p=0.0, overexpose_p=0.0, recolour_p=0.0, relight_p=0.0, grey_crop_p=0.0,
    hand_shadow_p=0.0,
)


def _jitter_box(box: Box, rng: np.random.Generator, cfg: AugmentConfig) -> Box:
    x0, y0, x1, y1 = box
    w, h = x1 - x0, y1 - y0
    if rng.random() < cfg.partial_box_p:
        # Keep 55-100 % of the box along its long axis, anchored at a random end: the mask then
        # runs out of the crop, like a forearm past a box drawn around the palm and fingers.
        keep = rng.uniform(0.55, 1.0)
        if h >= w:
            if rng.random() < 0.5:
                y1 = y0 + keep * h
            else:
                y0 = y1 - keep * h
        else:
            if rng.random() < 0.5:
                x1 = x0 + keep * w
            else:
                x0 = x1 - keep * w
        w, h = x1 - x0, y1 - y0
    j = cfg.box_jitter
    dx, dy = rng.uniform(-j, j, 2) * (w, h)
    sw, sh = 1 + rng.uniform(-j, j, 2)
    cx, cy = (x0 + x1) / 2 + dx, (y0 + y1) / 2 + dy
    return (cx - w * sw / 2, cy - h * sh / 2, cx + w * sw / 2, cy + h * sh / 2)


def _geometry(size: int, rng: np.random.Generator, cfg: AugmentConfig) -> np.ndarray:
    """3x3 affine acting on crop pixels, about the crop centre."""
    c = (size - 1) / 2
    to_c = np.array([[1, 0, -c], [0, 1, -c], [0, 0, 1]], float)
    back = np.array([[1, 0, c], [0, 1, c], [0, 0, 1]], float)
    a = np.deg2rad(rng.uniform(-cfg.rotation_deg, cfg.rotation_deg))
    if cfg.quarter_turn_p and rng.random() < cfg.quarter_turn_p:
        a += np.pi / 2 * rng.integers(1, 4)
    z = rng.uniform(1 - cfg.zoom, 1 + cfg.zoom)
    sh = rng.uniform(-cfg.shear, cfg.shear)
    flip = -1.0 if cfg.hflip and rng.random() < 0.5 else 1.0
    rot = np.array([[np.cos(a), -np.sin(a), 0], [np.sin(a), np.cos(a), 0], [0, 0, 1]])
    shear = np.array([[1, sh, 0], [0, 1, 0], [0, 0, 1]])
    scale = np.diag([z * flip, z, 1.0])
    tx, ty = rng.uniform(-cfg.shift, cfg.shift, 2) * size
    shift = np.array([[1, 0, tx], [0, 1, ty], [0, 0, 1]])
    return shift @ back @ rot @ shear @ scale @ to_c


def _draw_coin(img: np.ndarray, mask: np.ndarray, rng: np.random.Generator) -> None:
    """Paint a shaded metallic ellipse well inside the hand (in place); the mask stays 'hand'."""
    fg = (mask > 0).astype(np.uint8)
    if fg.sum() < 400:
        return
    dist = cv2.distanceTransform(fg, cv2.DIST_L2, 5)
    if dist.max() < 8:
        return
    ys, xs = np.nonzero(dist > 0.6 * dist.max())
    i = rng.integers(len(xs))
    r = float(rng.uniform(0.35, 0.8) * dist.max())
    axes = (int(r), int(r * rng.uniform(0.75, 1.0)))
    base = np.array(
        [[190, 160, 90], [200, 200, 205], [150, 100, 60], [220, 190, 110], [120, 120, 125]][rng.integers(5)], float
    ) * rng.uniform(0.7, 1.15)
    layer = np.zeros_like(img)
    cv2.ellipse(layer, (int(xs[i]), int(ys[i])), axes, float(rng.uniform(0, 180)), 0, 360,
                tuple(int(v) for v in np.clip(base, 0, 255)), -1, cv2.LINE_AA)
    disc = np.zeros(img.shape[:2], np.uint8)
    cv2.ellipse(disc, (int(xs[i]), int(ys[i])), axes, 0, 0, 360, 255, -1, cv2.LINE_AA)
    shade = cv2.GaussianBlur(rng.normal(0, 12, img.shape[:2]).astype(np.float32), (0, 0), 3)[..., None]
    alpha = (disc.astype(np.float32) / 255.0)[..., None]
    mixed = layer.astype(np.float32) + shade
    img[:] = np.clip(img * (1 - alpha) + mixed * alpha, 0, 255).astype(np.uint8)


def _shadow_map(h: int, w: int, rng: np.random.Generator, depth: float) -> np.ndarray:
    """``HxW`` light factors: 1 outside a soft-edged shadow, ``depth`` inside it.

    The shadow is a half-plane (an object's edge) or an ellipse (a phone or head above the hand),
    blurred by 2-15 % of the crop side so its edge is a penumbra, not a contour the model could
    mistake for the hand's own.
    """
    yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
    if rng.random() < 0.6:
        angle = rng.uniform(0, 2 * np.pi)
        offset = rng.uniform(-0.3, 0.3) * max(h, w)
        inside = ((xx - w / 2) * np.cos(angle) + (yy - h / 2) * np.sin(angle)) > offset
    else:
        cx, cy = rng.uniform(0, w), rng.uniform(0, h)
        ax, ay = rng.uniform(0.2, 0.6) * w, rng.uniform(0.2, 0.6) * h
        inside = ((xx - cx) / ax) ** 2 + ((yy - cy) / ay) ** 2 < 1
    soft = cv2.GaussianBlur(inside.astype(np.float32), (0, 0), rng.uniform(0.02, 0.15) * max(h, w))
    return 1.0 - (1.0 - depth) * soft


def _lighting(out: np.ndarray, rng: np.random.Generator, cfg: AugmentConfig) -> np.ndarray:
    """White balance, a cast shadow and over-exposure on a float RGB image (labels unchanged)."""
    if cfg.white_balance:
        out = out * rng.uniform(1 - cfg.white_balance, 1 + cfg.white_balance, 3).astype(np.float32)
    if rng.random() < cfg.shadow_p:
        out = out * _shadow_map(*out.shape[:2], rng, rng.uniform(*cfg.shadow_depth))[..., None]
    if rng.random() < cfg.overexpose_p:
        out = out * rng.uniform(1.5, 2.5)
    return out


_CHANNEL_ORDERS = ((0, 2, 1), (1, 0, 2), (1, 2, 0), (2, 0, 1), (2, 1, 0))  # every order but RGB


def recolour(img: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """The same scene in other colours: half the time the channels reordered, else the hue turned.

    Lightness and texture stay, so a hand stays a hand by its shape and edges; only the colour
    cue, which fails where the background is skin-coloured, is taken away.
    """
    if rng.random() < 0.5:
        return np.ascontiguousarray(img[..., list(_CHANNEL_ORDERS[rng.integers(len(_CHANNEL_ORDERS))])])
    hsv = cv2.cvtColor(img, cv2.COLOR_RGB2HSV)
    hsv[..., 0] = ((hsv[..., 0].astype(np.int16) + int(rng.integers(30, 151))) % 180).astype(np.uint8)
    return cv2.cvtColor(hsv, cv2.COLOR_HSV2RGB)


def relight_hand(img: np.ndarray, mask: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """The hand's pixels washed out (pale, low chroma) or dimmed (dark, flat), in Lab, keeping
    their texture; every pixel away from the hand stays bit-exact. See ``relight_p``."""
    m = mask > 0
    if m.sum() < 10:
        return img
    lab = cv2.cvtColor(img, cv2.COLOR_RGB2LAB).astype(np.float32)
    l, ab = lab[..., 0], lab[..., 1:] - 128.0
    mean_l = float(l[m].mean())
    if rng.random() < 0.5:  # washed out: lightness towards 200-245 of 255, chroma down to 10-50 %
        target, chroma, contrast = rng.uniform(200, 245), rng.uniform(0.1, 0.5), rng.uniform(0.5, 0.9)
    else:  # dimmed: lightness towards 35-90, chroma 40-90 %
        target, chroma, contrast = rng.uniform(35, 90), rng.uniform(0.4, 0.9), rng.uniform(0.5, 1.0)
    new = lab.copy()
    new[..., 0] = target + (l - mean_l) * contrast
    new[..., 1:] = 128.0 + ab * chroma
    out = cv2.cvtColor(np.clip(new, 0, 255).astype(np.uint8), cv2.COLOR_LAB2RGB).astype(np.float32)
    soft = cv2.GaussianBlur(m.astype(np.float32), (0, 0), 1.0)[..., None]
    mixed = np.clip(out * soft + img.astype(np.float32) * (1 - soft), 0, 255).astype(np.uint8)
    return np.where(soft > 1e-3, mixed, img)


def cast_hand_shadow(x: np.ndarray, y: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """The hand's own shadow on the surface beside it, labels unchanged (a shadow is background).

    A hand held over a table or against a wall throws a soft, darker copy of its outline a little
    to one side; real photos had the shadow beside the fingers cut out with them (a pale hand on
    a white wall), and no training crop showed one: the crop-wide shadows of ``shadow_p`` are
    half-planes and ellipses, not hand-shaped. The shadow is the mask shifted 2-10 % of the crop,
    blurred, keeping 35-80 % of the light, and darkens background pixels only: the hand lies on
    top of it.
    """
    h, w = y.shape[:2]
    hand = (y > 0).astype(np.float32)
    if not hand.any():
        return x
    shift = rng.uniform(0.02, 0.10) * max(h, w)
    angle = rng.uniform(0, 2 * np.pi)
    mat = np.float32([[1, 0, shift * np.cos(angle)], [0, 1, shift * np.sin(angle)]])
    shade = cv2.warpAffine(hand, mat, (w, h), borderMode=cv2.BORDER_REPLICATE)  # an arm entering the crop casts from its edge
    shade = cv2.GaussianBlur(shade, (0, 0), rng.uniform(0.005, 0.05) * max(h, w) + 0.5)
    light = 1.0 - (1.0 - rng.uniform(0.35, 0.8)) * shade * (1.0 - hand)
    return np.clip(x.astype(np.float32) * light[..., None], 0, 255).astype(np.uint8)


def greyed(img: np.ndarray) -> np.ndarray:
    """An RGB uint8 image as a black-and-white photo of it, still three channels."""
    return np.repeat(cv2.cvtColor(img, cv2.COLOR_RGB2GRAY)[..., None], 3, axis=2)


def finish_sample(x: np.ndarray, rng: np.random.Generator, cfg: AugmentConfig,
                  mask: np.ndarray | None = None) -> np.ndarray:
    """Last step of a training sample, once its background is final (see ``hand_shadow_p``,
    ``relight_p``, ``recolour_p`` and ``grey_crop_p``; the shadow and relighting need the
    sample's ``mask``)."""
    if mask is not None and cfg.hand_shadow_p and rng.random() < cfg.hand_shadow_p:
        x = cast_hand_shadow(x, mask, rng)
    if mask is not None and cfg.relight_p and rng.random() < cfg.relight_p:
        x = relight_hand(x, mask, rng)
    if cfg.recolour_p and rng.random() < cfg.recolour_p:
        x = recolour(x, rng)
    if cfg.grey_crop_p and rng.random() < cfg.grey_crop_p:
        x = greyed(x)
    return x


def _photometric(img: np.ndarray, rng: np.random.Generator, cfg: AugmentConfig) -> np.ndarray:
    out = img.astype(np.float32)
    if cfg.hue_shift or cfg.saturation != (1.0, 1.0):
        hsv = cv2.cvtColor(img, cv2.COLOR_RGB2HSV).astype(np.float32)
        hsv[..., 0] = (hsv[..., 0] + rng.uniform(-cfg.hue_shift, cfg.hue_shift)) % 180
        hsv[..., 1] = np.clip(hsv[..., 1] * rng.uniform(*cfg.saturation), 0, 255)
        out = cv2.cvtColor(hsv.astype(np.uint8), cv2.COLOR_HSV2RGB).astype(np.float32)
    mean = out.mean()
    out = (out - mean) * rng.uniform(*cfg.contrast) + mean
    out *= rng.uniform(*cfg.brightness)
    out = _lighting(out, rng, cfg)
    if rng.random() < cfg.noise_p:
        out += rng.normal(0, rng.uniform(2, 10), out.shape)
    out = np.clip(out, 0, 255).astype(np.uint8)
    if rng.random() < cfg.gray_p:
        out = greyed(out)
    if rng.random() < cfg.blur_p:
        out = cv2.GaussianBlur(out, (0, 0), rng.uniform(0.5, 1.5))
    if rng.random() < cfg.jpeg_p:
        ok, buf = cv2.imencode(".jpg", out, [cv2.IMWRITE_JPEG_QUALITY, int(rng.integers(30, 90))])
        if ok:
            out = cv2.imdecode(buf, cv2.IMREAD_UNCHANGED)
    return out


def make_crop_sample(
    image: np.ndarray,
    mask: np.ndarray,
    size: int,
    rng: np.random.Generator | None = None,
    cfg: AugmentConfig = NO_AUGMENT,
    margin: float = DEFAULT_MARGIN,
    hand_boxes: Sequence[Box] = (),
) -> tuple[np.ndarray, np.ndarray]:
    """One ``(size x size x 3 uint8, size x size uint8 0/1)`` crop around the mask's box.

    With ``NO_AUGMENT`` this is exactly the pipeline's crop of a box that equals the mask box.
    An empty mask gives the whole image, letterboxed like the pipeline's no-hand fallback.
    ``hand_boxes`` (pixels; from ``segmentation.detector_boxes``) are what the detector found
    in this image: with probability ``cfg.detector_box_p`` the crop is made around one of them,
    jittered, while the label stays the whole ground-truth mask.
    """
    rng = rng or np.random.default_rng(0)
    matrix = crop_sample_matrix(mask, size, rng, cfg, margin, hand_boxes)
    return warp_sample(image, mask, matrix, size, rng, cfg)


def crop_sample_matrix(
    mask: np.ndarray,
    size: int,
    rng: np.random.Generator,
    cfg: AugmentConfig = NO_AUGMENT,
    margin: float = DEFAULT_MARGIN,
    hand_boxes: Sequence[Box] = (),
) -> np.ndarray:
    """The 2x3 matrix of :func:`make_crop_sample`'s crop (its first half): image pixels -> crop
    pixels, augmentation included. Anything else drawn in image coordinates (the landmark hint)
    goes through the same matrix and stays aligned with the crop."""
    box = mask_box(mask)
    if hand_boxes and cfg.detector_box_p and rng.random() < cfg.detector_box_p:
        picked = hand_boxes[int(rng.integers(len(hand_boxes)))]
        region = crop_square(_jitter_box(picked, rng, replace(cfg, partial_box_p=0.0)), margin)
    elif box is None:
        region = letterbox_region(mask.shape[1], mask.shape[0])
    else:
        region = crop_square(_jitter_box(box, rng, cfg) if cfg.box_jitter or cfg.partial_box_p else box, margin)
    m = np.vstack([crop_matrix(region, size), [0, 0, 1]])
    if cfg is not NO_AUGMENT:
        m = _geometry(size, rng, cfg) @ m
    return m[:2]


def make_whole_sample(
    image: np.ndarray,
    mask: np.ndarray,
    shape: tuple[int, int],
    rng: np.random.Generator | None = None,
    cfg: AugmentConfig = NO_AUGMENT,
) -> tuple[np.ndarray, np.ndarray]:
    """The seed-style baseline's sample: the whole image stretched to ``shape = (H, W)``."""
    rng = rng or np.random.default_rng(0)
    h, w = shape
    sx, sy = w / image.shape[1], h / image.shape[0]
    m = np.array([[sx, 0, 0.5 * sx - 0.5], [0, sy, 0.5 * sy - 0.5], [0, 0, 1]], float)
    if cfg is not NO_AUGMENT:
        g = _geometry(max(h, w), rng, cfg)
        # recentre the square-crop geometry on the rectangle
        off = np.array([[1, 0, (w - max(h, w)) / 2], [0, 1, (h - max(h, w)) / 2], [0, 0, 1]])
        m = off @ g @ np.linalg.inv(off) @ m
    return warp_sample(image, mask, m[:2], (h, w), rng, cfg)


def warp_sample(image: np.ndarray, mask: np.ndarray, matrix: np.ndarray, size: int | tuple[int, int],
                rng: np.random.Generator, cfg: AugmentConfig = NO_AUGMENT) -> tuple[np.ndarray, np.ndarray]:
    """The second half of a sample: resample image and mask through ``matrix`` (from
    :func:`crop_sample_matrix` or the whole-image stretch), then coins and colour."""
    img = warp_crop(image, matrix, size)
    msk = warp_crop(mask, matrix, size)
    msk = (msk > 127).astype(np.uint8)
    if cfg.coin_p and rng.random() < cfg.coin_p:
        img = img.copy()
        _draw_coin(img, msk, rng)
    if cfg is not NO_AUGMENT:
        img = _photometric(img, rng, cfg)
    return img, msk
