"""Stages that allocate millions of small objects and free few of them pause the cyclic
garbage collector: it would otherwise scan them all again and again (a quarter of the concepts
stage's time at 100,000 entries, a sixth of reading's)."""

from __future__ import annotations

import gc
import sys
import sysconfig
from contextlib import contextmanager
from typing import Iterator


@contextmanager
def without_gc_pauses() -> Iterator[None]:
    """No cyclic collection inside; whatever the caller had (on or off) afterwards.

    The young objects (what was made inside, and whatever the caller had made since the
    last pass) join the oldest generation before the collector is on again: left young, the
    first pass after the pause scanned all of them, and the next pass again as they moved up
    a generation (at 100,000 terms, 1 s of passes between stages that freed a few hundred
    objects). They are looked at with the next full pass, as other old objects are. On
    CPython 3.11-3.13 with the GIL, freeze() and unfreeze() move the generations' lists
    whole, in constant time; elsewhere they walk the heap, and this is not done."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            # a caller's frozen objects (before a fork) stay frozen
            if _SPLICES and not gc.get_freeze_count():
                gc.freeze()
                gc.unfreeze()
            gc.enable()


# Generations as linked lists that freeze() and unfreeze() splice: CPython before 3.14's
# incremental collector, with the GIL (a free-threaded build stops the world and walks them).
_SPLICES = (sys.implementation.name == "cpython" and sys.version_info < (3, 14)
            and not sysconfig.get_config_var("Py_GIL_DISABLED"))
