"""Freed memory kept for reuse (pipeline/memory.py)."""
from __future__ import annotations

import ctypes
import platform

import pytest

from pipeline import memory


def _clear():
    memory.keep_freed_memory.cache_clear()


def test_glibc_takes_the_thresholds_and_a_second_call_is_free(monkeypatch):
    if platform.libc_ver()[0] != "glibc":
        pytest.skip("glibc only")
    _clear()
    assert memory.keep_freed_memory() is True
    calls = []
    monkeypatch.setattr(ctypes, "CDLL", lambda *a, **k: calls.append(a))
    assert memory.keep_freed_memory() is True  # cached: the C library is not opened again
    assert calls == []


def test_without_a_c_library_the_allocator_is_left_alone(monkeypatch):
    def missing(*args, **kwargs):
        raise OSError("no libc here")

    _clear()
    monkeypatch.setattr(ctypes, "CDLL", missing)
    try:
        assert memory.keep_freed_memory() is False
    finally:
        _clear()


def test_a_pipeline_is_built_with_it(monkeypatch):
    from pipeline.core import Pipeline

    seen = []
    monkeypatch.setattr("pipeline.core.keep_freed_memory", lambda: seen.append(True) or True)
    Pipeline(detector=None, segmenter=None)
    assert seen == [True]


def test_the_environment_can_leave_the_allocator_alone(monkeypatch):
    opened = []
    monkeypatch.setenv("HANDCUT_KEEP_FREED_MEMORY", "0")
    monkeypatch.setattr(ctypes, "CDLL", lambda *a, **k: opened.append(a))
    _clear()
    try:
        assert memory.keep_freed_memory() is False
        assert opened == []
    finally:
        _clear()
