"""YOLO training: the missing-extra message, and a tiny end-to-end run in a subprocess.

The tiny run goes through a subprocess so torch is never imported in the pytest process after
tensorflow/mediapipe (that import order segfaults).
"""
from __future__ import annotations

import importlib.util
import json
import os
import subprocess
import sys

import cv2
import pytest

from tests.conftest import REPO, draw_hand


def test_missing_ultralytics_names_the_extra(monkeypatch):
    from detection import train_yolo

    monkeypatch.setitem(sys.modules, "ultralytics", None)  # makes `import ultralytics` fail
    with pytest.raises(SystemExit, match=r"\[yolo\]"):
        train_yolo._import_yolo()


@pytest.mark.slow
@pytest.mark.skipif(importlib.util.find_spec("ultralytics") is None, reason="needs the yolo extra (ultralytics)")
def test_tiny_training_run_exports_a_working_onnx(tmp_path):
    boxes = tmp_path / "boxes"
    masks = tmp_path / "masks"
    for split, n in (("train", 4), ("val", 2)):
        (boxes / "images" / split).mkdir(parents=True)
        (boxes / "labels" / split).mkdir(parents=True)
        for k in range(n):
            img, mask = draw_hand(64, 64, seed=k + (10 if split == "val" else 0))
            ys, xs = (mask > 0).nonzero()
            cx, cy = (xs.min() + xs.max() + 1) / 128, (ys.min() + ys.max() + 1) / 128
            w, h = (xs.max() + 1 - xs.min()) / 64, (ys.max() + 1 - ys.min()) / 64
            cv2.imwrite(str(boxes / "images" / split / f"h{k}.jpg"), cv2.cvtColor(img, cv2.COLOR_RGB2BGR))
            (boxes / "labels" / split / f"h{k}.txt").write_text(f"0 {cx:.4f} {cy:.4f} {w:.4f} {h:.4f}\n")
    (masks / "images").mkdir(parents=True)
    (masks / "masks").mkdir()
    for i in range(8):
        img, mask = draw_hand(60, 80, seed=100 + i)
        cv2.imwrite(str(masks / "images" / f"A_P_hgr1_id{i:02d}_1.jpg"), cv2.cvtColor(img, cv2.COLOR_RGB2BGR))
        cv2.imwrite(str(masks / "masks" / f"A_P_hgr1_id{i:02d}_1.png"), mask)
    out = tmp_path / "tiny.onnx"
    work = tmp_path / "work"
    cmd = [sys.executable, "-m", "detection.train_yolo", "--boxes", str(boxes), "--masks", str(masks),
           "--work-dir", str(work), "--out", str(out), "--imgsz", "64", "--epochs", "1", "--batch", "4"]
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    proc = subprocess.run(cmd, cwd=REPO, env=env, capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    assert out.is_file() and out.stat().st_size > 100_000
    report = json.loads((work / "train_report.json").read_text())
    assert report["config"]["imgsz"] == 64 and "map50" in report["val"]

    from detection.yolo_detector import YoloHandDetector

    det = YoloHandDetector(out, min_confidence=0.0)
    assert det.imgsz == 64
    img, _ = draw_hand(64, 64, seed=1)
    assert isinstance(det.detect(img), list)
