"""Using MediaPipe's 21 hand landmarks as a shape prior for the segmenter's output.

The landmarks say with high confidence where the palm and the finger bones are, whatever the
colours. Two uses, both in crop pixels:

* the palm polygon is hand: a bright palm, a coin or a ring lying on it can never become a hole;
* when the model's mask leaves most of the palm and finger skeleton uncovered, its colour model
  has been fooled (pale skin on light wood, say) and the crop is re-segmented with GrabCut seeded
  by the skeleton, which learns this photo's own hand and background colours;
* a fingertip the mask cut off from its hand (an over-exposed joint) is joined back along the
  finger's bones (:func:`bridge_fingers`).

The finger bones are *not* added to a mask the model got right: landmarks of bent or crossed
fingers are often a few pixels off, and painting them in put background along finger edges
(hgr validation persons: boundary F1 0.890 with them, 0.901 without; IoU 0.952 vs 0.954;
``benchmarks/val_sweep.py``).
"""
from __future__ import annotations

import cv2
import numpy as np

from detection.faces import FINGERS, PALM, rotate, wrist_axis
from pipeline.refine import chromaticity
from segmentation.crops import crop_to_crop


def to_crop(points: np.ndarray, matrix: np.ndarray) -> np.ndarray:
    """Full-image ``21x2`` pixel points through a crop's 2x3 affine matrix."""
    return points @ matrix[:, :2].T + matrix[:, 2]


def knuckle_span(points: np.ndarray) -> float:
    """Distance from the index to the little finger's knuckle (landmarks 5 and 17): the hand's
    size, in the points' pixels, that the landmark steps scale their reaches by."""
    return float(np.linalg.norm(points[5] - points[17]))


def fingertip_discs(shape: tuple[int, int], hands: list[np.ndarray], reach: float) -> np.ndarray | None:
    """Bool plane of ``shape``: a disc round each fingertip landmark of each hand in ``hands`` (21
    landmarks each, in the plane's pixels), of radius ``reach`` knuckle spans (index to little
    knuckle); None without hands. A disc holds the fingertip's outline whichever way the finger
    points, and only the last stretch of the finger's sides."""
    if not hands:
        return None
    plane = np.zeros(shape, np.uint8)
    for points in hands:
        r = max(2, int(round(reach * knuckle_span(points))))
        for finger in FINGERS:
            x, y = points[finger[-1]]
            cv2.circle(plane, (int(round(x)), int(round(y))), r, 1, -1)
    return plane > 0


def bone_width(points: np.ndarray) -> int:
    """Bone width and palm inset, in crop pixels: a fraction of the width across the knuckles."""
    return max(2, int(round(0.12 * knuckle_span(points))))


def fill_palm(plane: np.ndarray, points: np.ndarray) -> None:
    """Set the palm polygon (hull of wrist and knuckles) to 1 in ``plane``."""
    cv2.fillConvexPoly(plane, cv2.convexHull(np.round(points[list(PALM)]).astype(np.int32)), 1)


