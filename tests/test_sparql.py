"""kg.sparql and `kg query`: load a graph, run SELECT/ASK/CONSTRUCT/DESCRIBE, write every format."""

from __future__ import annotations

import csv
import io
import json
import xml.etree.ElementTree as ElementTree

import pytest
import rdflib
from rdflib.compare import isomorphic

from kg.cli import main
from kg.errors import InputError, QueryError, UsageError
from kg.sparql import FORMATS, Query, compact, graph_file, load_graph, query_file, read_query, render, run_query
from kg.vocabulary import PREFIXES

# A small sailing vocabulary in the shape of kg's full graph, written by hand.
SAILING = """\
@prefix : <https://example.net/sail/> .
@prefix kg: <https://w3id.org/kg/ontology#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix dct: <http://purl.org/dc/terms/> .
@prefix rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#> .

:boat a skos:Concept ; skos:prefLabel "Boat"@en ; skos:definition "A vessel for travel on water."@en .
:sailboat a skos:Concept ; skos:prefLabel "Sailboat"@en ; skos:altLabel "Sailing boat"@en ;
    skos:broader :boat .
:dinghy a skos:Concept ; skos:prefLabel "Dinghy"@en ; skos:broader :sailboat .
:jib a skos:Concept ; skos:prefLabel "Jib"@en ; kg:mentionedIn :sailboat .
:entry\\/1 a kg:Entry ; kg:headword "Dinghy" ; rdf:value "A small open sailboat."@en ;
    dct:source :source\\/club ; kg:line 4 ; kg:defines :dinghy .
:source\\/club a kg:Source ; dct:title "Club Handbook"@en .
"""

LABELS = "SELECT ?c ?label WHERE { ?c skos:prefLabel ?label } ORDER BY ?label"
EXPECTED_LABELS = [("https://example.net/sail/boat", "Boat"), ("https://example.net/sail/dinghy", "Dinghy"),
                   ("https://example.net/sail/jib", "Jib"), ("https://example.net/sail/sailboat", "Sailboat")]


@pytest.fixture
def sailing(tmp_path):
    path = tmp_path / "sailing.ttl"
    path.write_text(SAILING, encoding="utf-8")
    return path


def rows(answer) -> list[tuple]:
    return [tuple(record.values()) for record in answer.records()]


def test_select_with_predeclared_prefixes_in_order(sailing):
    assert rows(run_query(load_graph(sailing), Query(LABELS))) == EXPECTED_LABELS


def test_a_query_prefix_overrides_a_predeclared_one(sailing):
    query = Query("PREFIX skos: <https://example.net/sail/> ASK { ?c skos:broader ?b }")
    assert run_query(load_graph(sailing), query).boolean is False
    assert run_query(load_graph(sailing), Query("ASK { ?c skos:broader ?b }")).boolean is True


def test_every_results_format_carries_the_same_rows(sailing):
    graph = load_graph(sailing)
    answer = run_query(graph, Query(LABELS))
    as_json = json.loads(query_file(sailing, LABELS, "json"))
    assert as_json["head"]["vars"] == ["c", "label"]
    assert [(b["c"]["value"], b["label"]["value"]) for b in as_json["results"]["bindings"]] == EXPECTED_LABELS
    assert as_json["results"]["bindings"][0]["label"]["xml:lang"] == "en"
    ns = {"r": "http://www.w3.org/2005/sparql-results#"}
    root = ElementTree.fromstring(query_file(sailing, LABELS, "xml"))
    assert [(r.find("r:binding[@name='c']/r:uri", ns).text, r.find("r:binding[@name='label']/r:literal", ns).text)
            for r in root.iterfind(".//r:result", ns)] == EXPECTED_LABELS
    table = list(csv.reader(io.StringIO(query_file(sailing, LABELS, "csv").decode("utf-8"))))
    assert table[0] == ["c", "label"] and [tuple(r) for r in table[1:]] == EXPECTED_LABELS
    tsv = query_file(sailing, LABELS, "tsv").decode("utf-8").splitlines()
    assert tsv[0] == "?c\t?label" and tsv[1] == '<https://example.net/sail/boat>\t"Boat"@en'
    # the materialised answer writes the same documents as the streaming path
    for fmt in ("json", "xml", "csv", "tsv"):
        assert render(answer, fmt) == query_file(sailing, LABELS, fmt), fmt


