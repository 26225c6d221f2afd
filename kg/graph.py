"""The graph stage: assemble concepts and edges into one consistent KnowledgeGraph.

It enforces what every SKOS tool needs of the hierarchy: no cycles, no broader link that a
longer chain already implies, and few broader concepts per concept. It also computes the
explorer's layout, with networkx: the only module that touches it.
"""

from __future__ import annotations

import math
from collections import deque
from collections.abc import Iterable

from typing import TYPE_CHECKING

from kg.config import DEFAULT, Config
from kg.model import BROADER, Concept, Edge, Entry, Finding, KnowledgeGraph, Scheme, Source
from kg.validate.hierarchy import Ancestors, acyclic, reach

if TYPE_CHECKING:
    import networkx as nx


def _networkx():
    """networkx, imported where it is used: a build's main process prunes the hierarchy
    without it, and the explorer's layout runs in a child (90 ms of imports off the build)."""
    import networkx

    return networkx


def prune_hierarchy(edges: list[Edge], config: Config = DEFAULT) -> tuple[list[Edge], list[Finding]]:
    """Keep the strongest broader links that form an acyclic, transitively reduced hierarchy.

    The hierarchy is kept as plain sets of parents, not a networkx graph: at 100,000 concepts
    networkx's add_edge and path searches (attribute dictionaries, backend dispatch) made this
    stage, which nothing runs beside, 1.25 s of CPU where it is now 0.65 s."""
    findings: list[Finding] = []
    broader = sorted((e for e in edges if e.kind == BROADER),
                     key=lambda e: (-e.confidence, e.source, e.target))
    kept: list[Edge] = []
    per_concept: dict[str, int] = {}
    parents: dict[str, set[str]] = {}  # the links kept so far, child -> parents
    with_children: set[str] = set()
    for edge in broader:  # strongest first: a weaker link that closes a cycle is the one dropped
        source, target = edge.source, edge.target
        if per_concept.get(source, 0) >= config.edges.max_broader:
            continue
        # a link of a concept to itself is a cycle too (it was kept when the concept was new);
        # only a concept below which something already hangs can be reached from its parent
        if source == target or (source in with_children and source in reach(parents.get(target, ()), parents)):
            findings.append(Finding("cycle-broken", f"dropped {source} broader {target}: "
                                    "it would close a cycle in the hierarchy"))
            continue
        parents.setdefault(source, set()).add(target)
        with_children.add(target)
        per_concept[source] = per_concept.get(source, 0) + 1
        kept.append(edge)
    implied = _implied_links(parents)
    kept = [e for e in kept if (e.source, e.target) not in implied]
    others = [e for e in edges if e.kind != BROADER]
    return sorted(kept + others, key=lambda e: (e.kind, e.source, e.target, e.evidence.method)), findings


def _implied_links(parents: dict[str, set[str]]) -> set[tuple[str, str]]:
    """The links of an acyclic hierarchy that a longer chain implies: (child, parent) where the
    parent is also an ancestor of another of the child's parents. What transitive reduction
    drops, found only where it can be: most concepts have one parent and no such link, and
    networkx's general transitive_reduction took 1.9 s at 100,000 concepts to find that."""
    implied: set[tuple[str, str]] = set()
    ancestors = Ancestors(parents, acyclic=True)  # prune_hierarchy adds no link closing a cycle
    for child, direct in parents.items():
        if len(direct) < 2:
            continue
        for parent in direct:
            above = ancestors(parent)
            implied.update((child, other) for other in direct if other != parent and other in above)
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
    """Every concept in a broader link and its ancestors through any chain of them."""
    parents: dict[str, set[str]] = {}
    for edge in kg.edges:
        if edge.kind == BROADER:
            parents.setdefault(edge.source, set()).add(edge.target)
            parents.setdefault(edge.target, set())
    ancestors = Ancestors(parents, acyclic(parents))
    return {node: set(ancestors(node)) - {node} for node in parents}  # itself, only in a cycle


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
    keys = sorted(dict.fromkeys(c.key for c in kg.concepts))  # unique; they come sorted, so cheap
    number = {key: n for n, key in enumerate(keys)}
    links = ((number.get(e.source), number.get(e.target), e.evidence.confidence) for e in kg.edges)
    return dict(zip(keys, layout_by_number(len(keys), links, config)))


