"""Traps every reader's output is checked for, so they are reported rather than hidden.

- the same headword twice in one source: both entries are kept, a finding names both lines;
- another entry's whole definition pasted into a definition (at its start or its end): the
  entry keeps what was written, `clean_definition` holds the rest, and a finding says so.
"""

from __future__ import annotations

import re
from dataclasses import replace
from itertools import islice

from kg.model import Entry, Finding
from kg.readers.shapes import for_matching

# The pasted text must be a whole definition this long, so a shared stock phrase is not a paste.
MIN_PASTED_CHARS = 40
_SENTENCE_BOUNDARY = re.compile(r"[.!?][\"'”’)]*(\s+)")


def duplicate_headwords(entries: list[Entry]) -> list[Finding]:
    first_line: dict[str, int] = {}
    findings = []
    for entry in entries:
        if entry.headword is None:
            continue
        key = for_matching(entry.headword)
        if key in first_line:
            findings.append(Finding("duplicate-headword", f"'{entry.headword}' is defined again "
                                    f"(first at line {first_line[key]}); both entries are kept",
                                    source=entry.source, line=entry.line))
        else:
            first_line[key] = entry.line
    return findings


def remove_pasted_definitions(entries: list[Entry]) -> tuple[list[Entry], list[Finding]]:
    """Find definitions that begin or end with another entry's entire definition."""
    by_text: dict[str, int] = {}
    normalised = [for_matching(entry.definition) for entry in entries]
    for index, text in enumerate(normalised):
        if len(text) >= MIN_PASTED_CHARS:
            by_text.setdefault(text, index)
    lengths = {len(text) for text in by_text}
    result, findings = [], []
    for index, entry in enumerate(entries):
        if entry.definition.isascii():  # most definitions: cut their normalised form directly
            clean, donor = _split_normalised_paste(entry.definition, normalised[index], by_text,
                                                   lengths, index)
        else:
            clean, donor = _split_paste(entry.definition, by_text, lengths, index)
        if clean is None:
            result.append(entry)
            continue
        result.append(replace(entry, clean_definition=clean))
        other = entries[donor]
        name = f"'{other.headword}'" if other.headword else f"the entry at line {other.line}"
        findings.append(Finding("pasted-definition", f"the definition of "
                                f"{entry.headword or 'this entry'!r} also holds the definition of "
                                f"{name}; the clean part is kept as its meaning",
                                source=entry.source, line=entry.line))
    return result, findings


def _split_paste(definition: str, by_text: dict[str, int], lengths: set[int],
                 own: int) -> tuple[str | None, int]:
    """Cut at each sentence boundary: is the part after (or before) it another whole definition?

    A cut is looked up only when some definition is as long as its side (`lengths`), and the
    sides' lengths come from the sentences normalised once each: normalising (`for_matching`)
    never joins across whitespace, so a side's normalised text is its sentences' joined by
    spaces. A definition of thousands of sentences costs one pass, not a copy per sentence."""
    boundaries = list(_SENTENCE_BOUNDARY.finditer(definition))
    if not boundaries:
        return None, -1
    starts = [0, *(boundary.end(1) for boundary in boundaries)]
    ends = [*(boundary.start(1) for boundary in boundaries), len(definition)]
    sentences = [for_matching(definition[start:end]) for start, end in zip(starts, ends)]
    chars, words = [0], [0]  # running totals of normalised characters and non-empty sentences
    for sentence in sentences:
        chars.append(chars[-1] + len(sentence))
        words.append(words[-1] + bool(sentence))

    def length(first: int, last: int) -> int:  # of sentences[first:last] joined by spaces
        return chars[last] - chars[first] + max(words[last] - words[first] - 1, 0)

    count = len(sentences)
    for number, boundary in enumerate(boundaries):
        for keeps_head, first, last in ((True, number + 1, count), (False, 0, number + 1)):
            if length(first, last) not in lengths:
                continue
            donor = by_text.get(" ".join(s for s in sentences[first:last] if s))
            if donor is not None and donor != own:
                clean = (definition[:boundary.start(1)] if keeps_head
                         else definition[boundary.end(1):]).strip()
                if clean:
                    return clean, donor
    return None, -1


def _split_normalised_paste(definition: str, normalised: str, by_text: dict[str, int],
                            lengths: set[int], own: int) -> tuple[str | None, int]:
    """`_split_paste` for ASCII text, twice as fast: its normalised form is cut instead of each
    sentence normalised, since normalising ASCII only lower-cases letters and makes each
    whitespace run one space, which leaves the sentence boundaries one for one (but a last
    one, whose far side is empty: no definition filed in `by_text` is)."""
    for number, boundary in enumerate(_SENTENCE_BOUNDARY.finditer(normalised)):
        head_end, tail_start = boundary.start(1), boundary.end(1)
        for keeps_head in (True, False):
            if (len(normalised) - tail_start if keeps_head else head_end) not in lengths:
                continue
            pasted = normalised[tail_start:] if keeps_head else normalised[:head_end]
            donor = by_text.get(pasted)
            if donor is not None and donor != own:
                written = next(islice(_SENTENCE_BOUNDARY.finditer(definition), number, None))
                clean = (definition[:written.start(1)] if keeps_head
                         else definition[written.end(1):]).strip()
                if clean:
                    return clean, donor
    return None, -1
