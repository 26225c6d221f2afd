"""The SKOS import profile: what Skosify, pySHACL, kg validate and each tool's reader need.

Run on a hand-made astronomy graph, a two-glossary beekeeping fixture built by the pipeline
and the bundled customer-service build.
"""

from __future__ import annotations

import logging
import random
import xml.etree.ElementTree as ET
from dataclasses import replace
from pathlib import Path

import pytest
import rdflib
import skosify
from pyshacl import validate as shacl_validate
from rdflib.compare import isomorphic
from rdflib.namespace import DCTERMS, OWL, RDF, SKOS

from kg.exporters import render_all
from kg.exporters.skos import concept_links
from kg.exporters.skos_labels import export_labels
from kg.manifest import plan_for_paths
from kg.pipeline import build
from kg.validate import validate_bytes, validate_exports
from kg.vocabulary import ONTOLOGY_FILE, SHAPES_FILE
from tests.fixtures.rdf.samples import SAMPLE_NAMES, astronomy, rendered, sample_graph

SYNTAXES = {"ttl": "turtle", "nt": "nt", "rdf": "xml", "jsonld": "json-ld"}
RDF_NS = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
SKOS_NS = str(SKOS)


def profile(name: str, extension: str = "ttl") -> rdflib.Graph:
    kg = sample_graph(name)
    content = rendered(name)[f"{kg.scheme.name}.skos.{extension}"]
    return rdflib.Graph().parse(data=content, format=SYNTAXES[extension])


def iri(name: str, key: str) -> rdflib.URIRef:
    return rdflib.URIRef(sample_graph(name).scheme.base_iri + key)


@pytest.mark.parametrize("name", SAMPLE_NAMES)
def test_skosify_returns_the_same_graph_and_logs_no_warning(name, caplog):
    graph = profile(name)
    with caplog.at_level(logging.WARNING):
        result = skosify.skosify(graph)
    assert [r.getMessage() for r in caplog.records if r.levelno >= logging.WARNING] == []
    assert isomorphic(graph, result)


@pytest.mark.parametrize("name", SAMPLE_NAMES)
def test_pyshacl_with_our_shapes_and_rdfs_inference_conforms(name):
    conforms, _, text = shacl_validate(profile(name), shacl_graph=str(SHAPES_FILE), ont_graph=str(ONTOLOGY_FILE),
                                       inference="rdfs")
    assert conforms, text


@pytest.mark.parametrize("name", SAMPLE_NAMES)
def test_kg_validate_finds_nothing_in_any_serialization(name):
    kg = sample_graph(name)
    for extension in SYNTAXES:
        file = f"{kg.scheme.name}.skos.{extension}"
        report = validate_bytes(rendered(name)[file], file, libraries=())
        assert report.problems == (), report.to_text()
        assert report.concepts == len(kg.concepts)


@pytest.mark.parametrize("name", SAMPLE_NAMES)
def test_every_serialization_parses_back_isomorphic_to_the_turtle(name):
    turtle = profile(name, "ttl")
    assert len(turtle) > 10 * len(sample_graph(name).concepts) // 2
    for extension in ("nt", "rdf", "jsonld"):
        assert isomorphic(profile(name, extension), turtle), extension


@pytest.mark.parametrize("name", SAMPLE_NAMES)
def test_rdf_xml_has_every_concept_as_a_typed_element_under_rdf_root(name):
    """TemaTres reads RDF/XML by XPath: /rdf:RDF/skos:Concept[@rdf:about], skos:broader/@rdf:resource."""
    kg = sample_graph(name)
    root = ET.fromstring(rendered(name)[f"{kg.scheme.name}.skos.rdf"])
    assert root.tag == f"{{{RDF_NS}}}RDF"
    children = list(root)
    assert {child.tag for child in children} == {f"{{{SKOS_NS}}}Concept", f"{{{SKOS_NS}}}ConceptScheme"}
    concepts = root.findall(f"{{{SKOS_NS}}}Concept")
    about = {c.get(f"{{{RDF_NS}}}about") for c in concepts}
    assert about == {kg.scheme.base_iri + c.key for c in kg.concepts}
    assert root.find(f".//{{{RDF_NS}}}Description") is None
    for concept in concepts:
        for link in concept:
            assert len(link) == 0, "no nested nodes"
            if link.tag in (f"{{{SKOS_NS}}}broader", f"{{{SKOS_NS}}}narrower", f"{{{SKOS_NS}}}related"):
                assert link.get(f"{{{RDF_NS}}}resource") in about


