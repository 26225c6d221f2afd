"""Turtle written by kg itself (kg.exporters.turtle): the bytes pyoxigraph writes from the same
triples, on random documents with every kind of term and on the full graphs of the samples."""

from __future__ import annotations

import io
import random
from dataclasses import replace

import pyoxigraph
import pytest

from kg.exporters.rdf import full_document, full_groups
from kg.exporters.rdf_terms import RDF_TYPE, RDF_TYPE_IRI, _escape, checked_language
from kg.exporters.rdf_write import _sorted_prefix_lines, write_ntriples
from kg.exporters.skos import prefixes_for
from kg.exporters.turtle import TurtleTerms, local_name, write_turtle
from kg.model import Concept, Entry, KnowledgeGraph, Source
from tests.fixtures.rdf.samples import SAMPLE_NAMES, sample_graph

XSD = "http://www.w3.org/2001/XMLSchema#"
# nested namespaces: the longest that gives a valid local name must win
PREFIXES = {"": "https://ex.org/base/", "deep": "https://ex.org/base/deeper/", "kg": "https://w3id.org/kg/ontology#",
            "xsd": XSD, "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#"}
LOCAL_CHARS = "abcXYZ019_-.~%/:#@!$&'()*+,;=?é·\u0301\u203f"
TEXT_CHARS = 'ab "\\\n\t\x7f é\u2028<>@^'
LEXICAL = ["1", "+1", "-01", "1.", ".5", "1.50", "-0.5", "1e5", "1.5E-3", ".5e1", "e5", "true", "TRUE", "false",
           "abc", ""]


def pyoxigraph_turtle(ntriples: bytes, prefixes: dict[str, str]) -> bytes:
    # lenient as the build's conversions are: the random IRIs may put a '#' in a fragment
    quads = pyoxigraph.parse(ntriples, format=pyoxigraph.RdfFormat.N_TRIPLES, lenient=True)
    return _sorted_prefix_lines(pyoxigraph.serialize(quads, format=pyoxigraph.RdfFormat.TURTLE, prefixes=prefixes))


def ours(groups, prefixes: dict[str, str]) -> bytes:
    out = io.BytesIO()
    write_turtle(groups, out, TurtleTerms(prefixes))
    return out.getvalue()


def _iri(rng: random.Random) -> str:
    namespace = rng.choice([*PREFIXES.values(), "https://elsewhere.org/x/"])
    local = "".join(rng.choice(LOCAL_CHARS) for _ in range(rng.randint(0, 6)))
    if rng.random() < 0.3:
        local = "deeper/" + local
    return namespace + local.replace("%", "%2F")  # a valid percent escape


def _term(rng: random.Random) -> str:
    kind = rng.random()
    if kind < 0.35:
        return f"<{_iri(rng)}>"
    if kind < 0.4:
        return f"<{RDF_TYPE_IRI}>"  # rdf:type as an object is an IRI like any other
    text = _escape("".join(rng.choice(TEXT_CHARS) for _ in range(rng.randint(0, 8))))
    if kind < 0.6:
        return f'"{text}"'
    if kind < 0.7:
        return f'"{text}"@{checked_language(rng.choice(["en", "pt-BR"]))}'
    datatype = rng.choice(["integer", "decimal", "double", "boolean", "string", "date"])
    return f'"{rng.choice(LEXICAL)}"^^<{XSD}{datatype}>'


def _random_groups(rng: random.Random) -> list[tuple[str, list[str]]]:
    predicates = [RDF_TYPE, f"<{PREFIXES['kg']}defines>", f"<{PREFIXES['']}p>", "<https://elsewhere.org/q>"]
    groups = {}
    for _ in range(rng.randint(1, 6)):
        subject = f"<{_iri(rng)}>"
        groups[subject] = [f"{subject} {rng.choice(predicates)} {_term(rng)} .\n" for _ in range(rng.randint(1, 6))]
    return sorted(groups.items())


