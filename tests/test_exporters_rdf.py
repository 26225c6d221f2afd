"""The full graph (NAME.ttl, NAME.jsonld): entries, sources and evidence, queried with SPARQL."""

from __future__ import annotations

import pyoxigraph
import pytest
import rdflib
from pyshacl import validate as shacl_validate
from rdflib.compare import isomorphic

from kg.exporters.rdf import full_graph
from kg.validate import validate_bytes
from kg.vocabulary import KG_NS, ONTOLOGY_FILE, SHAPES_FILE
from tests.fixtures.rdf.samples import SAMPLE_NAMES, rendered, sample_graph

PREFIXES = """
PREFIX kg: <https://w3id.org/kg/ontology#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX dct: <http://purl.org/dc/terms/>
PREFIX dcat: <http://www.w3.org/ns/dcat#>
PREFIX prov: <http://www.w3.org/ns/prov#>
PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
"""

# "Which sources define this concept, with which definition, on which line?"
DEFINED_WHERE = PREFIXES + """
SELECT ?title ?definition ?line ?headword WHERE {
    ?entry kg:defines ?concept ; rdf:value ?definition ; kg:line ?line ; dct:source ?source .
    ?source dct:title ?title .
    OPTIONAL { ?entry kg:headword ?headword }
} ORDER BY ?title ?line"""

# "Why is this edge here?"
WHY = PREFIXES + """
SELECT ?method ?confidence ?quote ?line ?title WHERE {
    ?evidence a kg:Evidence ; rdf:subject ?a ; rdf:predicate ?p ; rdf:object ?b ;
              kg:method ?method ; kg:confidence ?confidence ; kg:quote ?quote .
    OPTIONAL { ?evidence prov:wasDerivedFrom ?entry . ?entry kg:line ?line ; dct:source/dct:title ?title }
} ORDER BY DESC(?confidence) ?method"""


def store(name: str) -> pyoxigraph.Store:
    kg = sample_graph(name)
    result = pyoxigraph.Store()
    result.load(rendered(name)[f"{kg.scheme.name}.ttl"], format=pyoxigraph.RdfFormat.TURTLE)
    return result


def select(graph: pyoxigraph.Store, query: str, **bindings: str) -> list[tuple]:
    values = "".join(f"VALUES ?{k} {{ <{v}> }} " for k, v in bindings.items())
    query = query.replace("WHERE {", "WHERE { " + values, 1)
    return [tuple(None if t is None else t.value for t in row) for row in graph.query(query)]


def iri(name: str, key: str) -> str:
    return sample_graph(name).scheme.base_iri + key


def test_sparql_answers_where_a_concept_is_defined():
    rows = select(store("astronomy"), DEFINED_WHERE, concept=iri("astronomy", "star"))
    assert rows == [
        ("Observing Notes", "  A luminous ball of plasma held together by its own gravity. ", "6", "Star"),
        ("Sky Glossary", "A luminous ball of plasma held together by its own gravity.", "3", "Star"),
    ]
    # the source lost this headword: the entry has no kg:headword at all
    assert select(store("astronomy"), DEFINED_WHERE, concept=iri("astronomy", "nova")) == [
        ("Observing Notes", "A star that suddenly brightens, then fades over months.", "4", None)]


def test_sparql_answers_why_an_edge_is_here():
    rows = select(store("astronomy"), WHY, a=iri("astronomy", "sky-brightness"), p=KG_NS + "metricOf",
                  b=iri("astronomy", "sky-glow"))
    assert rows == [("metric-measures", "0.8", "How much sky glow", "14", "Observing Notes")]
    # two rules quoted two passages for one link: two evidence nodes, both kept
    rows = select(store("astronomy"), WHY, a=iri("astronomy", "star"), p=KG_NS + "mentionedIn",
                  b=iri("astronomy", "seeing"))
    assert [(r[0], float(r[1]), r[2]) for r in rows] == [("label-in-definition", 1.0, "star"),
                                                  ("label-in-definition", 0.9, "star's")]
    # a label-only rule has no entry to point at
    rows = select(store("astronomy"), WHY, a=iri("astronomy", "light-pollution"), p=KG_NS + "synonymOf",
                  b=iri("astronomy", "sky-glow"))
    assert rows == [("label-similarity", "0.75", "brightens the night sky", None, None)]


