"""The one code path from an image to a clean full-resolution mask.

``Pipeline.process`` is what the CLI, the app and the evaluation all call: detect hands, crop
each (box + margin, squared), segment the crops in one batch, grow a crop whose mask runs off
an edge that is not the image's edge (a forearm past the hand box), paste the soft masks back
at full resolution (a grown crop supplies the arm, the first crop keeps the fingers' detail),
drop what a hand's mask reaches straight ahead of its fingertips, snap the masks to the photo's
edges, then threshold, de-speck and fill holes.
"""
from __future__ import annotations

import math
import time
from concurrent.futures import ThreadPoolExecutor, wait
from dataclasses import dataclass, field

import cv2
import numpy as np

from detection.boxes import Box, box_intersection, expand_box, offset_box
from detection.faces import (BESIDE_FACE, ON_OUTLINE, face_exclusion, faces_apart_from_hands, faces_not_hands,
                             forearm_band, hand_outline, hand_shape, wrist_axis)
from detection.grey import is_grey
from detection.types import HandBox, HandDetector
from pipeline.coins import coin_discs, coin_view, coins_to_paint, keep_coins, paint_over
from pipeline.colour import segment_and_say_balanced
from pipeline.colour_check import check_colours, fill_colours, trim_vivid
from pipeline.config import COLOUR_EDGE_CONTRAST, WIDE_LOOK_CONE, PipelineConfig
from pipeline.edge_shadows import cut_shadows
from pipeline.finger_fill import fill_fingers
from pipeline.finger_gaps import open_gaps
from pipeline.landmark_prior import (apply_prior, beyond_fingertips, bridge_fingers, fingertip_discs, forearm_cone,
                                     hand_prior, landmark_cone, phantom_fingers, rescue_grown, skeleton_agreement,
                                     skeleton_anchor, to_crop)
from pipeline.memory import keep_freed_memory
from pipeline.orientation import quarter_turns
from pipeline.outline_support import drop_unseen
from pipeline.holes import background_holes, filled_rings
from pipeline.refine import above, colour_edge, fill_holes, guided_refine, remove_specks, soft_alpha
from pipeline.scale_check import check_grown
from pipeline.sleeves import beyond_sleeve
from pipeline.tip_fill import fill_tips
from pipeline.wrist_bridge import bridge_wrist
from segmentation.crops import crop_matrix, crop_square, footprint, in_photo, letterbox_region, paste_soft, warp_crop

#: ``HandBox.source`` of a box round a piece of the whole-photo mask (``PipelineConfig.fallback_pieces``)
PIECE_SOURCE = "fallback-piece"
#: a piece's box grows this much of its size per side before it is cropped
PIECE_REACH = 0.25
#: ... and is looked at only if its crop is this many times finer than the whole photo's view
PIECE_MIN_GAIN = 1.5


@dataclass(frozen=True)
class PipelineResult:
    """Outputs for one image.

    Attributes:
        mask: ``HxW uint8`` 0/255, the cleaned binary mask.
        alpha: ``HxW uint8`` 0-255, anti-aliased at the edge, equal to ``mask`` elsewhere.
        hands: the detector's boxes (empty when the fallback ran).
        regions: the crop regions finally segmented, full-resolution ``xyxy``.
        timings: seconds per stage (``detect``, ``segment``, ``refine``, ``total``).
        fallback_used: True when no hand was found and the whole image was segmented.
        faces: face boxes kept out of the mask (``config.face_guard``), full-resolution ``xyxy``.
        agreement: per hand, the share of its landmark skeleton that the U-Net's mask of its first
            crop covered, before any correction (None for a hand without landmarks, or with the
            landmark prior off). Under ``config.prior_agreement`` the crop was re-segmented by
            GrabCut; a label-free sign of how well the model knows a photo
            (``benchmarks/skeleton_agreement.py``).
    """

    mask: np.ndarray
    alpha: np.ndarray
    hands: list[HandBox]
    regions: list[Box]
    timings: dict[str, float] = field(default_factory=dict)
    fallback_used: bool = False
    faces: list[Box] = field(default_factory=list)
    agreement: list[float | None] = field(default_factory=list)

    def __post_init__(self) -> None:
        if self.mask.dtype != np.uint8 or self.mask.ndim != 2:
            raise ValueError("mask must be HxW uint8")
        if self.alpha.shape != self.mask.shape or self.alpha.dtype != np.uint8:
            raise ValueError("alpha must match mask (HxW uint8)")


class NoHandFound(RuntimeError):
    """Raised by ``process`` when ``require_hand`` is set and the detector found nothing."""


def grow_region(region: Box, soft: np.ndarray, width: int, height: int, threshold: float, factor: float,
                flood: float = 1.0) -> Box | None:
    """A larger square region when the mask runs off a crop edge that lies inside the image.

    Only arm-like crossings count (at least 1 % of the edge). A mask covering more than ``flood``
    of any edge can be background the model got wrong, which growing spreads; at 1 (the
    pipeline's default, ``PipelineConfig.grow_flood``) that never stops a crop, since a forearm
    lying along the crop's edge is such a mask too, and the grown crops' own checks catch the
    spreading. Only the crop's pixels that show the photo count: past the photo's edge the crop is
    black padding, which the model sometimes calls hand beside a hand that touches that edge. The
    side grows by ``factor``; on an axis where only one edge is touched, the opposite edge stays
    put so the crop extends towards the touched side. Returns None when nothing to grow.
    """
    n = soft.shape[0]
    fg = (soft > threshold) & in_photo(crop_matrix(region, n), (height, width), n)
    need = max(3, int(0.01 * n))

    hits = {
        "left": int(fg[:, :2].any(axis=1).sum()),
        "right": int(fg[:, -2:].any(axis=1).sum()),
        "top": int(fg[:2, :].any(axis=0).sum()),
        "bottom": int(fg[-2:, :].any(axis=0).sum()),
    }
    if max(hits.values()) > flood * n:
        return None
    x0, y0, x1, y1 = region
    inside = {"left": x0 > 0, "right": x1 < width, "top": y0 > 0, "bottom": y1 < height}
    touch = {k: inside[k] and hits[k] >= need for k in hits}
    if not any(touch.values()):
        return None
    side = (x1 - x0) * factor

    def axis(lo: float, hi: float, grow_lo: bool, grow_hi: bool) -> tuple[float, float]:
        if grow_lo and not grow_hi:
            return hi - side, hi
        if grow_hi and not grow_lo:
            return lo, lo + side
        c = (lo + hi) / 2
        return c - side / 2, c + side / 2

    nx0, nx1 = axis(x0, x1, touch["left"], touch["right"])
    ny0, ny1 = axis(y0, y1, touch["top"], touch["bottom"])
    return (nx0, ny0, nx1, ny1)


