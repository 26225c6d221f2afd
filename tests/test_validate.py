"""kg validate: each check catches what it guards, on small broken files; exit codes; kg build."""

from __future__ import annotations

import json

import pytest

from kg.commands import validate as validate_command
from kg.errors import InputError
from kg.exporters import render_all
from kg.validate import build_summary, validate_bytes, validate_exports, validate_file
from tests.fixtures.rdf.samples import astronomy, rendered

HEAD = """
@prefix : <https://example.org/v/> .
@prefix ex: <https://example.org/terms#> .
@prefix kg: <https://w3id.org/kg/ontology#> .
@prefix dct: <http://purl.org/dc/terms/> .
@prefix rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
<https://example.org/v> a skos:ConceptScheme ; skos:prefLabel "V"@en ; dct:title "V"@en ;
    skos:hasTopConcept :a .
:a a skos:Concept ; skos:prefLabel "A"@en ; skos:inScheme <https://example.org/v> ;
    skos:topConceptOf <https://example.org/v> ; skos:narrower :b .
:b a skos:Concept ; skos:prefLabel "B"@en ; skos:inScheme <https://example.org/v> ;
    skos:broader :a ; skos:narrower :c .
:c a skos:Concept ; skos:prefLabel "C"@en ; skos:inScheme <https://example.org/v> ; skos:broader :b .
"""


def check(extra: str, libraries=("shacl", "skosify")) -> dict[str, list[str]]:
    report = validate_bytes((HEAD + extra).encode(), "test.ttl", libraries=libraries)
    found: dict[str, list[str]] = {}
    for problem in report.problems:
        found.setdefault(problem.check, []).append(problem.message)
    return found


def test_a_clean_file_passes_every_check():
    assert check("") == {}


def test_s14_two_preferred_labels_in_one_language():
    found = check(':c skos:prefLabel "See"@en .')
    assert "S14" in found and "shacl" in found and "skosify" in found


def test_s13_a_label_both_preferred_and_alternative():
    found = check(':c skos:altLabel "C"@en .')
    assert any("both prefLabel and altLabel" in m for m in found["S13"])
    assert "shacl" in found


def test_s27_through_a_chain_and_a_sub_property_of_related():
    # c is two steps below a; ex:assoc is declared a sub-property of skos:related
    found = check('ex:assoc rdfs:subPropertyOf skos:related . :c ex:assoc :a . :a ex:assoc :c .')
    assert len(found["S27"]) == 2
    assert any("S27" in m for m in found["shacl"]), "pySHACL with rdfs inference sees the sub-property"


def test_our_concept_relations_are_no_s27_clash():
    """kg:metricOf is a skos:semanticRelation, not a skos:related: allowed inside a hierarchy."""
    ontology_terms = ('kg:metricOf rdfs:subPropertyOf skos:semanticRelation . '
                      ':c kg:metricOf :a .')
    assert "S27" not in check(ontology_terms, libraries=("shacl",))


def test_hierarchy_cycles():
    found = check(':a skos:broader :c . :c skos:narrower :a .')
    assert any("cycle" in m and "https://example.org/v/a" in m for m in found["cycles"])
    assert "top-concepts" in found  # a is on top yet has a broader concept


def test_missing_inverse_links():
    found = check(':c skos:related :a2 . :a2 a skos:Concept ; skos:prefLabel "A2"@en ; '
                  'skos:inScheme <https://example.org/v> ; skos:topConceptOf <https://example.org/v> .')
    assert any("skos:related" in m for m in found["inverses"])
    assert any("without skos:hasTopConcept" in m for m in found["top-concepts"])


def test_orphans_unreachable_or_outside_the_scheme():
    found = check(':d a skos:Concept ; skos:prefLabel "D"@en .')
    messages = " ".join(found["orphans"])
    assert "not skos:inScheme" in messages and "cannot be reached" in messages


def test_overlapping_preferred_labels_across_concepts():
    found = check(':d a skos:Concept ; skos:prefLabel "b"@en ; skos:inScheme <https://example.org/v> ; '
                  'skos:broader :a . :a skos:narrower :d .')
    assert any("share the prefLabel" in m for m in found["labels"])


def test_alt_label_equal_to_another_concepts_preferred_label_is_fine():
    assert check(':c skos:altLabel "A"@en .') == {}


def test_language_tags_missing_or_invalid():
    found = check(':c skos:altLabel "Sea" ; skos:definition "A letter."@english .', libraries=())
    assert len(found["languages"]) == 2


