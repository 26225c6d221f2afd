"""Plain-text glossaries in the layouts people paste and scrape.

Three layouts, chosen by what most of the file looks like:

- inline: "Term: definition", "Term – definition", "Term - definition" on one line;
- headed: a heading line (bare, numbered, bulleted, with a " | site" suffix, A–Z letter
  sections) and the definition lines under it, sub-lists included;
- headless: only definitions survived (the headwords were lost in scraping); each one is
  kept as an entry without a headword.

Noise is recognised by layout evidence: lines before the A–Z sections, blocks whose heading
is unnumbered where the entries are numbered, runs of headings with nothing under them
(tables of contents), paragraphs that talk about the document or to the reader, lead-in
lines ("here are the terms:") that introduce nothing, text outdented from the definitions.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import PurePath

from kg.config import DEFAULT
from kg.errors import InputError
from kg.model import Document, Entry, Finding
from kg.readers import Extraction, Reader, register
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


@dataclass
class Block:
    head: Line | None
    body: list[Line | None] = field(default_factory=list)  # None marks a blank line
    in_list: bool = False  # the last body line introduced a list ("...such as:")

    @property
    def lines(self) -> list[Line]:
        return [line for line in self.body if line is not None]


def detect(document: Document) -> float:
    """Any text can be read as plain text; a .txt name makes it the first choice."""
    if not document.text.strip() or document.encoding == "binary":
        return 0.0
    suffix = PurePath(document.source.path).suffix.lower()
    return 0.6 if suffix in (".txt", ".text") else 0.3 if not suffix else 0.1


def read(document: Document) -> Extraction:
    return read_lines(scan_lines(document), document.source.key)


def read_lines(lines: list[Line | None], key: str, headless: bool = True) -> Extraction:
    """Pick the layout most of the lines follow and read them in it.

    Marked-up readers pass headless=False when a list or table already holds the entries:
    the paragraphs around it are then page text, not definitions that lost their headwords."""
    _pair_term_lines(lines)
    inline_count = sum(1 for line in lines if line and line.inline)
    blocks = split_blocks(lines)
    headed_count = sum(1 for block in blocks if block.head and block.lines)
    text_units = _count_text_units(lines)
    if inline_count >= 2 and inline_count >= headed_count:
        return read_inline(lines, key)
    # Headings carry most of the text, or a few stray short lines sit among headless definitions.
    if headed_count >= 2 and headed_count * 4 >= text_units:
        return read_headed(blocks, key)
    return read_headless(lines, key) if headless else Extraction()


def _pair_term_lines(lines: list[Line | None]) -> None:
    """"API" over "Application programming interface", pair after pair: the first line of each
    two-line paragraph is the heading even where the second is too short to read as a sentence."""
    paragraphs: list[list[Line]] = [[]]
    for line in lines:
        if line is None or line.boundary:
            paragraphs.append([])
        else:
            paragraphs[-1].append(line)
    paragraphs = [p for p in paragraphs if p]
    pairs = [p for p in paragraphs if len(p) == 2 and p[0].heading and p[1].heading
             and not p[0].inline and not p[1].inline]
    if len(pairs) >= 3 and len(pairs) * 10 >= len(paragraphs) * 8:
        for term, definition in pairs:
            definition.heading = False


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


def _split_inline(text: str) -> tuple[str, str] | None:
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


def _count_text_units(lines: list[Line | None]) -> int:
    """How many definitions the text could hold: its sentence-ending lines, one at least per run."""
    units, run_stops, inside = 0, 0, False
    for line in lines:
        is_text = line is not None and not line.heading and not line.boundary
        if is_text:
            run_stops += shapes.ends_with_full_stop(line.text)
        elif inside:
            units += max(1, run_stops)
            run_stops = 0
        inside = is_text
    return units + (max(1, run_stops) if inside else 0)


# --- inline: "Term: definition" -------------------------------------------------------------

def read_inline(lines: list[Line | None], key: str) -> Extraction:
    result = Extraction()
    current: tuple[Line, str, str, list[Line]] | None = None
    gap = False

    def close() -> None:
        if current is not None:
            head, term, definition, more = current
            text = " ".join([definition, definition_text(more)]).strip()
            result.entries.append(Entry(key, head.number, term, shapes.squash(text)))

    for line in lines:
        if line is None:
            gap = True
            continue
        if line.boundary:
            close()
            current, gap = None, False
            continue
        if line.inline:
            close()
            current = (line, line.inline[0], line.inline[1], [])
        elif current is not None and _continues_inline(current, line, gap):
            current[3].append(line)
        else:
            close()
            current = None  # a letter heading, a title, chatter: never part of an entry
        gap = False
    close()
    return result


def _continues_inline(current: tuple[Line, str, str, list[Line]], line: Line, gap: bool) -> bool:
    head, _, definition, more = current
    last = more[-1].text if more else definition
    if line.indent > head.indent or line.bulleted and last.rstrip().endswith(":"):
        return True
    return not gap and (line.text[0].islower() or last.rstrip().endswith(":"))


# --- headed: a heading line and the definition under it -------------------------------------

def split_blocks(lines: list[Line | None]) -> list[Block]:
    blocks = [Block(None)]
    for position, line in enumerate(lines):
        block = blocks[-1]
        if line is None:
            if block.body:
                block.body.append(None)
            continue
        if line.boundary:
            blocks.append(Block(None))
            continue
        if line.heading and not (block.in_list and line.bulleted) and not _leads_in(lines, position):
            blocks.append(Block(line))
            continue
        block.body.append(line)
        if not line.bulleted:
            block.in_list = line.text.endswith(":")
    return blocks


def _leads_in(lines: list[Line | None], position: int) -> bool:
    """"It depends on:" between a sentence and a list is part of the text, not a heading."""
    line = lines[position]
    before = lines[position - 1] if position > 0 else None
    after = lines[position + 1] if position + 1 < len(lines) else None
    return (line.text.endswith(":") and before is not None and not before.heading
            and after is not None and after.bulleted)


def read_headed(blocks: list[Block], key: str) -> Extraction:
    result = Extraction()
    candidates = [(p, b) for p, b in enumerate(blocks)
                  if b.head and b.lines and not shapes.is_letter_heading(b.head.core)
                  and clean_headword(b.head.core)]  # "## :" names nothing
    numbered = _numbered_layout([b.head for _, b in candidates])
    letters = [p for p, b in enumerate(blocks) if b.head and shapes.is_letter_heading(b.head.core)]
    # A–Z section letters open the glossary proper: what comes before them is title and intro.
    body_starts = letters[0] if len(letters) >= 2 else 0
    shaped = [(p, b) for p, b in candidates if p >= body_starts and (b.head.numbered or not numbered)]
    body_indent = _mode(b.lines[0].indent for _, b in shaped)
    head_indent = _mode(b.head.indent for _, b in shaped)
    bodies = {p: _trim_body(b, body_indent if body_indent > head_indent else None) for p, b in shaped}
    kept = [p for p, b in shaped if bodies[p] and not _is_document_talk(b.head, bodies[p])]
    while kept and _is_front_matter(blocks[kept[0]].head, bodies[kept[0]]):
        kept = kept[1:]  # a title, a second title, an introduction: all before the first entry
    if kept and not numbered and shapes.is_article_section(clean_headword(blocks[kept[-1]].head.core)):
        kept = kept[:-1]  # "Conclusion" and its paragraph close the article, they define nothing
    kept_set = set(kept)
    first_kept, last_kept = (kept[0], kept[-1]) if kept else (len(blocks), -1)
    for position, block in enumerate(blocks):
        if position in kept_set:
            result.entries.append(Entry(key, block.head.number, clean_headword(block.head.core),
                                        definition_text(bodies[position])))
        elif position > first_kept and (numbered or position < last_kept) \
                and _lacks_definition(blocks, position, numbered):
            result.findings.append(Finding(
                "missing-definition", f"heading '{clean_headword(block.head.core)}' has no definition "
                "under it; it is not an entry", source=key, line=block.head.number))
    return result


def _numbered_layout(heads: list[Line]) -> bool:
    """Entries are numbered when most headings are, or the numbered ones count up 1, 2, 3…"""
    numbers = [head.list_number for head in heads if head.numbered]
    if len(numbers) < 2:
        return False
    steps = sum(1 for a, b in zip(numbers, numbers[1:]) if b == a + 1)
    return len(numbers) * 10 >= len(heads) * 6 or steps * 10 >= (len(numbers) - 1) * 8


def _is_document_talk(head: Line, body: list[Line]) -> bool:
    return shapes.document_talk(" ".join([head.core] + [line.text for line in body])) >= 2


def _is_front_matter(head: Line, body: list[Line]) -> bool:
    """A first block titled as a glossary ("Sailing Terms", "Glossary") and its introduction.

    A one-word heading such as "Glossary" is also the name of a glossary term, so it counts
    as a title only when its text speaks about the page."""
    title = clean_headword(head.core)
    if shapes.is_article_section(title):
        return True
    if not shapes.names_the_document(title):
        return False
    text = " ".join(line.text for line in body)
    return len(title.split()) >= 2 or shapes.document_talk(text) >= 1


def _trim_body(block: Block, body_indent: int | None) -> list[Line]:
    """The definition's lines: stop at outdented text, drop sign-offs and dangling lead-ins."""
    paragraphs: list[list[Line]] = [[]]
    for line in block.body:
        if line is None:
            paragraphs.append([])
        else:
            paragraphs[-1].append(line)
    paragraphs = [p for p in paragraphs if p]
    kept: list[list[Line]] = paragraphs[:1]
    for paragraph in paragraphs[1:]:
        if body_indent is not None and paragraph[0].indent < body_indent:
            break
        kept.append(paragraph)
    while len(kept) > 1 and shapes.document_talk(" ".join(l.text for l in kept[-1])) >= 2:
        kept.pop()
    body = [line for paragraph in kept for line in paragraph]
    while len(body) > 1 and body[-1].text.endswith(":"):
        body.pop()  # "here are the explanations:" followed by the next heading introduces nothing
    return body


