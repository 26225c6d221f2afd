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
from kg.model import Concept, Edge, Entry


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
                config: Config = DEFAULT) -> list[Edge]:
    _load_builtin_rules()
    edges: list[Edge] = []
    # the rules allocate millions of small acyclic objects (tokens, parsed genera, edges)
    with without_gc_pauses():
        try:
            for name in config.edges.enabled:
                if name not in RULES:
                    raise UsageError(f"unknown edge rule '{name}'",
                                     hint=f"known rules: {', '.join(sorted(RULES))}")
                edges.extend(e for e in RULES[name].infer(concepts, entries, config)
                             if e.confidence >= config.edges.min_confidence)
        finally:
            # the rules share parsed genera and label tables; the later stages need none
            # of them, and the memory they hold (a third of this stage's) goes back to them
            forget_build()
        return sorted(edges, key=lambda e: (e.kind, e.source, e.target, e.evidence.method))