@pytest.mark.parametrize("name", ("beekeeping", "bundled"))
def test_sparql_finds_every_entry_and_every_edge_on_real_builds(name):
    kg = sample_graph(name)
    graph = store(name)
    sources = {s.key: s for s in kg.sources}
    for concept in kg.concepts[:: max(1, len(kg.concepts) // 25)]:
        rows = select(graph, DEFINED_WHERE, concept=iri(name, concept.key))
        expected = sorted((sources[kg.entry(e).source].title, kg.entry(e).text, str(kg.entry(e).line),
                           kg.entry(e).headword) for e in concept.entries)
        assert sorted(rows, key=lambda r: (r[0], int(r[2]))) == sorted(expected, key=lambda r: (r[0], int(r[2])))
    for edge in kg.edges[:: max(1, len(kg.edges) // 25)]:
        predicate = "http://www.w3.org/2004/02/skos/core#broader" if edge.kind == "broader" else \
            KG_NS + {"metric_of": "metricOf", "mentioned_in": "mentionedIn", "synonym": "synonymOf"}[edge.kind]
        rows = select(graph, WHY, a=iri(name, edge.source), p=predicate, b=iri(name, edge.target))
        assert (edge.evidence.method, edge.evidence.quote) in [(r[0], r[2]) for r in rows]


def test_sources_keep_publisher_and_landing_page_where_known():
    rows = select(store("astronomy"), PREFIXES + """
        SELECT ?source ?title ?publisher ?page WHERE {
            ?source a kg:Source ; dct:title ?title .
            OPTIONAL { ?source dct:publisher ?publisher } OPTIONAL { ?source dcat:landingPage ?page }
        } ORDER BY ?title""")
    assert rows == [
        (iri("astronomy", "source/notes"), "Observing Notes", None, None),
        (iri("astronomy", "source/sky-glossary"), "Sky Glossary", "Stargazers Club",
         "https://stargazers.example/glossary"),
    ]


def test_every_entry_and_edge_has_its_node():
    kg = sample_graph("astronomy")
    graph = store("astronomy")
    count = PREFIXES + "SELECT (COUNT(*) AS ?n) WHERE { ?x a kg:%s }"
    assert int(next(iter(graph.query(count % "Entry")))[0].value) == len(kg.entries)
    assert int(next(iter(graph.query(count % "Evidence")))[0].value) == len(kg.edges)
    assert int(next(iter(graph.query(count % "Source")))[0].value) == len(kg.sources)
    # synonymOf is symmetric and tools infer nothing: both directions are stated
    ask = PREFIXES + "ASK { <%s> kg:synonymOf <%s> }"
    assert graph.query(ask % (iri("astronomy", "sky-glow"), iri("astronomy", "light-pollution")))
    flags = select(graph, PREFIXES + "SELECT ?c WHERE { ?c kg:provisional true }")
    assert flags == [(iri("astronomy", "nova"),)]


@pytest.mark.parametrize("name", SAMPLE_NAMES)
def test_full_graph_passes_kg_validate_with_shacl(name):
    kg = sample_graph(name)
    file = f"{kg.scheme.name}.ttl"
    report = validate_bytes(rendered(name)[file], file, libraries=("shacl",))
    assert report.problems == (), report.to_text()


def test_full_graph_conforms_to_our_shapes_with_pyshacl():
    graph = rdflib.Graph().parse(data=rendered("beekeeping")["beekeeping.ttl"], format="turtle")
    conforms, _, text = shacl_validate(graph, shacl_graph=str(SHAPES_FILE), ont_graph=str(ONTOLOGY_FILE),
                                       inference="rdfs")
    assert conforms, text


@pytest.mark.parametrize("name", SAMPLE_NAMES)
def test_json_ld_parses_back_isomorphic_to_the_turtle(name):
    kg = sample_graph(name)
    turtle = rdflib.Graph().parse(data=rendered(name)[f"{kg.scheme.name}.ttl"], format="turtle")
    jsonld = rdflib.Graph().parse(data=rendered(name)[f"{kg.scheme.name}.jsonld"], format="json-ld")
    assert len(turtle) > 0 and isomorphic(turtle, jsonld)


def test_full_graph_contains_the_whole_skos_profile():
    full = set(rdflib.Graph().parse(data=rendered("beekeeping")["beekeeping.ttl"], format="turtle"))
    skos = set(rdflib.Graph().parse(data=rendered("beekeeping")["beekeeping.skos.ttl"], format="turtle"))
    assert skos < full


def test_iris_are_deterministic_slugs_under_the_base():
    graph = full_graph(sample_graph("astronomy"))
    base = sample_graph("astronomy").scheme.base_iri
    subjects = {str(s) for s in graph.subjects()}
    assert f"{base}entry/notes-2" in subjects and f"{base}source/notes" in subjects
    assert f"{base}evidence/star--mentioned-in--seeing--label-in-definition-2" in subjects
    assert all(s.startswith(base) or s == base.rstrip("/") for s in subjects)


def test_the_full_graph_does_not_depend_on_the_order_of_the_edges():
    # repeated evidence slugs ("…-2") are numbered by the evidence, not by where an edge sits
    from dataclasses import replace

    from kg.exporters.rdf import full_document
    kg = sample_graph("astronomy")
    assert full_document(replace(kg, edges=tuple(reversed(kg.edges)))) == full_document(kg)


def test_two_renders_are_byte_identical():
    from kg.exporters import render_all
    assert render_all(sample_graph("bundled"), ["rdf", "skos"]) == rendered("bundled")


def test_text_xml_cannot_hold_is_written_the_same_in_every_syntax():
    """A form feed or a carriage return in a definition must not make RDF/XML unreadable or
    differ from its Turtle twin: every syntax writes the same stand-in."""
    from dataclasses import replace

    from kg.exporters import render_all
    from tests.fixtures.rdf.samples import astronomy
    kg = astronomy()
    hostile = "A page\x0cbreak,\r\na carriage return, \x01 a control and \uffff a non-character."
    entries = tuple(replace(e, definition=hostile) if e.id == "sky-glossary-5" else e for e in kg.entries)
    files = render_all(replace(kg, entries=entries), ["rdf", "skos"])
    syntaxes = {"ttl": "turtle", "nt": "nt", "rdf": "xml", "jsonld": "json-ld"}
    graphs = {name: rdflib.Graph().parse(data=content, format=syntaxes[name.rsplit(".", 1)[1]])
              for name, content in files.items()}
    assert isomorphic(graphs["astro.skos.ttl"], graphs["astro.skos.rdf"])
    assert isomorphic(graphs["astro.ttl"], graphs["astro.jsonld"])
    nebula = rdflib.URIRef("https://example.org/astro/nebula")
    definition = graphs["astro.skos.rdf"].value(nebula, rdflib.SKOS.definition)
    assert str(definition) == "A page break,\na carriage return,   a control and  a non-character."



def test_the_escape_fast_path_agrees_with_the_table_on_every_character():
    from kg.exporters.rdf_terms import _ESCAPES, _escape

    disagree = [code for code in range(0x110000) if code != 0x0D
                and _escape(f"a{chr(code)}b") != f"a{chr(code)}b".translate(_ESCAPES)]
    assert disagree == []
