"""The synonym rule (kg:synonymOf): near-synonyms the concepts stage kept apart, for a curator.

Conservative on purpose — a synonym edge invites a merge. Three methods:

- `also-called`: a definition says "also known as X" and X labels another concept (kept apart
  because one glossary defines both, or their definitions disagree);
- `light-modifier`: one label is the other preceded by words that qualify a large share of the
  vocabulary's labels ("Customer Retention" / "Retention" in a customer-service vocabulary),
  with agreeing definitions; a rarer modifier ("Inbound Call Center") makes a narrower concept;
- `close-label`: spelling variants rapidfuzz finds that were not merged (one glossary defines
  both, or their acronyms differ), with agreeing definitions.

Never between a metric and what is not one (that is metric-of). Each pair is stored once,
source < target by key.
"""

from __future__ import annotations

import re
from collections import Counter

from kg.concepts import DefinitionSimilarity, close_pairs, spelling_variants
from kg.config import Config
from kg.edges import Rule, register
from kg.labels import compact_key, definition_labels, match_key
from kg.model import SYNONYM, Concept, Edge, Entry, Evidence

def infer(concepts: list[Concept], entries: dict[str, Entry], config: Config) -> list[Edge]:
    merge = config.merge
    by_label: dict[str, set[int]] = {}
    for n, concept in enumerate(concepts):
        for label in concept.labels:
            by_label.setdefault(compact_key(label), set()).add(n)
    found: dict[tuple[str, str], Edge] = {}

    def keep(edge: Edge) -> None:
        pair = (edge.source, edge.target)
        if pair not in found or found[pair].confidence < edge.confidence:
            found[pair] = edge

    for n, concept in enumerate(concepts):
        for entry_id in concept.entries:
            entry = entries.get(entry_id)
            if entry is None or not entry.headword:
                continue
            for said in definition_labels(entry.text, (concept.pref_label,)):
                for other in sorted(by_label.get(compact_key(said.label), ())):
                    if other != n and concepts[other].is_metric == concept.is_metric:
                        keep(_edge(concept, concepts[other], "also-called",
                                   merge.synonym_also_called_confidence, said.quote, entry_id))
    named = [n for n, c in enumerate(concepts) if not c.provisional]
    # a provisional label is words of a definition, not a name: label closeness means nothing
    keys = {n: match_key(concepts[n].pref_label) for n in named}
    light = light_modifiers(concepts, merge.synonym_light_modifier_share)
    candidates = [(a, b, "light-modifier", merge.synonym_modifier_definition_agreement)
                  for a, b in _light_modifier_pairs(keys, light)]
    order = sorted(keys)
    # close spellings only: "Inbound Ticket" and "Outbound Ticket" score high but are opposites
    candidates += [(order[x], order[y], "close-label", merge.synonym_definition_agreement)
                   for x, y, _ in close_pairs([keys[n] for n in order],
                                              merge.synonym_candidate_score, merge.max_block_size)
                   if spelling_variants(keys[order[x]], keys[order[y]], merge.word_variant_score)]
    if candidates:
        similarity = DefinitionSimilarity([entries[i] for c in concepts for i in c.entries
                                           if i in entries])
        for a, b, method, needed in sorted(set(candidates)):
            ca, cb = concepts[a], concepts[b]
            if ca.is_metric != cb.is_metric:
                continue
            agreement, entry_id = _best_agreement(ca, cb, similarity)
            if agreement < needed or not entry_id:
                continue
            confidence = round(min(0.85, 0.5 + 0.5 * agreement), 3)
            keep(_edge(ca, cb, method, confidence, _quote(entries[entry_id]), entry_id))
    return sorted(found.values(), key=lambda e: (e.source, e.target))


def _edge(a: Concept, b: Concept, method: str, confidence: float, quote: str,
          entry_id: str | None) -> Edge:
    source, target = sorted((a.key, b.key))
    return Edge(SYNONYM, source, target, Evidence(method, confidence, quote, entry_id))


def light_modifiers(concepts: list[Concept], share: float) -> set[str]:
    """Words found in at least `share` of the preferred labels (and three of them)."""
    named = [c for c in concepts if not c.provisional]
    counts = Counter(word for c in named for word in set(match_key(c.pref_label).split()))
    floor = max(3, share * len(named))
    return {word for word, n in counts.items() if n >= floor}


def _light_modifier_pairs(keys: dict[int, str], light: set[str]) -> list[tuple[int, int]]:
    """("customer retention", "retention"): the longer is light words before the shorter.

    Only words before the shared head: "Support Ticket" is a ticket, while in "Asset
    Management" the added word is the head and names something else. Found by lookups, not
    by comparing pairs.
    """
    by_key: dict[str, list[int]] = {}
    for n, key in keys.items():
        by_key.setdefault(key, []).append(n)
    pairs = []
    for n, key in keys.items():
        words = key.split()
        for cut in range(1, len(words)):
            if words[cut - 1] not in light:
                break
            for other in by_key.get(" ".join(words[cut:]), ()):
                pairs.append((min(n, other), max(n, other)))
    return pairs


def _best_agreement(a: Concept, b: Concept, similarity: DefinitionSimilarity) -> tuple[float, str]:
    best = (-1.0, "")
    for x in a.entries:
        for y in b.entries:
            score = similarity.entries(x, y)
            if score > best[0]:
                best = (score, x)
    return best


def _quote(entry: Entry) -> str:
    """The first clause of the definition, verbatim, as the evidence of what it means."""
    text = " ".join(entry.text.split())
    sentence = re.split(r"(?<=[.;!?])\s", text, maxsplit=1)[0]
    return sentence if len(sentence) <= 200 else sentence[:200].rsplit(" ", 1)[0]


register(Rule("synonym", "near-synonyms kept as separate concepts: 'also known as' in a "
                         "definition, a label plus light modifiers, or close labels — each "
                         "with agreeing definitions", infer))
