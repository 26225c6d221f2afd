"""Concept IRIs: slugs minted from preferred labels, `[a-z][a-z0-9-]*`, unique in a build.

First version mints from labels alone; the reproducibility issue makes them stable across
rebuilds (a recorded slug survives a change of preferred label or a new source).
"""

from __future__ import annotations

from dataclasses import replace

from kg.manifest import slugify
from kg.model import Concept


def mint_keys(labels: list[str]) -> list[str]:
    """Slugs for preferred labels, in order; a collision gets -2, -3, …"""
    seen: set[str] = set()
    keys = []
    for label in labels:
        base = slugify(label, "concept")
        key, n = base, 2
        while key in seen:
            key, n = f"{base}-{n}", n + 1
        seen.add(key)
        keys.append(key)
    return keys


def assign_keys(concepts: list[Concept]) -> list[Concept]:
    """Give every concept its IRI local name; deterministic for the same concepts."""
    ordered = sorted(concepts, key=lambda c: (c.pref_label.lower(), c.pref_label, c.entries))
    keys = mint_keys([c.pref_label for c in ordered])
    return [replace(c, key=k) for c, k in zip(ordered, keys)]
