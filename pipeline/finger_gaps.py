"""The gaps between spread fingers, opened down to where the fingers part.

The U-Net sees a hand at 256 pixels: where two fingers part, the gap between them is a few
pixels wide in its crop, and it tends to fill the gap's last stretch towards the knuckles with
hand (the dark car seat between palm_open's fingers, wood, a wall or a curtain between finger bases on
real photos). The paste-back's edge steps (guided filter, colour edge) only move the mask's
edge by a few pixels, so a gap filled for a finger's width stays filled.

The landmarks say where the gaps are: between two neighbouring fingers' bones, from their
knuckles out past their tips. There, outside each finger's core, a pixel of the mask that has
the colour of the background seen in the same gap (its open part, or just past the fingertips)
and not of the two fingers' skin, and that the background reaches through such pixels, is
background. Colour alone decides, the way :func:`pipeline.refine.colour_edge` decides at the
edge (its :func:`~pipeline.refine.hand_shares`), so a gap whose background looks like skin (a
beige table) is left as the mask has it; the webbing between the fingers is skin and stays.
"""
from __future__ import annotations

import cv2
import numpy as np

from detection.faces import FINGERS
from pipeline.landmark_prior import fill_palm, knuckle_span
from pipeline.refine import COLOUR_EDGE_SURE, chromaticity, hand_shares, hue_agrees, row_dot

#: neighbouring fingers whose gap is looked at (index-middle, middle-ring, ring-little), each a
#: landmark chain from the knuckle out to the tip. Not the thumb's: it is often turned towards
#: the camera, wider than its landmarks say, and its shaded side (brownish, like wood) was
#: taken for the table between it and the index finger on the wood-table sample
GAPS = tuple(zip(FINGERS[1:-1], FINGERS[2:]))
#: a finger's core, never judged: its bone line drawn this many knuckle spans (index to little
#: knuckle) either side. A finger is about a third of the span wide; the core keeps its middle
#: two thirds, so only the finger's rim, and the gap, are left to the colours
CORE = 0.11
#: the gap runs on past the fingertips by this share of the finger's last two bones, where
#: background is seen even when the whole gap was filled
PAST_TIPS = 0.6
#: at least this many background pixels in a gap to learn its colour from
MIN_SAMPLES = 30
#: the background seen in a gap is read as up to this many colours (the stripes of a flag, a
#: busy print), and each pixel of the gap is judged against the one nearest it
GROUND_COLOURS = 3
#: ... of which two closer than this in chromaticity are one colour in two shades (a white table
#: and the fingers' shadow on it, a silver coin), merged back into their mean
GROUND_APART = 0.03
#: ... and one seen in less than this share of the gap's open part is left out (the dark
#: crease between two closed fingers of a dark hand, seen where the mask left it open, took
#: the crease itself out of the mask)
GROUND_SHARE = 0.1
#: ... unless it is seen in at least this share and as a patch at least :data:`DARK_WIDTH`
#: knuckle spans wide (an opening): the black bezel below a white laptop screen was 3-6 % of
#: two gaps' open part, a band across each gap, and stayed at the bottom of both; a crease seen
#: where the mask left it open is a line
MINOR_SHARE = 0.02
#: ... and of a hue (its colour over its brightness) at least this far from the hand's: the
#: crease between two touching fingers of a dark hand, seen as a patch at 2160x4000, is the
#: skin's hue darkened (0.07 from it), a brown object whose colour the shaded webbing of an HGR
#: hand took on 0.14, the penumbra of a finger's shadow on an olive wall 0.10-0.12 (it took the
#: dark tips of two fingers with it); the laptop's bezel was 0.3 from the hand
MINOR_APART = 0.15
#: a gap whose background (its open part's mean) is darker than this share of the hand's
#: brightness is a dark gap: there a mask pixel of the background's colour and no brighter
#: than it (a share of hand of at most 0) is background whatever its hue. The hue test keeps
#: shaded skin, which darkens towards a dark background keeping the skin's hue; but the dark
#: seat seen between palm_open's fingers takes the skin's red tint too (light bounced off the
#: fingers, a JPEG's coarse colour), and there it kept the bottom of two gaps filled. Shade
#: darkens skin towards the background, not past it
DARK_GROUND = 0.5
#: ... and only such pixels in a patch at least this share of the knuckle span wide (an
#: opening): a gap's bottom is a few times wider than the dark crease between two closed
#: fingers, which is as dark and as red (a validation hand on an olive background lost its crease)
DARK_WIDTH = 0.04
#: a shadow is taken for background only where hand and background differ in chromaticity by at
#: least this much (skin on white: about 0.09; on a beige table the two are alike and shade on
#: either could be the other's)
SHADOW_MIN_CHROMA = 0.03
#: ... and only when darker than the background seen in the gap by this share of its brightness
SHADOW_DARKER = 0.04
#: ... and its chromaticity lies within this share of the hand's distance from the background's
#: (the shadows between fingers on 11k Hands' white table: a third, median)
SHADOW_NEAR = 0.5


