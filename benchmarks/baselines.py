"""Simple background-removal baselines that handcut's pipeline is measured against.

Each baseline is a small function ``HxWx3 uint8 RGB -> HxW uint8 0/255`` (GrabCut also takes
the box it starts from; the model-based ones take the loaded model), so the quality benchmark
can run them on exactly the pictures it feeds the pipeline and score them with the same
:func:`pipeline.metrics.score_masks`. They are deliberately the textbook versions: the point is
to show what the learned pipeline adds over what one gets for free.
"""
from __future__ import annotations

from typing import Callable, Sequence

import cv2
import numpy as np

from detection.boxes import Box, clip_box, expand_box

#: The classic YCrCb skin box (Chai & Ngan, 1999): Cr in [133, 173], Cb in [77, 127].
SKIN_CR = (133, 173)
SKIN_CB = (77, 127)


def _check_image(image: np.ndarray) -> None:
    if image.ndim != 3 or image.shape[2] != 3 or image.dtype != np.uint8:
        raise ValueError("expected an HxWx3 uint8 RGB image")


def keep_large_components(mask: np.ndarray, min_fraction: float) -> np.ndarray:
    """Drop 8-connected components smaller than ``min_fraction`` of the largest one.

    A colour threshold fires on every skin-toned speck of wood or wall; the hand is (nearly
    always) the largest blob, so relative size is the cheapest cue that needs no detector.

    Args:
        mask: ``HxW`` uint8, non-zero = foreground.
        min_fraction: in [0, 1]; 0 keeps everything.

    Returns:
        ``HxW uint8`` 0/255 (a new array).
    """
    fg = (mask > 0).astype(np.uint8)
    n, labels, stats, _ = cv2.connectedComponentsWithStats(fg, connectivity=8)
    if n <= 1:
        return fg * 255
    areas = stats[1:, cv2.CC_STAT_AREA]
    keep = np.zeros(n, bool)
    keep[1:] = areas >= min_fraction * areas.max()
    return np.where(keep[labels], 255, 0).astype(np.uint8)


def skin_ycrcb_mask(
    image: np.ndarray,
    cr: tuple[int, int] = SKIN_CR,
    cb: tuple[int, int] = SKIN_CB,
    kernel_fraction: float = 0.01,
    min_fraction: float = 0.1,
) -> np.ndarray:
    """Skin-colour threshold in YCrCb, opened and closed, large components kept.

    The morphology kernel scales with the image (``kernel_fraction`` of the short side, at
    least 3 px, odd) so a 640x480 and a 1600x1200 photo are cleaned alike.

    Args:
        image: ``HxWx3 uint8 RGB``.
        cr, cb: inclusive chroma ranges counted as skin.
        kernel_fraction: elliptic kernel diameter as a fraction of the short side.
        min_fraction: components smaller than this fraction of the largest are dropped.

    Returns:
        ``HxW uint8`` 0/255.
    """
    _check_image(image)
    ycrcb = cv2.cvtColor(image, cv2.COLOR_RGB2YCrCb)
    raw = cv2.inRange(ycrcb, (0, cr[0], cb[0]), (255, cr[1], cb[1]))
    k = max(3, int(round(kernel_fraction * min(image.shape[:2]))) | 1)
    kernel = cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (k, k))
    m = cv2.morphologyEx(raw, cv2.MORPH_OPEN, kernel)
    m = cv2.morphologyEx(m, cv2.MORPH_CLOSE, kernel)
    return keep_large_components(m, min_fraction)


def grabcut_box(boxes: Sequence[Box], margin: float, width: int, height: int) -> Box | None:
    """The rectangle GrabCut starts from: union of the hand boxes, each grown by ``margin``, clipped.

    ``GC_INIT_WITH_RECT`` takes one rectangle, so several hands share their union. The margin
    is the pipeline's crop margin: a landmark box is tight on the fingertips and wrist, and
    everything outside the rectangle is fixed as background.

    Returns:
        ``(x0, y0, x1, y1)`` in pixels, or None when there is no box or it has no area in the image.
    """
    grown = [clip_box(expand_box(b, margin), width, height) for b in boxes]
    grown = [b for b in grown if b[2] - b[0] > 0 and b[3] - b[1] > 0]
    if not grown:
        return None
    return (min(b[0] for b in grown), min(b[1] for b in grown), max(b[2] for b in grown), max(b[3] for b in grown))


