"""Plain-text glossaries: "Term: definition" lines, or a heading line and its paragraph.

First version: the reading issue deepens it (noise, numbered headings, lost headwords).
"""

from __future__ import annotations

import re

from kg.model import Document, Entry
from kg.readers import Extraction, Reader, register

_TERM_COLON = re.compile(r"^\s*([^:]{1,80}?)\s*:\s+(\S.*)$")


def detect(document: Document) -> float:
    return 0.1 if document.text.strip() and document.encoding != "binary" else 0.0


def read(document: Document) -> Extraction:
    result = Extraction()
    lines = document.lines
    key = document.source.key
    pending: tuple[int, str] | None = None
    for number, raw in enumerate(lines, 1):
        line = raw.strip()
        if not line:
            continue
        match = _TERM_COLON.match(line)
        if match and len(match.group(1).split()) <= 8:
            result.entries.append(Entry(key, number, match.group(1), match.group(2).strip()))
            pending = None
        elif len(line.split()) <= 8 and not line.endswith("."):
            pending = (number, line)
        elif pending is not None:
            result.entries.append(Entry(key, pending[0], pending[1], line))
            pending = None
    return result


register(Reader("text", "plain text: 'Term: definition' lines or heading + paragraph", detect, read))
