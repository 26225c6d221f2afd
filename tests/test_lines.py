"""Lines and their shapes: "Term: definition" is split only where a separator is written."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from kg.readers import lines


def test_inline_separators():
    assert lines.make_line(1, "Churn: the rate at which customers leave.").inline == (
        "Churn", "the rate at which customers leave.")
    assert lines.make_line(1, "Churn – the rate at which customers leave.").inline is not None
    assert lines.make_line(1, "Churn\tthe rate at which customers leave.").inline is not None
    assert lines.make_line(1, "The rate at which customers leave.").inline is None


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.characters(blacklist_characters=":\t-–—\n",
                                      blacklist_categories=("Cs",)), max_size=120))
def test_no_separator_mark_no_inline_split(text):
    # _split_inline skips the regex on such lines: it must never have matched them
    assert lines._INLINE.match(text) is None
