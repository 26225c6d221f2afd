"""The edges stage: rules that infer links between concepts from their definitions.

Each rule module (broader, metric_of, mentioned_in, synonym) registers one Rule; `infer_edges`
runs the enabled ones in registry order and keeps edges at or above the configured confidence.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from kg.config import DEFAULT, Config
from kg.edges.genus import forget_build
from kg.errors import UsageError
from kg.gc_pauses import without_gc_pauses
from kg.model import Concept, Edge, Entry, Evidence
from kg.workers import POOL_FAILURES, fork_job, stop_forked


@dataclass(frozen=True)
class Rule:
    name: str  # the edge kind it produces, e.g. "broader"
    description: str
    infer: Callable[[list[Concept], dict[str, Entry], Config], list[Edge]]


RULES: dict[str, Rule] = {}


def register(rule: Rule) -> Rule:
    RULES[rule.name] = rule
    return rule


def _load_builtin_rules() -> None:
    from kg.edges import broader, mentioned_in, metric_of, synonym  # noqa: F401


def infer_edges(concepts: list[Concept], entries: dict[str, Entry],
                config: Config = DEFAULT, parallel: bool = False) -> list[Edge]:
    """Every enabled rule's edges, sorted. With `parallel`, a large build runs the rules that
    share nothing with the others (config.edges.parallel_rules) in a forked child while this
    process runs the rest: the same edges, in the time of the slower half. The child starts
    with the concepts and entries and with this process's warm caches (match keys, singular
    forms), where a spawned worker had to be sent them (1 s at 100,000 concepts) and to fill
    its caches again."""
    _load_builtin_rules()
    for name in config.edges.enabled:
        if name not in RULES:
            raise UsageError(f"unknown edge rule '{name}'",
                             hint=f"known rules: {', '.join(sorted(RULES))}")
    offloaded = [name for name in config.edges.enabled if name in config.edges.parallel_rules] \
        if parallel and len(concepts) >= config.edges.parallel_min_concepts else []
    remote = fork_job(_infer_packed, offloaded, concepts, entries, config) if offloaded else None
    if remote is None:  # nothing to hand over, or no process to be had
        offloaded = []
    local = [name for name in config.edges.enabled if name not in offloaded]
    # The rules, the child's edges arriving as new objects and their sort allocate millions
    # of acyclic objects: the collector would scan this process's others again and again.
    with without_gc_pauses():
        try:
            edges = infer_with(local, concepts, entries, config)
            if remote is not None:
                try:
                    edges += _unpacked(remote.result())
                except POOL_FAILURES:  # the child died (out of memory?): its rules run here
                    edges += infer_with(offloaded, concepts, entries, config)
        except BaseException:
            if remote is not None:
                stop_forked(remote)
            raise
        return sorted(edges, key=lambda e: (e.kind, e.source, e.target, e.evidence.method))


def infer_with(names: list[str], concepts: list[Concept], entries: dict[str, Entry],
               config: Config) -> list[Edge]:
    """The edges of the named rules at or above the configured confidence, unsorted."""
    _load_builtin_rules()
    edges: list[Edge] = []
    # the rules allocate millions of small acyclic objects (tokens, parsed genera, edges)
    with without_gc_pauses():
        try:
            for name in names:
                edges.extend(e for e in RULES[name].infer(concepts, entries, config)
                             if e.confidence >= config.edges.min_confidence)
        finally:
            # the rules share parsed genera and label tables; the later stages need none
            # of them, and the memory they hold (a third of this stage's) goes back to them
            forget_build()
    return edges


# The child's edges come back as plain tuples: a dataclass pickles as a class reference and a
# dict per object, and at 100,000 concepts 160,000 edges took 0.7 s to pickle and 2.1 s to
# load that way, against 0.2 s and 0.1 s (and 0.3 s to make the objects here).
_Packed = tuple[str, str, str, str, float, str, str | None]


def _infer_packed(names: list[str], concepts: list[Concept], entries: dict[str, Entry],
                  config: Config) -> list[_Packed]:
    edges = infer_with(names, concepts, entries, config)
    with without_gc_pauses():
        return [(e.kind, e.source, e.target, e.evidence.method, e.evidence.confidence,
                 e.evidence.quote, e.evidence.entry) for e in edges]


def _unpacked(packed: list[_Packed]) -> list[Edge]:
    return [Edge(kind, source, target, Evidence(method, confidence, quote, entry))
            for kind, source, target, method, confidence, quote, entry in packed]

