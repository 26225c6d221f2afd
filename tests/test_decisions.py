"""Curators' decisions: each kind changes the export as stated and survives a rebuild with a new
glossary; stale decisions are reported with their line; malformed ones are located errors."""

from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import Graph, Literal, Namespace, URIRef
from rdflib.namespace import SKOS

from kg.cli import main
from kg.decisions import (NO_DECISIONS, Decisions, apply_concept_decisions, load_decisions,
                          parse_decisions)
from kg.errors import InputError
from kg.exporters import render_all
from kg.manifest import plan_for_paths
from kg.model import Concept, Entry
from kg.pipeline import BuildOptions, build
from kg.vocabulary import EDGE_PROPERTY, KG_NS
from tests.fixtures.curation.rules import use_rules

CURATION = Path(__file__).resolve().parent / "fixtures" / "curation"
FIRST = [CURATION / "beekeeping-basics.txt", CURATION / "apiary-terms.txt"]
WITH_NEW = [*FIRST, CURATION / "bee-health.txt"]  # the rebuild: one more glossary

KG = Namespace(KG_NS)


def build_bees(monkeypatch, tmp_path, decisions: str = "", files=FIRST):
    config = use_rules(monkeypatch)
    chosen = NO_DECISIONS
    if decisions:
        path = tmp_path / "decisions.toml"
        path.write_text(decisions, encoding="utf-8")
        chosen = load_decisions(path)
    return build(plan_for_paths(list(files), name="bees"), BuildOptions(config=config, decisions=chosen))


def exported(kg) -> Graph:
    """The full RDF export of a build, parsed back."""
    files = render_all(kg, ["rdf"])
    (name,) = [n for n in files if n.endswith(".ttl") and not n.endswith(".skos.ttl")]
    return Graph().parse(data=files[name].decode("utf-8"), format="turtle")


def iri(kg, key: str) -> URIRef:
    return Namespace(kg.scheme.base_iri)[key]


def edge_triple(kg, source: str, kind: str, target: str):
    predicate = SKOS.broader if kind == "broader" else KG[EDGE_PROPERTY[kind]]
    return iri(kg, source), predicate, iri(kg, target)


def edges_of(kg, kind, source, target):
    return [e for e in kg.edges if (e.kind, e.source, e.target) == (kind, source, target)]


def stale_findings(kg):
    return [f for f in kg.findings if f.kind == "stale-decision"]


def labels(graph: Graph, node, prop) -> set[str]:
    return {str(o) for o in graph.objects(node, prop)}


@pytest.fixture(params=["before", "after a new glossary"])
def files(request):
    return FIRST if request.param == "before" else WITH_NEW


# --- every kind, before and after a rebuild with a new glossary ------------------------------

def test_without_decisions_the_rules_stand(monkeypatch, tmp_path, files):
    kg = build_bees(monkeypatch, tmp_path, files=files)
    graph = exported(kg)
    assert edge_triple(kg, "swarm", "broader", "colony") in graph
    assert edges_of(kg, "broader", "swarm", "colony")[0].evidence.method == "test-opening"
    assert {c.pref_label for c in kg.concepts} >= {"Propolis", "Bee glue", "Drone"}
    assert not stale_findings(kg)


def test_reject_removes_the_edge(monkeypatch, tmp_path, files):
    kg = build_bees(monkeypatch, tmp_path, '[[reject]]\nedge = ["Swarm", "broader", "colony"]\n', files)
    assert edge_triple(kg, "swarm", "broader", "colony") not in exported(kg)
    assert not edges_of(kg, "broader", "swarm", "colony")
    assert edges_of(kg, "broader", "mite-count", "varroa-mite"), "only the named edge goes"
    assert not stale_findings(kg)


def test_accept_makes_the_edge_curated(monkeypatch, tmp_path, files):
    kg = build_bees(monkeypatch, tmp_path,
                    '[[accept]]\nedge = ["swarm", "broader", "Colony"]\nnote = "a swarm is a colony"\n',
                    files)
    (edge,) = edges_of(kg, "broader", "swarm", "colony")
    assert (edge.evidence.method, edge.confidence, edge.evidence.quote) == ("curated", 1.0,
                                                                           "a swarm is a colony")
    assert edge.evidence.entry == "beekeeping-basics-8"  # still derived from the definition
    assert edge_triple(kg, "swarm", "broader", "colony") in exported(kg)


