"""Black-and-white photos, shown to MediaPipe in a skin tone.

MediaPipe's palm detector learnt on colour photos. On a grey copy of a plain open palm
(``samples/palm_open.jpg`` in PIL's ``L`` mode) it finds no hand at all, and the pipeline then
segments the whole photo; given the same grey levels in a sepia tint it finds the hand with
its usual confidence. The tint adds nothing the photo does not hold: every pixel keeps its
brightness order, all get the same hue, and white stays white.

Only MediaPipe is shown the tint. The YOLO model, given tinted grey photos, put boxes on
backgrounds (the whole photo a skin colour); the U-Net, given tinted crops, did worse than on
the grey ones (docs/limitations.md, "Grey photos"). The cut-out is made from the photo as it
came.
"""
from __future__ import annotations

import cv2
import numpy as np

#: a photo is grey when no pixel's channels differ by more than this (JPEG's rounding of a grey
#: image saved as RGB leaves differences of 1-3)...
GREY_SPREAD = 6
#: ... or only this share of its pixels does (a coloured logo or date stamp on a grey photo)
GREY_SHARE = 0.01
#: per-channel gains of the tint at full strength: a skin's RGB ratio (the median labelled skin
#: of 60 HGR photos is 1 : 0.70 : 0.59; of 60 11k Hands photos 1 : 0.77 : 0.65). Red keeps its
#: grey level, so tinted pixels are darker
SKIN_GAINS = (1.0, 0.70, 0.59)
#: the tint's strength falls with brightness as ``1 - level**TINT_FADE`` (level 0-1): white stays
#: white, as a white table does in a colour photo, and only the darker tones turn skin-like. With
#: the same tint everywhere (11k Hands' ratio, session 44's first form) a grey hand on a white table
#: lay on a beige one, and MediaPipe found 29 of the 80 grey 11k Hands validation hands; with
#: the fade (2) it finds 75, and 134 of 156 on grey HGR (122), never a box off the hand (a fade
#: of 1 found 68 on 11k Hands, 4 found 74). It also finds a small false "hand" on the fingers of
#: a large dark hand, which the pipeline drops (``PipelineConfig.grey_piece``)
TINT_FADE = 2.0
#: the pixels looked at to decide (a 2160x4000 photo needs no more than this to tell)
SAMPLES = 200_000


def is_grey(image_rgb: np.ndarray) -> bool:
    """Whether an ``HxWx3 uint8`` photo is black-and-white (see ``GREY_SPREAD``)."""
    pix = image_rgb.reshape(-1, 3)
    pix = pix[:: max(1, len(pix) // SAMPLES)]
    # per channel, in uint8 (the largest minus the smallest never wraps), on contiguous planes:
    # a quarter of the time of numpy on the strided channels, and the pipeline asks up to four
    # times a photo
    r, g, b = cv2.split(np.ascontiguousarray(pix).reshape(-1, 1, 3))
    spread = cv2.subtract(cv2.max(cv2.max(r, g), b), cv2.min(cv2.min(r, g), b))
    return float((spread > GREY_SPREAD).mean()) <= GREY_SHARE


def skin_tint(image_rgb: np.ndarray) -> np.ndarray:
    """The photo's grey levels in a skin-like hue (``SKIN_GAINS``), fading to none at white
    (``TINT_FADE``), ``HxWx3 uint8``. Every channel keeps the grey levels' order."""
    grey = image_rgb.astype(np.float32).mean(axis=2, keepdims=True)
    strength = 1.0 - (grey / 255.0) ** TINT_FADE
    gains = 1.0 - strength * (1.0 - np.asarray(SKIN_GAINS, np.float32))
    return np.clip(grey * gains + 0.5, 0, 255).astype(np.uint8)
