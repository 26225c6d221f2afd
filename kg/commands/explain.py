"""Show what a term means in the graph: the concept it resolves to, its labels, every entry
that defines it (source file and line), why its entries were merged, and its edges with the
rule, confidence and quoted evidence of each.

TERM is any label — preferred, alternative or acronym — in any case ("csat", "Bugs").
GRAPH_OR_SOURCES is a built graph (a Turtle file or an export folder) or glossary files or
folders, built first (default: the bundled sources/). A term that names no concept is an error
(exit 2) that suggests the closest labels.
"""

from __future__ import annotations

import argparse
import sys
import textwrap
from pathlib import Path

from kg.concepts import find_concepts, suggest_labels
from kg.errors import UsageError
from kg.manifest import plan_for_paths
from kg.model import Concept, KnowledgeGraph
from kg.pipeline import BuildOptions, build, default_sources_dir
from kg.review import is_graph, read_graph

HELP = "show the concept a term resolves to: labels, entries, merge reasons and edges"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("term", metavar="TERM", help="a label, alternative label or acronym")
    parser.add_argument("paths", nargs="*", metavar="GRAPH_OR_SOURCES",
                        help="a built graph (.ttl or export folder), or glossary files or folders "
                             "(default: the bundled sources/)")


def run(args: argparse.Namespace) -> int:
    kg = load(args.paths)
    sys.stdout.write(explain(kg, args.term))
    return 0


def load(given: list[str]) -> KnowledgeGraph:
    paths = [Path(p) for p in given] or [default_sources_dir()]
    if len(paths) == 1 and is_graph(paths[0]):
        return read_graph(paths[0])
    return build(plan_for_paths(paths), BuildOptions(skip_bad_files=any(p.is_dir() for p in paths)))


def explain(kg: KnowledgeGraph, term: str) -> str:
    """The report for every concept `term` names; UsageError with suggestions if none."""
    found = find_concepts(kg.concepts, term)
    if not found:
        suggestions = suggest_labels(kg.concepts, term)
        hint = ("did you mean " + ", ".join(repr(s) for s in suggestions) + "?") if suggestions \
            else "try 'kg build' and look at the exported labels"
        raise UsageError(f"no concept is labelled {term!r}", hint=hint)
    return "\n".join(describe(kg, concept) for concept in found)


def describe(kg: KnowledgeGraph, concept: Concept) -> str:
    lines = [f"{concept.pref_label}  [{concept.key}]"]
    flags = [name for name, on in (("provisional: label derived from a definition, needs review",
                                    concept.provisional), ("metric", concept.is_metric)) if on]
    if flags:
        lines.append("  " + "; ".join(flags))
    others = [label for label in concept.alt_labels if label not in concept.acronyms]
    if concept.acronyms:
        lines.append("  acronyms: " + ", ".join(concept.acronyms))
    if others:
        lines.append("  also: " + ", ".join(others))
    entries = [kg.entry(entry_id) for entry_id in concept.entries if entry_id in _entry_ids(kg)]
    lines.append(f"  entries ({len(entries)}):")
    for entry in entries:
        where = f"{_source_path(kg, entry.source)}:{entry.line}"
        lines.append(f"    {where}  {entry.headword or '(no headword)'}")
        lines.extend(_wrapped(entry.text, "      "))
    if concept.merge_reasons:
        lines.append("  merged because:")
        for reason in concept.merge_reasons:
            lines.append(f"    {reason.rule} {reason.score:.2f}: {reason.detail}")
    edges = [e for e in kg.edges if concept.key in (e.source, e.target)]
    lines.append(f"  edges ({len(edges)}):")
    labels = {c.key: c.pref_label for c in kg.concepts}
    for edge in sorted(edges, key=lambda e: (e.kind, e.source != concept.key, e.source, e.target)):
        arrow = _edge_phrase(edge.kind, edge.source == concept.key)
        other = edge.target if edge.source == concept.key else edge.source
        evidence = edge.evidence
        where = ""
        if evidence.entry and evidence.entry in _entry_ids(kg):
            entry = kg.entry(evidence.entry)
            where = f" ({_source_path(kg, entry.source)}:{entry.line})"
        lines.append(f"    {arrow} {labels.get(other, other)}  [{evidence.method} "
                     f"{evidence.confidence:.2f}]{where}")
        if evidence.quote:
            lines.extend(_wrapped(f"“{evidence.quote}”", "      "))
    return "\n".join(lines) + "\n"


def _edge_phrase(kind: str, outgoing: bool) -> str:
    phrases = {"broader": ("narrower than", "broader than"),
               "metric_of": ("measures", "measured by"),
               "mentioned_in": ("mentioned in", "mentions"),
               "synonym": ("near-synonym of", "near-synonym of")}
    forward, backward = phrases.get(kind, (kind, f"{kind} (inverse)"))
    return forward if outgoing else backward


def _entry_ids(kg: KnowledgeGraph) -> set[str]:
    cache = kg.__dict__.get("_explain_entry_ids")
    if cache is None:
        cache = {e.id for e in kg.entries}
        object.__setattr__(kg, "_explain_entry_ids", cache)
    return cache


def _source_path(kg: KnowledgeGraph, key: str) -> str:
    paths = {s.key: s.path for s in kg.sources}
    return paths.get(key, key)


def _wrapped(text: str, indent: str, width: int = 100) -> list[str]:
    shown = " ".join(text.split())
    if len(shown) > 400:
        shown = shown[:400].rsplit(" ", 1)[0] + " …"
    return textwrap.wrap(shown, width=width, initial_indent=indent, subsequent_indent=indent)
