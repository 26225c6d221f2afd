"""The edges stage as a whole: the rule registry, what infer_edges leaves behind, and rules run
in a worker process giving the same edges as run here."""

from __future__ import annotations

import gc
from dataclasses import replace

import pytest

from kg.config import DEFAULT
from kg.edges import infer_edges
from kg.edges.genus import find_genus
from kg.errors import UsageError
from kg.model import Concept, Entry


def _glossary() -> tuple[list[Concept], dict[str, Entry]]:
    items = [("Ticket", "A record of a customer request."),
             ("Urgent Ticket", "A ticket that requires immediate attention.")]
    entries = {}
    concepts = []
    for ordinal, (label, definition) in enumerate(items, 1):
        entry = Entry("g", ordinal, label, definition, ordinal=ordinal)
        entries[entry.id] = entry
        concepts.append(Concept(label.lower().replace(" ", "-"), label, entries=(entry.id,)))
    return concepts, entries


@pytest.mark.parametrize("enabled", [True, False])
def test_infer_edges_leaves_the_garbage_collector_as_it_found_it(enabled):
    was = gc.isenabled()
    try:
        gc.enable() if enabled else gc.disable()
        edges = infer_edges(*_glossary())
        assert gc.isenabled() is enabled
    finally:
        gc.enable() if was else gc.disable()
    assert ("urgent-ticket", "ticket") in {(e.source, e.target) for e in edges}


def test_an_unknown_rule_fails_and_leaves_the_collector_as_it_found_it():
    was = gc.isenabled()
    config = replace(DEFAULT, edges=replace(DEFAULT.edges, enabled=("broader", "no-such-rule")))
    with pytest.raises(UsageError, match="no-such-rule"):
        infer_edges(*_glossary(), config)
    assert gc.isenabled() is was


def test_infer_edges_keeps_no_parsed_definitions_for_later_stages():
    infer_edges(*_glossary())
    assert find_genus.cache_info().currsize == 0


@pytest.fixture(scope="module")
def bundled_inputs(bundled_kg):
    return list(bundled_kg.concepts), {e.id: e for e in bundled_kg.entries}


def test_rules_run_in_a_forked_child_give_the_same_edges(bundled_inputs):
    concepts, entries = bundled_inputs
    anywhere = replace(DEFAULT, edges=replace(DEFAULT.edges, parallel_min_concepts=0))
    here = infer_edges(concepts, entries, anywhere)
    assert infer_edges(concepts, entries, anywhere, parallel=True) == here
    assert {e.kind for e in here} >= {"broader", "mentioned_in", "synonym"}


def test_a_small_build_keeps_its_rules_here(bundled_inputs, monkeypatch):
    import kg.edges

    concepts, entries = bundled_inputs

    def no_child(*args):
        raise AssertionError("a build under parallel_min_concepts must not fork")

    monkeypatch.setattr(kg.edges, "fork_job", no_child)
    assert infer_edges(concepts, entries, DEFAULT, parallel=True) == infer_edges(concepts, entries)


def test_rules_run_here_when_no_child_can_be_had(bundled_inputs, monkeypatch):
    import errno
    import os

    concepts, entries = bundled_inputs
    anywhere = replace(DEFAULT, edges=replace(DEFAULT.edges, parallel_min_concepts=0))
    expected = infer_edges(concepts, entries, anywhere)

    def no_process():
        raise OSError(errno.EAGAIN, "Resource temporarily unavailable")

    monkeypatch.setattr(os, "fork", no_process)
    assert infer_edges(concepts, entries, anywhere, parallel=True) == expected


def _dies(*args):  # a child killed midway, as the OOM killer would
    import os

    os._exit(9)


def test_rules_run_here_when_the_child_dies(bundled_inputs, monkeypatch):
    import kg.edges

    concepts, entries = bundled_inputs
    anywhere = replace(DEFAULT, edges=replace(DEFAULT.edges, parallel_min_concepts=0))
    expected = infer_edges(concepts, entries, anywhere)
    monkeypatch.setattr(kg.edges, "_infer_packed", _dies)
    assert infer_edges(concepts, entries, anywhere, parallel=True) == expected


def test_a_workers_edges_carry_every_field_of_an_edge():
    # kg.edges._infer_packed sends these fields as tuples: a new field must be packed too
    from dataclasses import fields

    from kg.model import Edge, Evidence
    assert [f.name for f in fields(Edge)] == ["kind", "source", "target", "evidence"]
    assert [f.name for f in fields(Evidence)] == ["method", "confidence", "quote", "entry"]
