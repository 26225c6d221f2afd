"""Label analysis: headings to full forms and acronyms, definition labels, match keys."""

from __future__ import annotations

import pytest
from hypothesis import given, settings, strategies as st

from kg.labels import (abbreviates, analyse_heading, acronym_expansions, compact_key,
                       definition_labels, genus_head, genus_phrase, is_acronym, long_form_for,
                       match_key, may_state_labels, readable_label)


@pytest.mark.parametrize("heading, full_forms, acronyms", [
    ("Service Level Agreement (SLA)", ("Service Level Agreement",), ("SLA",)),
    ("SLA (Service Level Agreement)", ("Service Level Agreement",), ("SLA",)),
    ("CSAT (Customer Satisfaction Score)", ("Customer Satisfaction Score",), ("CSAT",)),
    ("Frequently Asked Question(s) (FAQ)",
     ("Frequently Asked Question", "Frequently Asked Questions"), ("FAQ",)),
    ("Customer Support/Service Agent (CSA)",
     ("Customer Support/Service Agent", "Customer Support Agent", "Customer Service Agent"), ("CSA",)),
    ("Voice of the Customer (VoC)", ("Voice of the Customer",), ("VoC",)),
    ("Human-in-the-Loop (HITL)", ("Human-in-the-Loop",), ("HITL",)),
    ("Electrocardiogram (ECG)", ("Electrocardiogram",), ("ECG",)),
    ("TCP", (), ("TCP",)),
    ("KPIs", (), ("KPI",)),
    ("Agent", ("Agent",), ()),
    ("Yes/No Workflow", ("Yes/No Workflow",), ()),  # no acronym vouches for an alternation
    ("Agent (customer service)", ("Agent (customer service)",), ()),  # a qualifier stays
    ("QoS - Quality of Service", ("Quality of Service",), ("QoS",)),
])
def test_headings_give_full_forms_and_acronyms(heading, full_forms, acronyms):
    labels = analyse_heading(heading)
    assert labels.full_forms == full_forms
    assert labels.acronyms == acronyms


def test_an_acronym_only_heading_needs_an_expansion():
    assert analyse_heading("TCP").acronym_only
    assert not analyse_heading("Transmission Control Protocol (TCP)").acronym_only


def test_an_acronym_that_does_not_spell_its_expansion_is_kept_but_not_verified():
    assert analyse_heading("Service Level Agreement (SLA)").verified
    labels = analyse_heading("Experience Score (ESAT)")
    assert labels.acronyms == ("ESAT",) and not labels.verified


@pytest.mark.parametrize("short, long, expected", [
    ("HITL", "Human-in-the-Loop", True),
    ("VoC", "Voice of the Customer", True),
    ("CSAT", "Customer Satisfaction", True),  # letters inside words count after the first
    ("API", "Application Programming Interface", True),
    ("ESAT", "Experience Score", False),
    ("TCP", "Transport Protocol", False),
    ("MI", "Myocardial Infarction", True),
    ("ECG", "Electrocardiogram", True),  # only the first letter must start a word
    ("CSA", "Agent for Support", False),  # the first letter must start a word
])
def test_schwartz_hearst_first_letter_starts_a_word(short, long, expected):
    assert abbreviates(short, long) is expected


def test_long_form_is_the_shortest_tail_that_the_short_form_spells():
    assert long_form_for("SIP", "we wrote a service improvement plan") == "service improvement plan"
    assert long_form_for("XYZ", "nothing here") is None


def test_acronym_tokens():
    assert all(is_acronym(t) for t in ["SLA", "VoC", "eNPS", "B2B", "KPIs", "I/O"])
    assert not any(is_acronym(t) for t in ["Agent", "McDonald", "a", "customer", "Customer Service"])


def test_definitions_give_alternative_labels():
    said = definition_labels("A help desk, also known as a service desk, answers users. It is "
                             "sometimes referred to as \"IT support\". Abbreviated HD.")
    assert [d.label for d in said] == ["service desk", "IT support", "HD"]
    assert said[0].quote == "also known as a service desk"
    assert said[2].is_acronym


def test_a_capitalised_word_opening_a_phrase_is_not_an_acronym():
    said = definition_labels("Remaps addresses, sometimes referred to as IP masquerading.")
    assert [(d.label, d.is_acronym) for d in said] == [("IP masquerading", False)]


