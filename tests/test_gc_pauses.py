"""The collector pause restores what the caller had, even when the stage fails."""

from __future__ import annotations

import gc

import pytest

from kg.gc_pauses import _SPLICES, without_gc_pauses


def test_collection_pauses_inside_and_resumes_after_a_failure():
    assert gc.isenabled()
    with pytest.raises(ValueError):
        with without_gc_pauses():
            assert not gc.isenabled()
            raise ValueError("a bad glossary")
    assert gc.isenabled()


def test_a_caller_that_had_it_off_keeps_it_off():
    gc.disable()
    try:
        with without_gc_pauses():
            pass
        assert not gc.isenabled()
    finally:
        gc.enable()


class _Node:
    pass


@pytest.mark.skipif(not _SPLICES, reason="generations are not spliced on this Python")
def test_what_a_pause_made_is_old_after_it_and_its_cycles_are_still_collected():
    import weakref

    gc.collect()
    with without_gc_pauses():
        made = [[n] for n in range(20_000)]
        cycle = _Node()
        cycle.self = cycle
        gone = weakref.ref(cycle)
        del cycle
    # in the oldest generation: left young, the first pass after the pause would scan all
    # 20,000 lists, and the next pass again
    assert any(obj is made[0] for obj in gc.get_objects(generation=2))
    gc.collect()
    assert gone() is None


def test_a_caller_s_frozen_objects_stay_frozen():
    gc.freeze()
    try:
        frozen = gc.get_freeze_count()
        with without_gc_pauses():
            [[n] for n in range(1000)]
        assert gc.get_freeze_count() == frozen
    finally:
        gc.unfreeze()