def test_add_creates_an_edge_no_rule_found(monkeypatch, tmp_path, files):
    kg = build_bees(monkeypatch, tmp_path, '[[add]]\nedge = ["Mite count", "metric_of", "Varroa mite"]\n',
                    files)
    (edge,) = edges_of(kg, "metric_of", "mite-count", "varroa-mite")
    assert edge.evidence.method == "curated" and edge.confidence == 1.0
    assert "decisions.toml:1" in edge.evidence.quote  # no note: the decision and its line
    assert edge_triple(kg, "mite-count", "metric_of", "varroa-mite") in exported(kg)


def test_narrower_reads_as_broader_reversed(monkeypatch, tmp_path):
    kg = build_bees(monkeypatch, tmp_path, '[[add]]\nedge = ["Hive", "narrower", "Super"]\n')
    assert edges_of(kg, "broader", "super", "hive")[0].evidence.method == "curated"


def test_merge_joins_two_concepts_before_inference(monkeypatch, tmp_path, files):
    kg = build_bees(monkeypatch, tmp_path, '[[merge]]\nconcepts = ["Propolis", "bee glue"]\n', files)
    graph = exported(kg)
    merged = kg.concept("propolis")
    assert merged.alt_labels == ("Bee glue",)
    assert set(merged.entries) == {"beekeeping-basics-10", "apiary-terms-7"}
    assert merged.merge_reasons[-1].rule == "curated"
    assert "bee-glue" not in {c.key for c in kg.concepts}
    assert labels(graph, iri(kg, "propolis"), SKOS.altLabel) == {"Bee glue"}
    assert len(labels(graph, iri(kg, "propolis"), SKOS.definition)) == 2
    # inference ran on the merged concept: no synonym edge to itself, no edge to a lost concept
    assert not [e for e in kg.edges if "bee-glue" in (e.source, e.target)]


def test_split_moves_the_named_entries_out(monkeypatch, tmp_path, files):
    kg = build_bees(monkeypatch, tmp_path,
                    '[[split]]\nconcept = "Drone"\nentries = ["apiary-terms"]\nlabel = "Drone bee"\n',
                    files)
    assert kg.concept("drone").entries == ("beekeeping-basics-5",)
    assert kg.concept("drone-bee").entries == ("apiary-terms-5",)
    graph = exported(kg)
    assert labels(graph, iri(kg, "drone-bee"), SKOS.prefLabel) == {"Drone bee"}
    assert len(labels(graph, iri(kg, "drone"), SKOS.definition)) == 1


def test_split_by_line_and_default_label(monkeypatch, tmp_path):
    kg = build_bees(monkeypatch, tmp_path,
                    '[[split]]\nconcept = "drone"\nentries = ["beekeeping-basics:9"]\n')
    assert kg.concept("drone").entries == ("apiary-terms-5",)
    assert kg.concept("drone-2").entries == ("beekeeping-basics-5",)
    assert kg.concept("drone-2").pref_label == "Drone"


def test_prefer_label_keeps_the_iri(monkeypatch, tmp_path, files):
    kg = build_bees(monkeypatch, tmp_path,
                    '[[prefer-label]]\nconcept = "varroa mite"\nlabel = "Varroa destructor"\n', files)
    graph = exported(kg)
    node = iri(kg, "varroa-mite")
    assert labels(graph, node, SKOS.prefLabel) == {"Varroa destructor"}
    assert labels(graph, node, SKOS.altLabel) == {"Varroa mite"}
    # edge decisions and inference see the new label: the old one still names it too
    assert edges_of(kg, "broader", "mite-count", "varroa-mite")


def test_add_label_adds_an_alternative(monkeypatch, tmp_path, files):
    kg = build_bees(monkeypatch, tmp_path, '[[add-label]]\nconcept = "Smoker"\nlabel = "Bee smoker"\n',
                    files)
    assert labels(exported(kg), iri(kg, "smoker"), SKOS.altLabel) == {"Bee smoker"}


def test_mark_reviewed(monkeypatch, tmp_path, files):
    kg = build_bees(monkeypatch, tmp_path, '[[mark-reviewed]]\nconcept = "Queen"\n', files)
    assert kg.concept("queen").reviewed
    assert not any(c.reviewed for c in kg.concepts if c.key != "queen")


