"""The line shapes readers decide by: fast paths must answer exactly as the plain rules do."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kg.readers import shapes


def _talk_by_regexes_alone(text: str) -> int:
    text = shapes._QUOTED.sub(" ", text)
    return sum(1 for pattern, _ in shapes._DOCUMENT_TALK if pattern.search(text))


@pytest.mark.parametrize("text, expected", [
    ("A ticket raised by a customer.", 0),
    ("We wrote this guide for you: click here to subscribe.", 3),
    ("This Glossary was Written by the team. All Rights Reserved.", 3),
    ("Let's see the A-Z of sailing terms in this handbook", 3),
    ("Copyright © 2024, published\tby Acme", 1),
    ("Uſ and the \u212aelvin sign: this ſite", 2),  # case-insensitive beyond ASCII
    ('He said "we wrote this glossary" and left.', 0),  # quotations are ignored
])
def test_document_talk_counts_families(text, expected):
    assert shapes.document_talk(text) == expected == _talk_by_regexes_alone(text)


_TALK_PIECES = st.sampled_from([
    "we", "We", "oUr", "US", "let's", "let’s", "this", "These", "the following", "glossary",
    "Glossaries", "terms", "site", "website", "here are", "Read More", "click", "a-z", "A–Z",
    "written", "by", "&", "Posted", "copyright", "©", "all rights reserved", "customers",
    "ſ", "\u212a", "İ", " ", "  ", "\n", ".", ",", '"', "x", "1", "_", "let", "'", "s", "-",
    "ours", "usual",
])


@settings(max_examples=300, deadline=None)
@given(st.lists(_TALK_PIECES, max_size=14).map("".join) | st.text(max_size=60))
def test_document_talk_is_the_regexes_count(text):
    assert shapes.document_talk(text) == _talk_by_regexes_alone(text)


_SENTENCE_END = re.compile(r"[.!?;,][\"'”’»)\]]*$")
_FULL_STOP = re.compile(r"[.!?][\"'”’»)\]]*$")


@pytest.mark.parametrize("text, sentence, full_stop", [
    ("A ticket.", True, True), ("Agents, ", True, False), ('He said "go!")  ', True, True),
    ("Net Promoter Score", False, False), ("end. )", False, False), ("", False, False),
    ("Wait…", False, False), ("(see below);\n", True, False), ("»", False, False),
])
def test_sentence_ends(text, sentence, full_stop):
    assert shapes.ends_like_sentence(text) is sentence
    assert shapes.ends_with_full_stop(text) is full_stop


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=".!?;,\"'”’»)] \n\t\u00a0ax", max_size=12))
def test_sentence_ends_are_the_regexes(text):
    assert shapes.ends_like_sentence(text) == bool(_SENTENCE_END.search(text.rstrip()))
    assert shapes.ends_with_full_stop(text) == bool(_FULL_STOP.search(text.rstrip()))


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=" \t\n\r\x0b\x0c\x1c\x1f\u00a0\u202f\u2007\u2003ab", max_size=14))
def test_squash_keeps_typed_no_break_spaces(text):
    assert shapes.squash(text) == re.sub(r"[^\S\u00a0\u202f\u2007]+", " ", text).strip()


@pytest.mark.parametrize("text, expected", [
    ("Glossary: Key Terms for Support Teams", True), ("A ticket raised by a customer", False),
    ("NPS and CSAT", True), ("NPS and the CSAT score", False), ("Customer Satisfaction Score (CSAT)", True), ("", False),
])
def test_title_case(text, expected):
    assert shapes.looks_like_title_case(text) is expected


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(["Key", "key", "Terms", "terms", "of", "Ticket", "ÉTAT", "état",
                                 "1234", "x-ray", "X-Ray", " ", ", ", "’s"]), max_size=8).map("".join))
def test_title_case_is_every_long_word_capitalised(text):
    long_words = [w for w in shapes.words(text) if len(w) >= 4]
    assert shapes.looks_like_title_case(text) == (bool(long_words)
                                                  and all(w[0].isupper() for w in long_words))
