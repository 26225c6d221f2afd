"""What changed between two builds: the changelog a vocabulary publisher attaches to a release.

    change = diff_graphs(load_snapshot(Path("old/")), load_snapshot(Path("exports/")))
    print(render_text(change))

Works on the RDF alone (any SKOS file, ours or not; parsed with pyoxigraph, which reads
every common syntax and is fast on large graphs), so it never depends on kg's internals:
concepts are `skos:Concept` subjects matched by IRI; labels are `skos:prefLabel`, `altLabel` and
`hiddenLabel`; definitions `skos:definition`; an edge is any triple between two concepts, named by
its predicate's local name (`skos:narrower` read as `broader` reversed, symmetric relations once
per pair). An edge's evidence (`rdf:subject`/`rdf:predicate`/`rdf:object` statements with a
`method`) is compared too, so an edge a curator accepted shows up as re-attributed.
Labels and definitions are compared on concepts both builds have; a new concept brings its own.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import pyoxigraph

from kg.errors import InputError
from kg.sparql import graph_file

SKOS_NS = "http://www.w3.org/2004/02/skos/core#"
RDF_NS = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
LABEL_PROPERTIES = ("prefLabel", "altLabel", "hiddenLabel")
SYMMETRIC = {"related", "synonymOf", "exactMatch", "closeMatch", "relatedMatch"}
INVERSE = {"narrower": "broader", "narrowerTransitive": "broaderTransitive", "narrowMatch": "broadMatch"}
RDF_SUFFIXES = (".ttl", ".nt", ".jsonld", ".rdf", ".owl", ".n3", ".trig", ".nq")
FORMATS = ("text", "json")


def local_name(iri: str) -> str:
    return re.split(r"[/#]", iri.rstrip("/#"))[-1]


@lru_cache(maxsize=4096)
def _property_name(iri: str) -> str:
    """A predicate's local name; a graph has few predicates and many triples, hence the cache."""
    return local_name(iri)


# --- reading ---------------------------------------------------------------------------------

def parse_rdf(path: Path) -> tuple[Path, list]:
    """Every triple of the graph a path means, with the file read."""
    file = graph_file(path)
    try:
        rdf_format = pyoxigraph.RdfFormat.from_extension(file.suffix.lstrip(".") or "ttl")
    except ValueError:
        rdf_format = None
    if rdf_format is None:
        raise InputError(f"cannot tell the RDF syntax of '{file.name}'", path=str(file),
                         hint=f"use one of {', '.join(RDF_SUFFIXES)}")
    try:
        return file, list(pyoxigraph.parse(path=str(file), format=rdf_format))
    except SyntaxError as error:
        raise InputError(f"not valid {rdf_format.name}: {error.msg}", path=str(file),
                         line=error.lineno) from None
    except (OSError, ValueError) as error:
        raise InputError(f"cannot read the graph: {error}", path=str(file)) from None


@dataclass(frozen=True)
class Snapshot:
    """The comparable facts of one build: tuples of plain strings, so a diff is set arithmetic."""

    file: str
    concepts: frozenset[str]
    labels: frozenset[tuple[str, str, str, str]]  # (concept, property, text, language)
    definitions: frozenset[tuple[str, str, str]]  # (concept, text, language)
    edges: frozenset[tuple[str, str, str]]  # (kind, source, target)
    evidence: dict[tuple[str, str, str], tuple[str, ...]] = field(default_factory=dict)  # edge -> methods

    def preferred(self) -> dict[str, list[str]]:
        """Concept -> its preferred labels as sorted literals ('"text"@lang'), in one pass."""
        found: dict[str, list[str]] = {}
        for concept, prop, text, language in self.labels:
            if prop == "prefLabel":
                found.setdefault(concept, []).append(_literal(text, language))
        return {concept: sorted(literals) for concept, literals in found.items()}

    def names(self) -> dict[str, str]:
        """Concept -> a label to show: its first preferred label, else its IRI's local name."""
        texts: dict[str, list[str]] = {}
        for concept, prop, text, _ in self.labels:
            if prop == "prefLabel":
                texts.setdefault(concept, []).append(text)
        return {c: min(texts[c]) if c in texts else local_name(c) for c in self.concepts}


def load_snapshot(path: Path) -> Snapshot:
    file, triples = parse_rdf(path)
    return snapshot(str(file), triples)


