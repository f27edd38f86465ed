"""A finger the U-Net lost part of, filled back along its bones where it is plainly not background.

The U-Net drops stretches of a finger whose colour its training hands never had: a finger
lit pink from behind, a blurred finger in front of the others that the shade turned brown, a
glare on a knuckle. :func:`pipeline.landmark_prior.bridge_fingers` joins a fingertip cut off from
its hand, but only along a thin line, and the guided filter then thins that line away; a
stretch lost along one side of a finger is never joined at all.

The landmarks say where each finger lies. Along a finger's bones (knuckle to just short of the
tip), within about a finger's half-width of them, a pixel the mask left out is put back when it
is plainly not the background seen around that finger: far, for the background's own spread, from
every colour the background shows there (a few clusters, so a white screen above a black bezel is
two colours, not their grey mean), and nearer the finger's found skin than the background.
Only what reaches the missing stretch of the bone line itself, and touches the mask, is put back.
A finger on a surface of its own colour, or on a busy print, is left as the mask has it: there
the background's spread is as wide as the finger's difference from it. The thumb is filled from
its knuckle out (not from its base by the wrist, which lies in the palm's ball); its landmarks
are the least sure, but the colour test guards it as it guards the others (session 30: on the
684 ``hand_boxes`` photos it changed 9 masks, each giving back a thumb tip or a whole thumb).
"""
from __future__ import annotations

import cv2
import numpy as np

from detection.faces import FINGERS
from pipeline.landmark_prior import finger_joints, knuckle_span

#: the fingers filled (index to little)
FILLED = FINGERS[1:]
#: the thumb's bones from its knuckle (MCP) out, filled too unless ``thumb=False``
THUMB = FINGERS[0][1:]
#: the corridor's half-width around a finger's bones, in knuckle spans (index to little
#: knuckle). A finger is about a third of the span wide; a little more than half of that lets
#: the colours find the finger's rim though the bone line seldom runs down its middle
HALF_WIDTH = 0.2
#: a finger is looked at only when at least this share of its bone line is missing
MIN_MISSING = 0.08
#: a pixel is background-like within this many of the background's standard deviations of one
#: of its colour clusters
SPREAD = 4.0
#: the least standard deviation assumed per channel (camera noise and JPEG on a flat wall)
NOISE = 6.0
#: colour clusters of the background around a finger
CLUSTERS = 3
#: background pixels needed to learn them
MIN_SAMPLES = 60
#: and at most this many are used (evenly spread): a hand filling a 2160x4000 photo has
#: megapixel windows, whose colours a few thousand pixels describe as well, hundreds of times faster
MAX_SAMPLES = 4000


