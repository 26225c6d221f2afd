"""The mentioned_in rule. First version infers nothing; the edges issue implements it."""

from __future__ import annotations

from kg.config import Config
from kg.edges import Rule, register
from kg.model import Concept, Edge, Entry


def infer(concepts: list[Concept], entries: dict[str, Entry], config: Config) -> list[Edge]:
    return []


register(Rule("mentioned_in", "not implemented yet", infer))
