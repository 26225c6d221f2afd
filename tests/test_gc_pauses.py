"""The collector pause restores what the caller had, even when the stage fails."""

from __future__ import annotations

import gc

import pytest

from kg.gc_pauses import without_gc_pauses


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
