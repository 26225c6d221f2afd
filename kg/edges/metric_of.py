"""The metric_of rule (kg:metricOf): a metric -> the concept it quantifies.

A concept is a metric when the concepts stage says so (Concept.is_metric), when its label ends
in a measure noun ("Churn Rate", "Customer Effort Score"), when its genus is one ("a metric
that…", "the percentage of…", "the average time it takes…"), or when its definition opens
"X measures…". What it quantifies comes from

- metric-measures: the object of "measures / quantifies / gauges / assesses / tracks" in its
  definition ("NPS measures customer loyalty" -> Loyalty), looked through "the percentage of"
  and "how much"; failing that, a concept named later in the same clause; failing that, the
  one concept whose label ends in the measured noun ("the quality of…" -> Service Quality);
- metric-label: its label minus the measure noun ("Churn Rate" -> Churn);
- metric-nominal: a verb phrase named by its nominalisation (kg/edges/nominal.py), where the
  definition says the metric measures it ("measures how well a company retains customers",
  "measures its ability to retain customers") or that the metric signals failing at it ("a high
  churn rate indicates a failure to retain customers") -> Customer Retention. Not the object of
  "indicates" itself: "a high deflection rate indicates effective help center resources" names
  a consequence, not the thing counted.

A metric is never metric-of another metric: "First Response Time" is narrower than "Response
Time" (the broader rule), not a measure of it.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache

from kg.config import Config
from kg.edges import Rule, register
from kg.edges.genus import (DETERMINERS, STOP_WORDS, VAGUE_HEADS, Genus, LabelIndex,
                            adjective_like, all_genera, first_sentence, genera,
                            match_key, normalise_words, once_per_build,
                            sentences, singular, term_verb)
from kg.edges.nominal import (VerbPhraseLinker, clause_words, subject_verb_phrases,
                              verb_phrases)
from kg.model import METRIC_OF, Concept, Edge, Entry, Evidence

# Label heads that make a concept a metric: "Churn Rate", "Net Promoter Score".
METRIC_LABEL_HEADS = frozenset(
    "metric kpi score rate ratio index percentage indicator time duration".split())
# Genus heads that do: "a metric that…", "the percentage of…", "a measure of…".
METRIC_GENUS_HEADS = frozenset(
    "metric kpi measure measurement score rate ratio percentage proportion index indicator "
    "number frequency average".split())
# Genus heads that are a quantity only when qualified: "the average time", "the time it takes".
_QUANTITY_HEADS = frozenset("time duration period amount length".split())
_AVERAGING = frozenset("average total mean median overall elapsed".split())
_QUANTITY_AFTER = re.compile(r"^(?:of time\b|it takes|taken|elapsed|spent|needed|required|"
                             r"between|from (?:the|when))", re.IGNORECASE)
# Verbs whose object is what a metric quantifies.
# Not the passive "measured through a survey": its object is the instrument.
# "A measure of body fat" says the same as the verbs; "an indicator of loyalty" does not: what
# a metric indicates is not what it counts ("CES is a good indicator of customer loyalty").
_MEASURE_VERB = re.compile(r"\b(?:(?:measure|gauge) of|measur(?:es|e|ing)|quantif(?:ies|y)|"
                           r"gauges?|assess(?:es)?|evaluates?|tracks?|calculates?)\s+",
                           re.IGNORECASE)
_METRIC_VERBS = frozenset("measures quantifies gauges calculates tracks".split())
# "the percentage of X", "the level of X": the measured thing is X.
_PARTITIVES = frozenset(
    "percentage number amount level degree extent rate proportion share frequency ratio count "
    "average total sum speed likelihood".split())
# Where the measured clause ends: "…resolved through self-service without involving an agent".
_CLAUSE_END = re.compile(r"[.;:]|\b(?:without|except|excluding|rather than|instead of|by asking|"
                         r"compared to|versus)\b", re.IGNORECASE)


@dataclass(frozen=True)
class MetricSignal:
    """Why a concept counts as a metric, with the text that says so."""

    reason: str  # "flag", "label", "genus", "verb"
    quote: str
    entry: str | None


def _label_words(concept: Concept) -> list[tuple[str, ...]]:
    return [match_key(words) for label in concept.labels
            if label not in concept.acronyms and (words := normalise_words(label))]


def metric_genus(genus: Genus) -> bool:
    if genus.head in METRIC_GENUS_HEADS:
        return True
    if genus.head in _QUANTITY_HEADS:
        return bool(set(genus.words[:-1]) & _AVERAGING) or bool(_QUANTITY_AFTER.match(genus.after))
    return False


def metric_signal(concept: Concept, entries: dict[str, Entry],
                  found: list[tuple[str, Genus]] | None = None) -> MetricSignal | None:
    """Why this concept is a metric, or None if nothing says it is; `found` is its genera,
    where the caller has them.

    The concepts stage's flag counts unless every genus the definitions give is a thing that
    is no measure ("A device that measures blood pressure…").
    """
    if not concept.provisional:
        for words in _label_words(concept):
            if len(words) >= 2 and words[-1] in METRIC_LABEL_HEADS or words in {("metric",), ("kpi",)}:
                return MetricSignal("label", concept.pref_label, None)
    if found is None:
        found = genera(concept, entries)
    for entry_id, genus in found:
        if metric_genus(genus):
            return MetricSignal("genus", genus.sentence, entry_id)
    something_else = bool(found) and all(
        genus.head not in VAGUE_HEADS and not genus.light for _, genus in found)
    if concept.is_metric and not something_else:
        return MetricSignal("flag", concept.pref_label, None)
    if not concept.provisional and not something_else:
        for entry_id in concept.entries:
            entry = entries.get(entry_id)
            sentence = first_sentence(entry.text) if entry else ""
            if sentence:  # only the first is read: no need to split the rest
                opening = term_verb(sentence, concept.labels)
                if opening and opening[0] in _METRIC_VERBS:
                    return MetricSignal("verb", sentence, entry_id)
    return None


# Concepts that name metrics in general ("Metric", "Support Metrics", "KPI"): they quantify
# nothing themselves, and every metric may be narrower than them.
METRIC_CLASS_HEADS = frozenset("metric measure measurement kpi indicator".split())


def is_metric_class(concept: Concept) -> bool:
    return any(words[-1] in METRIC_CLASS_HEADS for words in _label_words(concept))


@once_per_build  # both broader and metric_of need them
def metric_keys(concepts: tuple[Concept, ...],
                entries: dict[str, Entry]) -> dict[str, MetricSignal]:
    """The signal of each concept that is a metric, by key. Read it, never change it."""
    found = all_genera(concepts, entries)
    signals = {}
    for concept in concepts:
        signal = metric_signal(concept, entries, found[concept.key])
        if signal is not None:
            signals[concept.key] = signal
    return signals


@dataclass(frozen=True)
class MeasuredObject:
    """What follows a measure verb: the noun phrase, and the words that modify it."""

    words: tuple[str, ...]  # "customer inquiries"
    modifier: tuple[str, ...]  # its first modifier: "resolved through self-service options"
    through_partitive: bool  # reached through "the percentage of": the modifier says what counts


def measured_object(text: str) -> MeasuredObject:
    """Parse the object of a measure verb: "the percentage of customer inquiries resolved
    through self-service options" -> customer inquiries / resolved through self-service options."""
    words = [w.lower() for w in re.findall(r"[\w'’\-]+|[,()]", text)]
    if words[:1] == ["how"]:
        if words[1:2] in (["much"], ["many"]) and len(words) > 2:
            return MeasuredObject(normalise_words(words[2]), (), False)
        return MeasuredObject((), (), False)  # "how satisfied customers are": no noun measured
    index, partitive = 0, False
    while True:
        while index < len(words) and words[index] in DETERMINERS:
            index += 1
        begin = index
        while (index < len(words) and words[index][0].isalnum() and words[index] not in STOP_WORDS
               and words[index] not in DETERMINERS
               and not (index > begin and words[index].endswith("ed"))):
            index += 1
        phrase = words[begin:index]
        if (phrase and singular(phrase[-1]) in _PARTITIVES and index < len(words)
                and words[index] in {"of", "at"}):
            index += 1
            partitive = True
            continue
        if "and" in phrase:
            phrase = phrase[:phrase.index("and")]
        return MeasuredObject(tuple(p for word in phrase for p in normalise_words(word)),
                              _first_modifier(words[index:]), partitive)


