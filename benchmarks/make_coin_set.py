"""Build the target scene with a label: a held-out hand on a 2160x4000 portrait, a coin on it.

``python benchmarks/make_coin_set.py --data ../shared/data/hands11k --split test --out runs/coin_test``

Why: the product's target photos are phone portraits of an open hand from above, often with a
coin lying on the palm for scale, and the coin belongs to the cut-out (no hole). None of the data
sets shows a coin, so this set puts one on each held-out hand. The canvases are exactly
``make_highres_set.py --portrait``'s with the same ``--seed`` (same photos, same placement), so
the two sets' per-image scores can be set side by side: what differs is the coin only.

The coin is drawn here, not by the training augmentation's painter (``segmentation.augment``
paints a flat ellipse 0.35-0.8 of the hand's inner radius with blurred noise); a set drawn by
the painter the model learned from would flatter it. This one is closer to a photographed coin
and smaller, to real scale: a coin of 16-27 mm on a palm about 80 mm across is 0.2-0.35 of the
palm's width. Each coin is a disc (a slight ellipse, as a phone held not quite level sees it) of
one of five metals (copper, nickel, brass, and two-metal coins either way round), lit from one
side, with a raised rim, a stamped relief (a numeral and a ring of beads, embossed), a soft
specular highlight and a contact shadow on the skin beside it. It lies wholly on the hand, its
centre where the hand is broadest (palm or back, at least 0.55 of the hand's largest inner
radius from its edge and from the frame's). The label is the hand's mask plus the coin.
``--overhang`` puts it on the palm's rim instead, hanging over the hand's edge by 0.2-0.6 of its
radius onto the table: less usual, and harder, since the part over the table is held to the
hand by the coin alone; the whole coin is still labelled hand.

``OUT/coins.csv`` lists each coin's centre, radius and metal, ``OUT/coins/NAME.png`` is each
coin's own mask. Scoring, with one run of the pipeline:
``python -m pipeline.evaluate --images OUT/images --masks OUT/masks --save-masks PRED`` for the
usual figures, then ``python benchmarks/coin_score.py --coins OUT/coins --pred PRED`` for the
share of each coin the mask keeps.
"""
from __future__ import annotations

import sys
from pathlib import Path

import cv2
import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks import held_out_set  # noqa: E402
from benchmarks.make_highres_set import place, upright  # noqa: E402
from pipeline.imageio import save_png  # noqa: E402
from segmentation.data import load_pair  # noqa: E402

#: RGB of the coin's body and, for two-metal coins, of its ring
METALS = {
    "copper": ((184, 115, 70), None),
    "nickel": ((196, 196, 200), None),
    "brass": ((212, 176, 92), None),
    "bimetal_silver_centre": ((200, 200, 204), (214, 180, 96)),
    "bimetal_gold_centre": ((214, 180, 96), (200, 200, 204)),
}
#: coin diameter as a share of the hand's widest inner diameter (twice its largest inner radius)
DIAMETER = (0.2, 0.35)
#: the coin's centre lies at least this share of the largest inner radius from the hand's edge
DEEP = 0.55


def coin_site(mask: np.ndarray, rng: np.random.Generator,
              overhang: bool = False) -> tuple[float, float, float] | None:
    """``(cx, cy, radius)`` for a coin lying wholly on the hand (or, with ``overhang``, on the
    palm's rim and hanging over its edge by 0.2-0.6 of its radius), or ``None`` for a tiny mask."""
    # the frame's edge counts as the hand's edge: a coin lies wholly in the photo, and the
    # broadest part of the hand is its palm, not the forearm where it leaves the frame
    fg = np.pad((mask > 127).astype(np.uint8), 1)
    dist = cv2.distanceTransform(fg, cv2.DIST_L2, 5)[1:-1, 1:-1]
    inner = float(dist.max())
    if inner < 10:
        return None
    radius = float(rng.uniform(*DIAMETER)) * inner
    if overhang:
        h, w = mask.shape
        yy, xx = np.mgrid[0:h, 0:w]
        py, px = np.unravel_index(int(dist.argmax()), dist.shape)
        frame = np.minimum(np.minimum(xx, w - 1 - xx), np.minimum(yy, h - 1 - yy))
        near_palm = np.hypot(xx - px, yy - py) < 1.6 * inner
        site = (dist > 0.4 * radius) & (dist < 0.8 * radius) & near_palm & (frame > 1.3 * radius)
    else:
        # deep enough that the whole disc (and its tilt) stays on the hand
        site = dist > max(DEEP * inner, radius * 1.15)
    ys, xs = np.nonzero(site)
    if len(xs) == 0:
        return None
    i = int(rng.integers(len(xs)))
    return float(xs[i]), float(ys[i]), radius


