"""The crop rule shared by training and the pipeline, as one affine map.

A crop is a square region around a hand box (box + margin, squared so the hand keeps its
aspect ratio) resampled to ``size x size``. Expressing it as a 2x3 affine matrix lets the
pipeline crop and paste back with one ``cv2.warpAffine`` each, lets regions outside the
image be padded instead of clipped, and lets training fold its geometric augmentation
(rotation, zoom, shear, shift, flip) into the same single resampling.
"""
from __future__ import annotations

import cv2
import numpy as np

from detection.boxes import Box, expand_box, square_box

#: Default crop margin per side, as a fraction of the hand box (the detector box is tight on
#: the landmarks, so fingertips and the wrist need room).
DEFAULT_MARGIN = 0.25


def crop_square(box: Box, margin: float = DEFAULT_MARGIN) -> Box:
    """The square region the segmenter sees for a hand box."""
    return square_box(expand_box(box, margin))


def crop_matrix(region: Box, size: int) -> np.ndarray:
    """2x3 affine matrix mapping full-image pixels of ``region`` onto a ``size x size`` crop."""
    x0, y0, x1, y1 = region
    sx = size / max(x1 - x0, 1e-6)
    sy = size / max(y1 - y0, 1e-6)
    # Pixel centres: image pixel (x0 + 0.5/sx - 0.5) maps to crop pixel 0.
    return np.array([[sx, 0.0, -x0 * sx + 0.5 * sx - 0.5], [0.0, sy, -y0 * sy + 0.5 * sy - 0.5]], dtype=np.float64)


def crop_to_crop(from_matrix: np.ndarray, to_matrix: np.ndarray) -> np.ndarray:
    """``2x3`` affine taking one crop's pixels to another's, both given by their image-to-crop
    matrices (as :func:`crop_matrix` makes them): how a grown crop sees what a smaller one found."""
    inv = cv2.invertAffineTransform(from_matrix)
    return np.hstack([to_matrix[:, :2] @ inv[:, :2], (to_matrix[:, :2] @ inv[:, 2] + to_matrix[:, 2])[:, None]])


def warp_crop(
    image: np.ndarray, matrix: np.ndarray, size: int | tuple[int, int], nearest: bool = False
) -> np.ndarray:
    """Resample ``image`` through ``matrix`` into a ``size x size`` (or ``(H, W)``) crop, zero outside.

    A bilinear warp alone aliases when it shrinks by more than 2x (fine stripes, JPEG noise and
    hair turn into false edges), and INTER_AREA is not available for warps, so strong downscales
    are pre-blurred with a Gaussian of sigma 0.3 / scale. Only the window the crop reads is
    blurred. When the crop shrinks by more than 4x, that window is first averaged over ``g x g``
    blocks (OpenCV's fast integer path) and the rest of the blur is done on the reduced copy:
    nearly the same filter, for a fraction of the cost (a 2160x4000 photo's wide-look crop
    took 150-180 ms with the whole blur at full resolution, a 35 px kernel).
    """
    scale = float(np.sqrt(abs(np.linalg.det(matrix[:, :2]))))
    dsize = (size, size) if isinstance(size, int) else (size[1], size[0])
    src = image
    if not nearest and scale < 0.5:
        sigma = 0.5 / scale * 0.6
        g = max(1, int(0.25 / scale))
        blur_reach = int(np.ceil(3 * sigma)) + 2 * g + 2  # source pixels the blur and the blocks read
        x0, y0, x1, y1 = footprint(matrix, dsize, image.shape[:2], reach=1.0, pad=blur_reach)
        if x1 <= x0 or y1 <= y0:
            return np.zeros((dsize[1], dsize[0], *image.shape[2:]), image.dtype)
        src, matrix = _reduce_window(image, matrix, (x0, y0, x1, y1), g)
        # a mean over g pixels already spreads them by (g^2 - 1) / 12 squared pixels; blur the rest
        rest = float(np.sqrt(max(sigma ** 2 - (g * g - 1) / 12.0, 0.0))) / g
        k = int(2 * round(3 * rest) + 1)
        if k > 1:
            src = cv2.GaussianBlur(src, (k, k), rest, borderType=cv2.BORDER_REFLECT_101)
    flags = cv2.INTER_NEAREST if nearest else cv2.INTER_LINEAR
    return cv2.warpAffine(src, matrix, dsize, flags=flags, borderMode=cv2.BORDER_CONSTANT, borderValue=0)


