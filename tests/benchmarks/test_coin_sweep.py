"""benchmarks/coin_sweep.py: one row per setting, each coin's share kept."""
import json

import cv2
import numpy as np
import pytest

from benchmarks.coin_sweep import main


def test_it_scores_the_defaults_and_each_setting_on_every_coin(tmp_path):
    assert main(["--coins", str(tmp_path)]) == 2  # no coin set there
    (tmp_path / "images").mkdir()
    (tmp_path / "coins").mkdir()
    photo = np.full((120, 160, 3), 180, np.uint8)
    cv2.imwrite(str(tmp_path / "images" / "a.jpg"), photo)
    coin = np.zeros((120, 160), np.uint8)
    cv2.circle(coin, (80, 60), 10, 255, -1)
    cv2.imwrite(str(tmp_path / "coins" / "a.png"), coin)
    cv2.imwrite(str(tmp_path / "images" / "no_coin.jpg"), photo)  # no coins/no_coin.png: left out
    out = tmp_path / "r.json"
    assert main(["--coins", str(tmp_path), "--set", "grabcut_rounds=4", "-o", str(out)]) == 0
    report = json.loads(out.read_text())
    assert list(report["settings"]) == ["defaults", "grabcut_rounds=4"]
    for row in report["settings"].values():
        assert row["coins"] == 1 and list(row["per_coin"]) == ["a"]
        assert 0.0 <= row["per_coin"]["a"] <= 1.0 and row["mean_kept"] == row["per_coin"]["a"]
    with pytest.raises(SystemExit):
        main(["--coins", str(tmp_path), "--set", "no_such_field=1"])
