"""Concept IRIs (kg.identifiers): valid slugs, and stable across rebuilds through iris.lock."""

from __future__ import annotations

import random
import time
import re
import shutil

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from rdflib import Graph, Literal, URIRef

from kg.cli import main
from kg.errors import InputError
from kg.identifiers import (IriLock, assign_keys, concept_slug, identity, normalise_label,
                            parse_lock, read_lock, updated_lock)
from kg.manifest import plan_for_paths
from kg.model import Concept
from kg.pipeline import BuildOptions, build
from tests.conftest import FIXTURES

SLUG = re.compile(r"[a-z][a-z0-9-]*")


@pytest.mark.parametrize("label, slug", [
    ("Average Handle Time", "average-handle-time"),
    ("Café-au-lait dahlia", "cafe-au-lait-dahlia"),
    ("Øresund Straße", "oresund-strasse"),
    ("24/7 support", "concept-24-7-support"),
    ("Input/Output", "input-output"),
    ("  --Mulch--  ", "mulch"),
    ("C++", "c"),
])
def test_slugs_from_awkward_labels(label, slug):
    assert concept_slug(label) == slug


@pytest.mark.parametrize("label", [
    "", " ", "—", "顧客満足度", "🙂🙂", "\u200b", "3", "1st contact resolution", "a/b\\c", "ǅemal",
    "x" * 300, "word " * 80, "Ελληνικά", "<script>alert(1)</script>", "\x00\x1f",
])
def test_every_label_gives_a_valid_bounded_slug(label):
    slug = concept_slug(label)
    assert SLUG.fullmatch(slug), slug
    assert len(slug) <= 80 and "--" not in slug and not slug.endswith("-")


def test_labels_without_latin_letters_get_distinct_stable_slugs():
    first, second = concept_slug("顧客満足度"), concept_slug("顧客体験")
    assert first != second and first == concept_slug("顧客満足度")
    assert first.startswith("concept-")


def test_normalised_labels_ignore_case_spacing_and_punctuation():
    assert normalise_label("Cross-Selling") == normalise_label("cross  selling") == "cross selling"
    assert normalise_label("ＦＡＱ") == "faq"  # full-width letters fold too


def _concept(pref, *alts, entries=("a-1",), acronyms=()):
    return Concept(key="", pref_label=pref, alt_labels=alts, entries=entries, acronyms=acronyms)


DEFINITIONS = {
    "a-1": "A layer of material spread over the soil.",
    "a-2": "Decayed organic matter dug into beds.",
    "b-1": "Seed from a cross of two parent lines.",
    "b-2": "Organic matter laid around a tree.",
    "c-1": "A programming language with classes.",
    "c-2": "A programming language without classes.",
    "d-1": "The team that answers customers' questions.",
    "d-2": "The team that helps customers reach their goals.",
}


def _keys(concepts):
    return {c.pref_label: c.key for c in concepts}


def test_assignment_is_unique_and_ignores_input_order():
    concepts = [_concept("Mulch", entries=("a-1",)), _concept("mulch!", entries=("b-2",)),
                _concept("Compost", entries=("a-2",)), _concept("F1 hybrid", entries=("b-1",))]
    first = assign_keys(concepts, None, DEFINITIONS)
    shuffled = concepts[:]
    random.Random(7).shuffle(shuffled)
    assert assign_keys(shuffled, None, DEFINITIONS) == first
    keys = [c.key for c in first]
    assert len(set(keys)) == len(keys) and all(SLUG.fullmatch(k) for k in keys)


def test_a_new_concept_never_takes_an_existing_slug():
    old = [_concept("C++", entries=("c-1",))]
    lock = updated_lock(IriLock(), assign_keys(old, None, DEFINITIONS), DEFINITIONS)
    grown = old + [_concept("C", entries=("c-2",))]
    # Without the lock "C" sorts first and takes "c": the case the lock exists for.
    assert _keys(assign_keys(grown, None, DEFINITIONS))["C++"] == "c-2"
    assert _keys(assign_keys(grown, lock, DEFINITIONS)) == {"C++": "c", "C": "c-2"}


def test_a_changed_preferred_label_keeps_the_iri_through_an_old_label():
    lock = updated_lock(IriLock(), assign_keys([_concept("Mulch", entries=("a-1",))], None,
                                               DEFINITIONS), DEFINITIONS)
    # A new glossary makes "Mulch layer" the preferred label; "Mulch" becomes an alternative.
    renamed = _concept("Mulch layer", "Mulch", entries=("a-1", "b-2"))
    assert assign_keys([renamed], lock, DEFINITIONS)[0].key == "mulch"