def snapshot(file: str, triples: list) -> Snapshot:
    concepts = {t.subject.value for t in triples
                if t.predicate.value == RDF_NS + "type" and t.object.value == SKOS_NS + "Concept"}
    labels, definitions, edges = set(), set(), set()
    statements: dict[str, dict[str, list[str]]] = {}
    for t in triples:
        subject, predicate, obj = t.subject.value, t.predicate.value, t.object
        if predicate.startswith(RDF_NS) and predicate[len(RDF_NS):] in ("subject", "predicate", "object"):
            statements.setdefault(subject, {}).setdefault(predicate[len(RDF_NS):], []).append(obj.value)
            continue
        if subject not in concepts:
            if _property_name(predicate) == "method" and isinstance(obj, pyoxigraph.Literal):
                statements.setdefault(subject, {}).setdefault("method", []).append(obj.value)
            continue
        name = _property_name(predicate)
        if isinstance(obj, pyoxigraph.Literal):
            if predicate.startswith(SKOS_NS) and name in LABEL_PROPERTIES:
                labels.add((subject, name, obj.value, obj.language or ""))
            elif predicate == SKOS_NS + "definition":
                definitions.add((subject, obj.value, obj.language or ""))
        elif obj.value in concepts:
            edges.add(_edge(name, subject, obj.value))
    evidence: dict[tuple[str, str, str], set[str]] = {}
    for parts in statements.values():
        if all(parts.get(k) for k in ("subject", "predicate", "object", "method")):
            edge = _edge(local_name(parts["predicate"][0]), parts["subject"][0], parts["object"][0])
            evidence.setdefault(edge, set()).update(parts["method"])
    return Snapshot(file, frozenset(concepts), frozenset(labels), frozenset(definitions),
                    frozenset(edges), {e: tuple(sorted(m)) for e, m in sorted(evidence.items())})


def _edge(name: str, source: str, target: str) -> tuple[str, str, str]:
    if name in INVERSE:
        return INVERSE[name], target, source
    if name in SYMMETRIC and target < source:
        return name, target, source
    return name, source, target


# --- comparing -------------------------------------------------------------------------------

@dataclass(frozen=True)
class GraphDiff:
    old: str
    new: str
    concepts_added: tuple[str, ...] = ()
    concepts_removed: tuple[str, ...] = ()
    relabelled: tuple[tuple[str, str, str], ...] = ()  # (concept, old preferred, new preferred)
    labels_added: tuple[tuple[str, str, str, str], ...] = ()
    labels_removed: tuple[tuple[str, str, str, str], ...] = ()
    definitions_added: tuple[tuple[str, str, str], ...] = ()
    definitions_removed: tuple[tuple[str, str, str], ...] = ()
    edges_added: tuple[tuple[str, str, str], ...] = ()
    edges_removed: tuple[tuple[str, str, str], ...] = ()
    reattributed: tuple[tuple[tuple[str, str, str], tuple[str, ...], tuple[str, ...]], ...] = ()
    names: dict[str, str] = field(default_factory=dict, compare=False)  # concept -> a label to show

    @property
    def empty(self) -> bool:
        return not any(getattr(self, name) for name in COUNTED)

    def counts(self) -> dict[str, int]:
        return {name: len(getattr(self, name)) for name in COUNTED}

    def edges_by_kind(self) -> dict[str, dict[str, int]]:
        added = Counter(kind for kind, _, _ in self.edges_added)
        removed = Counter(kind for kind, _, _ in self.edges_removed)
        return {kind: {"added": added[kind], "removed": removed[kind]}
                for kind in sorted(set(added) | set(removed))}


COUNTED = ("concepts_added", "concepts_removed", "relabelled", "labels_added", "labels_removed",
           "definitions_added", "definitions_removed", "edges_added", "edges_removed", "reattributed")


def diff_graphs(old: Snapshot, new: Snapshot) -> GraphDiff:
    kept = old.concepts & new.concepts
    old_prefs, new_prefs = old.preferred(), new.preferred()
    relabelled = [(c, " | ".join(old_prefs.get(c, [])), " | ".join(new_prefs.get(c, [])))
                  for c in sorted(kept) if old_prefs.get(c) != new_prefs.get(c)]
    # Preferred-label changes are reported as relabellings, the other labels one by one.
    old_labels = {l for l in old.labels if l[0] in kept and l[1] != "prefLabel"}
    new_labels = {l for l in new.labels if l[0] in kept and l[1] != "prefLabel"}
    old_definitions = {d for d in old.definitions if d[0] in kept}
    new_definitions = {d for d in new.definitions if d[0] in kept}
    reattributed = [(edge, old.evidence[edge], new.evidence[edge])
                    for edge in sorted(old.edges & new.edges)
                    if edge in old.evidence and edge in new.evidence
                    and old.evidence[edge] != new.evidence[edge]]
    names = old.names() | new.names()
    return GraphDiff(
        old=old.file, new=new.file,
        concepts_added=tuple(sorted(new.concepts - old.concepts)),
        concepts_removed=tuple(sorted(old.concepts - new.concepts)),
        relabelled=tuple(relabelled),
        labels_added=tuple(sorted(new_labels - old_labels)),
        labels_removed=tuple(sorted(old_labels - new_labels)),
        definitions_added=tuple(sorted(new_definitions - old_definitions)),
        definitions_removed=tuple(sorted(old_definitions - new_definitions)),
        edges_added=tuple(sorted(new.edges - old.edges)),
        edges_removed=tuple(sorted(old.edges - new.edges)),
        reattributed=tuple(reattributed),
        names=names,
    )