def test_definitions_give_acronyms_of_their_own_headword():
    said = definition_labels("A service improvement plan (SIP) is a structured approach.",
                             ("Service Improvement Plan",))
    assert [(d.label, d.is_acronym) for d in said] == [("SIP", True)]
    assert definition_labels("Customer Experience, or CX, is every interaction.",
                             ("Customer Experience",))[0].label == "CX"
    # an acronym of something else in the definition is not the headword's
    assert definition_labels("Tracks key performance indicators (KPIs).", ("Dashboard",)) == []


def test_acronym_expansions_in_running_text():
    pairs = acronym_expansions("Metrics such as key performance indicators (KPIs) and the "
                               "Net Promoter Score (NPS) guide us (see below).")
    assert pairs == [("KPI", "key performance indicators"), ("NPS", "Net Promoter Score")]


@pytest.mark.parametrize("a, b", [
    ("Cross-Selling", "cross selling"), ("Bugs", "Bug"), ("Multi-channel Support", "Multi-Channel Support"),
    ("Training & Development", "training and development"), ("Routers", "router"),
    ("Customer’s Journey", "Customer's Journey"),
])
def test_variants_share_a_match_key(a, b):
    assert match_key(a) == match_key(b)


def test_spacing_variants_share_a_compact_key():
    assert compact_key("Help Desk") == compact_key("Helpdesk") == compact_key("help-desk")
    assert match_key("Help Desk") != match_key("Helpdesk")


def test_only_the_head_noun_is_singularised():
    assert match_key("Sales Representatives") == "sales representative"
    assert match_key("Business") == "business"


@given(st.text(alphabet=st.characters(codec="utf-8"), max_size=40))
def test_match_key_is_idempotent_and_never_fails(text):
    key = match_key(text)
    assert match_key(key) == key


@pytest.mark.parametrize("definition, phrase, head", [
    ("An agent is a customer service representative who assists customers.",
     "customer service representative", "representative"),
    ("CSAT is a key metric that measures how satisfied customers are.", "key metric", "metric"),
    ("The percentage of customers who stop doing business with a company.",
     "percentage of customers", "percentage"),
    ("The rate at which customers or accounts are lost.", "rate", "rate"),
    ("Sudden blockage of blood flow to the heart.", "Sudden blockage of blood flow", "blockage"),
])
def test_genus_phrase_and_head(definition, phrase, head):
    assert genus_phrase(definition) == phrase
    assert genus_head(definition) == head


def test_readable_label_is_a_clause_not_a_word_count():
    assert readable_label("The rate at which customers stop doing business with a company.") == \
        "Rate at which customers stop doing business"
    assert readable_label("Inflammation of the appendix, usually needing surgery.") == \
        "Inflammation of the appendix"
    assert readable_label("") == "untitled"


@settings(max_examples=400, deadline=None)
@given(st.text(alphabet=st.characters(max_codepoint=127), max_size=30))
def test_match_key_of_ascii_is_the_general_rule(label):
    import re as regex
    from kg.labels import clean, singular
    text = clean(label).casefold().replace("&", " and ")
    text = regex.sub(r"[^\w\s+#]", "", regex.sub(r"[-_/]+", " ", text))
    words = text.split()
    if words:
        words[-1] = singular(words[-1])
    assert match_key(label) == " ".join(words)


_LABEL_WORDS = ["also", "known", "as", "called", "or", "SLA", "(SLA)", "Service", "Level",
                "Agreement", "is", "a", "the", "\u00a0", "\uff08SLA\uff09", ",", "abbreviated"]


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from(_LABEL_WORDS) | st.text(max_size=8), max_size=14).map(" ".join),
       st.sampled_from([(), ("Service Level Agreement",), ("Agreement",)]))
def test_a_definition_that_may_not_state_labels_states_none(definition, full_forms):
    """The worker's cheap look (kg.concepts) never passes over a label definition_labels finds."""
    if not may_state_labels(definition):
        assert definition_labels(definition, full_forms) == []


def test_a_definition_with_a_label_cue_or_parenthesis_may_state_labels():
    assert may_state_labels("A plan, also called a roadmap.")
    assert may_state_labels("Service Level Agreement (SLA) is a contract.")
    assert may_state_labels("Service Level Agreement \uff08SLA\uff09 is a contract.")  # NFKC
    assert not may_state_labels("A contract between a provider and a customer.")
