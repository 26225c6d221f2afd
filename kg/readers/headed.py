"""The headed layout: a heading line and the definition lines under it.

Headings may be bare, numbered, bulleted, carry a " | site" suffix or sit in A–Z sections.
Noise is told apart by layout: blocks before the A–Z letters, unnumbered blocks where the
entries are numbered, runs of headings with nothing under them (tables of contents), blocks
that talk about the page, article sections closing it, text outdented from the definitions.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from kg.model import Entry, Finding
from kg.readers import Extraction, shapes
from kg.readers.lines import Line, clean_headword, definition_text


@dataclass
class Block:
    head: Line | None
    body: list[Line | None] = field(default_factory=list)  # None marks a blank line
    in_list: bool = False  # the last body line introduced a list ("...such as:")

    @property
    def lines(self) -> list[Line]:
        return [line for line in self.body if line is not None]


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
    front = 0  # a title, a second title, an introduction: all before the first entry
    while front < len(kept) and _is_front_matter(blocks[kept[front]].head, bodies[kept[front]]):
        front += 1
    kept = kept[front:]
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