def _edge_ramp(size: int, band: float = 0.08) -> np.ndarray:
    """``size x size`` weights: 1 inside, falling linearly to 0 over the outer ``band`` of each side."""
    d = np.minimum(np.arange(size), np.arange(size)[::-1]).astype(np.float32) + 0.5
    ramp = np.clip(d / max(1.0, band * size), 0.0, 1.0)
    return np.minimum.outer(ramp, ramp)


def paste_chain(chain: list[tuple[Box, np.ndarray, np.ndarray]], shape: tuple[int, int]):
    """One hand's soft mask at full resolution from the crops tried for it, smallest first.

    The last (largest) crop reaches along the forearm but sees the hand at its coarsest; each
    smaller crop, pasted over it with weights fading out near its edges (no seam), puts back the
    fingers at the resolution they were first segmented at. Returns ``(patch, box)`` like
    :func:`segmentation.crops.paste_soft`.
    """
    _, m_last, s_last = chain[-1]
    patch, box = paste_soft(s_last, m_last, shape)
    if not patch.size or len(chain) == 1:
        return patch, box
    ramp = _edge_ramp(s_last.shape[0])
    for _, m, s in reversed(chain[:-1]):
        # Only where the smaller crop lies does its weight differ from 0: blend there alone (a
        # grown crop's rectangle can be many times the hand's own).
        fx0, fy0, fx1, fy1 = footprint(m, s.shape[::-1], shape, reach=1.0)
        roi = (max(fx0, box[0]), max(fy0, box[1]), min(fx1, box[2]), min(fy1, box[3]))
        if roi[2] <= roi[0] or roi[3] <= roi[1]:
            continue
        inner, _ = paste_soft(s, m, shape, roi=roi)
        weight, _ = paste_soft(ramp, m, shape, roi=roi)
        view = patch[roi[1] - box[1]:roi[3] - box[1], roi[0] - box[0]:roi[2] - box[0]]
        view[:] = weight * inner + (1.0 - weight) * view
    return patch, box


def paste_context(patch: np.ndarray, box: tuple[int, int, int, int], soft: np.ndarray, matrix: np.ndarray,
                  hand: Box, wrist: tuple[float, float], reach: float, shape: tuple[int, int], threshold: float,
                  away: tuple[float, float] | None = None, cone_deg: float = WIDE_LOOK_CONE,
                  wrist_fill: bool = False):
    """Continue a hand's pasted mask with a wide crop's forearm, where it leaves from the wrist.

    What the wide crop adds must lie outside the hand's box (inside it the tight crops segment
    the fingers at their finest) and belong to a region, new to the mask, that touches the disk
    of radius ``reach`` around the wrist landmark: a forearm the tight crop stopped at the wrist
    is carried on, while what the coarser wide crop wrongly joins to the fingers or to an arm
    already in the mask (a skin-coloured patch, a sleeve, the floor) is not. Given ``away`` (the
    direction from the fingers to the wrist), only the cone of half-angle ``cone_deg`` around it
    counts: a forearm leaves the wrist roughly along the hand, while a pale sheet
    the wide crop took for skin beside the palm does not. Returns ``(patch, box)``, over the
    union of both rectangles when something was added. With ``wrist_fill`` the wide crop may
    also add inside the hand's box, but only within the wrist disk (and the cone): the wrist
    notch a tight crop leaves where its box ends.
    """
    if not patch.size:
        return patch, box
    h, w = shape
    hx0, hy0, hx1, hy1 = (int(round(v)) for v in hand)
    # Find, in crop pixels, where the wide crop has anything to add (outside the hand box), and
    # paste only that rectangle: the pasting and the refinement after it then cost what the
    # forearm costs, not a crop nine times the hand's area.
    (sx, _, tx), (_, sy, ty) = matrix
    n = soft.shape[0]
    c0, c1 = (int(np.clip(v, 0, n)) for v in (np.ceil(hx0 * sx + tx), np.floor(hx1 * sx + tx)))
    r0, r1 = (int(np.clip(v, 0, n)) for v in (np.ceil(hy0 * sy + ty), np.floor(hy1 * sy + ty)))
    outside = soft > threshold
    outside[r0:r1, c0:c1] = False
    if wrist_fill:  # the wrist disk, in crop pixels, stays open inside the box
        disk_crop = np.zeros(soft.shape, np.uint8)
        cv2.circle(disk_crop, (round(wrist[0] * sx + tx), round(wrist[1] * sy + ty)), max(1, round(reach * sx)), 1, -1)
        outside |= (soft > threshold) & (disk_crop > 0)
    rows, cols = np.flatnonzero(outside.any(axis=1)), np.flatnonzero(outside.any(axis=0))
    if not rows.size:
        return patch, box
    roi = (int(max(0, np.floor((cols[0] - 2 - tx) / sx))), int(max(0, np.floor((rows[0] - 2 - ty) / sy))),
           int(min(w, np.ceil((cols[-1] + 3 - tx) / sx))), int(min(h, np.ceil((rows[-1] + 3 - ty) / sy))))
    ctx, cbox = paste_soft(soft, matrix, shape, roi=roi)
    if not ctx.size:
        return patch, box
    disk = np.zeros(ctx.shape, np.uint8)  # the wrist's reach, in the pasted rectangle's pixels
    cx, cy = wrist[0] - cbox[0], wrist[1] - cbox[1]
    cv2.circle(disk, (round(cx), round(cy)), max(1, round(reach)), 1, -1)
    box_rows = slice(max(0, hy0 - cbox[1]), max(0, hy1 - cbox[1]))
    box_cols = slice(max(0, hx0 - cbox[0]), max(0, hx1 - cbox[0]))
    if wrist_fill:
        ctx[box_rows, box_cols] *= disk[box_rows, box_cols]
    else:
        ctx[box_rows, box_cols] = 0.0
    x0, y0 = min(box[0], cbox[0]), min(box[1], cbox[1])
    x1, y1 = max(box[2], cbox[2]), max(box[3], cbox[3])
    out = np.zeros((y1 - y0, x1 - x0), np.float32)
    out[box[1] - y0:box[3] - y0, box[0] - x0:box[2] - x0] = patch
    view = out[cbox[1] - y0:cbox[3] - y0, cbox[0] - x0:cbox[2] - x0]
    new = ((ctx > threshold) & (view <= threshold)).astype(np.uint8)
    if away is not None:
        # the cone's apex lies ``reach`` behind the wrist, inside the palm, so the forearm's whole
        # width where it leaves the wrist is inside the cone; drawn as a triangle long enough to
        # cover the whole patch (cone_deg < 90)
        new &= forearm_cone(new.shape, np.array([cx, cy]), np.asarray(away, np.float64), reach, cone_deg)
    if wrist_fill:
        # inside the box only a notch counts, not the sliver the coarser wide crop's soft edge
        # adds along the tight mask's own edge: open away whatever is thinner than ~3 wide-crop
        # pixels there
        k = 2 * int(np.ceil(1.5 / sx)) + 1
        inner = np.zeros(new.shape, bool)
        inner[box_rows, box_cols] = True
        opened = cv2.morphologyEx(new, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (k, k)))
        new = np.where(inner, opened, new).astype(np.uint8)
    count, labels = cv2.connectedComponents(new, connectivity=8)
    ids = np.unique(labels[(disk > 0) & (new > 0)])
    ids = ids[ids > 0]
    if count <= 1 or not ids.size:
        return patch, box
    # the kept regions plus the wide crop's soft edge around them (about one crop pixel)
    k = 2 * int(np.ceil(1.0 / sx)) + 1
    keep = cv2.dilate(np.isin(labels, ids).astype(np.uint8), np.ones((k, k), np.uint8))
    np.maximum(view, ctx * keep, out=view)
    return out, (x0, y0, x1, y1)


