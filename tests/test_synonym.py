"""The synonym rule: near-synonyms kept apart get one conservative, evidenced edge."""

from __future__ import annotations

from kg.config import DEFAULT
from kg.edges.synonym import infer, light_modifiers
from kg.model import SYNONYM, Concept, Entry


def build(*rows):
    """rows: (key, label, definition, is_metric) -> concepts and their entries, one entry each."""
    concepts, entries = [], {}
    for n, (key, label, definition, metric) in enumerate(rows, 1):
        entry = Entry(source="g", line=n, headword=label, definition=definition, ordinal=n)
        entries[entry.id] = entry
        concepts.append(Concept(key=key, pref_label=label, entries=(entry.id,), is_metric=metric))
    return concepts, entries


# "customer" qualifies three of these labels: in this vocabulary it is a light modifier
VOCABULARY = [
    ("customer-retention", "Customer Retention",
     "The ability of a company to keep its customers over a period of time.", False),
    ("retention", "Retention", "The ability of a business to keep its customers over time.", False),
    ("customer-journey", "Customer Journey", "Every step a customer takes with a brand.", False),
    ("customer-persona", "Customer Persona", "A semi-fictional portrait of a typical buyer.", False),
    ("inbound-call-center", "Inbound Call Center",
     "A call center that handles incoming calls from customers.", False),
    ("call-center", "Call Center", "A centralized team that handles customer calls.", False),
    ("churn", "Churn", "The loss of customers over a period of time.", False),
    ("churn-rate", "Churn Rate", "The percentage of customers lost over a period of time.", True),
]


def test_a_light_modifier_pair_with_agreeing_definitions_is_a_synonym():
    concepts, entries = build(*VOCABULARY)
    edges = infer(concepts, entries, DEFAULT)
    assert [(e.source, e.target, e.evidence.method) for e in edges] == [
        ("customer-retention", "retention", "light-modifier")]
    evidence = edges[0].evidence
    assert edges[0].kind == SYNONYM and 0.5 <= evidence.confidence <= 0.85
    assert evidence.entry in entries and evidence.quote in entries[evidence.entry].definition


def test_a_rare_modifier_makes_a_narrower_concept_not_a_synonym():
    concepts, entries = build(*VOCABULARY)
    pairs = {(e.source, e.target) for e in infer(concepts, entries, DEFAULT)}
    assert ("call-center", "inbound-call-center") not in pairs
    assert "inbound" not in light_modifiers(concepts, DEFAULT.merge.synonym_light_modifier_share)


def test_a_metric_is_never_the_synonym_of_what_it_measures():
    concepts, entries = build(*VOCABULARY, ("customer-churn", "Customer Churn",
                                            "The loss of customers over a period of time.", True))
    pairs = {(e.source, e.target) for e in infer(concepts, entries, DEFAULT)}
    assert ("churn", "customer-churn") not in pairs  # same words, but only one is a metric


def test_disagreeing_definitions_give_no_edge():
    concepts, entries = build(*VOCABULARY[2:], ("retention", "Retention",
                                                "Keeping archived records for legal reasons.", False),
                              ("customer-retention", "Customer Retention",
                               "The ability of a company to keep its customers.", False))
    assert infer(concepts, entries, DEFAULT) == []


def test_also_known_as_links_two_concepts_of_one_glossary():
    concepts, entries = build(
        ("help-desk", "Help Desk", "A team that answers users' questions, also known as a "
                                   "service desk.", False),
        ("service-desk", "Service Desk", "The single point of contact between IT and its users.",
         False))
    edges = infer(concepts, entries, DEFAULT)
    assert [(e.source, e.target, e.evidence.method, e.confidence) for e in edges] == [
        ("help-desk", "service-desk", "also-called", 0.9)]
    assert edges[0].evidence.quote == "also known as a service desk"
    assert edges[0].evidence.entry == "g-1"


def test_close_spellings_kept_apart_are_synonym_candidates():
    concepts, entries = build(
        ("customer-service-centre", "Customer Service Centre",
         "A place where agents answer customers by phone and email.", False),
        ("customer-service-center", "Customer Service Center",
         "A place where agents answer customers by phone, chat and email.", False))
    edges = infer(concepts, entries, DEFAULT)
    assert [(e.source, e.target, e.evidence.method) for e in edges] == [
        ("customer-service-center", "customer-service-centre", "close-label")]


def test_labels_differing_in_a_number_are_not_close_labels():
    concepts, entries = build(
        ("tier-1-support", "Tier 1 Support", "The support level that answers customers first.", False),
        ("tier-2-support", "Tier 2 Support", "The support level that answers customers next.", False))
    assert infer(concepts, entries, DEFAULT) == []


def test_provisional_labels_are_not_compared():
    concepts, entries = build(*VOCABULARY)
    concepts = [Concept(key=c.key, pref_label=c.pref_label, entries=c.entries, provisional=True,
                        is_metric=c.is_metric) for c in concepts]
    assert infer(concepts, entries, DEFAULT) == []
