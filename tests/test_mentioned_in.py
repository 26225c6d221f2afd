"""The mentioned_in rule: whole-word label occurrences, longest first, by one automaton."""

from __future__ import annotations

import random
import time

import pytest

from kg.config import DEFAULT
from kg.edges import mentioned_in
from kg.edges.mentioned_in import normalise, plural
from kg.model import MENTIONED_IN, Concept, Entry


def build(definitions: dict[str, str], labels: dict[str, tuple[str, ...]] = {},
          acronyms: dict[str, tuple[str, ...]] = {}):
    concepts, entries = [], {}
    for ordinal, (pref, definition) in enumerate(definitions.items(), 1):
        entry = Entry("g", ordinal, pref, definition, ordinal=ordinal)
        entries[entry.id] = entry
        key = pref.lower().replace(" ", "-")
        concepts.append(Concept(key, pref, alt_labels=labels.get(pref, ()) + acronyms.get(pref, ()),
                                acronyms=acronyms.get(pref, ()), entries=(entry.id,)))
    return concepts, entries


def mentions(concepts, entries) -> set[tuple[str, str]]:
    return {(e.source, e.target) for e in mentioned_in.infer(concepts, entries, DEFAULT)}


def test_whole_words_longest_first_never_itself():
    found = mentions(*build({
        "Call Center": "A facility where agents answer calls for a call center operator.",
        "Inbound Call Center": "An inbound call center takes incoming phone conversations.",
        "Call": "A phone conversation.",
        "Agent": "A person who staffs a call center; see also agency and agents.",
        "Agency": "An organisation.",
    }))
    assert ("call-center", "inbound-call-center") not in found  # inside the longer own label
    assert ("call", "inbound-call-center") not in found
    assert ("call-center", "agent") in found and ("call", "agent") not in found
    assert ("agent", "call-center") in found  # plural "agents"
    assert ("agency", "agent") in found
    assert ("call-center", "call-center") not in found
    assert ("call", "call-center") in found  # "calls", outside the longer label


def test_acronyms_are_case_sensitive_and_plural_labels_match_singular_text():
    found = mentions(*build({
        "Information Technology": "The use of computers.",
        "Help Desk": "Where IT staff answer and fix it.",
        "Router": "It forwards packets, unlike the KPIs of the help desk.",
        "Key Performance Indicator": "A measure.",
        "Channels": "Ways to reach support, such as a chat channel.",
        "Chat": "Typed conversation.",
    }, acronyms={"Information Technology": ("IT",), "Key Performance Indicator": ("KPI",)}))
    assert ("information-technology", "help-desk") in found
    assert ("information-technology", "router") not in found  # "It", not "IT"
    assert ("key-performance-indicator", "router") in found  # "KPIs"
    assert ("help-desk", "router") in found
    assert ("chat", "channels") in found and ("channels", "chat") not in found


def test_a_label_two_concepts_share_names_neither():
    found = mentions(*build({
        "Ticket": "A request.",
        "Support Ticket": "A request.",
        "Queue": "Where each ticket waits for a support ticket agent.",
    }, labels={"Support Ticket": ("Ticket",)}))
    assert ("ticket", "queue") not in found and ("support-ticket", "queue") in found


def test_evidence_quotes_the_sentence_with_the_mention():
    concepts, entries = build({"Agent": "A person.", "Queue": "A line. Customers wait for an agent here."})
    [edge] = mentioned_in.infer(concepts, entries, DEFAULT)
    assert (edge.kind, edge.source, edge.target) == (MENTIONED_IN, "agent", "queue")
    assert edge.evidence.quote == "Customers wait for an agent here."
    assert edge.evidence.entry == "g-2" and edge.evidence.method == "label-in-definition"
    assert edge.confidence == DEFAULT.edges.mention_one_word_confidence


def test_each_mention_quotes_its_own_sentence_of_a_long_definition():
    sentences = [f"Filler sentence number {n}." for n in range(200)]
    sentences[0], sentences[120], sentences[-1] = ("An agent starts here.",
                                                   "A queue sits in the middle.", "A ticket ends it.")
    concepts, entries = build({"Agent": "A person.", "Queue": "A line.", "Ticket": "A record.",
                               "Manual": " ".join(sentences)})
    quotes = {e.source: e.evidence.quote for e in mentioned_in.infer(concepts, entries, DEFAULT)
              if e.target == "manual"}
    assert quotes == {"agent": "An agent starts here.", "queue": "A queue sits in the middle.",
                      "ticket": "A ticket ends it."}


def test_a_label_that_is_the_quality_a_metric_label_measures_is_not_matched():
    concepts, entries = build(
        {"Customer Satisfaction Score": "A survey score.", "Churn Rate": "A percentage.",
         "Survey": "Asks about customer satisfaction, the customer satisfaction score and churn."},
        labels={"Customer Satisfaction Score": ("Customer Satisfaction", "CSAT Score"),
                "Churn Rate": ("Churn",)})
    forms = {key for key, _, _ in mentioned_in.label_forms(concepts[0])}
    assert "customer satisfaction score" in forms and "customer satisfaction" not in forms
    assert {key for key, _, _ in mentioned_in.label_forms(concepts[1])} >= {"churn rate"}
    assert "churn" not in {key for key, _, _ in mentioned_in.label_forms(concepts[1])}
    assert ("customer-satisfaction-score", "survey") in mentions(concepts, entries)


def test_normalise_keeps_offsets():
    text = "İstanbul’s call-center (CC) — fine"
    assert len(normalise(text)) == len(text)
    assert normalise("Self-Service, now") == "self service  now"
    assert [plural(w) for w in ["ticket", "box", "policy", "day"]] == ["tickets", "boxes", "policies", "days"]


def _synthetic(concept_count: int, definition_words: int):
    """Concepts with made-up labels; each definition is filler words and three other labels."""
    rng = random.Random(7)
    syllables = ["ka", "lo", "mi", "ne", "ru", "sa", "ti", "vo", "ze", "po", "qu", "de"]
    words = sorted({"".join(rng.choices(syllables, k=4)) for _ in range(30000)})
    filler = sorted({"".join(rng.choices(syllables, k=3)) for _ in range(2000)})
    labels = [" ".join(rng.choices(words, k=rng.choice((1, 2, 2, 3)))) for _ in range(concept_count)]
    concepts, entries = [], {}
    for n, label in enumerate(labels):
        text = " ".join(rng.choices(filler, k=definition_words - 3))
        mentioned = " ".join(rng.choices(labels, k=3))
        cut = text.find(" ", len(text) // 2)
        entry = Entry("s", n + 1, label, f"{text[:cut]} {mentioned}{text[cut:]}.", ordinal=n + 1)
        entries[entry.id] = entry
        concepts.append(Concept(f"c{n}", label, entries=(entry.id,)))
    return concepts, entries


def test_scales_linearly_on_a_synthetic_glossary():
    concepts, entries = _synthetic(5000, 62)  # ~1.3 MB of definitions
    start = time.process_time()
    edges = mentioned_in.infer(concepts, entries, DEFAULT)
    assert edges and time.process_time() - start < 5


@pytest.mark.slow
def test_100k_concepts_and_25_mb_of_definitions_in_seconds():
    concepts, entries = _synthetic(100_000, 34)
    assert sum(len(e.definition) for e in entries.values()) > 25_000_000
    start = time.process_time()  # CPU time: the machine may be busy with other work
    mentioned_in.infer(concepts, entries, DEFAULT)
    assert time.process_time() - start < 30  # about 7 s of one core
