"""The broader rule (skos:broader): a concept -> a more general one, from its definition and label.

- genus: the definition's genus phrase names a concept ("An agent is a customer service
  representative who…" -> Representative; "A type of call transfer…" -> Call Transfer).
- head: the label's tail is another concept's label ("Inbound Call Center" -> Call Center), or
  is with one inner modifier left out ("Customer Self-Service" -> Customer Service), and the
  definition agrees: its genus has the same head, the two definitions share a genus, or the
  head concept is named in it outside the term itself. A genus that says otherwise ("Zero
  Defects: a quality assurance philosophy…", "Pending Ticket: the second stage of a ticket")
  vetoes the link unless the definition also says the term is one ("…, classed as one of the
  sauces"); a definition that says nothing either way leaves it at a lower confidence. The
  head word always stays, so "Call Routing" is never a kind of "Call Center", "Ticketing
  System" never a "Ticket", "Agent Console" never an "Agent".
- head-generalised: a label whose modifier names a concept, with that concept's genus in its
  place, is another concept's label: "Average Reply Time" -> Response Time, a reply being "the
  response provided by an agent".
- genus-modifier: a genus that says how, not what ("a quality assurance philosophy", "a customer
  service approach") -> the concept its modifier names.
- genus-activity: a genus that names an activity by a verb ("the process of analysing data",
  "tools and techniques for analysing data") -> the concept its nominalisation names (Data
  Analysis; kg.edges.nominal), where the glossary has one.
- such-as: Hearst's pattern in any definition, "channels such as live chat and email" -> Live
  Chat is a kind of Channels.
- metric-class: a metric (see metric_of.metric_signal) -> the glossary's own "Metric" concept.

Cycles, links implied by a longer chain and surplus parents are pruned by kg.graph.
"""

from __future__ import annotations

import re
from dataclasses import replace
from functools import lru_cache

from kg.config import Config
from kg.edges import Rule, register
from kg.edges.genus import (DETERMINERS, STOP_WORDS, VAGUE_HEADS, Genus, LabelIndex,
                            all_genera, match_key, normalise_words, sentences, singular)
from kg.edges.metric_of import metric_genus, metric_keys
from kg.edges.nominal import VerbPhraseLinker, clause_words, verb_phrases
from kg.model import BROADER, Concept, Edge, Entry, Evidence

# Genus heads that say how rather than what: "a quality assurance philosophy", "a customer
# service approach" — the modifier names what the term is a kind of.
MANNER_HEADS = frozenset(
    "philosophy approach strategy methodology practice technique method principle discipline".split())
# Genus heads of an activity told by its verb: "the process of analysing data", "tools and
# techniques for analysing data" — the term is a kind of the activity (Data Analysis).
ACTIVITY_HEADS = frozenset("process practice act art method technique tool procedure".split())
_ACTIVITY_VERB = re.compile(r"^(?:of|for)\s+(?P<rest>\w+ing\b.*)", re.IGNORECASE)
# "channels such as live chat, email or phone": each example is a kind of the phrase before.
_SUCH_AS = re.compile(r",?\s*(?P<cue>\b(?:such as|including|for example|for instance|like)\b|"
                      r"\be\.g\.),?\s*", re.IGNORECASE)
# _SUCH_AS's cues as text: a definition naming none (most) is passed over without a search.
_CUES = ("such as", "including", "for example", "for instance", "like", "e.g.")
_NOT_EXAMPLES_AFTER = frozenset("would feel feels look looks seem seems something just more much "
                                "feel felt act acts".split())
_EXAMPLES_END = re.compile(r"[.;:()\u2014]|\betc\b|\b(?:that|which|who|to|so|because|in order)\b",
                           re.IGNORECASE)
# Labels of the concept every metric is narrower than, the likeliest first.
METRIC_CLASS_LABELS = (("metric",), ("measure",), ("measurement",))


