"""DOCX glossaries (Word, Google Docs exports) read with python-docx.

Paragraph styles say what the plain-text layouts would have to guess: "Heading N" and
"Title" paragraphs are headings, "List" paragraphs are list items. Tables are read by their
header. An entry's line is the position of its paragraph among the document's paragraphs.
"""

from __future__ import annotations

import io
import zipfile

from kg.errors import InputError
from kg.model import Document
from kg.readers import Extraction, Reader, register
from kg.readers.layouts import read_marked_up
from kg.readers.lines import Line, make_line


def detect(document: Document) -> float:
    if document.encoding != "binary" or not document.raw.startswith(b"PK"):
        return 0.0
    return 1.0 if b"word/document.xml" in document.raw else 0.0


def read(document: Document) -> Extraction:
    from docx import Document as open_docx  # imported late: only DOCX builds pay for it

    try:
        word = open_docx(io.BytesIO(document.raw))
    except (zipfile.BadZipFile, KeyError, ValueError) as error:
        raise InputError(f"not a readable DOCX file: {error}", path=document.source.path,
                         hint="open and re-save it in a word processor") from None
    key = document.source.key
    lines: list[Line | None] = []
    tables: list[list[tuple[int, list[str]]]] = []
    position = 0
    for block in word.iter_inner_content():
        if hasattr(block, "rows"):
            tables.append([(position + 1, [cell.text for cell in row.cells]) for row in block.rows])
            lines.append(None)
            continue
        position += 1
        text = block.text.strip()
        if not text:
            lines.append(None)
            continue
        style = (block.style.name if block.style is not None else "") or ""
        heading = True if style.startswith(("Heading", "Title")) else None
        marker = "- " if style.startswith("List") else ""
        lines.append(make_line(position, marker + text, heading=heading))
    return read_marked_up(lines, tables, key)


register(Reader("docx", "DOCX documents: heading styles, 'Term: definition' paragraphs, tables",
                detect, read))
