"""The plain-text layouts, their noise, and properties every reading keeps."""

from __future__ import annotations

import time

from hypothesis import given, settings, strategies as st

from kg.errors import InputError
from kg.model import Document, Source
from kg.readers import extract


def _read(text: str):
    return extract(Document(Source(key="g", path="g.txt", title="g"), text, "utf-8"))


def _pairs(text: str):
    return [(e.headword, e.definition) for e in _read(text).entries]


def test_dash_separators():
    text = ("Knot – a unit of speed.\nHitch — a knot tied to a post.\nBight - a loop in a rope.\n"
            "Cross-bearing – a bearing on two marks.\n")
    assert _pairs(text) == [("Knot", "a unit of speed."), ("Hitch", "a knot tied to a post."),
                            ("Bight", "a loop in a rope."), ("Cross-bearing", "a bearing on two marks.")]


def test_title_with_a_colon_is_not_an_entry():
    text = ("[anchor: x1]Sewing Glossary\n\nGlossary: Key Terms for Sewing Beginners\n"
            "Baste: to sew long temporary stitches.\nHem: the folded edge of cloth.\n")
    assert _pairs(text) == [("Baste", "to sew long temporary stitches."),
                            ("Hem", "the folded edge of cloth.")]


def test_letter_headings_and_front_matter_are_not_entries():
    text = ("Bird Words\n\nOur club's list of birding words, for new members.\n\nA\n\nAvocet\n\n"
            "A wader with an upturned bill.\n\nB\n\nBinoculars\n\nA pair of small telescopes.\n")
    assert _pairs(text) == [("Avocet", "A wader with an upturned bill."),
                            ("Binoculars", "A pair of small telescopes.")]


def test_numbered_headings_drop_unnumbered_blocks_and_site_suffix():
    text = ("Ten Chess Terms | Board Weekly\nIntro sentence about chess terms for you.\n"
            "1. Castling | Board Weekly\nA move of the king and a rook together.\n"
            "Advertisement\nBuy our chess sets today and save money on every board!\n"
            "2. En passant\nA special pawn capture.\nConclusion\nThat is all for today.\n")
    assert _pairs(text) == [("Castling", "A move of the king and a rook together."),
                            ("En passant", "A special pawn capture.")]


def test_definition_keeps_its_lines_and_sub_lists():
    text = ("Tide\n\nThe rise and fall of the sea. There are two kinds:\n  • spring tides;\n"
            "  • neap tides.\n\nSwell\n\nLong waves made by distant winds.\n")
    assert _pairs(text) == [("Tide", "The rise and fall of the sea. There are two kinds: spring tides; "
                                     "neap tides."),
                            ("Swell", "Long waves made by distant winds.")]


def test_lost_headwords_keep_each_definition_on_its_own_line():
    text = ("The hard outer layer of a tree.\nThe part of a plant that grows underground.\n"
            "A young plant grown from a seed.\n")
    entries = _read(text).entries
    assert [(e.headword, e.line) for e in entries] == [(None, 1), (None, 2), (None, 3)]


def test_crlf_and_nbsp_headword():
    text = "Alpha\u00a0\r\n\r\nThe first.\r\n\r\nBeta\r\n\r\nThe second.\r\n".replace("\r\n", "\n")
    assert _pairs(text) == [("Alpha", "The first."), ("Beta", "The second.")]


@settings(max_examples=60, deadline=None)
@given(st.lists(st.one_of(
    st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=60),
    st.sampled_from(["", "A", "1. Term", "- item", "Term: a definition.", "Term – def", "#Ads:",
                     "A sentence that ends here.", "  indented text", "Conclusion | Site"])),
    max_size=30))
def test_any_text_gives_located_entries_or_a_clear_error(lines):
    text = "\n".join(lines)
    try:
        result = _read(text)
    except InputError:
        return
    count = len(text.split("\n"))
    for entry in result.entries:
        assert 1 <= entry.line <= count
        assert entry.definition.strip() and "\n" not in entry.definition
        assert entry.headword is None or (entry.headword.strip() and "\n" not in entry.headword)
    assert [e.ordinal for e in result.entries] == list(range(1, len(result.entries) + 1))