def _genus_edges(concept: Concept, found: list[tuple[str, Genus]], index: LabelIndex,
                 config: Config) -> list[Edge]:
    edges = []
    use_modifier = "genus-modifier" in config.edges.broader_methods
    for entry_id, genus in found:
        acronym = index.acronym(genus.phrase.split()[-1], exclude=concept.key)
        if acronym is not None:  # "A type of KPI that…"
            edges.append(Edge(BROADER, concept.key, acronym, Evidence(
                "genus", config.edges.genus_confidence, genus.sentence, entry_id)))
            continue
        for phrase in genus.conjuncts:
            link = index.link(phrase, exclude=concept.key)
            if link is None and use_modifier and phrase[-1] in MANNER_HEADS and len(phrase) > 1:
                # "a quality assurance philosophy": the kind of thing is in the modifier
                link = index.link(phrase[:-1], exclude=concept.key)
                if link is not None:
                    edges.append(Edge(BROADER, concept.key, link[0], Evidence(
                        "genus-modifier", config.edges.genus_modifier_confidence,
                        genus.sentence, entry_id)))
                continue
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


_PARENTHESIS = re.compile(r"\([^)]*\)")


@lru_cache(maxsize=262144)
def _label_words(label: str) -> tuple[str, ...]:
    """A label's words as compared, without its parenthesis: both head rules read every label."""
    return match_key(normalise_words(_PARENTHESIS.sub(" ", label) if "(" in label else label))


def _label_heads(concept: Concept, index: LabelIndex) -> list[tuple[str, str]]:
    """(head concept, label): the longest proper tail of a label that is another's label, and
    the label with one inner modifier left out: "Customer Self-Service" -> Self-Service and
    Customer Service (self-service is a service, so customer self-service is customer
    service). The head word itself never goes, so "Call Routing" is never a "Call Center".
    """
    best: tuple[int, str, str] | None = None
    inner: dict[str, str] = {}
    by_words = index.by_words
    for label in concept.labels:
        if label in concept.acronyms:
            continue
        plain = _label_words(label)
        found = index.link(plain[1:], concept.key)  # the longest proper tail that is a label
        if found is not None:
            key, dropped = found
            candidate = (len(plain) - 1 - dropped, key, label)
            if best is None or candidate[0] > best[0]:
                best = candidate
        if len(plain) < 3:
            continue  # no inner modifier to leave out: most labels
        # match_key changes only the last word, which every shorter form keeps: the label's
        # key sliced is each one's key, looked up without a call per form
        words = match_key(plain)
        keys = set()
        for i in range(1, len(words) - 1):
            keys.update(by_words.get(words[:i] + words[i + 1:], ()))
        keys.discard(concept.key)
        if len(keys) == 1:
            inner.setdefault(next(iter(keys)), label)
    heads = [(best[1], best[2])] if best else []
    heads += [(key, label) for key, label in sorted(inner.items()) if not best or key != best[1]]
    return heads


def _generalised_heads(concept: Concept, index: LabelIndex,
                       found: dict[str, list[tuple[str, Genus]]]) -> list[tuple[str, str]]:
    """(head concept, label) through a modifier's genus: "Average Reply Time" -> Response Time
    where a Reply is "the response provided by an agent": a kind of X's time is a kind of
    Y's time when X is a kind of Y."""
    heads: dict[str, str] = {}
    for label in concept.labels:
        if label in concept.acronyms:
            continue
        words = _label_words(label)
        # each modifier words[start:end] before a tail, by its end: what this label finds is
        # recorded with this label whatever the order
        for end in range(1, len(words)):
            if singular(words[end - 1]) not in index.by_head:
                continue  # no label ends in this word, so no modifier does: 94% of them at 100k
            for start in range(end):
                modifier = index.exact(words[start:end])
                if not modifier:
                    continue  # most modifiers are no label: no set to make
                modifier = modifier - {concept.key}
                if len(modifier) != 1:
                    continue
                named = next(iter(modifier))
                for _, genus in found.get(named, []):
                    keys = index.exact((genus.head, *words[end:])) - {concept.key, named}
                    if len(keys) == 1:
                        heads.setdefault(next(iter(keys)), label)
    return sorted(heads.items())


