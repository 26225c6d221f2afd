"""The line shapes readers decide by: fast paths must answer exactly as the plain rules do."""

from __future__ import annotations

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
    "ſ", "\u212a", "İ", " ", "  ", "\n", ".", ",", '"', "x", "1", "_",
])


@settings(max_examples=300, deadline=None)
@given(st.lists(_TALK_PIECES, max_size=14).map("".join) | st.text(max_size=60))
def test_document_talk_is_the_regexes_count(text):
    assert shapes.document_talk(text) == _talk_by_regexes_alone(text)
