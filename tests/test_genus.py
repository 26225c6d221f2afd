"""The genus phrase finder: what a definition says its term is."""

from __future__ import annotations

import pytest
from hypothesis import given, settings, strategies as st

from kg.edges import genus
from kg.edges.genus import LabelIndex, find_genus, singular, term_verb
from kg.model import Concept, Entry


@pytest.mark.parametrize("definition, labels, phrase", [
    ("An agent is a customer service representative who assists customers.", ("Agent",),
     "customer service representative"),
    ("A metric that measures how much effort customers need.", ("Customer Effort Score",), "metric"),
    ("A type of call transfer in which the customer is introduced first.", ("Warm Transfer",),
     "call transfer"),
    ("Support metrics are the key performance indicators (KPIs) used to measure support.",
     ("Support Metrics",), "key performance indicators"),
    ("Response time refers to the amount of time it takes to reply.", ("Response Time",), "amount"),
    ("This is the average time it takes for an agent to answer a call.", ("Average Speed of Answer",),
     "average time"),
    ("Net Promoter Score (NPS) is a metric used to measure loyalty.", ("Net Promoter Score", "NPS"),
     "metric"),
    ("CSAT is a key metric that measures satisfaction.", ("Customer Satisfaction (CSAT)",), "key metric"),
    ("A customer’s expression of dissatisfaction with a product.", ("Complaint",), "expression"),
    ("The specific support agent or team member designated to handle a ticket.", ("Assignee",),
     "specific support agent or team member"),
    ("A customer relationship management (CRM) platform that provides tools.", (),
     "customer relationship management (CRM) platform"),
    ("A cooking method similar to braising in which food is submerged.", ("Stewing",), "cooking method"),
    ("Follow-up in customer service is the practice of contacting a customer.", ("Follow-Up",),
     "practice"),
    ("An approach to customer service that emphasizes natural communication.", ("Conversational",),
     "customer service"),
    ("A form of diabetes in which the body resists insulin.", ("Type 2 Diabetes",), "diabetes"),
    ("A record or case representing a customer inquiry.", (), "record or case"),
    ("In cardiology, an arrhythmia is a heart condition in which the beat is irregular.",
     ("Arrhythmia",), "heart condition"),
    ("One of the five mother sauces of French cuisine.", ("Velouté",), "five mother sauces"),
    ("Bugs are flaws in software code that cause errors.", ("Bug",), "flaws"),
    ("Churn is the percentage of customers who leave.", ("Customer Churn",), "percentage"),
])
def test_genus_phrase(definition, labels, phrase):
    genus = find_genus(definition, labels)
    assert genus is not None and genus.phrase == phrase
    assert genus.phrase in genus.sentence


@pytest.mark.parametrize("definition, labels", [
    ("Deflection rate measures the percentage of customer inquiries resolved.", ("Deflection Rate",)),
    ("Occurs when multiple agents respond to the same ticket.", ("Agent Collision",)),
    ("Capturing telephone interactions between agents and customers.", ("Call Recording",)),
    ("Gamification involves integrating game-like elements.", ("Gamification",)),
    ("When customers add items to a cart but leave.", ("Abandoned Cart",)),
    ("An End of Life (EOL) policy outlines when a product is retired.", ("End of Life Policy",)),
    ("Used to describe a call that ends early.", ("Dropped Call",)),
    ("", ("Empty",)),
])
def test_no_genus_where_the_definition_names_none(definition, labels):
    assert find_genus(definition, labels) is None


def test_light_head_is_marked_and_coordination_with_and_links_nothing():
    assert find_genus("An approach to customer service that works.", ()).light
    assert not find_genus("A quick sauce made in the pan.", ()).light
    assert find_genus("Tools and techniques for analysing data.", ()).conjuncts == ()
    assert find_genus("A centralized team or facility that handles calls.", ()).conjuncts == (
        ("centralized", "team"), ("facility",))


def test_head_is_singular_and_only_the_first_sentence_counts():
    genus = find_genus("Macros are predefined responses that agents use. A tool is a thing.", ("Macros",))
    assert genus.head == "response"
    assert genus.sentence == "Macros are predefined responses that agents use."


def test_singular_keeps_words_that_only_look_plural():
    assert [singular(w) for w in ["tickets", "Channels", "status", "analysis", "business", "data"]] == [
        "ticket", "channel", "status", "analysis", "business", "data"]


def test_term_verb_reads_the_verb_after_the_term():
    assert term_verb("Net Promoter Score (NPS) measures customer loyalty.", ("Net Promoter Score",)) == (
        "measures", "customer loyalty.")
    assert term_verb("A metric that measures loyalty.", ("Net Promoter Score",)) is None


