"""Concept IRIs: slugs `[a-z][a-z0-9-]*`, unique in a build and stable across rebuilds.

An IRI that other systems link to must not change because a glossary gained a source, an
entry, or a better preferred label. So the slugs a build mints are recorded in a lock file,
`iris.lock` beside the manifest (or any file given with `kg build --iris FILE`), together
with what identifies each concept:

    average-handle-time	pref	average handle time
    average-handle-time	label	aht handle time
    average-handle-time	definition	5f0c1d2e3a4b6c7d

one fact per line, tab-separated, sorted, so that `git diff` of the lock is a review. A
concept's identity is its normalised labels (acronyms left out: "CS" names many concepts)
and a fingerprint of each of its definitions. The next build gives each concept the
recorded slug whose identity it overlaps most (Jaccard similarity; a shared preferred label
breaks ties), so a renamed headword keeps its IRI through its unchanged definition, and a
new preferred label keeps it through the old label that is now an alternative. Concepts that
match nothing get a slug minted from their preferred label, never one recorded before: a
slug that leaves the build stays reserved in the lock, so an IRI never changes meaning.

    lock = read_lock(path)
    concepts = assign_keys(concepts, lock, definitions)
    save_lock(path, updated_lock(lock, concepts, definitions))
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable, Mapping

from kg.atomic import remove_abandoned_staging, write_text_atomically
from kg.errors import InputError, KgError
from kg.gc_pauses import without_gc_pauses
from kg.model import Concept, KnowledgeGraph

LOCK_NAME = "iris.lock"
SLUG = re.compile(r"[a-z][a-z0-9-]*")
MAX_SLUG_LENGTH = 60  # long provisional labels make unreadable IRIs; cut at a word boundary
# A fact that many recorded concepts share ("TBD" as a definition, a stock phrase) identifies
# none of them, and matching on it would cost concepts x holders: it is not used.
MAX_FACT_HOLDERS = 50
FALLBACK_PREFIX = "concept"

# Identity facts, in the order the lock lists them.
PREF, LABEL, DEFINITION = "pref", "label", "definition"
KINDS = (PREF, LABEL, DEFINITION)

# Latin letters that Unicode decomposition (NFKD) leaves whole; folded so "Øresund" -> "oresund".
_LATIN_FOLDS = str.maketrans({"ß": "ss", "æ": "ae", "œ": "oe", "ø": "o", "ł": "l", "đ": "d",
                              "ð": "d", "þ": "th", "ı": "i", "ŋ": "n"})
_NOT_SLUG = re.compile(r"[^a-z0-9]+")
_NOT_WORD = re.compile(r"[\W_]+")

_HEADER = """\
# iris.lock: the concept IRIs kg has minted, so that rebuilds never rename a concept.
# Written by `kg build`; commit it beside the manifest. One fact per line, tab-separated:
#   SLUG <tab> pref|label|definition <tab> normalised label, or definition fingerprint
# A concept keeps the slug whose facts it shares most. Delete a slug's lines to re-mint it;
# delete the file to re-mint every IRI from the current preferred labels.
"""


def concept_slug(label: str, fallback: str = FALLBACK_PREFIX) -> str:
    """A slug for an IRI local name: `[a-z][a-z0-9-]*`, never empty.

    Accents are folded ("Café" -> "cafe"); a slug that would start with a digit gets the
    fallback prefix; a label with no Latin letter or digit at all gets the fallback and a
    hash of the label, so that two such labels never collide on a counter that shifts
    when another concept arrives.
    """
    if label.isascii():  # nothing to decompose or fold: the fast path of most labels
        # _NOT_SLUG's runs as one "-", none at either end: once lower-cased, an ASCII label's
        # slug characters are the letters and digits normalise_label's table keeps
        slug = b"-".join(label.lower().encode().translate(_ASCII_NOT_WORD).split()).decode()
    else:
        folded = unicodedata.normalize("NFKD", label.casefold()).translate(_LATIN_FOLDS)
        folded = "".join(ch for ch in folded if not unicodedata.combining(ch))
        slug = _NOT_SLUG.sub("-", folded).strip("-")
    if len(slug) > MAX_SLUG_LENGTH:
        cut = slug[:MAX_SLUG_LENGTH + 1]
        slug = (cut.rsplit("-", 1)[0] if "-" in cut else cut[:MAX_SLUG_LENGTH]).strip("-")
    if not slug:
        digest = hashlib.sha256(normalise_label(label).encode("utf-8")).hexdigest()[:8]
        return f"{fallback}-{digest}" if normalise_label(label) else fallback
    if not slug[0].isalpha():
        return f"{fallback}-{slug}"
    return slug


def normalise_label(label: str) -> str:
    """The form labels are compared in: compatibility-folded, case-folded, punctuation and
    runs of whitespace as one space. "Cross-Selling" and "cross selling" are one label."""
    if label.isascii():  # NFKC changes no ASCII, and the word characters are letters and digits
        return b" ".join(label.encode("ascii").lower().translate(_ASCII_NOT_WORD).split()).decode()
    text = unicodedata.normalize("NFKC", label).casefold()
    return _NOT_WORD.sub(" ", text).strip()


# ASCII punctuation, whitespace, controls and "_" (what [\W_] matches there) -> space
_ASCII_NOT_WORD = bytes(code if code < 128 and chr(code).isalnum() else ord(" ") for code in range(256))


def definition_fingerprint(definition: str) -> str:
    """A short, stable hash of a definition's words; spacing, case and punctuation ignored."""
    return _fingerprint(normalise_label(definition))


