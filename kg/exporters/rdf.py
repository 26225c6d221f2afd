"""The full graph for SPARQL users: NAME.ttl and NAME.jsonld.

Everything of the SKOS profile, plus what a taxonomist asks next (terms in ontology/kg.ttl):

    ?concept kg:metricOf | kg:mentionedIn | kg:synonymOf ?other ; kg:provisional true ;
             kg:labelWord "score" .  # each word of its labels: label search from an index
    ?entry a kg:Entry ; kg:headword "…" ; rdf:value "the definition"@en ; dct:source ?source ;
           kg:line 12 ; kg:defines ?concept .
    ?source a kg:Source ; dct:title "…" ; dct:publisher "…" ; dcat:landingPage <…> .
    ?evidence a kg:Evidence ; rdf:subject ?a ; rdf:predicate kg:metricOf ; rdf:object ?b ;
           kg:confidence 0.9 ; kg:method "…" ; kg:quote "…" ; prov:wasDerivedFrom ?entry .
"""

from __future__ import annotations

import heapq
import io
import re
from collections import defaultdict
from collections.abc import Iterator
from operator import itemgetter
from pathlib import Path
from typing import TYPE_CHECKING

from kg.exporters import Exporter, register
from kg.exporters.rdf_terms import (
    N_TRIPLES, RDF_TYPE, NTriplesTerms, boolean, decimal, dct, entry_iri, evidence_iri,
    evidence_slug, integer, iri, is_safe_iri, kg_node, lang_text, ns, plain, skos, source_iri, statement,
)
from kg.exporters.rdf_write import Conversions, Group, write_ntriples
from kg.exporters.skos import prefixes_for, profile_labels, profile_nodes, skos_groups
from kg.exporters.turtle import TurtleTerms, write_turtle
from kg.model import BROADER, SYNONYM, Edge, KnowledgeGraph
from kg.vocabulary import EDGE_PROPERTY

Terms = NTriplesTerms | TurtleTerms  # the syntax a template writes in

if TYPE_CHECKING:
    import rdflib

FULL_EXTENSIONS = ("ttl", "jsonld")


def edge_predicate(kind: str) -> str:
    return skos("broader") if kind == BROADER else kg_node(EDGE_PROPERTY[kind])


def relation_lines(kg: KnowledgeGraph) -> dict[str, list[str]]:
    """Our concept relations and flags, by concept key; synonymOf is symmetric, so written
    both ways (the reverse line belongs to the other concept)."""
    scheme = kg.scheme
    nodes = profile_nodes(kg)
    predicates = {kind: edge_predicate(kind) for kind in {edge.kind for edge in kg.edges}}
    lines: dict[str, list[str]] = defaultdict(list)
    for edge in kg.edges:
        a, b = nodes.get(edge.source), nodes.get(edge.target)
        if edge.kind == BROADER or a is None or b is None or a == b:
            continue
        predicate = predicates[edge.kind]
        lines[edge.source].append(f"{a} {predicate} {b} .\n")
        if edge.kind == SYNONYM:
            lines[edge.target].append(f"{b} {predicate} {a} .\n")
    provisional, metric = kg_node("provisional"), kg_node("isMetric")
    word = kg_node("labelWord")
    word_tails: dict[str, str] = {}  # a build's labels share a few thousand words
    labels = profile_labels(kg)
    for concept in kg.concepts:
        node = nodes[concept.key]
        exported = labels[concept.key]
        tails = []
        for w in label_words(exported.pref, *exported.alts):
            tail = word_tails.get(w)
            if tail is None:
                tail = word_tails[w] = f" {word} {plain(w)} .\n"
            tails.append(node + tail)
        lines[concept.key] += tails
        if concept.provisional:
            lines[concept.key].append(statement(node, provisional, boolean(True)))
        if concept.is_metric:
            lines[concept.key].append(statement(node, metric, boolean(True)))
    return lines


_WORD = re.compile(r"[^\W_]+")  # runs of letters and digits


def label_words(*labels: str) -> list[str]:
    """The distinct words of the labels, case-folded, for kg:labelWord: "Net Promoter Score
    (NPS)" gives net, promoter, score, nps. A query for a word then uses the store's index."""
    return sorted({w for label in labels for w in _WORD.findall(label.casefold())})