def test_scheme_problems():
    found = check('<https://example.org/w> a skos:ConceptScheme .', libraries=())
    messages = " ".join(found["scheme"])
    assert "2 concept schemes" in messages and "no skos:prefLabel" in messages
    assert any("no top concept" in m for m in found["top-concepts"])


def test_iris_outside_the_namespace_or_not_slugs():
    found = check('<https://example.org/v/9lives> a skos:Concept ; skos:prefLabel "Nine"@en ; '
                  'skos:inScheme <https://example.org/v> ; skos:broader :a . :a skos:narrower <https://example.org/v/9lives> . '
                  '<https://example.org/v/Big_One> a skos:Concept ; skos:prefLabel "Big"@en ; '
                  'skos:inScheme <https://example.org/v> ; skos:broader :a . :a skos:narrower <https://example.org/v/Big_One> .',
                  libraries=())
    assert any("starting with a digit" in m for m in found["iris"])
    assert any("not a slug" in m for m in found["iris"])


def test_redundant_broader_link_is_a_warning():
    report = validate_bytes((HEAD + ":c skos:broader :a . :a skos:narrower :c .").encode(), "t.ttl", libraries=())
    assert report.ok and [p.check for p in report.warnings] == ["redundancy"]


def test_evidence_for_a_link_the_graph_does_not_state():
    files = render_all(astronomy(), ["rdf"])
    content = files["astro.ttl"].replace(b"kg:metricOf :nebula", b"kg:metricOf :star")
    report = validate_bytes(content, "astro.ttl", libraries=())
    assert any("does not state" in p.message for p in report.violations if p.check == "provenance")


def test_entry_without_a_source_breaks_shacl_and_provenance(tmp_path):
    content = HEAD + '<https://example.org/v/entry/x> a kg:Entry ; rdf:value "c"@en ; kg:line 0 ; kg:defines :c .'
    found = check(content.replace(HEAD, ""), libraries=("shacl",))
    assert any("dct:source" in m for m in found["provenance"])
    assert any("line" in m for m in found["shacl"])


def test_skosify_warning_is_a_violation():
    found = check(':c skos:altLabel " Sea "@en .', libraries=("skosify",))
    assert any("whitespace" in m for m in found["skosify"])


def test_text_and_json_reports_and_exit_codes(tmp_path, capsys):
    good = tmp_path / "astro.skos.ttl"
    good.write_bytes(rendered("astronomy")["astro.skos.ttl"])
    bad = tmp_path / "bad.ttl"
    bad.write_text(HEAD + ':c skos:prefLabel "See"@en .', encoding="utf-8")
    parser = __import__("argparse").ArgumentParser()
    validate_command.add_arguments(parser)
    assert validate_command.run(parser.parse_args([str(good)])) == 0
    assert "valid, 0 warnings" in capsys.readouterr().out
    assert validate_command.run(parser.parse_args([str(good), str(bad), "--format", "json"])) == 1
    reports = json.loads(capsys.readouterr().out)
    assert [r["valid"] for r in reports] == [True, False]
    s14 = next(c for c in reports[1]["checks"] if c["name"] == "S14")
    assert len(s14["violations"]) == 1


def test_unreadable_input_is_a_located_input_error(tmp_path):
    broken = tmp_path / "broken.ttl"
    broken.write_text("<https://example.org/a> <https://example.org/b> .\n", encoding="utf-8")
    with pytest.raises(InputError) as error:
        validate_file(broken)
    assert error.value.exit_code == 2 and error.value.path == str(broken)
    with pytest.raises(InputError, match="cannot tell the RDF syntax"):
        validate_file(tmp_path / "x.docx")
    with pytest.raises(InputError, match="cannot read"):
        validate_file(tmp_path / "missing.ttl")


def test_build_validation_runs_the_libraries_on_the_profile_and_says_so():
    reports = validate_exports(rendered("astronomy"))
    assert [r.file for r in reports] == ["astro.skos.ttl", "astro.ttl"]
    assert dict(reports[0].skipped) == {} and set(dict(reports[1].skipped)) == {"shacl", "skosify"}
    summary = build_summary(reports)
    assert summary.startswith("Validated astro.skos.ttl (profile checks, SHACL, Skosify)")
    assert summary.endswith("no violations, 0 warnings")


