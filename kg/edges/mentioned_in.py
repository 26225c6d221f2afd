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
from bisect import bisect_right

import ahocorasick

from kg.config import Config
from kg.edges import Rule, register
from kg.edges.genus import looks_like_acronym, label_variants, sentences, singular
from kg.edges.metric_of import METRIC_LABEL_HEADS
from kg.model import MENTIONED_IN, Concept, Edge, Entry, Evidence

_NON_WORD = re.compile(r"[^\w]|_")
# The same, leaving spaces alone: most of a text is words and spaces, and a space needs no change.
_NON_WORD_NOR_SPACE = re.compile(r"[^\w ]|_")
# Two spaces between definitions: no key (single spaces inside) can span two definitions.
_SEPARATOR = "  "


# In ASCII, \w is a letter, a digit or "_": one byte table does what _NON_WORD_NOR_SPACE does.
_ASCII_NON_WORD = bytes(code if chr(code).isalnum() or code == ord(" ") else ord(" ")
                        for code in range(128)) + bytes(128)


def normalise(text: str) -> str:
    """Lower case with every non-word character a space — the same length as `text`, so match
    offsets point into the original."""
    if text.isascii():
        # all definitions joined, 17 MB at 100,000 terms: the regular expression took 0.29 s
        # of CPU, the byte table 0.03 s
        return text.lower().encode("ascii").translate(_ASCII_NON_WORD).decode("ascii")
    lowered = text.lower()
    if len(lowered) != len(text):  # "İ" lower-cases to two characters: keep such ones as they are
        lowered = "".join(c.lower() if len(c.lower()) == 1 else c for c in text)
    return _NON_WORD_NOR_SPACE.sub(" ", lowered)


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
    variants = [v for label in concept.labels for v in label_variants(label)]
    keyed = [(variant, _key(variant)) for variant in variants]
    measured = _measured_qualities({key for _, key in keyed})
    forms: dict[tuple[str, bool, str], None] = {}
    for variant, key in keyed:
        if variant in concept.acronyms or looks_like_acronym(variant):
            cased = " ".join(_NON_WORD.sub(" ", variant).split())
            forms[(cased.lower(), True, cased)] = None
            forms[(cased.lower() + "s", True, cased + "s")] = None  # "KPIs"
            continue
        if not key or key in measured:
            # "Customer Satisfaction" beside "Customer Satisfaction Score": in running text
            # it names the quality measured, not the metric
            continue
        forms[(key, False, key)] = None
        head, _, last = key.rpartition(" ")
        if last.isalpha():
            other = singular(last) if last.endswith("s") else plural(last)
            if other != last:
                variant_key = f"{head} {other}" if head else other
                forms[(variant_key, False, variant_key)] = None
    return [form for form in forms if len(form[0]) >= 2]


def _measured_qualities(keys: set[str]) -> set[str]:
    """The keys another key extends by a metric head ("customer satisfaction" beside "customer
    satisfaction score"): a one-word head is the extending key's last word, so one look at each
    key does where trying every head on every key took ten."""
    found = set()
    longer_heads = [head for head in METRIC_LABEL_HEADS if " " in head]
    for key in keys:
        prefix, space, last = key.rpartition(" ")
        if space and last in METRIC_LABEL_HEADS:
            found.add(prefix)
        found.update(key[:-len(head) - 1] for head in longer_heads if key.endswith(f" {head}"))
    return found


def build_automaton(concepts: list[Concept]) -> ahocorasick.Automaton | None:
    """" key " -> (key length + 2, any case-sensitive?, ((concept key, case-sensitive, cased
    form, strong), …)).

    A form is strong — less often another sense of the word — when it is an acronym or has
    several words.
    """
    table: dict[str, set[tuple[str, bool, str, bool]]] = {}
    for concept in concepts:
        if concept.provisional:
            continue  # its "label" is the first words of a definition
        for key, case_sensitive, cased in label_forms(concept):
            strong = case_sensitive or " " in key
            table.setdefault(key, set()).add((concept.key, case_sensitive, cased, strong))
    if not table:
        return None
    automaton = ahocorasick.Automaton()
    for key in sorted(table):
        values = tuple(sorted(table[key]))
        cased = any(value[1] for value in values)
        automaton.add_word(f" {key} ", (len(key) + 2, cased, values))
    automaton.make_automaton()
    return automaton


class _Sentences:
    """The sentence of a definition around an offset, each definition split once."""

    def __init__(self):
        # definition index -> (sentence starts, sentences): starts ascend and sentences do not
        # overlap, so bisection finds the one sentence that may hold an offset — a long
        # definition naming many concepts costs no scan of its sentences per mention
        self.spans: dict[int, tuple[list[int], list[str]]] = {}

    def at(self, index: int, text: str, offset: int) -> str:
        spans = self.spans.get(index)
        if spans is None:
            starts, found, position = [], sentences(text), 0
            for sentence in found:
                start = text.find(sentence, position)
                starts.append(start)
                position = start + len(sentence)
            spans = self.spans[index] = (starts, found)
        starts, found = spans
        at = bisect_right(starts, offset) - 1
        if at >= 0 and offset < starts[at] + len(found[at]):
            return found[at]
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
    strong, weak = config.edges.mention_confidence, config.edges.mention_one_word_confidence
    quotes = _Sentences()
    edges: dict[tuple[str, str], Edge] = {}
    matches = _scan(automaton, normalise(joined), joined, starts)
    for index, start, (concept_key, _, _, is_strong) in matches:
        owner = owners[index]
        if concept_key == owner or (concept_key, owner) in edges:
            continue
        entry_id, text = texts[index]
        quote = quotes.at(index, text, start - starts[index])
        edges[(concept_key, owner)] = Edge(
            MENTIONED_IN, concept_key, owner,
            Evidence("label-in-definition", strong if is_strong else weak, quote, entry_id))
    return [edges[pair] for pair in sorted(edges)]


def _scan(automaton, normalised: str, original: str, starts: list[int]):
    """(definition index, start, the one concept named) for each occurrence kept, in text order."""
    chosen: list[tuple[int, int, tuple]] = []
    pending: list[tuple[int, int, tuple]] = []
    index = 0

    def flush(definition: int) -> None:
        if not pending:
            return
        base = starts[definition]
        covered = bytearray(max(end for _, end, _ in pending) - base + 1)
        kept = []
        for start, end, values in sorted(pending, key=lambda m: (m[0] - m[1], m[0])):
            if 1 in covered[start - base:end - base]:
                continue  # inside, or across, a longer label already matched here
            covered[start - base:end - base] = b"\x01" * (end - start)
            if len({value[0] for value in values}) == 1:  # a label two concepts share names neither
                kept.append((definition, start, values[0]))
        chosen.extend(sorted(kept, key=lambda m: m[1]))
        pending.clear()

    next_start = starts[1] if len(starts) > 1 else len(original)
    for last, (length, case_sensitive, values) in automaton.iter(normalised):
        start, end = last - length + 2, last  # the label's characters, without the padding
        if start >= next_start:
            while index + 1 < len(starts) and start >= starts[index + 1]:
                flush(index)
                index += 1
            next_start = starts[index + 1] if index + 1 < len(starts) else len(original)
        if case_sensitive:  # an acronym: the text must have it in that case
            cased = " ".join(_NON_WORD.sub(" ", original[start:end]).split())
            values = tuple(value for value in values if not value[1] or value[2] == cased)
        if values:
            pending.append((start, end, values))
    flush(index)
    return chosen


register(Rule(MENTIONED_IN, "a label of one concept occurs in a definition of another", infer))
