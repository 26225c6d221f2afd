"""The review queue lists what it should, and the lines it offers, pasted, take effect."""

from __future__ import annotations

import csv
import io
from dataclasses import replace

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kg.cli import main
from kg.decisions import load_decisions, parse_decisions
from kg.errors import InputError
from kg.exporters import render_all
from kg.model import Finding
from kg.pipeline import BuildOptions, build
from kg.manifest import plan_for_paths
from kg.review import _toml, is_graph, read_graph, render, review_queue
from tests.fixtures.curation.rules import use_rules
from tests.test_decisions import CURATION, FIRST, build_bees, edges_of


def queued(items, category):
    return sorted(i.subject for i in items if i.category == category)


def paste(tmp_path, tables: list[str], name="pasted.toml"):
    path = tmp_path / name
    path.write_text("\n\n".join(tables) + "\n", encoding="utf-8")
    return path


def rebuild(monkeypatch, decisions_path):
    config = use_rules(monkeypatch)
    return build(plan_for_paths(list(FIRST), name="bees"),
                 BuildOptions(config=config, decisions=load_decisions(decisions_path)))


def test_queue_lists_doubtful_edges_and_synonym_candidates(monkeypatch, tmp_path):
    items = review_queue(build_bees(monkeypatch, tmp_path), below=0.7)
    assert queued(items, "low-confidence") == ["Mite count broader Varroa mite", "Swarm broader Colony"]
    assert queued(items, "synonym-candidate") == ["Bee glue = Propolis"]
    assert queued(items, "provisional") == [] and queued(items, "trap") == []
    swarm = next(i for i in items if i.subject == "Swarm broader Colony")
    assert swarm.where == f"{FIRST[0]}:15" and swarm.confidence == 0.6
    assert swarm.accept == '[[accept]]\nedge = ["Swarm", "broader", "Colony"]'
    assert swarm.reject == '[[reject]]\nedge = ["Swarm", "broader", "Colony"]'


def test_threshold_decides_which_edges_are_queued(monkeypatch, tmp_path):
    kg = build_bees(monkeypatch, tmp_path)
    assert queued(review_queue(kg, below=0.6), "low-confidence") == []
    high = queued(review_queue(kg, below=0.95), "low-confidence")
    assert "Queen mentioned_in Drone" in high and len(high) == 2 + 12  # every mention too


def test_provisional_concepts_and_traps_are_queued(monkeypatch, tmp_path):
    kg = build_bees(monkeypatch, tmp_path)
    kg = replace(kg, concepts=tuple(replace(c, provisional=c.key == "comb") for c in kg.concepts),
                 findings=(Finding("pasted-definition", "another entry's text was pasted in",
                                   source="apiary-terms", line=9),
                           Finding("cycle-broken", "dropped a broader link")))
    items = review_queue(kg)
    (comb,) = [i for i in items if i.category == "provisional"]
    assert comb.accept == '[[mark-reviewed]]\nconcept = "comb"  # Comb'
    assert comb.reject.startswith('[[prefer-label]]\nconcept = "comb"  # Comb\nlabel = ""')
    pasted = rebuild(monkeypatch, paste(tmp_path, [comb.reject.replace('label = ""', 'label = "Wax comb"')]))
    assert pasted.concept("comb").pref_label == "Wax comb"
    with pytest.raises(InputError):  # the placeholder pasted as it is: the curator must fill it in
        rebuild(monkeypatch, paste(tmp_path, [comb.reject], "unfilled.toml"))
    traps = {i.subject: i for i in items if i.category == "trap"}
    trap, cycle = traps["pasted-definition"], traps["cycle-broken"]
    assert (trap.subject, trap.where) == ("pasted-definition", "apiary-terms:9")
    assert trap.accept == '[[mark-reviewed]]\nconcept = "Drone"'
    assert trap.reject == '[[split]]\nconcept = "Drone"\nentries = ["apiary-terms:9"]'
    assert (cycle.accept, cycle.reject) == ("", "")  # nothing to decide: it is only reported


def test_pasted_accept_lines_take_effect_and_empty_the_queue(monkeypatch, tmp_path):
    items = review_queue(build_bees(monkeypatch, tmp_path))
    kg = rebuild(monkeypatch, paste(tmp_path, [i.accept for i in items]))
    assert edges_of(kg, "broader", "swarm", "colony")[0].evidence.method == "curated"
    assert edges_of(kg, "broader", "mite-count", "varroa-mite")[0].confidence == 1.0
    (merged,) = [c for c in kg.concepts if {"Bee glue", "Propolis"} <= set(c.labels)]
    assert len(merged.entries) == 2  # accepting a near-synonym merges the two
    assert not [f for f in kg.findings if f.kind == "stale-decision"]
    assert review_queue(kg) == []


