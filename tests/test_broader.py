"""The broader rule on hand-built concepts: genus, head (with its guards) and metric class."""

from __future__ import annotations

from dataclasses import replace

from hypothesis import given, settings, strategies as st

from kg.config import DEFAULT, Config, EdgeConfig
from kg.edges import broader
from kg.model import BROADER, Concept, Entry


def glossary(*items: tuple[str, str]) -> tuple[list[Concept], dict[str, Entry]]:
    """Concepts keyed by their slugged label, one entry each: ("Term", "definition")."""
    concepts, entries = [], {}
    for ordinal, (label, definition) in enumerate(items, 1):
        entry = Entry("g", ordinal, label, definition, ordinal=ordinal)
        entries[entry.id] = entry
        concepts.append(Concept(label.lower().replace(" ", "-"), label, entries=(entry.id,)))
    return concepts, entries


def pairs(concepts, entries, config: Config = DEFAULT) -> dict[tuple[str, str], str]:
    return {(e.source, e.target): e.evidence.method for e in broader.infer(concepts, entries, config)}


def test_genus_links_the_definitions_genus_to_a_concept():
    found = pairs(*glossary(
        ("Ticket", "A record of a customer request."),
        ("Urgent Ticket", "A customer service ticket that requires immediate attention."),
        ("Warm Transfer", "A type of call transfer in which the agent introduces the caller."),
        ("Call Transfer", "The act of moving a call to another agent."),
    ))
    assert set(found) == {("urgent-ticket", "ticket"), ("warm-transfer", "call-transfer")}
    assert found[("warm-transfer", "call-transfer")] == "genus"


def test_head_links_a_label_to_its_tail_when_the_definition_agrees():
    found = pairs(*glossary(
        ("Call Center", "A centralized facility that handles calls."),
        ("Inbound Call Center", "An inbound call center handles incoming calls, like any call center."),
        ("Call Routing", "The process of directing calls to agents in a call center."),
        ("Ticket", "A record of a customer request."),
        ("Ticketing System", "Software that manages every ticket."),
        ("Agent", "A person who helps customers."),
        ("Agent Console", "The interface used by an agent to manage tickets."),
    ))
    assert found == {("inbound-call-center", "call-center"): "head"}


def test_head_is_vetoed_by_a_genus_that_names_something_else():
    concepts, entries = glossary(
        ("Defects", "Flaws in a product."),
        ("Zero Defects", "A quality assurance philosophy that strives for error-free delivery."),
        ("Sauce", "A liquid food served with other foods."),
        ("Hollandaise Sauce", "An emulsion of egg yolk and butter, classed as one of the sauces."),
        ("Ticket", "A record of a customer request."),
        ("Pending Ticket", "The second stage of a support ticket, before an agent closes the ticket."),
        ("Churn", "The loss of customers."),
        ("Open Churn", "Open churn happens when customers leave and say so."),
    )
    edges = {(e.source, e.target): e for e in broader.infer(concepts, entries, DEFAULT)}
    assert ("zero-defects", "defects") not in edges
    assert ("pending-ticket", "ticket") not in edges  # a stage of a ticket, only mentioning one
    assert edges[("hollandaise-sauce", "sauce")].confidence == DEFAULT.edges.head_confirmed_confidence
    assert edges[("open-churn", "churn")].confidence == DEFAULT.edges.head_unconfirmed_confidence


def test_a_metric_is_never_a_kind_of_a_non_metric_by_its_head():
    found = pairs(*glossary(
        ("Resolution", "The successful completion of a case."),
        ("First Contact Resolution", "First Contact Resolution measures the percentage of issues "
                                     "resolved on the first contact."),
    ))
    assert ("first-contact-resolution", "resolution") not in found


def test_metrics_are_narrower_than_the_glossarys_metric_concept():
    concepts, entries = glossary(
        ("Metric", "A quantifiable measure used to track performance."),
        ("Churn Rate", "The share of customers lost in a period."),
        ("Speed of Answer", "The average time it takes an agent to pick up a call."),
        ("Downtime", "The time during which a service is unavailable."),
    )
    edges = {(e.source, e.target): e for e in broader.infer(concepts, entries, DEFAULT)}
    assert set(edges) == {("churn-rate", "metric"), ("speed-of-answer", "metric")}
    assert edges[("churn-rate", "metric")].evidence.method == "metric-class"
    assert edges[("speed-of-answer", "metric")].evidence.quote == (
        "The average time it takes an agent to pick up a call.")


def test_methods_can_be_switched_off_and_every_edge_carries_evidence():
    concepts, entries = glossary(
        ("Ticket", "A record of a customer request."),
        ("Urgent Ticket", "A ticket that requires immediate attention."),
    )
    edges = broader.infer(concepts, entries, DEFAULT)
    assert [(e.kind, e.evidence.method, e.evidence.entry) for e in edges] == [(BROADER, "genus", "g-2")]
    assert edges[0].evidence.quote == "A ticket that requires immediate attention."
    only_head = Config(edges=replace(EdgeConfig(), broader_methods=("head",)))
    assert [e.evidence.method for e in broader.infer(concepts, entries, only_head)] == ["head"]


