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


def test_a_failure_to_do_something_is_what_a_metric_measures_inversely():
    assert found(*glossary(
        ("Subscriber Retention", "The ability of a service to keep its subscribers."),
        ("Cancellation Rate", "The share of subscribers who cancel in a month. A high cancellation "
                              "rate signals a failure to retain paying subscribers."),
    )) == {("cancellation-rate", "subscriber-retention"): "metric-nominal"}


def test_a_failure_told_as_a_cause_is_not_what_a_metric_measures():
    assert found(*glossary(
        ("Complaint Resolution", "Settling a complaint to the customer's satisfaction."),
        ("Lapse Rate", "The share of members who leave in a year, often after a failure to "
                       "resolve their complaints."),
    )) == {}


def test_what_a_high_value_indicates_is_no_measured_concept():
    assert found(*glossary(
        ("Lesson Quality", "How well a lesson meets its aims."),
        ("Pass Rate", "The share of pupils who pass an exam. A high pass rate indicates effective "
                      "lesson quality."),
        ("Room Booking", "Reserving a classroom."),
        ("Booking Lead Time", "The average time between booking and use. A low value indicates "
                              "efficient room booking."),
    )) == {}


def test_how_well_a_subject_does_something_is_measured_through_the_verb_phrase():
    assert found(*glossary(
        ("Customer Retention", "Keeping customers over time."),
        ("Loyalty Index", "An index that measures how well a company retains its customers."),
        ("Call Handling", "Dealing with calls."),
        ("Agent Score", "A score that measures how well agents handle calls."),
    )) == {("loyalty-index", "customer-retention"): "metric-nominal"}  # "handle" may be a noun


def test_how_verb_phrases_look_through_auxiliaries_participles_and_the_passive():
    from kg.edges.metric_of import _measured_verb_phrases

    assert _measured_verb_phrases("how quickly tickets are resolved by agents") == [
        ("resolve", ("tickets",), False)]
    assert _measured_verb_phrases("how well trained agents can resolve open tickets") == [
        ("resolve", ("open", "tickets"), False)]
    assert _measured_verb_phrases("how often customers contact support") == []  # noun or verb
    assert _measured_verb_phrases("how satisfied customers are") == []
    assert _measured_verb_phrases("the ability of a firm to keep its customers") == [
        ("keep", ("customers",), True)]


def test_an_ability_to_do_something_is_measured_through_the_verb_phrase():
    assert found(*glossary(
        ("Ticket Resolution", "Closing a ticket with an answer."),
        ("Resolution Capacity", "A metric that measures a team's ability to resolve incoming "
                                "tickets within a day."),
    )) == {("resolution-capacity", "ticket-resolution"): "metric-nominal"}


def test_the_nominal_alone_needs_a_suffix_and_a_known_verb_position():
    edges = metric_of.infer(*glossary(
        ("Retention", "Keeping staff."),
        ("Meeting", "A gathering of a team."),
        ("Attrition Rate", "The share of staff who leave; a sign of a failure to retain staff."),
        ("Defect Rate", "The share of parts that fail to meet the specification."),
        ("Application", "A piece of software that runs on a server."),
        ("Patch Lag Rate", "The share of servers that fail to apply security patches in time."),
    ), DEFAULT)
    assert [(e.source, e.target, e.confidence) for e in edges] == [
        ("attrition-rate", "retention", DEFAULT.edges.metric_nominal_bare_confidence)]


def test_a_verb_phrase_never_makes_a_metric_metric_of_another_metric():
    assert found(*glossary(
        ("Ticket Resolution", "The percentage of tickets resolved within a day."),
        ("Backlog Rate", "The share of tickets left open, a sign of a failure to resolve tickets."),
    )) == {}


def test_the_nominal_rule_can_be_switched_off():
    from dataclasses import replace

    config = replace(DEFAULT, edges=replace(DEFAULT.edges,
                                            metric_of_methods=("metric-measures", "metric-label")))
    concepts, entries = glossary(
        ("Subscriber Retention", "The ability of a service to keep its subscribers."),
        ("Cancellation Rate", "The share of subscribers who cancel, which signals a failure to "
                              "retain subscribers."))
    assert metric_of.infer(concepts, entries, config) == []
    [edge] = metric_of.infer(concepts, entries, DEFAULT)
    assert edge.evidence.quote == entries[edge.evidence.entry].text
