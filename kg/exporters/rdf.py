"""The full graph for SPARQL users: NAME.ttl. First version; the SKOS issue deepens it."""

from __future__ import annotations

from rdflib import RDF, Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCTERMS, SKOS, XSD

from kg.exporters import Exporter, register
from kg.model import BROADER, KnowledgeGraph
from kg.vocabulary import EDGE_PROPERTY, KG, PREFIXES


def full_graph(kg: KnowledgeGraph) -> Graph:
    base = Namespace(kg.scheme.base_iri)
    lang = kg.scheme.language
    graph = Graph()
    for prefix, iri in PREFIXES.items():
        graph.bind(prefix, iri)
    scheme = URIRef(kg.scheme.base_iri.rstrip("/#"))
    graph.add((scheme, RDF.type, SKOS.ConceptScheme))
    graph.add((scheme, DCTERMS.title, Literal(kg.scheme.title, lang=lang)))
    for concept in kg.concepts:
        node = base[concept.key]
        graph.add((node, RDF.type, SKOS.Concept))
        graph.add((node, SKOS.inScheme, scheme))
        graph.add((node, SKOS.prefLabel, Literal(concept.pref_label, lang=lang)))
        for alt in concept.alt_labels:
            graph.add((node, SKOS.altLabel, Literal(alt, lang=lang)))
        for entry_id in concept.entries:
            graph.add((node, SKOS.definition, Literal(kg.entry(entry_id).text, lang=lang)))
    for edge in kg.edges:
        prop = SKOS.broader if edge.kind == BROADER else KG[EDGE_PROPERTY[edge.kind]]
        graph.add((base[edge.source], prop, base[edge.target]))
    return graph


def render(kg: KnowledgeGraph) -> dict[str, bytes]:
    return {f"{kg.scheme.name}.ttl": full_graph(kg).serialize(format="turtle").encode("utf-8")}


register(Exporter("rdf", "the full graph for SPARQL (NAME.ttl)", render))
