"""A sleeve or cuff the model kept as forearm, cut off where it starts.

Sleeves are background (the data's convention, and what a cut-out of a hand wants), and the
model leaves most of them out. It keeps the ones about as light and muted as skin: a maroon
or red cuff, a pale pink sleeve at the wrist of an 11k Hands photo (README, "What does not work
yet"). The vivid trim (:mod:`pipeline.colour_check`) cannot take them, as they are no more
vivid than skin, and it never judges the wrist anyway (a watch or a coin may lie there).

What gives a sleeve away is that it does not change back. Walk down the forearm from the wrist
landmark in slices across it (:data:`SLEEVE_STEP` palm lengths thick) and compare each slice's
colour with the palm's, counting lightness at a quarter (:data:`LIGHTNESS_WEIGHT`): a forearm
farther from a flash or in shade is much darker than the palm but keeps its a*, b*, and on
HGR's validation photos the forearm's skin stayed within 13 of the palm's colour this way, while
a maroon cuff lies 21 away and a red one 49. So the mask is cut where a slice first lies at
least :data:`SLEEVE_COLOUR` from the palm with hardly a skin-coloured pixel in it, a slice of
skin lies before it, and every slice after it stays as far (:data:`SLEEVE_STAYS`) and as free
of skin. A bracelet or a watch with skin after it is left alone (the skin after it comes back
near the palm's colour), and so is the hand itself (its landmark shape is never cut).

A first form measured colour as plain CIELAB distance (lightness counted in full): it cut the
forearms of HGR person id05, lit by a flash, where they fall into shadow (one photo -10 IoU
points; docs/pipeline_steps.md, session 47).
"""
from __future__ import annotations

import cv2
import numpy as np

from detection.faces import hand_shape_plane, wrist_axis
from pipeline.lab import shade_distance, to_lab
from pipeline.landmark_prior import fill_palm

#: the slices' thickness along the forearm, palm lengths (wrist landmark to middle knuckle)
SLEEVE_STEP = 0.1
#: the slices' half width across the forearm, palm lengths: a forearm is about one palm length
#: wide; the edge of the mask beside it is left out of the colour
SLEEVE_WIDTH = 0.6
#: what is cut beyond the sleeve's start, half width in palm lengths: the whole sleeve, however
#: wide it lies on the table
SLEEVE_CUT_WIDTH = 2.0
#: colour distances are CIELAB's (L 0-100) with lightness counted at this weight: a forearm
#: away from a flash or in a room's shade is up to 45 L darker than the palm while its a*, b*
#: stay within 5 (HGR person id05), and a cuff differs in a*, b* (a red one by 49) or in both
LIGHTNESS_WEIGHT = 0.25
#: a slice's median distance from the palm's colour that is no skin
SLEEVE_COLOUR = 18.0
#: ... and what every slice after it keeps
SLEEVE_STAYS = 15.0
#: a slice this close to the palm's colour is skin: the sleeve must start after one
SLEEVE_SKIN = 8.0
#: a slice of cloth holds fewer skin-coloured samples (within :data:`SLEEVE_SKIN`) than this
#: share: a forearm the mask joined to a wide piece of cloth or floor either side of it has its
#: colour mostly the cloth's, but the forearm's skin is still there
CLOTH_SKIN_SHARE = 0.1
#: the sleeve's colour lies at least this far from the slice two before it: a cuff's edge is a
#: step (a maroon cuff 20, a red one 54), while skin drifts from a pink palm to a paler wrist
#: slice by slice (11 over two slices on an 11k Hands photo, `Hand_0001931`)
SLEEVE_JUMP = 15.0
#: colour samples per palm length (the photo is read on a grid this fine, not pixel by pixel)
SAMPLES_PER_PALM = 60
#: a slice with fewer samples says nothing
MIN_SAMPLES = 20
#: ... and so does one whose mask covers less than this share of it: a forearm that leaves the
#: hand's line at a bent wrist, or the photo's edge, leaves the slices only its rim
MIN_COVER = 0.3


def _distance(lab: np.ndarray, reference: np.ndarray) -> np.ndarray:
    """Colour distance from ``reference`` (CIELAB, last axis), lightness counted at
    :data:`LIGHTNESS_WEIGHT`: shade darkens skin but keeps its a*, b*."""
    return shade_distance(lab, reference, LIGHTNESS_WEIGHT)


