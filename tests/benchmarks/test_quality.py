"""The quality benchmark's bookkeeping with fake methods: scoring, example choice, report files."""
from __future__ import annotations

import numpy as np
import pytest

from benchmarks import quality
from benchmarks.baselines import skin_ycrcb_mask
from pipeline.imageio import save_png
from tests.conftest import draw_hand


@pytest.fixture
def pairs(tmp_path):
    """Three synthetic hands written as an images/ + masks/ data set."""
    out = []
    for i in range(3):
        img, mask = draw_hand(90, 120, seed=i)
        save_png(tmp_path / "images" / f"h{i}.png", img)
        save_png(tmp_path / "masks" / f"h{i}.png", mask)
        out.append((f"h{i}", tmp_path / "images" / f"h{i}.png", tmp_path / "masks" / f"h{i}.png"))
    return out


def _methods() -> list[quality.Method]:
    def empty(image, state):
        return np.zeros(image.shape[:2], np.uint8), 0.001

    def skin(image, state):
        state["boxes"] = []
        return skin_ycrcb_mask(image), 0.002

    def broken(image, state):
        raise RuntimeError("boom")

    return [quality.Method("skin", "skin", skin), quality.Method("empty", "empty", empty),
            quality.Method("broken", "broken", broken)]


def test_run_dataset_scores_every_method_on_every_image(pairs):
    methods = _methods()[:2]
    res = quality.run_dataset("synthetic", pairs, methods)
    assert res.names == ["h0", "h1", "h2"]
    summary = quality.summarise(res)
    assert list(summary) == ["skin", "empty"]
    assert summary["skin"]["mean_iou"] > 0.8 and summary["empty"]["mean_iou"] == 0.0
    assert summary["skin"]["images"] == 3
    assert summary["empty"]["seconds_per_image"] == pytest.approx(0.001)
    assert len(quality.most_different(res, 2)) == 2


def test_failing_method_is_scored_empty_and_counted(pairs):
    skin, _, broken = _methods()
    res = quality.run_dataset("synthetic", pairs[:2], [skin, broken])
    assert res.failures == {"skin": 0, "broken": 2}
    summary = quality.summarise(res)
    assert summary["broken"]["mean_iou"] == 0.0 and summary["broken"]["images"] == 2
    assert summary["skin"]["mean_iou"] > 0.8
    assert np.isnan(summary["broken"]["seconds_per_image"])


def test_pngs_are_small_and_report_lists_methods(pairs, tmp_path):
    methods = _methods()[:2]
    res = quality.run_dataset("synthetic", pairs, methods)
    summary = quality.summarise(res)
    chart = quality.bar_chart(summary, "t")
    grid, shown = quality.small_grid_png(res, methods, quality.most_different(res, 2))
    assert chart[:8] == b"\x89PNG\r\n\x1a\n" and grid[:8] == b"\x89PNG\r\n\x1a\n"
    assert len(grid) < quality.MAX_PNG_BYTES and len(shown) == 2
    out = tmp_path / "docs" / "bench"
    quality.write_report(out, [{"title": "synthetic", "description": "all images", "results": res,
                                "summary": summary, "chart": "c.png", "examples": "e.png",
                                "example_names": [res.names[i] for i in shown]}],
                         methods, ["seed U-Net skipped: no file"], ["--images", "x"], "`m.keras`")
    text = (tmp_path / "docs" / "bench.md").read_text()
    assert "| skin |" in text and "| empty |" in text and "seed U-Net skipped" in text
    assert "python benchmarks/quality.py --images x" in text


def test_main_rejects_unpaired_folders(tmp_path, capsys):
    assert quality.main(["--images", str(tmp_path), "--images", str(tmp_path), "--masks", str(tmp_path)]) == 2
    assert "one --masks per --images" in capsys.readouterr().err


def test_select_pairs_split_and_limit(pairs):
    images, masks = pairs[0][1].parent, pairs[0][2].parent
    everything, groups = quality.select_pairs(images, masks, "all", 0)
    assert [p[0] for p in everything] == ["h0", "h1", "h2"] and groups == []
    assert len(quality.select_pairs(images, masks, "all", 2)[0]) == 2
    held_out, groups = quality.select_pairs(images, masks, "test", 0)
    assert {p[0] for p in held_out} == set(groups)  # each synthetic stem is its own person