def _reduce_window(image: np.ndarray, matrix: np.ndarray, rect: tuple[int, int, int, int], g: int):
    """``image[rect]`` averaged over ``g x g`` blocks, and ``matrix`` re-aimed at that copy.

    A window that does not divide into whole blocks is padded by repeating its last pixels.
    """
    x0, y0, x1, y1 = rect
    window = image[y0:y1, x0:x1]
    shifted = matrix.copy()
    if g == 1:
        shifted[:, 2] = matrix[:, 2] + matrix[:, :2] @ np.array([x0, y0], np.float64)
        return window, shifted
    bw, bh = -(-(x1 - x0) // g), -(-(y1 - y0) // g)
    extra_x, extra_y = bw * g - (x1 - x0), bh * g - (y1 - y0)
    if extra_x or extra_y:
        window = cv2.copyMakeBorder(window, 0, extra_y, 0, extra_x, cv2.BORDER_REPLICATE)
    small = cv2.resize(window, (bw, bh), interpolation=cv2.INTER_AREA)
    # reduced pixel i covers source pixels g*i .. g*i+g-1, whose centre is g*i + (g-1)/2
    shifted[:, :2] = matrix[:, :2] * g
    shifted[:, 2] = matrix[:, 2] + matrix[:, :2] @ np.array([x0 + (g - 1) / 2, y0 + (g - 1) / 2])
    return small, shifted


def footprint(matrix: np.ndarray, dsize: tuple[int, int], shape: tuple[int, int], reach: float = 0.5,
              pad: int = 0) -> tuple[int, int, int, int]:
    """The image rectangle ``(x0, y0, x1, y1)`` a crop of ``dsize`` (w, h) covers, clipped to ``shape``.

    ``reach`` is how far past its outer pixel centres the crop counts: 0.5 (its pixels' own
    edges) for :func:`paste_soft`; 1.0 takes in every image pixel a bilinear sample, either way,
    still draws on. ``pad`` grows the rectangle by that many image pixels (what a blur reads).
    """
    inv = cv2.invertAffineTransform(matrix)
    w, h = dsize
    corners = np.array([[-reach, -reach, 1], [w - 1 + reach, -reach, 1], [-reach, h - 1 + reach, 1],
                        [w - 1 + reach, h - 1 + reach, 1]], np.float64) @ inv.T
    x0 = int(max(0, np.floor(corners[:, 0].min()) - pad))
    y0 = int(max(0, np.floor(corners[:, 1].min()) - pad))
    x1 = int(min(shape[1], np.ceil(corners[:, 0].max()) + pad + 1))
    y1 = int(min(shape[0], np.ceil(corners[:, 1].max()) + pad + 1))
    return x0, y0, x1, y1


def in_photo(matrix: np.ndarray, shape: tuple[int, ...], size: int) -> np.ndarray:
    """``size x size`` bool: the crop's pixels that show the photo (``shape``: its H, W), not the
    zeros :func:`warp_crop` fills in past its edge."""
    h, w = shape[:2]
    corners = np.array([[0, 0], [w, 0], [w, h], [0, h]], np.float64) - 0.5
    quad = corners @ matrix[:, :2].T + matrix[:, 2]
    out = np.zeros((size, size), np.uint8)
    cv2.fillConvexPoly(out, np.round(quad * 16).astype(np.int32), 1, cv2.LINE_8, 4)
    return out > 0


def paste_soft(
    soft: np.ndarray, matrix: np.ndarray, out_shape: tuple[int, int], roi: tuple[int, int, int, int] | None = None
) -> tuple[np.ndarray, tuple[int, int, int, int]]:
    """Map a crop's soft mask back to full resolution (bilinear on probabilities).

    Only the bounding rectangle of the crop inside the image is computed, so pasting a small
    hand into a 24 MP photo costs what the hand costs.

    Returns:
        ``(patch float32, (x0, y0, x1, y1))`` — the soft mask for that integer rectangle.
    """
    if roi is None:
        roi = footprint(matrix, soft.shape[::-1], out_shape)
    x0, y0, x1, y1 = roi
    if x1 <= x0 or y1 <= y0:
        return np.zeros((0, 0), np.float32), roi
    shifted = matrix.copy()
    shifted[0, 2] += matrix[0, 0] * x0 + matrix[0, 1] * y0
    shifted[1, 2] += matrix[1, 0] * x0 + matrix[1, 1] * y0
    patch = cv2.warpAffine(
        soft.astype(np.float32),
        shifted,
        (x1 - x0, y1 - y0),
        flags=cv2.INTER_LINEAR | cv2.WARP_INVERSE_MAP,
        borderMode=cv2.BORDER_CONSTANT,
        borderValue=0,
    )
    return patch, roi


def letterbox_region(width: int, height: int) -> Box:
    """Square region centred on the whole image: the no-hand fallback keeps the aspect ratio."""
    return square_box((0.0, 0.0, float(width), float(height)))
