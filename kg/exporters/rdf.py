"""The full graph for SPARQL users: NAME.ttl and NAME.jsonld.

Everything of the SKOS profile, plus what a taxonomist asks next (terms in ontology/kg.ttl):

    ?concept kg:metricOf | kg:mentionedIn | kg:synonymOf ?other ; kg:provisional true .
    ?entry a kg:Entry ; kg:headword "…" ; rdf:value "the definition"@en ; dct:source ?source ;
           kg:line 12 ; kg:defines ?concept .
    ?source a kg:Source ; dct:title "…" ; dct:publisher "…" ; dcat:landingPage <…> .
    ?evidence a kg:Evidence ; rdf:subject ?a ; rdf:predicate kg:metricOf ; rdf:object ?b ;
           kg:confidence 0.9 ; kg:method "…" ; kg:quote "…" ; prov:wasDerivedFrom ?entry .
"""

from __future__ import annotations

from collections import defaultdict

import rdflib
from pyoxigraph import NamedNode, Triple

from kg.exporters import Exporter, register
from kg.exporters.rdf_terms import (
    RDF_TYPE, RDF_VALUE, boolean, concept_iri, decimal, dct, entry_iri, evidence_iri, evidence_slug,
    integer, kg_node, lang_text, ns, plain, skos, source_iri,
)
from kg.exporters.rdf_write import sort_triples, write
from kg.exporters.skos import prefixes_for, skos_triples
from kg.model import BROADER, SYNONYM, KnowledgeGraph
from kg.vocabulary import EDGE_PROPERTY

FULL_EXTENSIONS = ("ttl", "jsonld")


def edge_predicate(kind: str) -> NamedNode:
    return skos("broader") if kind == BROADER else kg_node(EDGE_PROPERTY[kind])


def relation_triples(kg: KnowledgeGraph) -> list[Triple]:
    """Our concept relations and flags; synonymOf is symmetric, so written both ways."""
    scheme = kg.scheme
    keys = {c.key for c in kg.concepts}
    triples = []
    for edge in kg.edges:
        if edge.kind == BROADER or edge.source == edge.target or not {edge.source, edge.target} <= keys:
            continue
        a, b = NamedNode(concept_iri(scheme, edge.source)), NamedNode(concept_iri(scheme, edge.target))
        predicate = edge_predicate(edge.kind)
        triples.append(Triple(a, predicate, b))
        if edge.kind == SYNONYM:
            triples.append(Triple(b, predicate, a))
    for concept in kg.concepts:
        node = NamedNode(concept_iri(scheme, concept.key))
        if concept.provisional:
            triples.append(Triple(node, kg_node("provisional"), boolean(True)))
        if concept.is_metric:
            triples.append(Triple(node, kg_node("isMetric"), boolean(True)))
    return triples


def source_triples(kg: KnowledgeGraph) -> list[Triple]:
    triples = []
    for source in kg.sources:
        node = NamedNode(source_iri(kg.scheme, source.key))
        triples += [Triple(node, RDF_TYPE, kg_node("Source")),
                    Triple(node, dct("title"), lang_text(source.title, source.language)),
                    Triple(node, dct("identifier"), plain(source.path))]
        if source.publisher:
            triples.append(Triple(node, dct("publisher"), plain(source.publisher)))
        if source.url and source.url.startswith(("http://", "https://")) and " " not in source.url:
            triples.append(Triple(node, ns("dcat", "landingPage"), NamedNode(source.url)))
    return triples


def entry_triples(kg: KnowledgeGraph) -> list[Triple]:
    scheme = kg.scheme
    languages = {s.key: s.language for s in kg.sources}
    defined_by: dict[str, list[str]] = defaultdict(list)
    for concept in kg.concepts:
        for entry_id in concept.entries:
            defined_by[entry_id].append(concept.key)
    entry_class, headword, line, defines = (
        kg_node("Entry"), kg_node("headword"), kg_node("line"), kg_node("defines"))
    source_nodes = {s.key: NamedNode(source_iri(scheme, s.key)) for s in kg.sources}
    triples = []
    for entry in kg.entries:
        node = NamedNode(entry_iri(scheme, entry.id))
        triples += [Triple(node, RDF_TYPE, entry_class),
                    Triple(node, RDF_VALUE, lang_text(entry.text, languages.get(entry.source, scheme.language))),
                    Triple(node, dct("source"), source_nodes.get(entry.source)
                           or NamedNode(source_iri(scheme, entry.source))),
                    Triple(node, line, integer(entry.line))]
        if entry.headword is not None:
            triples.append(Triple(node, headword, plain(entry.headword)))
        triples += [Triple(node, defines, NamedNode(concept_iri(scheme, key))) for key in defined_by[entry.id]]
    return triples


def evidence_triples(kg: KnowledgeGraph) -> list[Triple]:
    scheme = kg.scheme
    keys = {c.key for c in kg.concepts}
    entry_ids = {e.id for e in kg.entries}
    used: dict[str, int] = {}
    triples = []
    ordered = sorted(kg.edges, key=lambda e: (e.source, e.kind, e.target, e.evidence.method,
                                              -e.confidence, e.evidence.quote, e.evidence.entry or ""))
    for edge in ordered:
        if edge.source == edge.target or not {edge.source, edge.target} <= keys:
            continue
        slug = evidence_slug(edge)
        used[slug] = used.get(slug, 0) + 1
        if used[slug] > 1:
            slug = f"{slug}-{used[slug]}"
        node = NamedNode(evidence_iri(scheme, slug))
        evidence = edge.evidence
        triples += [Triple(node, RDF_TYPE, kg_node("Evidence")),
                    Triple(node, ns("rdf", "subject"), NamedNode(concept_iri(scheme, edge.source))),
                    Triple(node, ns("rdf", "predicate"), edge_predicate(edge.kind)),
                    Triple(node, ns("rdf", "object"), NamedNode(concept_iri(scheme, edge.target))),
                    Triple(node, kg_node("confidence"), decimal(evidence.confidence)),
                    Triple(node, kg_node("method"), plain(evidence.method)),
                    Triple(node, kg_node("quote"), plain(evidence.quote))]
        if evidence.entry is not None and evidence.entry in entry_ids:
            triples.append(Triple(node, ns("prov", "wasDerivedFrom"), NamedNode(entry_iri(scheme, evidence.entry))))
    return triples


def full_triples(kg: KnowledgeGraph) -> list[Triple]:
    return sort_triples(skos_triples(kg) + relation_triples(kg) + source_triples(kg)
                        + entry_triples(kg) + evidence_triples(kg))


def full_graph(kg: KnowledgeGraph) -> rdflib.Graph:
    """The full graph as an rdflib Graph, for callers that want to query it in Python."""
    graph = rdflib.Graph()
    graph.parse(data=write(full_triples(kg), "nt", {}), format="nt")
    for prefix, iri in prefixes_for(kg).items():
        graph.bind(prefix or "voc", iri)
    return graph


def render(kg: KnowledgeGraph) -> dict[str, bytes]:
    triples = full_triples(kg)
    prefixes = prefixes_for(kg)
    return {f"{kg.scheme.name}.{extension}": write(triples, extension, prefixes) for extension in FULL_EXTENSIONS}


register(Exporter("rdf", "the full graph for SPARQL (NAME.ttl, NAME.jsonld)", render))