def _fingerprint(normalised: str) -> str:
    return hashlib.sha256(normalised.encode("utf-8")).hexdigest()[:16]


def _looks_like_acronym(label: str) -> bool:
    letters = [ch for ch in label if ch.isalpha()]
    return bool(letters) and not any(ch.islower() for ch in letters) and " " not in label.strip() \
        and len(label.strip()) <= 10


Fact = tuple[str, str]  # (kind, value)


def identity(concept: Concept, definitions: Mapping[str, str] | None = None) -> frozenset[Fact]:
    """What identifies a concept from one build to the next.

    Acronyms are left out (unless one is the preferred label): an acronym names many
    concepts, so sharing one is no evidence of being the same concept.
    """
    facts: set[Fact] = set()
    pref = normalise_label(concept.pref_label)
    if pref:
        facts.add((PREF, pref))
    acronyms = set(concept.acronyms)
    for label in concept.alt_labels:
        value = normalise_label(label)
        if value and value != pref and label not in acronyms and not _looks_like_acronym(label):
            facts.add((LABEL, value))
    for entry_id in concept.entries:
        text = (definitions or {}).get(entry_id)
        normalised = normalise_label(text) if text else ""
        if normalised:
            facts.add((DEFINITION, _fingerprint(normalised)))
    return frozenset(facts)


@dataclass(frozen=True)
class IriLock:
    """The recorded slugs and each one's identity facts. Empty when there is no lock file."""

    slugs: Mapping[str, frozenset[Fact]] = field(default_factory=dict)

    def render(self) -> str:
        order = {kind: n for n, kind in enumerate(KINDS)}
        lines = [f"{slug}\t{kind}\t{value}"
                 for slug in sorted(self.slugs)
                 for kind, value in sorted(self.slugs[slug], key=lambda f: (order[f[0]], f[1]))]
        return _HEADER + "".join(line + "\n" for line in lines)


def parse_lock(text: str, path: str = LOCK_NAME) -> IriLock:
    """Read a lock's text; a malformed line is an InputError naming it."""
    slugs: dict[str, set[Fact]] = {}
    # Split on "\n" only: str.splitlines would also break at \x1c, \x85 or \u2028.
    for number, line in enumerate(text.split("\n"), 1):
        line = line.rstrip("\r")
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        parts = line.split("\t")
        if len(parts) != 3:
            raise InputError("expected SLUG<tab>KIND<tab>VALUE", path=path, line=number,
                             hint="fix the line, or delete the file to re-mint every IRI")
        slug, kind, value = (part.strip() for part in parts)
        if not SLUG.fullmatch(slug):
            raise InputError(f"'{slug}' is not a slug [a-z][a-z0-9-]*", path=path, line=number)
        if kind not in KINDS:
            raise InputError(f"unknown kind '{kind}'", path=path, line=number,
                             hint=f"one of {', '.join(KINDS)}")
        # Values are normalised again so that a hand-written "Average Handle Time" matches.
        value = value.lower() if kind == DEFINITION else normalise_label(value)
        facts = slugs.setdefault(slug, set())
        if value:
            facts.add((kind, value))
    return IriLock({slug: frozenset(facts) for slug, facts in slugs.items()})


def read_lock(path: Path | None) -> IriLock:
    """The lock at `path`; an empty lock when there is none yet."""
    if path is None:
        return IriLock()
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return IriLock()
    except (OSError, UnicodeDecodeError) as error:
        raise InputError(f"cannot read the IRI lock: {error}", path=str(path),
                         hint="fix its permissions, or delete it to re-mint every IRI") from None
    return parse_lock(text, str(path))


def save_lock(path: Path, lock: IriLock) -> bool:
    """Write the lock atomically (temp file + rename); False when it was already up to date."""
    text = lock.render()
    try:
        if path.read_text(encoding="utf-8") == text:
            return False
    except (OSError, UnicodeDecodeError):
        pass
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        remove_abandoned_staging(path)
        write_text_atomically(path, text)
    except OSError as error:
        raise KgError(f"cannot write the IRI lock: {error.strerror}", path=str(path),
                      hint="the exports were written; fix the folder's permissions and rebuild") from None
    return True


def lock_path_for(manifest: Path | None, explicit: Path | None = None) -> Path | None:
    """Where a build's lock lives: as given, else beside the manifest; None for ad-hoc files."""
    if explicit is not None:
        return explicit
    return manifest.parent / LOCK_NAME if manifest is not None else None


