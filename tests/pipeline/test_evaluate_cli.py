"""`python -m pipeline.evaluate --pred`: the report's contract, on hand-made masks with known scores."""
from __future__ import annotations

import csv
import json

import numpy as np
import pytest
from PIL import Image

from pipeline.evaluate import main

KEYS = {"mean_iou", "mean_dice", "mean_precision", "mean_recall", "mean_boundary_f1", "mean_specks",
        "seconds_per_image"}


@pytest.fixture
def folders(tmp_path):
    images, masks, pred = (tmp_path / n for n in ("images", "masks", "pred"))
    for d in (images, masks, pred):
        d.mkdir()
    truth = np.zeros((40, 60), np.uint8)
    truth[10:30, 10:50] = 255  # 800 px
    half = np.zeros_like(truth)
    half[10:30, 10:30] = 255  # 400 px inside: IoU 0.5
    for name, p in (("perfect", truth), ("half", half), ("empty", np.zeros_like(truth))):
        Image.fromarray(np.full((40, 60, 3), 120, np.uint8)).save(images / f"{name}.jpg")
        Image.fromarray(truth).save(masks / f"{name}.png")
        Image.fromarray(p).save(pred / f"{name}.png")
    return images, masks, pred, tmp_path / "report"


def test_report_files_and_known_scores(folders, capsys):
    images, masks, pred, out = folders
    assert main(["--images", str(images), "--masks", str(masks), "--pred", str(pred), "-o", str(out)]) == 0
    metrics = json.loads((out / "metrics.json").read_text())
    assert KEYS <= set(metrics)
    assert metrics["mean_iou"] == pytest.approx((1.0 + 0.5 + 0.0) / 3, abs=1e-6)
    assert metrics["mean_precision"] == pytest.approx((1.0 + 1.0 + 0.0) / 3, abs=1e-6)
    rows = {r["name"]: r for r in csv.DictReader((out / "per_image.csv").open())}
    assert set(rows) == {"perfect", "half", "empty"} and float(rows["half"]["iou"]) == pytest.approx(0.5)
    assert (out / "confusion.json").is_file() and (out / "report.md").is_file()
    assert sorted(p.name for p in (out / "worst").glob("*.jpg")) == ["empty.jpg", "half.jpg", "perfect.jpg"]
    assert "mean_iou" in capsys.readouterr().out


def test_rerun_leaves_no_stale_overlays(folders):
    images, masks, pred, out = folders
    (out / "worst").mkdir(parents=True)
    (out / "worst" / "from_an_old_run.jpg").write_bytes(b"x")
    assert main(["--images", str(images), "--masks", str(masks), "--pred", str(pred), "-o", str(out),
                 "--worst", "1"]) == 0
    assert [p.name for p in (out / "worst").glob("*.jpg")] == ["empty.jpg"]


def test_missing_prediction_is_reported_and_the_rest_scored(folders, capsys):
    images, masks, pred, out = folders
    (pred / "half.png").unlink()
    # exit code 1 (as pipeline.run: something failed), but the report covers what could be scored
    assert main(["--images", str(images), "--masks", str(masks), "--pred", str(pred), "-o", str(out)]) == 1
    metrics = json.loads((out / "metrics.json").read_text())
    assert metrics["images"] == 2 and metrics["failed"] == 1
    assert "1 could not be" in (out / "report.md").read_text()
    assert "error:" in capsys.readouterr().err


def test_a_mask_of_another_size_is_named_with_both_sizes(folders, tiny_model_path, capsys):
    images, masks, pred, out = folders
    Image.fromarray(np.zeros((20, 30), np.uint8)).save(masks / "half.png")
    assert main(["--images", str(images), "--masks", str(masks), "--model", str(tiny_model_path),
                 "-o", str(out)]) == 1
    assert "half.png: mask is 30x20, its image half.jpg is 60x40" in capsys.readouterr().err
    assert json.loads((out / "metrics.json").read_text())["images"] == 2
    assert main(["--images", str(images), "--masks", str(masks), "--pred", str(pred), "-o", str(out)]) == 1
    assert "half: prediction is 60x40, mask 30x20" in capsys.readouterr().err


def test_original_authors_layout_scores_jpeg_cutouts_on_black(tmp_path):
    """``--masks no_bg/``: a JPEG cut-out on black whose hand is darker than mid-grey is still all
    hand (read as a plain mask, its dark half would be lost)."""
    original, no_bg, pred = (tmp_path / n for n in ("original", "no_bg", "pred"))
    for d in (original, no_bg, pred):
        d.mkdir()
    truth = np.zeros((40, 60), np.uint8)
    truth[10:30, 10:50] = 255
    photo = np.full((40, 60, 3), 200, np.uint8)
    photo[10:30, 10:30] = (90, 60, 50)  # a shaded half of the hand, darker than 127
    photo[10:30, 30:50] = (210, 160, 140)
    cutout = np.where(truth[..., None] > 0, photo, 0).astype(np.uint8)
    Image.fromarray(photo).save(original / "hand.jpg")
    Image.fromarray(cutout).save(no_bg / "hand.jpeg", quality=90)
    Image.fromarray(truth).save(pred / "hand.png")
    out = tmp_path / "report"
    assert main(["--images", str(original), "--masks", str(no_bg), "--pred", str(pred), "-o", str(out)]) == 0
    assert json.loads((out / "metrics.json").read_text())["mean_iou"] > 0.97


def test_saved_masks_are_the_ones_scored_and_nothing_is_overwritten(folders, tiny_model_path, capsys):
    images, masks, _, out = folders
    saved = out.parent / "saved"
    assert main(["--images", str(images), "--masks", str(masks), "--model", str(tiny_model_path),
                 "-o", str(out), "--save-masks", str(saved)]) == 0
    assert sorted(p.name for p in saved.iterdir()) == ["empty.png", "half.png", "perfect.png"]
    first = json.loads((out / "metrics.json").read_text())
    assert np.asarray(Image.open(saved / "half.png")).shape == (40, 60)
    assert main(["--images", str(images), "--masks", str(masks), "--pred", str(saved), "-o", str(out)]) == 0
    again = json.loads((out / "metrics.json").read_text())
    assert again["mean_iou"] == pytest.approx(first["mean_iou"])
    # a second run into the same folder is refused, and the masks there are kept
    before = (saved / "half.png").read_bytes()
    capsys.readouterr()
    assert main(["--images", str(images), "--masks", str(masks), "--model", str(tiny_model_path),
                 "-o", str(out), "--save-masks", str(saved)]) == 2
    assert "not an empty folder" in capsys.readouterr().err
    assert (saved / "half.png").read_bytes() == before
    assert main(["--images", str(images), "--masks", str(masks), "--model", str(tiny_model_path),
                 "-o", str(out), "--save-masks", str(saved / "half.png")]) == 2  # a file, not a folder
    assert (saved / "half.png").read_bytes() == before