def coin_layer(radius: float, metal: str, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """A coin drawn in a square of side ``2 * radius + 4``: ``(RGB float image, alpha in [0, 1])``."""
    size = int(np.ceil(2 * radius)) + 4
    c = (size - 1) / 2.0
    yy, xx = np.mgrid[0:size, 0:size].astype(np.float32)
    r = np.hypot(xx - c, yy - c) / radius  # 0 at the centre, 1 at the rim
    alpha = np.clip((1.0 - r) * radius + 0.5, 0.0, 1.0)  # one anti-aliased pixel at the edge
    body, ring = METALS[metal]
    rgb = np.empty((size, size, 3), np.float32)
    rgb[:] = body
    if ring is not None:
        rgb[r > 0.62] = ring
    # light from one side: up to +-18 % across the coin
    angle = rng.uniform(0, 2 * np.pi)
    light = 1.0 + 0.18 * (((xx - c) * np.cos(angle) + (yy - c) * np.sin(angle)) / radius)
    # raised rim: its outer slope faces the light on one side and turns away on the other
    rim = (r > 0.86) & (r <= 1.0)
    light = light + rim * 0.12 * np.cos(np.arctan2(yy - c, xx - c) - angle)
    # stamped relief: a numeral and a ring of beads, embossed (lit edge bright, far edge dark)
    relief = np.zeros((size, size), np.float32)
    digit = str(int(rng.choice([1, 2, 5, 10, 20, 50])))
    scale = radius / 28.0
    (tw, th), _ = cv2.getTextSize(digit, cv2.FONT_HERSHEY_DUPLEX, scale, max(1, int(round(2 * scale))))
    cv2.putText(relief, digit, (int(c - tw / 2), int(c + th / 2)), cv2.FONT_HERSHEY_DUPLEX, scale, 1.0,
                max(1, int(round(2 * scale))), cv2.LINE_AA)
    beads = int(rng.integers(12, 24))
    for k in range(beads):
        a = 2 * np.pi * k / beads
        cv2.circle(relief, (int(c + 0.74 * radius * np.cos(a)), int(c + 0.74 * radius * np.sin(a))),
                   max(1, int(radius * 0.04)), 1.0, -1, cv2.LINE_AA)
    relief = cv2.GaussianBlur(relief, (0, 0), max(0.6, radius / 60))
    gy, gx = np.gradient(relief)
    light = light + 1.2 * (gx * np.cos(angle) + gy * np.sin(angle))
    # fine wear: a little grain, so the face is not a clean gradient
    grain = cv2.GaussianBlur(rng.normal(0, 1, (size, size)).astype(np.float32), (0, 0), 1.0)
    rgb = rgb * light[..., None] + 6.0 * grain[..., None]
    # a soft highlight where the light falls, whitening the metal
    hx, hy = c + 0.35 * radius * np.cos(angle), c + 0.35 * radius * np.sin(angle)
    spot = np.exp(-((xx - hx) ** 2 + (yy - hy) ** 2) / (2 * (0.25 * radius) ** 2))
    rgb = rgb + spot[..., None] * rng.uniform(20, 60)
    return np.clip(rgb, 0, 255), alpha


def put_coin(image: np.ndarray, mask: np.ndarray, rng: np.random.Generator,
             overhang: bool = False) -> tuple[dict, np.ndarray] | None:
    """Draw a coin on the hand (in place, image and mask); its description and its own mask
    (255 = coin), or ``None`` if none fits."""
    site = coin_site(mask, rng, overhang)
    if site is None:
        return None
    cx, cy, radius = site
    metal = list(METALS)[int(rng.integers(len(METALS)))]
    rgb, alpha = coin_layer(radius, metal, rng)
    # a phone held not quite level: the disc foreshortened along a random axis
    squash, tilt = float(rng.uniform(0.88, 1.0)), float(rng.uniform(0, 180))
    size = alpha.shape[0]
    c = (size - 1) / 2.0
    rot = cv2.getRotationMatrix2D((c, c), tilt, 1.0)
    m = np.vstack([rot, [0, 0, 1]])
    m = np.linalg.inv(m) @ np.diag([1.0, squash, 1.0]) @ m
    m[:2, 2] += (cx - c, cy - c)
    h, w = mask.shape
    warp = lambda a: cv2.warpAffine(a, m[:2], (w, h), flags=cv2.INTER_LINEAR, borderValue=0)  # noqa: E731
    a = warp(alpha)
    # contact shadow: the disc, offset away from the light and blurred, darkens the skin
    shadow = np.zeros((h, w), np.float32)
    off = 0.08 * radius
    light_angle = np.deg2rad(rng.uniform(0, 360))
    cv2.ellipse(shadow, (int(cx - off * np.cos(light_angle)), int(cy - off * np.sin(light_angle))),
                (int(radius * 1.02), int(radius * squash * 1.02)), -tilt, 0, 360, 1.0, -1, cv2.LINE_AA)
    shadow = cv2.GaussianBlur(shadow, (0, 0), max(1.0, 0.08 * radius))
    out = image.astype(np.float32) * (1.0 - 0.35 * shadow[..., None])
    out = out * (1.0 - a[..., None]) + np.stack([warp(rgb[..., k]) for k in range(3)], -1) * a[..., None]
    image[:] = np.clip(out, 0, 255).astype(np.uint8)
    disc = (a > 0.5).astype(np.uint8) * 255
    mask[disc > 0] = 255
    return {"cx": round(cx, 1), "cy": round(cy, 1), "radius": round(radius, 1),
            "squash": round(squash, 3), "tilt": round(tilt, 1), "metal": metal}, disc


def main(argv: list[str] | None = None) -> int:
    p = held_out_set.parser(__doc__.splitlines()[0], "put coins on")
    p.add_argument("--seed", type=int, default=0, help="make_highres_set.py's seed (the same canvases)")
    p.add_argument("--coin-seed", type=int, default=1, help="seed of the coins' sites and looks")
    p.add_argument("--overhang", action="store_true",
                   help="put each coin on the palm's rim, hanging over its edge (a harder case)")
    args = p.parse_args(argv)
    pairs, out = held_out_set.chosen_pairs(args)
    rng = np.random.default_rng(args.seed)  # drawn exactly as make_highres_set.py --portrait draws
    coin_rng = np.random.default_rng(args.coin_seed)
    rows = []
    for pair in pairs:
        image, mask = load_pair(pair)
        image, mask = upright(image, mask, rng)
        canvas, full = place(image, mask, rng)
        drawn = put_coin(canvas, full, coin_rng, args.overhang)
        if drawn is None:
            print(f"{pair.stem}: no room for a coin, skipped", file=sys.stderr)
            continue
        coin, disc = drawn
        held_out_set.write_pair(out, pair.stem, canvas, full)
        save_png(out / "coins" / f"{pair.stem}.png", disc)
        rows.append({"name": pair.stem, **coin})
    held_out_set.write_table(out / "coins.csv", rows, ["name", "cx", "cy", "radius", "squash", "tilt", "metal"])
    print(f"wrote {len(rows)} coin scenes of 2160x4000 to {out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
