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

The fill (:func:`fill_colours`) is the mirror: a strip of palm or wrist the model bit out beside
a dark jacket or an orange suit, which GrabCut finds to have the hand's colours, is given back,
only inside the hand's landmark shape and never when it is much darker than the hand (a shadow).

The trim (:func:`vivid_pieces`) needs no GrabCut: a piece of the mask outside that shape far more
vivid than the hand's skin (an orange suit the model took for a forearm) is no skin at all.
"""
from __future__ import annotations

import cv2
import numpy as np

from detection.faces import hand_shape_plane, wrist_axis
from pipeline.colour import chroma_plane
from pipeline.landmark_prior import bone_width, forearm_cone, grabcut_soft, hand_prior, landmark_cone

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
    return pieces(hard & ~redone, min_share * float(hard.sum()), radius)


def pieces(changed: np.ndarray, floor: float, radius: int) -> np.ndarray:
    """The parts of ``changed`` (bool) that survive an opening of ``radius`` pixels in pieces of
    at least ``floor`` pixels, their rims given back where ``changed`` holds them."""
    taken = changed.astype(np.uint8)
    if not taken.any():
        return np.zeros(changed.shape, bool)
    core = cv2.morphologyEx(taken, cv2.MORPH_OPEN, _kernel(radius))  # radius 0: a 1x1 kernel, no-op
    n, labels, stats, _ = cv2.connectedComponentsWithStats(core, connectivity=8)
    big = [i for i in range(1, n) if stats[i, cv2.CC_STAT_AREA] >= floor]
    if not big:
        return np.zeros(changed.shape, bool)
    keep = np.isin(labels, big).astype(np.uint8)
    # the opening shaved the piece's own rim: give it back, but only where it changed
    return (cv2.dilate(keep, _kernel(radius)) > 0) & (taken > 0)


def _grabcut_again(crop: np.ndarray, soft: np.ndarray, hard: np.ndarray, points: np.ndarray,
                   threshold: float, background: np.ndarray,
                   skip: tuple[int, ...] = ()) -> tuple[np.ndarray, np.ndarray]:
    """``(skeleton prior, GrabCut's hand)``, both bool: GrabCut seeded with the skeleton (less
    the fingers in ``skip``: ``landmark_prior.phantom_fingers``) as sure hand, the model's mask
    ``hard`` as probable hand and ``background`` as sure background, the colour models both the
    check and the fill judge the model's mask by."""
    prior = hand_prior(points, soft.shape[0], skip=skip)
    redone = grabcut_soft(crop, prior, soft, threshold, iterations=ITERATIONS, probable=hard,
                          background=background) > 0.5
    return prior, redone


