"""kg/vocabulary.py and ontology/kg.ttl declare the same terms; exports use only declared ones."""

from __future__ import annotations

import pytest
import rdflib
from rdflib.namespace import OWL, RDF, RDFS, SKOS

from kg.model import BROADER, EDGE_KINDS
from kg.vocabulary import (
    EDGE_PROPERTY, KG_CLASSES, KG_CONCEPT_RELATIONS, KG_DATATYPE_PROPERTIES, KG_NS, KG_OBJECT_PROPERTIES,
    KG_TERMS, ONTOLOGY_FILE, SHAPES_FILE, kg_term,
)
from tests.fixtures.rdf.samples import rendered

KG = rdflib.Namespace(KG_NS)


@pytest.fixture(scope="module")
def ontology() -> rdflib.Graph:
    return rdflib.Graph().parse(ONTOLOGY_FILE, format="turtle")


def declared(ontology: rdflib.Graph) -> set[str]:
    return {str(s)[len(KG_NS):] for s in ontology.subjects() if str(s).startswith(KG_NS)}


def test_code_and_ontology_declare_the_same_terms(ontology):
    assert declared(ontology) == set(KG_TERMS)


@pytest.mark.parametrize("names, kind", [(KG_CLASSES, OWL.Class), (KG_OBJECT_PROPERTIES, OWL.ObjectProperty),
                                         (KG_DATATYPE_PROPERTIES, OWL.DatatypeProperty)])
def test_every_term_has_its_kind_label_and_comment(ontology, names, kind):
    for name in names:
        term = KG[name]
        assert (term, RDF.type, kind) in ontology, name
        assert ontology.value(term, RDFS.label).language == "en", name
        assert len(str(ontology.value(term, RDFS.comment))) > 20, name
        if kind != OWL.Class:
            assert ontology.value(term, RDFS.domain) is not None, name
            assert ontology.value(term, RDFS.range) is not None, name


def test_concept_relations_are_semantic_relations_never_related(ontology):
    for name in KG_CONCEPT_RELATIONS:
        supers = set(ontology.transitive_objects(KG[name], RDFS.subPropertyOf))
        assert SKOS.semanticRelation in supers and SKOS.related not in supers, name
        assert ontology.value(KG[name], RDFS.domain) == SKOS.Concept == ontology.value(KG[name], RDFS.range)


def test_every_edge_kind_has_a_property():
    assert set(EDGE_PROPERTY) | {BROADER} == set(EDGE_KINDS)
    assert set(EDGE_PROPERTY.values()) == set(KG_CONCEPT_RELATIONS)


def test_a_misspelt_term_fails_loudly():
    assert kg_term("metricOf") == KG_NS + "metricOf"
    with pytest.raises(KeyError, match="not declared"):
        kg_term("metricof")


@pytest.mark.parametrize("name", ("astronomy", "beekeeping"))
def test_exports_use_only_declared_terms_of_our_namespace(ontology, name):
    files = rendered(name)
    full = next(content for file, content in files.items() if file.endswith(".ttl") and ".skos." not in file)
    graph = rdflib.Graph().parse(data=full, format="turtle")
    used = {str(term)[len(KG_NS):] for triple in graph for term in triple
            if isinstance(term, rdflib.URIRef) and str(term).startswith(KG_NS)}
    assert used and used <= declared(ontology)


def test_shapes_parse_and_name_only_declared_terms(ontology):
    shapes = rdflib.Graph().parse(SHAPES_FILE, format="turtle")
    named = {str(term)[len(KG_NS):] for triple in shapes for term in triple
             if isinstance(term, rdflib.URIRef) and str(term).startswith(KG_NS)}
    assert named and named <= declared(ontology)
