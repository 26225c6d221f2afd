"""HTML glossaries: vendor help-centre pages, CMS exports, saved web pages.

lxml.html parses the page: it is as forgiving as a browser with broken markup, linear on a
minified page, and — unlike BeautifulSoup's lxml tree builder — keeps every element's source
line, which each entry records. Definition lists (dl/dt/dd) and tables with a term/definition
header are read directly; headings and paragraphs become lines for the plain-text layouts.
Navigation, scripts, forms and site chrome are dropped before anything is read.
"""

from __future__ import annotations

import re
from pathlib import PurePath

from kg.errors import InputError
from kg.model import Document, Entry
from kg.readers import Extraction, Reader, register
from kg.readers.layouts import read_marked_up
from kg.readers.lines import Line, make_line
from kg.readers.shapes import is_heading_shaped, squash

_DROPPED_TAGS = {"script", "style", "noscript", "template", "nav", "header", "footer", "aside",
                 "form", "button", "iframe", "svg", "select", "head", "object", "embed", "canvas"}
# Class, id or role words of site chrome, matched as whole hyphen/underscore-separated parts.
_CHROME = {"nav", "navbar", "navigation", "menu", "breadcrumb", "breadcrumbs", "footer", "sidebar",
           "cookie", "cookies", "consent", "advert", "advertisement", "ads", "ad", "sponsored",
           "share", "sharing", "social", "comments", "related", "newsletter", "subscribe", "toc",
           "skip", "banner", "popup", "modal", "pagination"}
_HEADINGS = {"h1", "h2", "h3", "h4", "h5", "h6"}
_BLOCKS = _HEADINGS | {"p", "li", "div", "section", "article", "main", "blockquote", "pre", "ul",
                       "ol", "dl", "table", "body", "dt", "dd", "figure", "figcaption", "center"}
_PARTS = re.compile(r"[-_\s]+")
_MARKUP = re.compile(r"<\s*(?:html|body|div|p|h[1-6]|dl|table|ul|!doctype)\b", re.IGNORECASE)


def detect(document: Document) -> float:
    if document.encoding == "binary" or not document.text.strip():
        return 0.0
    if PurePath(document.source.path).suffix.lower() in (".html", ".htm", ".xhtml"):
        return 0.9
    return 0.8 if len(_MARKUP.findall(document.text[:65536])) >= 2 else 0.0


# Control characters are not allowed in XML text, so lxml refuses them when text is edited.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def read(document: Document) -> Extraction:
    text = _CONTROL.sub(" ", document.text)
    if not text.strip():
        return Extraction()
    import lxml.html  # here, not at the top: builds without HTML skip its import
    from lxml import etree

    try:
        root = lxml.html.document_fromstring(text.encode("utf-8"),
                                             parser=lxml.html.HTMLParser(encoding="utf-8"))
    except (etree.ParserError, ValueError) as error:
        raise InputError(f"not a readable HTML page: {error}", path=document.source.path) from None
    _drop_chrome(root)
    for br in root.iter("br"):
        br.tail = "\n" + (br.tail or "")
    key = document.source.key
    listed = [entry for dl in root.iter("dl") for entry in _definition_list(dl, key)]
    tables = [[(row.sourceline or 0, [_text(cell) for cell in row if cell.tag in ("td", "th")])
               for row in table.iter("tr")] for table in root.iter("table")]
    lines: list[Line | None] = []
    _flow(root, lines, depth=0)
    return read_marked_up(lines, tables, key, listed)


def _drop_chrome(root) -> None:
    doomed = []
    for element in root.iter():
        if not isinstance(element.tag, str):
            doomed.append(element)  # comments and processing instructions
            continue
        marks = " ".join(element.get(name, "") for name in ("class", "id", "role"))
        if element.tag in _DROPPED_TAGS or _CHROME & set(_PARTS.split(marks.casefold())):
            doomed.append(element)
    for element in doomed:
        parent = element.getparent()
        if parent is not None:
            element.drop_tree()  # keeps the tail text, which belongs to the parent


def _text(element) -> str:
    return squash(element.text_content())


def _definition_list(dl, key: str) -> list[Entry]:
    entries, terms, definitions = [], [], []

    def close() -> None:
        text = " ".join(d for d in definitions if d)
        for term in terms:
            if text:
                entries.append(Entry(key, term.sourceline or 0, _text(term), text))

    for child in dl:
        if child.tag == "dt":
            if definitions:
                close()
                terms, definitions = [], []
            terms.append(child)
        elif child.tag == "dd":
            definitions.append(_text(child))
    close()
    return entries


def _flow(element, lines: list[Line | None], depth: int) -> None:
    """Headings and paragraphs in document order, as plain-text lines (tables and dl read apart)."""
    for child in element:
        if not isinstance(child.tag, str) or child.tag in ("dl", "table"):
            continue
        if child.tag in _HEADINGS:
            _emit(child, lines, heading=True, depth=depth)
        elif child.tag in _BLOCKS and not any(isinstance(c.tag, str) and c.tag in _BLOCKS for c in child):
            _emit(child, lines, heading=None, depth=depth, bullet=child.tag == "li")
        elif child.tag in _BLOCKS:
            own = squash((child.text or "") + " ".join((c.tail or "") for c in child))
            if own:
                lines.append(None)
                lines.append(make_line(child.sourceline or 0, own, indent=depth * 2))
            _flow(child, lines, depth + (child.tag in ("ul", "ol")))


def _emit(element, lines: list[Line | None], heading: bool | None, depth: int, bullet: bool = False) -> None:
    text = element.text_content()
    parts = [squash(part) for part in text.split("\n")]
    parts = [part for part in parts if part]
    if not parts or heading is None and _is_only_links(element, parts):
        return
    lines.append(None)
    for offset, part in enumerate(parts):
        marker = "- " if bullet and offset == 0 else ""
        line = make_line((element.sourceline or 0), marker + part, indent=depth * 2,
                         heading=True if heading else None)
        lines.append(line)


def _is_only_links(element, parts: list[str]) -> bool:
    """A short block that is nothing but links ("Back to top", "Next »") is navigation."""
    link_text = squash(" ".join(a.text_content() for a in element.iter("a")))
    return bool(link_text) and link_text == squash(" ".join(parts)) and is_heading_shaped(link_text)


register(Reader("html", "HTML pages: dl/dt/dd, headings and paragraphs, tables; navigation "
                        "and scripts dropped", detect, read))
