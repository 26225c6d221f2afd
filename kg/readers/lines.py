"""A line of a glossary and its shape, as every text-based reader sees it.

Plain text is scanned into these; Markdown, HTML and DOCX readers build them from their
markup (a heading element is a heading whatever its shape), so all of them share one set of
layout rules (kg.readers.layouts).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from kg.readers import shapes

# Term, then the earliest separator: a colon, a tab, or a dash with spaces (an en or em dash may be tight).
_INLINE = re.compile(r"^(?P<term>[^\n\t]{1,100}?)(?::\s+|\s+[-–—]\s+|\s*[–—]\s*|\s*\t\s*)"
                     r"(?P<definition>\S.*)$")
_EMPHASIS = re.compile(r"^(\*\*|__|\*|_)(.+)\1$")


@dataclass
class Line:
    number: int
    indent: int
    text: str  # stripped, as written
    bulleted: bool
    list_number: int | None  # 12 in "12. Term"
    core: str  # without bullet and list number
    inline: tuple[str, str] | None = None  # (term, definition) when the line reads "Term: definition"
    heading: bool = False
    boundary: bool = False  # a rule or a table: nothing after it continues what came before

    @property
    def numbered(self) -> bool:
        return self.list_number is not None


def boundary_line(number: int) -> Line:
    """A horizontal rule or a table in marked-up text: ends whatever block came before."""
    return Line(number, 0, "", False, None, "", boundary=True)


def make_line(number: int, text: str, indent: int = 0, heading: bool | None = None) -> Line:
    """A line and its shape; `heading` forces the shape where markup says what it is."""
    bulleted, rest = shapes.strip_bullet(text)
    list_number, core = shapes.strip_number(rest)
    line = Line(number, indent, text, bulleted, list_number, core)
    if heading is None:
        line.inline = _split_inline(core)
        line.heading = line.inline is None and shapes.is_heading_shaped(shapes.strip_site_suffix(core))
    else:
        line.heading = heading
    return line


_SEPARATOR_MARKS = (":", "\t", "-", "–", "—")  # every separator _INLINE knows holds one


def _split_inline(text: str) -> tuple[str, str] | None:
    # Most lines of a headed glossary have no separator mark: the lazy term would try each of
    # its hundred lengths against each separator before the regex gave up.
    if not any(mark in text for mark in _SEPARATOR_MARKS):
        return None
    match = _INLINE.match(text)
    if not match:
        return None
    term, definition = clean_headword(match.group("term")), match.group("definition").strip()
    if not term or not definition or not term[0].isalnum() and term[0] not in "(\"'“‘":
        return None
    unbracketed = re.sub(r"\([^()]*\)", "", term).strip()  # "Alpha (n.)" is a term
    if not shapes.brackets_balance(term) or not unbracketed or shapes.ends_like_sentence(unbracketed):
        return None
    # Lower-case glossaries ("call centre: a place…") have short terms; longer ones read as prose.
    if not shapes.is_heading_shaped(unbracketed, max_words=10) and len(term.split()) > 4:
        return None
    if shapes.looks_like_title_case(definition) and not shapes.ends_like_sentence(definition):
        return None  # "Glossary: Key Terms for Support Teams" is a title
    return term, definition


def clean_headword(text: str) -> str:
    """A heading as printed, minus list marks, site suffix, trailing colon and emphasis marks."""
    text = shapes.strip_site_suffix(text.strip()).strip().rstrip(":").strip()
    match = _EMPHASIS.match(text)
    if match:
        text = match.group(2).strip()
    return shapes.squash(text)


def definition_text(lines: list[Line]) -> str:
    """All the definition's lines joined by single spaces; bullets of sub-lists dropped."""
    parts = [shapes.squash(shapes.strip_bullet(line.text)[1]) for line in lines]
    return " ".join(part for part in parts if part)
