"""The no-hand benchmark scores every photo on the pipeline's no-hand path."""
from __future__ import annotations

from pathlib import Path

from PIL import Image

from benchmarks.no_hand_found import compare
from pipeline.config import PipelineConfig
from pipeline.core import Pipeline
from tests.conftest import ColourSegmenter, FakeDetector, draw_hand


def test_every_photo_takes_the_no_hand_path_and_each_row_is_scored(tmp_path: Path):
    folder = tmp_path / "set"
    (folder / "images").mkdir(parents=True)
    (folder / "masks").mkdir()
    for i in range(3):
        img, mask = draw_hand(60, 80, seed=i)
        Image.fromarray(img).save(folder / "images" / f"p{i}.png")
        Image.fromarray(mask).save(folder / "masks" / f"p{i}.png")
    seen = []

    class Watching(Pipeline):
        def process(self, image):
            result = super().process(image)
            seen.append(result.fallback_used)
            return result

    # a detector that would find the hand: the benchmark must not let it
    hand_box = FakeDetector([(0.0, 0.0, 80.0, 60.0)])
    pipe = Watching(hand_box, ColourSegmenter(size=32))
    rows = [("defaults", PipelineConfig()), ("fallback_pieces=0", PipelineConfig(fallback_pieces=0))]
    table = compare(pipe, [folder], rows, per_set=2, seed=0)
    assert seen == [True] * 4  # two photos drawn, two rows each, all without a hand found
    scores = table["set"]
    assert set(scores) == {"defaults", "fallback_pieces=0"}
    for row in scores.values():
        assert row["images"] == 2 and 0.5 < row["mean_iou"] <= 1.0 and 0.0 <= row["mean_boundary_f1"] <= 1.0
    assert scores["defaults"]["iou_up_vs_first"] == scores["defaults"]["iou_down_vs_first"] == 0
