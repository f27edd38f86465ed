"""Show the U-Net each hand upright or hanging, the two ways its training photos hold hands.

The training data holds hands vertically: HGR's webcam gestures point up, 11k Hands' top-down
photos point down, and the rotation augmentation reaches 30 degrees either side. A hand lying
across a portrait photo, its forearm leaving by the left or right edge, is outside that: the
U-Net then tends to stop the arm at the wrist (on 11k Hands photos turned a quarter turn onto
2160x4000 canvases, the missed wrist was most of the error). A quarter turn of the crop, chosen
from MediaPipe's wrist and middle knuckle, brings such a hand back to vertical before the U-Net
sees it, and the mask is turned back after. Crops stay axis-aligned squares in the photo, so
growing, pasting and everything after see the same crops as before; only the U-Net's view turns.
"""
from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from detection.faces import wrist_axis


def quarter_turns(landmarks: np.ndarray | None, min_tilt: float) -> int:
    """``np.rot90``'s ``k`` that makes a horizontal hand point up; 0 for a vertical one.

    A hand within ``min_tilt`` degrees of pointing up or down is left as it is (both are in the
    training data); one tilted further and pointing right needs a quarter turn anticlockwise
    (``k = 1``), pointing left a quarter turn clockwise (``k = 3``). A threshold above 45 leaves
    diagonal hands alone: turned, they are just as diagonal the other way, so the turn gains
    nothing there and only swaps one view for another. No landmarks, or wrist and knuckle at
    one point: no turn. No default for ``min_tilt``: the product's is
    ``PipelineConfig.upright_tilt``, and a second one here could only drift from it.
    """
    axis = None if landmarks is None else wrist_axis(landmarks)
    if axis is None:
        return 0
    dx, dy = axis[2]  # from the middle knuckle to the wrist: the hand points the other way
    if np.degrees(np.arctan2(abs(dx), abs(dy))) <= min_tilt:
        return 0
    return 1 if dx < 0 else 3


def turn(stack: np.ndarray, turns: Sequence[int], inverse: bool = False) -> np.ndarray:
    """Each ``stack[i]`` (``S x S`` or ``S x S x C``) turned by ``np.rot90(., turns[i])``, or back.

    Crops are square, so the turned stack keeps its shape.
    """
    out = stack.copy()
    for i, k in enumerate(turns):
        if k % 4:
            out[i] = np.rot90(stack[i], -k if inverse else k, axes=(0, 1))
    return out