def test_mark_reviewed_clears_provisional():
    concepts = [Concept("the-wax-cells", "the wax cells", entries=("a-1",), provisional=True)]
    decided, findings = apply_concept_decisions(
        concepts, [Entry("a", 1, None, "the wax cells")],
        parse_decisions('[[mark-reviewed]]\nconcept = "The wax cells"\n', "d.toml"))
    assert findings == [] and decided[0].reviewed and not decided[0].provisional


def test_decisions_apply_in_file_order_across_kinds(monkeypatch, tmp_path):
    # the merge comes first, so the later edge decision can name the merged concept by either label
    kg = build_bees(monkeypatch, tmp_path, '[[merge]]\nconcepts = ["Propolis", "Bee glue"]\n\n'
                    '[[add]]\nedge = ["bee glue", "broader", "Comb"]\n')
    assert edges_of(kg, "broader", "propolis", "comb")[0].evidence.method == "curated"


# --- stale and ambiguous decisions ---------------------------------------------------------

def test_stale_decisions_are_reported_with_their_line(monkeypatch, tmp_path):
    text = ("# header\n\n[[reject]]\nedge = [\"Swarm\", \"broader\", \"Hive\"]\n\n"
            "[[merge]]\nconcepts = [\"Propolis\", \"Royal jelly\"]\n\n"
            "[[prefer-label]]\nconcept = \"Swarm\"\nlabel = \"Cast\"\n")
    kg = build_bees(monkeypatch, tmp_path, text)
    stale = sorted((f.line, f.message) for f in kg.findings if f.kind == "stale-decision")
    assert [line for line, _ in stale] == [3, 6]
    assert "no such edge" in stale[0][1] and "Royal jelly" in stale[1][1]
    assert all(f.source.endswith("decisions.toml") for f in stale_findings(kg))
    assert kg.concept("swarm").pref_label == "Cast"  # the good decision still applies
    assert "bee-glue" in {c.key for c in kg.concepts}  # the stale merge did nothing


def test_a_decision_that_no_longer_changes_anything_is_stale(monkeypatch, tmp_path):
    # no entry of that source defines Drone; both names of the merge are already one concept
    kg = build_bees(monkeypatch, tmp_path,
                    '[[split]]\nconcept = "Drone"\nentries = ["no-such-source"]\n\n'
                    '[[merge]]\nconcepts = ["Drone", "drone"]\n')
    assert [f.line for f in kg.findings if f.kind == "stale-decision"] == [1, 5]


def test_an_ambiguous_label_is_reported_not_guessed(monkeypatch, tmp_path):
    text = ('[[add-label]]\nconcept = "Hive"\nlabel = "Box"\n\n[[add-label]]\nconcept = "Super"\n'
            'label = "box"\n\n[[mark-reviewed]]\nconcept = "BOX"\n')
    kg = build_bees(monkeypatch, tmp_path, text)
    (finding,) = stale_findings(kg)
    assert finding.line == 9 and "hive" in finding.message and "super" in finding.message
    assert not any(c.reviewed for c in kg.concepts)


def test_a_key_or_iri_names_a_concept(monkeypatch, tmp_path):
    kg = build_bees(monkeypatch, tmp_path, '[[mark-reviewed]]\nconcept = "worker"\n\n'
                    '[[mark-reviewed]]\nconcept = "https://example.org/kg/bees/queen-excluder"\n')
    assert {c.key for c in kg.concepts if c.reviewed} == {"worker", "queen-excluder"}


# --- malformed files ------------------------------------------------------------------------

@pytest.mark.parametrize("text, line, words", [
    ('[[reject]]\nedge = ["A", "broader", "B"]\n\n[[remove]]\nconcept = "A"\n', 4, "unknown decision"),
    ('[[reject]]\nedge = ["A", "broader", "B"]\nwhy = "x"\n', 3, "unknown key 'why'"),
    ('\n[[reject]]\nedge = ["A", "parent", "B"]\n', 3, "unknown edge kind"),
    ('[[accept]]\nedge = ["A", "B"]\n', 2, "'edge' must be"),
    ('[[merge]]\nconcepts = ["A"]\n', 2, "at least 2"),
    ('[[prefer-label]]\nconcept = "A"\nlabel = " "\n', 3, "non-empty"),
    ('[[split]]\nconcept = "A"\n', 1, "missing 'entries'"),
    ('reject = [{ edge = ["A", "broader", "B"] }]\n', 1, "[[reject]] table"),
    ('[[reject]]\nedge = ["A", "broader", "B"\n', 2, "not valid TOML"),
])
def test_malformed_decisions_name_file_and_line(text, line, words):
    with pytest.raises(InputError) as raised:
        parse_decisions(text, "sources/decisions.toml")
    assert raised.value.path == "sources/decisions.toml"
    assert raised.value.line == line and words in raised.value.message