def source_groups(kg: KnowledgeGraph) -> list[Group]:
    groups = []
    for source in kg.sources:
        node = iri(source_iri(kg.scheme, source.key))
        lines = [statement(node, RDF_TYPE, kg_node("Source")),
                 statement(node, dct("title"), lang_text(source.title, source.language)),
                 statement(node, dct("identifier"), plain(source.path))]
        if source.publisher:
            lines.append(statement(node, dct("publisher"), plain(source.publisher)))
        if source.url and is_safe_iri(source.url):
            lines.append(statement(node, ns("dcat", "landingPage"), iri(source.url)))
        groups.append((node, lines))
    return sorted(groups)


def entry_groups(kg: KnowledgeGraph, terms: Terms = N_TRIPLES) -> Iterator[Group]:
    """Each entry as a block (rdf_write.Group) in the syntax of `terms`: an entry's IRI is its
    own, so no other group adds to it. One template per shape (with or without a headword,
    defining concepts or not), the predicates in the order of their N-Triples lines."""
    scheme = kg.scheme
    languages = {s.key: s.language for s in kg.sources}
    defined_by: dict[str, set[str]] = defaultdict(set)
    for concept in kg.concepts:
        for entry_id in concept.entries:
            defined_by[entry_id].add(concept.key)
    fields = {"type": RDF_TYPE, "value": ns("rdf", "value"), "source": dct("source"), "line": kg_node("line"),
              "headword": kg_node("headword"), "defines": kg_node("defines")}
    templates = {}
    for headword, defines in ((True, True), (True, False), (False, True), (False, False)):
        names = [name for name in fields if (name != "headword" or headword) and (name != "defines" or defines)]
        templates[headword, defines] = terms.block(sorted((fields[name], f"{{{name}}}") for name in names))
    entry_class = terms.term(kg_node("Entry"))
    node_name = terms.names_under(entry_iri(scheme, ""))
    stem = len(entry_iri(scheme, "")) + 1
    sources = {s.key: terms.name(source_iri(scheme, s.key)) for s in kg.sources}
    # (N-Triples term, as written): the objects go in the order of their lines, by the term
    concepts = {key: (node, terms.term(node)) for key, node in profile_nodes(kg).items()}
    ordered = sorted(((iri(entry_iri(scheme, entry.id)), n) for n, entry in enumerate(kg.entries)))
    for node, n in ordered:
        entry = kg.entries[n]
        keys = defined_by.get(entry.id)
        name = node_name(node[stem:-1])
        yield node, templates[entry.headword is not None, bool(keys)].format(
            node=name, type=entry_class,
            value=terms.term(lang_text(entry.text, languages.get(entry.source, scheme.language))),
            source=sources.get(entry.source) or terms.name(source_iri(scheme, entry.source)),
            line=terms.term(integer(entry.line)),
            headword=terms.term(plain(entry.headword)) if entry.headword is not None else None,
            defines=terms.objects(name, fields["defines"], [written for _, written in sorted(concepts[key] for key in keys)])
            if keys else None)


