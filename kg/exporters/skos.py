"""The SKOS import profile: NAME.skos.ttl, NAME.skos.nt, NAME.skos.rdf, NAME.skos.jsonld.

Plain SKOS as the taxonomy tools read it (see docs/skos-profile.md): tools infer nothing, so
every link is written both ways; one scheme with full metadata; every concept in the scheme
and reachable from a top concept; plain language-tagged definitions (provenance lives in
the full graph, NAME.ttl). The four files hold the same triples:

    .ttl     Skosmos, VocBench, PoolParty, SKOS Play
    .nt      iQvoc (N-Triples only)
    .rdf     TemaTres (RDF/XML, each concept a <skos:Concept rdf:about=…> under rdf:RDF)
    .jsonld  JSON-LD consumers
"""

from __future__ import annotations

import heapq
from collections import defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from kg.exporters import Exporter, register
from kg.exporters.rdf_terms import (
    RDF_TYPE, concept_iri, date_time, dct, iri, is_safe_iri, lang_text, ns, plain, scheme_iri, skos,
    source_iri, statement,
)
from kg.exporters.rdf_write import Conversions, Group, mark_written, write_ntriples
from kg.exporters.skos_labels import Labels, export_labels, tidy
from kg.model import BROADER, METRIC_OF, SYNONYM, KnowledgeGraph
from kg.validate.hierarchy import Ancestors, acyclic
from kg.vocabulary import PREFIXES

# Edge kinds a plain-SKOS tool should still see as an association (skos:related). Mentioned-in
# is too weak: every term used in a definition would become "related".
RELATED_KINDS = (METRIC_OF, SYNONYM)
SKOS_EXTENSIONS = ("ttl", "nt", "rdf", "jsonld")


@dataclass(frozen=True)
class ConceptLinks:
    """The hierarchy and associations the SKOS profile writes, computed once per build."""

    broader: dict[str, tuple[str, ...]]  # concept -> its broader concepts
    narrower: dict[str, tuple[str, ...]]
    related: dict[str, tuple[str, ...]]  # symmetric
    top: tuple[str, ...]


def concept_links(kg: KnowledgeGraph) -> ConceptLinks:
    keys = {c.key for c in kg.concepts}
    broader: dict[str, set[str]] = defaultdict(set)
    narrower: dict[str, set[str]] = defaultdict(set)
    for edge in kg.edges:
        if edge.kind == BROADER and edge.source != edge.target and {edge.source, edge.target} <= keys:
            broader[edge.source].add(edge.target)
            narrower[edge.target].add(edge.source)
    ancestors = Ancestors(broader, acyclic(broader))  # only the ends of related links are asked
    related: dict[str, set[str]] = defaultdict(set)
    for edge in kg.edges:
        a, b = edge.source, edge.target
        if edge.kind not in RELATED_KINDS or a == b or not {a, b} <= keys:
            continue
        # S27: skos:related is disjoint with skos:broaderTransitive, through any chain.
        if b in ancestors(a) or a in ancestors(b):
            continue
        related[a].add(b)
        related[b].add(a)
    return ConceptLinks(
        broader={k: tuple(sorted(v)) for k, v in broader.items()},
        narrower={k: tuple(sorted(v)) for k, v in narrower.items()},
        related={k: tuple(sorted(v)) for k, v in related.items()},
        top=tuple(sorted(keys - set(broader))),
    )