def shadows(pix: np.ndarray, hand: np.ndarray, ground: np.ndarray) -> np.ndarray:
    """Which of the ``N x 3`` pixels ``pix`` are the background in the fingers' soft shadow:
    darker than the background's colour ``ground`` yet lighter than the hand's ``hand``, and of
    nearly the background's chromaticity, far from the hand's.

    Fingers raised over a pale table cast a soft grey shadow into the gaps between them; it lies
    off the line from the table's colour to the skin's (it is the table dimmed, not tinted
    towards skin), so :func:`~pipeline.refine.hand_shares` does not trust it either way and the
    mask kept it, a grey web between the fingers of a cut-out. Shade on skin keeps the skin's
    hue, so skin is not taken for shadow; nor is anything darker than the skin (on a wall
    darker than the hand, HGR, the shaded rims of fingers came close to the wall's hue), and a
    hand on a table of its own colour is left alone. Colour alone cannot tell a silver coin lying
    across a gap from such a shadow (grey on a white table): the pipeline spares the coins and
    round things its circle finder sees (``spare`` and ``spare_shade`` of :func:`open_gaps`); on
    the test split two coins it missed were still cut (``PipelineConfig.gap_shadows``, docs/pipeline_steps.md)."""
    cp, ch, cg = chromaticity(pix), chromaticity(hand), chromaticity(ground)
    apart = float(np.linalg.norm(ch - cg))
    if apart < SHADOW_MIN_CHROMA:
        return np.zeros(len(pix), bool)
    to_ground = cp - cg
    near_ground = np.sqrt(row_dot(to_ground, to_ground)) < SHADOW_NEAR * apart
    brightness = pix[:, 0] + pix[:, 1] + pix[:, 2]
    darker_than_ground = brightness < (1.0 - SHADOW_DARKER) * float(ground.sum())
    return near_ground & darker_than_ground & (brightness > float(hand.sum()))


def _chain(points: np.ndarray, finger: tuple[int, ...]) -> np.ndarray:
    """The finger's landmarks from knuckle to tip, the tip carried on past its end."""
    pts = points[list(finger)].astype(np.float64)
    tip, before = pts[-1], pts[-3]
    return np.vstack([pts, tip + PAST_TIPS * (tip - before)])