def layout_by_number(count: int, links: Iterable[tuple[int | None, int | None, float]],
                     config: Config = DEFAULT) -> list[tuple[int, int]]:
    """`layout` of concepts numbered 0 to count - 1 in key order, joined by (source, target,
    confidence) links, an end of None being outside the graph; the positions in number order.

    For a caller that has numbered the concepts and edges already (the explorer's data), so
    the edges are not read again. Numbers hash and compare faster than keys and sort in the
    same order: every tie and visiting order below is key order, never the hash seed's.
    """
    settings = config.explorer
    spacing = settings.layout_spacing
    if not count:
        return []
    weights = _layout_weights(links)
    # Plain adjacency lists: a networkx graph of 100,000 concepts took 4 s to build, and only
    # the spring layout of the core needs one. Sorted, so neighbours are visited in key order.
    adjacency: list[list[int]] = [[] for _ in range(count)]
    for a, b in weights:
        adjacency[a].append(b)
        adjacency[b].append(a)
    for neighbours in adjacency:
        neighbours.sort()
    degree = [len(neighbours) for neighbours in adjacency]
    # most connected first, ties in key order (a stable sort of numbers already in key order)
    ranked = sorted(range(count), key=degree.__getitem__, reverse=True)
    # Unlinked concepts stay out of the spring layout: it would push them to the rim and squeeze
    # the linked ones into the middle. They go on the spiral band instead.
    core = [n for n in ranked[:settings.force_layout_max_nodes] if degree[n]]
    positions = _spring(_core_graph(core, adjacency, weights), spacing, settings.layout_seed) if core else {}
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
    return [(round(positions[n][0]), round(positions[n][1])) for n in range(count)]


def _layout_weights(links: Iterable[tuple[int | None, int | None, float]]) -> dict[tuple[int, int], float]:
    """Concept pairs joined by any link (as numbers, lower first), weighted by the strongest
    link's confidence."""
    weights: dict[tuple[int, int], float] = {}
    for a, b, confidence in links:
        if a is None or b is None or a == b:
            continue
        pair = (a, b) if a < b else (b, a)
        weights[pair] = max(weights.get(pair, 0.0), confidence, 0.05)
    return weights


def _core_graph(core: list[int], adjacency: list[list[int]],
                weights: dict[tuple[int, int], float]) -> nx.Graph:
    """The core as a networkx graph with nodes and edges in sorted order: the spring layout's
    seeded start follows node order, which must not change with the hash seed."""
    nodes = sorted(core)
    wanted = set(core)
    graph = _networkx().Graph()
    graph.add_nodes_from(nodes)
    # each pair once, from its lower end: with the lists sorted, the edges come in sorted order
    graph.add_weighted_edges_from((a, b, weights[a, b]) for a in nodes for b in adjacency[a]
                                  if b > a and b in wanted)
    return graph


def _spring(core: nx.Graph, spacing: float, seed: int) -> dict[int, tuple[float, float]]:
    if len(core) == 1:
        return {next(iter(core)): (0.0, 0.0)}
    # a disc whose area gives each concept about spacing² of room
    scale = spacing * math.sqrt(len(core) / math.pi)
    found = _networkx().spring_layout(core, seed=seed, iterations=60, weight="weight", scale=scale)
    return {key: (float(x), float(y)) for key, (x, y) in found.items()}


def _component_size(adjacency: list[list[int]], root: int, placed: dict[int, tuple[float, float]]) -> int:
    seen = {root}
    queue = deque([root])
    while queue:
        for neighbour in adjacency[queue.popleft()]:
            if neighbour not in seen and neighbour not in placed:
                seen.add(neighbour)
                queue.append(neighbour)
    return len(seen)


def _place_around(adjacency: list[list[int]], starts: list[int],
                  positions: dict[int, tuple[float, float]], step: float) -> None:
    """Breadth-first from `starts`, put each unplaced concept on a spiral around its discoverer.

    A spiral turns outward, away from the picture's centre, so children fan out from a hub
    rather than piling onto the concepts laid out before them.
    """
    queue = deque(starts)
    while queue:
        parent = queue.popleft()  # each concept is visited once, so it counts its own children
        px, py = positions[parent]
        outward = math.atan2(py, px) if (px or py) else 0.0
        count = 0
        for child in adjacency[parent]:  # sorted: children take their spiral places in key order
            if child in positions:
                continue
            distance = step * math.sqrt(count + 1)
            angle = outward + count * _GOLDEN_ANGLE
            positions[child] = (px + distance * math.cos(angle), py + distance * math.sin(angle))
            queue.append(child)
            count += 1
