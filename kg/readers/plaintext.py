"""Plain-text glossaries in the layouts people paste and scrape.

The file is scanned into lines (kg.readers.lines) and read in the layout most of them follow
(kg.readers.layouts): "Term: definition" lines, headings with the paragraphs under them, or
definitions whose headwords were lost.
"""

from __future__ import annotations

from pathlib import PurePath

from kg.config import DEFAULT
from kg.errors import InputError
from kg.model import Document
from kg.readers import Extraction, Reader, register
from kg.readers.layouts import read_lines
from kg.readers.lines import Line, make_line


def detect(document: Document) -> float:
    """Any text can be read as plain text; a .txt name makes it the first choice."""
    if not document.text.strip() or document.encoding == "binary":
        return 0.0
    suffix = PurePath(document.source.path).suffix.lower()
    return 0.6 if suffix in (".txt", ".text") else 0.3 if not suffix else 0.1


def read(document: Document) -> Extraction:
    return read_lines(scan_lines(document), document.source.key)


def scan_lines(document: Document) -> list[Line | None]:
    """One Line per non-blank line (None for blank ones), with its shape worked out."""
    limit = DEFAULT.readers.max_line_chars
    result: list[Line | None] = []
    for number, raw in enumerate(document.lines, 1):
        if len(raw) > limit:
            raise InputError(f"line {number} is {len(raw):,} characters long; no glossary line is "
                             f"longer than {limit:,}", path=document.source.path, line=number,
                             hint="is it minified HTML or a data dump? try --format html or split it")
        if not raw.strip():
            result.append(None)
            continue
        expanded = raw.expandtabs(4)
        result.append(make_line(number, raw.strip(), len(expanded) - len(expanded.lstrip())))
    return result


register(Reader("text", "plain text: 'Term: definition' lines, headings with paragraphs "
                        "(numbered, A-Z sections), or definitions without headwords", detect, read))
