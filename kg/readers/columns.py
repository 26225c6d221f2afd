"""Which column of a table holds the terms and which the definitions, found from its header.

Shared by the CSV, Markdown, HTML and DOCX readers. Headers are matched by the names
spreadsheets and CMS exports use for these columns; every other column is kept as a note.
"""

from __future__ import annotations

import re

TERM_NAMES = ("term", "terms", "headword", "head word", "word", "name", "concept", "label",
              "preferred label", "preferred term", "pref label", "entry", "keyword", "phrase",
              "title", "glossary term", "term name", "abbreviation", "acronym")
DEFINITION_NAMES = ("definition", "definitions", "description", "meaning", "explanation",
                    "gloss", "desc", "what it means", "definition text", "details", "summary",
                    "text", "scope note", "body")
_NON_WORD = re.compile(r"[^\w]+")


def _normal(header: str) -> str:
    return _NON_WORD.sub(" ", header.casefold()).strip()


def _find(headers: list[str], names: tuple[str, ...], taken: int | None = None) -> int | None:
    normal = [_normal(h) for h in headers]
    for name in names:  # the most telling name first: "term" beats "title"
        for index, header in enumerate(normal):
            if index != taken and header == name:
                return index
    for name in names:
        for index, header in enumerate(normal):
            if index != taken and re.search(rf"\b{re.escape(name)}\b", header):
                return index
    return None


def find_columns(headers: list[str]) -> tuple[int, int] | None:
    """(term column, definition column) named by a header row, or None if it names neither."""
    definition = _find(headers, DEFINITION_NAMES)
    term = _find(headers, TERM_NAMES, taken=definition)
    if term is None and definition is None:
        return None
    if term is None:
        term = next((i for i in range(len(headers)) if i != definition), None)
    if definition is None:
        definition = next((i for i in range(len(headers)) if i != term), None)
    if term is None or definition is None:
        return None
    return term, definition


def guess_columns(rows: list[list[str]]) -> tuple[int, int]:
    """Without a header: the first column holds terms, the wordiest other column definitions."""
    width = max(len(row) for row in rows)
    lengths = [sum(len(row[i]) for row in rows if i < len(row)) for i in range(width)]
    definition = max(range(1, width), key=lambda i: (lengths[i], -i)) if width > 1 else 0
    return 0, definition


def notes_of(headers: list[str], row: list[str], used: tuple[int, int]) -> tuple[tuple[str, str], ...]:
    notes = []
    for index, value in enumerate(row):
        if index in used or not value.strip():
            continue
        name = headers[index].strip() if index < len(headers) and headers[index].strip() \
            else f"column {index + 1}"
        notes.append((name, " ".join(value.split())))
    return tuple(notes)


def read_table(rows: list[tuple[int, list[str]]], key: str):
    """Entries of a table given as (line, cells) rows; the first row is a header if it names columns."""
    from kg.model import Entry, Finding
    from kg.readers import Extraction

    result = Extraction()
    rows = [(line, [cell.strip() for cell in cells]) for line, cells in rows if any(c.strip() for c in cells)]
    if not rows:
        return result
    headers = rows[0][1]
    columns = find_columns(headers) if len(headers) >= 2 else None
    if columns is None:
        headers = []
        columns = guess_columns([cells for _, cells in rows])
    else:
        rows = rows[1:]
    term_column, definition_column = columns
    for line, cells in rows:
        term = " ".join(cells[term_column].split()) if term_column < len(cells) else ""
        definition = " ".join(cells[definition_column].split()) if definition_column < len(cells) else ""
        if not definition:
            if term:
                result.findings.append(Finding("missing-definition", f"'{term}' has no definition; "
                                               "it is not an entry", source=key, line=line))
            continue
        result.entries.append(Entry(key, line, term or None, definition,
                                    notes=notes_of(headers, cells, columns)))
    return result
