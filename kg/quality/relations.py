"""Relations check: precision and recall of broader and metric_of edges against a relation gold.

The gold (`relations*.json` in the gold folder) names each end of a pair by headwords: any
listed headword names that concept. `broader` and `metric_of` pairs read `from -> to`;
`not_broader` pairs are tempting links that are wrong. The glossaries the gold folder's
`entries.json` names (else every file in the folder) are built with the real pipeline, and the
gold's headwords are mapped to built concepts: a concept with an entry of that headword, else
one with that label (case, spacing and hyphens ignored).

Definitions, chosen because the gold holds only part of the truth:

- recall: a gold pair is found when some `from` concept reaches some `to` concept — for
  broader through any chain of broader edges (the graph stage removes a link a chain already
  implies), for metric_of directly. A pair whose ends cannot be mapped counts as missed.
- precision: judged over the predicted edges whose source is a `from` concept of the gold of
  that kind, plus every edge that is a not_broader pair — edges from concepts the gold says
  nothing about are not judged. An edge is right when it is a step towards a gold target of its
  source (its target is one, or reaches one through broader edges) or a link the gold's own
  chains imply (gold A -> B and B -> C make A -> C right). Everything else counts as an error,
  although some of it may be in the gold's missing half. Edges between two concepts the gold
  names as one (the same `from` list) are not judged.
- violations: not_broader pairs whose `from` concept reaches the `to` concept through broader
  edges.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

from kg.errors import InputError
from kg.graph import broader_closure
from kg.manifest import plan_for_paths
from kg.model import BROADER, METRIC_OF, KnowledgeGraph
from kg.pipeline import BuildOptions, build
from kg.quality import QualityCheck, Report, register

COLUMNS = ["kind", "gold pairs", "found", "recall", "judged", "correct", "precision",
           "not_broader violated"]


def load_relations(gold: Path) -> dict[str, list[dict]]:
    """Every relations*.json in the gold folder, merged by kind."""
    merged: dict[str, list[dict]] = {BROADER: [], METRIC_OF: [], "not_broader": []}
    for path in sorted(gold.glob("relations*.json")):
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError) as error:
            raise InputError(f"cannot read the relation gold: {error}", path=str(path)) from None
        if not isinstance(data, dict):
            raise InputError("relation gold must be an object with broader, metric_of and "
                             "not_broader lists", path=str(path))
        for kind in merged:
            pairs = data.get(kind, [])
            if not isinstance(pairs, list) or not all(
                    isinstance(p, dict) and isinstance(p.get("from"), list)
                    and isinstance(p.get("to"), list) for p in pairs):
                raise InputError(f"'{kind}' must be a list of {{from: [...], to: [...]}} pairs",
                                 path=str(path))
            merged[kind].extend(pairs)
    return merged


def glossary_files(gold: Path, glossaries: Path) -> list[Path]:
    """The files the gold's entries.json names, else every file of the folder but READMEs."""
    entries = gold / "entries.json"
    if entries.is_file():
        try:
            names = sorted(json.loads(entries.read_text(encoding="utf-8")))
        except (OSError, ValueError) as error:
            raise InputError(f"cannot read the gold entries: {error}", path=str(entries)) from None
        files = [glossaries / name for name in names if (glossaries / name).is_file()]
        if files:
            return files
    return sorted(p for p in glossaries.iterdir() if p.is_file() and not p.name.startswith(".")
                  and not p.name.lower().startswith("readme"))


def _normal(text: str) -> str:
    return " ".join(re.sub(r"[\s\-]+", " ", text.casefold()).split())


class ConceptMap:
    """Headwords of the gold -> keys of built concepts."""

    def __init__(self, kg: KnowledgeGraph):
        self.by_headword: dict[str, set[str]] = {}
        self.by_label: dict[str, set[str]] = {}
        for concept in kg.concepts:
            for entry_id in concept.entries:
                headword = kg.entry(entry_id).headword
                if headword:
                    self.by_headword.setdefault(_normal(headword), set()).add(concept.key)
            for label in concept.labels:
                self.by_label.setdefault(_normal(label), set()).add(concept.key)

    def keys(self, headwords: list[str]) -> set[str]:
        found: set[str] = set()
        for headword in headwords:
            key = _normal(headword)
            found |= self.by_headword.get(key) or self.by_label.get(key, set())
        return found


