"""The review queue: what a curator should look at, each item with the decision to paste.

    items = review_queue(kg, below=0.7)
    print(render(items, "markdown"))

Four kinds of item, in this order: provisional concepts (labels derived from headword-less
entries), inferred edges below the threshold, near-synonym candidates (synonym edges: merge
them or reject the link), and reported traps (Findings; one located at an entry offers to
confirm or split off that entry). Each item's `accept` and `reject` are `[[...]]` tables for the
decisions file (kg.decisions); pasting one and rebuilding takes the item off the queue.
"""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass
from pathlib import Path

from kg.config import DEFAULT
from kg.decisions import CURATED, ConceptIndex
from kg.diff import RDF_NS, RDF_SUFFIXES, SKOS_NS, local_name, parse_rdf
from kg.manifest import MANIFEST_NAME
from kg.model import (SYNONYM, Concept, Edge, Entry, Evidence, KnowledgeGraph, Scheme, Source)
from kg.vocabulary import EDGE_PROPERTY

CATEGORIES = {  # name -> heading, in queue order
    "provisional": "Provisional concepts",
    "low-confidence": "Low-confidence edges",
    "synonym-candidate": "Near-synonym candidates",
    "trap": "Reported traps",
}
FORMATS = ("table", "csv", "markdown")
_QUOTE_CHARS = 160  # a quote longer than this is cut in the queue; the export keeps it whole


@dataclass(frozen=True)
class ReviewItem:
    category: str  # a key of CATEGORIES
    subject: str  # what to look at: a concept's label, or "A broader B"
    detail: str  # why it is queued: the rule, its confidence and quote, or the finding
    where: str  # "file:line" of the text behind it, "" where there is none
    confidence: float | None
    accept: str  # decision to paste to accept it; "" where no decision applies
    reject: str


def review_queue(kg: KnowledgeGraph, below: float = DEFAULT.review.below) -> list[ReviewItem]:
    namer = _Namer(kg)
    items = [*_provisional(kg, namer), *_low_confidence(kg, namer, below),
             *_synonym_candidates(kg, namer), *_traps(kg, namer)]
    order = list(CATEGORIES)
    return sorted(items, key=lambda i: (order.index(i.category), i.confidence or 0.0, i.where, i.subject))


class _Namer:
    """How a decision should name a concept: its preferred label where that is unambiguous."""

    def __init__(self, kg: KnowledgeGraph):
        self.kg = kg
        self.index = ConceptIndex(list(kg.concepts))

    def name(self, key: str) -> str:
        concept = self.kg.concept(key)
        found, _ = self.index.resolve(concept.pref_label)
        return concept.pref_label if found is not None and found.key == key else key

    def where(self, entry_id: str | None) -> str:
        if entry_id is None:
            return ""
        try:
            entry = self.kg.entry(entry_id)
            return f"{self.kg.source(entry.source).path}:{entry.line}"
        except KeyError:
            return ""


def _toml(text: str) -> str:
    """A TOML basic string. JSON's escapes are TOML's (quotes, backslashes, control characters
    as \\uXXXX); DEL is the one character TOML also refuses raw."""
    return json.dumps(text, ensure_ascii=False).replace("\x7f", "\\u007f")


def _edge_table(action: str, kind: str, source: str, target: str) -> str:
    return f"[[{action}]]\nedge = [{_toml(source)}, {_toml(kind)}, {_toml(target)}]"


def _concept_table(action: str, concept: str, *extra: str, comment: str = "") -> str:
    # A TOML comment takes no control characters: those become spaces.
    readable = " ".join("".join(c if c.isprintable() else " " for c in comment).split())
    named = f"concept = {_toml(concept)}" + (f"  # {readable}" if readable else "")
    return "\n".join([f"[[{action}]]", named, *extra])


