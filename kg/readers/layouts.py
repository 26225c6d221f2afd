"""Which layout a glossary's lines follow, and the inline and headless layouts.

- inline: "Term: definition", "Term – definition", "Term - definition", "Term<TAB>definition";
- headed: a heading line and the definition under it (kg.readers.headed);
- headless: only definitions survived (the headwords were lost in scraping); each one is
  kept as an entry without a headword, and the concept stage names it.
"""

from __future__ import annotations

from kg.model import Entry
from kg.readers import Extraction, shapes
from kg.readers.columns import read_table
from kg.readers.headed import read_headed, split_blocks
from kg.readers.lines import Line, definition_text


def read_marked_up(lines: list[Line | None], tables: list[list[tuple[int, list[str]]]], key: str,
                   listed: list[Entry] | None = None) -> Extraction:
    """A marked-up document: entries its lists gave (`listed`), its tables, then its running text.

    The running text is read as headless definitions only when no list or table held entries:
    the prose around a glossary table is not a glossary. Entries come back in line order.
    """
    result = Extraction(entries=list(listed or []))
    for rows in tables:
        table = read_table(rows, key)
        result.entries.extend(table.entries)
        result.findings.extend(table.findings)
    flow = read_lines(lines, key, headless=not result.entries)
    result.entries.extend(flow.entries)
    result.findings.extend(flow.findings)
    result.entries.sort(key=lambda entry: entry.line)
    return result


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
        for position, line in enumerate(run):  # one definition a line, or a line that wraps on
            joins = position > 0 and not shapes.ends_with_full_stop(units[-1][-1].text)
            if joins and line.text[0].islower():
                units[-1].append(line)
            else:
                units.append([line])
    first = 0  # chatter before the definitions and after them is no definition
    while first < len(units) and shapes.document_talk(definition_text(units[first])) >= 2:
        first += 1
    units = units[first:]
    while units and shapes.document_talk(definition_text(units[-1])) >= 2:
        units.pop()
    for unit in units:
        result.entries.append(Entry(key, unit[0].number, None, definition_text(unit)))
    return result