@pytest.mark.parametrize("name", SAMPLE_NAMES)
def test_one_scheme_with_full_metadata(name):
    kg = sample_graph(name)
    graph = profile(name)
    schemes = list(graph.subjects(RDF.type, SKOS.ConceptScheme))
    assert len(schemes) == 1
    scheme = schemes[0]
    lang = kg.scheme.language
    assert graph.value(scheme, SKOS.prefLabel) == rdflib.Literal(kg.scheme.title, lang=lang)
    assert graph.value(scheme, DCTERMS.title) == rdflib.Literal(kg.scheme.title, lang=lang)
    assert graph.value(scheme, DCTERMS.description).language == lang
    assert graph.value(scheme, DCTERMS.license) == rdflib.URIRef(kg.scheme.license)
    assert graph.value(scheme, DCTERMS.created) == rdflib.Literal(kg.scheme.created, datatype=rdflib.XSD.dateTime)
    assert graph.value(scheme, DCTERMS.modified) == rdflib.Literal(kg.scheme.modified, datatype=rdflib.XSD.dateTime)
    assert str(graph.value(scheme, OWL.versionInfo)) == kg.scheme.version
    assert str(graph.value(scheme, DCTERMS.creator)) == kg.scheme.creator
    assert str(graph.value(scheme, DCTERMS.publisher)) == kg.scheme.publisher
    assert str(graph.value(scheme, DCTERMS.language)) == lang
    assert len(list(graph.objects(scheme, DCTERMS.source))) == len(kg.sources)
    for concept in kg.concepts:
        assert (iri(name, concept.key), SKOS.inScheme, scheme) in graph


@pytest.mark.parametrize("name", SAMPLE_NAMES)
def test_top_concepts_both_ways_are_exactly_the_concepts_without_broader(name):
    graph = profile(name)
    scheme = graph.value(None, RDF.type, SKOS.ConceptScheme)
    has_top = set(graph.objects(scheme, SKOS.hasTopConcept))
    top_of = set(graph.subjects(SKOS.topConceptOf, scheme))
    without_broader = {c for c in graph.subjects(RDF.type, SKOS.Concept) if (c, SKOS.broader, None) not in graph}
    assert has_top == top_of == without_broader and has_top


@pytest.mark.parametrize("name", SAMPLE_NAMES)
def test_every_link_is_written_both_ways(name):
    graph = profile(name)
    for a, b in graph.subject_objects(SKOS.broader):
        assert (b, SKOS.narrower, a) in graph
    for a, b in graph.subject_objects(SKOS.narrower):
        assert (b, SKOS.broader, a) in graph
    for a, b in graph.subject_objects(SKOS.related):
        assert (b, SKOS.related, a) in graph


def test_related_only_where_no_broader_chain_joins_the_pair():
    graph = profile("astronomy")
    # sky brightness measures sky glow, its own broader concept: S27 forbids skos:related
    assert (iri("astronomy", "sky-brightness"), SKOS.related, None) not in graph
    assert (iri("astronomy", "sky-brightness"), SKOS.broader, iri("astronomy", "sky-glow")) in graph
    for a, b in (("seeing", "nebula"), ("apparent-magnitude", "star"), ("light-pollution", "sky-glow")):
        assert (iri("astronomy", a), SKOS.related, iri("astronomy", b)) in graph
        assert (iri("astronomy", b), SKOS.related, iri("astronomy", a)) in graph
    # mentioned-in is no association: star is mentioned in seeing's definition, nothing more
    assert (iri("astronomy", "star"), SKOS.related, iri("astronomy", "seeing")) not in graph


def test_related_skips_pairs_joined_through_a_longer_chain():
    kg = astronomy()
    from kg.model import METRIC_OF, Edge, Evidence
    edges = kg.edges + (Edge(METRIC_OF, "red-dwarf", "star", Evidence("metric-measures", 0.9, "x")),)
    links = concept_links(replace(kg, edges=edges))
    assert "star" not in links.related.get("red-dwarf", ())  # red dwarf → dwarf star → star


