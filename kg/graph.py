"""The graph stage: assemble concepts and edges into one consistent KnowledgeGraph.

The only module that touches networkx. It enforces what every SKOS tool needs of the
hierarchy: no cycles, no broader link that a longer chain already implies, and few
broader concepts per concept. It also computes the explorer's layout.
"""

from __future__ import annotations

import math
from collections import deque

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
    implied = _implied_links(graph)
    kept = [e for e in kept if (e.source, e.target) not in implied]
    others = [e for e in edges if e.kind != BROADER]
    return sorted(kept + others, key=lambda e: (e.kind, e.source, e.target, e.evidence.method)), findings


def _implied_links(graph: nx.DiGraph) -> set[tuple[str, str]]:
    """The links of an acyclic hierarchy that a longer chain implies: (child, parent) where the
    parent is also an ancestor of another of the child's parents. What transitive reduction
    drops, found only where it can be: most concepts have one parent and no such link, and
    networkx's general transitive_reduction took 1.9 s at 100,000 concepts to find that."""
    implied: set[tuple[str, str]] = set()
    ancestors: dict[str, set[str]] = {}  # of the parents asked about, through their parents
    for child in graph:
        parents = graph.succ[child]
        if len(parents) < 2:
            continue
        for parent in parents:
            if parent not in ancestors:
                ancestors[parent] = nx.descendants(graph, parent)
            implied.update((child, other) for other in parents
                           if other != parent and other in ancestors[parent])
    return implied


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


# The golden angle spreads successive points of a spiral evenly (sunflower seeds), so a spiral
# of any length fills its disc without gaps or clumps and without knowing the count in advance.
_GOLDEN_ANGLE = math.pi * (3 - math.sqrt(5))


def layout(kg: KnowledgeGraph, config: Config = DEFAULT) -> dict[str, tuple[int, int]]:
    """Canvas positions in pixels for every concept, so the explorer draws at once with physics off.

    The most connected concepts (up to `force_layout_max_nodes`) get networkx's seeded
    Fruchterman-Reingold spring layout; it is quadratic, so every other concept is placed in
    linear time: breadth-first from that core, each on a sunflower spiral around the neighbour
    it was reached from; groups unreachable from the core go on a spiral band around it all.
    """
    settings = config.explorer
    spacing = settings.layout_spacing
    weights = _layout_weights(kg)
    # Plain adjacency sets: a networkx graph of 100,000 concepts took 4 s to build, and only
    # the spring layout of the core needs one.
    adjacency: dict[str, set[str]] = {c.key: set() for c in kg.concepts}
    for a, b in weights:
        adjacency[a].add(b)
        adjacency[b].add(a)
    if not adjacency:
        return {}
    degree = {key: len(neighbours) for key, neighbours in adjacency.items()}
    ranked = sorted(adjacency, key=lambda key: (-degree[key], key))
    # Unlinked concepts stay out of the spring layout: it would push them to the rim and squeeze
    # the linked ones into the middle. They go on the spiral band instead.
    core = [key for key in ranked[:settings.force_layout_max_nodes] if degree[key]]
    positions = _spring(_core_graph(core, weights), spacing, settings.layout_seed) if core else {}
    radius = max((math.hypot(x, y) for x, y in positions.values()), default=-spacing) + spacing
    _place_around(adjacency, core, positions, spacing * 0.6)
    area_used = 0.0
    for root in ranked:  # what the core does not reach: its own groups, biggest hubs first
        if root in positions:
            continue
        members = _component_size(adjacency, root, positions)
        area = members * spacing * spacing  # a group gets room in proportion to its size
        distance = math.sqrt(radius * radius + (area_used + area / 2) / math.pi)
        angle = len(positions) * _GOLDEN_ANGLE
        positions[root] = (distance * math.cos(angle), distance * math.sin(angle))
        area_used += area
        _place_around(adjacency, [root], positions, spacing * 0.6)
    return {key: (round(x), round(y)) for key, (x, y) in sorted(positions.items())}


def _layout_weights(kg: KnowledgeGraph) -> dict[tuple[str, str], float]:
    """Concept pairs joined by any edge (sorted pair), weighted by the strongest edge's confidence."""
    keys = {c.key for c in kg.concepts}
    weights: dict[tuple[str, str], float] = {}
    for edge in kg.edges:
        if edge.source == edge.target or edge.source not in keys or edge.target not in keys:
            continue
        pair = (edge.source, edge.target) if edge.source < edge.target else (edge.target, edge.source)
        weights[pair] = max(weights.get(pair, 0.0), edge.confidence, 0.05)
    return weights


def _core_graph(keys: list[str], weights: dict[tuple[str, str], float]) -> nx.Graph:
    """The core as a networkx graph with nodes and edges in sorted order: the spring layout's
    seeded start follows node order, which must not change with the hash seed."""
    wanted = set(keys)
    core = nx.Graph()
    core.add_nodes_from(sorted(wanted))
    core.add_weighted_edges_from(sorted((a, b, w) for (a, b), w in weights.items()
                                        if a in wanted and b in wanted))
    return core


def _spring(core: nx.Graph, spacing: float, seed: int) -> dict[str, tuple[float, float]]:
    if len(core) == 1:
        return {next(iter(core)): (0.0, 0.0)}
    # a disc whose area gives each concept about spacing² of room
    scale = spacing * math.sqrt(len(core) / math.pi)
    found = nx.spring_layout(core, seed=seed, iterations=60, weight="weight", scale=scale)
    return {key: (float(x), float(y)) for key, (x, y) in found.items()}


def _component_size(adjacency: dict[str, set[str]], root: str, placed: dict[str, tuple[float, float]]) -> int:
    seen = {root}
    queue = deque([root])
    while queue:
        for neighbour in adjacency[queue.popleft()]:
            if neighbour not in seen and neighbour not in placed:
                seen.add(neighbour)
                queue.append(neighbour)
    return len(seen)


def _place_around(adjacency: dict[str, set[str]], starts: list[str],
                  positions: dict[str, tuple[float, float]], step: float) -> None:
    """Breadth-first from `starts`, put each unplaced concept on a spiral around its discoverer.

    A spiral turns outward, away from the picture's centre, so children fan out from a hub
    rather than piling onto the concepts laid out before them.
    """
    children: dict[str, int] = {}
    queue = deque(starts)
    while queue:
        parent = queue.popleft()
        px, py = positions[parent]
        outward = math.atan2(py, px) if (px or py) else 0.0
        for child in sorted(adjacency[parent]):
            if child in positions:
                continue
            count = children.get(parent, 0)
            children[parent] = count + 1
            distance = step * math.sqrt(count + 1)
            angle = outward + count * _GOLDEN_ANGLE
            positions[child] = (px + distance * math.cos(angle), py + distance * math.sin(angle))
            queue.append(child)