def _concept_order(concept: Concept) -> tuple:
    return (concept.pref_label.lower(), concept.pref_label, concept.entries)


def _match(identities: list[frozenset[Fact]], concepts: list[Concept],
           lock: IriLock) -> dict[int, str]:
    """Concept index -> recorded slug, greedily by overlap; each slug to one concept at most."""
    if not lock.slugs:
        return {}
    holders: dict[Fact, list[str]] = {}
    for slug, facts in lock.slugs.items():
        for fact in facts:
            holders.setdefault(fact, []).append(slug)
    candidates = []
    for index, facts in enumerate(identities):
        shared = Counter(slug for fact in facts
                         if len(holders.get(fact, ())) <= MAX_FACT_HOLDERS
                         for slug in holders.get(fact, ()))
        pref = next((value for kind, value in facts if kind == PREF), None)
        for slug, count in shared.items():
            recorded = lock.slugs[slug]
            jaccard = count / len(facts | recorded)
            same_pref = pref is not None and (PREF, pref) in recorded
            candidates.append((-jaccard, not same_pref, -count, index, slug))
    candidates.sort()
    assigned: dict[int, str] = {}
    taken: set[str] = set()
    for _, _, _, index, slug in candidates:
        if index not in assigned and slug not in taken:
            assigned[index] = slug
            taken.add(slug)
    return assigned


def assign_keys(concepts: Iterable[Concept], lock: IriLock | None = None,
                definitions: Mapping[str, str] | None = None) -> list[Concept]:
    """Give every concept its IRI local name: its recorded slug, else a new one.

    `definitions` maps Entry.id to its text (the definitions half of a concept's identity).
    Deterministic: the same concepts and lock give the same keys, whatever their order.
    """
    with without_gc_pauses():
        return _assign_keys(concepts, lock or IriLock(), definitions)


def _assign_keys(concepts: Iterable[Concept], lock: IriLock,
                 definitions: Mapping[str, str] | None) -> list[Concept]:
    ordered = sorted(concepts, key=_concept_order)
    # Identities are only compared with a lock's: a first build has none to compare with
    # (at 100,000 concepts they cost over a second).
    identities = [identity(c, definitions) for c in ordered] if lock.slugs else []
    assigned = _match(identities, ordered, lock)
    reserved = set(lock.slugs)  # a retired slug is never minted again for another concept
    suffixes = _Suffixes(reserved)
    keys: list[str] = []
    for index, concept in enumerate(ordered):
        if index in assigned:
            keys.append(assigned[index])
            continue
        key = suffixes.first_free(concept_slug(concept.pref_label))
        reserved.add(key)
        keys.append(key)
    return [_with_key(c, k) for c, k in zip(ordered, keys)]


def _with_key(concept: Concept, key: str) -> Concept:
    """`replace(concept, key=key)` without the frozen dataclass's __init__ (an
    object.__setattr__ per field, and replace's own field walk): every other field is
    already valid, and a 100,000-concept build copies them all (0.39 -> 0.20 s CPU)."""
    copy = object.__new__(Concept)
    copy.__dict__.update(concept.__dict__)
    copy.__dict__["key"] = key
    return copy


class _Suffixes:
    """The first of base, base-2, base-3, … not in `taken` (a set that only grows).

    Where the last search for a base stopped is remembered, since every suffix below it is
    still taken: a thousand concepts labelled alike cost a thousand steps, not half a million."""

    def __init__(self, taken: set[str]):
        self.taken = taken
        self.next: dict[str, int] = {}

    def first_free(self, base: str) -> str:
        key, n = base, self.next.get(base, 2)
        while key in self.taken:
            key, n = f"{base}-{n}", n + 1
        self.next[base] = n - 1 if key != base else 2
        return key


def mint_keys(labels: list[str]) -> list[str]:
    """Slugs for preferred labels, in order; a collision gets -2, -3, …"""
    seen: set[str] = set()
    suffixes = _Suffixes(seen)
    keys = []
    for label in labels:
        key = suffixes.first_free(concept_slug(label))
        seen.add(key)
        keys.append(key)
    return keys


def updated_lock(lock: IriLock, concepts: Iterable[Concept],
                 definitions: Mapping[str, str] | None = None) -> IriLock:
    """The lock after a build: each built concept's facts under its key; absent slugs kept."""
    slugs = dict(lock.slugs)
    for concept in concepts:
        facts = identity(concept, definitions)
        if facts:  # nothing to recognise it by next time (no label, no definition): not recorded
            slugs[concept.key] = facts
    return IriLock(slugs)


def record_iris(path: Path, kg: KnowledgeGraph) -> bool:
    """Update the lock at `path` with a finished build's keys; True when it changed."""
    definitions = {entry.id: entry.text for entry in kg.entries}
    return save_lock(path, updated_lock(read_lock(path), kg.concepts, definitions))
