"""The metric_of rule on hand-built concepts."""

from __future__ import annotations

from kg.config import DEFAULT
from kg.edges import metric_of
from kg.edges.metric_of import measured_object, metric_signal
from kg.model import METRIC_OF, Concept, Entry
from tests.test_broader import glossary


def found(concepts, entries) -> dict[tuple[str, str], str]:
    return {(e.source, e.target): e.evidence.method for e in metric_of.infer(concepts, entries, DEFAULT)}


def test_measured_object_looks_through_partitives():
    parsed = measured_object("the percentage of customer inquiries resolved through self-service "
                             "options")
    assert parsed.words == ("customer", "inquiries") and parsed.through_partitive
    assert parsed.modifier == ("resolved", "through", "self", "service", "options")
    assert measured_object("how much effort customers need").words == ("effort",)
    assert measured_object("how satisfied customers are").words == ()


def test_the_object_of_measures_is_what_a_metric_quantifies():
    assert found(*glossary(
        ("Loyalty", "The choice of a brand over its competitors."),
        ("Net Promoter Score", "Net Promoter Score measures customer loyalty by asking one question."),
    )) == {("net-promoter-score", "loyalty"): "metric-measures"}


def test_a_concept_later_in_the_measured_clause_counts_after_a_partitive():
    assert found(*glossary(
        ("Self-Service", "Resources customers use on their own."),
        ("Agent", "A person who answers customers."),
        ("Deflection Rate", "Deflection rate measures the percentage of inquiries resolved through "
                            "self-service without involving an agent."),
    )) == {("deflection-rate", "self-service"): "metric-measures"}


def test_the_label_without_its_measure_noun_names_the_measured_concept():
    assert found(*glossary(
        ("Churn", "The loss of customers over a period."),
        ("Churn Rate", "The share of customers lost in a period."),
    )) == {("churn-rate", "churn"): "metric-label"}


def test_a_metric_is_never_metric_of_another_metric_nor_a_metric_class():
    assert found(*glossary(
        ("Response Time", "The time it takes to reply to a customer."),
        ("First Response Time", "A metric that measures the response time of the first reply."),
        ("Metric", "A quantifiable measure that is used to track the status of a process."),
        ("Ticket Status", "The stage a ticket is in."),
    )) == {}


def test_the_concepts_flag_yields_to_a_genus_that_is_no_measure():
    concepts, entries = glossary(("Blood Pressure Monitor", "A device that measures blood pressure."),
                                 ("Uptime", "The percentage of time a system is available."))
    flagged = [Concept(c.key, c.pref_label, entries=c.entries, is_metric=True) for c in concepts]
    assert metric_signal(flagged[0], entries) is None
    assert metric_signal(flagged[1], entries).reason == "genus"
    assert metric_signal(Concept("x", "X", entries=("nowhere",), is_metric=True), {}).reason == "flag"


def test_edges_carry_kind_method_and_quote():
    concepts, entries = glossary(("Loyalty", "The choice of a brand."),
                                 ("Loyalty Score", "A score that measures loyalty."))
    edges = metric_of.infer(concepts, entries, DEFAULT)
    assert {(e.kind, e.evidence.method) for e in edges} == {(METRIC_OF, "metric-measures")}
    assert edges[0].evidence.quote == "A score that measures loyalty."
    assert isinstance(entries[edges[0].evidence.entry], Entry)


def test_label_tail_and_noun_compound_heads_name_the_measured_concept():
    assert found(*glossary(
        ("Reply", "An answer to a customer."),
        ("Average Reply Time", "The average time it takes to send a reply."),
        ("Call Deflection", "Redirecting calls to self-service."),
        ("Deflection Rate", "The share of contacts deflected."),
        ("Canned Response", "A prewritten answer."),
        ("Response Time", "The time it takes to answer."),
    )) == {("average-reply-time", "reply"): "metric-label",
           ("deflection-rate", "call-deflection"): "metric-label"}


def test_an_indicator_of_something_is_not_a_measure_of_it():
    assert found(*glossary(
        ("Loyalty", "The choice of a brand."),
        ("Effort Score", "A score of effort; a good indicator of customer loyalty."),
    )) == {}