def test_pasted_reject_lines_take_effect_and_empty_the_queue(monkeypatch, tmp_path):
    items = review_queue(build_bees(monkeypatch, tmp_path))
    kg = rebuild(monkeypatch, paste(tmp_path, [i.reject for i in items]))
    assert not edges_of(kg, "broader", "swarm", "colony")
    assert not [e for e in kg.edges if e.kind == "synonym"]
    assert {"propolis", "bee-glue"} <= {c.key for c in kg.concepts}
    assert review_queue(kg) == []


def test_pasted_trap_lines_take_effect(monkeypatch, tmp_path):
    kg = build_bees(monkeypatch, tmp_path)
    kg = replace(kg, findings=(Finding("duplicate-headword", "defined twice", "apiary-terms", 9),))
    (trap,) = [i for i in review_queue(kg) if i.category == "trap"]
    split = rebuild(monkeypatch, paste(tmp_path, [trap.reject], "reject.toml"))
    assert split.concept("drone").entries == ("beekeeping-basics-5",)
    reviewed = rebuild(monkeypatch, paste(tmp_path, [trap.accept], "accept.toml"))
    assert reviewed.concept("drone").reviewed
    assert not [i for i in review_queue(replace(reviewed, findings=kg.findings)) if i.category == "trap"]


def test_a_label_naming_two_concepts_is_pasted_as_a_key(monkeypatch, tmp_path):
    kg = build_bees(monkeypatch, tmp_path, '[[prefer-label]]\nconcept = "Hive"\nlabel = "Colony"\n')
    accepts = {i.accept for i in review_queue(kg) if i.subject == "Swarm broader Colony"}
    assert accepts == {'[[accept]]\nedge = ["Swarm", "broader", "colony"]',
                       '[[accept]]\nedge = ["Swarm", "broader", "hive"]'}


def test_csv_and_markdown_carry_the_decisions(monkeypatch, tmp_path):
    items = review_queue(build_bees(monkeypatch, tmp_path))
    rows = list(csv.DictReader(io.StringIO(render(items, "csv"))))
    assert [r["item"] for r in rows] == [i.subject for i in items]
    assert rows[0]["accept"] == items[0].accept and rows[0]["confidence"] == "0.60"
    markdown = render(items, "markdown")
    assert markdown.count("```toml") == 2 * len(items)
    assert "## Low-confidence edges (2)" in markdown and "## Near-synonym candidates (1)" in markdown
    table = render(items, "table")
    assert 'edge = ["Swarm", "broader", "Colony"]' in table  # whole, not wrapped


def test_cli_review_of_sources_and_of_a_built_graph(monkeypatch, tmp_path, capsys):
    use_rules(monkeypatch)
    assert main(["review", *map(str, FIRST), "--format", "csv"]) == 0
    from_sources = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    assert {r["category"] for r in from_sources} == {"low-confidence", "synonym-candidate"}
    out = tmp_path / "out"
    out.mkdir()
    kg = build_bees(monkeypatch, tmp_path)
    for name, content in render_all(kg, ["rdf"]).items():
        (out / name).write_bytes(content)
    assert is_graph(out) and not is_graph(CURATION) and not is_graph(FIRST[0])
    assert main(["review", str(out), "--format", "csv"]) == 0
    from_graph = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    assert [(r["item"], r["accept"], r["reject"]) for r in from_graph] == [
        (i.subject, i.accept, i.reject) for i in review_queue(kg)]


def test_a_built_graph_keeps_what_review_needs(monkeypatch, tmp_path):
    kg = build_bees(monkeypatch, tmp_path)
    kg = replace(kg, concepts=tuple(replace(c, provisional=c.key == "comb") for c in kg.concepts))
    path = tmp_path / "bees.ttl"
    path.write_bytes(render_all(kg, ["rdf"])["bees.ttl"])
    assert review_queue(read_graph(path)) == review_queue(kg)


def test_cli_review_rejects_a_bad_threshold(capsys):
    assert main(["review", str(FIRST[0]), "--below", "7"]) == 2
    assert "--below" in capsys.readouterr().err


@given(st.text(min_size=1, max_size=30).filter(lambda s: s.strip() == s and s))
@settings(max_examples=200, deadline=None)
def test_any_label_pastes_as_valid_toml_naming_it(label):
    from kg.review import _concept_table

    decisions = parse_decisions(_concept_table("add-label", label, f"label = {_toml(label + ' x')}",
                                               comment=label), "pasted.toml")
    assert decisions.items[0].concepts == (label,) and decisions.items[0].label == label + " x"
