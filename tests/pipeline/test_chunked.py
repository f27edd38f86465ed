"""Per-pixel tests in chunks (pipeline/chunked.py) give the whole list's results to the bit."""
from __future__ import annotations

import numpy as np
import pytest

from pipeline import chunked
from pipeline.finger_gaps import _judge, shadows
from pipeline.refine import _edge_test


@pytest.mark.parametrize("n", [10, chunked.CHUNK, chunked.CHUNK + 1, 3 * chunked.CHUNK + 17])
def test_the_colour_edges_test_in_chunks_is_the_whole_lists(n):
    rng = np.random.default_rng(n)
    sums = [np.hstack([rng.random((n, 3), np.float32) * 255 * w, w]) for w in
            (rng.random((n, 1), np.float32) + 0.1, rng.random((n, 1), np.float32) + 0.1)]
    pix = rng.integers(0, 256, (n, 3), dtype=np.uint8)
    whole = _edge_test(sums[0], sums[1], pix, 20.0)
    parts = chunked.per_pixel(_edge_test, (sums[0], sums[1], pix), 20.0)
    assert len(parts) == len(whole) == 5
    for a, b in zip(whole, parts):
        assert a.dtype == b.dtype and np.array_equal(a, b)


def test_the_finger_gaps_tests_in_chunks_are_the_whole_lists():
    rng = np.random.default_rng(0)
    pix = rng.integers(0, 256, (2 * chunked.CHUNK + 5, 3)).astype(np.float32)
    hand = np.array([200, 150, 130], np.float32)
    grounds = np.array([[240, 240, 235], [60, 60, 70], [30, 120, 40]], np.float32)
    for a, b in zip(_judge(pix, hand, grounds, 20.0), chunked.per_pixel(_judge, (pix,), hand, grounds, 20.0)):
        assert np.array_equal(a, b)
    one = chunked.per_pixel(shadows, (pix,), hand[None], grounds[:1])
    assert isinstance(one, np.ndarray) and np.array_equal(one, shadows(pix, hand[None], grounds[:1]))
    assert one.any() and not one.all()  # the test has something to compare


def test_a_short_list_is_tested_in_one_call(monkeypatch):
    calls = []

    def count(x):
        calls.append(len(x))
        return x * 2

    monkeypatch.setattr(chunked, "CHUNK", 4)
    assert np.array_equal(chunked.per_pixel(count, (np.arange(4),)), np.arange(4) * 2)
    assert calls == [4]
    assert np.array_equal(chunked.per_pixel(count, (np.arange(10),)), np.arange(10) * 2)
    assert sorted(calls[1:]) == [2, 4, 4]
