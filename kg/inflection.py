"""English noun singulars, for matching "Tickets" with "Ticket": lemminflect's lexicon and rules.

lemminflect rather than inflect: its lexicon knows irregular and invariant nouns ("data",
"indices", "criteria", "series"), and it imports in ~0.06 s where inflect 7's typeguard
instrumentation took 1.2 s at every start — a third of a 10,000-term build's time budget.
"""

from __future__ import annotations

from functools import lru_cache

from lemminflect import getLemma


@lru_cache(maxsize=262144)
def singular_noun(word: str) -> str:
    """The singular of a noun; a word that is not a plural comes back unchanged.

    >>> singular_noun("tickets"), singular_noun("status"), singular_noun("Policies")
    ('ticket', 'status', 'Policy')
    """
    lower = word.lower()
    lemmas = getLemma(lower, upos="NOUN")
    lemma = lemmas[0] if lemmas and lemmas[0] else lower
    if lemma == lower:
        return word
    return word[0] + lemma[1:] if word[:1].isupper() and lemma[:1] == lower[:1] else lemma