def _first_modifier(words: list[str]) -> tuple[str, ...]:
    """"resolved through self-service options without…" up to the end of its first phrase."""
    index = 0
    if index < len(words) and words[index].endswith(("ed", "ing")):
        index += 1
    if index < len(words) and words[index] in STOP_WORDS:
        index += 1
        while index < len(words) and words[index] in DETERMINERS:
            index += 1
        while index < len(words) and words[index][0].isalnum() and words[index] not in STOP_WORDS:
            index += 1
    return tuple(p for word in words[:index] for p in normalise_words(word))


class _Linker:
    """Links a measured phrase to a concept that is not a metric and not the metric itself."""

    def __init__(self, index: LabelIndex, metrics: set[str], config: Config):
        self.index = index
        self.metrics = metrics
        self.config = config
        # word -> the concepts no metric whose label ends in it: "time" ends thousands of
        # labels, and filtering them again for each metric that measures a time was quadratic
        self._non_metric_heads: dict[str, frozenset[str]] = {}
        self._plain_heads: dict[str, frozenset[str]] = {}

    def non_metric_heads(self, word: str) -> frozenset[str]:
        """Concepts that are no metric and whose label ends in this word (see LabelIndex.heads)."""
        keys = self._non_metric_heads.get(word)
        if keys is None:
            keys = frozenset(k for k in self.index.heads(word) if k not in self.metrics)
            self._non_metric_heads[word] = keys
        return keys

    def plain_heads(self, word: str) -> frozenset[str]:
        """`non_metric_heads` whose labels have only noun modifiers ("Call Deflection", not
        "Canned Response"): the same for every metric whose label ends in the word."""
        keys = self._plain_heads.get(word)
        if keys is None:
            keys = frozenset(k for k in self.non_metric_heads(word)
                             if not any(adjective_like(w) for form in self.index.labels_of.get(k, ())
                                        for w in form[:-1]))
            self._plain_heads[word] = keys
        return keys

    def allowed(self, key: str, metric: str) -> bool:
        return key != metric and key not in self.metrics

    def object(self, words: tuple[str, ...], metric: str) -> tuple[str, float] | None:
        if not words:
            return None
        found = self.index.link(tuple(words), exclude=metric)
        if found and self.allowed(found[0], metric):
            return found[0], self.config.edges.metric_object_confidence
        return None

    def clause(self, words: tuple[str, ...], metric: str) -> tuple[str, float] | None:
        """The first concept named in the words, longest label first at each position."""
        for start in range(len(words)):
            for length in range(min(6, len(words) - start), 0, -1):
                keys = self.index.exact(tuple(words[start:start + length])) - {metric}
                if len(keys) == 1 and self.allowed(next(iter(keys)), metric):
                    return next(iter(keys)), self.config.edges.metric_clause_confidence
                if keys:
                    break
        return None

    def head(self, words: tuple[str, ...], metric: str) -> tuple[str, float] | None:
        if not words:
            return None
        keys = self.non_metric_heads(words[-1])
        # the one allowed key, if there is one: no copy of a set of thousands to find out
        if len(keys) - (metric in keys) == 1:
            return next(k for k in keys if k != metric), self.config.edges.metric_head_confidence
        return None