def test_such_as_makes_each_listed_concept_a_kind_of_the_phrase_before():
    found = pairs(*glossary(
        ("Channels", "The ways customers reach a company."),
        ("Live Chat", "Typed conversation in real time."),
        ("Email", "Electronic mail."),
        ("Help Desk", "A service that answers customers through channels such as live chat, "
                      "email or phone."),
        ("Conversational AI", "AI technologies that simulate conversation, such as chatbots."),
        ("Chatbot", "A program that chats."),
        ("Mood", "How someone feels, like happiness."),
        ("Contact Center", "A team that serves customers on many channels (e.g., email, phone)."),
        ("Happiness", "Joy."),
    ))
    assert found[("live-chat", "channels")] == "such-as" and found[("email", "channels")] == "such-as"
    assert len([pair for pair in found if pair == ("email", "channels")]) == 1
    assert found[("chatbot", "conversational-ai")] == "such-as"  # the examples follow the term's genus
    assert ("happiness", "mood") not in found  # "feels, like": no phrase before it names a concept


def test_a_genus_of_manner_links_the_concept_its_modifier_names():
    found = pairs(*glossary(
        ("Quality Assurance", "The process of checking work against standards."),
        ("Zero Defects", "A quality assurance philosophy that strives for error-free delivery."),
        ("Lean", "A manufacturing philosophy that removes waste."),
    ))
    assert found == {("zero-defects", "quality-assurance"): "genus-modifier"}


def test_a_genus_naming_an_activity_by_its_verb_links_the_activitys_concept():
    # a laboratory glossary: the activities are named by "the process of V-ing O"
    found = pairs(*glossary(
        ("Mixture Separation", "Any process that divides a mixture into its components."),
        ("Chromatography", "A technique for separating mixtures by how fast their parts travel."),
        ("Distillation", "The process of separating liquid mixtures by boiling and condensing."),
        ("Filtration", "The process of separating solids from a liquid through a porous layer."),
        ("Titration", "The process of adding a reagent until a reaction is complete."),
        ("Sample", "A small amount of a material taken for testing."),
    ))
    activity = {pair for pair, method in found.items() if method == "genus-activity"}
    # the object takes part: "separating mixtures" is Mixture Separation, "separating solids"
    # is not, and no concept names the adding of a reagent
    assert activity == {("chromatography", "mixture-separation"), ("distillation", "mixture-separation")}


def test_head_with_an_inner_modifier_left_out():
    found = pairs(*glossary(
        ("Customer Service", "Help a company gives its customers."),
        ("Self-Service", "Help customers find on their own."),
        ("Customer Self-Service", "Customer self-service lets customers help themselves."),
        ("Call Center", "A facility that takes calls."),
        ("Call Routing Center", "A center that sorts incoming calls."),
    ))
    assert found[("customer-self-service", "self-service")] == "head"
    assert found[("customer-self-service", "customer-service")] == "head"
    assert ("call-routing-center", "call-center") in found


def test_a_genus_that_is_an_acronym_links_its_concept():
    concepts, entries = glossary(
        ("Key Performance Indicator", "A measurable value that shows progress."),
        ("Support KPI", "A type of KPI that tracks support work."),
    )
    concepts[0] = Concept(concepts[0].key, concepts[0].pref_label, alt_labels=("KPI",),
                          acronyms=("KPI",), entries=concepts[0].entries)
    assert pairs(concepts, entries)[("support-kpi", "key-performance-indicator")] == "genus"


def test_a_modifiers_genus_generalises_the_label():
    concepts, entries = glossary(
        ("Response", "An answer given to a customer."),
        ("Reply", "A response sent by an agent."),
        ("Response Time", "The time it takes to respond."),
        ("Average Reply Time", "Average reply time is the average time it takes to reply."),
    )
    edges = {(e.source, e.target): e for e in broader.infer(concepts, entries, DEFAULT)}
    edge = edges[("average-reply-time", "response-time")]
    assert edge.evidence.method == "head-generalised"
    assert edge.confidence == DEFAULT.edges.head_unconfirmed_confidence


_CUE_TEXT = st.lists(st.sampled_from(["Such", "such", "ſuch", " as", " AS", "includ", "ıng", "ing",
                                      "For", " example", " instance", "LIKE", "e.g.", "E.G.", ",",
                                      " ", "x", "é"]), max_size=12).map("".join)


@settings(max_examples=400, deadline=None)
@given(_CUE_TEXT)
def test_the_cue_prefilter_never_hides_a_cue_the_pattern_finds(text):
    if broader._SUCH_AS.search(text):
        assert broader._may_give_examples(text)