def test_label_index_links_the_longest_tail_and_refuses_to_guess():
    concepts = [Concept("ticket", "Ticket"), Concept("support-ticket", "Support Ticket"),
                Concept("queue", "Queue"), Concept("queue-2", "Queues"),
                Concept("draft", "Ticket", provisional=True)]
    index = LabelIndex(concepts)
    assert index.link(("urgent", "support", "tickets")) == ("support-ticket", 1)
    assert index.link(("customer", "service", "ticket")) == ("ticket", 2)
    assert index.link(("ticket",), exclude="ticket") is None
    assert index.link(("queue",)) is None  # "Queue" and "Queues" are two concepts: ambiguous
    assert index.heads("tickets") == {"ticket", "support-ticket"}


# --- the parser's fast paths read a definition as the plain ones do --------------------------

# Pieces that matter to sentence ends and lower-casing: "Σ" lower-cases by its neighbours, "İ"
# to two characters, "’" becomes "'".
_TEXT = st.lists(st.sampled_from(list("aAsΣσςİ .!?’'-()\"“\n") + ["Is", "ΑΣ", "e.g.", "KPIs"]),
                 max_size=30).map("".join)


@settings(max_examples=300, deadline=None)
@given(_TEXT)
def test_first_sentence_is_the_first_of_sentences(text):
    assert genus.first_sentence(text) == (genus.sentences(text) or [""])[0]


@settings(max_examples=300, deadline=None)
@given(_TEXT)
def test_words_lower_cases_each_token_as_alone(text):
    tokens = genus._tokens(text)
    assert genus._words(tokens) == [genus._word(token) for token in tokens]


def test_words_keeps_a_final_sigma_per_token():
    tokens = genus._tokens("ΑΣ AΣ ΑΣΑ e.g. A.")
    assert genus._words(tokens) == [genus._word(token) for token in tokens]


def test_subject_forms_are_cached_but_callers_get_their_own_list():
    forms = genus.subject_forms(("Net Promoter Score (NPS)",))
    forms.clear()
    assert ("net", "promoter", "score") in genus.subject_forms(("Net Promoter Score (NPS)",))
    assert ("nps",) in genus.subject_forms(("Net Promoter Score (NPS)",))


def test_label_indexes_of_the_same_concepts_share_tables_and_others_get_their_own():
    first = [Concept("ticket", "Ticket"), Concept("queue", "Queue")]
    index = LabelIndex(first)
    assert LabelIndex(list(first)).by_words is index.by_words  # equal concepts: made once
    other = LabelIndex([Concept("ticket", "Ticket"), Concept("agent", "Agent")])
    assert other.exact(("agent",)) == {"agent"} and other.exact(("queue",)) == set()
    assert LabelIndex(iter(first)).exact(("queue",)) == {"queue"}  # any iterable, read once


def test_forget_build_empties_the_memos():
    find_genus("A ticket is a record of a request.", ("Ticket",))
    LabelIndex([Concept("ticket", "Ticket")])
    genus.all_genera([Concept("ticket", "Ticket", entries=("e",))], {})
    genus.forget_build()
    assert find_genus.cache_info().currsize == 0
    assert genus._last_tables == []
    assert all(last == [] for last in genus._build_memos)


def test_all_genera_is_made_once_per_build_and_afresh_for_other_entries():
    concepts = [Concept("ticket", "Ticket", entries=("e",))]
    entries = {"e": Entry("g", 1, "Ticket", "A ticket is a record of a request.")}
    found = genus.all_genera(concepts, entries)
    assert found["ticket"][0][1].head == "record"
    assert genus.all_genera(list(concepts), dict(entries)) is found  # the same objects: once
    entries["e"] = Entry("g", 1, "Ticket", "A ticket is a request.")
    assert genus.all_genera(concepts, entries)["ticket"][0][1].head == "request"  # never stale


def test_subject_end_reads_as_far_as_the_longest_form_in_any_order():
    words = ["the", "net", "promoter", "score", "is", "a", "metric"]
    assert genus._subject_end(words, [("nps",), ("net", "promoter", "score")]) == 4
    assert genus._subject_end(words, [("nps",), ("net", "promoter", "score", "is", "a")]) == 6
    assert genus._subject_end(words, [("net",), ("net", "promoter", "score")]) == 2  # first wins
    assert genus._subject_end(words, [("promoter",)]) is None
    assert genus._subject_end(words, []) is None


def test_subject_forms_come_longest_first_then_alphabetically():
    labels = ("Net Promoter Score (NPS)", "Bugs", "Zed Ab", "Ab Zed", "Call Center")
    forms = genus._subject_forms(labels)
    assert forms == tuple(sorted(forms, key=lambda form: (-len(form), form)))
    assert () not in forms and ("bug",) in forms and ("ab", "zeds") in forms