def _fold(word: str) -> str:
    return word[:-1] if word.endswith("s") and len(word) > 3 else word


_COPULAR = frozenset("as is are be being".split())


def _named_outside(text: str, inner: tuple[str, ...], outer_forms: tuple[tuple[str, ...], ...],
                   as_kind: bool = False) -> bool:
    """Is `inner` named in the text other than inside one of the concept's own labels?

    With `as_kind`, only where the text says the term is one: "…, classed as one of the
    mother sauces", not "…before closing the ticket".
    """
    folded = [_fold(w) for w in normalise_words(text)]
    target = tuple(_fold(w) for w in inner)
    covered = [False] * len(folded)
    for form in outer_forms:
        own = tuple(_fold(w) for w in form)
        for i in range(len(folded) - len(own) + 1):
            if tuple(folded[i:i + len(own)]) == own:
                for j in range(i, i + len(own)):
                    covered[j] = True
    for i in range(len(folded) - len(target) + 1):
        if tuple(folded[i:i + len(target)]) == target and not any(covered[i:i + len(target)]):
            if not as_kind or _COPULAR & set(folded[max(0, i - 5):i]):
                return True
    return False


def _without_complement(text: str, genus: Genus | None) -> str:
    """The text minus the genus's "of" phrase: in "the first state of a support ticket" the
    ticket is what the term is a state of, which says nothing of it being a ticket."""
    if genus is None or not genus.after.lower().startswith("of "):
        return text
    complement = re.split(r"[,.;:()\u2014]|\b(?:that|which|who|where|when)\b", genus.after,
                          maxsplit=1)[0]
    return text.replace(genus.phrase + " " + complement, genus.phrase, 1)


class _AgreeingHeads:
    """target -> the genus heads that agree with a head link to it: its labels' heads and its
    own genera's. Thousands of labels end in the same few concepts' labels: made once each."""

    def __init__(self, index: LabelIndex, found: dict[str, list[tuple[str, Genus]]]):
        self.index = index
        self.found = found
        self.made: dict[str, frozenset[str]] = {}

    def __call__(self, target: str) -> frozenset[str]:
        heads = self.made.get(target)
        if heads is None:
            heads = self.made[target] = frozenset(
                [form[-1] for form in self.index.labels_of.get(target, ())]
                + [genus.head for _, genus in self.found.get(target, [])])
        return heads


def _head_edge(concept: Concept, target: str, label: str, found: list[tuple[str, Genus]],
               agreeing: _AgreeingHeads, index: LabelIndex, metrics: set[str],
               entries: dict[str, Entry], config: Config) -> Edge | None:
    if (concept.key in metrics) != (target in metrics):
        return None  # "First Contact Resolution" (a metric) is no kind of "Resolution" (an event)
    agrees = contentful = False
    for _, genus in found:
        if genus.head in agreeing(target):
            agrees = True
        elif metric_genus(genus) and target in metrics:
            agrees = True  # "a metric that…" agrees with "Response Time", itself a metric
        elif genus.head not in VAGUE_HEADS and not genus.light:
            contentful = True
    if not agrees:
        # A genus that names something else leaves room only for a definition that says the
        # term is one ("classed as one of the mother sauces"); a mere mention will do otherwise.
        own_forms = index.labels_of.get(concept.key, ())
        target_forms = index.labels_of.get(target, ())
        genus_of = dict(found)
        agrees = any(_named_outside(_without_complement(entries[e].text, genus_of.get(e)), form,
                                    own_forms, as_kind=contentful)
                     for e in concept.entries if e in entries for form in target_forms)
    if contentful and not agrees:
        return None  # the genus names something else: the label's head misleads
    confidence = (config.edges.head_confirmed_confidence if agrees
                  else config.edges.head_unconfirmed_confidence)
    return Edge(BROADER, concept.key, target, Evidence("head", confidence, label, None))