@pytest.mark.parametrize("seed", range(300))
def test_random_documents_are_written_as_pyoxigraph_writes_them(seed):
    rng = random.Random(seed)
    groups = _random_groups(rng)
    out = io.BytesIO()
    write_ntriples(groups, out)
    assert ours(groups, PREFIXES) == pyoxigraph_turtle(out.getvalue(), PREFIXES)


def test_an_empty_graph_is_an_empty_file():
    assert ours([], PREFIXES) == b"" == pyoxigraph_turtle(b"", PREFIXES)


def _odd_names(kg: KnowledgeGraph) -> KnowledgeGraph:
    """The sample with a source key that makes entry IRIs need escapes (dots, a tilde, a
    trailing dot) and a base IRI ending in '#'."""
    renamed = {"notes": "notes.v1~draft."}
    entry_ids = {e.id: replace(e, source=renamed.get(e.source, e.source)).id for e in kg.entries}
    return replace(
        kg, scheme=replace(kg.scheme, base_iri="https://example.org/astro#"),
        sources=tuple(replace(s, key=renamed.get(s.key, s.key)) for s in kg.sources),
        entries=tuple(replace(e, source=renamed.get(e.source, e.source)) for e in kg.entries),
        concepts=tuple(replace(c, entries=tuple(entry_ids[i] for i in c.entries)) for c in kg.concepts),
        edges=tuple(replace(e, evidence=replace(e.evidence, entry=entry_ids.get(e.evidence.entry)))
                    for e in kg.edges))


@pytest.mark.parametrize("name", [*SAMPLE_NAMES, "odd names"])
def test_the_full_graph_is_the_turtle_pyoxigraph_writes_from_its_n_triples(name):
    kg = _odd_names(sample_graph("astronomy")) if name == "odd names" else sample_graph(name)
    prefixes = prefixes_for(kg)
    expected = pyoxigraph_turtle(full_document(kg), prefixes)
    assert ours(full_groups(kg, TurtleTerms(prefixes)), prefixes) == expected
    if name == "odd names":
        # the odd names did reach the local names: a tilde escaped, a dot only at the end
        assert b":entry\\/notes.v1\\~draft.-1 " in expected
        assert b":source\\/notes.v1\\~draft\\. " in expected


def test_a_namespace_inside_a_family_of_nodes_is_still_found():
    terms = TurtleTerms({"": "https://ex.org/", "ev": "https://ex.org/evidence/a-"})
    render = terms.names_under("https://ex.org/evidence/")
    assert render("a-b") == "ev:b" == terms.name("https://ex.org/evidence/a-b")
    assert render("c") == ":evidence\\/c"
    assert render("") == ":evidence\\/"


@pytest.mark.parametrize("text, expected", [
    ("abc", "abc"), ("a/b", "a\\/b"), ("a.b", "a.b"), ("a.", "a\\."), (".a", "\\.a"), ("-a", "\\-a"),
    ("a~b", "a\\~b"), ("1a", "1a"), (":a", ":a"), ("é·", "é·"), ("a b", None), ("a<b", None), ("", None),
])
def test_local_names_are_escaped_as_turtle_requires(text, expected):
    assert local_name(text) == expected


def test_a_real_entry_concept_and_evidence_node_look_as_a_reader_expects():
    kg = KnowledgeGraph(
        scheme=sample_graph("astronomy").scheme, sources=(Source(key="s", path="s.txt", title="S"),),
        entries=(Entry("s", 4, "Star", "A ball of plasma.", ordinal=1),),
        concepts=(Concept("star", "Star", entries=("s-1",)),), edges=())
    text = ours(full_groups(kg, TurtleTerms(prefixes_for(kg))), prefixes_for(kg)).decode("utf-8")
    assert (":entry\\/s-1 a kg:Entry ;\n\tdct:source :source\\/s ;\n\trdf:value \"A ball of plasma.\"@en ;\n"
            "\tkg:defines :star ;\n\tkg:headword \"Star\" ;\n\tkg:line 4 .\n") in text
    assert ":star a skos:Concept ;\n" in text
