"""Pictures made from a result: cut-out, flat-background composite, overlay."""
from __future__ import annotations

import cv2
import numpy as np

from detection.boxes import Box


def cutout_rgba(image: np.ndarray, alpha: np.ndarray) -> np.ndarray:
    """``HxWx4 uint8``: the original pixels at full resolution with the mask as alpha.

    Fully transparent pixels get RGB 0: they are invisible either way, and the long zero runs
    make the PNG several times smaller and faster to write.
    """
    keep = cv2.compare(alpha, 0, cv2.CMP_GT)
    rgb = cv2.bitwise_and(image, image, mask=keep)  # OpenCV: 5x faster than numpy's masked assignment
    return cv2.merge((*cv2.split(rgb), alpha))


def composite(image: np.ndarray, alpha: np.ndarray, color: tuple[int, int, int]) -> np.ndarray:
    """``HxWx3 uint8``: the hand over a flat colour, blended by alpha."""
    a = alpha.astype(np.float32)[..., None] / 255.0
    bg = np.array(color, np.float32)
    return np.round(image * a + bg * (1 - a)).astype(np.uint8)


def overlay(image: np.ndarray, mask: np.ndarray, boxes: list[Box] = (), color=(0, 255, 0)) -> np.ndarray:
    """Tint the hand, outline its contour and draw boxes, for a quick visual check."""
    out = image.copy()
    m = mask > 0
    out[m] = (0.6 * out[m] + 0.4 * np.array(color)).astype(np.uint8)
    thick = max(1, round(max(image.shape[:2]) / 500))
    contours, _ = cv2.findContours(m.astype(np.uint8), cv2.RETR_LIST, cv2.CHAIN_APPROX_NONE)
    cv2.drawContours(out, contours, -1, (255, 255, 0), thick, cv2.LINE_AA)
    for b in boxes:
        cv2.rectangle(out, (int(b[0]), int(b[1])), (int(b[2]), int(b[3])), (255, 0, 255), thick)
    return out


def error_overlay(image: np.ndarray, pred: np.ndarray, truth: np.ndarray) -> np.ndarray:
    """Greyed image with false positives in red and false negatives in blue (true hand in green)."""
    grey = cv2.cvtColor(cv2.cvtColor(image, cv2.COLOR_RGB2GRAY), cv2.COLOR_GRAY2RGB)
    out = (grey * 0.6).astype(np.uint8)
    p, t = pred > 0, truth > 0
    out[p & t] = (0.5 * out[p & t] + [0, 110, 0]).astype(np.uint8)
    out[p & ~t] = [255, 40, 40]
    out[~p & t] = [40, 120, 255]
    return out


def parse_color(text: str) -> tuple[int, int, int]:
    """``'#RRGGBB'``, ``'R,G,B'`` or a few names (white, black, green, blue, red, grey) -> RGB."""
    names = {"white": (255, 255, 255), "black": (0, 0, 0), "green": (0, 177, 64), "blue": (0, 71, 187),
             "red": (255, 0, 0), "grey": (128, 128, 128), "gray": (128, 128, 128)}
    t = text.strip().lower()
    if t in names:
        return names[t]
    try:
        if t.startswith("#") and len(t) == 7:
            return tuple(int(t[i:i + 2], 16) for i in (1, 3, 5))  # type: ignore[return-value]
        parts = [int(v) for v in t.split(",")]
        if len(parts) == 3 and all(0 <= v <= 255 for v in parts):
            return tuple(parts)  # type: ignore[return-value]
    except ValueError:
        pass
    raise ValueError(f"invalid colour {text!r}: use #RRGGBB, R,G,B or a name ({', '.join(names)})")