def ancestors(kg: KnowledgeGraph) -> dict[str, set[str]]:
    """Every concept's broader concepts through any chain, itself excluded."""
    return broader_closure(kg)


def _reachable(parents: dict[str, set[str]]) -> dict[str, set[str]]:
    """For each node with parents, every node reached through one or more of them."""
    closure: dict[str, set[str]] = {}
    for start in parents:
        seen: set[str] = set()
        stack = list(parents[start])
        while stack:
            node = stack.pop()
            if node not in seen:
                seen.add(node)
                stack.extend(parents.get(node, ()))
        closure[start] = seen
    return closure


def score_kind(kg: KnowledgeGraph, kind: str, pairs: list[dict], not_broader: list[dict],
               concept_map: ConceptMap, report: Report) -> list:
    up = ancestors(kg)
    mapped = [(concept_map.keys(p["from"]), concept_map.keys(p["to"])) for p in pairs]
    unmapped = sum(1 for f, t in mapped if not f or not t)
    if unmapped:
        report.notes.append(f"{kind}: {unmapped} gold pair(s) name a concept the build lacks")

    def reaches(source: str, targets: set[str]) -> bool:
        if kind == BROADER:
            return bool(up.get(source, set()) & targets)
        return any(e.kind == kind and e.source == source and e.target in targets for e in kg.edges)

    found = 0
    for (sources, targets), pair in zip(mapped, pairs):
        if any(reaches(s, targets) for s in sources):
            found += 1
        else:
            report.notes.append(f"{kind} missed: {pair['from'][0]} -> {pair['to'][0]}")
    wrong_pairs = [(concept_map.keys(p["from"]), concept_map.keys(p["to"])) for p in not_broader]
    judged_sources = {s for f, _ in mapped for s in f}
    implied = _gold_closure(mapped) if kind == BROADER else {}
    judged = correct = 0
    for edge in kg.edges:
        if edge.kind != kind:
            continue
        wrong = kind == BROADER and any(edge.source in f and edge.target in t for f, t in wrong_pairs)
        if edge.source not in judged_sources and not wrong:
            continue
        if any(edge.source in f and edge.target in f for f, _ in mapped):
            continue  # the gold names both ends as one concept
        judged += 1
        steps = {edge.target} | (up.get(edge.target, set()) if kind == BROADER else set())
        right = any(edge.source in f and steps & t for f, t in mapped) or (
            edge.target in implied.get(edge.source, set()))
        if right and not wrong:
            correct += 1
        else:
            report.notes.append(f"{kind} judged wrong: {edge.source} -> {edge.target} "
                                f"({edge.evidence.method})")
    violated = 0
    if kind == BROADER:
        for (sources, targets), pair in zip(wrong_pairs, not_broader):
            if any(up.get(s, set()) & targets for s in sources):
                violated += 1
                report.notes.append(f"not_broader violated: {pair['from'][0]} -> {pair['to'][0]}")
    recall = found / len(pairs) if pairs else 1.0
    precision = correct / judged if judged else 1.0
    return [kind, len(pairs), found, round(recall, 4), judged, correct, round(precision, 4),
            violated if kind == BROADER else ""]


def _gold_closure(mapped: list[tuple[set[str], set[str]]]) -> dict[str, set[str]]:
    """What the gold's broader pairs imply through chains of them (A -> B -> C gives A -> C)."""
    parents: dict[str, set[str]] = {}
    for sources, targets in mapped:
        for source in sources:
            parents.setdefault(source, set()).update(targets)
    return _reachable(parents)


def build_glossaries(gold: Path, glossaries: Path) -> KnowledgeGraph:
    plan = plan_for_paths(glossary_files(gold, glossaries))
    return build(plan, BuildOptions(skip_bad_files=True))


def run(gold: Path, glossaries: Path) -> Report | None:
    if not any(gold.glob("relations*.json")):
        return None
    relations = load_relations(gold)
    kg = build_glossaries(gold, glossaries)
    concept_map = ConceptMap(kg)
    report = Report("relations", list(COLUMNS))
    for kind in (BROADER, METRIC_OF):
        report.rows.append(score_kind(kg, kind, relations[kind], relations["not_broader"],
                                      concept_map, report))
    report.notes.sort()
    report.notes.insert(0, "precision is judged over predicted edges whose source the gold "
                           "names; see kg/quality/relations.py for the definitions")
    return report


register(QualityCheck("relations", "precision and recall of broader and metric_of edges", run))