def _measured(concept: Concept, entries: dict[str, Entry],
              linker: _Linker) -> list[tuple[str, float, str, str]]:
    """(target, confidence, quoted sentence, entry id) from "measures X" in the definitions."""
    found = []
    for entry_id in concept.entries:
        entry = entries.get(entry_id)
        for sentence in sentences(entry.text) if entry else []:
            for verb in _MEASURE_VERB.finditer(sentence):
                rest = sentence[verb.end():]
                clause = rest[:m.start()] if (m := _CLAUSE_END.search(rest)) else rest
                measured = measured_object(clause)
                link = linker.object(measured.words, concept.key)
                if link is None and measured.through_partitive:
                    link = linker.clause(measured.modifier, concept.key)
                if link is None:
                    link = linker.head(measured.words, concept.key)
                if link:
                    found.append((link[0], link[1], sentence, entry_id))
                    break
    return found


def _from_label(concept: Concept, index: LabelIndex, linker: _Linker,
                config: Config) -> list[tuple[str, float, str, None]]:
    """"Churn Rate" -> Churn: the label without its measure noun names the measured concept.

    Failing the whole rest, its tail ("Average Reply Time" -> Reply), and failing that the one
    concept whose label ends in it with only noun modifiers ("Deflection Rate" -> Call
    Deflection; but "Response Time" is not a measure of "Canned Response", a kind of response).
    """
    found = []
    for label in concept.labels:
        words = match_key(normalise_words(label))
        if label in concept.acronyms or len(words) < 2 or words[-1] not in METRIC_LABEL_HEADS:
            continue
        measured = words[:-1]
        for dropped in range(len(measured)):
            keys = {k for k in index.exact(measured[dropped:]) if linker.allowed(k, concept.key)}
            if len(keys) == 1:
                confidence = (config.edges.metric_label_confidence if dropped == 0
                              else config.edges.metric_label_tail_confidence)
                found.append((next(iter(keys)), confidence, label, None))
                break
        else:
            keys = linker.plain_heads(measured[-1])
            if len(keys) - (concept.key in keys) == 1:  # the one other concept, if one
                found.append((next(k for k in keys if k != concept.key),
                              config.edges.metric_head_confidence, label, None))
    return found


