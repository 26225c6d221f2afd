"""Stages that allocate millions of small objects and free few of them pause the cyclic
garbage collector: it would otherwise scan them all again and again (a quarter of the concepts
stage's time at 100,000 entries, a sixth of reading's)."""

from __future__ import annotations

import gc
from contextlib import contextmanager
from typing import Iterator


@contextmanager
def without_gc_pauses() -> Iterator[None]:
    """No cyclic collection inside; whatever the caller had (on or off) afterwards.

    What was made inside joins the oldest generation before the collector is on again:
    left young, the first pass after the pause scanned all of it, and the next pass again
    as it moved up a generation (at 100,000 terms, 1 s of passes between stages that freed
    a few hundred objects). It is looked at with the next full pass, as other old objects
    are. freeze() and unfreeze() move the generations' lists whole, in constant time."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            if not gc.get_freeze_count():  # a caller's frozen objects (before a fork) stay so
                gc.freeze()
                gc.unfreeze()
            gc.enable()
