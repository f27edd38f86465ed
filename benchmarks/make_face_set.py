"""Build a labelled "hand beside a face" set: held-out hands raised next to a real face.

``python benchmarks/make_face_set.py --data ../shared/data/hands11k --split test --out runs/face_test``

Why: the pipeline keeps faces out of the masks (``detection.faces``), but none of the data sets
here shows a face beside a hand with a mask, so that guard was never measured. This set puts
each held-out hand of a split into a portrait photo the way a person raises a hand beside their
face: the forearm comes up from the photo's bottom edge, the fingertips reach between the
forehead and the chin, and the hand stands beside the face or partly over it (touching a
cheek). The face, the neck and everything else are background; the label is exact by
construction (what is pasted is what the slightly eroded hand mask says, as in
``make_scene_set.py``).

The portraits are the two public-domain ones that installed packages ship: Grace Hopper
(U.S. Navy photo, ``matplotlib``'s sample data) and Eileen Collins (NASA photo, ``astronaut``
in ``scikit-image``'s data, used when scikit-image is installed: ``pip install scikit-image``).
Two faces, each also mirrored, is a small basis: the set measures whether the guard does its
job on a plain frontal face, not how it fares across people. The hands are 11k Hands' (a hand
hanging from the top edge, turned upside down here so its forearm leaves at the bottom).

``python -m pipeline.evaluate --images OUT/images --masks OUT/masks`` scores it (with and
without ``--no-face-guard``, or ``benchmarks/val_sweep.py --highres OUT`` for settings);
``OUT/faces.csv`` lists each scene's portrait and face box, to tell errors on the face from
errors elsewhere.
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

import cv2
import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.held_out_set import output_folder, write_pair, write_table  # noqa: E402
from segmentation.data import add_split_arguments, load_pair, split_from_arguments  # noqa: E402

#: the portrait is cropped to this many face heights tall (where the photo allows) and resized
#: to HEIGHT pixels, so the face is about a third of the frame, as in a selfie
FACE_HEIGHTS = 3.0
HEIGHT = 800
#: the share of the hand's pixels that must lie inside the frame
MIN_INSIDE = 0.85


def portraits() -> list[tuple[str, np.ndarray]]:
    """``(name, RGB image)`` of the public-domain portraits that installed packages ship."""
    import matplotlib
    from PIL import Image

    found = []
    hopper = Path(matplotlib.get_data_path()) / "sample_data" / "grace_hopper.jpg"
    if hopper.exists():
        found.append(("hopper", np.array(Image.open(hopper).convert("RGB"))))
    try:
        from skimage import data
        found.append(("collins", np.ascontiguousarray(data.astronaut()[..., :3])))
    except ImportError:
        print("note: scikit-image is not installed; using one portrait only", file=sys.stderr)
    return found


def frame_face(photo: np.ndarray, face: tuple[float, float, float, float]) -> tuple[np.ndarray, tuple[float, ...]]:
    """The photo cropped round the face (at most square, the face a third of the height, in the
    upper half) and resized to :data:`HEIGHT`; returns it and the face box in its pixels."""
    h, w = photo.shape[:2]
    fx0, fy0, fx1, fy1 = face
    fh = fy1 - fy0
    ch = min(h, FACE_HEIGHTS * fh)
    cw = min(w, ch)
    cx = (fx0 + fx1) / 2
    x0 = int(round(min(max(0.0, cx - cw / 2), w - cw)))
    y0 = int(round(min(max(0.0, fy0 - 0.5 * fh), h - ch)))
    crop = photo[y0:y0 + int(ch), x0:x0 + int(cw)]
    s = HEIGHT / crop.shape[0]
    out = cv2.resize(crop, (int(round(crop.shape[1] * s)), HEIGHT), interpolation=cv2.INTER_CUBIC)
    return out, ((fx0 - x0) * s, (fy0 - y0) * s, (fx1 - x0) * s, (fy1 - y0) * s)


def raise_hand(portrait: np.ndarray, face: tuple[float, ...], image: np.ndarray, mask: np.ndarray,
               rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray] | None:
    """The hand of ``(image, mask)`` (hanging from the top edge) raised beside ``face`` in
    ``portrait``: turned upside down, scaled so its fingertips reach between a tenth and nine
    tenths down the face with the forearm flush with the bottom edge, and placed beside the face
    or partly over it. None when the hand cannot be placed inside the frame."""
    H, W = portrait.shape[:2]
    hand_img, hand = image[::-1, ::-1], mask[::-1, ::-1] > 127
    rows, cols = np.nonzero(hand)
    if rows.size < 100:
        return None
    fx0, fy0, fx1, fy1 = face
    tip = fy0 + rng.uniform(0.1, 0.9) * (fy1 - fy0)
    k = (H - tip) / (hand.shape[0] - rows.min())  # the mask's last row lands on the bottom edge
    hh, hw = int(round(hand.shape[0] * k)), int(round(hand.shape[1] * k))
    small = cv2.resize(hand_img, (hw, hh), interpolation=cv2.INTER_AREA).astype(np.float32)
    alpha = cv2.resize(hand.astype(np.float32), (hw, hh), interpolation=cv2.INTER_AREA)
    alpha = cv2.erode(alpha, np.ones((3, 3), np.uint8))  # the old table's fringe stays behind
    alpha = cv2.GaussianBlur(alpha, (0, 0), 0.7)
    ys, xs = np.nonzero(alpha > 0.5)
    if ys.size < 50:
        return None
    hx0, hx1 = xs.min(), xs.max()
    centre = (hx0 + hx1) / 2
    # beside the face, from overlapping it by most of the hand's width to a little gap; a hand
    # may leave the frame at the side by a little, as in a selfie, but keeps most of itself in it
    # (a wide hand that does not fit beside the face is moved over it, rather than left out)
    apart = rng.uniform(0.2, 1.15)
    sides = [1, -1] if rng.random() < 0.5 else [-1, 1]
    for v, side in ((v, side) for v in (apart, 0.5 * apart, 0.0, -0.5) for side in sides):
        reach = (fx1 - fx0) / 2 + (hx1 - hx0) / 2 * v
        left = int(round((fx0 + fx1) / 2 + side * reach - centre))
        if np.mean((xs + left >= 0) & (xs + left < W)) >= MIN_INSIDE:
            break
    else:
        return None
    top = H - hh
    out = portrait.astype(np.float32)
    label = np.zeros((H, W), np.uint8)
    # the part of the turned photo that falls inside the frame
    sx0, sy0 = max(0, -left), max(0, -top)
    dx0, dy0 = max(0, left), max(0, top)
    dx1, dy1 = min(W, left + hw), min(H, top + hh)
    a = alpha[sy0:sy0 + dy1 - dy0, sx0:sx0 + dx1 - dx0, None]
    fg = small[sy0:sy0 + dy1 - dy0, sx0:sx0 + dx1 - dx0]
    core = a[..., 0] > 0.5
    gain = (out.mean() + 1) / (fg[core].mean() + 1)  # part of the scene's exposure, as a camera's
    fg = fg * gain ** rng.uniform(0.2, 0.6)
    region = out[dy0:dy1, dx0:dx1]
    out[dy0:dy1, dx0:dx1] = fg * a + region * (1 - a)
    label[dy0:dy1, dx0:dx1] = np.where(core, 255, 0)
    return np.clip(out, 0, 255).astype(np.uint8), label


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--data", action="append", required=True,
                   help="folder of hands hanging from the top edge (11k Hands); repeatable")
    add_split_arguments(p, "which split of each --data folder to use (default: test)", default_split="test")
    p.add_argument("--out", required=True)
    p.add_argument("--seed", type=int, default=0)
    args = p.parse_args(argv)
    from detection.faces import MediaPipeFaceDetector

    detector = MediaPipeFaceDetector()
    framed = []
    for name, photo in portraits():
        for mirrored in (False, True):
            img = np.ascontiguousarray(photo[:, ::-1]) if mirrored else photo
            faces = detector.detect(img)
            if not faces:
                print(f"note: no face found in {name}; left out", file=sys.stderr)
                continue
            face = max(faces, key=lambda b: (b[2] - b[0]) * (b[3] - b[1]))
            framed.append((name + ("_mirrored" if mirrored else ""), *frame_face(img, face)))
    if not framed:
        print("error: no portrait with a face found", file=sys.stderr)
        return 2
    out = output_folder(args.out)
    rows = []
    for data in args.data:
        for i, pair in enumerate(split_from_arguments(data, args)):
            portrait_name, portrait, face = framed[i % len(framed)]
            rng = np.random.default_rng([args.seed, i])
            image, mask = load_pair(pair)
            made = raise_hand(portrait, face, image, mask, rng)
            if made is None:
                print(f"note: {pair.stem} could not be placed beside the face; left out", file=sys.stderr)
                continue
            img, msk = made
            name = f"{Path(data).name}_{pair.stem}"
            write_pair(out, name, img, msk)
            rows.append({"name": name, "portrait": portrait_name,
                         "face": " ".join(f"{v:.0f}" for v in face)})
    write_table(out / "faces.csv", rows, ["name", "portrait", "face"])
    print(f"wrote {len(rows)} scenes to {out} ({len(framed)} portraits)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