def _short(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= _QUOTE_CHARS else text[:_QUOTE_CHARS - 1] + "…"


def _provisional(kg: KnowledgeGraph, namer: _Namer) -> list[ReviewItem]:
    items = []
    for concept in kg.concepts:
        if not concept.provisional or concept.reviewed:
            continue
        # By key: a label made from a definition changes when the definition does, while the
        # key is kept by the IRI lock; the label rides along as a TOML comment.
        name = concept.key
        items.append(ReviewItem(
            "provisional", concept.pref_label,
            "label made from the definition's first words: its headword was lost",
            namer.where(concept.entries[0] if concept.entries else None), None,
            accept=_concept_table("mark-reviewed", name, comment=concept.pref_label),
            # An empty label is refused by the decisions file, so the placeholder must be filled in.
            reject=_concept_table("prefer-label", name, 'label = ""  # write the right label',
                                  comment=concept.pref_label)))
    return items


def _edge_detail(edge: Edge) -> str:
    return f"{edge.evidence.method} {edge.confidence:.2f}: “{_short(edge.evidence.quote)}”"


def _low_confidence(kg: KnowledgeGraph, namer: _Namer, below: float) -> list[ReviewItem]:
    items = []
    for edge in kg.edges:
        if edge.kind == SYNONYM or edge.evidence.method == CURATED or edge.confidence >= below:
            continue
        source, target = namer.name(edge.source), namer.name(edge.target)
        items.append(ReviewItem(
            "low-confidence", f"{kg.concept(edge.source).pref_label} {edge.kind} "
                              f"{kg.concept(edge.target).pref_label}",
            _edge_detail(edge), namer.where(edge.evidence.entry), edge.confidence,
            accept=_edge_table("accept", edge.kind, source, target),
            reject=_edge_table("reject", edge.kind, source, target)))
    return items


def _synonym_candidates(kg: KnowledgeGraph, namer: _Namer) -> list[ReviewItem]:
    items = []
    for edge in kg.edges:
        if edge.kind != SYNONYM or edge.evidence.method == CURATED:
            continue
        source, target = namer.name(edge.source), namer.name(edge.target)
        items.append(ReviewItem(
            "synonym-candidate", f"{kg.concept(edge.source).pref_label} = "
                                 f"{kg.concept(edge.target).pref_label}",
            _edge_detail(edge), namer.where(edge.evidence.entry), edge.confidence,
            # Accepting a near-synonym means one meaning: merge; the first keeps its IRI.
            accept=f"[[merge]]\nconcepts = [{_toml(source)}, {_toml(target)}]",
            reject=_edge_table("reject", SYNONYM, source, target)))
    return items


def _traps(kg: KnowledgeGraph, namer: _Namer) -> list[ReviewItem]:
    at_line = _concepts_at_lines(kg)
    items = []
    for finding in kg.findings:
        located = at_line.get((finding.source, finding.line), [])
        if any(concept.reviewed for concept, _ in located):
            continue  # a curator has confirmed the concept this trap touches
        accept = reject = ""
        if len(located) == 1:
            concept, source_key = located[0]
            name = namer.name(concept.key)
            accept = _concept_table("mark-reviewed", name)
            if len(concept.entries) > 1:  # splitting the only entry off would leave nothing
                reject = _concept_table("split", name,
                                        f"entries = [{_toml(f'{source_key}:{finding.line}')}]")
        where = f"{finding.source}:{finding.line}" if finding.source and finding.line else (
            finding.source or "")
        items.append(ReviewItem("trap", finding.kind, finding.message, where, None, accept, reject))
    return items


def _concepts_at_lines(kg: KnowledgeGraph) -> dict[tuple[str, int], list[tuple[Concept, str]]]:
    """(source key or path, line) -> the concepts whose entries sit there, with the source key."""
    by_entry = {entry_id: concept for concept in kg.concepts for entry_id in concept.entries}
    paths = {s.key: s.path for s in kg.sources}
    found: dict[tuple[str, int], list[tuple[Concept, str]]] = {}
    for entry in kg.entries:
        concept = by_entry.get(entry.id)
        if concept is None:
            continue
        for name in {entry.source, paths.get(entry.source, entry.source)}:
            places = found.setdefault((name, entry.line), [])
            if all(c.key != concept.key for c, _ in places):
                places.append((concept, entry.source))
    return found


# --- rendering -------------------------------------------------------------------------------

def summary(items: list[ReviewItem]) -> str:
    counts = {name: sum(i.category == name for i in items) for name in CATEGORIES}
    parts = ", ".join(f"{n} {CATEGORIES[name].lower()}" for name, n in counts.items() if n)
    return f"{len(items)} to review" + (f": {parts}" if parts else "")


def render(items: list[ReviewItem], format: str, width: int | None = None) -> str:
    return {"table": render_table, "csv": render_csv, "markdown": render_markdown}[format](items, width)


def render_csv(items: list[ReviewItem], width: int | None = None) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["category", "item", "why", "where", "confidence", "accept", "reject"])
    for item in items:
        confidence = "" if item.confidence is None else f"{item.confidence:.2f}"
        writer.writerow([item.category, item.subject, item.detail, item.where, confidence,
                         item.accept, item.reject])
    return out.getvalue()


def render_markdown(items: list[ReviewItem], width: int | None = None) -> str:
    lines = ["# Review queue", "", summary(items) + ".", "",
             "Paste the decision you take into the decisions file (`sources/decisions.toml` "
             "beside the manifest) and rebuild.", ""]
    number = 0
    for category, heading in CATEGORIES.items():
        chosen = [i for i in items if i.category == category]
        if not chosen:
            continue
        lines += [f"## {heading} ({len(chosen)})", ""]
        for item in chosen:
            number += 1
            where = f" — `{item.where}`" if item.where else ""
            lines += [f"- [ ] **{number}. {item.subject}**{where}", f"  {item.detail}", ""]
            for verb, table in (("accept", item.accept), ("reject", item.reject)):
                if table:
                    lines += [f"  {verb}:", "", "  ```toml",
                              *(f"  {line}" for line in table.split("\n")), "  ```", ""]
    return "\n".join(lines)


