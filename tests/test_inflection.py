"""Noun singulars (kg.inflection): lemminflect's answers, from its noun lexicon alone."""

from __future__ import annotations

import gzip

import pytest
from lemminflect import config, getLemma
from lemminflect.codecs.OverridesCodec import OverridesCodec

from kg.inflection import RULES_ADD, RULES_REMOVE, _noun_lexicon, noun_lemmas, singular_noun


@pytest.mark.parametrize("word, singular", [
    ("tickets", "ticket"), ("Policies", "Policy"), ("status", "status"), ("criteria", "criterion"),
    ("indices", "index"), ("series", "series"), ("data", "data"), ("zorblets", "zorblet"),
    ("SLAs", "Sla"),  # lemminflect lower-cases what it looks up: the caller keeps acronyms away
])
def test_singular_noun(word, singular):
    assert singular_noun(word) == singular


def test_every_noun_of_the_lexicon_gets_lemminflects_lemmas():
    with open(config.lemma_lu_fn, "rb") as packed:
        text = gzip.decompress(packed.read()).decode()
    words = sorted({line.split(",")[0] for line in text.split("\n") if line})
    assert len(_noun_lexicon()) > 30_000
    # a third of the nouns, every override, and some other words (which take lemminflect's rules)
    checked = [w for i, w in enumerate(words) if i % (3 if w in _noun_lexicon() else 11) == 0]
    checked += sorted(OverridesCodec.load(config.lemma_overrides_fn))
    checked += ["zorblets", "kpis", "omnichannels", "Tickets", "CRITERIA", "déjà", ""]
    assert [w for w in checked if noun_lemmas(w) != getLemma(w, upos="NOUN")] == []


def test_a_singular_is_its_own_singular():
    # lemminflect's rules chain on a word they do not know: "wàài" -> "wààus" -> "wààu"
    # (hypothesis found it through match_key, which must be idempotent)
    for word in ("WÀÀI", "wàài", "tickets", "cacti", "indices", "criteria", "boxes"):
        once = singular_noun(word)
        assert singular_noun(once) == once, word
    assert singular_noun("wàài") == "wàài"


def test_lexicon_lemmas_say_what_lemminflect_says_of_nouns_verbs_and_auxiliaries():
    from lemminflect import getAllLemmas

    from kg.inflection import _lexicon, lexicon_lemmas

    words = sorted(w for w in set(_lexicon("noun")) | set(_lexicon("verb")) | set(_lexicon("aux"))
                   if w == w.lower())  # its callers ask in lower case, as getAllLemmas looks up
    assert len(words) > 50_000
    wanted = ("NOUN", "VERB", "AUX")
    differ = [w for w in words[::7] + ["retains", "handles", "is", "fulfil", "xyzzy"]
              if lexicon_lemmas(w) != {k: v for k, v in getAllLemmas(w).items() if k in wanted}]
    assert differ == []


def test_a_singular_keeps_the_first_letter_of_its_word_but_where_the_rules_took_it_whole():
    # what RULES_REMOVE and RULES_ADD promise: the lexicon's plurals keep their first letter…
    changed = [(word, lemma) for word, lemmas in _noun_lexicon().items() for lemma in lemmas
               if lemma[:1].lower() != word[:1].lower()]
    assert changed == []
    # …and lemminflect's rules for other words take off and put back no more letters than that
    from lemminflect.core.LemmatizerRules import LemmatizerRules
    rules = [rule.split(",") for rule in LemmatizerRules().rules]
    assert max(len(ending) + (double == "True") for ending, _, double in rules) <= RULES_REMOVE
    assert max(len(added) for _, added, _ in rules) <= RULES_ADD
    for word in ("zorblets", "aapts", "aacs", "omnichannels", "indices", "wàààs"):
        assert singular_noun(word)[0] == word[0]
