"""Pasted definitions (kg.readers.traps): the ASCII fast path cuts exactly where the rule does."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from kg.readers.shapes import for_matching
from kg.readers.traps import _split_normalised_paste, _split_paste

_SENTENCES = ["A ticket raised by a customer about one problem they have.",
              "Teams review it weekly to improve the queue and its targets!",
              "It is used by the support desk (\"tier 1\") for every request?"]
_GLUE = st.sampled_from([" ", "  ", "\n", "\t ", ".) ", "! ", "? ", "", " x. "])


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(_SENTENCES) | _GLUE, max_size=7).map("".join),
       st.lists(st.sampled_from(_SENTENCES), min_size=1, max_size=2).map(" ".join),
       st.integers(0, 2))
def test_ascii_paste_cut_is_the_rule(definition, donor_text, own):
    by_text = {for_matching(donor_text): 1, for_matching(_SENTENCES[2]): 2}
    lengths = {len(text) for text in by_text}
    assert _split_normalised_paste(definition, for_matching(definition), by_text, lengths, own) \
        == _split_paste(definition, by_text, own)


def test_a_definition_of_many_sentences_is_checked_in_one_pass():
    import time
    from kg.model import Entry
    from kg.readers.traps import remove_pasted_definitions
    long = " ".join(f"Sentence number {n} says a little more about it." for n in range(20_000))
    entries = [Entry("s", 1, "Huge", long), Entry("s", 2, "Small", _SENTENCES[0])]
    started = time.process_time()
    remove_pasted_definitions(entries)
    assert time.process_time() - started < 1.0  # a copy of the text per sentence took seconds
