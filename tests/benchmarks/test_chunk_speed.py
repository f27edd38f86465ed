"""benchmarks/chunk_speed.py runs and writes its three figures (never timed here)."""
from __future__ import annotations

import json

from benchmarks import chunk_speed


def test_it_writes_the_three_timings(tmp_path):
    out = tmp_path / "chunks.json"
    assert chunk_speed.main(["--pixels", "70000", "--repeat", "1", "--out", str(out)]) == 0
    report = json.loads(out.read_text())
    assert report["pixels"] == 70000
    for key in ("whole_ms", "chunks_one_thread_ms", "chunks_pool_ms"):
        assert report[key] > 0
