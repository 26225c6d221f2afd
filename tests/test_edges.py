"""The edges stage as a whole: the rule registry and what infer_edges leaves behind."""

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
