"""Every edge rule on fixture glossaries of other domains (cooking, networking, medicine).

Each `tests/fixtures/edges/NAME.txt` ("Term: definition" per line) has `NAME.json` beside it:
the broader and metric_of edges a reader of the glossary expects (every other inferred one is
an error, bar the listed `acceptable` ones), the metrics, and mentions that must or must not be
found. Concepts come from the real concepts stage, so the rules are tested on what they get.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from kg.concepts import form_concepts
from kg.config import DEFAULT
from kg.edges import broader, mentioned_in, metric_of
from kg.edges.metric_of import metric_keys
from kg.identifiers import assign_keys
from kg.model import Concept, Entry

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "edges"
DOMAINS = sorted(p.stem for p in FIXTURES.glob("*.txt"))


def load_glossary(name: str) -> tuple[list[Concept], dict[str, Entry]]:
    entries = []
    lines = (FIXTURES / f"{name}.txt").read_text(encoding="utf-8").splitlines()
    for number, line in enumerate(lines, 1):
        if line.strip():
            term, definition = line.split(": ", 1)
            entries.append(Entry(source=name, line=number, headword=term, definition=definition,
                                 ordinal=len(entries) + 1))
    concepts = assign_keys(form_concepts(entries, DEFAULT))
    return concepts, {e.id: e for e in entries}


class Names:
    """Concept keys by any label or headword, so expectations read as the glossary does."""

    def __init__(self, concepts: list[Concept], entries: dict[str, Entry]):
        self.keys: dict[str, str] = {}
        for concept in concepts:
            for label in (*concept.labels, *(entries[e].headword for e in concept.entries)):
                self.keys[label.casefold()] = concept.key

    def __call__(self, label: str) -> str:
        return self.keys[label.casefold()]

    def pairs(self, pairs: list[list[str]]) -> set[tuple[str, str]]:
        return {(self(a), self(b)) for a, b in pairs}


@pytest.fixture(scope="module", params=DOMAINS)
def domain(request):
    concepts, entries = load_glossary(request.param)
    expected = json.loads((FIXTURES / f"{request.param}.json").read_text(encoding="utf-8"))
    return request.param, concepts, entries, expected, Names(concepts, entries)


def test_every_domain_has_expectations():
    assert len(DOMAINS) >= 3
    for name in DOMAINS:
        assert (FIXTURES / f"{name}.json").is_file()


def test_broader_edges_are_the_expected_ones(domain):
    name, concepts, entries, expected, names = domain
    found = {(e.source, e.target) for e in broader.infer(concepts, entries, DEFAULT)}
    wanted = names.pairs(expected["broader"])
    acceptable = names.pairs(expected.get("broader_acceptable", []))
    assert wanted - found == set(), f"{name}: missed"
    assert found - wanted - acceptable == set(), f"{name}: unexpected"
    assert found & names.pairs(expected["not_broader"]) == set()


def test_metrics_are_recognised(domain):
    name, concepts, entries, expected, names = domain
    metrics = set(metric_keys(concepts, entries))
    assert {names(m) for m in expected["metrics"]} <= metrics
    assert {names(m) for m in expected["not_metrics"]} & metrics == set()


def test_metric_of_edges_are_the_expected_ones(domain):
    name, concepts, entries, expected, names = domain
    found = {(e.source, e.target) for e in metric_of.infer(concepts, entries, DEFAULT)}
    wanted = names.pairs(expected["metric_of"])
    acceptable = names.pairs(expected.get("metric_of_acceptable", []))
    assert wanted - found == set(), f"{name}: missed"
    assert found - wanted - acceptable == set(), f"{name}: unexpected"


def test_mentions_found_and_not_found(domain):
    name, concepts, entries, expected, names = domain
    found = {(e.source, e.target) for e in mentioned_in.infer(concepts, entries, DEFAULT)}
    assert names.pairs(expected["mentioned_in"]) - found == set()
    assert names.pairs(expected["not_mentioned_in"]) & found == set()


def test_every_edge_quotes_its_evidence(domain):
    name, concepts, entries, expected, names = domain
    labels = {c.key: c.labels for c in concepts}
    for rule in (broader, metric_of, mentioned_in):
        for edge in rule.infer(concepts, entries, DEFAULT):
            evidence = edge.evidence
            assert 0 < evidence.confidence <= 1 and evidence.method
            assert edge.source != edge.target
            if evidence.entry is not None:
                assert evidence.quote in entries[evidence.entry].text
            else:
                assert evidence.quote in labels[edge.source]


def test_the_whole_pipeline_keeps_the_expected_hierarchy():
    from kg.graph import broader_closure
    from kg.manifest import plan_for_paths
    from kg.pipeline import build

    kg = build(plan_for_paths([FIXTURES / "cooking.txt"]))
    key = {c.pref_label: c.key for c in kg.concepts}
    ancestors = broader_closure(kg)
    assert {key["Mother Sauce"], key["Sauce"]} <= ancestors[key["Béchamel"]]
    assert key["Cooking Method"] in ancestors[key["Braising"]]
    assert key["Pan"] not in ancestors.get(key["Pan Sauce"], set())