def _literal(text: str, language: str) -> str:
    return json.dumps(text, ensure_ascii=False) + (f"@{language}" if language else "")


def diff_paths(old: Path, new: Path) -> GraphDiff:
    return diff_graphs(load_snapshot(old), load_snapshot(new))


# --- reporting -------------------------------------------------------------------------------

def render_json(change: GraphDiff) -> str:
    def concept(iri: str) -> dict:
        return {"iri": iri, "label": change.names.get(iri, local_name(iri))}

    def label(item) -> dict:
        c, prop, text, lang = item
        return {"concept": c, "property": prop, "value": text, "language": lang}

    def definition(item) -> dict:
        c, text, lang = item
        return {"concept": c, "value": text, "language": lang}

    def edge(item) -> dict:
        kind, source, target = item
        return {"kind": kind, "source": source, "target": target}

    data = {
        "old": change.old, "new": change.new, "counts": change.counts(),
        "concepts": {"added": [concept(c) for c in change.concepts_added],
                     "removed": [concept(c) for c in change.concepts_removed],
                     "relabelled": [{"iri": c, "old": o, "new": n} for c, o, n in change.relabelled]},
        "labels": {"added": [label(l) for l in change.labels_added],
                   "removed": [label(l) for l in change.labels_removed]},
        "definitions": {"added": [definition(d) for d in change.definitions_added],
                        "removed": [definition(d) for d in change.definitions_removed]},
        "edges": {"added": [edge(e) for e in change.edges_added],
                  "removed": [edge(e) for e in change.edges_removed],
                  "by_kind": change.edges_by_kind(),
                  "reattributed": [edge(e) | {"old_methods": list(o), "new_methods": list(n)}
                                   for e, o, n in change.reattributed]},
    }
    return json.dumps(data, indent=2, ensure_ascii=False, sort_keys=False) + "\n"


def render_text(change: GraphDiff) -> str:
    def name(iri: str) -> str:
        return change.names.get(iri) or local_name(iri)

    counts = change.counts()
    kinds = ", ".join(f"{kind} +{n['added']} -{n['removed']}" for kind, n in change.edges_by_kind().items())
    lines = [f"kg diff {change.old} -> {change.new}", ""]
    if change.empty:
        return "\n".join(lines + ["No changes."]) + "\n"
    lines += [
        f"  concepts     +{counts['concepts_added']} -{counts['concepts_removed']}, "
        f"{counts['relabelled']} relabelled",
        f"  labels       +{counts['labels_added']} -{counts['labels_removed']}",
        f"  definitions  +{counts['definitions_added']} -{counts['definitions_removed']}",
        f"  edges        +{counts['edges_added']} -{counts['edges_removed']}"
        + (f"  ({kinds})" if kinds else "")
        + (f", {counts['reattributed']} re-attributed" if counts["reattributed"] else ""),
    ]

    def section(title: str, rows: list[str]) -> None:
        if rows:
            lines.extend(["", f"{title} ({len(rows)})", *rows])

    section("Concepts added", [f"  + {name(c)}  <{c}>" for c in change.concepts_added])
    section("Concepts removed", [f"  - {name(c)}  <{c}>" for c in change.concepts_removed])
    section("Relabelled", [f"  ~ {o} -> {n}  <{c}>" for c, o, n in change.relabelled])
    section("Labels added", [f"  + {name(c)}: {p} {_literal(t, lang)}"
                             for c, p, t, lang in change.labels_added])
    section("Labels removed", [f"  - {name(c)}: {p} {_literal(t, lang)}"
                               for c, p, t, lang in change.labels_removed])
    section("Definitions added", [f"  + {name(c)}: {_literal(t, lang)}"
                                  for c, t, lang in change.definitions_added])
    section("Definitions removed", [f"  - {name(c)}: {_literal(t, lang)}"
                                    for c, t, lang in change.definitions_removed])
    section("Edges added", [f"  + {name(s)} {k} {name(t)}" for k, s, t in change.edges_added])
    section("Edges removed", [f"  - {name(s)} {k} {name(t)}" for k, s, t in change.edges_removed])
    section("Edges re-attributed", [f"  ~ {name(s)} {k} {name(t)}: {', '.join(o)} -> {', '.join(n)}"
                                    for (k, s, t), o, n in change.reattributed])
    return "\n".join(lines) + "\n"


def render(change: GraphDiff, format: str) -> str:
    return render_json(change) if format == "json" else render_text(change)
