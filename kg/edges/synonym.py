"""The synonym rule (kg:synonymOf): near-synonyms the concepts stage kept apart, for a curator.

Conservative on purpose — a synonym edge invites a merge. Three methods:

- `also-called`: a definition says "also known as X" and X labels another concept (kept apart
  because one glossary defines both, or their definitions disagree);
- `light-modifier`: one label is the other preceded by words that qualify a large share of the
  vocabulary's labels ("Customer Retention" / "Retention" in a customer-service vocabulary),
  with agreeing definitions; a rarer modifier ("Inbound Call Center") makes a narrower concept;
- `close-label`: labels rapidfuzz scores close that were not merged, with agreeing definitions.

Never between a metric and what is not one (that is metric-of). Each pair is stored once,
source < target by key.
"""

from __future__ import annotations

from collections import Counter
import re

from rapidfuzz import fuzz, process

from kg.concepts import DefinitionSimilarity, label_blocks
from kg.config import Config
from kg.edges import Rule, register
from kg.labels import compact_key, definition_labels, match_key
from kg.model import SYNONYM, Concept, Edge, Entry, Evidence

ALSO_CALLED_CONFIDENCE = 0.9


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
                        keep(_edge(concept, concepts[other], "also-called", ALSO_CALLED_CONFIDENCE,
                                   said.quote, entry_id))
    candidates = _label_candidates(concepts, merge.synonym_candidate_score, merge.max_block_size)
    if candidates:
        similarity = DefinitionSimilarity([entries[i] for c in concepts for i in c.entries
                                           if i in entries])
        light = light_modifiers(concepts, merge.synonym_light_modifier_share)
        for a, b, label_score in candidates:
            ca, cb = concepts[a], concepts[b]
            if ca.is_metric != cb.is_metric:
                continue
            method = _method(ca.pref_label, cb.pref_label, light, label_score, merge)
            if method is None:
                continue
            needed = (merge.synonym_modifier_definition_agreement if method == "light-modifier"
                      else merge.synonym_definition_agreement)
            agreement, entry_id = _best_agreement(ca, cb, similarity)
            if agreement < needed:
                continue
            confidence = round(min(0.85, 0.5 + 0.5 * agreement), 3)
            keep(_edge(ca, cb, method, confidence, _quote(entries[entry_id]), entry_id))
    return sorted(found.values(), key=lambda e: (e.source, e.target))


def _edge(a: Concept, b: Concept, method: str, confidence: float, quote: str,
          entry_id: str | None) -> Edge:
    source, target = sorted((a.key, b.key))
    return Edge(SYNONYM, source, target, Evidence(method, confidence, quote, entry_id))


def _label_candidates(concepts: list[Concept], cutoff: float,
                      max_block_size: int) -> list[tuple[int, int, float]]:
    """Concept pairs whose preferred labels share an end word and score ≥ cutoff (token set)."""
    # a provisional label is words of a definition, not a name: label closeness means nothing
    keys = ["" if c.provisional else match_key(c.pref_label) for c in concepts]
    seen: set[tuple[int, int]] = set()
    pairs = []
    for block in label_blocks(keys, max_block_size):
        block_keys = [keys[i] for i in block]
        matrix = process.cdist(block_keys, block_keys, scorer=fuzz.token_set_ratio,
                               score_cutoff=cutoff)
        for x, y in zip(*matrix.nonzero()):
            a, b = sorted((block[x], block[y]))
            if a == b or (a, b) in seen or keys[a] == keys[b] or not keys[a] or not keys[b]:
                continue
            seen.add((a, b))
            pairs.append((a, b, float(matrix[x, y])))
    return sorted(pairs)


def light_modifiers(concepts: list[Concept], share: float) -> set[str]:
    """Words found in at least `share` of the preferred labels (and three of them)."""
    named = [c for c in concepts if not c.provisional]
    counts = Counter(word for c in named for word in set(match_key(c.pref_label).split()))
    floor = max(3, share * len(named))
    return {word for word, n in counts.items() if n >= floor}


def _method(a: str, b: str, light: set[str], label_score: float, merge) -> str | None:
    wa, wb = match_key(a).split(), match_key(b).split()
    shorter, longer = (wa, wb) if len(wa) <= len(wb) else (wb, wa)
    extra = longer[: len(longer) - len(shorter)]
    # only words before the shared head: "Support Ticket" is a ticket, while in "Asset
    # Management" the added word is the head and names something else
    if extra and longer[len(extra):] == shorter:
        return "light-modifier" if all(w in light for w in extra) else None
    if fuzz.token_sort_ratio(" ".join(wa), " ".join(wb)) >= merge.synonym_candidate_score:
        return "close-label"
    return None


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
