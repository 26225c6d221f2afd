"""Property tests (hypothesis) for the readers, label normalisation, slugs and the IRI lock.

Arbitrary input never crashes a reader (a KgError is a proper answer, a traceback is not),
never yields an entry without a headword-or-None and a definition, and what is read
survives the export: every definition comes back as a literal of the full graph, and every
RDF file the build writes parses.
"""

from __future__ import annotations

import re

import pytest
from hypothesis import HealthCheck, assume, example, given, settings
from hypothesis import strategies as st
from rdflib import Graph, Literal

from kg.concepts import form_concepts
from kg.config import DEFAULT
from kg.edges import infer_edges
from kg.errors import KgError
from kg.exporters import render_all
from kg.graph import assemble
from kg.identifiers import (IriLock, assign_keys, concept_slug, identity, normalise_label,
                            parse_lock, updated_lock)
from kg.manifest import default_scheme
from kg.model import Concept, Document, Entry, Source
from kg.readers import READERS, _load_builtin_readers, extract
from kg.readers.decode import decode_bytes

_load_builtin_readers()
READER_NAMES = sorted(READERS)
SLUG = re.compile(r"[a-z][a-z0-9-]*")
# rdflib's JSON-LD parser warns about its own internals.
pytestmark = pytest.mark.filterwarnings("ignore:ConjunctiveGraph is deprecated:DeprecationWarning")
SOURCE = Source(key="prop", path="prop.txt", title="prop")
RDF_FORMATS = {".ttl": "turtle", ".jsonld": "json-ld", ".rdf": "xml", ".nt": "nt", ".trig": "trig"}

# No lone surrogates: decoding never produces them, and no file on disk can hold them.
ANY_CHARACTER = st.characters(blacklist_categories=("Cs",))
TRICKY = st.sampled_from(list(":;-–—|,.\t\"'`<>&#*_()[]{}/\\=+!?") + ["\u00a0", "\u200b", "\ufeff",
                         "é", "ß", "İ", "ǅ", "顧", "🙂", "\u202e", "\x0b", "\x1c", "\x85", "\u2028"])
WORD = st.text(st.one_of(st.sampled_from("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"),
                         TRICKY), min_size=1, max_size=12)
PHRASE = st.lists(WORD, min_size=1, max_size=8).map(" ".join)
LAYOUTS = ["{t}: {d}", "{t} - {d}", "{t} — {d}", "## {t}\n\n{d}", "{t}\n{d}.", "**{t}**: {d}",
           "{t},{d}", "\"{t}\",\"{d}\"", "<dt>{t}</dt><dd>{d}</dd>", "<h3>{t}</h3><p>{d}</p>",
           "{t}\t{d}", "- {t}: {d}", "1. {t}\n{d}", "{t} ({d})", "{d}"]


@st.composite
def glossary_text(draw) -> str:
    """Text shaped like a glossary of some layout, with hostile characters in it."""
    layout = draw(st.sampled_from(LAYOUTS))
    blocks = [layout.format(t=draw(PHRASE), d=draw(PHRASE))
              for _ in range(draw(st.integers(1, 6)))]
    noise = draw(st.lists(st.text(ANY_CHARACTER, max_size=30), max_size=2))
    return draw(st.sampled_from(["\n", "\n\n"])).join(blocks + noise)


def _document(text: str) -> Document:
    # What kg.readers.decode hands a reader: newlines already normalised.
    return Document(source=SOURCE, text=text.replace("\r\n", "\n").replace("\r", "\n"),
                    encoding="utf-8")


def _read(document: Document, forced: str | None):
    try:
        return extract(document, forced)
    except KgError:
        return None  # a typed, located refusal is a proper answer


def _check_entries(document: Document, extraction) -> None:
    if extraction is None:
        return
    lines = len(document.lines)
    for entry in extraction.entries:
        assert entry.headword is None or entry.headword.strip(), f"empty headword: {entry!r}"
        assert entry.definition.strip(), f"empty definition: {entry!r}"
        assert entry.text.strip(), f"empty clean definition: {entry!r}"
        if document.encoding != "binary":
            assert 1 <= entry.line <= lines, f"line {entry.line} outside 1..{lines}: {entry!r}"


# derandomize: the suite explores the same few thousand cases on every run and machine, so a
# red test is reproducible; the explicit examples pin the reader and edge bugs reported so far.
FAST = settings(max_examples=300, deadline=None, derandomize=True,
                suppress_health_check=[HealthCheck.too_slow])


@pytest.mark.parametrize("forced", [None, *READER_NAMES])
@FAST
@given(text=st.text(ANY_CHARACTER, max_size=400))
def test_arbitrary_text_never_crashes_a_reader(forced, text):
    document = _document(text)
    _check_entries(document, _read(document, forced))