def sleeve_start(image_rgb: np.ndarray, hard: np.ndarray, points: np.ndarray,
                 colour: float = SLEEVE_COLOUR) -> tuple[float, np.ndarray, np.ndarray] | None:
    """Where along the forearm (palm lengths past the wrist landmark) a sleeve starts in the mask
    ``hard`` (bool, the plane of ``image_rgb``) of the hand with landmarks ``points``, with the
    median CIELAB colours of the skin just before it and of the sleeve; None when no sleeve
    starts."""
    axis = wrist_axis(points)
    if axis is None:
        return None
    wrist, palm, away = axis
    stride = max(1, int(palm / SAMPLES_PER_PALM))
    grid = hard[::stride, ::stride]
    ys, xs = np.nonzero(grid)
    if len(ys) < MIN_SAMPLES:
        return None
    lab = to_lab(image_rgb[::stride, ::stride])[ys, xs]
    palm_poly = np.zeros(grid.shape, np.uint8)
    fill_palm(palm_poly, np.asarray(points) / stride)
    in_palm = palm_poly[ys, xs] > 0
    if in_palm.sum() < MIN_SAMPLES:
        return None
    reference = np.median(lab[in_palm], axis=0)
    distance = _distance(lab, reference)
    rel = np.stack([xs, ys], 1) * float(stride) - wrist
    along = rel @ away / palm
    across = np.abs(rel @ np.array([-away[1], away[0]])) / palm
    keep = (across < SLEEVE_WIDTH) & (along >= -3 * SLEEVE_STEP)
    index = np.floor(along[keep] / SLEEVE_STEP).astype(int)
    distance, lab = distance[keep], lab[keep]
    slice_area = 2 * SLEEVE_WIDTH * SLEEVE_STEP * (palm / stride) ** 2  # in samples
    slices = []  # (start, median colour, median distance from the palm's, share of skin-coloured samples)
    for k in np.unique(index):
        inside = index == k
        if inside.sum() >= max(MIN_SAMPLES, MIN_COVER * slice_area):
            d = distance[inside]
            slices.append((k * SLEEVE_STEP, np.median(lab[inside], axis=0), float(np.median(d)),
                           float(np.mean(d <= SLEEVE_SKIN))))
    for i, (start, cloth, median, skin) in enumerate(slices):
        if start < 0 or median < colour or skin >= CLOTH_SKIN_SHARE:
            continue
        if i < 2:
            return None
        before = slices[i - 2][1]  # two slices back: past a slice the cuff's edge crosses
        edge = float(_distance(cloth, before)) >= SLEEVE_JUMP
        skin_before = any(m <= SLEEVE_SKIN for _, _, m, _ in slices[:i])
        stays = all(m >= SLEEVE_STAYS and s < CLOTH_SKIN_SHARE for _, _, m, s in slices[i + 1:])
        return (start, before, cloth) if edge and skin_before and stays else None
    return None


def beyond_sleeve(image_rgb: np.ndarray, soft: np.ndarray, points: np.ndarray, threshold: float,
                  colour: float = SLEEVE_COLOUR) -> np.ndarray:
    """``HxW`` bool: the part of ``soft``'s mask (over ``threshold``) that is a sleeve, from
    where it starts (:func:`sleeve_start`) on, outside the hand's landmark shape. ``image_rgb``
    and ``points`` are in ``soft``'s pixels; ``colour`` 0 turns the cut off."""
    hard = soft > threshold
    if colour <= 0 or not hard.any():
        return np.zeros(hard.shape, bool)
    found = sleeve_start(image_rgb, hard, points, colour)
    if found is None:
        return np.zeros(hard.shape, bool)
    start, skin, cloth = found
    wrist, palm, away = wrist_axis(points)
    far = 2.0 * float(np.hypot(*hard.shape)) + float(np.hypot(*wrist))

    a, b = wrist + away * max(0.0, start - SLEEVE_STEP) * palm, wrist + away * far
    w = SLEEVE_CUT_WIDTH * palm * np.array([-away[1], away[0]])
    region = np.zeros(hard.shape, np.uint8)
    cv2.fillConvexPoly(region, np.round([a - w, a + w, b + w, b - w]).astype(np.int32), 1)
    # from the slice before the one where it starts (a cuff's edge, seldom square to the forearm,
    # leaves that one too much skin to count as cloth), pixel by pixel: a pixel nearer the
    # sleeve's colour than the skin's before it goes; skin beside a strip of sleeve stays
    cut = np.zeros(hard.shape, bool)
    candidates = (region > 0) & hard
    if candidates.any():
        ys, xs = np.nonzero(candidates)
        y0, y1, x0, x1 = ys.min(), ys.max() + 1, xs.min(), xs.max() + 1
        lab = to_lab(image_rgb[y0:y1, x0:x1])
        cut[y0:y1, x0:x1] = candidates[y0:y1, x0:x1] & (_distance(lab, cloth) < _distance(lab, skin))
    return cut & (hand_shape_plane(hard.shape, points, palm_reach=0.0) == 0)

