"""Per-pixel colour tests run over a long list of pixels in chunks, on a few threads.

The edge steps judge every pixel of a band along the hand's outline by its colour: hundreds of
thousands of pixels when a hand fills a 2160x4000 photo, each test a dozen numpy operations
over ``N x 3`` float arrays. Run on the whole list at once, every operation streams arrays of
several megabytes through memory; on chunks of :data:`CHUNK` pixels the arrays stay in the
CPU's cache, and numpy lets go of the interpreter lock inside each operation, so chunks run side
by side on the machine's cores. The tests are per pixel, so the results are the same to the bit
(a test checks it). The colour edge's test of the 512,000 pixels of its band on an open palm
filling a 2160x4000 photo took 41-42 ms whole, 27-28 ms in chunks on one thread and 19 ms in
chunks on two (``python benchmarks/chunk_speed.py``, docs/chunk_speed.json).
"""
from __future__ import annotations

import os
from concurrent.futures import ThreadPoolExecutor
from functools import cache
from typing import Callable

import numpy as np

#: pixels per chunk: a chunk's few dozen float arrays fit in a core's cache
CHUNK = 32768
#: threads the chunks are spread over
WORKERS = max(1, min(4, os.cpu_count() or 1))


@cache
def _pool() -> ThreadPoolExecutor:
    return ThreadPoolExecutor(max_workers=WORKERS, thread_name_prefix="per-pixel")


def per_pixel(test: Callable, pixels: tuple[np.ndarray, ...], *shared):
    """``test(*pixels, *shared)`` computed chunk by chunk: each array of ``pixels`` (the same
    length along its first axis) is cut into chunks, ``shared`` is passed whole to every call.
    ``test`` returns one array or a tuple of arrays, each with one row per pixel; they are
    joined back in order."""
    n = len(pixels[0])
    if n <= CHUNK:
        return test(*pixels, *shared)
    bounds = list(range(0, n, CHUNK)) + [n]
    jobs = [_pool().submit(test, *(p[a:b] for p in pixels), *shared) for a, b in zip(bounds[:-1], bounds[1:])]
    parts = [job.result() for job in jobs]
    if isinstance(parts[0], tuple):
        return tuple(np.concatenate(column) for column in zip(*parts))
    return np.concatenate(parts)
