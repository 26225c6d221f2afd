"""`kg diff` between the build before and after a change reports exactly that change."""

from __future__ import annotations

import json

import pytest

from kg.cli import main
from kg.diff import diff_paths, render_text
from kg.exporters import render_all
from tests.test_decisions import CURATION, WITH_NEW, build_bees

BASE = "https://example.org/kg/bees/"


def export(kg, folder):
    """The full graph and the SKOS profile of a build, written as `kg build` would."""
    folder.mkdir()
    for name, content in render_all(kg, ["rdf"]).items():
        (folder / name).write_bytes(content)
    return folder


def before_and_after(monkeypatch, tmp_path, decisions="", files=None):
    old = export(build_bees(monkeypatch, tmp_path), tmp_path / "old")
    new_kg = build_bees(monkeypatch, tmp_path, decisions, **({"files": files} if files else {}))
    return diff_paths(old, export(new_kg, tmp_path / "new"))


def nonzero(change) -> dict[str, int]:
    return {name: n for name, n in change.counts().items() if n}


def test_the_same_build_has_no_changes(monkeypatch, tmp_path):
    change = before_and_after(monkeypatch, tmp_path)
    assert change.empty and nonzero(change) == {}
    assert render_text(change).strip().endswith("No changes.")


def test_a_new_glossary_adds_its_concepts_and_nothing_is_lost(monkeypatch, tmp_path):
    change = before_and_after(monkeypatch, tmp_path, files=WITH_NEW)
    assert change.concepts_added == tuple(BASE + k for k in ("american-foulbrood", "nosema", "wax-moth"))
    assert change.concepts_removed == () and change.relabelled == ()
    assert change.labels_added == change.labels_removed == ()
    assert change.definitions_added == change.definitions_removed == ()
    assert change.edges_removed == ()
    # the new definitions mention brood, colony and comb: those edges, and only they, are new
    assert {(kind, s.removeprefix(BASE), t.removeprefix(BASE)) for kind, s, t in change.edges_added} == {
        ("mentionedIn", "brood", "american-foulbrood"), ("mentionedIn", "colony", "nosema"),
        ("mentionedIn", "colony", "wax-moth"), ("mentionedIn", "comb", "wax-moth"),
        ("mentionedIn", "hive", "american-foulbrood")}


def test_a_rejected_edge_is_the_only_change(monkeypatch, tmp_path):
    change = before_and_after(monkeypatch, tmp_path, '[[reject]]\nedge = ["Swarm", "broader", "Colony"]\n')
    assert nonzero(change) == {"edges_removed": 1}
    assert change.edges_removed == (("broader", BASE + "swarm", BASE + "colony"),)
    assert change.edges_by_kind() == {"broader": {"added": 0, "removed": 1}}


def test_an_accepted_edge_is_reattributed(monkeypatch, tmp_path):
    change = before_and_after(monkeypatch, tmp_path, '[[accept]]\nedge = ["Swarm", "broader", "Colony"]\n')
    assert nonzero(change) == {"reattributed": 1}
    assert change.reattributed == ((("broader", BASE + "swarm", BASE + "colony"),
                                    ("test-opening",), ("curated",)),)


def test_a_preferred_label_is_a_relabelling(monkeypatch, tmp_path):
    change = before_and_after(monkeypatch, tmp_path,
                              '[[prefer-label]]\nconcept = "Varroa mite"\nlabel = "Varroa destructor"\n')
    assert nonzero(change) == {"relabelled": 1, "labels_added": 1}
    assert change.relabelled == ((BASE + "varroa-mite", '"Varroa mite"@en', '"Varroa destructor"@en'),)
    assert change.labels_added == ((BASE + "varroa-mite", "altLabel", "Varroa mite", "en"),)


