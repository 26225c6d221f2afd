"""Curators' decisions: a hand-edited TOML file whose rulings every rebuild applies again.

Inference proposes; a taxonomist decides, once. Each decision is one array-of-tables entry,
named after what it does, and reviewed in git like any other source:

    [[reject]]
    edge = ["Churn rate", "broader", "Rate"]
    note = "churn is counted, not a rate"

    [[merge]]
    concepts = ["NPS", "Net promoter score"]    # the first keeps its IRI and preferred label

Concepts are named by any of their labels (case-insensitive) or by IRI or key; edges by their
two ends and kind (`broader`, `metric_of`, `mentioned_in`, `synonym`; `narrower` reads as
`broader` reversed). Merges, splits and label decisions apply after the concepts stage, before
inference (`apply_concept_decisions`); accept, reject and add apply to the inferred edges
(`apply_edge_decisions`). A decision that matches nothing any more is a "stale-decision"
Finding with its file and line, never silently dropped; a malformed one is an InputError.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, replace
from pathlib import Path

from kg.errors import InputError
from kg.identifiers import PREF, IriLock, concept_slug, normalise_label
from kg.model import (EDGE_KINDS, SYNONYM, Concept, Edge, Entry, Evidence, Finding, KnowledgeGraph,
                      MergeReason, Source)

DECISIONS_NAME = "decisions.toml"  # looked for beside the manifest
CURATED = "curated"  # Evidence.method and MergeReason.rule of what a curator decided

EDGE_ACTIONS = ("accept", "reject", "add")
CONCEPT_ACTIONS = ("merge", "split", "prefer-label", "add-label", "mark-reviewed")
ACTIONS = EDGE_ACTIONS + CONCEPT_ACTIONS

# Keys each kind of decision takes: (required, optional).
_KEYS: dict[str, tuple[frozenset[str], frozenset[str]]] = {
    "accept": (frozenset({"edge"}), frozenset({"note"})),
    "reject": (frozenset({"edge"}), frozenset({"note"})),
    "add": (frozenset({"edge"}), frozenset({"note"})),
    "merge": (frozenset({"concepts"}), frozenset({"note"})),
    "split": (frozenset({"concept", "entries"}), frozenset({"label", "note"})),
    "prefer-label": (frozenset({"concept", "label"}), frozenset({"note"})),
    "add-label": (frozenset({"concept", "label"}), frozenset({"note"})),
    "mark-reviewed": (frozenset({"concept"}), frozenset({"note"})),
}

# Kinds a curator may write for an edge, and what each means as (kind, reversed).
_EDGE_KIND_WORDS = {kind: (kind, False) for kind in EDGE_KINDS} | {"narrower": ("broader", True)}

_HEADER = re.compile(r"""^\s*\[\[\s*(["']?)([A-Za-z0-9_-]+)\1\s*\]\]\s*(#.*)?$""")


@dataclass(frozen=True)
class Decision:
    """One ruling, located in its file. `concepts` are references as the curator wrote them."""

    action: str
    file: str
    line: int
    concepts: tuple[str, ...] = ()  # edge: (from, to); merge: all; others: the one concept
    kind: str | None = None  # edge kind, for accept, reject and add
    label: str | None = None
    entries: tuple[str, ...] = ()  # split: "source" or "source:line" of the entries that leave
    note: str | None = None

    @property
    def where(self) -> str:
        return f"{self.file}:{self.line}"

    def describe(self) -> str:
        """One line naming the decision, e.g. `reject broader "Churn rate" -> "Rate"`."""
        names = " + ".join(f'"{c}"' for c in self.concepts)
        if self.action in EDGE_ACTIONS:
            return f'{self.action} {self.kind} "{self.concepts[0]}" -> "{self.concepts[1]}"'
        if self.label is not None:
            return f'{self.action} "{self.label}" for {names}'
        return f"{self.action} {names}"

    def provenance(self) -> str:
        """What the export quotes for a curated edge or merge: the note, else the decision itself."""
        return self.note or f"{self.describe()} ({Path(self.file).name}:{self.line})"


@dataclass(frozen=True)
class Decisions:
    path: str
    items: tuple[Decision, ...] = ()

    def of(self, actions: tuple[str, ...]) -> list[Decision]:
        return [d for d in self.items if d.action in actions]


NO_DECISIONS = Decisions(path="")


# --- reading ---------------------------------------------------------------------------------

def decisions_beside(manifest: Path | None) -> Path | None:
    """The decisions file kept beside a manifest, if there is one."""
    if manifest is None:
        return None
    candidate = manifest.parent / DECISIONS_NAME
    return candidate if candidate.is_file() else None


def load_decisions(path: Path) -> Decisions:
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise InputError(f"cannot read the decisions file: {error}", path=str(path)) from None
    return parse_decisions(text, str(path))


def parse_decisions(text: str, file: str) -> Decisions:
    """Check every table and key; any mistake is an InputError naming its line."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        found = re.search(r"line (\d+)", str(error))
        # tomllib names no line for what is left open at the end: that is the last line
        line = int(found.group(1)) if found else text.rstrip("\n").count("\n") + 1
        raise InputError(f"not valid TOML: {error}", path=file, line=line) from None
    lines = text.split("\n")
    headers = _header_lines(lines)
    items: list[Decision] = []
    for action, tables in data.items():
        if action not in ACTIONS:
            raise InputError(f"unknown decision '{action}'", path=file,
                             line=_first_line(lines, action),
                             hint=f"known decisions: {', '.join(ACTIONS)}")
        starts = headers.get(action, [])
        if not isinstance(tables, list) or len(starts) != len(tables):
            raise InputError(f"write each '{action}' decision as its own [[{action}]] table",
                             path=file, line=_first_line(lines, action))
        for table, start in zip(tables, starts):
            items.append(_decision(action, table, file, start, _table_end(start, headers, lines), lines))
    return Decisions(path=file, items=tuple(sorted(items, key=lambda d: d.line)))


def _header_lines(lines: list[str]) -> dict[str, list[int]]:
    found: dict[str, list[int]] = {}
    for number, line in enumerate(lines, 1):
        match = _HEADER.match(line)
        if match:
            found.setdefault(match.group(2), []).append(number)
    return found


def _table_end(start: int, headers: dict[str, list[int]], lines: list[str]) -> int:
    later = [n for numbers in headers.values() for n in numbers if n > start]
    return min(later) if later else len(lines) + 1


def _first_line(lines: list[str], action: str) -> int | None:
    pattern = re.compile(rf"""^\s*(\[\[?\s*)?["']?{re.escape(action)}["']?\s*(=|\]\]?)""")
    for number, line in enumerate(lines, 1):
        if pattern.match(line):
            return number
    return None


def _decision(action: str, table: dict, file: str, start: int, end: int, lines: list[str]) -> Decision:
    def fail(message: str, key: str | None = None, hint: str | None = None) -> InputError:
        line = start
        if key is not None:
            pattern = re.compile(rf"""^\s*["']?{re.escape(key)}["']?\s*=""")
            line = next((n for n in range(start, min(end, len(lines) + 1))
                         if pattern.match(lines[n - 1])), start)
        return InputError(f"[[{action}]]: {message}", path=file, line=line, hint=hint)

    required, optional = _KEYS[action]
    for key in table:
        if key not in required | optional:
            raise fail(f"unknown key '{key}'", key,
                       hint=f"[[{action}]] takes {', '.join(sorted(required | optional))}")
    missing = sorted(required - set(table))
    if missing:
        raise fail(f"missing '{missing[0]}'", hint=f"[[{action}]] needs {', '.join(sorted(required))}")

    def text(key: str) -> str | None:
        if key not in table:
            return None
        value = table[key]
        if not isinstance(value, str) or not value.strip():
            raise fail(f"'{key}' must be a non-empty string", key)
        return value.strip()

    def texts(key: str, at_least: int) -> tuple[str, ...]:
        value = table[key]
        if (not isinstance(value, list) or len(value) < at_least
                or not all(isinstance(v, str) and v.strip() for v in value)):
            raise fail(f"'{key}' must be a list of at least {at_least} non-empty strings", key)
        return tuple(v.strip() for v in value)

    common = {"action": action, "file": file, "line": start, "note": text("note")}
    if action in EDGE_ACTIONS:
        edge = table["edge"]
        if (not isinstance(edge, list) or len(edge) != 3
                or not all(isinstance(v, str) and v.strip() for v in edge)):
            raise fail("'edge' must be [\"from\", \"kind\", \"to\"]", "edge")
        word = edge[1].strip().lower().replace("-", "_").replace(" ", "_")
        if word not in _EDGE_KIND_WORDS:
            raise fail(f"unknown edge kind '{edge[1]}'", "edge",
                       hint=f"known kinds: {', '.join(_EDGE_KIND_WORDS)}")
        kind, reverse = _EDGE_KIND_WORDS[word]
        ends = (edge[2].strip(), edge[0].strip()) if reverse else (edge[0].strip(), edge[2].strip())
        return Decision(concepts=ends, kind=kind, **common)
    if action == "merge":
        return Decision(concepts=texts("concepts", 2), **common)
    entries = texts("entries", 1) if action == "split" else ()
    return Decision(concepts=(text("concept"),), label=text("label"), entries=entries, **common)


# --- naming concepts -------------------------------------------------------------------------

class ConceptIndex:
    """Concepts by key and by label (case-insensitive), kept current while decisions apply."""

    def __init__(self, concepts: list[Concept], lock: IriLock | None = None):
        self.lock = lock or IriLock()
        self.by_key: dict[str, Concept] = {}
        self._pref: dict[str, set[str]] = {}
        self._any: dict[str, set[str]] = {}
        for concept in concepts:
            self.add(concept)

    def add(self, concept: Concept) -> None:
        self.by_key[concept.key] = concept
        self._pref.setdefault(concept.pref_label.casefold(), set()).add(concept.key)
        for label in concept.labels:
            self._any.setdefault(label.casefold(), set()).add(concept.key)

    def remove(self, concept: Concept) -> None:
        del self.by_key[concept.key]
        self._pref[concept.pref_label.casefold()].discard(concept.key)
        for label in concept.labels:
            self._any[label.casefold()].discard(concept.key)

    def put(self, old: Concept, new: Concept) -> None:
        self.remove(old)
        self.add(new)

    def resolve(self, reference: str) -> tuple[Concept | None, str | None]:
        """The one concept a reference names, else None and why not.

        A key or IRI wins; then a unique preferred label; then a unique label of any kind.
        """
        key = re.split(r"[/#]", reference)[-1] if re.match(r"https?://", reference) else reference
        if key in self.by_key:
            return self.by_key[key], None
        folded = reference.casefold()
        for table in (self._pref, self._any):
            keys = sorted(table.get(folded, ()))
            if len(keys) == 1:
                return self.by_key[keys[0]], None
            if len(keys) > 1:
                return None, (f'"{reference}" names {len(keys)} concepts ({", ".join(keys)}); '
                              "name one by its IRI or key")
        return None, f'no concept is named "{reference}"'

    def unique_key(self, label: str) -> str:
        """A key for a concept a decision creates: unused in this build, and not a slug the IRI
        lock keeps for another concept (one recorded with this preferred label is this one's)."""
        base = concept_slug(label)
        key, n = base, 2
        while key in self.by_key or (key in self.lock.slugs
                                     and (PREF, normalise_label(label)) not in self.lock.slugs[key]):
            key, n = f"{base}-{n}", n + 1
        return key

    def concepts(self) -> list[Concept]:
        return [self.by_key[k] for k in sorted(self.by_key)]


def _stale(decision: Decision, why: str) -> Finding:
    return Finding("stale-decision", f"{decision.describe()}: {why}; update or remove it",
                   source=decision.file, line=decision.line)


def _resolve_all(index: ConceptIndex, decision: Decision) -> tuple[list[Concept], Finding | None]:
    found = []
    for reference in decision.concepts:
        concept, why = index.resolve(reference)
        if concept is None:
            return [], _stale(decision, why)
        found.append(concept)
    return found, None


# --- concept decisions (before inference) ----------------------------------------------------

def apply_concept_decisions(concepts: list[Concept], entries: list[Entry], decisions: Decisions,
                            sources: list[Source] = (), lock: IriLock | None = None,
                            ) -> tuple[list[Concept], list[Finding]]:
    """Apply merge, split, prefer-label, add-label and mark-reviewed in file order.

    Concepts keep their keys (a merge keeps the first concept's, a new preferred label keeps
    the IRI); a split-off concept gets a key the IRI lock does not keep for another concept.
    """
    chosen = decisions.of(CONCEPT_ACTIONS)
    if not chosen:
        return concepts, []
    index = ConceptIndex(concepts, lock)
    entries_by_id = {e.id: e for e in entries}
    paths = {s.path: s.key for s in sources}
    findings: list[Finding] = []
    for decision in chosen:
        targets, stale = _resolve_all(index, decision)
        if stale is None:
            stale = _CONCEPT_RULINGS[decision.action](index, targets, decision, entries_by_id, paths)
        if stale is not None:
            findings.append(stale)
    return index.concepts(), findings


def _merge(index, targets, decision, entries_by_id, paths) -> Finding | None:
    keep, *others = targets
    others = [c for c in dict.fromkeys(others) if c.key != keep.key]
    if not others:
        return _stale(decision, f'all name one concept already ({keep.key})')
    # A provisional concept's preferred label was made from its definition, not written by
    # anyone: it names nothing once merged. A real label is preferred over a made one.
    named = [c for c in [keep, *others] if not c.provisional]
    pref = named[0].pref_label if named else keep.pref_label
    candidates = [l for c in [keep, *others] for l in (c.alt_labels if c.provisional else c.labels)]
    labels = _unique_labels(candidates, pref)
    acronyms = {a.casefold() for c in targets for a in c.acronyms}
    merged = replace(
        keep,
        pref_label=pref,
        alt_labels=tuple(labels),
        provisional=not named,
        acronyms=tuple(l for l in labels if l.casefold() in acronyms),
        entries=tuple(dict.fromkeys([*keep.entries, *(e for c in others for e in c.entries)])),
        is_metric=any(c.is_metric for c in targets),
        merge_reasons=(*keep.merge_reasons, *(r for c in others for r in c.merge_reasons),
                       MergeReason(CURATED, 1.0, decision.provenance())),
    )
    for other in others:
        index.remove(other)
    index.put(keep, merged)
    return None


def _split(index, targets, decision, entries_by_id, paths) -> Finding | None:
    (concept,) = targets
    wanted = [_entry_reference(r, paths) for r in decision.entries]
    leaving = [i for i in concept.entries
               if i in entries_by_id and any(_matches(entries_by_id[i], w) for w in wanted)]
    staying = [i for i in concept.entries if i not in leaving]
    if not leaving:
        return _stale(decision, f"none of {', '.join(decision.entries)} defines {concept.key}")
    if not staying:
        return _stale(decision, f"every entry of {concept.key} would leave it")
    leaving_heads = _headwords(leaving, entries_by_id)
    staying_heads = {h.casefold() for h in _headwords(staying, entries_by_id)}
    new_pref = decision.label or (leaving_heads[0] if leaving_heads
                                  else _first_words(entries_by_id[leaving[0]].text))
    # A label goes with the entries that carry it, unless a staying entry carries it too.
    moved = {h.casefold() for h in [*leaving_heads, new_pref]} - staying_heads
    kept_labels = [l for l in concept.labels if l.casefold() not in moved]
    if not kept_labels:
        kept_labels = sorted(_headwords(staying, entries_by_id)) or [concept.pref_label]
    remaining = replace(concept, pref_label=kept_labels[0],
                        alt_labels=tuple(_unique_labels(kept_labels[1:], kept_labels[0])),
                        acronyms=tuple(a for a in concept.acronyms
                                       if a.casefold() in {l.casefold() for l in kept_labels[1:]}),
                        entries=tuple(staying))
    index.put(concept, remaining)
    index.add(Concept(key=index.unique_key(new_pref), pref_label=new_pref,
                      alt_labels=tuple(_unique_labels(leaving_heads, new_pref)),
                      entries=tuple(leaving), provisional=not (decision.label or leaving_heads),
                      is_metric=concept.is_metric))
    return None


def _prefer_label(index, targets, decision, entries_by_id, paths) -> Finding | None:
    (concept,) = targets
    label = decision.label
    # The old preferred label stays as an alternative, unless it was only made from a definition.
    old = [] if concept.provisional else [concept.pref_label]
    alts = _unique_labels([*old, *concept.alt_labels], label)
    index.put(concept, replace(concept, pref_label=label, alt_labels=tuple(alts),
                               acronyms=tuple(a for a in concept.acronyms if a in alts),
                               provisional=False))
    return None


def _add_label(index, targets, decision, entries_by_id, paths) -> Finding | None:
    (concept,) = targets
    if decision.label.casefold() not in {l.casefold() for l in concept.labels}:
        index.put(concept, replace(concept, alt_labels=(*concept.alt_labels, decision.label)))
    return None


def _mark_reviewed(index, targets, decision, entries_by_id, paths) -> Finding | None:
    (concept,) = targets
    # Reviewed means the need for review is met: a provisional label stops being flagged.
    index.put(concept, replace(concept, reviewed=True, provisional=False))
    return None


# Each concept decision: (index, resolved concepts, decision, entries by id, source path -> key)
# -> None when applied, else the stale-decision Finding saying why it could not be.
_CONCEPT_RULINGS = {"merge": _merge, "split": _split, "prefer-label": _prefer_label,
                    "add-label": _add_label, "mark-reviewed": _mark_reviewed}


def _unique_labels(labels: list[str], pref: str) -> list[str]:
    """Labels once each (case-insensitive, first spelling wins), never the preferred one."""
    seen = {pref.casefold()}
    kept = []
    for label in labels:
        if label.casefold() not in seen:
            seen.add(label.casefold())
            kept.append(label)
    return kept


def _headwords(entry_ids: list[str], entries_by_id: dict[str, Entry]) -> list[str]:
    heads = {entries_by_id[i].headword for i in entry_ids if i in entries_by_id}
    return sorted(h for h in heads if h)


def _first_words(text: str) -> str:
    words = re.findall(r"[\w'’-]+", text)[:6]
    return " ".join(words) + ("…" if len(words) == 6 else "") or "unnamed"


def _entry_reference(reference: str, paths: dict[str, str]) -> tuple[str, int | None]:
    source, _, line = reference.rpartition(":")
    if not source or not line.isdigit():
        source, line = reference, ""
    return paths.get(source, source), int(line) if line else None


def _matches(entry: Entry, wanted: tuple[str, int | None]) -> bool:
    source, line = wanted
    return entry.source == source and (line is None or entry.line == line)


# --- edge decisions (after inference) --------------------------------------------------------

def apply_edge_decisions(edges: list[Edge], concepts: list[Concept],
                         decisions: Decisions) -> tuple[list[Edge], list[Finding]]:
    """Apply accept, reject and add in file order; curated edges say so in their evidence."""
    chosen = decisions.of(EDGE_ACTIONS)
    if not chosen:
        return edges, []
    index = ConceptIndex(concepts)
    by_pair: dict[tuple[str, str, str], list[Edge]] = {}
    for edge in edges:
        by_pair.setdefault(_edge_key(edge.kind, edge.source, edge.target), []).append(edge)
    findings: list[Finding] = []
    for decision in chosen:
        ends, stale = _resolve_all(index, decision)
        if stale is None and ends[0].key == ends[1].key:
            stale = _stale(decision, f"both ends name one concept ({ends[0].key})")
        if stale is not None:
            findings.append(stale)
            continue
        start, end = ends
        pair = _edge_key(decision.kind, start.key, end.key)
        existing = by_pair.get(pair, [])
        if decision.action in ("accept", "reject") and not existing:
            why = "no such edge was inferred" + (" (an [[add]] keeps it regardless)"
                                                 if decision.action == "accept" else "")
            findings.append(_stale(decision, why))
            continue
        if decision.action == "reject":
            del by_pair[pair]
            continue
        source, target = (pair[1], pair[2]) if decision.kind == SYNONYM else (start.key, end.key)
        strongest = max(existing, key=lambda e: e.confidence, default=None)
        evidence = Evidence(CURATED, 1.0, decision.provenance(),
                            entry=strongest.evidence.entry if strongest else None)
        by_pair[pair] = [Edge(decision.kind, source, target, evidence)]
    kept = [edge for group in by_pair.values() for edge in group]
    return sorted(kept, key=lambda e: (e.kind, e.source, e.target, e.evidence.method)), findings


def _edge_key(kind: str, source: str, target: str) -> tuple[str, str, str]:
    """Synonym edges are symmetric: one key whichever way round they are named."""
    if kind == SYNONYM and target < source:
        source, target = target, source
    return kind, source, target


def decisions_for(manifest: Path | None, chosen: Decisions | None) -> Decisions:
    """The decisions a build applies: those chosen, else the file beside the manifest, else none."""
    if chosen is not None:
        return chosen
    beside = decisions_beside(manifest)
    if beside is None:
        return NO_DECISIONS
    # Warnings name the file as the user would type it: from here, where it is below here.
    try:
        beside = beside.resolve().relative_to(Path.cwd().resolve())
    except ValueError:
        pass
    return load_decisions(beside)


def report_overruled(kg: KnowledgeGraph, decisions: Decisions) -> KnowledgeGraph:
    """The graph stage may still drop a curated broader edge (a chain already implies it, or it
    would close a cycle): say so, with the decision's line, rather than lose it silently."""
    chosen = decisions.of(("accept", "add"))
    if not chosen:
        return kg
    index = ConceptIndex(list(kg.concepts))
    present = {_edge_key(e.kind, e.source, e.target) for e in kg.edges}
    findings = []
    for decision in chosen:
        ends, stale = _resolve_all(index, decision)
        if stale is None and ends[0].key != ends[1].key \
                and _edge_key(decision.kind, ends[0].key, ends[1].key) not in present:
            findings.append(Finding("overruled-decision", f"{decision.describe()}: the hierarchy "
                                    "already implies it, or it would close a cycle, so it was dropped",
                                    source=decision.file, line=decision.line))
    return replace(kg, findings=(*kg.findings, *findings)) if findings else kg