def test_a_rewritten_headword_keeps_the_iri_through_its_definition():
    lock = updated_lock(IriLock(), assign_keys([_concept("IPM", entries=("a-1",))], None,
                                               DEFINITIONS), DEFINITIONS)
    expanded = _concept("Integrated Pest Management", "IPM", entries=("a-1",), acronyms=("IPM",))
    assert assign_keys([expanded], lock, DEFINITIONS)[0].key == "ipm"


def test_a_concept_with_nothing_in_common_gets_a_new_iri():
    lock = updated_lock(IriLock(), assign_keys([_concept("Mulch", entries=("a-1",))], None,
                                               DEFINITIONS), DEFINITIONS)
    assert assign_keys([_concept("Compost", entries=("a-2",))], lock, DEFINITIONS)[0].key == "compost"


def test_a_retired_slug_is_never_minted_again_for_another_concept():
    lock = parse_lock("gadget\tpref\tgizmo\n")  # renamed by hand: "gadget" names the gizmo
    assert assign_keys([_concept("Gadget", entries=("a-1",))], lock, DEFINITIONS)[0].key == "gadget-2"


def test_a_shared_acronym_alone_does_not_carry_an_iri():
    service = _concept("Customer Service", "CS", entries=("d-1",), acronyms=("CS",))
    lock = updated_lock(IriLock(), assign_keys([service], None, DEFINITIONS), DEFINITIONS)
    # Customer Service is absent from this build; Customer Success shares only "CS".
    success = _concept("Customer Success", "CS", entries=("d-2",), acronyms=("CS",))
    assert assign_keys([success], lock, DEFINITIONS)[0].key == "customer-success"


def test_a_split_leaves_the_iri_with_the_concept_that_kept_the_preferred_label():
    whole = _concept("Ticket", "Support ticket", entries=("a-1", "a-2"))
    lock = updated_lock(IriLock(), assign_keys([whole], None, DEFINITIONS), DEFINITIONS)
    parts = [_concept("Ticket", entries=("a-1",)), _concept("Support ticket", entries=("a-2",))]
    assert _keys(assign_keys(parts, lock, DEFINITIONS)) == {"Ticket": "ticket",
                                                             "Support ticket": "support-ticket"}


def test_reassigning_with_the_updated_lock_changes_nothing():
    lock = parse_lock("mulch\tpref\tmulch\ncompost\tpref\tcompost\nold-thing\tpref\tcompost heap\n")
    concepts = [_concept("Mulch layer", "Mulch", entries=("a-1", "b-2")),
                _concept("Compost", "Compost heap", entries=("a-2",)),
                _concept("F1 hybrid", entries=("b-1",))]
    first = assign_keys(concepts, lock, DEFINITIONS)
    second_lock = updated_lock(lock, first, DEFINITIONS)
    second = assign_keys(concepts, second_lock, DEFINITIONS)
    assert second == first
    assert updated_lock(second_lock, second, DEFINITIONS) == second_lock
    assert "old-thing" in second_lock.slugs  # retired, still reserved


def test_identity_leaves_out_acronyms_but_keeps_an_acronym_preferred_label():
    facts = identity(_concept("Service Level Agreement", "SLA", "Service-level agreement",
                              acronyms=("SLA",)), DEFINITIONS)
    labels = {value for kind, value in facts if kind != "definition"}
    assert labels == {"service level agreement"}
    assert ("pref", "sla") in identity(_concept("SLA"), DEFINITIONS)


def test_lock_text_round_trips_and_is_sorted():
    lock = IriLock({"b-slug": frozenset({("pref", "b"), ("definition", "0123456789abcdef")}),
                    "a-slug": frozenset({("label", "x y"), ("pref", "a")})})
    text = lock.render()
    body = [line for line in text.splitlines() if not line.startswith("#")]
    assert body == ["a-slug\tpref\ta", "a-slug\tlabel\tx y",
                    "b-slug\tpref\tb", "b-slug\tdefinition\t0123456789abcdef"]
    assert parse_lock(text) == lock


@pytest.mark.parametrize("line, problem", [
    ("mulch pref mulch", "SLUG<tab>KIND<tab>VALUE"),
    ("Mulch\tpref\tmulch", "not a slug"),
    ("mulch\tprefered\tmulch", "unknown kind 'prefered'"),
])
def test_a_malformed_lock_line_is_named(line, problem):
    with pytest.raises(InputError, match=problem) as caught:
        parse_lock(f"# header\n\nok\tpref\tok\n{line}\n", "sources/iris.lock")
    assert caught.value.line == 4 and caught.value.path == "sources/iris.lock"


# --- through the CLI, on a glossary of another domain ---------------------------------------