@pytest.mark.parametrize("forced", [None, *READER_NAMES])
@example(text="0: <?\n>\x1f")  # lxml refused the control character (fixed in cac2539)
@example(text="## 0\n\n0\n## :\n\n0–0\n## 0\n\n0\n0")  # markdown gave headword '' (fixed)
@settings(max_examples=200, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.too_slow])
@given(text=glossary_text())
def test_glossary_shaped_text_gives_only_whole_entries(forced, text):
    document = _document(text)
    _check_entries(document, _read(document, forced))


@settings(max_examples=300, deadline=None, derandomize=True)
@given(raw=st.binary(max_size=300))
def test_arbitrary_bytes_decode_or_are_refused_and_then_read(raw):
    try:
        text, encoding = decode_bytes(raw, "prop.bin")
    except KgError:
        return
    assert "\r" not in text
    document = Document(source=SOURCE, text=text, encoding=encoding)
    _check_entries(document, _read(document, None))


def _graph_of(document: Document, extraction, config=DEFAULT):
    entries = extraction.entries
    concepts = assign_keys(form_concepts(entries, config), None, {e.id: e.text for e in entries})
    edges = infer_edges(concepts, {e.id: e for e in entries}, config)
    return assemble(default_scheme("prop"), [document.source], entries, concepts, edges,
                    extraction.findings, config)


def _xml_allows(text: str) -> bool:
    """XML 1.0's Char production: no C0 control but tab and newline, no U+FFFE or U+FFFF."""
    return not re.search(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]", text)


def _literals(content: bytes, form: str) -> set[str]:
    graph = Graph().parse(data=content.decode("utf-8"), format=form)
    return {str(o) for o in graph.objects() if isinstance(o, Literal)}


@example(text="Widget: a small gadget.\nGizmo: a widget with a motor.")  # genus IndexError, fixed
@settings(max_examples=100, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.too_slow])
@given(text=glossary_text())
def test_what_is_read_survives_the_export(text):
    document = _document(text)
    extraction = _read(document, None)
    assume(extraction is not None and extraction.entries)
    kg = _graph_of(document, extraction)
    files = render_all(kg, ["rdf", "skos"])
    full = _literals(files["prop.ttl"], "turtle")
    missing = [e.text for e in kg.entries if e.text not in full]
    assert missing == [], "definitions lost in prop.ttl"
    xml_safe = all(_xml_allows(e.text) and _xml_allows(e.headword or "") for e in kg.entries)
    for name, content in files.items():
        form = next((f for ext, f in RDF_FORMATS.items() if name.endswith(ext)), None)
        # RDF/XML and control characters: test_control_characters_survive_every_rdf_file.
        if form and (form != "xml" or xml_safe):
            _literals(content, form)  # parses


# --- labels, slugs and the lock ---------------------------------------------------------------


@settings(max_examples=1500, deadline=None, derandomize=True)
@given(label=st.text(ANY_CHARACTER, max_size=120))
def test_any_label_gives_a_valid_slug_and_a_stable_normal_form(label):
    slug = concept_slug(label)
    assert SLUG.fullmatch(slug) and "--" not in slug and not slug.endswith("-")
    assert concept_slug(slug) == slug  # a slug is its own slug
    normal = normalise_label(label)
    assert normalise_label(normal) == normal
    assert normal == normal.strip() and "  " not in normal and "\t" not in normal and "\n" not in normal
    assert normalise_label(label.upper()) == normalise_label(label.lower()) or not label.isascii()


LABEL = st.text(st.one_of(st.sampled_from("abcdefgh -/"), TRICKY), min_size=1, max_size=15)


@st.composite
def concept_sets(draw):
    count = draw(st.integers(1, 8))
    concepts = []
    for n in range(count):
        pref = draw(LABEL)
        alts = tuple(draw(st.lists(LABEL, max_size=2)))
        entries = tuple(f"e-{draw(st.integers(0, 9))}" for _ in range(draw(st.integers(0, 2))))
        concepts.append(Concept(key="", pref_label=pref, alt_labels=alts, entries=entries))
    return concepts


DEFINITIONS = {f"e-{n}": f"definition number {n % 5}" for n in range(10)}


@settings(max_examples=300, deadline=None, derandomize=True)
@given(before=concept_sets(), after=concept_sets())
def test_keys_are_unique_valid_and_a_second_build_changes_nothing(before, after):
    first = assign_keys(before, None, DEFINITIONS)
    lock = updated_lock(IriLock(), first, DEFINITIONS)
    second = assign_keys(after, lock, DEFINITIONS)
    keys = [c.key for c in second]
    assert len(set(keys)) == len(keys) and all(SLUG.fullmatch(k) for k in keys)
    lock = updated_lock(lock, second, DEFINITIONS)
    assert parse_lock(lock.render()) == lock  # the file says exactly what the lock holds
    again = assign_keys(after, lock, DEFINITIONS)
    # Only concepts indistinguishable by labels and definitions may trade their slugs.
    assert sorted(c.key for c in again) == sorted(keys)
    facts = [identity(c, DEFINITIONS) for c in second]
    for concept, rebuilt, own in zip(second, again, facts):
        if facts.count(own) == 1:
            assert rebuilt.key == concept.key
    assert updated_lock(lock, again, DEFINITIONS).slugs.keys() == lock.slugs.keys()