def test_table_reads_well_and_counts_rows(sailing):
    text = query_file(sailing, LABELS, "table").decode("utf-8")
    assert ":dinghy" in text and "Dinghy" in text and '"Dinghy"@en' not in text
    assert text.index("Boat") < text.index("Dinghy") < text.index("Jib") < text.index("Sailboat")
    assert text.rstrip().endswith("4 rows")
    assert query_file(sailing, LABELS, "table") == query_file(sailing, LABELS, "table")


def test_compact_uses_the_longest_matching_prefix():
    prefixes = {**PREFIXES, "": "https://example.net/sail/"}
    from pyoxigraph import Literal, NamedNode
    assert compact(NamedNode(PREFIXES["skos"] + "broader"), prefixes) == "skos:broader"
    assert compact(NamedNode("https://example.net/sail/entry/1"), prefixes) == ":entry/1"
    assert compact(NamedNode("https://other.example/thing"), prefixes) == "<https://other.example/thing>"
    assert compact(NamedNode(PREFIXES["kg"] + "a(b)"), prefixes) == f"<{PREFIXES['kg']}a(b)>"
    assert compact(Literal("Boat", language="en"), prefixes) == "Boat"
    assert compact(None, prefixes) == ""


def test_ask_in_table_and_json(sailing):
    assert query_file(sailing, "ASK { ?x skos:broader ?y }", "table") == b"true\n"
    assert query_file(sailing, "ASK { ?x skos:narrower ?y }", "table") == b"false\n"
    assert json.loads(query_file(sailing, "ASK { ?x skos:broader ?y }", "json"))["boolean"] is True


def test_construct_writes_sorted_turtle_that_parses_back(sailing):
    query = "CONSTRUCT { ?b skos:narrower ?a } WHERE { ?a skos:broader ?b }"
    turtle = query_file(sailing, query, "table")
    expected = rdflib.Graph()
    s = rdflib.Namespace("https://example.net/sail/")
    expected.add((s.boat, rdflib.SKOS.narrower, s.sailboat))
    expected.add((s.sailboat, rdflib.SKOS.narrower, s.dinghy))
    assert isomorphic(rdflib.Graph().parse(data=turtle, format="turtle"), expected)
    assert b"@prefix skos:" in turtle and b"@prefix kg:" not in turtle  # only prefixes it uses
    ntriples = query_file(sailing, query, "ntriples").decode("utf-8").splitlines()
    assert ntriples == sorted(ntriples) and len(ntriples) == 2
    assert isomorphic(rdflib.Graph().parse(data=query_file(sailing, query, "json"), format="json-ld"), expected)
    assert isomorphic(rdflib.Graph().parse(data=query_file(sailing, query, "xml"), format="xml"), expected)


def test_describe_gives_the_resource_as_turtle(sailing):
    turtle = query_file(sailing, "DESCRIBE <https://example.net/sail/dinghy>", "turtle")
    graph = rdflib.Graph().parse(data=turtle, format="turtle")
    dinghy = rdflib.URIRef("https://example.net/sail/dinghy")
    assert (dinghy, rdflib.SKOS.prefLabel, rdflib.Literal("Dinghy", lang="en")) in graph
    assert set(graph.subjects()) == {dinghy}


def test_a_graph_answer_in_a_table_format_is_a_usage_error(sailing):
    with pytest.raises(UsageError, match="graph"):
        query_file(sailing, "CONSTRUCT WHERE { ?s ?p ?o }", "csv")
    with pytest.raises(UsageError, match="not a graph"):
        query_file(sailing, LABELS, "turtle")


def test_a_query_file_is_read(sailing, tmp_path):
    path = tmp_path / "labels.rq"
    path.write_text("# Which labels?\n" + LABELS, encoding="utf-8")
    assert read_query(str(path)).origin == str(path)
    assert rows(run_query(load_graph(sailing), read_query(str(path)))) == EXPECTED_LABELS
    with pytest.raises(InputError, match="no such query file"):
        read_query(str(tmp_path / "missing.rq"))


def test_a_query_from_stdin(sailing, monkeypatch, capsys):
    monkeypatch.setattr("sys.stdin", io.StringIO(LABELS))
    assert main(["query", str(sailing), "-", "--format", "tsv"]) == 0
    assert len(capsys.readouterr().out.splitlines()) == len(EXPECTED_LABELS) + 1