def _palm(points: np.ndarray, size: int) -> np.ndarray:
    """``size x size`` bool: the palm polygon, eroded a little so it stays inside the hand."""
    prior = np.zeros((size, size), np.uint8)
    fill_palm(prior, points)
    prior = cv2.erode(prior, np.ones((3, 3), np.uint8), iterations=max(1, bone_width(points) // 3))
    return prior > 0


def _bones(points: np.ndarray, size: int, skip: tuple[int, ...] = ()) -> np.ndarray:
    """``size x size`` bool: the finger bones, drawn thinner than a finger; ``skip``: indices
    into ``FINGERS`` (0 thumb .. 4 little finger) left out."""
    prior = np.zeros((size, size), np.uint8)
    for k, finger in enumerate(FINGERS):
        if k in skip:
            continue
        bones = points[list(finger)].copy()
        bones[-1] = bones[-2] + 0.7 * (bones[-1] - bones[-2])  # the tip landmark sits on the edge: stop short
        cv2.polylines(prior, [np.round(bones).astype(np.int32)], False, 1, bone_width(points))
    return prior > 0


def hand_prior(points: np.ndarray, size: int, fingers: bool = True, skip: tuple[int, ...] = ()) -> np.ndarray:
    """``size x size`` bool: filled palm polygon plus (``fingers``) finger bones, less the
    fingers in ``skip`` (see :func:`phantom_fingers`)."""
    palm = _palm(points, size)
    return palm | _bones(points, size, skip) if fingers else palm


#: a finger the model left out (:func:`phantom_fingers`) is taken for one MediaPipe made up when
#: its bones' colour lies at least this far (RGB distance) from the palm's ...
PHANTOM_FROM_PALM = 40.0
#: ... and this many times as far from the palm's colour as from the background's beside it;
PHANTOM_RATIO = 2.0
#: only a finger this share of whose bone line the model left out is looked at (a made-up finger
#: starts at a real knuckle, on the hand: in ``V1_0084`` 30 % of it was missed)
PHANTOM_MISSED = 0.2


def phantom_fingers(crop: np.ndarray, soft: np.ndarray, points: np.ndarray, threshold: float,
                    inside: np.ndarray | None = None, from_palm: float = PHANTOM_FROM_PALM,
                    ratio: float = PHANTOM_RATIO) -> tuple[int, ...]:
    """Fingers (indices into ``FINGERS``) whose landmarks MediaPipe placed on the background.

    With a finger folded out of sight (an index bent behind the others), MediaPipe still gives
    it landmarks, and draws it where it guesses: on a dark shelf beside the fingers in
    ``hand_boxes``' ``V1_0084``. The model rightly left that out, the skeleton then says the
    mask missed a finger, and GrabCut, seeded with the made-up finger's bones as sure hand,
    learnt the shelf's colour as the hand's and took in the whole shelf. A finger the model
    missed because its colour fooled it (pale skin on pale wood, the case the rescue is for)
    has the palm's colour; a made-up one has the background's: its missed bone pixels' median
    colour lies ``from_palm`` or more from the palm's (the palm pixels the model kept),
    ``ratio`` times as far from it as from the background beside the finger (the pixels the
    model left out in a band two bone widths wide around it), and its hue is nearer the
    background's than the palm's (a real thumb in deep shade is as dark as a dark background
    but keeps the skin's hue: ``12IMG``). ``inside`` (bool, the crop's pixels that lie in the
    photo) leaves out a crop's padding past the photo's edge, whose black says nothing.
    """
    size = soft.shape[0]
    hard = soft > threshold
    seen = np.ones(hard.shape, bool) if inside is None else inside
    palm = _palm(points, size) & hard & seen
    if palm.sum() < 20:
        return ()
    palm_colour = np.median(crop[palm].reshape(-1, 3).astype(np.float32), axis=0)
    width = bone_width(points)
    grow = np.ones((3, 3), np.uint8)
    found = []
    for k in range(len(FINGERS)):
        line = _bones(points, size, tuple(j for j in range(len(FINGERS)) if j != k)) & seen
        missed = line & ~hard
        if missed.sum() < max(10, PHANTOM_MISSED * line.sum()):
            continue
        core = cv2.dilate(line.astype(np.uint8), grow, iterations=width) > 0
        beside = (cv2.dilate(line.astype(np.uint8), grow, iterations=2 * width) > 0) & ~core & ~hard & seen
        if beside.sum() < 10:
            continue
        colour, ground = (np.median(crop[sel].reshape(-1, 3).astype(np.float32), axis=0) for sel in (missed, beside))
        to_palm, to_ground = float(np.linalg.norm(colour - palm_colour)), float(np.linalg.norm(colour - ground))
        hue = chromaticity(np.stack([colour, palm_colour, ground]))
        if (to_palm >= from_palm and to_palm >= ratio * to_ground
                and np.linalg.norm(hue[0] - hue[2]) < np.linalg.norm(hue[0] - hue[1])):
            found.append(k)
    return tuple(found)


def agreement(soft: np.ndarray, prior: np.ndarray, threshold: float) -> float:
    """Share of the prior's pixels the model calls hand (1.0 when the prior is empty)."""
    n = int(prior.sum())
    return 1.0 if n == 0 else float((soft[prior] > threshold).mean())


#: GrabCut's rounds where it redraws a hand's crop (``PipelineConfig.grabcut_rounds``'s default)
GRABCUT_ROUNDS = 4


def grabcut_soft(crop: np.ndarray, prior: np.ndarray, soft: np.ndarray, threshold: float,
                 iterations: int = GRABCUT_ROUNDS, band: float = 0.0, probable: np.ndarray | None = None,
                 background: np.ndarray | None = None) -> np.ndarray:
    """Re-segment a crop with GrabCut: the prior is sure hand, the rest probable background (and,
    with ``band`` > 0, a band that wide, as a fraction of the crop side, around the prior probable
    hand). The model's mask is not trusted here (it disagreed with the landmarks); GrabCut learns
    this photo's hand and background colours from the seeds.

    ``iterations``: ``PipelineConfig.grabcut_rounds`` for the pipeline's calls. Each costs 17-31
    ms on a 256 px crop; two instead of four scored level on the validation sets
    (docs/val_sweep_grabcut_two_*.json) but cut wrists and forearms off straight on real photos
    (docs/pipeline_steps.md, "Landmark prior and the GrabCut rescue").

    The band is off by default: between spread fingers it is mostly background, and on pale wood
    under a pale hand that background taught the hand's colour model the wood's colour, which
    then kept whole planks between the fingers (``docs/val_sweep_grabcut_band.json``).

    ``probable`` (bool, like ``prior``) marks more pixels as probable hand: GrabCut keeps them
    unless its colour models say otherwise (see :func:`rescue_grown`); ``background`` (bool) marks
    sure background (see ``pipeline.scale_check``).

    Returns a float mask in [0, 1] (slightly smoothed so the paste-back stays anti-aliased).
    """
    gc = np.full(prior.shape, cv2.GC_PR_BGD, np.uint8)
    if band > 0:
        radius = max(1, int(round(band * prior.shape[0])))
        near = cv2.dilate(prior.astype(np.uint8), np.ones((3, 3), np.uint8), iterations=radius) > 0
        gc[near] = cv2.GC_PR_FGD
    if probable is not None:
        gc[probable] = cv2.GC_PR_FGD
    if background is not None:
        gc[background] = cv2.GC_BGD
    gc[prior] = cv2.GC_FGD
    bgd = np.zeros((1, 65), np.float64)
    fgd = np.zeros((1, 65), np.float64)
    cv2.setRNGSeed(0)  # GrabCut's GMM initialisation draws from OpenCV's global RNG: same photo, same mask
    try:
        cv2.grabCut(np.ascontiguousarray(crop), gc, None, bgd, fgd, iterations, cv2.GC_INIT_WITH_MASK)
    except cv2.error:
        return soft
    hard = ((gc == cv2.GC_FGD) | (gc == cv2.GC_PR_FGD)).astype(np.float32)
    return cv2.GaussianBlur(hard, (0, 0), 0.8)


def skeleton_agreement(soft: np.ndarray, points: np.ndarray, threshold: float, skip: tuple[int, ...] = ()) -> float:
    """Share of the hand's palm and finger skeleton (``points`` in crop pixels; less the fingers
    in ``skip``) that the soft mask calls hand: how far the model's mask can be trusted (see
    :func:`apply_prior`)."""
    return agreement(soft, hand_prior(points, soft.shape[0], skip=skip), threshold)


def apply_prior(crop: np.ndarray, soft: np.ndarray, points: np.ndarray, threshold: float,
                min_agreement: float, band: float = 0.0, skip: tuple[int, ...] = (),
                rounds: int = GRABCUT_ROUNDS) -> tuple[np.ndarray, bool]:
    """The crop's soft mask corrected by the landmark prior; also says whether GrabCut ran.

    The whole skeleton (less the fingers in ``skip``, :func:`phantom_fingers`) decides whether
    the model is trusted and seeds GrabCut when it is not; a trusted mask only gains the palm.
    """
    palm = _palm(points, soft.shape[0])
    prior = palm | _bones(points, soft.shape[0], skip)
    rerun = agreement(soft, prior, threshold) < min_agreement
    if rerun:
        return np.maximum(grabcut_soft(crop, prior, soft, threshold, rounds, band=band), prior.astype(np.float32)), True
    return np.maximum(soft, palm.astype(np.float32)), False


def forearm_cone(shape: tuple[int, int], wrist: np.ndarray, away: np.ndarray, reach: float,
                 cone_deg: float) -> np.ndarray:
    """``HxW uint8`` 0/1: the way a forearm can leave the wrist. A cone of half-angle ``cone_deg``
    around ``away`` (unit vector from the fingers to the wrist) whose apex lies ``reach`` pixels
    behind the wrist, inside the palm, so the forearm's whole width at the wrist is inside it;
    drawn as a triangle long enough to cover the whole plane (``cone_deg`` < 90)."""
    away = np.asarray(away, np.float64)
    apex = np.asarray(wrist, np.float64) - reach * away
    far = 2.0 * (float(np.hypot(*shape)) + reach) / np.cos(np.radians(cone_deg))
    rays = [rotate(away, cone_deg), rotate(away, -cone_deg)]
    cone = np.zeros(shape, np.uint8)
    cv2.fillConvexPoly(cone, np.round([apex, apex + far * rays[0], apex + far * rays[1]]).astype(np.int32), 1)
    return cone


def landmark_cone(points: np.ndarray, size: int, reach: float, cone_deg: float) -> np.ndarray | None:
    """``size x size`` bool in a crop's pixels: :func:`forearm_cone` from the hand's landmarks
    there (``points``), its apex ``reach`` palm lengths behind the wrist; None when the wrist and
    middle knuckle coincide (no forearm direction)."""
    axis = wrist_axis(points)
    if axis is None:
        return None
    wrist, palm, away = axis
    return forearm_cone((size, size), wrist, away, reach * palm, cone_deg) > 0


def skeleton_anchor(shape: tuple[int, int], points: np.ndarray, box: tuple[float, float, float, float],
                    reach: float, cone_deg: float, out: np.ndarray | None = None) -> np.ndarray:
    """``HxW`` bool: where a mask component must reach to belong to this hand — its palm
    polygon and finger bones from the wrist to the tips (three bone widths wide, for landmarks a
    few pixels off) or the forearm's way out of the wrist (:func:`forearm_cone`, its apex
    ``reach`` palm lengths behind the wrist), all within the hand's box. ``points`` and ``box``
    are in the plane's pixels. With ``out`` (``HxW`` bool) the anchor is added to it in place
    and ``out`` returned: the pipeline gathers every hand's anchor in one plane, and a fresh
    full-size plane per hand cost a copy of a 2160x4000 photo's worth of booleans each.

    The box alone let through a blob beside the hand that merely touched its corner: a cheek
    or the other arm next to the fingers, which the model took for skin of this hand but which
    is joined to no part of it.
    """
    h, w = shape
    x0, y0, x1, y1 = (int(round(v)) for v in box)  # as the boxes of hands without landmarks
    x0, y0, x1, y1 = max(0, x0), max(0, y0), min(w, x1), min(h, y1)
    if out is None:
        out = np.zeros(shape, bool)
    if x1 <= x0 or y1 <= y0:
        return out
    local = points - (x0, y0)
    win = (y1 - y0, x1 - x0)
    near = np.zeros(win, np.uint8)
    fill_palm(near, local)
    for finger in FINGERS:  # bones to the tips, three bone widths wide
        cv2.polylines(near, [np.round(local[[0, *finger]]).astype(np.int32)], False, 1, 3 * bone_width(local))
    axis = wrist_axis(local)
    if axis is not None:
        wrist, palm, away = axis
        near |= forearm_cone(win, wrist, away, reach * palm, cone_deg)
    out[y0:y1, x0:x1] |= near > 0
    return out


def beyond_fingertips(shape: tuple[int, int], points: np.ndarray, reach: float) -> np.ndarray:
    """``HxW`` bool: where this hand cannot be — straight ahead of its fingers, past its knuckles,
    farther than ``reach`` palm lengths from the convex hull of its landmarks. ``points`` are in
    the plane's pixels.

    Fingers end at their tips: skin ahead of them that the mask joined to a fingertip is someone's
    neck or cheek (a face the face detector missed, behind a surgical mask) or a skin-coloured
    table, never this hand. Only the band as wide as the hand (plus ``reach``) counts: beside it
    the same arm's upper arm may rise past the fingers (an elbow bent, HGR's validation photos),
    and another hand may lie there. The wrist's side is left alone, where a forearm may go any
    way; ``reach`` covers long nails and landmarks a little short of the tips.
    """
    axis = wrist_axis(points)
    if axis is None:
        return np.zeros(shape, bool)
    wrist, palm, away = axis
    ahead = -away  # from the wrist towards the fingers
    side = np.array([ahead[1], -ahead[0]])
    rel = np.asarray(points, np.float64) - wrist
    knuckles = [finger[0] for finger in FINGERS[1:]]  # of the four fingers; the thumb's lies lower
    line = float((rel[knuckles] @ ahead).min())  # the knuckle line, along the hand
    grow = max(1, int(round(reach * palm)))
    lo, hi = float((rel @ side).min()) - grow, float((rel @ side).max()) + grow
    far = 2.0 * float(np.hypot(*shape)) + float(np.hypot(*wrist))
    band = np.zeros(shape, np.uint8)  # ahead of the knuckle line, as wide as the hand
    start = wrist + ahead * line
    cv2.fillConvexPoly(band, np.round([start + lo * side, start + hi * side, start + hi * side + far * ahead,
                                       start + lo * side + far * ahead]).astype(np.int32), 1)
    hull = np.zeros(shape, np.uint8)
    pts = np.round(cv2.convexHull(np.asarray(points, np.float32))).astype(np.int32)
    cv2.fillConvexPoly(hull, pts, 1)
    cv2.polylines(hull, [pts], True, 1, 2 * grow + 1)
    return (band > 0) & (hull == 0)


def rescue_grown(crop: np.ndarray, soft: np.ndarray, points: np.ndarray, previous: tuple,
                 matrix: np.ndarray, threshold: float, band: float = 0.0, cone_deg: float = 0.0,
                 skip: tuple[int, ...] = (), rounds: int = GRABCUT_ROUNDS) -> np.ndarray:
    """A grown crop of a hand whose first crop GrabCut had to rescue, re-segmented the same way.

    The first crop's model mask contradicted the skeleton (pale skin on pale wood, say): the
    model is fooled by this photo, and the larger crop it is run on next, to follow the forearm,
    sees more of the same background at a coarser scale. Trusting it there put a block of wood
    beside the wrist into ``samples/hand_on_wood_table.jpg``. So the grown crop is re-segmented
    by GrabCut too, seeded by the skeleton and by what the previous crop of the chain kept
    (``previous``: its ``(region, matrix, soft)``), so the forearm found there stays and the
    colour model learns this photo's hand and background from the larger view (``skip``: the
    first crop's :func:`phantom_fingers`, not seeded here either). The model's own
    mask of the grown crop is "probable hand" rather than "probable background": where it goes
    on along a forearm in shade, darker than the seeds, GrabCut keeps it unless the photo's
    background explains it better (a forearm in a 2160x4000 validation photo was cut at the
    previous crop's edge when GrabCut started from background there).
    """
    size = soft.shape[0]
    _, prev_matrix, prev_soft = previous
    seeds = cv2.warpAffine((prev_soft > threshold).astype(np.uint8), crop_to_crop(prev_matrix, matrix),
                           (size, size), flags=cv2.INTER_NEAREST)
    seeds = cv2.erode(seeds, np.ones((3, 3), np.uint8), iterations=max(1, bone_width(points) // 3)) > 0
    prior = hand_prior(points, size, skip=skip) | seeds
    probable = soft > threshold
    cone = landmark_cone(points, size, 0.5, cone_deg) if cone_deg else None
    if cone is not None:
        probable &= cone
    return np.maximum(grabcut_soft(crop, prior, soft, threshold, rounds, band=band, probable=probable),
                      prior.astype(np.float32))


def finger_joints(points: np.ndarray, finger: tuple[int, ...]) -> np.ndarray:
    """A finger's joints (float ``Nx2``) from its knuckle to just short of its tip: the tip
    landmark sits on the finger's edge, so the last bone stops at 0.85 of its length."""
    joints = points[list(finger)].astype(np.float64)
    joints[-1] = joints[-2] + 0.85 * (joints[-1] - joints[-2])
    return joints


def _finger_path(points: np.ndarray, finger: tuple[int, ...], size: int) -> np.ndarray:
    """``Nx2`` int pixel samples, about one per pixel, along a finger's bones from its knuckle
    to just short of its tip (:func:`finger_joints`), clipped to the crop."""
    joints = finger_joints(points, finger)
    samples = []
    for a, b in zip(joints[:-1], joints[1:]):
        n = max(2, int(np.ceil(np.linalg.norm(b - a))))
        samples.append(a + np.linspace(0.0, 1.0, n, endpoint=False)[:, None] * (b - a))
    samples.append(joints[-1:])
    path = np.round(np.concatenate(samples)).astype(np.int32)
    return np.clip(path, 0, size - 1)


def bridge_fingers(soft: np.ndarray, points: np.ndarray, threshold: float,
                   max_gap: float = 0.6, min_tip: float = 0.1) -> tuple[np.ndarray, int]:
    """Reconnect a fingertip the model cut off from its hand; returns the mask and how many.

    A ring, a plaster, a crease in shadow or an over-exposed joint can drop below the threshold
    across a whole finger while the skin above it is found: the tip then floats free of the hand,
    is removed as a speck, and the cut-out loses the finger. A finger cannot be in two pieces, so
    where a finger's bone line (from the landmarks) leaves the hand's component, crosses a gap
    and enters a separate, finger-sized piece that runs on towards the tip, the gap is painted
    in along the bone, as wide as the tip piece is at its widest.

    Deliberately narrow, so a mask the model got right is never touched: the gap may span at most
    ``max_gap`` of the bone line, the tip piece must cover at least ``min_tip`` of it and be no
    larger than a finger, and a finger missing altogether is not drawn from landmarks alone
    (bent fingers' landmarks are often off; see the module docstring).
    """
    size = soft.shape[0]
    fg = (soft > threshold).astype(np.uint8)
    if not fg.any():
        return soft, 0
    _, labels, stats, _ = cv2.connectedComponentsWithStats(fg, connectivity=8)
    knuckles = knuckle_span(points)
    if knuckles < 4:
        return soft, 0
    max_piece = 0.5 * knuckles * knuckles
    dist = None
    paint = np.zeros(soft.shape, np.uint8)
    bridged = 0
    for finger in FINGERS:
        path = _finger_path(points, finger, size)
        on = labels[path[:, 1], path[:, 0]]
        base = on[0]
        if base == 0:
            continue
        n = len(path)
        foreign = np.flatnonzero((on != 0) & (on != base))
        if not len(foreign):
            continue
        end = int(foreign[0])  # where the bone line enters another piece
        tip = on[end]
        # the last sample on the hand before it (the line may graze the finger's edge earlier)
        start = int(np.flatnonzero(on[:end] == base)[-1]) + 1
        if end - start > max_gap * n:
            continue
        if stats[tip, cv2.CC_STAT_AREA] > max_piece or (on[end:] == tip).sum() < min_tip * n:
            continue
        if dist is None:
            dist = cv2.distanceTransform(fg, cv2.DIST_L2, 3)
        # the piece's widest inscribed circle: the bone line often runs off the finger's centre,
        # so the distance to the edge along it would make the bridge too thin
        radius = float(np.clip(dist[labels == tip].max(), 1.0, 0.15 * knuckles))
        seg = path[max(0, start - 1):end + 1].reshape(-1, 1, 2)
        cv2.polylines(paint, [seg], False, 255, max(1, int(round(2 * radius))), cv2.LINE_AA)
        bridged += 1
    if not bridged:
        return soft, 0
    return np.maximum(soft, paint.astype(np.float32) / 255.0), bridged
