"""A trusted first crop checked against the photo's own colours.

The landmark prior (``pipeline.landmark_prior.apply_prior``) catches a U-Net mask that leaves the
hand's skeleton out. The opposite mistake passes it: a mask that covers the whole skeleton *and*
a patch of the background with it (granite or a flowered cloth between spread fingers, a wall
beside the thumb, on ``hand_boxes`` photos). Such a patch usually looks like the rest of the
background and not like the hand, which is what GrabCut can tell: seeded with the skeleton as
sure hand, the model's mask as probable hand and everything well outside it as sure background,
it learns this photo's two colour models and hands the patch back to the background.

GrabCut's own edge is blunter than the U-Net's and it nibbles at every finger's rim, so only its
larger removals are taken: pieces that survive a morphological opening and hold at least a set
share of the hand. The result may only lose pixels, and never the palm.
"""
from __future__ import annotations

import cv2
import numpy as np

from pipeline.landmark_prior import bone_width, grabcut_soft, hand_prior, landmark_cone

#: sure background starts this far outside the model's mask (a fraction of the crop side): the
#: model's edge may be a few pixels off, and a hand pixel seeded as background cannot come back.
#: 0.015 over 0.03: non-hand skin +0.67 IoU points, the rest level or up; 0.06 lost non-hand skin
#: (docs/val_sweep_colour_check_margin.json)
MARGIN = 0.015
#: GrabCut's rounds: two score the same as four on every validation set (within 0.05 IoU
#: points, docs/val_sweep_colour_check_speed.json) for about half the time; GrabCut run on the
#: crop at half size was faster still but lost 0.5 points on skin-coloured surfaces
ITERATIONS = 2


def _kernel(radius: int) -> np.ndarray:
    return cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (2 * radius + 1, 2 * radius + 1))


def removable(hard: np.ndarray, redone: np.ndarray, min_share: float, radius: int) -> np.ndarray:
    """Where GrabCut's ``redone`` (bool) takes away from ``hard`` (bool) in pieces that survive
    an opening of ``radius`` pixels and hold at least ``min_share`` of ``hard``: a patch, not a
    rim."""
    taken = (hard & ~redone).astype(np.uint8)
    if not taken.any():
        return np.zeros(hard.shape, bool)
    core = cv2.morphologyEx(taken, cv2.MORPH_OPEN, _kernel(radius))  # radius 0: a 1x1 kernel, no-op
    n, labels, stats, _ = cv2.connectedComponentsWithStats(core, connectivity=8)
    floor = min_share * float(hard.sum())
    big = [i for i in range(1, n) if stats[i, cv2.CC_STAT_AREA] >= floor]
    if not big:
        return np.zeros(hard.shape, bool)
    keep = np.isin(labels, big).astype(np.uint8)
    # the opening shaved the patch's own rim: give it back, but only where GrabCut took too
    return (cv2.dilate(keep, _kernel(radius)) > 0) & (taken > 0)


def check_colours(crop: np.ndarray, soft: np.ndarray, points: np.ndarray, threshold: float,
                  min_share: float, cone: tuple[float, float] | None = None) -> np.ndarray:
    """``soft`` without the patches GrabCut, seeded by the skeleton and the model's own mask,
    finds to look like this photo's background (see the module's docstring).

    ``cone`` = ``(reach, degrees)`` leaves the forearm's way from the wrist unjudged
    (``landmark_prior.landmark_cone``): a forearm in shade or in a sleeve's shadow is a colour
    the skeleton never showed GrabCut, and it is hand all the same.
    """
    if min_share <= 0:
        return soft
    size = soft.shape[0]
    hard = soft > threshold
    if not hard.any():
        return soft
    prior = hand_prior(points, size)
    step = max(1, int(round(MARGIN * size)))
    outside = cv2.dilate(hard.astype(np.uint8), _kernel(step)) == 0
    redone = grabcut_soft(crop, prior, soft, threshold, iterations=ITERATIONS, probable=hard,
                          background=outside) > 0.5
    gone = removable(hard, redone, min_share, max(1, bone_width(points) // 2))
    if cone is not None:
        way = landmark_cone(points, size, cone[0], cone[1])
        if way is not None:
            gone &= ~way
    gone &= ~prior
    if not gone.any():
        return soft
    out = soft.copy()
    out[gone] = 0.0
    return _soften(out, gone, soft)


def _soften(out: np.ndarray, gone: np.ndarray, soft: np.ndarray) -> np.ndarray:
    """The cut edges made slightly soft, as GrabCut's own are, so the paste-back stays
    anti-aliased; pixels away from the cut keep the model's values."""
    blurred = cv2.GaussianBlur(out, (0, 0), 0.8)
    near = cv2.dilate(gone.astype(np.uint8), np.ones((3, 3), np.uint8), iterations=2) > 0
    return np.where(near, np.minimum(blurred, soft), out).astype(np.float32)
