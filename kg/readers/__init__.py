"""The extract stage: readers turn a decoded Document into Entries and Findings.

Readers are registered by name in READERS; `detect_reader` picks the one whose `detect`
scores a document highest, and `--format NAME` (or a manifest's `format`) forces one.
Each reader module calls `register(...)` once at import.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Callable

from kg.errors import InputError, UsageError
from kg.gc_pauses import without_gc_pauses
from kg.model import Document, Entry, Finding
from kg.readers.traps import duplicate_headwords, remove_pasted_definitions


@dataclass
class Extraction:
    """What a reader found in one document."""

    entries: list[Entry] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)


@dataclass(frozen=True)
class Reader:
    name: str
    description: str
    detect: Callable[[Document], float]  # 0 (cannot read this) .. 1 (certainly this layout)
    read: Callable[[Document], Extraction]


READERS: dict[str, Reader] = {}


def register(reader: Reader) -> Reader:
    READERS[reader.name] = reader
    return reader


def get_reader(name: str) -> Reader:
    _load_builtin_readers()
    try:
        return READERS[name]
    except KeyError:
        raise UsageError(f"unknown format '{name}'",
                         hint=f"known formats: {', '.join(sorted(READERS))}") from None


def detect_reader(document: Document) -> Reader:
    _load_builtin_readers()
    scored = sorted(((reader.detect(document), name) for name, reader in READERS.items()),
                    key=lambda pair: (-pair[0], pair[1]))
    score, name = scored[0]
    if score <= 0:
        raise InputError("kg cannot tell what kind of glossary this is", path=document.source.path,
                         hint=f"force a format with --format ({', '.join(sorted(READERS))})")
    return READERS[name]


def extract(document: Document, forced: str | None = None) -> Extraction:
    """Run the forced or detected reader; number the entries in source order."""
    reader = get_reader(forced or document.source.format) if (forced or document.source.format) \
        else detect_reader(document)
    with without_gc_pauses():
        result = reader.read(document)
        entries, pasted = remove_pasted_definitions(result.entries)
        entries = [replace(entry, ordinal=n) for n, entry in enumerate(entries, 1)]
    result.findings.extend(pasted + duplicate_headwords(entries))
    if not entries:
        result.findings.append(Finding("no-entries", f"the {reader.name} reader found no entries",
                                       source=document.source.key))
    return Extraction(entries=entries, findings=result.findings)


def _load_builtin_readers() -> None:
    # Imported here, not at module top, so that reader modules can import this registry.
    from kg.readers import docx, html, markdown, plaintext, tabular  # noqa: F401
