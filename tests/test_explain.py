"""`kg explain TERM`: the concept a label resolves to, with entries, merge reasons and edges."""

from __future__ import annotations

import pytest

from kg.cli import main
from kg.commands.explain import explain
from kg.model import (Concept, Edge, Entry, Evidence, KnowledgeGraph, MergeReason, Scheme,
                      Source)
from tests.conftest import FIXTURES

NETWORKING = str(FIXTURES / "concepts" / "networking")


def test_explain_an_acronym_from_glossary_files(capsys):
    assert main(["explain", "tcp", NETWORKING]) == 0
    out = capsys.readouterr().out
    assert out.startswith("Transmission Control Protocol  [transmission-control-protocol]")
    assert "acronyms: TCP" in out and "also: transmission control protocols" in out
    assert "entries (3):" in out
    assert "campus-network-glossary.txt:3  Transmission Control Protocol (TCP)" in out
    assert "isp-terms.txt:3  TCP" in out
    assert "acronym-expansion" in out and "same-label 1.00" in out


def test_explain_finds_plural_and_hyphen_variants(capsys):
    assert main(["explain", "round trip times", NETWORKING]) == 0
    assert capsys.readouterr().out.startswith("Round Trip Time")


def test_an_unknown_term_is_one_line_with_suggestions_and_exit_2(capsys):
    assert main(["explain", "latensy", NETWORKING]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    lines = captured.err.strip().splitlines()
    assert len(lines) == 1 and "latensy" in lines[0] and "'Latency'" in lines[0]


def tiny_graph() -> KnowledgeGraph:
    source = Source(key="g", path="glossary.txt", title="G")
    entries = (Entry("g", 3, "Net Promoter Score (NPS)", "A metric that measures loyalty.", ordinal=1),
               Entry("g", 7, "Loyalty", "Customers choosing you again.", ordinal=2))
    concepts = (
        Concept("net-promoter-score", "Net Promoter Score", ("NPS",), ("NPS",), ("g-1",),
                is_metric=True, merge_reasons=(MergeReason("acronym", 1.0, "'NPS' spelt out"),)),
        Concept("loyalty", "Loyalty", entries=("g-2",)))
    edges = (Edge("metric_of", "net-promoter-score", "loyalty",
                  Evidence("metric-measures", 0.8, "measures loyalty", "g-1")),)
    return KnowledgeGraph(Scheme("t", "T", "", "https://example.org/t/"), (source,), entries,
                          concepts, edges)


def test_explain_shows_edges_with_method_confidence_quote_and_line():
    text = explain(tiny_graph(), "NPS")
    assert "  metric\n" in text
    assert "    glossary.txt:3  Net Promoter Score (NPS)" in text
    assert "    acronym 1.00: 'NPS' spelt out" in text
    assert "    measures Loyalty  [metric-measures 0.80] (glossary.txt:3)" in text
    assert "“measures loyalty”" in text
    # and from the other end
    assert "measured by Net Promoter Score  [metric-measures 0.80]" in explain(tiny_graph(), "LOYALTY")


def test_explain_reads_a_built_graph(tmp_path, capsys):
    pytest.importorskip("pyoxigraph")
    out = tmp_path / "out"
    assert main(["build", NETWORKING, "--out", str(out), "--quiet"]) == 0
    graphs = sorted(p for p in out.glob("*.ttl") if not p.name.endswith(".skos.ttl"))
    assert graphs, "the build wrote no full graph"
    assert main(["explain", "UDP", str(graphs[0])]) == 0
    text = capsys.readouterr().out
    assert text.startswith("User Datagram Protocol") and "entries (2):" in text