@pytest.fixture
def garden(tmp_path):
    folder = tmp_path / "garden"
    shutil.copytree(FIXTURES / "stable-iris", folder)
    return folder


def _keys_by_definition(folder):
    kg = build(plan_for_paths([folder]))
    return {kg.entry(entry_id).text: concept.key
            for concept in kg.concepts for entry_id in concept.entries}


def test_a_manifest_build_writes_the_lock_and_a_rebuild_leaves_it_alone(garden, tmp_path):
    assert main(["build", str(garden), "--out", str(tmp_path / "out"), "--quiet"]) == 0
    lock_file = garden / "iris.lock"
    first = lock_file.read_bytes()
    assert b"\tpref\tmulch\n" in first
    stamp = lock_file.stat().st_mtime_ns
    assert main(["build", str(garden), "--out", str(tmp_path / "out"), "--quiet"]) == 0
    assert lock_file.read_bytes() == first and lock_file.stat().st_mtime_ns == stamp


def test_adding_a_source_never_renames_an_existing_concept(garden, tmp_path):
    assert main(["build", str(garden), "--out", str(tmp_path / "out"), "--quiet"]) == 0
    before = _keys_by_definition(garden)
    with open(garden / "manifest.toml", "a", encoding="utf-8") as manifest:
        manifest.write('\n[[source]]\nfile = "later-source.txt"\n')
    assert main(["build", str(garden), "--out", str(tmp_path / "out"), "--quiet"]) == 0
    after = _keys_by_definition(garden)
    assert len(after) > len(before)
    assert {text: after[text] for text in before} == before
    lock = read_lock(garden / "iris.lock")
    assert set(after.values()) <= set(lock.slugs)


def test_a_renamed_headword_keeps_its_iri(garden, tmp_path):
    assert main(["build", str(garden), "--out", str(tmp_path / "out"), "--quiet"]) == 0
    before = _keys_by_definition(garden)
    orchard = garden / "orchard-notes.txt"
    orchard.write_text(orchard.read_text(encoding="utf-8").replace("Espalier:", "Espalier tree:"),
                       encoding="utf-8")
    assert main(["build", str(garden), "--out", str(tmp_path / "out"), "--quiet"]) == 0
    after = _keys_by_definition(garden)
    assert after == before
    graph = Graph().parse(tmp_path / "out" / "garden.ttl", format="turtle")
    named = {s for s, _, o in graph if isinstance(o, Literal) and str(o) == "Espalier tree"}
    assert URIRef("https://example.org/garden/espalier") in named


def test_a_failed_build_leaves_the_lock_alone(garden, tmp_path):
    assert main(["build", str(garden), "--out", str(tmp_path / "out"), "--quiet"]) == 0
    before = (garden / "iris.lock").read_bytes()
    with open(garden / "manifest.toml", "a", encoding="utf-8") as manifest:
        manifest.write('\n[[source]]\nfile = "later-source.txt"\npubisher = "typo"\n')
    assert main(["build", str(garden), "--out", str(tmp_path / "out"), "--quiet"]) == 2
    assert (garden / "iris.lock").read_bytes() == before


def test_a_broken_lock_is_one_line_naming_its_line(garden, tmp_path, capsys):
    (garden / "iris.lock").write_text("mulch\tpref\tmulch\nbroken line\n", encoding="utf-8")
    assert main(["build", str(garden), "--out", str(tmp_path / "out"), "--quiet"]) == 2
    err = capsys.readouterr().err.strip()
    assert "iris.lock:2:" in err and "\n" not in err
    assert not (tmp_path / "out").exists()


def test_file_builds_use_a_lock_only_when_asked(glossary_file, tmp_path):
    glossary = glossary_file("Widget: a small gadget.\nGizmo: a widget with a motor.\n", "gadgets.txt")
    assert main(["build", str(glossary), "--out", str(tmp_path / "out"), "--quiet"]) == 0
    assert not list(tmp_path.rglob("iris.lock"))
    lock_file = tmp_path / "gadgets.iris"
    assert main(["build", str(glossary), "--out", str(tmp_path / "out"), "--quiet",
                 "--iris", str(lock_file)]) == 0
    assert set(read_lock(lock_file).slugs) == {"widget", "gizmo"}
    # The headword changes; with the lock the concept keeps "gizmo".
    glossary.write_text("Widget: a small gadget.\nGizmo device: a widget with a motor.\n",
                        encoding="utf-8")
    kg = build(plan_for_paths([glossary]), BuildOptions(iris_lock=lock_file))
    assert {c.pref_label: c.key for c in kg.concepts}["Gizmo device"] == "gizmo"


