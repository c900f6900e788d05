"""Gives memory that glibc's malloc keeps after it is freed back to the system, in a long-running server."""

from __future__ import annotations

import ctypes
import functools
from collections.abc import Callable


@functools.cache
def _malloc_trim() -> Callable[[int], int] | None:
    try:
        trim: Callable[[int], int] = ctypes.CDLL(None).malloc_trim
        return trim
    except (OSError, AttributeError):  # not glibc (musl, macOS): nothing to call
        return None


def release_free_memory() -> bool:
    """Return the free pages of every malloc arena to the system; False where malloc_trim does not exist."""
    # The servers' worker threads (the encoder, SQLite, numpy) free most of what they allocate, but glibc
    # keeps freed pages in its arenas. It gives back a few MB in a soak, not the growth (docs/load-bench.md).
    trim = _malloc_trim()
    if trim is None:
        return False
    trim(0)
    return True
