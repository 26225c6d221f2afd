"""Markdown glossaries: headings and paragraphs, definition lists, `**Term**: …`, tables.

markdown-it-py (already installed with rich) parses the block structure and inline markup and
keeps each block's source lines; its blocks become the lines the plain-text layouts read, so a
Markdown glossary gets the same noise and layout rules. Tables are read by their header.
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import PurePath

from kg.config import DEFAULT
from kg.errors import InputError
from kg.model import Document
from kg.readers import Extraction, Reader, register
from kg.readers.layouts import read_marked_up
from kg.readers.lines import Line, boundary_line, make_line


@lru_cache(maxsize=1)
def _parser():
    """markdown-it, imported when a Markdown glossary is read: other builds skip its import."""
    from markdown_it import MarkdownIt
    return MarkdownIt("commonmark", {"html": False}).enable("table")


# Markdown that plain prose does not contain: ATX headings, emphasis-led terms, table rules, `: ` lists.
_SIGNALS = (re.compile(r"^#{1,6}\s+\S", re.MULTILINE), re.compile(r"^\s*[-*]?\s*\*\*[^*\n]+\*\*", re.MULTILINE),
            re.compile(r"^\s*\|?\s*:?-{3,}:?\s*\|", re.MULTILINE), re.compile(r"^:\s+\S", re.MULTILINE))


def detect(document: Document) -> float:
    if document.encoding == "binary" or not document.text.strip():
        return 0.0
    if PurePath(document.source.path).suffix.lower() in (".md", ".markdown", ".mdown", ".mkd"):
        return 0.9
    sample = document.text[:65536]
    signals = sum(1 for pattern in _SIGNALS if len(pattern.findall(sample)) >= 2)
    return 0.5 if signals else 0.0


def read(document: Document) -> Extraction:
    limit = DEFAULT.readers.max_line_chars
    for number, line in enumerate(document.lines, 1):
        if len(line) > limit:
            raise InputError(f"line {number} is {len(line):,} characters long; no glossary line is "
                             f"longer than {limit:,}", path=document.source.path, line=number)
    key = document.source.key
    lines, tables = markdown_lines(document.text)
    return read_marked_up(lines, tables, key)


def markdown_lines(text: str) -> tuple[list[Line | None], list[list[tuple[int, list[str]]]]]:
    """The document as plain-text Lines (headings marked as such) and its tables as rows."""
    tokens = _parser().parse(text)
    lines: list[Line | None] = []
    tables: list[list[tuple[int, list[str]]]] = []
    lists: list[list[int]] = []  # per open list: [is ordered, next number]
    last_end = 0
    index = 0
    while index < len(tokens):
        token = tokens[index]
        if token.type in ("bullet_list_open", "ordered_list_open"):
            start = int(token.attrs.get("start", 1) or 1) if token.attrs else 1
            lists.append([token.type == "ordered_list_open", start])
        elif token.type in ("bullet_list_close", "ordered_list_close"):
            lists.pop()
        elif token.type == "table_open":
            lines.append(boundary_line(token.map[0] + 1 if token.map else 0))
            index, rows = _table(tokens, index)
            tables.append(rows)
            continue
        elif token.type == "hr":
            lines.append(boundary_line(token.map[0] + 1 if token.map else 0))
        elif token.type in ("heading_open", "paragraph_open") and token.map:
            if token.map[0] > last_end and lines:
                lines.append(None)  # a blank line in the source separates the blocks
            last_end = token.map[1]
            inline = tokens[index + 1]
            if token.type == "heading_open":
                lines.append(make_line(token.map[0] + 1, _plain(inline), heading=True))
            else:
                marker = ""
                if lists and tokens[index - 1].type == "list_item_open":  # an item's first paragraph
                    ordered, number = lists[-1]
                    marker = f"{number}. " if ordered else "- "
                    lists[-1][1] += ordered
                lines.extend(_paragraph_lines(token.map[0] + 1, _plain(inline), marker))
        index += 1
    return lines, tables


def _paragraph_lines(first: int, text: str, marker: str) -> list[Line]:
    """Each source line of a paragraph; "Term" followed by ": definition" lines is one entry."""
    parts = text.split("\n")
    result: list[Line] = []
    position = 0
    while position < len(parts):
        part = parts[position].strip()
        following = []
        while position + 1 < len(parts) and re.match(r"^:\s+\S", parts[position + 1].strip()):
            following.append(parts[position + 1].strip()[1:].strip())
            position += 1
        if following and part:
            line = make_line(first + position - len(following), marker + part, heading=False)
            line.inline = (part, " ".join(following))
            result.append(line)
        elif part and not result:
            result.append(make_line(first + position, marker + part))
        elif part:  # a heading is a paragraph of its own: later lines of a paragraph are text
            result.append(make_line(first + position, part, heading=False))
        position += 1
    return result


def _plain(inline) -> str:
    """Inline markup to text; line breaks kept as newlines."""
    out = []
    for child in inline.children or []:
        if child.type in ("text", "code_inline"):
            out.append(child.content)
        elif child.type in ("softbreak", "hardbreak"):
            out.append("\n")
        elif child.type == "image":
            out.append(child.content)
    return "".join(out)


def _table(tokens, index: int) -> tuple[int, list[tuple[int, list[str]]]]:
    rows: list[tuple[int, list[str]]] = []
    while tokens[index].type != "table_close":
        token = tokens[index]
        if token.type == "tr_open":
            cells: list[str] = []
            line = token.map[0] + 1 if token.map else 0
            index += 1
            while tokens[index].type != "tr_close":
                if tokens[index].type == "inline":
                    cells.append(" ".join(_plain(tokens[index]).split()))
                index += 1
            rows.append((line, cells))
        index += 1
    return index + 1, rows


register(Reader("markdown", "Markdown: headings and paragraphs, definition lists, **Term**: "
                            "definition, tables", detect, read))