def scheme_group(kg: KnowledgeGraph, top: tuple[str, ...]) -> Group:
    """The concept scheme: its metadata, sources and top concepts."""
    scheme = kg.scheme
    node = iri(scheme_iri(scheme))
    lang = scheme.language
    lines = [statement(node, predicate, obj) for predicate, obj in (
        (RDF_TYPE, skos("ConceptScheme")),
        (skos("prefLabel"), lang_text(tidy(scheme.title), lang)),
        (dct("title"), lang_text(tidy(scheme.title), lang)),
        (dct("description"), lang_text(scheme.description.strip(), lang)),
        (dct("creator"), plain(scheme.creator)),
        (dct("publisher"), plain(scheme.publisher)),
        (dct("created"), date_time(scheme.created)),
        (dct("modified"), date_time(scheme.modified)),
        (dct("language"), plain(lang)),
        (ns("owl", "versionInfo"), plain(scheme.version)),
        (ns("vann", "preferredNamespaceUri"), plain(scheme.base_iri)),
    )]
    if is_safe_iri(scheme.license):
        lines.append(statement(node, dct("license"), iri(scheme.license)))
    else:  # a licence named in words is still worth keeping, but not as an IRI
        lines.append(statement(node, dct("rights"), lang_text(scheme.license, lang)))
    for source in kg.sources:
        lines.append(statement(node, dct("source"), iri(source_iri(scheme, source.key))))
    has_top = skos("hasTopConcept")
    lines += [f"{node} {has_top} <{concept_iri(scheme, key)}> .\n" for key in top]
    return node, lines


def concept_groups(kg: KnowledgeGraph, links: ConceptLinks,
                   more: Callable[[str], list[str]] | None = None) -> Iterator[Group]:
    """Each concept's SKOS lines, concepts in IRI order; `more(key)` adds lines of its own
    (the full graph's relations and flags)."""
    for node, key, lines in _concept_lines(kg, links):
        yield node, lines + more(key) if more is not None else lines


def make_profile(kg: KnowledgeGraph) -> None:
    """Make the profile both RDF exporters write (links, labels, concept lines) now: a child
    forked afterwards to write the SKOS profile starts with it, as this process does the full
    graph, instead of both making it."""
    _concept_lines(kg, _profile_of(kg).links)


def _concept_lines(kg: KnowledgeGraph, links: ConceptLinks) -> list[tuple[str, str, list[str]]]:
    """(node, concept key, SKOS lines) of each concept in IRI order, made once per graph: both
    RDF exporters write them (at 100,000 concepts, 1.5 s each time)."""
    profile = _profile_of(kg)
    if profile.concept_lines is not None:
        return profile.concept_lines
    scheme = kg.scheme
    lang = scheme.language
    labels = profile.labels
    top = set(links.top)
    scheme_node = iri(scheme_iri(scheme))
    entries = {e.id: e for e in kg.entries}
    languages = {s.key: s.language for s in kg.sources}
    nodes = profile.nodes
    in_scheme, pref_label, alt_label, definition, top_of = (
        skos("inScheme"), skos("prefLabel"), skos("altLabel"), skos("definition"), skos("topConceptOf"))
    concept_class = skos("Concept")
    tables = [(skos(relation), table) for relation, table in (
        ("broader", links.broader), ("narrower", links.narrower), ("related", links.related))]
    result = []
    for node, concept in sorted((nodes[c.key], c) for c in kg.concepts):
        key = concept.key
        lines = [f"{node} {RDF_TYPE} {concept_class} .\n", f"{node} {in_scheme} {scheme_node} .\n",
                 f"{node} {pref_label} {lang_text(labels[key].pref, lang)} .\n"]
        lines += [f"{node} {alt_label} {lang_text(alt, lang)} .\n" for alt in labels[key].alts]
        for entry_id in concept.entries:
            entry = entries.get(entry_id)
            text = entry.text.strip() if entry is not None else ""
            if text:  # the same text twice is one line, and lines are written once
                language = languages.get(entry.source, lang)
                lines.append(f"{node} {definition} {lang_text(text, language)} .\n")
        for predicate, table in tables:
            lines += [f"{node} {predicate} {nodes[b]} .\n" for b in table.get(key, ())]
        if key in top:
            lines.append(f"{node} {top_of} {scheme_node} .\n")
        result.append((node, key, lines))
    profile.concept_lines = result
    return result


