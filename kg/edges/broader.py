"""The broader rule (skos:broader): a concept -> a more general one, from its definition and label.

- genus: the definition's genus phrase names a concept ("An agent is a customer service
  representative who…" -> Representative; "A type of call transfer…" -> Call Transfer).
- head: the label's tail is another concept's label ("Inbound Call Center" -> Call Center), and
  the definition agrees: its genus has the same head, the two definitions share a genus, or the
  head concept is named in it outside the term itself. A definition whose genus says otherwise
  and never names the head ("Zero Defects: a quality assurance philosophy…") vetoes the link;
  one that says nothing either way leaves it at a lower confidence. Only a tail counts, so "Call Routing" is never a
  kind of "Call Center", "Ticketing System" never a "Ticket", "Agent Console" never an "Agent".
- metric-class: a metric (see metric_of.metric_signal) -> the glossary's own "Metric" concept.

Cycles, links implied by a longer chain and surplus parents are pruned by kg.graph.
"""

from __future__ import annotations

import re

from kg.config import Config
from kg.edges import Rule, register
from kg.edges.genus import VAGUE_HEADS, Genus, LabelIndex, genera, match_key, normalise_words
from kg.edges.metric_of import metric_genus, metric_keys
from kg.model import BROADER, Concept, Edge, Entry, Evidence

# Labels of the concept every metric is narrower than.
METRIC_CLASS_LABELS = frozenset({("metric",), ("measure",), ("measurement",),
                                 ("performance", "metric")})


def _genus_edges(concept: Concept, found: list[tuple[str, Genus]], index: LabelIndex,
                 config: Config) -> list[Edge]:
    edges = []
    for entry_id, genus in found:
        for phrase in genus.conjuncts:
            link = index.link(phrase, exclude=concept.key)
            if link is None:
                continue
            target, dropped = link
            if genus.light:
                confidence = config.edges.genus_light_confidence
            elif dropped:
                confidence = config.edges.genus_stripped_confidence
            else:
                confidence = config.edges.genus_confidence
            edges.append(Edge(BROADER, concept.key, target,
                              Evidence("genus", confidence, genus.sentence, entry_id)))
    return edges


def _longest_label_tail(concept: Concept, index: LabelIndex) -> tuple[str, str] | None:
    """(head concept, label) for the longest proper tail of a label that is another's label."""
    best: tuple[int, str, str] | None = None
    for label in concept.labels:
        if label in concept.acronyms:
            continue
        words = match_key(normalise_words(re.sub(r"\([^)]*\)", " ", label)))
        for start in range(1, len(words)):
            keys = index.exact(words[start:]) - {concept.key}
            if len(keys) == 1:
                candidate = (len(words) - start, next(iter(keys)), label)
                if best is None or candidate[0] > best[0]:
                    best = candidate
                break
            if keys:
                break  # the tail names two concepts: no guessing
    return (best[1], best[2]) if best else None


def _named_outside(text: str, inner: tuple[str, ...], outer_forms: tuple[tuple[str, ...], ...]) -> bool:
    """Is `inner` named in the text other than inside one of the concept's own labels?"""
    words = list(normalise_words(text))
    folded = [w[:-1] if w.endswith("s") and len(w) > 3 else w for w in words]
    target = tuple(w[:-1] if w.endswith("s") and len(w) > 3 else w for w in inner)
    own = [tuple(w[:-1] if w.endswith("s") and len(w) > 3 else w for w in form) for form in outer_forms]
    covered = [False] * len(words)
    for form in own:
        for i in range(len(folded) - len(form) + 1):
            if tuple(folded[i:i + len(form)]) == form:
                for j in range(i, i + len(form)):
                    covered[j] = True
    for i in range(len(folded) - len(target) + 1):
        if tuple(folded[i:i + len(target)]) == target and not any(covered[i:i + len(target)]):
            return True
    return False


def _head_edge(concept: Concept, found: list[tuple[str, Genus]], head_found: list[tuple[str, Genus]],
               index: LabelIndex, metrics: set[str], entries: dict[str, Entry],
               config: Config) -> Edge | None:
    tail = _longest_label_tail(concept, index)
    if tail is None:
        return None
    target, label = tail
    target_forms = index.labels_of.get(target, ())
    target_heads = {form[-1] for form in target_forms}
    head_genus_heads = {g.head for _, g in head_found}
    if (concept.key in metrics) != (target in metrics):
        return None  # "First Contact Resolution" (a metric) is no kind of "Resolution" (an event)
    agrees = contentful = False
    for _, genus in found:
        if genus.head in target_heads or genus.head in head_genus_heads:
            agrees = True
        elif metric_genus(genus) and target in metrics:
            agrees = True  # "a metric that…" agrees with "Response Time", itself a metric
        elif genus.head not in VAGUE_HEADS and not genus.light:
            contentful = True
    if not agrees:
        own_forms = index.labels_of.get(concept.key, ())
        agrees = any(_named_outside(entries[e].text, form, own_forms)
                     for e in concept.entries if e in entries for form in target_forms)
    if contentful and not agrees:
        return None  # the genus names something else and the head is never named: misleading
    confidence = (config.edges.head_confirmed_confidence if agrees
                  else config.edges.head_unconfirmed_confidence)
    return Edge(BROADER, concept.key, target, Evidence("head", confidence, label, None))


def _metric_class_edges(concepts: list[Concept], entries: dict[str, Entry],
                        signals: dict, index: LabelIndex, config: Config) -> list[Edge]:
    classes = sorted({key for form in METRIC_CLASS_LABELS for key in index.exact(form)})
    if len(classes) != 1:
        return []  # no "Metric" concept, or several: nothing to attach to without guessing
    metric_class = classes[0]
    edges = []
    for concept in concepts:
        signal = signals.get(concept.key)
        if signal is None or concept.key == metric_class:
            continue
        edges.append(Edge(BROADER, concept.key, metric_class,
                          Evidence("metric-class", config.edges.metric_class_confidence,
                                   signal.quote, signal.entry)))
    return edges


def infer(concepts: list[Concept], entries: dict[str, Entry], config: Config) -> list[Edge]:
    methods = config.edges.broader_methods
    index = LabelIndex(concepts)
    found = {c.key: genera(c, entries) for c in concepts}
    signals = metric_keys(concepts, entries)
    candidates: list[Edge] = []
    for concept in concepts:
        if "genus" in methods:
            candidates += _genus_edges(concept, found[concept.key], index, config)
        if "head" in methods and not concept.provisional:
            tail = _longest_label_tail(concept, index)
            head_found = found.get(tail[0], []) if tail else []
            edge = _head_edge(concept, found[concept.key], head_found, index, set(signals),
                              entries, config)
            if edge is not None:
                candidates.append(edge)
    if "metric-class" in methods:
        candidates += _metric_class_edges(concepts, entries, signals, index, config)
    best: dict[tuple[str, str], Edge] = {}
    for edge in candidates:  # one edge per pair: the strongest method's
        key = (edge.source, edge.target)
        if key not in best or (edge.confidence, edge.evidence.method) > (
                best[key].confidence, best[key].evidence.method):
            best[key] = edge
    return [best[pair] for pair in sorted(best)]


register(Rule(BROADER, "narrower -> broader, from the genus of the definition, the label's head "
                       "and metric class", infer))