def _lacks_definition(blocks: list[Block], position: int, numbered: bool) -> bool:
    """A heading with nothing under it that is not a letter and not part of a list of headings.

    The caller checks it sits among the entries (numbering marks a last heading as an entry too;
    an unnumbered line after the last entry may be page chrome)."""
    block = blocks[position]
    if block.head is None or block.lines or shapes.is_letter_heading(block.head.core):
        return False
    if numbered and not block.head.numbered:
        return False
    neighbours = [blocks[i] for i in (position - 1, position + 1) if 0 <= i < len(blocks)]
    in_a_list = any(b.head and not b.lines and not shapes.is_letter_heading(b.head.core)
                    for b in neighbours)
    return not in_a_list


def _mode(values) -> int:
    counts = Counter(values)
    return min(counts, key=lambda value: (-counts[value], value)) if counts else 0


# --- headless: definitions whose headwords were lost ----------------------------------------

def read_headless(lines: list[Line | None], key: str) -> Extraction:
    """Each definition becomes an entry without a headword; the concept stage names it."""
    result = Extraction()
    runs: list[list[Line]] = [[]]
    intro_runs: set[int] = set()  # the text under a title that names the page as a glossary
    title_above = False
    for line in lines:
        if line is None or line.heading or line.boundary or shapes.is_letter_heading(line.core):
            if line is not None and line.heading:
                title_above = shapes.names_the_document(line.core)
            runs.append([])
            continue
        if not runs[-1] and title_above:
            intro_runs.add(len(runs) - 1)
            title_above = False
        runs[-1].append(line)
    runs = [run for index, run in enumerate(runs) if run and index not in intro_runs]
    # Paragraphs of wrapped lines are one definition each; a run of full sentences, one per line,
    # is one definition per line.
    units: list[list[Line]] = []
    for run in runs:
        stops = sum(1 for line in run if shapes.ends_with_full_stop(line.text))
        if stops * 10 < len(run) * 7:
            units.append(run)  # a wrapped paragraph
            continue
        for line in run:  # one definition a line; a line without its full stop may still wrap
            joins = units and units[-1][-1] in run and not shapes.ends_with_full_stop(units[-1][-1].text)
            if joins and line.text[0].islower():
                units[-1].append(line)
            else:
                units.append([line])
    while units and shapes.document_talk(definition_text(units[0])) >= 2:
        units.pop(0)
    while units and shapes.document_talk(definition_text(units[-1])) >= 2:
        units.pop()
    for unit in units:
        result.entries.append(Entry(key, unit[0].number, None, definition_text(unit)))
    return result


register(Reader("text", "plain text: 'Term: definition' lines, headings with paragraphs "
                        "(numbered, A-Z sections), or definitions without headwords", detect, read))
