"""Concepts check: pairwise merge precision and recall, wrong merges, acronym headings
resolved, and what became of the headword-less entries — against hand-made concept gold.

The gold (`concepts*.json` in the gold folder; else the repository's tests/gold/concepts-*.json
whose glossary files are all in the glossaries folder) names entries by (file, headword):
`clusters` of headwords that are one concept, `unsure` pairs that are not scored, `apart`
pairs that must never merge, and `headless` entries (by the start of their definition) with
the concepts they may join. Every headed entry outside `clusters` is its own concept.

The check runs the concepts stage twice: on the gold entries (a perfect reading, from
entries.json) to measure this stage alone, and on what the readers extract from the files.
"""

from __future__ import annotations

import json
from collections import defaultdict
from itertools import combinations
from pathlib import Path

from kg.concepts import form_concepts
from kg.config import DEFAULT
from kg.errors import InputError
from kg.labels import analyse_heading, clean
from kg.model import Concept, Entry
from kg.quality import QualityCheck, Report, register

REPOSITORY = Path(__file__).resolve().parent.parent.parent
COLUMNS = ["entries from", "entries", "concepts", "gold pairs", "merged pairs", "right",
           "precision", "recall", "wrong merges", "acronym headings", "resolved", "headless",
           "attached", "attached right", "attached wrong", "provisional", "provisional right"]


def find_gold(gold: Path, glossaries: Path) -> Path | None:
    own = sorted(gold.glob("concepts*.json"))
    if own:
        return own[0]
    for path in sorted((REPOSITORY / "tests" / "gold").glob("concepts-*.json")):
        if all((glossaries / name).is_file() for name in _files_named(load(path))):
            return path
    return None


def load(path: Path) -> dict:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        raise InputError(f"cannot read the concept gold: {error}", path=str(path)) from None
    if not isinstance(data, dict) or not isinstance(data.get("clusters"), list):
        raise InputError("concept gold needs a 'clusters' list", path=str(path))
    return data


def _files_named(gold: dict) -> set[str]:
    named = [m for group in (*gold["clusters"], *gold.get("unsure", ()), *gold.get("apart", ()))
             for m in group]
    named += [m for h in gold.get("headless", ()) for m in h["same_concept_as"]]
    return {file for file, _ in named} | {h["file"] for h in gold.get("headless", ())}


def source_key(file_name: str) -> str:
    return Path(file_name).stem


def _normal(text: str) -> str:
    return clean(text).casefold()


class _Index:
    """Gold names resolved to entry ids of one run; `keys` maps gold file names to the
    run's source keys (default: the file name's stem)."""

    def __init__(self, entries: list[Entry], keys: dict[str, str] | None = None):
        self.keys = keys or {}
        self.by_headword: dict[tuple[str, str], list[str]] = defaultdict(list)
        self.headless: list[Entry] = []
        for entry in entries:
            if entry.headword:
                self.by_headword[(entry.source, _normal(entry.headword))].append(entry.id)
            else:
                self.headless.append(entry)

    def ids(self, member: list[str]) -> list[str]:
        file, headword = member
        return self.by_headword.get((self.source(file), _normal(headword)), [])

    def source(self, file: str) -> str:
        return self.keys.get(file) or source_key(file)

    def headless_entry(self, file: str, starts: str) -> Entry | None:
        prefix = _normal(starts)
        for entry in self.headless:
            if entry.source == self.source(file) and _normal(entry.text).startswith(prefix):
                return entry
        return None


