"""Nominalisations of verbs, and verb phrases linked to the concepts they name."""

from __future__ import annotations

import pytest

from kg.edges.genus import LabelIndex
from kg.edges.nominal import (VerbPhraseLinker, clause_words, nominals, object_phrase,
                              subject_verb_phrases, verb_lemmas, verb_phrases)
from kg.model import Concept


@pytest.mark.parametrize("verb, noun", [
    ("retain", "retention"), ("maintain", "maintenance"), ("resolve", "resolution"),
    ("satisfy", "satisfaction"), ("verify", "verification"), ("engage", "engagement"),
    ("escalate", "escalation"), ("acquire", "acquisition"), ("abandon", "abandonment"),
    ("deflect", "deflection"), ("handle", "handling"), ("respond", "response"),
    ("apply", "application"), ("plan", "planning"), ("subscribe", "subscription"),
    ("analyse", "analysis"), ("convert", "conversion"), ("submit", "submission"),
    ("approve", "approval"), ("deliver", "delivery"), ("fail", "failure"), ("grow", "growth"),
    ("comply", "compliance"), ("refer", "referral"), ("decide", "decision"),
    ("reduce", "reduction"), ("receive", "reception"), ("consume", "consumption"),
    ("fulfil", "fulfilment"), ("transfer", "transfer"),
])
def test_suffix_rules_reach_the_usual_nominal(verb, noun):
    assert noun in nominals(verb)


def test_nominals_are_sorted_and_never_empty():
    for verb in ("retain", "x", "go"):
        found = nominals(verb)
        assert found and list(found) == sorted(set(found))


def test_verb_lemmas_and_words_that_may_be_nouns():
    assert verb_lemmas("retains") == ("retain",)
    assert set(verb_lemmas("fulfil")) >= {"fulfil"}
    assert verb_lemmas("handles") == ("handle",)
    assert verb_lemmas("handles", only_verb=True) == ()  # as likely a plural noun
    assert verb_lemmas("customers") == ()
    assert verb_lemmas("the") == () and verb_lemmas("to") == ()
    assert verb_lemmas("zorbify") == ("zorbify",)  # after "failure to": a verb all the same
    assert verb_lemmas("zorbify", only_verb=True) == ()


def test_object_phrase_stops_at_prepositions_conjunctions_and_participles():
    assert object_phrase("their existing customers over time".split()) == ("existing", "customers")
    assert object_phrase("customers and grow revenue".split()) == ("customers",)
    assert object_phrase("orders shipped late".split()) == ("orders",)
    assert object_phrase("the , customers".split()) == ()


def test_verb_phrases_share_a_coordinated_object():
    assert verb_phrases(clause_words("attract and retain loyal customers, and grow"), True) == [
        ("attract", ("loyal", "customers")), ("retain", ("loyal", "customers"))]
    assert verb_phrases(clause_words("retain"), True) == []  # no object, no phrase
    assert verb_phrases(clause_words("resolve a customer’s issue"), True) == [
        ("resolve", ("customer", "issue"))]
    assert verb_phrases(clause_words("handle calls"), False) == []  # "handle" may be a noun


def test_subject_verb_phrases_find_the_verb_after_the_subject():
    assert subject_verb_phrases(clause_words("a company retains its customers")) == [
        ("retain", ("customers",))]
    assert subject_verb_phrases(clause_words("tickets are resolved by agents")) == [
        ("resolve", ("tickets",))]
    assert subject_verb_phrases(clause_words("trained agents can resolve tickets")) == [
        ("resolve", ("tickets",))]
    assert subject_verb_phrases(clause_words("customers contact support")) == []


def index_of(*labels: str) -> LabelIndex:
    return LabelIndex([Concept(label.lower().replace(" ", "-"), label) for label in labels])


def test_the_object_and_the_nominal_make_a_label():
    linker = VerbPhraseLinker(index_of("Customer Retention", "Retention", "Customer"))
    assert linker.link("retain", ("customers",)) == ("customer-retention", True)
    assert linker.link("retain", ("existing", "customers")) == ("customer-retention", True)
    assert linker.link("retain", ("customers",), exclude="customer-retention") is None


def test_the_bare_nominal_only_when_asked_suffixed_and_about_the_same_object():
    definitions = {"retention": "keeping staff", "meeting": "a gathering to meet specification",
                   "transfer": "moving funds", "application": "a piece of software"}
    linker = VerbPhraseLinker(index_of("Retention", "Meeting", "Transfer", "Application"),
                              lambda key: frozenset(definitions[key].split()))
    assert linker.link("retain", ("staff",)) is None
    assert linker.link("retain", ("staff",), bare=True) == ("retention", False)
    assert linker.link("retain", ("customers",), bare=True) is None  # Retention is of staff
    assert linker.link("meet", ("specifications",), bare=True) is None  # a gerund
    assert linker.link("transfer", ("funds",), bare=True) is None  # the verb itself
    assert linker.link("apply", ("patches",), bare=True) is None


def test_zero_derivation_with_an_object_and_no_guessing_between_concepts():
    assert VerbPhraseLinker(index_of("Call Transfer")).link("transfer", ("calls",)) == (
        "call-transfer", True)
    two = VerbPhraseLinker(index_of("Order Delivery", "Order Deliverance"))
    assert two.link("deliver", ("orders",)) is None  # two nominals, two concepts
    assert VerbPhraseLinker(index_of("Ticket Resolution")).link("close", ("tickets",)) is None
