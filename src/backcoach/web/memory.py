"""Giving freed memory back to the system after a burst of camera frames.

Decoding and posing frames in worker threads spreads allocations over glibc's per-thread arenas;
freed blocks stay mapped, so a flood of frames left the server about 1 GB larger for good.
``malloc_trim(0)`` returns the free pages. On a C library without it this does nothing.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import functools
import gc
from collections.abc import Callable


@functools.cache
def _trim_function() -> Callable[[int], int] | None:
    name = ctypes.util.find_library("c")
    if name is None:
        return None
    try:
        trim = ctypes.CDLL(name).malloc_trim
    except (OSError, AttributeError):
        return None
    trim.argtypes = [ctypes.c_size_t]
    trim.restype = ctypes.c_int
    result: Callable[[int], int] = trim
    return result


_M_ARENA_MAX = -8  # glibc's mallopt parameter number


def limit_arenas(count: int = 2) -> None:
    """Cap glibc's malloc arenas (default: 8 per core), so frames posed in many threads
    (ours and MediaPipe's) reuse a few heaps instead of each keeping its own high-water mark."""
    name = ctypes.util.find_library("c")
    if name is None:
        return
    try:
        ctypes.CDLL(name).mallopt(_M_ARENA_MAX, count)
    except (OSError, AttributeError):
        return


def release_memory() -> None:
    """Collect garbage and hand free heap pages back to the operating system (blocking)."""
    gc.collect()
    trim = _trim_function()
    if trim is not None:
        trim(0)