def test_parse_every_kind_with_its_line():
    text = (CURATION / "all-kinds.toml").read_text(encoding="utf-8")
    decisions = parse_decisions(text, "all-kinds.toml")
    assert [(d.action, d.line) for d in decisions.items] == [
        ("accept", 3), ("reject", 6), ("add", 10), ("merge", 13), ("split", 16),
        ("prefer-label", 21), ("add-label", 25), ("mark-reviewed", 29)]
    assert decisions.items[4].entries == ("apiary-terms:9",)
    assert decisions.items[1].note == "why"


# --- where the file comes from --------------------------------------------------------------

def test_build_applies_decisions_beside_the_manifest(monkeypatch, tmp_path):
    config = use_rules(monkeypatch)
    for file in FIRST:
        (tmp_path / file.name).write_text(file.read_text(encoding="utf-8"), encoding="utf-8")
    (tmp_path / "manifest.toml").write_text(
        '[scheme]\nname = "bees"\n\n[[source]]\nfile = "beekeeping-basics.txt"\n\n'
        '[[source]]\nfile = "apiary-terms.txt"\n', encoding="utf-8")
    (tmp_path / "decisions.toml").write_text('[[reject]]\nedge = ["Swarm", "broader", "Colony"]\n',
                                             encoding="utf-8")
    kg = build(plan_for_paths([tmp_path]), BuildOptions(config=config))
    assert not edges_of(kg, "broader", "swarm", "colony")
    assert edges_of(kg, "broader", "mite-count", "varroa-mite")


def test_cli_build_takes_decisions(tmp_path, capsys):
    decisions = tmp_path / "mine.toml"
    decisions.write_text('[[prefer-label]]\nconcept = "Smoker"\nlabel = "Bee smoker"\n', encoding="utf-8")
    out = tmp_path / "out"
    assert main(["build", *map(str, FIRST), "--name", "bees", "--out", str(out), "--quiet",
                 "--decisions", str(decisions)]) == 0
    graph = Graph().parse(out / "bees.ttl")
    assert (None, SKOS.prefLabel, Literal("Bee smoker", lang="en")) in graph


def test_cli_build_reports_a_malformed_decision_in_one_line(tmp_path, capsys):
    decisions = tmp_path / "bad.toml"
    decisions.write_text('[[reject]]\nedge = ["Smoker", "uses", "Bee"]\n', encoding="utf-8")
    assert main(["build", str(FIRST[0]), "--out", str(tmp_path / "o"), "--decisions", str(decisions)]) == 2
    err = capsys.readouterr().err.strip()
    assert "\n" not in err and f"{decisions}:2" in err and "unknown edge kind" in err
    assert not (tmp_path / "o").exists()


def test_no_decisions_changes_nothing(monkeypatch, tmp_path):
    plain = build_bees(monkeypatch, tmp_path)
    empty = build_bees(monkeypatch, tmp_path, "# nothing decided yet\n")
    assert plain == empty
    assert isinstance(load_decisions(Path(__file__).resolve().parent.parent / "sources" / "decisions.toml"),
                      Decisions)


def test_a_curated_edge_the_hierarchy_drops_is_reported(monkeypatch, tmp_path):
    kg = build_bees(monkeypatch, tmp_path, '[[add]]\nedge = ["Colony", "broader", "Hive"]\n\n'
                    '[[add]]\nedge = ["Swarm", "broader", "Hive"]\n')
    assert edges_of(kg, "broader", "colony", "hive") and edges_of(kg, "broader", "swarm", "colony")
    assert not edges_of(kg, "broader", "swarm", "hive")  # implied by swarm -> colony -> hive
    (overruled,) = [f for f in kg.findings if f.kind == "overruled-decision"]
    assert overruled.line == 4 and overruled.source.endswith("decisions.toml")