# --- what we emit is safe ---------------------------------------------------------------------

# No "\r": kg.readers.decode turns every line ending into "\n" before any reader runs.
HOSTILE = ['He said "hi", then \\ left \\" and \\n', 'line one\nline two\n\nline """three"""',
           "<script>alert('x')</script> ]]> &amp; ''' <!-- -->", "ends with a backslash \\",
           "a literal \"@en ^^<http://example.org/x> . _:b0 <http://evil/> # not a comment",
           "rtl \u202e override, \u2028 line separator, zero\u200bwidth, 顧客満足度 🙂",
           "{{ template }} ${shell} `tick` %s \t tab"]
# Characters XML 1.0 cannot hold at all; a decoded file can still contain them.
CONTROL = ["a form\x0cfeed from a page break", "a \x01 start-of-heading and \x1b escape",
           "a non-character \uffff from a broken export"]


def _hostile_graph(definitions: list[str], headword: str = 'Term "q" <b>&', config=DEFAULT):
    entries = [Entry("hostile", n, f"{headword} {n}", text, ordinal=n)
               for n, text in enumerate(definitions, 1)]
    concepts = assign_keys(form_concepts(entries, config), None, {e.id: e.text for e in entries})
    edges = infer_edges(concepts, {e.id: e for e in entries}, config)
    source = Source(key="hostile", path="hostile.txt", title="Hostile <b>\"title\"</b>")
    return assemble(default_scheme("hostile"), [source], entries, concepts, edges, [], config)


def _check_every_rdf_file(files: dict[str, bytes], texts: list[str]) -> list[str]:
    rdf_files = [name for name in files if any(name.endswith(ext) for ext in RDF_FORMATS)]
    assert rdf_files, "the build wrote no RDF file"
    for name in rdf_files:
        form = next(f for ext, f in RDF_FORMATS.items() if name.endswith(ext))
        literals = _literals(files[name], form)
        missing = [text for text in texts if text not in literals]
        assert missing == [], f"{name} lost or altered {missing!r}"
    return rdf_files


def test_hostile_text_survives_every_rdf_file_exactly():
    kg = _hostile_graph(HOSTILE)
    files = render_all(kg)
    written = _check_every_rdf_file(files, [e.text for e in kg.entries])
    assert {".ttl", ".jsonld", ".nt", ".rdf"} <= {"." + name.rsplit(".", 1)[1] for name in written}


def test_control_characters_become_the_same_stand_in_in_every_rdf_file():
    """XML cannot hold C0 controls or non-characters at all, so every syntax writes one stand-in:
    a control character (a page break, a scraping accident) becomes a space, a non-character goes."""
    kg = _hostile_graph(CONTROL)
    expected = ["a form feed from a page break", "a   start-of-heading and   escape",
                "a non-character  from a broken export"]
    _check_every_rdf_file(render_all(kg), expected)


def test_glossary_markup_never_becomes_markup_in_the_explorer():
    """The explorer shows glossary text only as text: hostile definitions add no <script>."""
    benign = render_all(_hostile_graph(["plain words"] * len(HOSTILE), "Term"), ["html"])
    hostile = render_all(_hostile_graph(HOSTILE), ["html"])
    for name, page in hostile.items():
        lowered, baseline = page.lower(), benign[name].lower()
        # The page's own code has tags in it; the glossary's text must add none.
        for tag in (b"<script", b"</script", b"<b>", b"<!--"):
            assert lowered.count(tag) == baseline.count(tag), tag
        assert b"<script>alert('x')" not in lowered


# Every character XML 1.0 allows (its Char production); readers strip a definition's ends.
# Never "\r": decoding makes every line ending "\n" before any reader runs.
PRINTABLE = st.one_of(TRICKY, ANY_CHARACTER).filter(lambda ch: _xml_allows(ch) and ch != "\r")
DEFINITION = st.lists(st.one_of(st.sampled_from(HOSTILE), st.text(PRINTABLE, min_size=1, max_size=20)),
                      min_size=1, max_size=4).map(lambda parts: "".join(parts).strip()).filter(bool)


@settings(max_examples=60, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.too_slow])
@given(texts=st.lists(DEFINITION, min_size=1, max_size=4))
@example(texts=["a small gadget."])
def test_any_printable_definition_survives_every_rdf_file(texts):
    kg = _hostile_graph(texts)
    _check_every_rdf_file(render_all(kg, ["rdf", "skos"]), [e.text for e in kg.entries])