def test_kg_build_exits_1_when_its_exports_break_the_profile(tmp_path, monkeypatch, capsys):
    from kg.cli import main
    from kg.exporters import skos

    glossary = tmp_path / "tides.txt"
    glossary.write_text("Tide: the rise and fall of the sea.\nNeap Tide: a tide with the least range.\n",
                        encoding="utf-8")
    assert main(["build", str(glossary), "--out", str(tmp_path / "ok")]) == 0
    assert "Validated tides.skos.ttl (profile checks, SHACL, Skosify)" in capsys.readouterr().out
    original = skos.concept_groups

    def without_labels(*args):  # an exporter bug: concepts lose their preferred labels
        for node, lines in original(*args):
            yield node, [line for line in lines if "#prefLabel>" not in line]

    monkeypatch.setattr(skos, "concept_groups", without_labels)
    assert main(["build", str(glossary), "--out", str(tmp_path / "bad"), "--quiet"]) == 1
    assert "has no prefLabel" in capsys.readouterr().err


def test_large_graphs_skip_the_slow_libraries_and_say_why():
    report = validate_bytes(rendered("astronomy")["astro.skos.ttl"], "astro.skos.ttl", max_library_triples=10)
    assert report.ok and set(dict(report.skipped)) == {"shacl", "skosify"}
    assert "skip" in report.to_text()


def test_blank_nodes_are_compared_by_isomorphism():
    assert check(':c skos:note [ rdf:value "a note"@en ] .', libraries=("skosify",)) == {}
    found = check(':c skos:definition [ rdf:value "reified"@en ] .', libraries=())
    assert any("not a plain literal" in m for m in found["languages"])


def test_a_folder_stands_for_its_rdf_files(tmp_path, capsys):
    for name, content in rendered("astronomy").items():
        (tmp_path / name).write_bytes(content)
    (tmp_path / "astro.html").write_text("<!doctype html>", encoding="utf-8")
    parser = __import__("argparse").ArgumentParser()
    validate_command.add_arguments(parser)
    assert validate_command.run(parser.parse_args([str(tmp_path), "--format", "json",
                                                   "--max-library-triples", "0"])) == 0
    files = [report["file"].rsplit("/", 1)[1] for report in json.loads(capsys.readouterr().out)]
    assert files == sorted(rendered("astronomy"))
    empty = tmp_path / "empty"
    empty.mkdir()
    with pytest.raises(InputError, match="no RDF file"):
        validate_command.run(parser.parse_args([str(empty)]))


def test_build_summary_says_when_exports_are_too_large_for_the_libraries():
    reports = validate_exports(rendered("astronomy"), max_library_triples=10)
    summary = build_summary(reports)
    assert "(profile checks)" in summary and "`kg validate astro.skos.ttl` runs them" in summary


def test_a_build_rereads_a_large_full_graph_only_on_request(bundled_kg):
    """The SKOS profile is always checked; a full graph over the size limit is left to kg validate."""
    from kg.exporters import render_all
    from kg.validate import build_summary, validate_exports

    files = render_all(bundled_kg, ["rdf", "skos"])
    reports = {report.file: report for report in validate_exports(files, max_full_graph_bytes=1)}
    name = bundled_kg.scheme.name
    assert reports[f"{name}.skos.ttl"].triples > 0 and "profile" not in dict(reports[f"{name}.skos.ttl"].skipped)
    assert "profile" in dict(reports[f"{name}.ttl"].skipped)
    assert f"`kg validate {name}.ttl` checks it" in build_summary(list(reports.values()))