# "measures how well / how often SUBJECT VERBs OBJECT": the measured thing is the verb phrase.
_HOW_ADVERBS = frozenset(
    "well often frequently effectively efficiently successfully quickly fast rapidly promptly "
    "easily consistently accurately reliably".split())
# "measures a company's ability to VERB OBJECT": the capacity is measured through its verb.
_CAPACITY_HEADS = frozenset("ability capability capacity inability failure".split())
# "a high churn rate indicates … a failure to retain customers", "customers who fail to renew
# their plans": what a metric signals failing at, or counts things failing at, is what it
# measures, inversely. Not a failure told as a cause ("customers leave after a failure to
# resolve their complaints"): churn rate is no measure of complaint resolution.
_FAILURE_TO = re.compile(
    r"(?:\b(?:indicat|signal|suggest|reflect|show|reveal|point)\w*|\bimpl(?:y|ies|ied)\b|\bmeans"
    r"|\bsigns?\s+of)"
    r"[^.;:]{0,80}?\b(?:failures?|inability)\s+to\s+"
    r"|\b(?:who|that|which)\s+(?:\w+\s+)?(?:fail(?:s|ed)?|(?:is|are|were|was)\s+unable)\s+to\s+",
    re.IGNORECASE)
_VERB_PHRASE_WORDS = 12  # a verb phrase sought this far into a clause…
_VERB_PHRASE_CHARS = 160  # …which these characters hold, so long texts are not tokenised whole