def grabcut_mask(image: np.ndarray, box: Box | None, iterations: int = 5, max_side: int = 800) -> np.ndarray:
    """GrabCut initialised with ``box`` (``GC_INIT_WITH_RECT``), run small and upsampled back.

    GrabCut's cost grows with pixels and its colour models gain nothing from more of them, so
    it runs on a copy shrunk to ``max_side`` on the long side; the result is upsampled
    bilinearly and re-thresholded (smoother than nearest). OpenCV's RNG is seeded so the
    k-means initialisation, and therefore the benchmark, is repeatable.

    Args:
        image: ``HxWx3 uint8 RGB``.
        box: ``(x0, y0, x1, y1)`` in full-resolution pixels; None (no hand found) gives an empty mask.
        iterations: GrabCut iterations.
        max_side: long side of the working copy.

    Returns:
        ``HxW uint8`` 0/255; empty when the box is None or under 2 px on a side once shrunk.
    """
    _check_image(image)
    h, w = image.shape[:2]
    out = np.zeros((h, w), np.uint8)
    if box is None:
        return out
    scale = min(1.0, max_side / max(h, w))
    small = image if scale == 1.0 else cv2.resize(
        image, (max(1, round(w * scale)), max(1, round(h * scale))), interpolation=cv2.INTER_AREA
    )
    sh, sw = small.shape[:2]
    x0, y0, x1, y1 = clip_box(tuple(v * scale for v in box), sw, sh)
    x0, y0 = int(np.floor(x0)), int(np.floor(y0))
    x1, y1 = int(np.ceil(x1)), int(np.ceil(y1))
    if (x0, y0, x1, y1) == (0, 0, sw, sh):
        # Outside the rectangle is GrabCut's only background sample; a full-frame box has none.
        x0, y0, x1, y1 = 1, 1, sw - 1, sh - 1
    if x1 - x0 < 2 or y1 - y0 < 2:
        return out
    cv2.setRNGSeed(0)
    gc = np.zeros((sh, sw), np.uint8)
    bgd, fgd = np.zeros((1, 65), np.float64), np.zeros((1, 65), np.float64)
    bgr = cv2.cvtColor(small, cv2.COLOR_RGB2BGR)
    cv2.grabCut(bgr, gc, (x0, y0, x1 - x0, y1 - y0), bgd, fgd, iterations, cv2.GC_INIT_WITH_RECT)
    fg = np.where((gc == cv2.GC_FGD) | (gc == cv2.GC_PR_FGD), 255, 0).astype(np.uint8)
    if (sh, sw) != (h, w):
        fg = cv2.resize(fg, (w, h), interpolation=cv2.INTER_LINEAR)
    return np.where(fg > 127, 255, 0).astype(np.uint8)


def selfie_segmentation_mask(image: np.ndarray, model, threshold: float = 0.5) -> np.ndarray:
    """MediaPipe's bundled person segmentation, thresholded.

    Args:
        image: ``HxWx3 uint8 RGB``.
        model: a ``mp.solutions.selfie_segmentation.SelfieSegmentation`` instance (load once).
        threshold: probability above which a pixel is foreground.

    Returns:
        ``HxW uint8`` 0/255 (all zero when MediaPipe returns no mask).
    """
    _check_image(image)
    res = model.process(np.ascontiguousarray(image))
    soft = getattr(res, "segmentation_mask", None)
    if soft is None:
        return np.zeros(image.shape[:2], np.uint8)
    return np.where(np.asarray(soft) > threshold, 255, 0).astype(np.uint8)


def whole_image_unet_mask(
    image: np.ndarray, predict: Callable[[np.ndarray], np.ndarray], size: tuple[int, int], threshold: float = 0.5
) -> np.ndarray:
    """A seed-style U-Net that sees the whole photo resized to its input, no detector.

    Args:
        image: ``HxWx3 uint8 RGB``.
        predict: batch ``Nx H' x W' x3`` float32 (raw 0-255) -> ``N x H' x W' [x1]`` probabilities.
        size: the model's input ``(H', W')``.
        threshold: probability above which a pixel is hand.

    Returns:
        ``HxW uint8`` 0/255 at the image's resolution.
    """
    _check_image(image)
    h, w = image.shape[:2]
    small = cv2.resize(image, (size[1], size[0]), interpolation=cv2.INTER_AREA).astype(np.float32)
    soft = np.asarray(predict(small[None]), np.float32).reshape(size[0], size[1])
    soft = cv2.resize(soft, (w, h), interpolation=cv2.INTER_LINEAR)
    return np.where(soft > threshold, 255, 0).astype(np.uint8)