def test_syntax_error_names_file_line_and_column(sailing, tmp_path):
    path = tmp_path / "broken.rq"
    path.write_text("# broken\nSELECT ?c\nWHERE { ?c skos:prefLabel }\n", encoding="utf-8")
    with pytest.raises(QueryError) as caught:
        run_query(load_graph(sailing), read_query(str(path)))
    message = str(caught.value)
    assert "broken.rq" in message and "line 3, column 27" in message and "\n" not in message


def test_unknown_prefix_is_named(sailing):
    with pytest.raises(QueryError, match=r"line 2, column \d+: unknown prefix 'ex:'"):
        run_query(load_graph(sailing), Query("SELECT ?c\nWHERE { ?c ex:label ?l }"))


def test_updates_are_refused(sailing):
    for update in ("INSERT DATA { <a:x> <a:y> <a:z> }", "PREFIX ex: <a:>\nDELETE WHERE { ?s ?p ?o }",
                   "# a comment\nCLEAR ALL"):
        with pytest.raises(QueryError, match="updates are not accepted"):
            run_query(load_graph(sailing), Query(update))


def test_cli_one_line_error_exit_2(sailing, capsys):
    assert main(["query", str(sailing), "SELECT ?c WHERE {\n ?c skos:prefLabel \n"]) == 2
    err = capsys.readouterr().err.strip()
    assert "\n" not in err and "line 3, column" in err and "Traceback" not in err


def test_cli_prints_csv(sailing, capsys):
    assert main(["query", str(sailing), LABELS, "--format", "csv"]) == 0
    assert capsys.readouterr().out.splitlines()[1] == "https://example.net/sail/boat,Boat"


def test_every_format_is_offered_by_the_command():
    from kg.cli import make_parser
    action = next(a for a in make_parser()._subparsers._group_actions[0].choices["query"]._actions
                  if a.dest == "format")
    assert tuple(action.choices) == FORMATS


def test_other_syntaxes_give_the_same_answers(sailing, tmp_path):
    graph = rdflib.Graph().parse(sailing)
    for suffix, syntax in ((".nt", "nt"), (".jsonld", "json-ld"), (".rdf", "xml")):
        path = tmp_path / f"sailing{suffix}"
        graph.serialize(path, format=syntax, encoding="utf-8")
        assert rows(run_query(load_graph(path), Query(LABELS))) == EXPECTED_LABELS, suffix


def test_a_folder_means_its_full_graph(tmp_path):
    (tmp_path / "voc.ttl").write_text(SAILING, encoding="utf-8")
    (tmp_path / "voc.skos.ttl").write_text(SAILING, encoding="utf-8")
    assert graph_file(tmp_path) == tmp_path / "voc.ttl"
    (tmp_path / "other.ttl").write_text(SAILING, encoding="utf-8")
    with pytest.raises(InputError, match="several graphs"):
        graph_file(tmp_path)
    (tmp_path / "empty").mkdir()
    with pytest.raises(InputError, match="no full graph"):
        graph_file(tmp_path / "empty")
    with pytest.raises(InputError, match="no such graph"):
        graph_file(tmp_path / "missing")


def test_a_broken_graph_file_names_its_line(tmp_path):
    path = tmp_path / "broken.ttl"
    path.write_text('@prefix a: <http://a.example/> .\na:x a:y a:z .\na:x a:y "unterminated .\n', encoding="utf-8")
    with pytest.raises(InputError) as caught:
        load_graph(path)
    assert caught.value.line == 3 and "broken.ttl" in str(caught.value)
    (tmp_path / "graph.txt").write_text("x", encoding="utf-8")
    with pytest.raises(InputError, match="RDF syntax"):
        load_graph(tmp_path / "graph.txt")


def test_the_bundled_export_answers(bundled_kg, tmp_path):
    from kg.exporters import render_all
    files = render_all(bundled_kg, ["rdf"])
    for name, content in files.items():
        (tmp_path / name).write_bytes(content)
    answer = run_query(load_graph(tmp_path), Query("SELECT (COUNT(?e) AS ?n) WHERE { ?e a kg:Entry }"))
    assert int(answer.records()[0]["n"]) == len(bundled_kg.entries)