def _measured_verb_phrases(rest: str) -> list[tuple[str, tuple[str, ...], bool]]:
    """Verb phrases the clause after a measure verb measures: (verb, object, verb position
    certain)."""
    rest = rest[:_VERB_PHRASE_CHARS]
    lowered = rest.lower()
    if not lowered.startswith("how ") and not any(head in lowered for head in _CAPACITY_HEADS):
        return []  # the common case, decided without parsing
    clause = rest[:m.start()] if (m := _CLAUSE_END.search(rest)) else rest
    words = clause_words(clause)[:_VERB_PHRASE_WORDS]
    if words[:1] == ["how"] and words[1:2] and words[1] in _HOW_ADVERBS:
        return [(v, o, False) for v, o in subject_verb_phrases(words[2:])]
    if "to" not in words:
        return []
    measured = measured_object(clause)
    if measured.words and measured.words[-1] in _CAPACITY_HEADS:
        return [(v, o, True) for v, o in verb_phrases(words[words.index("to") + 1:], True)]
    return []


def _nominal(concept: Concept, entries: dict[str, Entry], linker: _Linker,
             phrases: VerbPhraseLinker, config: Config) -> list[tuple[str, float, str, str]]:
    """(target, confidence, quoted sentence, entry id) from verb phrases a definition measures."""
    found = []
    for entry_id in concept.entries:
        entry = entries.get(entry_id)
        for sentence in sentences(entry.text) if entry else []:
            found_phrases = []
            for verb in _MEASURE_VERB.finditer(sentence):
                found_phrases += _measured_verb_phrases(sentence[verb.end():])
            lowered = sentence.lower()
            failures = (_FAILURE_TO.finditer(sentence)
                        if "fail" in lowered or "inabilit" in lowered or "unable" in lowered else ())
            for failure in failures:
                after = sentence[failure.end():failure.end() + _VERB_PHRASE_CHARS]
                words = clause_words(after)[:_VERB_PHRASE_WORDS]
                found_phrases += [(v, o, True) for v, o in verb_phrases(words, verb_known=True)]
            for verb, obj, certain in found_phrases:
                link = phrases.link(verb, obj, exclude=concept.key, bare=certain)
                if link and linker.allowed(link[0], concept.key):
                    confidence = (config.edges.metric_nominal_confidence if link[1]
                                  else config.edges.metric_nominal_bare_confidence)
                    found.append((link[0], confidence, sentence, entry_id))
    return found


def _definition_words(concepts: list[Concept],
                      entries: dict[str, Entry]) -> Callable[[str], frozenset[str]]:
    """A concept's definitions' words, singular, worked out only for the concepts asked about."""
    by_key = {concept.key: concept for concept in concepts}

    @lru_cache(maxsize=None)
    def words(key: str) -> frozenset[str]:
        concept = by_key.get(key)
        texts = [entries[e].text for e in concept.entries if e in entries] if concept else []
        return frozenset(singular(w) for text in texts for w in normalise_words(text))

    return words


def infer(concepts: list[Concept], entries: dict[str, Entry], config: Config) -> list[Edge]:
    signals = metric_keys(concepts, entries)
    index = LabelIndex(concepts)
    linker = _Linker(index, set(signals), config)
    phrases = VerbPhraseLinker(index, _definition_words(concepts, entries))
    methods = config.edges.metric_of_methods
    edges: dict[tuple[str, str], Edge] = {}
    for concept in concepts:
        if concept.key not in signals or is_metric_class(concept):
            continue
        candidates = []
        if "metric-measures" in methods:
            candidates += [("metric-measures", *c) for c in _measured(concept, entries, linker)]
        if "metric-label" in methods:
            candidates += [("metric-label", *c) for c in _from_label(concept, index, linker, config)]
        if "metric-nominal" in methods:
            candidates += [("metric-nominal", *c)
                           for c in _nominal(concept, entries, linker, phrases, config)]
        for method, target, confidence, quote, entry_id in candidates:
            edge = Edge(METRIC_OF, concept.key, target, Evidence(method, confidence, quote, entry_id))
            current = edges.get((concept.key, target))
            if current is None or current.confidence < confidence:
                edges[(concept.key, target)] = edge
    return [edges[pair] for pair in sorted(edges)]


register(Rule(METRIC_OF, "a metric -> the concept it quantifies (measured object, label, nominal)",
              infer))
