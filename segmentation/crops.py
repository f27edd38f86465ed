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


def warp_crop(
    image: np.ndarray, matrix: np.ndarray, size: int | tuple[int, int], nearest: bool = False
) -> np.ndarray:
    """Resample ``image`` through ``matrix`` into a ``size x size`` (or ``(H, W)``) crop, zero outside.

    INTER_AREA is not available for warps, so strong downscales are pre-blurred to avoid aliasing.
    Only the part of the image the crop reads is blurred (plus the kernel's reach), which gives
    exactly the pixels a blur of the whole photo would, at a fraction of the cost on a big photo.
    """
    scale = float(np.sqrt(abs(np.linalg.det(matrix[:, :2]))))
    dsize = (size, size) if isinstance(size, int) else (size[1], size[0])
    src = image
    if not nearest and scale < 0.5:
        sigma = 0.5 / scale * 0.6
        k = int(2 * round(3 * sigma) + 1)
        x0, y0, x1, y1 = _source_rect(matrix, dsize, image.shape[:2], 2)  # (the blur reads its own reach)
        if x1 <= x0 or y1 <= y0:
            return np.zeros((dsize[1], dsize[0], *image.shape[2:]), image.dtype)
        src = _blur_window(image, (x0, y0, x1, y1), k, sigma)
        matrix = matrix.copy()
        matrix[:, 2] += matrix[:, 0] * x0 + matrix[:, 1] * y0
    flags = cv2.INTER_NEAREST if nearest else cv2.INTER_LINEAR
    return cv2.warpAffine(src, matrix, dsize, flags=flags, borderMode=cv2.BORDER_CONSTANT, borderValue=0)


def _source_rect(matrix: np.ndarray, dsize: tuple[int, int], shape: tuple[int, int], pad: int
                 ) -> tuple[int, int, int, int]:
    """The image rectangle (x0, y0, x1, y1) a warp into ``dsize`` reads, grown by ``pad``, clipped."""
    inv = cv2.invertAffineTransform(matrix)
    w, h = dsize
    corners = np.array([[-1, -1, 1], [w, -1, 1], [-1, h, 1], [w, h, 1]], np.float64) @ inv.T
    x0 = int(max(0, np.floor(corners[:, 0].min()) - pad))
    y0 = int(max(0, np.floor(corners[:, 1].min()) - pad))
    x1 = int(min(shape[1], np.ceil(corners[:, 0].max()) + pad + 1))
    y1 = int(min(shape[0], np.ceil(corners[:, 1].max()) + pad + 1))
    return x0, y0, x1, y1


def _blur_window(image: np.ndarray, rect: tuple[int, int, int, int], k: int, sigma: float) -> np.ndarray:
    """The whole image's Gaussian blur, computed for the window ``rect`` only."""
    x0, y0, x1, y1 = rect
    r = k // 2
    h, w = image.shape[:2]
    # Read the kernel's reach around the window where the image has it; where the window meets the
    # image's border, OpenCV's default reflection (BORDER_REFLECT_101) is applied as for the whole image.
    ox0, oy0, ox1, oy1 = max(0, x0 - r), max(0, y0 - r), min(w, x1 + r), min(h, y1 + r)
    outer = image[oy0:oy1, ox0:ox1]
    blurred = cv2.GaussianBlur(outer, (k, k), sigma, borderType=cv2.BORDER_REFLECT_101)
    return blurred[y0 - oy0:y1 - oy0, x0 - ox0:x1 - ox0]


def paste_soft(
    soft: np.ndarray, matrix: np.ndarray, out_shape: tuple[int, int], roi: tuple[int, int, int, int] | None = None
) -> tuple[np.ndarray, tuple[int, int, int, int]]:
    """Map a crop's soft mask back to full resolution (bilinear on probabilities).

    Only the bounding rectangle of the crop inside the image is computed, so pasting a small
    hand into a 24 MP photo costs what the hand costs.

    Returns:
        ``(patch float32, (x0, y0, x1, y1))`` — the soft mask for that integer rectangle.
    """
    h, w = out_shape
    inv = cv2.invertAffineTransform(matrix)
    size = soft.shape[0]
    corners = np.array([[-0.5, -0.5, 1], [size - 0.5, -0.5, 1], [-0.5, size - 0.5, 1], [size - 0.5, size - 0.5, 1]])
    pts = corners @ inv.T
    if roi is None:
        x0 = int(max(0, np.floor(pts[:, 0].min())))
        y0 = int(max(0, np.floor(pts[:, 1].min())))
        x1 = int(min(w, np.ceil(pts[:, 0].max()) + 1))
        y1 = int(min(h, np.ceil(pts[:, 1].max()) + 1))
        roi = (x0, y0, x1, y1)
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
