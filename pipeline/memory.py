"""Freed memory kept for the next plane instead of handed back to the kernel.

Refining one photo allocates and frees dozens of planes the size of the hand's rectangle: tens
of megabytes each when a hand fills a 2160x4000 photo. glibc serves an allocation that large
with a fresh ``mmap`` and unmaps it again on ``free``, so every new plane is faulted in page by
page, and on this project's virtual machine a page fault is dear: filling one fresh 35 MB plane
took about 100 ms, against 3 ms for memory already mapped. Raising glibc's mmap and trim
thresholds serves such planes from the heap and keeps what is freed there for the next one.
The price: a process stays at about its largest photo's working set after that photo is done
(the Streamlit app, running for hours, keeps what its biggest upload needed, up to
:data:`KEEP_BYTES` of free heap); the peak itself does not grow.
The figures, with and without (``HANDCUT_KEEP_FREED_MEMORY=0`` leaves the allocator alone):
docs/speed_history.md, "Session 54".
"""
from __future__ import annotations

import ctypes
import ctypes.util
import os
from functools import cache

#: glibc's ``mallopt`` parameters (malloc.h)
M_TRIM_THRESHOLD = -1
M_MMAP_THRESHOLD = -3
#: allocations below this are served from the heap, and up to this much free memory at the
#: heap's top is kept there: above a whole photo's working set
KEEP_BYTES = 1 << 30


@cache
def keep_freed_memory() -> bool:
    """Set glibc's thresholds once per process; False where there is no glibc (macOS, musl,
    Windows) or the environment says ``HANDCUT_KEEP_FREED_MEMORY=0``: there the allocator is
    left as it is."""
    if os.environ.get("HANDCUT_KEEP_FREED_MEMORY", "1").strip() == "0":
        return False
    name = ctypes.util.find_library("c")
    try:
        libc = ctypes.CDLL(name)
        mallopt = libc.mallopt
    except (OSError, AttributeError, TypeError):
        return False
    mallopt.argtypes = [ctypes.c_int, ctypes.c_int]
    mallopt.restype = ctypes.c_int
    return bool(mallopt(M_MMAP_THRESHOLD, KEEP_BYTES)) and bool(mallopt(M_TRIM_THRESHOLD, KEEP_BYTES))