def render_table(items: list[ReviewItem], width: int | None = None) -> str:
    from rich.console import Console
    from rich.table import Table

    if not items:
        return summary(items) + "\n"
    table = Table(title=summary(items), show_lines=True, title_justify="left")
    table.add_column("#", justify="right")
    table.add_column("item", overflow="fold", ratio=1)
    # A wrapped line would not paste as TOML, so the decisions keep their lines whole; the
    # "# to accept" lines are TOML comments, harmless when pasted along.
    table.add_column("decide", no_wrap=True)
    for number, item in enumerate(items, 1):
        about = "\n".join(part for part in (f"{item.category}: {item.subject}", item.detail, item.where)
                          if part)
        decide = "\n".join(f"# to {verb}\n{text}" for verb, text in
                           (("accept", item.accept), ("reject", item.reject)) if text)
        table.add_row(str(number), about, decide or "(no decision applies)")
    out = io.StringIO()
    Console(file=out, width=width or 200, no_color=True, highlight=False, markup=False,
            emoji=False).print(table)
    return out.getvalue()


# --- reviewing a built graph -----------------------------------------------------------------

def is_graph(path: Path) -> bool:
    """An RDF file, or a folder of exports (Turtle files and no manifest) rather than glossaries."""
    if path.is_file():
        return path.suffix.lower() in RDF_SUFFIXES
    return (path.is_dir() and not (path / MANIFEST_NAME).is_file()
            and any(path.glob("*.ttl")))


_KIND_OF_PROPERTY = {"broader": "broader"} | {name: kind for kind, name in EDGE_PROPERTY.items()}


def read_graph(path: Path) -> KnowledgeGraph:
    """The reviewable part of an export (terms of ontology/kg.ttl): concepts with their flags,
    edges with their evidence, entries with their lines. Findings are not exported."""
    file, triples = parse_rdf(path)
    facts: dict[str, dict[str, list[str]]] = {}
    for t in triples:
        facts.setdefault(t.subject.value, {}).setdefault(_short_name(t.predicate.value), []).append(
            t.object.value)
    typed = lambda cls: sorted(n for n, p in facts.items() if cls in p.get("type", []))  # noqa: E731
    kinds = {_short_name(n): n for p in facts.values() for n in p.get("type", [])}
    sources = {node: Source(key=local_name(node), path=_text(facts[node], "identifier") or local_name(node),
                            title=_text(facts[node], "title") or "")
               for node in typed(kinds.get("Source", ""))}
    entries: dict[str, Entry] = {}
    defined: dict[str, list[str]] = {}
    for ordinal, node in enumerate(typed(kinds.get("Entry", "")), 1):
        props = facts[node]
        source = _text(props, "source") or "unknown"
        entries[node] = Entry(sources[source].key if source in sources else local_name(source),
                              int(_text(props, "line") or 0), _text(props, "headword"),
                              _text(props, "value") or "", ordinal=ordinal)
        for concept in props.get("defines", []):
            defined.setdefault(concept, []).append(entries[node].id)
    concept_nodes = typed(SKOS_NS + "Concept")
    concepts = []
    for node in concept_nodes:
        props = facts[node]
        prefs = sorted(props.get("prefLabel", [])) or [local_name(node)]
        concepts.append(Concept(
            key=local_name(node), pref_label=prefs[0],
            alt_labels=tuple(sorted(set(props.get("altLabel", [])) - {prefs[0]})),
            entries=tuple(defined.get(node, ())),
            provisional=_text(props, "provisional") == "true",
            reviewed=_text(props, "reviewed") == "true"))
    keys = {c.key for c in concepts}
    edges: dict[tuple[str, str, str], Edge] = {}
    for props in facts.values():
        kind = _KIND_OF_PROPERTY.get(local_name(_text(props, "predicate") or ""))
        source = local_name(_text(props, "subject") or "")
        target = local_name(_text(props, "object") or "")
        if kind is None or "confidence" not in props or not {source, target} <= keys:
            continue
        if kind == SYNONYM and target < source:
            source, target = target, source
        derived = entries.get(_text(props, "wasDerivedFrom") or "")
        evidence = Evidence(_text(props, "method") or "", float(_text(props, "confidence")),
                            _text(props, "quote") or "", derived.id if derived else None)
        edges.setdefault((kind, source, target), Edge(kind, source, target, evidence))
    base = concept_nodes[0][: -len(concepts[0].key)] if concepts else "https://example.org/kg/"
    scheme = Scheme(name=file.stem, title=file.stem, description="", base_iri=base)
    return KnowledgeGraph(scheme, tuple(sources.values()), tuple(entries.values()), tuple(concepts),
                          tuple(edges[k] for k in sorted(edges)))


def _short_name(predicate: str) -> str:
    return predicate[len(RDF_NS):] if predicate.startswith(RDF_NS) else local_name(predicate)


def _text(props: dict[str, list[str]], name: str) -> str | None:
    values = sorted(props.get(name, []))
    return values[0] if values else None
