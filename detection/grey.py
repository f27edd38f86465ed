"""Black-and-white photos, shown to MediaPipe in a skin tone.

MediaPipe's palm detector learnt on colour photos. On a grey copy of a plain open palm
(``samples/palm_open.jpg`` in PIL's ``L`` mode) it finds no hand at all, and the pipeline then
segments the whole photo; given the same grey levels in a sepia tint it finds the hand with
its usual confidence. The tint adds nothing the photo does not hold: every pixel keeps its
brightness order and all get the same hue, so the background turns the same beige as the hand.

Only MediaPipe is shown the tint. The YOLO model, given tinted grey photos, put boxes on
backgrounds (the whole photo a skin colour); the U-Net, given tinted crops, did worse than on
the grey ones (README, Known limits, "Grey photos"). The cut-out is made from the photo as it
came.
"""
from __future__ import annotations

import numpy as np

#: a photo is grey when no pixel's channels differ by more than this (JPEG's rounding of a grey
#: image saved as RGB leaves differences of 1-3)...
GREY_SPREAD = 6
#: ... or only this share of its pixels does (a coloured logo or date stamp on a grey photo)
GREY_SHARE = 0.01
#: per-channel gains of the tint: a light skin's RGB ratio. The median labelled skin of 60 photos
#: each is 1 : 0.77 : 0.65 on 11k Hands and 1 : 0.70 : 0.59 on HGR. Only the red channel keeps
#: its grey level, so the tinted photo is about a fifth darker
SKIN_GAINS = (1.0, 0.78, 0.66)
#: the pixels looked at to decide (a 2160x4000 photo needs no more than this to tell)
SAMPLES = 200_000


def is_grey(image_rgb: np.ndarray) -> bool:
    """Whether an ``HxWx3 uint8`` photo is black-and-white (see ``GREY_SPREAD``)."""
    pix = image_rgb.reshape(-1, 3)
    pix = pix[:: max(1, len(pix) // SAMPLES)].astype(np.int16)
    spread = pix.max(axis=1) - pix.min(axis=1)
    return float((spread > GREY_SPREAD).mean()) <= GREY_SHARE


def skin_tint(image_rgb: np.ndarray) -> np.ndarray:
    """The photo's grey levels in a skin-like hue (``SKIN_GAINS``), ``HxWx3 uint8``."""
    grey = image_rgb.astype(np.float32).mean(axis=2, keepdims=True)
    return np.clip(grey * np.asarray(SKIN_GAINS, np.float32) + 0.5, 0, 255).astype(np.uint8)