def test_definitions_are_plain_tagged_literals_each_once():
    graph = profile("astronomy")
    star = list(graph.objects(iri("astronomy", "star"), SKOS.definition))
    assert star == [rdflib.Literal("A luminous ball of plasma held together by its own gravity.", lang="en")]
    assert all(isinstance(d, rdflib.Literal) and d.language for d in graph.objects(None, SKOS.definition))


def test_shared_preferred_labels_are_qualified_and_kept_as_alt_labels():
    graph = profile("astronomy")
    planet, program = iri("astronomy", "mercury"), iri("astronomy", "mercury-2")
    assert graph.value(planet, SKOS.prefLabel) == rdflib.Literal("Mercury (Stargazers Club)", lang="en")
    assert graph.value(program, SKOS.prefLabel) == rdflib.Literal("mercury (Observing Notes)", lang="en")
    assert (planet, SKOS.altLabel, rdflib.Literal("Mercury", lang="en")) in graph
    prefs = [str(label).casefold() for label in graph.objects(None, SKOS.prefLabel)]
    assert len(prefs) == len(set(prefs))


def test_qualifier_prefers_the_broader_concept_then_falls_back_to_numbers():
    from kg.model import BROADER, Concept, Edge, Evidence
    kg = astronomy()
    concepts = kg.concepts + (Concept("cluster", "Cluster"), Concept("cluster-2", "Cluster"),
                              Concept("cluster-3", "cluster"))
    edges = kg.edges + (Edge(BROADER, "cluster", "star", Evidence("genus", 0.9, "q")),
                        Edge(BROADER, "cluster-2", "nebula", Evidence("genus", 0.9, "q")))
    labels = export_labels(replace(kg, concepts=concepts, edges=edges))
    # cluster-3 has no broader concept and no entry: only numbers tell all three apart
    assert [labels[k].pref for k in ("cluster", "cluster-2", "cluster-3")] == \
        ["Cluster (1)", "Cluster (2)", "cluster (3)"]
    labels = export_labels(replace(kg, concepts=concepts[:-1], edges=edges))
    assert labels["cluster"].pref == "Cluster (Star)" and labels["cluster-2"].pref == "Cluster (Nebula)"
    assert labels["cluster"].alts == ("Cluster",)


def test_labels_are_trimmed_and_never_repeat_the_preferred_label():
    labels = export_labels(astronomy())
    assert labels["red-dwarf"].alts == ("RD", "red dwarf star")
    for entry in labels.values():
        assert entry.pref not in entry.alts and entry.pref == entry.pref.strip()


def test_output_is_byte_identical_whatever_the_input_order():
    kg = astronomy()
    shuffled = random.Random(7)
    mixed = replace(kg, concepts=tuple(shuffled.sample(kg.concepts, len(kg.concepts))),
                    edges=tuple(shuffled.sample(kg.edges, len(kg.edges))),
                    entries=tuple(shuffled.sample(kg.entries, len(kg.entries))))
    assert render_all(kg, ["skos", "rdf"]) == render_all(mixed, ["skos", "rdf"])


def test_a_bad_language_tag_is_a_located_input_error():
    from kg.errors import InputError
    kg = astronomy()
    with pytest.raises(InputError, match="not a language tag"):
        render_all(replace(kg, scheme=replace(kg.scheme, language="english please")), ["skos"])


GLOSSARY_FIXTURES = sorted(p for p in (Path(__file__).parent / "fixtures" / "glossaries").glob("*")
                           if p.with_name(p.stem + ".expected.json").is_file())


@pytest.mark.parametrize("glossary", GLOSSARY_FIXTURES, ids=lambda p: p.name)
def test_fixture_glossaries_of_other_domains_export_valid_skos(glossary):
    """Every reader fixture (cooking, sailing, wine, HR…) builds into exports kg build accepts."""
    kg = build(plan_for_paths([glossary]))
    reports = validate_exports(render_all(kg, ["rdf", "skos"]))
    assert [r.file.rsplit(".", 2)[-2:] for r in reports] == [["skos", "ttl"], [kg.scheme.name, "ttl"]]
    assert all(r.problems == () for r in reports), "\n".join(r.to_text() for r in reports)
