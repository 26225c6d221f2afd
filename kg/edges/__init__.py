"""The edges stage: rules that infer links between concepts from their definitions.

Each rule module (broader, metric_of, mentioned_in, synonym) registers one Rule; `infer_edges`
runs the enabled ones in registry order and keeps edges at or above the configured confidence.
"""

from __future__ import annotations

from concurrent.futures import Executor
from dataclasses import dataclass, fields
from operator import attrgetter
from typing import Callable

from kg.config import DEFAULT, Config
from kg.edges.genus import forget_build
from kg.errors import UsageError
from kg.gc_pauses import without_gc_pauses
from kg.model import Concept, Edge, Entry, Evidence
from kg.workers import POOL_FAILURES, submit


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
                config: Config = DEFAULT, pool: Executor | None = None) -> list[Edge]:
    """Every enabled rule's edges, sorted. With `pool` (kg.workers), a large build runs the
    rules that share nothing with the others (config.edges.parallel_rules) in a worker while
    this process runs the rest: the same edges, in the time of the slower half."""
    _load_builtin_rules()
    for name in config.edges.enabled:
        if name not in RULES:
            raise UsageError(f"unknown edge rule '{name}'",
                             hint=f"known rules: {', '.join(sorted(RULES))}")
    offloaded = [name for name in config.edges.enabled if name in config.edges.parallel_rules
                 and _builtin(RULES[name])] if pool is not None and len(concepts) >= config.edges.parallel_min_concepts else []
    remote = submit(pool, _infer_packed, offloaded, *_packed_inputs(concepts, entries),
                    config) if offloaded else None
    if remote is None:  # nothing to hand over, or no worker to take it
        offloaded = []
    local = [name for name in config.edges.enabled if name not in offloaded]
    # The rules, the worker's edges arriving as new objects and their sort allocate millions
    # of acyclic objects: the collector would scan this process's others again and again.
    with without_gc_pauses():
        try:
            edges = infer_with(local, concepts, entries, config)
            if remote is not None:
                try:
                    edges += _unpacked(remote.result())
                except POOL_FAILURES:  # the worker died (out of memory?): its rules run here
                    edges += infer_with(offloaded, concepts, entries, config)
        except BaseException:
            if remote is not None:
                remote.cancel()
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


# A worker's edges come back as plain tuples: a dataclass pickles as a class reference and a
# dict per object, and at 100,000 concepts 160,000 edges took 0.7 s to pickle and 2.1 s to
# load that way, against 0.2 s and 0.1 s (and 0.3 s to make the objects here).
_Packed = tuple[str, str, str, str, float, str, str | None]


# The worker's concepts and entries go over as tuples of their fields, for the same reason:
# pickling the objects cost this process 0.62 s at 100,000 concepts, the tuples 0.32 s, and the
# worker as long to make them again as to load the objects. A concept's merge reasons (objects
# of their own) stay here: no rule reads them.
_CONCEPT_FIELDS = tuple(f.name for f in fields(Concept) if f.name != "merge_reasons")
_ENTRY_FIELDS = tuple(f.name for f in fields(Entry))


def _packed_inputs(concepts: list[Concept], entries: dict[str, Entry]) -> tuple[list, list]:
    with without_gc_pauses():
        concept_fields, entry_fields = attrgetter(*_CONCEPT_FIELDS), attrgetter(*_ENTRY_FIELDS)
        return ([concept_fields(c) for c in concepts],
                [(key, entry_fields(entry)) for key, entry in entries.items()])


def _unpacked_inputs(concepts: list, entries: list) -> tuple[list[Concept], dict[str, Entry]]:
    with without_gc_pauses():
        return ([Concept(**dict(zip(_CONCEPT_FIELDS, values))) for values in concepts],
                {key: Entry(*values) for key, values in entries})


def _infer_packed(names: list[str], concepts: list, entries: list,
                  config: Config) -> list[_Packed]:
    edges = infer_with(names, *_unpacked_inputs(concepts, entries), config)
    with without_gc_pauses():
        return [(e.kind, e.source, e.target, e.evidence.method, e.evidence.confidence,
                 e.evidence.quote, e.evidence.entry) for e in edges]


def _unpacked(packed: list[_Packed]) -> list[Edge]:
    return [Edge(kind, source, target, Evidence(method, confidence, quote, entry))
            for kind, source, target, method, confidence, quote, entry in packed]


def _builtin(rule: Rule) -> bool:
    # a worker loads the built-in rules afresh: one a caller registered exists only here
    return rule.infer.__module__.startswith("kg.edges.")
