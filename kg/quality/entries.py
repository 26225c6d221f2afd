"""Entries check: precision, recall and F1 of the readers against the gold entries, per file.

An extracted entry matches a gold entry when the headword and the definition are equal after
whitespace normalisation (a lost headword matches a gold `null`). Each gold entry matches at
most once. The clean-definition score compares what an entry means (`Entry.text`) with the
gold's `definition_clean` where it has one, so pasted text found and removed counts.
"""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

from kg.errors import InputError
from kg.model import Entry, Source
from kg.quality import QualityCheck, Report, register
from kg.readers import extract
from kg.readers.decode import read_document

GOLD_FILE = "entries.json"
COLUMNS = ["file", "gold", "found", "matched", "precision", "recall", "f1", "clean f1"]


def load_gold(gold: Path) -> dict[str, list[dict]]:
    path = gold / GOLD_FILE
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        raise InputError(f"cannot read the gold entries: {error}", path=str(path)) from None
    if not isinstance(data, dict):
        raise InputError("gold entries must map file names to lists of entries", path=str(path))
    return data


def read_entries(file: Path, name: str) -> list[Entry]:
    source = Source(key=Path(name).stem, path=str(file), title=name)
    return extract(read_document(source, file)).entries


def _normal(text: str | None) -> str | None:
    return " ".join(text.split()) if text is not None else None


def score(found: list[tuple], expected: list[tuple]) -> tuple[int, float, float, float]:
    """(matched, precision, recall, F1) of two multisets of comparable tuples."""
    matched = sum((Counter(found) & Counter(expected)).values())
    precision = matched / len(found) if found else (1.0 if not expected else 0.0)
    recall = matched / len(expected) if expected else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return matched, precision, recall, f1


def score_file(entries: list[Entry], gold_entries: list[dict]) -> list:
    found = [(_normal(e.headword), _normal(e.definition)) for e in entries]
    expected = [(_normal(g.get("term")), _normal(g.get("definition"))) for g in gold_entries]
    matched, precision, recall, f1 = score(found, expected)
    found_clean = [(_normal(e.headword), _normal(e.text)) for e in entries]
    expected_clean = [(_normal(g.get("term")), _normal(g.get("definition_clean") or g.get("definition")))
                      for g in gold_entries]
    clean_f1 = score(found_clean, expected_clean)[3]
    return [len(expected), len(found), matched, round(precision, 4), round(recall, 4), round(f1, 4),
            round(clean_f1, 4)]


def run(gold: Path, glossaries: Path) -> Report | None:
    if not (gold / GOLD_FILE).is_file():
        return None
    report = Report("entries", list(COLUMNS))
    for name, gold_entries in sorted(load_gold(gold).items()):
        file = glossaries / name
        if not file.is_file():
            report.notes.append(f"{name}: not in {glossaries}, not scored")
            continue
        try:
            entries = read_entries(file, name)
        except InputError as error:
            report.notes.append(f"{name}: cannot be read: {error}")
            entries = []
        report.rows.append([name, *score_file(entries, gold_entries)])
    return report


register(QualityCheck("entries", "reader precision, recall and F1 per glossary file against gold "
                                 "entries (headword and definition, whitespace-normalised)", run))