def _take_added(soft: np.ndarray, mask: np.ndarray, grown: np.ndarray) -> np.ndarray:
    """``grown``, a mend's copy of ``mask`` with pixels added (a finger's lost stretch, a coin),
    with the soft plane raised to 0.75 on them so the cut-out's alpha shows them opaque. The mends
    return their input itself when they add nothing, and so does this."""
    if grown is mask:
        return mask
    added = (grown > 0) & (mask == 0)
    soft[added] = np.maximum(soft[added], 0.75)
    return grown


class Pipeline:
    """Detector + segmenter + settings, built once and reused for every image."""

    def __init__(self, detector: HandDetector, segmenter, config: PipelineConfig | None = None,
                 face_detector=None) -> None:
        """``face_detector`` (``detect(image) -> list[Box]``, or :class:`~detection.faces.Face`
        boxes that also carry their eyes; see :mod:`detection.faces`) lets
        ``config.face_guard`` keep faces out of the masks; without one the guard is off.

        Building one also keeps the process's freed memory for reuse (:mod:`pipeline.memory`),
        so the CLI, the app and the evaluation all run with it."""
        keep_freed_memory()
        self.detector = detector
        self.segmenter = segmenter
        self.config = config or PipelineConfig()
        self.face_detector = face_detector
        self._faces_pool: ThreadPoolExecutor | None = None

    def _face_worker(self) -> ThreadPoolExecutor:
        if self._faces_pool is None:
            self._faces_pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="face-detector")
        return self._faces_pool

    def _is_auto(self) -> bool:
        return getattr(self.detector, "name", "") == "auto"

    def process(self, image: np.ndarray) -> PipelineResult:
        """Segment every hand in an ``HxWx3 uint8 RGB`` image at its full resolution.

        Raises:
            NoHandFound: no hand detected and ``config.require_hand`` is set.
        """
        cfg = self.config
        photo = image  # the coin step reads the photo as it came, coins and all
        if image.ndim != 3 or image.shape[2] != 3 or image.dtype != np.uint8:
            raise ValueError("process expects an HxWx3 uint8 RGB image")
        h, w = image.shape[:2]
        t0 = time.perf_counter()
        hands, found_faces = self.detect(image)
        fallback = not hands
        if fallback and cfg.require_hand:
            raise NoHandFound("no hand found")
        faces: list[Box] = []
        if found_faces and (hands or cfg.faces_not_hands):
            # with no hand left the whole photo is segmented, and a face in it is still no hand
            if cfg.face_spare_outline:
                # a fist the face detector calls a face lies inside the hand's outline; the
                # hand's box may have been grown to a YOLO box that holds the face beside it too
                faces = faces_apart_from_hands(found_faces, [hand_outline(b.landmarks) if b.landmarks is not None
                                                             else b.xyxy for b in hands], ON_OUTLINE,
                                               [b.landmarks for b in hands] if cfg.face_behind_hand else None)
            else:
                faces = faces_apart_from_hands(found_faces, [b.xyxy for b in hands])
        found = hands
        if fallback and cfg.fallback_pieces > 0:
            hands = self._pieces_as_boxes(image, faces)
            fallback = not hands
        t1 = time.perf_counter()
        regions = [crop_square(b.xyxy, cfg.margin) for b in hands] or [letterbox_region(w, h)]

        size = self.segmenter.size
        # one chain per hand: the crops tried, smallest (sharpest) first, the last one final
        done: list[tuple[int | None, list[tuple[Box, np.ndarray, np.ndarray]]]] = []
        pending = [(i if not fallback else None, r, []) for i, r in enumerate(regions)]
        first_balanced: dict[int | None, bool] = {}  # was the hand's first crop white-balanced?
        # how much of each hand's skeleton the model's first mask covered; under
        # prior_agreement the landmark prior overruled it (GrabCut) for every crop of that hand
        agreements: dict[int | None, float] = {}
        # the fingers MediaPipe drew on the background, left out of each hand's skeleton
        phantoms: dict[int | None, tuple[int, ...]] = {}

        def rescued(idx: int | None) -> bool:
            """Whether GrabCut overruled the model on this hand's first crop."""
            return agreements.get(idx, 1.0) < cfg.prior_agreement

        for attempt in range(cfg.max_grow + 1):
            mats = [crop_matrix(r, size) for _, r, _ in pending]
            crops = np.stack([warp_crop(image, m, size) for m in mats])
            priors = None
            if cfg.landmark_prior:
                priors = [hand_prior(to_crop(hands[idx].landmarks, m), size)
                          if idx is not None and hands[idx].landmarks is not None else None
                          for (idx, _, _), m in zip(pending, mats)]
            hints = self._hints(hands, mats)
            turns = [self._turns(hands[idx] if idx is not None else None) for idx, _, _ in pending]
            softs, balanced = segment_and_say_balanced(self.segmenter, crops, cfg.colour, priors, hints, turns,
                                                     cfg.cast_chroma)
            if attempt == 0 and cfg.paint_coins and not fallback:
                # from here on every crop, the wide look and the edge steps see the painted copy
                image, crops, softs = self._without_coins(image, crops, softs, [idx for idx, _, _ in pending],
                                                          mats, hands, priors, hints, turns)
            if attempt == 0:
                first_balanced = {idx: bool(b) for (idx, _, _), b in zip(pending, balanced)}
            nxt = []
            for (idx, r, chain), m, crop, s in zip(pending, mats, crops, softs):
                lms = hands[idx].landmarks if idx is not None else None
                points = to_crop(lms, m) if lms is not None else None
                if not chain:
                    if cfg.landmark_prior and points is not None:
                        skip = phantoms[idx] = (phantom_fingers(crop, s, points, cfg.threshold,
                                                                in_photo(m, image.shape, size))
                                                if cfg.phantom_fingers else ())
                        agreements[idx] = skeleton_agreement(s, points, cfg.threshold, skip)
                        s, rerun = apply_prior(crop, s, points, cfg.threshold, cfg.prior_agreement,
                                               cfg.grabcut_band, skip, cfg.grabcut_rounds)
                        if cfg.colour_check > 0 and not rerun:
                            s = check_colours(crop, s, points, cfg.threshold, cfg.colour_check,
                                              (cfg.context_reach, cfg.colour_check_cone_deg)
                                              if cfg.colour_check_cone else None, skip)
                        if cfg.colour_fill > 0 and not rerun:
                            s = fill_colours(crop, s, points, cfg.threshold, cfg.colour_fill, skip)
                        if cfg.finger_bridge and not rerun:
                            s, _ = bridge_fingers(s, points, cfg.threshold)
                elif cfg.regrow_rescued and rescued(idx):
                    s = rescue_grown(crop, s, points, chain[-1], m, cfg.threshold, cfg.grabcut_band, cfg.regrow_cone,
                                     phantoms.get(idx, ()), cfg.grabcut_rounds)
                if chain:
                    s = check_grown(crop, s, chain[-1], m, cfg.threshold, cfg.grow_check, points,
                                    rounds=cfg.grabcut_rounds)
                if cfg.vivid_trim > 0 and points is not None:
                    s = trim_vivid(crop, s, points, cfg.threshold, cfg.vivid_trim)
                chain = [*chain, (r, m, s)]
                grown = None
                if not fallback and attempt < cfg.max_grow:
                    grown = grow_region(r, s, w, h, cfg.threshold, cfg.grow_factor, cfg.grow_flood)
                if grown is not None:
                    nxt.append((idx, grown, chain))
                else:
                    done.append((idx, chain))
            pending = nxt
            if not pending:
                break
        # the wide look only ever adds a forearm: it needs the landmarks to know where one can be
        contexts = {}
        if cfg.context_margin > 0 and not fallback:
            contexts = self._wide_looks(image, [(i, b, first_balanced.get(i, False))
                                                for i, b in enumerate(hands) if b.landmarks is not None], hands)
        if cfg.grow_check > 0 and cfg.check_unconfirmed and not fallback:
            done = self._check_boxes_without_landmarks(image, done, hands)
        t2 = time.perf_counter()

        patches = []
        upscale = 1.0
        for idx, chain in done:
            patch, box = paste_chain(chain, (h, w))
            if idx in contexts:
                wide, wide_m, wide_crop = contexts[idx]
                if cfg.rescue_wide_look and cfg.regrow_rescued and rescued(idx):
                    # GrabCut may only take away here: given the wide crop's own mask as seeds it
                    # also added dark chairs and floor beside dark forearms (docs/pipeline_steps.md)
                    wide = np.minimum(wide, rescue_grown(wide_crop, wide, to_crop(hands[idx].landmarks, wide_m),
                                                         chain[-1], wide_m, cfg.threshold, cfg.grabcut_band,
                                                         cfg.regrow_cone, phantoms.get(idx, ()), cfg.grabcut_rounds))
                # the wide crop is the coarsest view of all: checked against the chain's last crop
                wide = self._check_wide_look(hands[idx], wide, wide_m, wide_crop, chain[-1])
                before = patch
                patch, box = self._continue_forearm(hands[idx], patch, box, wide, wide_m, (h, w))
                if patch is not before:  # the wide crop's coarser edge sets the refinement's reach
                    upscale = max(upscale, 1.0 / float(wide_m[0, 0]))
            if patch.size and idx is not None and hands[idx].landmarks is not None:
                points = hands[idx].landmarks - box[:2]
                if cfg.tip_reach > 0:
                    patch[beyond_fingertips(patch.shape, points, cfg.tip_reach)] = 0.0
                if cfg.sleeve_cut > 0:
                    patch[beyond_sleeve(image[box[1]:box[3], box[0]:box[2]], patch, points, cfg.threshold,
                                        cfg.sleeve_cut)] = 0.0
            if patch.size:
                patches.append((patch, box))
                r = chain[-1][0]
                upscale = max(upscale, (r[2] - r[0]) / size)
        mask = np.zeros((h, w), np.uint8)
        alpha = np.zeros((h, w), np.uint8)
        if patches:
            # Everything after pasting works on the hands' bounding rectangle only (plus a margin
            # for the filter): outside it the mask is empty by construction, and a full-size float
            # plane of a 24 MP photo would cost 100 MB for nothing.
            pad = int(math.ceil(upscale)) + 2
            x0 = max(0, min(b[0] for _, b in patches) - pad)
            y0 = max(0, min(b[1] for _, b in patches) - pad)
            x1 = min(w, max(b[2] for _, b in patches) + pad)
            y1 = min(h, max(b[3] for _, b in patches) + pad)
            sub = np.zeros((y1 - y0, x1 - x0), np.float32)
            for patch, (px0, py0, px1, py1) in patches:
                view = sub[py0 - y0:py1 - y0, px0 - x0:px1 - x0]
                np.maximum(view, patch, out=view)
            del patches
            if cfg.refine and upscale > 1.0:
                sub = guided_refine(image[y0:y1, x0:x1], sub, int(math.ceil(upscale)), cfg.refine_eps)
            if faces:
                # a hand known by its landmarks keeps its palm, fingers and forearm's way, not
                # its whole box: a cheek inside the box beside the fingers is still face
                known = [b.landmarks - (x0, y0) for b in hands if b.landmarks is not None]
                boxed = [b for b in hands if (b.landmarks is None or not cfg.face_spare_outline)
                         and b.source != PIECE_SOURCE]  # a piece's box is no sign of a hand
                spared = [forearm_band(lm) for lm in known]
                if cfg.face_spare_outline:
                    spared += [shape for lm in known
                               for shape in hand_shape(lm, cfg.face_spare_width, cfg.face_spare_nail)]
                excluded = face_exclusion((y1 - y0, x1 - x0), [offset_box(f, x0, y0) for f in faces],
                                          [offset_box(b.xyxy, x0, y0) for b in boxed], spared, neck=cfg.face_neck)
                if excluded is not None:
                    sub[excluded] = 0.0
            m = above(sub, cfg.threshold)
            anchor = None
            if cfg.anchor_to_hands and not fallback:
                anchor = np.zeros(m.shape, bool)
                for b in hands:
                    if cfg.anchor_to_skeleton and b.landmarks is not None:
                        skeleton_anchor(m.shape, b.landmarks - (x0, y0), offset_box(b.xyxy, x0, y0),
                                        cfg.context_reach, cfg.context_cone, out=anchor)
                        continue
                    bx0, by0, bx1, by1 = (int(round(v)) for v in b.xyxy)
                    anchor[max(0, by0 - y0):max(0, by1 - y0), max(0, bx0 - x0):max(0, bx1 - x0)] = True
            m = remove_specks(m, cfg.speck_fraction, anchor=anchor)
            if cfg.drop_unseen and (fallback or any(b.landmarks is None for b in hands)):
                # a box MediaPipe did not confirm can be YOLO's on a bare surface (a beige wall)
                m = drop_unseen(image[y0:y1, x0:x1], m)
            if cfg.wrist_bridge and not fallback:
                for b in hands:
                    if b.landmarks is not None:
                        m, _ = bridge_wrist(m, b.landmarks - (x0, y0), notches=cfg.wrist_notches)
            if cfg.finger_fill and not fallback:
                # before the holes are filled and the edge re-drawn, which then smooth what it adds
                filled = m
                for b in hands:
                    if b.landmarks is not None:
                        filled = fill_fingers(image[y0:y1, x0:x1], filled, b.landmarks - (x0, y0),
                                              cfg.finger_fill_thumb)
                m = _take_added(sub, m, filled)
            if cfg.tip_fill and not fallback:
                filled = m
                for b in hands:
                    if b.landmarks is not None:
                        filled = fill_tips(image[y0:y1, x0:x1], filled, b.landmarks - (x0, y0))
                m = _take_added(sub, m, filled)
            # each hand's landmarks in the region's pixels, for the steps below
            palms = [b.landmarks - (x0, y0) for b in hands if b.landmarks is not None]
            kept_view = None  # the coin step's view of the photo, whose scaled copy the shadow steps may share
            if cfg.keep_coins:
                # with the finger fill's pixels in: a coin's ring counts them as hand
                kept_view = coin_view(photo[y0:y1, x0:x1], m) if palms else None
                m = _take_added(sub, m, keep_coins(photo[y0:y1, x0:x1], m, palms, view=kept_view))
            # a ring of thumb and finger round the background stays open (pipeline/holes.py). The
            # judge is made for the filled-ring rule alone too: the clean-up after the edge steps
            # fills holes again, and would refill a ring that rule has just opened
            keep_open = (background_holes(image[y0:y1, x0:x1], palms)
                         if (cfg.open_rings or cfg.open_filled_rings) and not fallback else None)
            m = fill_holes(m, cfg.hole_fraction, keep_open if cfg.open_rings else None)
            edged = m
            matte = None
            if cfg.colour_edge > 0:
                # Last, on the outline only: before the holes were filled it could open a thin rim
                # round one to the background. It may add only where the model saw some hand
                # (not a face the guard took out).
                # The shares it finds also set the cut-out's alpha on the outline (a matte).
                matte = np.full(m.shape, 255, np.uint8)
                # at the fingertips a dark rim no brighter than the ground leaves whatever its hue
                tips = fingertip_discs(m.shape, palms, cfg.tip_rims) if cfg.tip_rims > 0 and not fallback else None
                edged = colour_edge(image[y0:y1, x0:x1], m, int(math.ceil(upscale)), cfg.colour_edge,
                                    may_add=sub > 0.02, matte=matte, below_ground=tips)
            # every round thing of a coin's size the loose circle finder sees, spared by the
            # shadow steps: a silver coin can be as grey as a shadow
            loose_coins = coins_view = None
            if not fallback and palms and ((cfg.finger_gaps and cfg.gap_shadows) or cfg.edge_shadows):
                coins_view = coin_view(photo[y0:y1, x0:x1], edged, like=kept_view)  # for both circle searches
                loose_coins = coin_discs(photo[y0:y1, x0:x1], edged, palms, strict=False, view=coins_view)
            if cfg.finger_gaps and not fallback:
                # after the colour edge, on the final outline: a gap the mask filled for a
                # finger's width is beyond the edge's reach (pipeline/finger_gaps.py)
                # A silver coin across a gap can have the table's colour (spared when the strict
                # circle finder sees it) or be as grey as the fingers' shadow (spared from the
                # shadow rule when even the loose one does)
                spare = coin_discs(photo[y0:y1, x0:x1], edged, palms, view=coins_view) if cfg.gap_shadows else None
                for points in palms:
                    edged = open_gaps(image[y0:y1, x0:x1], edged, points, cfg.colour_edge or COLOUR_EDGE_CONTRAST,
                                      cfg.gap_shadows, spare, loose_coins, cfg.gap_colours,
                                      cfg.gap_dark_ground, cfg.gap_minor_colours)
            if cfg.open_filled_rings and not fallback and palms and not is_grey(image):
                # a ring of thumb and finger the model filled: opened where it shows the background.
                # Not in a black-and-white photo: lightness alone cannot tell the background in the
                # ring from the fingers' shaded skin (four grey validation photos lost skin)
                for points in palms:
                    ring = filled_rings(image[y0:y1, x0:x1], edged, points)
                    if ring is not None:
                        edged = edged.copy() if edged is m else edged
                        edged[ring] = 0
            if cfg.edge_shadows and not fallback:
                # on the final outline too: the shadow beside the thumb, forearm or little finger
                for points in palms:
                    edged = cut_shadows(image[y0:y1, x0:x1], edged, points, loose_coins)
            if edged is not m:
                # the cut-out's alpha follows: a pixel that left is transparent, one that joined opaque
                changed = cv2.findNonZero(cv2.compare(m, edged, cv2.CMP_NE))
                if changed is not None:
                    cx, cy = changed[:, 0, 0], changed[:, 0, 1]
                    left = edged[cy, cx] == 0
                    sub[cy[left], cx[left]] = np.minimum(sub[cy[left], cx[left]], 0.25)
                    sub[cy[~left], cx[~left]] = np.maximum(sub[cy[~left], cx[~left]], 0.75)
                    if left.any():  # a thin strip it cut through leaves a crumb: cleaned as before
                        edged = fill_holes(remove_specks(edged, cfg.speck_fraction, anchor=anchor), cfg.hole_fraction,
                                           keep_open)
                m = edged
            mask[y0:y1, x0:x1] = m
            alpha[y0:y1, x0:x1] = soft_alpha(sub, m, cfg.threshold, matte=matte)
        t3 = time.perf_counter()
        return PipelineResult(
            mask=mask,
            alpha=alpha,
            hands=found,
            regions=[chain[-1][0] for _, chain in done],
            faces=faces,
            timings={"detect": t1 - t0, "segment": t2 - t1, "refine": t3 - t2, "total": t3 - t0},
            fallback_used=not found,
            agreement=[agreements.get(i) for i in range(len(found))],
        )

    def _without_coins(self, image: np.ndarray, crops: np.ndarray, softs: np.ndarray, idxs: list[int | None],
                       mats: list[np.ndarray], hands: list[HandBox], priors: list | None,
                       hints: np.ndarray | None, turns: list[int]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """``(image, crops, softs)`` with every coin lying on a palm painted over
        (:func:`pipeline.coins.coins_to_paint`) and those hands' crops segmented again; the same
        three objects when there is none. The caller's photo is never written to."""
        cfg, size = self.config, self.segmenter.size
        coins, redo = [], []
        for j, idx in enumerate(idxs):
            if idx is None or hands[idx].landmarks is None:
                continue
            found = coins_to_paint(crops[j], softs[j], to_crop(hands[idx].landmarks, mats[j]), mats[j], image,
                                   cfg.threshold, cfg.paint_deep)
            if found:
                coins += found
                redo.append(j)
        if not coins:
            return image, crops, softs
        image = paint_over(image, coins, cfg.paint_margin)
        crops, softs = crops.copy(), softs.copy()
        for j in redo:
            crops[j] = warp_crop(image, mats[j], size)
        softs[redo] = segment_and_say_balanced(self.segmenter, crops[redo], cfg.colour,
                                               None if priors is None else [priors[j] for j in redo],
                                               None if hints is None else hints[redo], [turns[j] for j in redo],
                                               cfg.cast_chroma)[0]
        return image, crops, softs

    def detect(self, image: np.ndarray) -> tuple[list[HandBox], list[Box]]:
        """``(hands, faces)``: the detection step of :meth:`process` (hands strongest first, at
        most ``max_hands``; a "hand" that is a face beside one dropped or trimmed), on its own so
        that a benchmark sees the boxes exactly as the pipeline does
        (``benchmarks/box_changes.py``)."""
        cfg = self.config
        # Faces are looked for on a worker thread while the hands are detected (the detectors'
        # native code releases the GIL); the result is only used if a hand is found.
        face_job = None
        if cfg.face_guard and self.face_detector is not None:
            face_job = self._face_worker().submit(self.face_detector.detect, image)
        detect_args: dict = {}
        if self._is_auto():
            # ``auto`` checks the hands MediaPipe finds against the faces (a "hand" far smaller
            # than a face beside it is a tie or a button: ``MergeConfig.min_hand_to_face``), and
            # may show MediaPipe a hand only YOLO found again, cut out by the U-Net's mask of it
            # (``MergeConfig.masked_look``)
            if face_job is not None:
                detect_args["faces"] = face_job.result
            detect_args["silhouette"] = lambda box: self.silhouette(image, box)
        try:
            hands = sorted(self.detector.detect(image, **detect_args), key=lambda b: -b.score)[: cfg.max_hands]
            found_faces = face_job.result() if face_job is not None else []
        except BaseException:
            if face_job is not None:
                wait([face_job])
            raise
        if cfg.grey_piece > 0 and any(h.landmarks is not None for h in hands) and is_grey(image):
            hands = self._without_pieces(image, hands)
        if found_faces and cfg.faces_not_hands and self._is_auto():
            # only ``auto`` has looked at its YOLO-only boxes with MediaPipe as well and found no
            # hand there; with ``--detector yolo`` no box has landmarks, and as the face detector
            # fires on fists and palms, a box holding a "face" is no less likely a hand
            hands = faces_not_hands(hands, found_faces, beside=BESIDE_FACE if cfg.face_trim else None)
        return hands, found_faces

    def _without_pieces(self, image: np.ndarray, hands: list[HandBox]) -> list[HandBox]:
        """``hands`` less those with landmarks that lie in a piece of the U-Net's mask of the whole
        photo over ``config.grey_piece`` times their box's longer side (see the config)."""
        h, w = image.shape[:2]
        whole = self.silhouette(image, (0.0, 0.0, float(w), float(h)))
        _, labels, stats, _ = cv2.connectedComponentsWithStats(whole.view(np.uint8), connectivity=8)
        kept = []
        for hand in hands:
            if hand.landmarks is not None:
                x0, y0, x1, y1 = (int(round(v)) for v in hand.xyxy)
                ids = np.unique(labels[max(0, y0):max(y1, y0 + 1), max(0, x0):max(x1, x0 + 1)])
                piece = max((int(stats[i, 2:4].max()) for i in ids if i > 0), default=0)
                if piece > self.config.grey_piece * max(x1 - x0, y1 - y0, 1):
                    continue
            kept.append(hand)
        return kept

    def _pieces_as_boxes(self, image: np.ndarray, faces: list[Box]) -> list[HandBox]:
        """Boxes round the pieces of the U-Net's mask of the whole photo (less the faces), largest
        first, at most ``max_hands``: where to look when no detector found a hand
        (``PipelineConfig.fallback_pieces``). Each is then cropped and segmented at a crop's
        resolution, as a YOLO box MediaPipe did not confirm would be, and the outline test that
        such boxes get (``drop_unseen``) still clears a blank photo's blob.

        Empty (the whole-photo mask is kept) when a piece's crop would not be
        :data:`PIECE_MIN_GAIN` times finer than the whole-photo view: a piece that fills the photo
        (a skin-coloured wall taken for hand) only loses the photo's context in a crop of its own.
        Each box is grown by :data:`PIECE_REACH` per side first: a tight crop of a hand running
        off the photo's edge lost the back of the hand beside that edge."""
        h, w = image.shape[:2]
        whole = self.silhouette(image, (0.0, 0.0, float(w), float(h)))
        excluded = face_exclusion((h, w), faces, []) if faces else None
        if excluded is not None:
            whole &= ~excluded
        _, _, stats, _ = cv2.connectedComponentsWithStats(whole.view(np.uint8), connectivity=8)
        least = self.config.fallback_pieces * h * w
        pieces = sorted((s for s in stats[1:] if s[4] >= least), key=lambda s: -s[4])[: self.config.max_hands]
        boxes = [expand_box((float(x), float(y), float(x + bw), float(y + bh)), PIECE_REACH)
                 for x, y, bw, bh, _ in pieces]
        sides = [crop_square(b, self.config.margin) for b in boxes]
        if any(max(x1 - x0, y1 - y0) * PIECE_MIN_GAIN > max(h, w) for x0, y0, x1, y1 in sides):
            return []
        return [HandBox(xyxy=b, score=0.0, landmarks=None, handedness="", source=PIECE_SOURCE) for b in boxes]

    def silhouette(self, image: np.ndarray, box: Box) -> np.ndarray:
        """``HxW`` bool: what the U-Net takes for hand in the crop a landmark-less ``box`` gets
        (its first crop, no landmarks to help), for the detector's masked look
        (``MergeConfig.masked_look``)."""
        cfg = self.config
        size = self.segmenter.size
        m = crop_matrix(crop_square(box, cfg.margin), size)
        soft, _ = segment_and_say_balanced(self.segmenter, warp_crop(image, m, size)[None], cfg.colour,
                                           hints=self._hints([], [m]), cast_chroma=cfg.cast_chroma)
        patch, (x0, y0, x1, y1) = paste_soft(soft[0], m, image.shape[:2])
        shown = np.zeros(image.shape[:2], bool)
        if patch.size:  # else the crop lies wholly outside the photo
            shown[y0:y1, x0:x1] = patch > cfg.threshold
        return shown

    def _turns(self, hand: HandBox | None) -> int:
        """Quarter turns that show this hand's crops to the U-Net vertically (0 when off, for the
        no-hand fallback, and for a hand without landmarks)."""
        if not self.config.upright_crops or hand is None:
            return 0
        return quarter_turns(hand.landmarks, self.config.upright_tilt)

    def _hints(self, hands: list[HandBox], mats: list[np.ndarray]) -> np.ndarray | None:
        """Landmark hints (``N x S x S`` uint8, ``N x S x S x 2`` with the forearm fan) for crops
        ``mats``, drawn from every hand with landmarks; None when the segmenter takes no hint.
        The no-hand fallback gets zeros."""
        if not getattr(self.segmenter, "uses_hint", False):
            return None
        from segmentation.hint import crop_hint

        points = [b.landmarks for b in hands if b.landmarks is not None]
        layers = getattr(self.segmenter, "hint_layers", 1)
        return np.stack([crop_hint(points, m, self.segmenter.size, layers) for m in mats])

    def _wide_looks(self, image: np.ndarray, hands: list[tuple[int, HandBox, bool]],
                    all_hands: list[HandBox]) -> dict[int, tuple[np.ndarray, np.ndarray]]:
        """Hand index -> ``(soft, matrix, crop)`` of its wide crop (``config.context_margin``), one batch.

        ``hands`` holds ``(index, hand, balanced)``: a hand whose first crop was white-balanced
        has its wide crop balanced too. The wide crop, mostly background, can be sure of a colour
        cast's mistake (a white sheet under a warm lamp taken for skin) where the hand's own crop
        was unsure and was rescued.
        """
        if not hands:
            return {}
        cfg, size = self.config, self.segmenter.size
        mats = [crop_matrix(crop_square(b.xyxy, cfg.context_margin), size) for _, b, _ in hands]
        crops = np.stack([warp_crop(image, m, size) for m in mats])
        flags = np.array([balanced for _, _, balanced in hands], bool)
        turns = np.array([self._turns(b) for _, b, _ in hands], int)
        softs = np.empty((len(hands), size, size), np.float32)
        hints = self._hints(all_hands, mats)
        if flags.any():  # balanced like the hand's own crop, and not offered the rescue again
            softs[flags] = segment_and_say_balanced(self.segmenter, crops[flags], "grayworld", None,
                                                    None if hints is None else hints[flags], turns[flags])[0]
        if not flags.all():
            plain = np.flatnonzero(~flags)
            priors = None
            if cfg.landmark_prior:
                priors = [hand_prior(to_crop(hands[k][1].landmarks, mats[k]), size) for k in plain]
            softs[plain] = segment_and_say_balanced(self.segmenter, crops[plain], cfg.colour, priors,
                                                    None if hints is None else hints[plain], turns[plain],
                                                    cfg.cast_chroma)[0]
        return {i: (s, m, c) for (i, _, _), s, m, c in zip(hands, softs, mats, crops)}

    def _check_boxes_without_landmarks(self, image: np.ndarray, done: list, hands: list[HandBox]) -> list:
        """Each crop of a hand without landmarks (a YOLO box MediaPipe did not confirm, such as the
        forearm box kept near a found hand's wrist), checked like a grown crop against the last
        crop of a hand with landmarks whose footprint it overlaps: that hand's crops saw the same
        place, and where this crop calls hand what they called background (toys in a claw
        machine beside the thumb), it is re-segmented the same way (``pipeline.scale_check``)."""
        cfg, size = self.config, self.segmenter.size
        confirmed = [chain for idx, chain in done if hands[idx].landmarks is not None]
        if not confirmed:
            return done
        out = []
        for idx, chain in done:
            if hands[idx].landmarks is None:
                checked = []
                for r, m, s in chain:
                    for other in confirmed:
                        if box_intersection(r, other[-1][0]) > 0:
                            s = check_grown(warp_crop(image, m, size), s, other[-1], m, cfg.threshold, cfg.grow_check,
                                            rounds=cfg.grabcut_rounds)
                    checked.append((r, m, s))
                chain = checked
            out.append((idx, chain))
        return out

    def _check_wide_look(self, hand: HandBox, soft: np.ndarray, matrix: np.ndarray, crop: np.ndarray,
                         previous: tuple) -> np.ndarray:
        """The wide crop's soft mask, checked against the hand's last crop (``pipeline.scale_check``)
        except in the forearm cone it may add to (``paste_context``), where the hand's crops may
        have stopped a forearm at the wrist; then trimmed of vivid garments as every crop of the
        hand was (``pipeline.colour_check.trim_vivid``)."""
        cfg = self.config
        points = to_crop(hand.landmarks, matrix)
        if cfg.grow_check > 0:
            unsure = landmark_cone(points, self.segmenter.size, cfg.context_reach, cfg.context_cone)
            soft = check_grown(crop, soft, previous, matrix, cfg.threshold, cfg.grow_check, points, unsure,
                               cfg.grabcut_rounds)
        if cfg.vivid_trim > 0:
            soft = trim_vivid(crop, soft, points, cfg.threshold, cfg.vivid_trim)
        return soft

    def _continue_forearm(self, hand: HandBox, patch: np.ndarray, box: tuple[int, int, int, int],
                          soft: np.ndarray, matrix: np.ndarray, shape: tuple[int, int]):
        """:func:`paste_context` with the hand's wrist, palm length and forearm direction."""
        axis, cfg = wrist_axis(hand.landmarks), self.config
        if axis is None:  # wrist and middle knuckle coincide: no forearm direction to follow
            return patch, box
        wrist, palm, away = axis
        return paste_context(patch, box, soft, matrix, hand.xyxy, tuple(wrist), cfg.context_reach * palm, shape,
                             cfg.threshold, away=tuple(away), cone_deg=cfg.context_cone,
                             wrist_fill=cfg.context_wrist_fill)


def build_pipeline(config: PipelineConfig | None = None, model_path: str | None = None) -> Pipeline:
    """Load the detector named in ``config`` and the segmentation model; do this once per process."""
    from detection.factory import create_detector
    from detection.faces import MediaPipeFaceDetector
    from segmentation.segmenter import Segmenter

    cfg = config or PipelineConfig()
    detector = create_detector(cfg.detector, max_hands=cfg.max_hands)
    faces = MediaPipeFaceDetector() if cfg.face_guard else None
    return Pipeline(detector, Segmenter(model_path, tta_flip=cfg.tta_flip), cfg, faces)