def test_a_merge_removes_one_concept_and_moves_its_label_and_definition(monkeypatch, tmp_path):
    change = before_and_after(monkeypatch, tmp_path, '[[merge]]\nconcepts = ["Propolis", "Bee glue"]\n')
    assert change.concepts_removed == (BASE + "bee-glue",) and change.concepts_added == ()
    assert change.labels_added == ((BASE + "propolis", "altLabel", "Bee glue", "en"),)
    assert [d[0] for d in change.definitions_added] == [BASE + "propolis"]
    assert {"mentionedIn", "synonymOf"} <= {kind for kind, _, _ in change.edges_removed}
    assert all(BASE + "bee-glue" in (s, t) for _, s, t in change.edges_removed)
    assert change.edges_added == ()


def test_split_adds_a_concept_and_moves_a_definition(monkeypatch, tmp_path):
    change = before_and_after(monkeypatch, tmp_path,
                              '[[split]]\nconcept = "Drone"\nentries = ["apiary-terms"]\nlabel = "Drone bee"\n')
    assert change.concepts_added == (BASE + "drone-bee",)
    assert [d[0] for d in change.definitions_removed] == [BASE + "drone"]
    assert change.relabelled == () and change.concepts_removed == ()


def test_text_report_reads_as_a_changelog(monkeypatch, tmp_path):
    change = before_and_after(monkeypatch, tmp_path, files=WITH_NEW)
    text = render_text(change)
    assert "concepts     +3 -0, 0 relabelled" in text
    assert "edges        +5 -0  (mentionedIn +5 -0)" in text
    assert "Concepts added (3)\n  + American foulbrood  <" in text
    assert "  + Brood mentionedIn American foulbrood" in text


def test_cli_diff_json_and_files(monkeypatch, tmp_path, capsys):
    before_and_after(monkeypatch, tmp_path, '[[add-label]]\nconcept = "Smoker"\nlabel = "Bee smoker"\n')
    assert main(["diff", str(tmp_path / "old" / "bees.ttl"), str(tmp_path / "new"), "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert {k: v for k, v in data["counts"].items() if v} == {"labels_added": 1}
    assert data["labels"]["added"] == [{"concept": BASE + "smoker", "property": "altLabel",
                                        "value": "Bee smoker", "language": "en"}]
    assert main(["diff", str(tmp_path / "old"), str(tmp_path / "new")]) == 0
    assert '+ Smoker: altLabel "Bee smoker"@en' in capsys.readouterr().out


@pytest.mark.parametrize("make, words", [
    (lambda p: p / "missing.ttl", "no such file"),
    (lambda p: p, "no Turtle file"),
    (lambda p: (p / "bad.ttl").write_text("@prefix : <http://x/> .\n:a :b\n") and p / "bad.ttl",
     "bad.ttl:"),
])
def test_cli_diff_bad_input_is_one_line(tmp_path, capsys, make, words):
    target = make(tmp_path)
    assert main(["diff", str(target), str(CURATION / "beekeeping-basics.txt")]) == 2
    err = capsys.readouterr().err.strip()
    assert "\n" not in err and words in err and "Traceback" not in err


def test_inverse_and_symmetric_links_count_once(tmp_path):
    head = ("@prefix skos: <http://www.w3.org/2004/02/skos/core#> .\n@prefix : <http://ex.org/v/> .\n"
            ":a a skos:Concept ; skos:prefLabel \"A\"@en .\n:b a skos:Concept ; skos:prefLabel \"B\"@en .\n"
            ":c a skos:Concept ; skos:prefLabel \"C\"@en .\n")
    old = tmp_path / "old.ttl"
    old.write_text(head + ":a skos:broader :b .\n:b skos:narrower :a .\n", encoding="utf-8")
    new = tmp_path / "new.ttl"
    new.write_text(head + ":b skos:narrower :a .\n:a skos:related :c .\n:c skos:related :a .\n"
                   ":c skos:altLabel \"See\"@en .\n", encoding="utf-8")
    change = diff_paths(old, new)
    assert nonzero(change) == {"edges_added": 1, "labels_added": 1}
    assert change.edges_added == (("related", "http://ex.org/v/a", "http://ex.org/v/c"),)
    assert "  + A related C" in render_text(change)