# Small graphs and their reports word for word, in order: the profile checks find their suspects
# in one pass and then read each in full, and must say exactly what a plain reading of every
# concept in order says (these are its reports).
V = "https://example.org/v/"
REPORTED = {
    "chains": (
        ':d a skos:Concept ; skos:prefLabel "D"@en ; skos:inScheme <https://example.org/v> ; skos:broader :b , :a . '
        ':b skos:narrower :d . :a skos:narrower :d . :c skos:related :a . :a skos:related :c . '
        ':c skos:scopeNote "sea" ; skos:definition [ rdf:value "x"@en ] ; skos:altLabel "B"@en , "C"@en .',
        [("S13", f'<{V}c> has "C" as both prefLabel and altLabel', "violation"),
         ("languages", f"<{V}c> has a skos:definition that is not a plain literal (TemaTres and SkoHub need one)",
          "violation"),
         ("languages", f'<{V}c> skos:scopeNote "sea" has no language tag', "violation"),
         ("S27", f"<{V}a> is related to <{V}c>, which a broader chain also joins", "violation"),
         ("S27", f"<{V}c> is related to <{V}a>, which a broader chain also joins", "violation"),
         ("redundancy", f"<{V}d> broader <{V}a> is implied by a longer chain", "warning")]),
    "cycle": (
        ':a skos:broader :c . :c skos:narrower :a . :b skos:related :c , :e . :c skos:related :b . '
        ':e a skos:Concept ; skos:prefLabel "c "@en ; skos:inScheme <https://example.org/v> .',
        [("labels", f'<{V}c>, <{V}e> share the prefLabel "C"@en', "violation"),
         ("cycles", f"broader cycle through {V}a → {V}b → {V}c", "violation"),
         ("S27", f"<{V}b> is related to <{V}c>, which a broader chain also joins", "violation"),
         ("S27", f"<{V}c> is related to <{V}b>, which a broader chain also joins", "violation"),
         ("inverses", f"<{V}b> skos:related <{V}e> but not the other way (skos:related)", "violation"),
         ("top-concepts", f"top concept <{V}a> has a broader concept <{V}c>", "violation"),
         ("orphans", f"<{V}e> cannot be reached from a top concept through skos:narrower", "violation")]),
    "provenance": (  # terms written as RDF writes them; a literal is never the IRI it spells
        '<https://example.org/v/entry/x> a kg:Entry ; rdf:value "c" ; kg:line :a , "0"^^xsd:integer ; '
        'dct:source :c ; kg:defines :c , :nothing . '
        '<https://example.org/v/evidence/e> a kg:Evidence ; rdf:subject :c ; rdf:predicate skos:broader ; '
        'rdf:object "https://example.org/v/b" ; kg:confidence :a ; kg:method "m" ; kg:quote "q" .',
        [("provenance", f"<{V}entry/x>: its definition is not language-tagged", "violation"),
         ("provenance", f"<{V}entry/x>: its source <{V}c> is not a kg:Source", "violation"),
         ("provenance", f"<{V}entry/x> has 2 kg:line, not one", "violation"),
         ("provenance", f"<{V}entry/x>: kg:line <{V}a> is not a line number", "violation"),
         ("provenance", f'<{V}entry/x>: kg:line "0"^^<http://www.w3.org/2001/XMLSchema#integer> is not a line number',
          "violation"),
         ("provenance", f"<{V}entry/x> defines <{V}nothing>, not a concept", "violation"),
         ("provenance", f"<{V}evidence/e> explains <{V}c> <http://www.w3.org/2004/02/skos/core#broader> <{V}b>, "
          "which the graph does not state", "violation"),
         ("provenance", f"<{V}evidence/e>: confidence <{V}a> is not in [0, 1]", "violation")]),
}


@pytest.mark.parametrize("case", sorted(REPORTED))
def test_profile_reports_word_for_word(case):
    extra, expected = REPORTED[case]
    report = validate_bytes((HEAD + extra).encode(), "t.ttl", libraries=())
    assert [(p.check, p.message, p.severity) for p in report.problems] == expected


def test_a_list_of_triples_and_the_file_give_one_report():
    from kg.validate import parse_triples, validate_triples

    content = (HEAD + REPORTED["cycle"][0] + REPORTED["provenance"][0]).encode()
    from_triples = validate_triples(parse_triples(content, "ttl", "t.ttl"), "t.ttl", libraries=("skosify",))
    assert from_triples == validate_bytes(content, "t.ttl", libraries=("skosify",))
    assert from_triples.triples == len(parse_triples(content, "ttl", "t.ttl")) and from_triples.concepts == 4


def test_ancestors_are_the_broader_closure_with_or_without_cycles():
    from kg.validate.hierarchy import Ancestors, acyclic, cycles, reach

    tree = {"d": {"b", "c"}, "b": {"a"}, "c": {"a"}, "e": {"d"}}
    looped = {**tree, "a": {"e"}}
    assert acyclic(tree) and cycles(tree) == []
    assert not acyclic(looped) and cycles(looped) == [["a", "b", "c", "d", "e"]]
    assert not acyclic({"a": {"a"}}) and cycles({"a": {"a"}}) == [["a"]]
    for parents in (tree, looped):
        ancestors = Ancestors(parents, acyclic=acyclic(parents))
        for node in ("e", "d", "b", "a", "unknown"):
            assert ancestors(node) == reach(parents.get(node, ()), parents)
    assert Ancestors(tree, acyclic=True)("e") == {"a", "b", "c", "d"}