def _metric_class_edges(concepts: list[Concept], entries: dict[str, Entry],
                        signals: dict, index: LabelIndex, config: Config) -> list[Edge]:
    metric_class = None
    for form in METRIC_CLASS_LABELS:
        classes = index.exact(form)
        if classes:
            if len(classes) > 1:
                return []  # two "Metric" concepts: nothing to attach to without guessing
            metric_class = next(iter(classes))
            break
    if metric_class is None:
        return []
    edges = []
    for concept in concepts:
        signal = signals.get(concept.key)
        if signal is None or concept.key == metric_class:
            continue
        edges.append(Edge(BROADER, concept.key, metric_class,
                          Evidence("metric-class", config.edges.metric_class_confidence,
                                   signal.quote, signal.entry)))
    return edges


def _phrase_before(text: str) -> tuple[str, ...]:
    """The noun phrase that ends a text: "…through multiple communication channels" ->
    (multiple, communication, channel)."""
    words = re.findall(r"[\w'’\-]+|[^\w\s]", text)
    phrase: list[str] = []
    for word in reversed(words[-6:]):
        lower = word.lower()
        if not word[0].isalnum() or lower in STOP_WORDS or lower in DETERMINERS:
            break
        phrase.insert(0, lower)
    return match_key(tuple(p for word in phrase for p in normalise_words(word)))


def _examples(text: str, index: LabelIndex) -> list[str]:
    """Concepts listed as examples: "live chat, email, or phone" -> those that are labels."""
    end = _EXAMPLES_END.search(text)
    listed = re.split(r",|\band\b|\bor\b|/", text[:end.start()] if end else text)
    keys = []
    for item in listed:
        words = normalise_words(item)
        while words and words[0] in DETERMINERS:
            words = words[1:]
        found = index.exact(match_key(words)) if words else set()
        if len(found) == 1:
            keys.append(next(iter(found)))
    return keys


def _may_give_examples(text: str) -> bool:
    """False only when no _SUCH_AS cue can be in the text. ASCII text folds case only to ASCII,
    so its lower case holds every cue the case-blind pattern could match; other text (where
    "ſ" may match "s") goes to the pattern itself."""
    if not text.isascii():
        return True
    lower = text.lower()
    return any(cue in lower for cue in _CUES)


def _such_as_edges(concept: Concept, found: list[tuple[str, Genus]], entries: dict[str, Entry],
                   giving_examples: set[str], index: LabelIndex, config: Config) -> list[Edge]:
    """Hearst's pattern: "X such as A, B and C" makes A, B and C kinds of X. Where X names no
    concept but the examples follow the term's own genus and its relative clause ("AI
    technologies that simulate conversation, such as chatbots"), they are kinds of the term.
    `giving_examples` holds the ids of the entries that may (_may_give_examples)."""
    edges = []
    for entry_id in concept.entries:
        if entry_id not in giving_examples:
            continue
        entry = entries[entry_id]
        for position, sentence in enumerate(sentences(entry.text)):
            for match in _SUCH_AS.finditer(sentence):
                before = sentence[:match.start()].rstrip(" (")  # "channels (e.g. phone…)"
                if match.group("cue").lower() == "like" and (
                        not before.split() or before.split()[-1].lower() in _NOT_EXAMPLES_AFTER):
                    continue
                phrase = _phrase_before(before)
                link = index.link(phrase) if phrase else None
                target, confidence = (link[0], config.edges.such_as_confidence) if link else (None, 0.0)
                genus = dict(found).get(entry_id)  # here only: most definitions give no examples
                if (target is None and position == 0 and genus is not None
                        and re.match(r"(?:that|which|who)\b", genus.after)
                        and genus.after in sentence and sentence.index(genus.after) <= match.start()):
                    target, confidence = concept.key, config.edges.such_as_term_confidence
                if target is None:
                    continue
                for example in _examples(sentence[match.end():], index):
                    if example not in (target, concept.key):
                        edges.append(Edge(BROADER, example, target,
                                          Evidence("such-as", confidence, sentence, entry_id)))
    return edges