def check_colours(crop: np.ndarray, soft: np.ndarray, points: np.ndarray, threshold: float,
                  min_share: float, cone: tuple[float, float] | None = None, skip: tuple[int, ...] = ()) -> np.ndarray:
    """``soft`` without the patches GrabCut, seeded by the skeleton and the model's own mask,
    finds to look like this photo's background (see the module's docstring).

    ``cone`` = ``(reach, degrees)`` leaves the forearm's way from the wrist unjudged
    (``landmark_prior.landmark_cone``): a forearm in shade or in a sleeve's shadow is a colour
    the skeleton never showed GrabCut, and it is hand all the same.
    """
    hard = soft > threshold
    if min_share <= 0 or not hard.any():
        return soft
    size = soft.shape[0]
    step = max(1, int(round(MARGIN * size)))
    prior, redone = _grabcut_again(crop, soft, hard, points, threshold,
                                   background=cv2.dilate(hard.astype(np.uint8), _kernel(step)) == 0, skip=skip)
    gone = removable(hard, redone, min_share, max(1, bone_width(points) // 2))
    if cone is not None:
        way = landmark_cone(points, size, cone[0], cone[1])
        if way is not None:
            gone &= ~way
    gone &= ~prior
    return _cut(soft, gone)


def _cut(soft: np.ndarray, gone: np.ndarray) -> np.ndarray:
    """``soft`` with ``gone`` (bool) set to 0 and its new edges softened (:func:`_soften`);
    ``soft`` itself when nothing goes."""
    if not gone.any():
        return soft
    out = soft.copy()
    out[gone] = 0.0
    return _soften(out, gone, soft)


def _soften(out: np.ndarray, changed: np.ndarray, soft: np.ndarray, cut: bool = True) -> np.ndarray:
    """The new edges made slightly soft, as GrabCut's own are, so the paste-back stays
    anti-aliased; pixels away from ``changed`` keep the model's values. A cut (``cut``) may only
    lower the model's values there, an addition only raise them."""
    blurred = cv2.GaussianBlur(out, (0, 0), 0.8)
    near = cv2.dilate(changed.astype(np.uint8), np.ones((3, 3), np.uint8), iterations=2) > 0
    keep = np.minimum if cut else np.maximum
    return np.where(near, keep(blurred, soft), out).astype(np.float32)


#: where a piece the model left out may be given back: the hand's palm grown by this many palm
#: lengths and its fingers' capsules this many either side of the bones
#: (:func:`detection.faces.hand_shape`); not the gaps between spread fingers, which on a face
#: or a skin-coloured arm behind the hand have the hand's colours
FILL_PALM_REACH = 0.3
FILL_FINGER_WIDTH = 0.15
#: ... and the forearm's way from the wrist (``landmark_prior.forearm_cone``, apex half a palm
#: length behind the wrist, half-angle 60 degrees) up to this many palm lengths from the wrist,
#: where the back of the hand meets the forearm
FILL_WRIST = 0.6


#: a piece whose median lightness (Lab L) is under this share of the hand's is a shadow, not
#: hand. Flash photos against a wall (HGR's person id11) throw a hard, near-black shadow along
#: the hand that GrabCut gives the hand's darkest colours; such pieces had L 10-15 against the
#: hand's 50-105, the pieces that were hand (a palm's edge, a wrist beside a suit) 0.9-1.1 times it
FILL_MIN_LIGHTNESS = 0.5


def _not_shadows(crop: np.ndarray, hard: np.ndarray, added: np.ndarray) -> np.ndarray:
    """``added`` without its pieces much darker than the hand (``FILL_MIN_LIGHTNESS``)."""
    light = cv2.cvtColor(np.ascontiguousarray(crop), cv2.COLOR_RGB2LAB)[..., 0]
    floor = FILL_MIN_LIGHTNESS * float(np.median(light[hard]))
    n, labels = cv2.connectedComponents(added.astype(np.uint8), connectivity=8)
    keep = [i for i in range(1, n) if float(np.median(light[labels == i])) >= floor]
    return np.isin(labels, keep) if keep else np.zeros(added.shape, bool)


def fill_zone(points: np.ndarray, size: int) -> np.ndarray:
    """``size x size`` bool: where :func:`fill_colours` may add (see ``FILL_*``)."""
    zone = hand_shape_plane((size, size), points, half_width=FILL_FINGER_WIDTH, palm_reach=FILL_PALM_REACH)
    axis = wrist_axis(points)
    if axis is not None:
        wrist, palm, away = axis
        disc = np.zeros((size, size), np.uint8)
        cv2.circle(disc, tuple(int(round(v)) for v in wrist), int(round(FILL_WRIST * palm)), 1, -1)
        zone[(disc > 0) & (forearm_cone((size, size), wrist, away, 0.5 * palm, 60.0) > 0)] = 1
    return zone > 0


def fill_colours(crop: np.ndarray, soft: np.ndarray, points: np.ndarray, threshold: float,
                 min_share: float, skip: tuple[int, ...] = ()) -> np.ndarray:
    """``soft`` with the pieces of the hand the model left out given back: the mirror of
    :func:`check_colours`. Beside a dark jacket or an orange suit the model can bite a strip out
    of a palm's edge or the wrist while the skeleton it keeps is whole (the landmark prior then
    trusts it). GrabCut, seeded by the skeleton and the mask as hand and everything outside the
    hand's landmark shape as sure background, finds such a strip to have the hand's colours;
    pieces of at least ``min_share`` of the hand, inside that shape and not much darker than the
    hand (a shadow), are added."""
    hard = soft > threshold
    if min_share <= 0 or not hard.any():
        return soft
    zone = fill_zone(points, soft.shape[0])
    _, redone = _grabcut_again(crop, soft, hard, points, threshold, background=~zone & ~hard, skip=skip)
    added = pieces(redone & zone & ~hard, min_share * float(hard.sum()), max(1, bone_width(points) // 2))
    if added.any():
        added = _not_shadows(crop, hard, added)
    if not added.any():
        return soft
    return _soften(np.maximum(soft, added.astype(np.float32)), added, soft, cut=False)


#: a hand's chroma reference never goes under this (Lab a*b* units), about typical skin's: a
#: palm washed out by a flash (HGR person id05: chroma 14, while the same person's upper arm
#: in the flash's shadow had 24) or a grey photo would otherwise make skin "vivid". The median
#: chroma of the labelled hands (per photo, :func:`pipeline.colour.chroma_plane`) is 19 on HGR
#: and 26 on 11k Hands, at most 36, but for two photos of an HGR test person under warm light
#: (42, 44), which is why the floor only ever raises the hand's own reference; an orange suit
#: had 59
VIVID_FLOOR = 25.0
#: a vivid piece is trimmed only when it holds at least this share of the hand, as the colour
#: check's patches must: a painted nail or a bead beside the hand's shape is no garment
VIVID_MIN_SHARE = 0.005


def vivid_pieces(crop: np.ndarray, soft: np.ndarray, points: np.ndarray, threshold: float, ratio: float,
                 min_share: float = VIVID_MIN_SHARE) -> np.ndarray:
    """Bool: pieces of the model's mask, outside the hand's landmark shape, far more vivid than
    the hand (Lab chroma over ``ratio`` times the median along its skeleton).

    Skin is a muted colour and a hand's skin keeps about the same chroma over palm, wrist and
    forearm, in shade too (shade lowers lightness; chroma falls with it). A saturated garment
    does not: an orange suit beside a raised hand (chroma about 60 against the hand's 20-35)
    is what the model took for a forearm, and every larger crop that followed it took more.
    Nails, rings and a coin lie inside the shape (:func:`fill_zone`) and are never judged."""
    hard = soft > threshold
    if ratio <= 0 or not hard.any():
        return np.zeros(hard.shape, bool)
    size = soft.shape[0]
    skeleton = hand_prior(points, size) & hard
    if skeleton.sum() < 20:
        return np.zeros(hard.shape, bool)
    chroma = chroma_plane(crop)
    reference = max(VIVID_FLOOR, float(np.median(chroma[skeleton])))
    vivid = hard & (chroma > ratio * reference) & ~fill_zone(points, size)
    return pieces(vivid, min_share * float(hard.sum()), bone_width(points))


def trim_vivid(crop: np.ndarray, soft: np.ndarray, points: np.ndarray, threshold: float, ratio: float,
               min_share: float = VIVID_MIN_SHARE) -> np.ndarray:
    """``soft`` without its :func:`vivid_pieces`, the new edges softened as the check's are."""
    return _cut(soft, vivid_pieces(crop, soft, points, threshold, ratio, min_share))