def gap_regions(shape: tuple[int, int], points: np.ndarray
                ) -> list[tuple[tuple[int, int, int, int], np.ndarray, np.ndarray]]:
    """Per gap between neighbouring fingers, ``(window, gap, skin)``: the window ``(x0, y0, x1,
    y1)`` of an image of ``shape`` that holds the gap and its two fingers, and, as bool planes of
    the window's size, the region between the two fingers' bone chains less their cores (and
    less the palm) and the fingers' bone lines, where their own colour is read."""
    span = knuckle_span(points)
    if span < 4:
        return []
    h, w = shape
    core = max(1, int(round(CORE * span)))
    line = max(1, int(round(0.3 * core)))
    out = []
    for a, b in GAPS:
        ca, cb = _chain(points, a), _chain(points, b)
        both = np.vstack([ca, cb])
        x0, y0 = np.floor(both.min(axis=0)).astype(int) - core - 2
        x1, y1 = np.ceil(both.max(axis=0)).astype(int) + core + 3
        x0, y0, x1, y1 = max(0, x0), max(0, y0), min(w, x1), min(h, y1)
        if x1 - x0 < 2 or y1 - y0 < 2:
            continue
        at = np.array([x0, y0])
        region = np.zeros((y1 - y0, x1 - x0), np.uint8)
        cv2.fillPoly(region, [np.round(np.vstack([ca, cb[::-1]]) - at).astype(np.int32)], 1)
        cores = np.zeros_like(region)
        skin = np.zeros_like(region)
        for finger in (a, b):
            bones = np.round(points[list(finger)] - at).astype(np.int32)
            cv2.polylines(cores, [bones], False, 1, 2 * core + 1)
            cv2.polylines(skin, [bones[:-1]], False, 1, 2 * line + 1)
        # the palm side of the knuckles is no gap (the webbing lies past them)
        fill_palm(cores, points - at)
        out.append(((x0, y0, x1, y1), (region > 0) & (cores == 0), skin > 0))
    return out


