"""Labels as the SKOS exports write them: trimmed, S13-clean and unambiguous across concepts.

Two concepts that the concept stage kept apart can share a preferred label ("Ticket" the
support request, "Ticket" the event pass). SKOS allows it, but iQvoc rejects the import and
qSKOS reports overlapping labels, so the exports qualify each such label the way thesauri
do, with a parenthetical qualifier, and keep the bare label as an altLabel of each:

    1. the preferred label of its broader concept:  "Ticket (Support Request)"
    2. else the publisher or title of the glossary that defines it:  "Ticket (Groove)"
    3. else its position among the clashing concepts, by IRI:  "Ticket (2)"

the first of these that tells every clashing concept apart from each other and from every
other concept's preferred label.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass

from kg.model import BROADER, Concept, KnowledgeGraph


@dataclass(frozen=True)
class Labels:
    pref: str
    alts: tuple[str, ...]


def tidy(text: str) -> str:
    """One line, single spaces, no padding: what Skosify would otherwise rewrite."""
    return " ".join(text.split())


def clash_key(label: str) -> str:
    """Labels that read the same to a person (case, spacing) clash."""
    return tidy(label).casefold()


def export_labels(kg: KnowledgeGraph) -> dict[str, Labels]:
    """Concept key -> the labels to write."""
    prefs = {c.key: tidy(c.pref_label) or c.key for c in kg.concepts}
    groups: dict[str, list[str]] = defaultdict(list)
    for key in sorted(prefs):
        groups[clash_key(prefs[key])].append(key)
    taken = set(groups)
    qualified: dict[str, str] = {}
    qualifiers = _qualifiers(kg, prefs)
    for label_key in sorted(groups):
        keys = groups[label_key]
        if len(keys) > 1:
            qualified.update(_qualify(keys, prefs, qualifiers, taken))
    result = {}
    for concept in kg.concepts:
        pref = qualified.get(concept.key, prefs[concept.key])
        candidates = [tidy(a) for a in concept.alt_labels]
        if pref != prefs[concept.key]:
            candidates.append(prefs[concept.key])
        alts = tuple(sorted({a for a in candidates if a and a != pref}))
        result[concept.key] = Labels(pref, alts)
    return result


def _qualifiers(kg: KnowledgeGraph, prefs: dict[str, str]) -> list[Callable[[str], str | None]]:
    broader: dict[str, list[str]] = defaultdict(list)
    for edge in kg.edges:
        if edge.kind == BROADER and edge.target in prefs and edge.source != edge.target:
            broader[edge.source].append(edge.target)
    entries = {e.id: e for e in kg.entries}
    sources = {s.key: s for s in kg.sources}
    concepts: dict[str, Concept] = {c.key: c for c in kg.concepts}

    def by_broader(key: str) -> str | None:
        parents = sorted(prefs[p] for p in broader.get(key, ()))
        return parents[0] if parents else None

    def by_source(key: str) -> str | None:
        for entry_id in sorted(concepts[key].entries):
            entry = entries.get(entry_id)
            source = sources.get(entry.source) if entry else None
            if source:
                return tidy(source.publisher or source.title) or None
        return None

    return [by_broader, by_source]


def _qualify(keys: list[str], prefs: dict[str, str], qualifiers, taken: set[str]) -> dict[str, str]:
    for qualifier in qualifiers:
        names = [qualifier(k) for k in keys]
        if any(n is None for n in names):
            continue
        labels = {k: f"{prefs[k]} ({n})" for k, n in zip(keys, names)}
        clash_keys = {clash_key(v) for v in labels.values()}
        if len(clash_keys) == len(keys) and not clash_keys & taken:
            taken.update(clash_keys)
            return labels
    labels, number = {}, 1
    for key in keys:
        while clash_key(f"{prefs[key]} ({number})") in taken:
            number += 1
        labels[key] = f"{prefs[key]} ({number})"
        taken.add(clash_key(labels[key]))
        number += 1
    return labels