def evidence_groups(kg: KnowledgeGraph, terms: Terms = N_TRIPLES) -> Iterator[Group]:
    """Each edge's evidence node as a block (rdf_write.Group) in the syntax of `terms`: its IRI
    is made unique below. Each predicate once per node, so one template per shape (with or
    without the entry) writes a node in one call."""
    scheme = kg.scheme
    concepts = {key: terms.term(node) for key, node in profile_nodes(kg).items()}
    by_slug: dict[str, list[Edge]] = {}
    for edge in kg.edges:
        if edge.source != edge.target and edge.source in concepts and edge.target in concepts:
            by_slug.setdefault(evidence_slug(edge), []).append(edge)
    named = []  # (node term, edge)
    for slug, edges in by_slug.items():
        if len(edges) > 1:  # the same link by the same method twice: numbered in a fixed order
            edges.sort(key=_evidence_order)
        named += [(iri(evidence_iri(scheme, f"{slug}-{n}" if n > 1 else slug)), edge)
                  for n, edge in enumerate(edges, 1)]
    named.sort(key=itemgetter(0))
    fields = {"type": RDF_TYPE, "subject": ns("rdf", "subject"), "predicate": ns("rdf", "predicate"),
              "object": ns("rdf", "object"), "confidence": kg_node("confidence"),
              "method": kg_node("method"), "quote": kg_node("quote"), "entry": ns("prov", "wasDerivedFrom")}
    without_entry = terms.block(sorted((fields[name], f"{{{name}}}") for name in fields if name != "entry"))
    with_entry = terms.block(sorted((fields[name], f"{{{name}}}") for name in fields))
    term = terms.term
    node_name = terms.names_under(evidence_iri(scheme, ""))
    stem = len(evidence_iri(scheme, "")) + 1
    # each cited entry as entry_groups names it, none kept in the terms' memo
    entry_name, entry_stem = terms.names_under(entry_iri(scheme, "")), len(entry_iri(scheme, ""))
    cited = {edge.evidence.entry for _, edge in named if edge.evidence.entry is not None}
    entries = {e.id: entry_name(entry_iri(scheme, e.id)[entry_stem:]) for e in kg.entries if e.id in cited}
    evidence_class = term(kg_node("Evidence"))
    # a build has a few kinds, methods and confidences: each written once
    predicates = {kind: term(edge_predicate(kind)) for kind in {edge.kind for _, edge in named}}
    methods: dict[str, str] = {}
    confidences: dict[float, str] = {}
    for node, edge in named:
        evidence = edge.evidence
        entry = entries.get(evidence.entry) if evidence.entry is not None else None
        method = methods.get(evidence.method)
        if method is None:
            method = methods[evidence.method] = term(plain(evidence.method))
        confidence = confidences.get(evidence.confidence)
        if confidence is None:
            confidence = confidences[evidence.confidence] = term(decimal(evidence.confidence))
        yield node, (without_entry if entry is None else with_entry).format(
            node=node_name(node[stem:-1]), type=evidence_class, subject=concepts[edge.source],
            predicate=predicates[edge.kind], object=concepts[edge.target], confidence=confidence,
            method=method, quote=term(plain(evidence.quote)), entry=entry)


def _evidence_order(edge: Edge) -> tuple:
    evidence = edge.evidence
    return (edge.source, edge.kind, edge.target, evidence.method, -edge.confidence, evidence.quote,
            evidence.entry or "")


def full_groups(kg: KnowledgeGraph, terms: Terms = N_TRIPLES) -> Iterator[Group]:
    """The full graph as subject groups in order, its blocks in the syntax of `terms`
    (rdf_write.write_ntriples, or turtle.write_turtle with its TurtleTerms)."""
    relations = relation_lines(kg)
    return heapq.merge(skos_groups(kg, lambda key: relations.get(key, [])), source_groups(kg),
                       entry_groups(kg, terms), evidence_groups(kg, terms), key=lambda group: group[0])


def full_document(kg: KnowledgeGraph) -> bytes:
    """The full graph as a sorted N-Triples document."""
    out = io.BytesIO()
    write_ntriples(full_groups(kg), out)
    return out.getvalue()


def full_graph(kg: KnowledgeGraph) -> rdflib.Graph:
    """The full graph as an rdflib Graph, for callers that want to query it in Python."""
    import rdflib  # only here: importing it costs a build a third of a second

    graph = rdflib.Graph()
    graph.parse(data=full_document(kg), format="nt")
    for prefix, namespace in prefixes_for(kg).items():
        graph.bind(prefix or "voc", namespace)
    return graph


def write(kg: KnowledgeGraph, folder: Path, conversions: Conversions) -> list[str]:
    """NAME.ttl written here (kg.exporters.turtle), and NAME.jsonld converted from it."""
    prefixes = prefixes_for(kg)
    turtle = TurtleTerms(prefixes)
    # its subjects: the concepts and the scheme, the sources, entries and evidence nodes
    subjects = len(kg.concepts) + 1 + len(kg.sources) + len(kg.entries) + len(kg.edges)
    conversions.write_and_convert(
        folder / f"{kg.scheme.name}.ttl",
        lambda out, cut: write_turtle(full_groups(kg, turtle), out, turtle, cut),
        [(folder / f"{kg.scheme.name}.jsonld", "jsonld")], prefixes, subjects)
    return [f"{kg.scheme.name}.{extension}" for extension in FULL_EXTENSIONS]


register(Exporter("rdf", "the full graph for SPARQL (NAME.ttl, NAME.jsonld)", write))
