"""Stages that allocate millions of small objects and free few of them pause the cyclic
garbage collector: it would otherwise scan them all again and again (a quarter of the concepts
stage's time at 100,000 entries, a sixth of reading's)."""

from __future__ import annotations

import gc
from contextlib import contextmanager
from typing import Iterator


@contextmanager
def without_gc_pauses() -> Iterator[None]:
    """No cyclic collection inside; whatever the caller had (on or off) afterwards."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()