def _seconds(text: str) -> float:
    started = time.perf_counter()
    _read(text)
    return time.perf_counter() - started


def test_reading_time_grows_linearly():
    block = "".join(f"Term {n}\n\nDefinition number {n}, a sentence of words.\n\n" for n in range(500))
    small, large = _seconds(block), _seconds(block * 8)
    assert large < small * 8 * 3 + 0.5, (small, large)


def test_lower_case_terms_tabs_and_part_of_speech():
    assert _pairs("abandoned call: a call that ends early.\ncall centre: a place for calls.\n") == [
        ("abandoned call", "a call that ends early."), ("call centre", "a place for calls.")]
    assert _pairs("Alpha\tThe first letter.\nBeta\tThe second letter.\n") == [
        ("Alpha", "The first letter."), ("Beta", "The second letter.")]
    assert _pairs("Alpha (n.) - the first letter.\nBeta (n.) - the second.\n") == [
        ("Alpha (n.)", "the first letter."), ("Beta (n.)", "the second.")]


def test_term_over_short_expansion_pairs():
    text = "API\nApplication Programming Interface\n\nCPU\nCentral Processing Unit\n\nRAM\nRandom Access Memory\n"
    assert _pairs(text) == [("API", "Application Programming Interface"),
                            ("CPU", "Central Processing Unit"), ("RAM", "Random Access Memory")]


def test_title_intro_and_conclusion_of_an_unnumbered_article_are_not_entries():
    text = ("Beekeeping Terms\n\nEssential words for new keepers.\n\nBrood\n\nEggs, larvae and pupae.\n\n"
            "Propolis\n\nA resin bees use to seal gaps.\n\nConclusion\n\nKeep this list near your hives.\n")
    assert _pairs(text) == [("Brood", "Eggs, larvae and pupae."),
                            ("Propolis", "A resin bees use to seal gaps.")]


def test_long_numbered_glossaries_keep_every_entry():
    text = "".join(f"{n}. Term {n}\nDefinition of term {n}.\n" for n in range(1, 1201))
    entries = _read(text).entries
    assert len(entries) == 1200 and entries[-1].headword == "Term 1200"


def test_one_missing_full_stop_does_not_glue_headless_definitions():
    complete = ["The hard outer layer of a tree.", "A young plant grown from a seed.",
                "The green pigment in leaves.", "A plant that climbs walls.",
                "The top layer of the forest.", "A fungus that feeds on dead wood."]
    text = "\n".join(complete[:3] + ["The part of a plant that grows underground"] + complete[3:]
                     + ["A plant that lives for many", "years."]) + "\n"
    assert [d for _, d in _pairs(text)] == complete[:3] + [
        "The part of a plant that grows underground"] + complete[3:] + ["A plant that lives for many years."]


def test_a_few_short_lines_among_headless_definitions_do_not_make_a_headed_file():
    sentences = [f"A definition number {n} of something that matters." for n in range(12)]
    text = "\n".join(sentences[:4] + ["The rate of churn"] + sentences[4:8] + ["Free time"]
                     + sentences[8:]) + "\n"
    entries = _read(text).entries
    # the short lines read as section labels; every sentence stays a definition of its own
    assert [e.definition for e in entries] == sentences and all(e.headword is None for e in entries)


def test_a_long_run_of_headless_definitions_is_read_in_one_pass():
    from kg.readers.layouts import read_headless
    from kg.readers.lines import make_line
    lines = [make_line(n, f"The time number {n} a customer waits before an agent answers.")
             for n in range(1, 20_001)]
    started = time.process_time()
    assert len(read_headless(lines, "k").entries) == 20_000
    assert time.process_time() - started < 2.0  # each line compared with its run's lines took 28 s
