"""The mentioned_in rule (kg:mentionedIn): a label of A occurs, as whole words, in a definition of B.

One Aho-Corasick automaton (pyahocorasick) holds every label of every concept — preferred,
alternative, acronym, and the singular or plural of each — and one pass over all definitions
finds every occurrence, so the cost is linear in the text (100k concepts, 25 MB of definitions:
seconds). Word boundaries come for free: text and keys are normalised alike (lower case, every
non-word character a space) and each key is padded with a space on both sides. Acronyms are
matched case-sensitively ("IT" is not "it"). Within a definition the longest match wins and a
label inside a longer matched label does not count ("Call Center" in "Inbound Call Center");
a concept is never mentioned in its own definition, and a label two concepts share names neither.
"""

from __future__ import annotations

import re

import ahocorasick

from kg.config import Config
from kg.edges import Rule, register
from kg.edges.genus import _looks_like_acronym, label_variants, sentences, singular
from kg.edges.metric_of import METRIC_LABEL_HEADS
from kg.model import MENTIONED_IN, Concept, Edge, Entry, Evidence

_NON_WORD = re.compile(r"[^\w]|_")
# Two spaces between definitions: no key (single spaces inside) can span two definitions.
_SEPARATOR = "  "


def normalise(text: str) -> str:
    """Lower case with every non-word character a space — the same length as `text`, so match
    offsets point into the original."""
    lowered = text.lower()
    if len(lowered) != len(text):  # "İ" lower-cases to two characters: keep such ones as they are
        lowered = "".join(c.lower() if len(c.lower()) == 1 else c for c in text)
    return _NON_WORD.sub(" ", lowered)


def _key(label: str) -> str:
    return " ".join(normalise(label).split())


def plural(word: str) -> str:
    """English plural of a noun, by the regular rules: enough for label variants, and cheap."""
    if word.endswith(("s", "x", "z", "ch", "sh")):
        return word + "es"
    if word.endswith("y") and len(word) > 1 and word[-2] not in "aeiou":
        return word[:-1] + "ies"
    return word + "s"


def label_forms(concept: Concept) -> list[tuple[str, bool, str]]:
    """(normalised key, case-sensitive?, cased form) for every way a concept may be written."""
    forms: dict[tuple[str, bool, str], None] = {}
    keys = {_key(v) for label in concept.labels for v in label_variants(label)}
    for label in concept.labels:
        for variant in label_variants(label):
            if any(f"{_key(variant)} {head}" in keys for head in METRIC_LABEL_HEADS):
                # "Customer Satisfaction" beside "Customer Satisfaction Score": in running text
                # it names the quality measured, not the metric
                continue
            if label in concept.acronyms or _looks_like_acronym(variant):
                cased = " ".join(_NON_WORD.sub(" ", variant).split())
                forms[(cased.lower(), True, cased)] = None
                forms[(cased.lower() + "s", True, cased + "s")] = None  # "KPIs"
                continue
            key = _key(variant)
            if not key:
                continue
            words = key.split()
            forms[(key, False, key)] = None
            last = words[-1]
            if last.isalpha():
                other = singular(last) if last.endswith("s") else plural(last)
                if other != last:
                    variant_key = " ".join([*words[:-1], other])
                    forms[(variant_key, False, variant_key)] = None
    return [f for f in forms if len(f[0]) >= 2]


def build_automaton(concepts: list[Concept]) -> ahocorasick.Automaton | None:
    """key -> ((concept key, case-sensitive, cased form, words in label), …)."""
    table: dict[str, list[tuple[str, bool, str, int]]] = {}
    for concept in concepts:
        if concept.provisional:
            continue  # its "label" is the first words of a definition
        for key, case_sensitive, cased in label_forms(concept):
            table.setdefault(key, []).append((concept.key, case_sensitive, cased, len(key.split())))
    if not table:
        return None
    automaton = ahocorasick.Automaton()
    for key in sorted(table):
        automaton.add_word(f" {key} ", (len(key) + 2, tuple(sorted(set(table[key])))))
    automaton.make_automaton()
    return automaton


def _sentence_at(text: str, offset: int) -> str:
    position = 0
    for sentence in sentences(text):
        start = text.find(sentence, position)
        if start <= offset < start + len(sentence):
            return sentence
        position = start + len(sentence)
    return text


def infer(concepts: list[Concept], entries: dict[str, Entry], config: Config) -> list[Edge]:
    automaton = build_automaton(concepts)
    if automaton is None:
        return []
    owners: list[str] = []
    texts: list[tuple[str, str]] = []  # (entry id, definition)
    for concept in concepts:
        for entry_id in concept.entries:
            entry = entries.get(entry_id)
            if entry is not None and entry.text:
                owners.append(concept.key)
                texts.append((entry_id, entry.text))
    joined = " " + _SEPARATOR.join(text for _, text in texts) + " "
    starts = []  # offset of each definition in `joined`
    position = 1
    for _, text in texts:
        starts.append(position)
        position += len(text) + len(_SEPARATOR)
    found = _scan(automaton, normalise(joined), joined, starts, texts)
    edges: dict[tuple[str, str], Edge] = {}
    for index, start, end, (concept_key, _, _, word_count) in found:
        owner = owners[index]
        if concept_key == owner or (concept_key, owner) in edges:
            continue
        entry_id, text = texts[index]
        local = start - starts[index]
        acronym = _looks_like_acronym(joined[start:end])
        confidence = (config.edges.mention_confidence if word_count > 1 or acronym
                      else config.edges.mention_one_word_confidence)
        edges[(concept_key, owner)] = Edge(
            MENTIONED_IN, concept_key, owner,
            Evidence("label-in-definition", confidence, _sentence_at(text, local), entry_id))
    return [edges[pair] for pair in sorted(edges)]


def _scan(automaton, normalised: str, original: str, starts: list[int],
          texts: list[tuple[str, str]]) -> list[tuple[int, int, int, tuple]]:
    """(definition index, start, end, the one concept named) for each chosen occurrence, in text order."""
    chosen_all = []
    index = 0
    pending: list[tuple[int, int, tuple]] = []

    def flush(definition: int) -> None:
        taken: list[tuple[int, int]] = []
        for start, end, values in sorted(pending, key=lambda m: (m[0] - m[1], m[0])):
            if any(start < t_end and t_start < end for t_start, t_end in taken):
                continue  # inside, or across, a longer label already matched here
            taken.append((start, end))
            if len({value[0] for value in values}) == 1:  # a label two concepts share names neither
                chosen_all.append((definition, start, end, values[0]))
        pending.clear()

    for last, (length, values) in automaton.iter(normalised):
        start, end = last - length + 2, last  # the label's characters, without the padding
        while index + 1 < len(starts) and start >= starts[index + 1]:
            flush(index)
            index += 1
        cased = None
        kept = []
        for value in values:
            if value[1]:  # an acronym: the text must have it in the same case
                if cased is None:
                    cased = " ".join(_NON_WORD.sub(" ", original[start:end]).split())
                if cased != value[2]:
                    continue
            kept.append(value)
        if kept:
            pending.append((start, end, tuple(kept)))
    flush(index)
    return sorted(chosen_all, key=lambda match: (match[0], match[1]))


register(Rule(MENTIONED_IN, "a label of one concept occurs in a definition of another", infer))
