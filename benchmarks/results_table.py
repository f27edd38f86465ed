"""Build the README's results table from the evaluation outputs (never typed by hand).

``python benchmarks/results_table.py [--write README.md]``

Reads ``docs/eval/*/metrics.json`` (from ``pipeline.evaluate``), ``docs/speed.json`` (from
``benchmarks/speed.py``), ``docs/segmenter_speed.json``, ``docs/lodo/summary.md`` and
``docs/lodo_quarter/summary.md`` (from ``benchmarks/lodo.sh``) and ``models/hand_unet.train.json``
(from ``segmentation.train``), prints a Markdown table and, with ``--write``, replaces the block
between the ``results:start`` and ``results:end`` markers of the README.
"""
from __future__ import annotations

import argparse
import json
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SETS = {
    "hgr_test": "new people: HGR held-out persons (id06, id07), native size (person-wise model)",
    "hgr_test_2160x4000": "new people: same images on 2160x4000 portrait canvases (person-wise model)",
    "hands11k_test": "new people: 11k Hands held-out subjects, silver masks (person-wise model)",
    "hands11k_test_2160x4000": "new people: same 11k Hands photos turned upright on 2160x4000 canvases (person-wise model)",
    "scene_test": "new scenes: both test splits' hands on unseen backgrounds, whole pipeline (person-wise model)",
    "face_test": "hands beside faces: 11k Hands held-out hands raised beside two portraits, whole pipeline (person-wise model)",
    "coin_test": "a coin on the hand: the 11k Hands held-out hands on the same 2160x4000 canvases as above, a drawn coin lying on each (person-wise model)",
    "coin_test_overhang": "the same canvases, the coin hanging over the hand's edge (person-wise model)",
    "shadow_hands11k_test": "a cast shadow: the 11k Hands held-out hands with their own shadow cast beside them on the table (person-wise model)",
    "pair_test": "several hands: two held-out hands of one test split side by side in one photo, whole pipeline (person-wise model)",
    "hgr_refit_val": "unseen photos: HGR photos the refit held back, native size (shipped model)",
    "hgr_refit_val_2160x4000": "unseen photos: same images on 2160x4000 canvases (shipped model)",
    "hands11k_refit_val": "unseen photos: 11k Hands photos the refit held back, silver masks (shipped model)",
    "hands11k_refit_val_2160x4000": "unseen photos: same 11k Hands photos turned upright on 2160x4000 canvases (shipped model)",
}


