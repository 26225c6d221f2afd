"""Pasted definitions (kg.readers.traps): found in one pass, exactly where the rule says."""

from __future__ import annotations

import time

from hypothesis import given, settings
from hypothesis import strategies as st

from kg.model import Entry
from kg.readers.shapes import for_matching
from kg.readers.traps import (MIN_PASTED_CHARS, _SENTENCE_BOUNDARY, _split_normalised_paste,
                              _split_paste, remove_pasted_definitions)

_SENTENCES = ["A ticket raised by a customer about one problem they have.",
              "Teams review it weekly to improve the queue and its targets!",
              "It is used by the “support desk” (\u00abtier 1\u00bb) for every request?",
              "Straße\u00a0lookup in İstanbul: the café\u0301 closes.\u200b"]
_GLUE = st.sampled_from([" ", "  ", "\n", "\t ", ".) ", "! ", "? ", "", " x. ", "\u00a0", "\u200b",
                         ".\u200b ", "’ ", "\u0301 ", ". \u2000"])


def _split_by_the_rule(definition: str, by_text: dict[str, int], own: int):
    """The rule as first written: normalise each side of each cut and look it up."""
    for boundary in _SENTENCE_BOUNDARY.finditer(definition):
        head, tail = definition[:boundary.start(1)].strip(), definition[boundary.end(1):].strip()
        for clean, pasted in ((head, tail), (tail, head)):
            donor = by_text.get(for_matching(pasted))
            if donor is not None and donor != own and clean:
                return clean, donor
    return None, -1


@settings(max_examples=400, deadline=None)
@given(st.lists(st.sampled_from(_SENTENCES) | _GLUE, max_size=7).map("".join),
       st.lists(st.sampled_from(_SENTENCES) | _GLUE, min_size=1, max_size=3).map("".join),
       st.integers(0, 2))
def test_paste_cuts_are_the_rules(definition, donor_text, own):
    # as remove_pasted_definitions files them: whole definitions of MIN_PASTED_CHARS or more
    by_text = {text: n for n, text in ((1, for_matching(donor_text)), (2, for_matching(_SENTENCES[2])))
               if len(text) >= MIN_PASTED_CHARS}
    lengths = {len(text) for text in by_text}
    expected = _split_by_the_rule(definition, by_text, own)
    assert _split_paste(definition, by_text, lengths, own) == expected
    if definition.isascii():
        assert _split_normalised_paste(definition, for_matching(definition), by_text, lengths,
                                       own) == expected


def test_a_definition_of_many_sentences_is_checked_in_one_pass():
    for quote in ("'", "’"):  # ASCII, and text that takes the Unicode normalisation
        long = " ".join(f"Sentence {n} says a little more about {quote}it{quote}."
                        for n in range(20_000))
        entries = [Entry("s", 1, "Huge", long), Entry("s", 2, "Small", _SENTENCES[0])]
        started = time.process_time()
        remove_pasted_definitions(entries)
        assert time.process_time() - started < 1.0  # a copy of the text per sentence took minutes