def test_mark_reviewed_takes_the_provisional_flag_off_the_export(monkeypatch, tmp_path):
    from dataclasses import replace

    kg = build_bees(monkeypatch, tmp_path)
    flagged = replace(kg, concepts=tuple(replace(c, provisional=c.key == "comb") for c in kg.concepts))
    provisional = (iri(kg, "comb"), KG["provisional"], Literal(True))
    assert provisional in exported(flagged)
    decided, findings = apply_concept_decisions(list(flagged.concepts), list(kg.entries),
                                                parse_decisions('[[mark-reviewed]]\nconcept = "comb"\n', "d"))
    assert findings == [] and provisional not in exported(replace(flagged, concepts=tuple(decided)))


def bee_folder(tmp_path, files, decisions: str) -> Path:
    folder = tmp_path / "bees"
    folder.mkdir(exist_ok=True)
    for file in files:
        (folder / file.name).write_text(file.read_text(encoding="utf-8"), encoding="utf-8")
    (folder / "manifest.toml").write_text('[scheme]\nname = "bees"\n' + "".join(
        f'\n[[source]]\nfile = "{file.name}"\n' for file in files), encoding="utf-8")
    (folder / "decisions.toml").write_text(decisions, encoding="utf-8")
    return folder


def test_curated_concepts_keep_their_iris_through_the_lock(monkeypatch, tmp_path):
    use_rules(monkeypatch)
    decisions = ('[[split]]\nconcept = "Drone"\nentries = ["apiary-terms"]\nlabel = "Drone bee"\n\n'
                 '[[merge]]\nconcepts = ["Propolis", "Bee glue"]\n\n'
                 '[[prefer-label]]\nconcept = "Varroa mite"\nlabel = "Varroa destructor"\n')
    keys = []
    for files in (FIRST, WITH_NEW):  # the second build adds a glossary, with the lock of the first
        folder = bee_folder(tmp_path, files, decisions)
        assert main(["build", str(folder), "--out", str(tmp_path / "out"), "--quiet"]) == 0
        kg = build(plan_for_paths([folder]), BuildOptions(config=use_rules(monkeypatch)))
        assert (folder / "iris.lock").is_file() and not stale_findings(kg)
        keys.append({c.pref_label: c.key for c in kg.concepts})
    assert {label: keys[1][label] for label in keys[0]} == keys[0]
    assert keys[0]["Drone bee"] == "drone-bee" and keys[0]["Varroa destructor"] == "varroa-mite"
    assert keys[0]["Propolis"] == "propolis" and "bee-glue" not in keys[0].values()


def test_a_split_never_takes_a_slug_the_lock_keeps_for_another_concept(monkeypatch, tmp_path):
    folder = bee_folder(tmp_path, FIRST, '[[split]]\nconcept = "Drone"\nentries = ["apiary-terms"]\n'
                                         'label = "Drone bee"\n')
    (folder / "iris.lock").write_text("drone-bee\tpref\tmale honey bee\n", encoding="utf-8")
    kg = build(plan_for_paths([folder]), BuildOptions(config=use_rules(monkeypatch)))
    assert {c.pref_label: c.key for c in kg.concepts}["Drone bee"] == "drone-bee-2"


def test_a_made_up_label_is_dropped_when_a_curator_names_the_concept():
    entries = [Entry("a", 1, None, "the wax cells bees build"), Entry("b", 3, "Comb", "wax cells")]
    concepts = [Concept("the-wax-cells", "the wax cells bees build", entries=("a-0",), provisional=True),
                Concept("comb", "Comb", alt_labels=("Honeycomb",), entries=("b-0",))]
    merged, _ = apply_concept_decisions(concepts, entries, parse_decisions(
        '[[merge]]\nconcepts = ["the wax cells bees build", "Comb"]\n', "d.toml"))
    assert [(c.key, c.pref_label, c.alt_labels, c.provisional) for c in merged] == [
        ("the-wax-cells", "Comb", ("Honeycomb",), False)]
    renamed, _ = apply_concept_decisions(concepts, entries, parse_decisions(
        '[[prefer-label]]\nconcept = "the-wax-cells"\nlabel = "Wax comb"\n', "d.toml"))
    assert (renamed[1].pref_label, renamed[1].alt_labels, renamed[1].provisional) == ("Wax comb", (), False)