def table() -> str:
    lines = [
        "| evaluation set | images | IoU | Dice | boundary F1 | precision | recall | specks/img | s/img |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for key, label in SETS.items():
        f = ROOT / "docs" / "eval" / key / "metrics.json"
        if not f.exists():
            continue
        m = json.loads(f.read_text())
        lines.append(
            f"| {label} | {m['images']} | {m['mean_iou']:.3f} | {m['mean_dice']:.3f} | {m['mean_boundary_f1']:.3f} "
            f"| {m['mean_precision']:.3f} | {m['mean_recall']:.3f} | {m['mean_specks']:.2f} | {m['seconds_per_image']:.2f} |"
        )
    out = ["\n".join(lines), "", "Command: `bash benchmarks/eval_all.sh` (reports in `docs/eval/`)."]
    tones = ROOT / "docs" / "eval" / "hands11k_test" / "by_skin_colour.json"
    if tones.exists():
        t = json.loads(tones.read_text())
        out += ["", "11k Hands test by skin colour (IoU): " + ", ".join(
            f"{k} {v['iou']:.3f} (n={v['n']})" for k, v in t.items())]
    for key, title in (("scene_test", "New scenes by background family (IoU / BF1; `benchmarks/make_scene_set.py`)"),
                       ("pair_test", "Two hands in one photo by background (IoU / BF1; `benchmarks/make_pair_set.py`)")):
        families = ROOT / "docs" / "eval" / key / "by_family.json"
        if families.exists():
            t = json.loads(families.read_text())
            out += ["", f"{title}: " + ", ".join(
                f"{k} {v['iou']:.4f} / {v['boundary_f1']:.4f} (n={v['n']})" for k, v in t.items())]
    coins = [(label, ROOT / "docs" / "eval" / key / "coins.json") for label, key in
             (("lying on the hand", "coin_test"), ("over its edge", "coin_test_overhang"))]
    if any(f.exists() for _, f in coins):
        out += ["", "Coins kept (share of each coin's pixels in the mask, `benchmarks/coin_score.py`): " + "; ".join(
            f"{label}: mean {c['mean_kept']:.3f}, worst {c['min_kept']:.3f}, {c['under_0.99']} of {c['coins']} "
            "coins under 0.99" for label, f in coins if f.exists() for c in [json.loads(f.read_text())])]
    for train in (ROOT / "models" / "hand_unet.train.json", ROOT / "models" / "hand_unet_personwise.train.json"):
        comp = json.loads(train.read_text()).get("composite_test", {}) if train.exists() else {}
        if comp:
            out += ["", "Crop-level composite test (held-out hands on unseen backgrounds, from "
                    f"`models/{train.name}`): " + ", ".join(
                        f"{k} IoU {v['iou']:.3f} / BF1 {v['boundary_f1']:.3f}" for k, v in comp.items())]
            break
    speed = ROOT / "docs" / "speed.json"
    if speed.exists():
        out += ["", speed_text(json.loads(speed.read_text()))]
    seg = ROOT / "docs" / "segmenter_speed.json"
    if seg.exists():
        r = json.loads(seg.read_text())
        out += ["", "U-Net alone, ms per 256x256 crop (batch of 1 / 4): " + ", ".join(
            f"{name} {v['ms_per_crop']['1']} / {v['ms_per_crop']['4']} (load {v['load_s']} s, peak RSS {v['peak_rss_mb']} MB)"
            for name, v in r.items() if isinstance(v, dict)) + ". Command: `python benchmarks/segmenter_speed.py`."]
    for run in ("lodo", "lodo_quarter"):  # the plain recipe's runs, then with quarter turns
        lodo = ROOT / "docs" / run / "summary.md"
        if lodo.exists():
            out += ["", lodo.read_text().strip()]
    return "\n".join(out)


def speed_text(s: dict) -> str:
    """The speed table and sentences from ``docs/speed.json``; parts the run skipped are left out."""
    lines = []
    if "2160x4000" in s:
        a = s["2160x4000"]
        lines += ["| 2160x4000 JPEG, ms | decode | detect | segment | refine | encode | total | I/O floor | ratio |",
                  "|---|---|---|---|---|---|---|---|---|",
                  (f"| median of {s.get('repeats', 5)} | {a['decode']} | {a['detect']} | {a['segment']} "
                   f"| {a['refine']} | {a['encode']} | **{a['total']}** | {a['io_floor']} | {a['ratio_to_io_floor']} |"),
                  ""]
    words = []
    if "ms_by_megapixels" in s:
        words.append("Total ms by megapixels: " + ", ".join(f"{k} MP: {v}" for k, v in s["ms_by_megapixels"].items()) + ".")
    if "by_hands" in s:
        words.append("`Pipeline.process` ms by hands in one 2160x4000 photo: " + ", ".join(
            f"{k}: {v['total']} ({v['detected']} found)" for k, v in s["by_hands"].items()) + ".")
    if "folder" in s:
        words.append(f"Folder of {s['folder']['images']} photos: peak RSS {s['folder']['peak_rss_mb']:.0f} MB.")
    if "throughput" in s:
        t = s["throughput"]
        one, two = t["1_worker"], t["2_workers"]
        startup = [x for x in one["startup_s"] if x is not None]
        words.append(f"Throughput over {t['images']} photos: {one['images_per_s']:.2f} img/s with 1 worker, "
                     f"{two['images_per_s']:.2f} img/s with 2 (start-up included"
                     + (f"; {startup[0]:.1f} s of it per process" if startup else "") + ").")
    words.append("Command: `python benchmarks/speed.py`" + (" (plot: `docs/speed.png`)." if "by_hands" in s else "."))
    return "\n".join(lines + [" ".join(words)])


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--write", help="README to update in place")
    args = p.parse_args(argv)
    text = table()
    print(text)
    if args.write:
        readme = Path(args.write)
        body = readme.read_text()
        new = re.sub(r"(<!-- results:start -->\n).*?(\n<!-- results:end -->)", lambda m: m.group(1) + text + m.group(2),
                     body, flags=re.S)
        if new == body and "<!-- results:start -->" not in body:
            raise SystemExit("README has no <!-- results:start --> / <!-- results:end --> markers")
        readme.write_text(new)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