def skos_groups(kg: KnowledgeGraph, more: Callable[[str], list[str]] | None = None) -> Iterator[Group]:
    """The SKOS profile as subject groups in order (rdf_write.write_ntriples)."""
    links = _profile_of(kg).links
    return heapq.merge([scheme_group(kg, links.top)], concept_groups(kg, links, more),
                       key=lambda group: group[0])


@dataclass
class _Profile:
    """What both RDF exporters write of a graph's SKOS profile, made once per graph."""

    links: ConceptLinks
    labels: dict[str, Labels]
    nodes: dict[str, str]  # concept key -> its IRI as an N-Triples term
    concept_lines: list[tuple[str, str, list[str]]] | None = None  # once made (_concept_lines)


def _profile_of(kg: KnowledgeGraph) -> _Profile:
    """The profile of the last graph exported: both RDF exporters write it, and at 100,000
    concepts its links and labels cost 2 s and its concept lines 1.5 s. Kept by identity (a
    KnowledgeGraph is frozen, and hashing one would read all of it)."""
    if _last_profile and _last_profile[0] is kg:
        return _last_profile[1]
    profile = _Profile(concept_links(kg), export_labels(kg),
                       {c.key: iri(concept_iri(kg.scheme, c.key)) for c in kg.concepts})
    _last_profile[:] = [kg, profile]
    return profile


_last_profile: list = []


def forget_profile() -> None:
    """Drop the cached profile: it would keep the last exported graph alive."""
    _last_profile.clear()


def profile_nodes(kg: KnowledgeGraph) -> dict[str, str]:
    """Each concept's IRI as an N-Triples term, by key: every RDF exporter names concepts."""
    return _profile_of(kg).nodes


def profile_labels(kg: KnowledgeGraph) -> dict[str, Labels]:
    """The labels the SKOS profile writes for each concept (qualified where two clash)."""
    return _profile_of(kg).labels


def prefixes_for(kg: KnowledgeGraph) -> dict[str, str]:
    """Our prefixes, plus the empty prefix for the concept namespace (readable Turtle)."""
    return {"": kg.scheme.base_iri, **PREFIXES}


def write(kg: KnowledgeGraph, folder: Path, conversions: Conversions | None) -> list[str]:
    """NAME.skos.nt straight from the groups, and the other syntaxes converted from it. Given
    no conversions (a forked child, Exporter.alone), only NAME.skos.nt, marked whole once
    written: the parent's workers convert it meanwhile (`beside`)."""
    stem = f"{kg.scheme.name}.skos"
    ntriples = folder / f"{stem}.nt"
    if conversions is None:
        with open(ntriples, "wb") as out:
            write_ntriples(skos_groups(kg), out)
        mark_written(ntriples)
        return [ntriples.name]
    conversions.write_and_convert(
        ntriples, lambda out, _: write_ntriples(skos_groups(kg), out), _converted(folder, stem), prefixes_for(kg))
    return [f"{stem}.{extension}" for extension in SKOS_EXTENSIONS]


def beside(kg: KnowledgeGraph, folder: Path, conversions: Conversions) -> list[str]:
    """What this process does while a forked child writes NAME.skos.nt: convert it as it grows."""
    stem = f"{kg.scheme.name}.skos"
    targets = _converted(folder, stem)
    conversions.convert_elsewhere(folder / f"{stem}.nt", targets, prefixes_for(kg))
    return [target.name for target, _ in targets]


def _converted(folder: Path, stem: str) -> list[tuple[Path, str]]:
    return [(folder / f"{stem}.{extension}", extension) for extension in SKOS_EXTENSIONS if extension != "nt"]


# alone: a large build writes the N-Triples in a forked child, so that this process starts on
# the full graph at once, and converts them here (`beside`) as they grow
register(Exporter("skos", "the SKOS import profile (NAME.skos.ttl, .nt, .rdf, .jsonld)", write, alone=True,
                  prepare=make_profile, beside=beside))