def _activity_edges(concept: Concept, found: list[tuple[str, Genus]], linker: VerbPhraseLinker,
                    config: Config) -> list[Edge]:
    """"Business Intelligence: tools and techniques for analysing customer service data" -> Data
    Analysis: the activity a genus of manner names by its verb, where a concept is labelled by
    the verb's nominalisation after (part of) its object."""
    edges = []
    for entry_id, genus in found:
        if genus.head not in ACTIVITY_HEADS and not (genus.words and genus.words[0] in ACTIVITY_HEADS
                                                     and not genus.conjuncts):
            continue  # "tools and techniques" has no conjuncts to link, its first word tells
        match = _ACTIVITY_VERB.match(genus.after.strip())
        if match is None:
            continue
        for verb, obj in verb_phrases(clause_words(match["rest"]), verb_known=True):
            link = linker.link(verb, obj, exclude=concept.key)
            if link is not None and link[1]:  # the object took part: "analysing data" -> Data Analysis
                edges.append(Edge(BROADER, concept.key, link[0], Evidence(
                    "genus-activity", config.edges.genus_activity_confidence, genus.sentence, entry_id)))
                break
    return edges


def infer(concepts: list[Concept], entries: dict[str, Entry], config: Config) -> list[Edge]:
    methods = config.edges.broader_methods
    index = LabelIndex(concepts)
    found = all_genera(concepts, entries)
    signals = metric_keys(concepts, entries)
    metric_set = set(signals)  # once: a copy per concept made this stage quadratic
    activities = VerbPhraseLinker(index)
    agreeing = _AgreeingHeads(index, found)
    # read in one pass: looking each concept's entries up again cost more than the test
    giving_examples = ({key for key, entry in entries.items() if _may_give_examples(entry.text)}
                       if "such-as" in methods else set())
    candidates: list[Edge] = []
    for concept in concepts:
        own = found[concept.key]
        if "genus" in methods:
            candidates += _genus_edges(concept, own, index, config)
        if "such-as" in methods and not giving_examples.isdisjoint(concept.entries):
            candidates += _such_as_edges(concept, own, entries, giving_examples, index, config)
        if "genus-activity" in methods:
            candidates += _activity_edges(concept, own, activities, config)
        if "head" in methods and not concept.provisional:
            for target, label in _label_heads(concept, index):
                edge = _head_edge(concept, target, label, own, agreeing,
                                  index, metric_set, entries, config)
                if edge is not None:
                    candidates.append(edge)
            for target, label in _generalised_heads(concept, index, found):
                edge = _head_edge(concept, target, label, own, agreeing,
                                  index, metric_set, entries, config)
                if edge is not None:  # two steps of inference: never above an unconfirmed head
                    candidates.append(replace(edge, evidence=replace(
                        edge.evidence, method="head-generalised",
                        confidence=min(edge.confidence, config.edges.head_unconfirmed_confidence))))
    if "metric-class" in methods:
        candidates += _metric_class_edges(concepts, entries, signals, index, config)
    best: dict[tuple[str, str], Edge] = {}
    for edge in candidates:  # one edge per pair: the strongest method's
        key = (edge.source, edge.target)
        if key not in best or (edge.confidence, edge.evidence.method) > (
                best[key].confidence, best[key].evidence.method):
            best[key] = edge
    _label_words.cache_clear()  # read by this rule only: no need to hold them for later stages
    return [best[pair] for pair in sorted(best)]


register(Rule(BROADER, "narrower -> broader, from the genus of the definition, the label's head "
                       "and metric class", infer))