def evaluate(entries: list[Entry], concepts: list[Concept], gold: dict,
             keys: dict[str, str] | None = None) -> dict:
    """Every figure of one row, and the wrong merges and attachments by name."""
    index = _Index(entries, keys)
    concept_of = {entry_id: n for n, c in enumerate(concepts) for entry_id in c.entries}
    by_id = {e.id: e for e in entries}
    gold_cluster: dict[str, int] = {}
    for n, group in enumerate(gold["clusters"]):
        for member in group:
            for entry_id in index.ids(member):
                gold_cluster[entry_id] = n
    unscored = {frozenset((a, b)) for pair in gold.get("unsure", ())
                for a in index.ids(pair[0]) for b in index.ids(pair[1])}
    apart = {frozenset((a, b)) for pair in gold.get("apart", ())
             for a in index.ids(pair[0]) for b in index.ids(pair[1])}
    headed = sorted(e.id for e in entries if e.headword)
    gold_pairs = {frozenset(p) for p in combinations(headed, 2)
                  if p[0] in gold_cluster and gold_cluster.get(p[1]) == gold_cluster[p[0]]}
    merged = set()
    for concept in concepts:
        members = sorted(m for m in concept.entries if by_id[m].headword)
        merged.update(frozenset(p) for p in combinations(members, 2))
    scored_merged = {p for p in merged if p not in unscored or p in apart}
    right = scored_merged & gold_pairs
    wrong = sorted(" + ".join(sorted(f"{by_id[i].source}:{by_id[i].headword}" for i in p))
                   for p in scored_merged - gold_pairs)
    acronym_entries = [e for e in entries if e.headword and analyse_heading(e.headword).acronyms]
    resolved = 0
    for entry in acronym_entries:
        concept = concepts[concept_of[entry.id]]
        acronyms = {a.casefold() for a in concept.acronyms}
        wanted = {a.casefold() for a in analyse_heading(entry.headword).acronyms}
        if wanted <= acronyms and concept.pref_label.casefold() not in wanted:
            resolved += 1
    headless = _headless_figures(gold, index, concepts, concept_of, by_id)
    return {
        "entries": len(entries), "concepts": len(concepts), "gold pairs": len(gold_pairs),
        "merged pairs": len(scored_merged), "right": len(right),
        "precision": round(len(right) / len(scored_merged), 4) if scored_merged else 1.0,
        "recall": round(len(right) / len(gold_pairs), 4) if gold_pairs else 1.0,
        "wrong merges": len(wrong), "wrong": wrong,
        "acronym headings": len(acronym_entries), "resolved": resolved,
        **headless,
    }


def _headless_figures(gold, index, concepts, concept_of, by_id) -> dict:
    figures = {"headless": len(index.headless), "attached": 0, "attached right": 0,
               "attached wrong": 0, "provisional": 0, "provisional right": 0,
               "wrong attachments": [], "missed": []}
    for entry in index.headless:
        concept = concepts[concept_of[entry.id]]
        figures["provisional" if concept.provisional else "attached"] += 1
    for item in gold.get("headless", ()):
        entry = index.headless_entry(item["file"], item["definition_starts"])
        if entry is None or item.get("unsure"):
            continue
        concept_index = concept_of[entry.id]
        accepted = {concept_of[i] for member in item["same_concept_as"] for i in index.ids(member)}
        concept = concepts[concept_index]
        where = f"{entry.source}:{entry.line} {entry.text[:50]!r}"
        if concept.provisional:
            if accepted:
                figures["missed"].append(f"{where} -> should join {concepts[min(accepted)].pref_label!r}")
            else:
                figures["provisional right"] += 1
        elif concept_index in accepted:
            figures["attached right"] += 1
        else:
            figures["attached wrong"] += 1
            figures["wrong attachments"].append(f"{where} -> {concept.pref_label!r}")
    return figures


def run(gold_folder: Path, glossaries: Path) -> Report | None:
    gold_path = find_gold(gold_folder, glossaries)
    if gold_path is None:
        return None
    gold = load(gold_path)
    report = Report("concepts", list(COLUMNS))
    report.notes.append(f"gold: {gold_path}")
    runs = []
    entries_gold = gold_folder / "entries.json"
    if entries_gold.is_file():
        runs.append(("gold entries", gold_entries(entries_gold, _files_named(gold))))
    runs.append(("readers", read_entries(glossaries, _files_named(gold), report)))
    for name, entries in runs:
        figures = evaluate(entries, form_concepts(entries, DEFAULT), gold)
        report.rows.append([name, *(figures[c] for c in COLUMNS[1:])])
        report.notes.extend(f"{name}: wrong merge {w}" for w in figures["wrong"])
        report.notes.extend(f"{name}: wrong attachment {w}" for w in figures["wrong attachments"])
        report.notes.extend(f"{name}: left provisional {w}" for w in figures["missed"])
    return report


def gold_entries(path: Path, files: set[str]) -> list[Entry]:
    """The entries a perfect reader extracts, from the gold's entries.json."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        raise InputError(f"cannot read the gold entries: {error}", path=str(path)) from None
    entries = []
    for name in sorted(files):
        for ordinal, item in enumerate(data.get(name, ()), 1):
            entries.append(Entry(source=source_key(name), line=ordinal, headword=item.get("term"),
                                 definition=item["definition"],
                                 clean_definition=item.get("definition_clean"), ordinal=ordinal))
    return entries


def read_entries(glossaries: Path, files: set[str], report: Report) -> list[Entry]:
    from kg.quality.entries import read_entries as read_file

    entries = []
    for name in sorted(files):
        try:
            entries.extend(read_file(glossaries / name, name))
        except InputError as error:
            report.notes.append(f"{name}: cannot be read: {error}")
    return entries


register(QualityCheck("concepts", "merge precision and recall (pairwise), wrong merges, acronym "
                                  "headings resolved, headword-less entries attached or provisional",
                      run))