def ground_colours(img: np.ndarray, open_part: np.ndarray, ground: np.ndarray,
                   patch: int = 0, hand: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
    """``(K x 3, M x 3)`` float32: the colours of the background seen in a gap (``open_part``,
    0/255 over ``img``), one per colour that differs from the others in chromaticity, not only in
    shade (``ground``, the open part's mean colour, alone, as ``1 x 3``, when there is only one);
    and the minor colours (``0 x 3`` unless ``patch``, below).

    Why several: the mean of a striped flag or a busy print is a colour no pixel of it has, so a
    red stripe filling a gap lay far from that mean and the mask kept it. Shades of one colour
    stay one (their mean, as before): a white table's shadow is judged by its own rule
    (:func:`shadows`), which spares coins. Read 2 px off the fingers, where skin blends in.
    ``patch`` > 0 (pixels): a colour seen in less than :data:`GROUND_SHARE` of the open part
    (down to :data:`MINOR_SHARE`) whose pixels there hold a patch that wide, whose hue is not the
    colour ``hand``'s (:data:`MINOR_APART`) and whose chromaticity is not one of the first
    colours' is a minor colour. Kept apart, so that it can only ever add to what the first
    colours take (:func:`open_gaps`): judged against the nearest of all colours, a pixel of a
    grey paving stone between a darker grout line and the skin came out less like background.
    """
    mean = np.asarray(ground, np.float32).reshape(1, 3)
    none = np.zeros((0, 3), np.float32)
    sure = cv2.erode(open_part, np.ones((5, 5), np.uint8))
    pts = cv2.findNonZero(sure)
    if pts is None or len(pts) < GROUND_COLOURS * MIN_SAMPLES:
        return mean, none
    pts = pts[::max(1, len(pts) // 2000), 0]
    pix = img[pts[:, 1], pts[:, 0]].astype(np.float32)
    # seeded by brightness (terciles), so the same photo always gives the same colours
    order = np.argsort(pix.sum(axis=1), kind="stable")
    labels = np.empty(len(pix), np.int32)
    labels[order] = np.arange(len(pix)) * GROUND_COLOURS // len(pix)
    criteria = (cv2.TERM_CRITERIA_EPS + cv2.TERM_CRITERIA_MAX_ITER, 10, 1.0)
    _, labels, _ = cv2.kmeans(pix, GROUND_COLOURS, labels[:, None], criteria, 1, cv2.KMEANS_USE_INITIAL_LABELS)
    labels = labels.ravel()
    groups: list[list[int]] = []  # clusters merged by chromaticity, the largest first
    counts = np.bincount(labels, minlength=GROUND_COLOURS)
    chroma = [chromaticity(pix[labels == k].mean(axis=0, keepdims=True))[0] if counts[k] else None
              for k in range(GROUND_COLOURS)]
    for k in np.argsort(-counts, kind="stable"):
        if counts[k] < max(MIN_SAMPLES, GROUND_SHARE * len(pix)):
            continue
        near = [g for g in groups if np.linalg.norm(chroma[k] - chroma[g[0]]) < GROUND_APART]
        if near:
            near[0].append(int(k))
        else:
            groups.append([int(k)])
    major = (np.array([pix[np.isin(labels, g)].mean(axis=0) for g in groups], np.float32)
             if len(groups) > 1 else mean)
    if patch <= 0 or hand is None:
        return major, none
    minor = [k for k in range(GROUND_COLOURS)
             if max(MIN_SAMPLES, MINOR_SHARE * len(pix)) <= counts[k] < GROUND_SHARE * len(pix)
             and np.linalg.norm(_hue(pix[labels == k].mean(axis=0)) - _hue(hand)) >= MINOR_APART
             and all(np.linalg.norm(chroma[k] - chroma[g[0]]) >= GROUND_APART for g in groups)]
    minor = sorted(_wide_colours(img, sure, pix, labels, minor, patch)) if minor else []
    return major, np.array([pix[labels == k].mean(axis=0) for k in minor], np.float32).reshape(-1, 3)


def _judge(pix: np.ndarray, hand: np.ndarray, grounds: np.ndarray, min_contrast: float
           ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``(share, trusted, hue_ok)`` of the ``N x 3`` pixels ``pix`` between the ``hand`` colour
    and the nearest of the background colours ``grounds`` (:func:`~pipeline.refine.hand_shares`
    without its hue test, and that test apart, :func:`~pipeline.refine.hue_agrees`)."""
    if len(grounds) > 1:
        grounds = grounds[_nearest(pix, grounds)]
    share, trusted = hand_shares(pix, hand[None], grounds, min_contrast, hue=False)
    return share, trusted, hue_agrees(pix, hand[None], grounds, share)


def _nearest(pix: np.ndarray, colours: np.ndarray) -> np.ndarray:
    """Per pixel of ``pix`` (``N x 3``), the index of the nearest of ``colours`` (``K x 3``); the
    first on a tie.

    One colour at a time with the squared distance as three products added (the order numpy's
    sum over a row of three takes, so the same values): an ``N x K x 3`` difference summed over
    its last axis cost about 30 ms on the gaps of a hand filling a 2160x4000 photo."""
    colours = np.asarray(colours, pix.dtype)
    best = np.zeros(len(pix), np.intp)
    diff = pix - colours[0]
    nearest = row_dot(diff, diff)
    for k in range(1, len(colours)):
        diff = pix - colours[k]
        dist = row_dot(diff, diff)
        closer = dist < nearest
        best[closer] = k
        nearest = np.where(closer, dist, nearest)
    return best


def _taken(m: np.ndarray, inside: np.ndarray, ys: np.ndarray, xs: np.ndarray, share: np.ndarray,
           trusted: np.ndarray) -> np.ndarray:
    """Bool, over the window of the 0/255 mask ``m``: the pixels of ``inside`` whose share of hand
    (``share`` at ``ys, xs``, trusted where ``trusted``; elsewhere the mask's own 0/1), smoothed,
    is sure background."""
    plane = (m > 0).astype(np.float32)
    plane[ys, xs] = np.where(trusted, np.clip(share, 0.0, 1.0), 1.0)
    plane = cv2.GaussianBlur(plane, (0, 0), 1.0)
    return inside & (plane <= COLOUR_EDGE_SURE)


def _reached(candidate: np.ndarray, sources: np.ndarray) -> np.ndarray:
    """The pixels of ``candidate`` joined (4-connected, through candidates) to ``sources``."""
    if not candidate.any() or not sources.any():
        return np.zeros_like(candidate)
    n, labels = cv2.connectedComponents((candidate | sources).view(np.uint8), connectivity=4)
    touching = np.zeros(n, bool)
    touching[labels[sources]] = True
    touching[0] = False
    return candidate & touching[labels]


def _hue(colour) -> np.ndarray:
    """A colour over its brightness, with no allowance for dark colours (unlike
    :func:`~pipeline.refine.chromaticity`): the mean of a cluster of dark pixels has a steady hue,
    and a skin crease keeps the skin's."""
    c = np.asarray(colour, np.float64).reshape(3)
    return c / max(float(c.sum()), 1.0)


def open_disc(plane: np.ndarray, diameter: float) -> np.ndarray:
    """``plane`` (uint8, nonzero = in) opened by a disc ``diameter`` pixels wide: bool, the
    pixels that lie in some disc that fits wholly inside it, i.e. in a patch at least that wide.

    Two exact Euclidean distance transforms: their cost does not grow with the disc, where an
    opening with OpenCV's elliptical kernel costs a pass over the kernel's every pixel (a patch
    of DARK_WIDTH on a hand filling a 2160x4000 photo is a disc some 56 pixels wide: 60-85 ms a
    gap, against about 10 ms here). Pixels outside ``plane`` count as in, as with OpenCV's
    erosion."""
    radius = diameter / 2.0
    inside = (plane > 0).view(np.uint8)
    centres = (cv2.distanceTransform(inside, cv2.DIST_L2, cv2.DIST_MASK_PRECISE) > radius).view(np.uint8)
    if not cv2.countNonZero(centres):
        return np.zeros(plane.shape, bool)
    return cv2.distanceTransform(1 - centres, cv2.DIST_L2, cv2.DIST_MASK_PRECISE) <= radius


def _wide_colours(img: np.ndarray, sure: np.ndarray, pix: np.ndarray, labels: np.ndarray,
                  ks: list[int], patch: int) -> set[int]:
    """Which of the colour clusters ``ks`` (of the sampled ``pix``) hold, among all the pixels
    of ``sure`` (0/255 over ``img``) nearest to them, a patch ``patch`` pixels wide."""
    present = [k for k in range(GROUND_COLOURS) if (labels == k).any()]
    centres = np.array([pix[labels == k].mean(axis=0) for k in present], np.float32)
    ys, xs = np.nonzero(sure)
    near = _nearest(img[ys, xs].astype(np.float32), centres)
    out = set()
    for k in ks:
        plane = np.zeros(sure.shape, np.uint8)
        sel = near == present.index(k)
        plane[ys[sel], xs[sel]] = 1
        if open_disc(plane, patch).any():
            out.add(k)
    return out


def open_gaps(image_rgb: np.ndarray, mask: np.ndarray, points: np.ndarray,
              min_contrast: float = 20.0, with_shadows: bool = False,
              spare: np.ndarray | None = None, spare_shade: np.ndarray | None = None,
              several_grounds: bool = False, dark_ground: float = 0.0,
              minor_grounds: bool = False) -> np.ndarray:
    """``mask`` (uint8, 255 = hand) with the background-coloured parts of the gaps between the
    fingers of the hand whose 21 landmarks are ``points`` (the image's pixels) taken out; see
    the module's docstring. Each gap is computed on in a window around it and its fingers, and
    its colours only on the mask's pixels in the gap (a hand filling a 2160x4000 photo has
    windows of a few megapixels: OpenCV's masked means and counts keep them cheap).
    ``with_shadows`` takes the background in the fingers' shadow for background too
    (:func:`shadows`). ``spare`` (bool, the mask's shape) marks pixels never taken out, and
    ``spare_shade`` pixels never taken for shadow: the coins lying on the hand, which can have a
    white table's colour or be as grey as a shadow (the pipeline's circle finder, strict and
    loose, :func:`pipeline.coins.coin_discs`). ``several_grounds`` reads the background as several
    colours (:func:`ground_colours`), each pixel judged against the nearest. ``dark_ground`` > 0
    (:data:`DARK_GROUND`): in a gap whose background is darker than that share of the hand's
    brightness, a pixel of the background's colour and no brighter is taken whatever its hue,
    in patches at least :data:`DARK_WIDTH` knuckle spans wide. ``minor_grounds`` (with
    ``several_grounds``) also reads the minor colours of :func:`ground_colours`, each taking only
    what it makes surer background and what its own pixels in the open gap reach."""
    out = mask
    # the least width of a patch the dark rule and the minor colours take (DARK_WIDTH)
    wide = max(3, int(round(DARK_WIDTH * knuckle_span(points))))
    for (x0, y0, x1, y1), gap, skin in gap_regions(mask.shape, points):
        img = image_rgb[y0:y1, x0:x1]
        m = cv2.compare(out[y0:y1, x0:x1], 0, cv2.CMP_GT)  # 0/255
        gap8 = gap.view(np.uint8) * np.uint8(255)
        open_part = cv2.bitwise_and(gap8, cv2.bitwise_not(m))
        inside = cv2.bitwise_and(gap8, m)
        hand_px = cv2.bitwise_and(skin.view(np.uint8) * np.uint8(255), m)
        if (cv2.countNonZero(open_part) < MIN_SAMPLES or cv2.countNonZero(hand_px) < MIN_SAMPLES):
            continue
        pts = cv2.findNonZero(inside)
        if pts is None:
            continue
        hand = np.array(cv2.mean(img, hand_px)[:3], np.float32)
        ground = np.array(cv2.mean(img, open_part)[:3], np.float32)
        patch = wide if minor_grounds else 0
        grounds, minor = (ground_colours(img, open_part, ground, patch, hand) if several_grounds
                          else (ground[None], np.zeros((0, 3), np.float32)))
        # the shares, smoothed, in the rectangle round the gap's mask pixels (and the pixels of
        # the open gap beside them, through which the background reaches them)
        bx, by, bw, bh = cv2.boundingRect(pts)
        rx0, ry0 = max(0, bx - 4), max(0, by - 4)
        rx1, ry1 = min(m.shape[1], bx + bw + 4), min(m.shape[0], by + bh + 4)
        xs, ys = pts[:, 0, 0], pts[:, 0, 1]
        pix = img[ys, xs].astype(np.float32)
        share, trusted, hue_ok = _judge(pix, hand, grounds, min_contrast)
        relaxed = np.zeros(len(pix), bool)
        if dark_ground > 0 and float(ground.sum()) < dark_ground * float(hand.sum()):
            relaxed = trusted & ~hue_ok & (share <= 0.0)
        trusted &= hue_ok
        if relaxed.any():  # only where they, the gap's plain background and its open part are wide
            low = np.zeros((ry1 - ry0, rx1 - rx0), np.uint8)
            low[ys - ry0, xs - rx0] = (trusted & (share <= COLOUR_EDGE_SURE)) | relaxed
            low |= open_part[ry0:ry1, rx0:rx1] > 0
            trusted |= relaxed & open_disc(low, wide)[ys - ry0, xs - rx0]
        if with_shadows:
            shade = shadows(pix, hand[None], ground[None])
            if spare_shade is not None:
                shade &= ~spare_shade[y0 + ys, x0 + xs]
            share, trusted = np.where(shade, 0.0, share), trusted | shade
        window = (slice(ry0, ry1), slice(rx0, rx1))
        inside_w = inside[window] > 0
        # only what the gap's background reaches through background-coloured pixels
        gone = _reached(_taken(m[window], inside_w, ys - ry0, xs - rx0, share, trusted), open_part[window] > 0)
        if len(minor):
            # a minor colour only where it makes a pixel surer background, and only what that
            # colour's own pixels in the open gap reach (the shaded webbing at the bottom of a
            # gap can have the hue of a brown object seen at the gap's far end)
            every = np.vstack([grounds, minor])
            share2, trusted2, hue_ok2 = _judge(pix, hand, every, min_contrast)
            take = trusted2 & hue_ok2 & (~trusted | (share2 < share))
            taken = _taken(m[window], inside_w, ys - ry0, xs - rx0, np.where(take, share2, share), trusted | take)
            oy, ox = np.nonzero(open_part[window])
            seen = img[ry0 + oy, rx0 + ox].astype(np.float32)
            own = np.zeros(inside_w.shape, bool)
            own[oy, ox] = _nearest(seen, every) >= len(grounds)
            gone |= _reached(taken, own)
        if spare is not None:
            gone &= ~spare[y0 + ry0:y0 + ry1, x0 + rx0:x0 + rx1]
        if gone.any():
            if out is mask:
                out = mask.copy()
            out[y0 + ry0:y0 + ry1, x0 + rx0:x0 + rx1][gone] = 0
    return out