def test_the_summary_says_when_the_lock_was_written(garden, tmp_path, capsys):
    assert main(["build", str(garden), "--out", str(tmp_path / "out")]) == 0
    assert f"Recorded the concept IRIs in {garden / 'iris.lock'}" in capsys.readouterr().out
    assert main(["build", str(garden), "--out", str(tmp_path / "out")]) == 0
    assert "Recorded the concept IRIs" not in capsys.readouterr().out


def test_a_definition_thousands_share_costs_nothing_and_carries_no_iri():
    definitions = {f"x-{n}": "To be defined." for n in range(3_000)}
    concepts = [_concept(f"Term {n}", entries=(f"x-{n}",)) for n in range(3_000)]
    lock = updated_lock(IriLock(), assign_keys(concepts, None, definitions), definitions)
    renamed = [_concept(f"Renamed {n}", entries=(f"x-{n}",)) for n in range(3_000)]
    started = time.process_time()
    keys = {c.key for c in assign_keys(renamed, lock, definitions)}
    assert time.process_time() - started < 5  # not 3,000 x 3,000 candidate pairs
    assert all(key.startswith("renamed-") for key in keys)  # "To be defined." identifies nothing


def test_a_lock_in_a_new_folder_is_created(glossary_file, tmp_path):
    glossary = glossary_file("Widget: a small gadget.\n", "gadgets.txt")
    lock_file = tmp_path / "locks" / "new" / "gadgets.iris"
    assert main(["build", str(glossary), "--out", str(tmp_path / "out"), "--quiet",
                 "--iris", str(lock_file)]) == 0
    assert set(read_lock(lock_file).slugs) == {"widget"}


IRI_UNSAFE = re.compile(r'[\s<>"{}|^`\\]')


def test_a_source_key_with_spaces_never_reaches_an_iri(garden, tmp_path, capsys):
    manifest = garden / "manifest.toml"
    manifest.write_text(manifest.read_text(encoding="utf-8").replace(
        'title = "Allotment glossary"', 'title = "Allotment glossary"\nkey = "my key/with <slash> ü"'),
        encoding="utf-8")
    code = main(["build", str(garden), "--out", str(tmp_path / "out"), "--quiet"])
    assert code in (0, 2) and "Traceback" not in capsys.readouterr().err
    if code == 0:
        graph = Graph().parse(tmp_path / "out" / "garden.ttl", format="turtle")
        iris = {str(term) for triple in graph for term in triple if isinstance(term, URIRef)}
        assert not [iri for iri in iris if IRI_UNSAFE.search(iri)]


def test_every_iri_of_the_bundled_build_is_safe(bundled_kg):
    assert all(SLUG.fullmatch(concept.key) for concept in bundled_kg.concepts)
    from kg.exporters import render_all
    turtle = render_all(bundled_kg, ["rdf"])[f"{bundled_kg.scheme.name}.ttl"]
    graph = Graph().parse(data=turtle.decode("utf-8"), format="turtle")
    iris = {str(term) for triple in graph for term in triple if isinstance(term, URIRef)}
    base = bundled_kg.scheme.base_iri
    assert iris and not [iri for iri in iris if IRI_UNSAFE.search(iri)]
    concept_iris = {base + concept.key for concept in bundled_kg.concepts}
    assert concept_iris <= iris


def _slug_by_unicode_folding(label: str) -> str:
    """concept_slug's general path, which its ASCII fast path must agree with."""
    import unicodedata
    from kg.identifiers import _LATIN_FOLDS, _NOT_SLUG
    folded = unicodedata.normalize("NFKD", label.casefold()).translate(_LATIN_FOLDS)
    folded = "".join(ch for ch in folded if not unicodedata.combining(ch))
    return _NOT_SLUG.sub("-", folded).strip("-")


@settings(max_examples=400, deadline=None)
@given(st.text(alphabet=st.characters(max_codepoint=127), max_size=40))
def test_ascii_fast_paths_agree_with_the_unicode_rules(text):
    import unicodedata
    from kg.identifiers import _NOT_WORD
    assert normalise_label(text) == _NOT_WORD.sub(" ", unicodedata.normalize("NFKC", text)
                                                  .casefold()).strip()
    slug = _slug_by_unicode_folding(text)
    if slug and slug[0].isalpha() and len(slug) <= 60:
        assert concept_slug(text) == slug


def test_minted_suffixes_skip_every_taken_slug():
    from kg.identifiers import mint_keys
    assert mint_keys(["X", "x", "X 3", "x", "x", "X 2 b"]) == ["x", "x-2", "x-3", "x-4", "x-5", "x-2-b"]
    assert mint_keys(["Same"] * 2000)[-1] == "same-2000"