def background_distance(pix: np.ndarray, ground: np.ndarray) -> np.ndarray:
    """Each pixel's distance, in standard deviations, to the nearest of the background's colour
    clusters (Mahalanobis, each cluster's covariance widened by the camera's noise)."""
    k = min(CLUSTERS, max(1, len(ground) // MIN_SAMPLES))
    samples = ground.astype(np.float32)
    if k > 1:
        criteria = (cv2.TERM_CRITERIA_EPS + cv2.TERM_CRITERIA_MAX_ITER, 20, 1.0)
        cv2.setRNGSeed(0)
        _, labels, _ = cv2.kmeans(samples, k, None, criteria, 2, cv2.KMEANS_PP_CENTERS)
        labels = labels.ravel()
    else:
        labels = np.zeros(len(samples), np.int32)
    best = np.full(len(pix), np.inf, np.float64)
    for c in range(k):
        members = samples[labels == c].astype(np.float64)
        if len(members) < 8:
            continue
        mean = members.mean(axis=0)
        cov = np.cov(members, rowvar=False) + NOISE ** 2 * np.eye(3)
        diff = pix.astype(np.float64) - mean
        d2 = np.einsum("ij,jk,ik->i", diff, np.linalg.inv(cov), diff)
        np.minimum(best, np.sqrt(np.maximum(d2, 0.0)), out=best)
    return best


def thinned(ground: np.ndarray) -> np.ndarray:
    """At most :data:`MAX_SAMPLES` of the background's pixels, evenly spread."""
    return ground[:: -(-len(ground) // MAX_SAMPLES)] if len(ground) > MAX_SAMPLES else ground


def joined_pieces(found: np.ndarray, mask: np.ndarray, seeds: np.ndarray | None = None) -> np.ndarray:
    """Bool: the pieces of ``found`` (uint8, 1 = passed the colour test) that, after an opening,
    touch ``mask`` (bool) and, given ``seeds`` (bool), reach them. JPEG noise leaves single
    pixels: the opening drops the crumbs (the pipeline fills the pinholes after; a closing here
    would join a dark blot in a gap two pixels away)."""
    found = cv2.morphologyEx(found, cv2.MORPH_OPEN, np.ones((3, 3), np.uint8))
    n, labels = cv2.connectedComponents(found, connectivity=8)
    if n <= 1:
        return np.zeros(found.shape, bool)
    kept = np.zeros(n, bool)
    kept[labels[(cv2.dilate(mask.view(np.uint8), np.ones((3, 3), np.uint8)) > 0) & (found > 0)]] = True
    if seeds is not None:
        reached = np.zeros(n, bool)
        reached[labels[seeds]] = True
        kept &= reached
    kept[0] = False
    return kept[labels]


def fill_fingers(image_rgb: np.ndarray, mask: np.ndarray, points: np.ndarray, thumb: bool = True) -> np.ndarray:
    """``mask`` (uint8, 255 = hand) with the lost stretches of the fingers of the hand whose 21
    landmarks are ``points`` (the image's pixels) put back; see the module's docstring. Returns
    ``mask`` itself when nothing changes; ``thumb=False`` leaves the thumb as it is."""
    span = knuckle_span(points)
    if span < 8:
        return mask
    h, w = mask.shape
    half = max(2, int(round(HALF_WIDTH * span)))
    out = mask
    for finger in (*FILLED, THUMB) if thumb else FILLED:
        chain = finger_joints(points, finger)
        x0, y0 = np.floor(chain.min(axis=0)).astype(int) - 3 * half
        x1, y1 = np.ceil(chain.max(axis=0)).astype(int) + 3 * half + 1
        x0, y0, x1, y1 = max(0, x0), max(0, y0), min(w, x1), min(h, y1)
        if x1 - x0 < 4 or y1 - y0 < 4:
            continue
        poly = np.round(chain - (x0, y0)).astype(np.int32)
        line = np.zeros((y1 - y0, x1 - x0), np.uint8)
        cv2.polylines(line, [poly], False, 1, max(1, half // 4))
        m = out[y0:y1, x0:x1] > 0
        on_line = line > 0
        missing_line = on_line & ~m
        if on_line.sum() == 0 or missing_line.sum() < MIN_MISSING * on_line.sum():
            continue
        corridor = np.zeros_like(line)
        cv2.polylines(corridor, [poly], False, 1, 2 * half + 1)
        wide = np.zeros_like(line)
        cv2.polylines(wide, [poly], False, 1, 4 * half + 1)
        near_mask = cv2.dilate(m.view(np.uint8), np.ones((5, 5), np.uint8)) > 0
        img = image_rgb[y0:y1, x0:x1]
        ground = thinned(img[~near_mask & (wide == 0)])
        skin = img[m & (corridor > 0)]
        if len(ground) < MIN_SAMPLES or len(skin) < MIN_SAMPLES:
            continue
        candidates = (corridor > 0) & ~m
        ys, xs = np.nonzero(candidates)
        pix = img[ys, xs].astype(np.float64)
        far = background_distance(pix, ground) > SPREAD
        skin_mean = skin.astype(np.float64).mean(axis=0)
        ground_mean = ground.astype(np.float64).mean(axis=0)
        nearer_skin = (np.linalg.norm(pix - skin_mean, axis=1) < np.linalg.norm(pix - ground_mean, axis=1))
        keep = far & nearer_skin
        if not keep.any():
            continue
        fill = np.zeros(line.shape, np.uint8)
        fill[ys[keep], xs[keep]] = 1
        # only pieces that reach the missing bone line and touch the mask
        add = joined_pieces(fill, m, missing_line)
        if add.any():
            if out is mask:
                out = mask.copy()
            out[y0:y1, x0:x1][add] = 255
    return out
