"""The concepts stage: entries to concepts, one per meaning.

First version: entries whose headwords normalise to the same text form one concept;
headword-less entries become provisional concepts. The concepts issue deepens it
(acronyms, variants, fuzzy candidates, attaching headword-less entries).
"""

from __future__ import annotations

import re
from collections import defaultdict

from kg.config import DEFAULT, Config
from kg.model import Concept, Entry


def normalise(label: str) -> str:
    return re.sub(r"[\s\-]+", " ", label.lower()).strip()


def provisional_label(definition: str) -> str:
    """A readable stand-in label for a headword-less entry: the definition's first words."""
    words = re.findall(r"[\w'’-]+", definition)[:6]
    return " ".join(words) + ("…" if len(words) == 6 else "")


def form_concepts(entries: list[Entry], config: Config = DEFAULT) -> list[Concept]:
    groups: dict[str, list[Entry]] = defaultdict(list)
    for entry in entries:
        group = normalise(entry.headword) if entry.headword else f"\0{entry.id}"
        groups[group].append(entry)
    drafts = []
    for members in groups.values():
        headwords = sorted({e.headword for e in members if e.headword})
        provisional = not headwords
        pref = headwords[0] if headwords else provisional_label(members[0].text)
        drafts.append((pref, members, provisional, headwords[1:]))
    # Keys are assigned by kg.identifiers after this stage; "" marks "not yet minted".
    return [Concept(key="", pref_label=pref, alt_labels=tuple(alts),
                    entries=tuple(e.id for e in members), provisional=provisional)
            for pref, members, provisional, alts in drafts]
