"""The graph stage's hierarchy (kg.graph.prune_hierarchy): acyclic, transitively reduced, a few
broader concepts per concept, the strongest kept."""

from __future__ import annotations

import random
from dataclasses import replace

import networkx as nx
import pytest

from kg.config import DEFAULT
from kg.graph import prune_hierarchy
from kg.model import BROADER, MENTIONED_IN, Edge, Evidence


def _broader(source: str, target: str, confidence: float = 0.8) -> Edge:
    return Edge(BROADER, source, target, Evidence("genus", confidence, f"{source} is a {target}"))


def _pairs(edges: list[Edge]) -> set[tuple[str, str]]:
    return {(e.source, e.target) for e in edges if e.kind == BROADER}


def test_a_link_a_longer_chain_implies_is_dropped():
    # Inbound Call -> Call -> Interaction, and Inbound Call -> Interaction said directly
    edges = [_broader("inbound-call", "call"), _broader("call", "interaction"),
             _broader("inbound-call", "interaction", 0.9)]
    kept, findings = prune_hierarchy(edges)
    assert _pairs(kept) == {("inbound-call", "call"), ("call", "interaction")}
    assert findings == []


def test_two_parents_that_no_chain_joins_are_both_kept():
    edges = [_broader("chatbot", "software"), _broader("chatbot", "channel"),
             _broader("software", "product")]
    kept, _ = prune_hierarchy(edges)
    assert _pairs(kept) == {("chatbot", "software"), ("chatbot", "channel"), ("software", "product")}


def test_the_weaker_link_closing_a_cycle_is_dropped_and_reported():
    edges = [_broader("a", "b", 0.9), _broader("b", "c", 0.8), _broader("c", "a", 0.5)]
    kept, findings = prune_hierarchy(edges)
    assert _pairs(kept) == {("a", "b"), ("b", "c")}
    assert [f.kind for f in findings] == ["cycle-broken"] and "c broader a" in findings[0].message


def test_only_the_strongest_parents_are_kept():
    config = replace(DEFAULT, edges=replace(DEFAULT.edges, max_broader=2))
    edges = [_broader("x", "p1", 0.9), _broader("x", "p2", 0.7), _broader("x", "p3", 0.8)]
    kept, _ = prune_hierarchy(edges, config)
    assert _pairs(kept) == {("x", "p1"), ("x", "p3")}


def test_other_kinds_pass_through():
    mention = Edge(MENTIONED_IN, "a", "b", Evidence("label-in-definition", 0.6, "…a…"))
    kept, _ = prune_hierarchy([mention, _broader("a", "b")])
    assert mention in kept


@pytest.mark.parametrize("seed", range(12))
def test_the_hierarchy_is_the_transitive_reduction_networkx_computes(seed):
    rng = random.Random(seed)
    nodes = [f"n{i:03d}" for i in range(120)]
    edges = []
    for child in range(1, len(nodes)):  # parents have lower numbers: acyclic by construction
        for parent in rng.sample(range(child), min(child, rng.choice([1, 1, 2, 3, 4]))):
            edges.append(_broader(nodes[child], nodes[parent], rng.choice([0.5, 0.7, 0.9])))
    config = replace(DEFAULT, edges=replace(DEFAULT.edges, max_broader=10))
    kept, findings = prune_hierarchy(edges, config)
    graph = nx.DiGraph((e.source, e.target) for e in edges)
    assert findings == []
    assert _pairs(kept) == set(nx.transitive_reduction(graph).edges)


def _pruned_by_networkx(edges: list[Edge], max_broader: int) -> tuple[set[tuple[str, str]], list[str]]:
    """The rule as stated, with networkx: strongest first, a link is dropped when its concept
    has its share of parents or when it would close a cycle; then a transitive reduction."""
    graph = nx.DiGraph()
    dropped = []
    count: dict[str, int] = {}
    for edge in sorted(edges, key=lambda e: (-e.confidence, e.source, e.target)):
        if count.get(edge.source, 0) >= max_broader:
            continue
        if edge.source == edge.target or (edge.source in graph and edge.target in graph
                                          and nx.has_path(graph, edge.target, edge.source)):
            dropped.append(f"{edge.source} broader {edge.target}")
            continue
        graph.add_edge(edge.source, edge.target)
        count[edge.source] = count.get(edge.source, 0) + 1
    return set(nx.transitive_reduction(graph).edges), dropped


@pytest.mark.parametrize("seed", range(20))
def test_links_closing_cycles_and_beyond_the_share_are_dropped_as_networkx_finds(seed):
    # any direction, repeated links and a few links of a concept to itself
    rng = random.Random(seed)
    nodes = [f"n{i:02d}" for i in range(40)]
    edges = [_broader(rng.choice(nodes), rng.choice(nodes), rng.choice([0.5, 0.6, 0.7, 0.8, 0.9]))
             for _ in range(rng.choice([30, 60, 120]))]
    edges = [e for e in edges if e.source != e.target or rng.random() < 0.3]
    max_broader = rng.choice([1, 2, 3, 10])
    config = replace(DEFAULT, edges=replace(DEFAULT.edges, max_broader=max_broader))
    kept, findings = prune_hierarchy(edges, config)
    expected, dropped = _pruned_by_networkx(edges, max_broader)
    assert _pairs(kept) == expected
    assert [f.message.split(": ")[0].removeprefix("dropped ") for f in findings] == dropped
