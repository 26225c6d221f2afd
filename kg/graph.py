"""The graph stage: assemble concepts and edges into one consistent KnowledgeGraph.

The only module that touches networkx. It enforces what every SKOS tool needs of the
hierarchy: no cycles, no broader link that a longer chain already implies, and few
broader concepts per concept. It also computes the explorer's layout.
"""

from __future__ import annotations

import networkx as nx

from kg.config import DEFAULT, Config
from kg.model import BROADER, Concept, Edge, Entry, Finding, KnowledgeGraph, Scheme, Source


def _hierarchy(edges: list[Edge]) -> nx.DiGraph:
    graph = nx.DiGraph()
    for edge in edges:
        graph.add_edge(edge.source, edge.target, edge=edge)
    return graph


def prune_hierarchy(edges: list[Edge], config: Config = DEFAULT) -> tuple[list[Edge], list[Finding]]:
    """Keep the strongest broader links that form an acyclic, transitively reduced hierarchy."""
    findings: list[Finding] = []
    broader = sorted((e for e in edges if e.kind == BROADER),
                     key=lambda e: (-e.confidence, e.source, e.target))
    kept: list[Edge] = []
    per_concept: dict[str, int] = {}
    graph = nx.DiGraph()
    for edge in broader:  # strongest first: a weaker link that closes a cycle is the one dropped
        if per_concept.get(edge.source, 0) >= config.edges.max_broader:
            continue
        if edge.target in graph and edge.source in graph and nx.has_path(graph, edge.target, edge.source):
            findings.append(Finding("cycle-broken", f"dropped {edge.source} broader {edge.target}: "
                                    "it would close a cycle in the hierarchy"))
            continue
        graph.add_edge(edge.source, edge.target)
        per_concept[edge.source] = per_concept.get(edge.source, 0) + 1
        kept.append(edge)
    reduced = nx.transitive_reduction(graph) if graph.number_of_edges() else graph
    kept = [e for e in kept if reduced.has_edge(e.source, e.target)]
    others = [e for e in edges if e.kind != BROADER]
    return sorted(kept + others, key=lambda e: (e.kind, e.source, e.target, e.evidence.method)), findings


def assemble(scheme: Scheme, sources: list[Source], entries: list[Entry], concepts: list[Concept],
             edges: list[Edge], findings: list[Finding], config: Config = DEFAULT) -> KnowledgeGraph:
    edges, pruned = prune_hierarchy(edges, config)
    return KnowledgeGraph(
        scheme=scheme,
        sources=tuple(sources),
        entries=tuple(entries),
        concepts=tuple(sorted(concepts, key=lambda c: c.key)),
        edges=tuple(edges),
        findings=tuple(findings) + tuple(pruned),
    )


def broader_closure(kg: KnowledgeGraph) -> dict[str, set[str]]:
    """Every concept's ancestors through any chain of broader links."""
    graph = _hierarchy([e for e in kg.edges if e.kind == BROADER])
    return {node: nx.descendants(graph, node) for node in graph}
