"""English noun singulars, for matching "Tickets" with "Ticket": lemminflect's lexicon and rules.

lemminflect rather than inflect: its lexicon knows irregular and invariant nouns ("data",
"indices", "criteria", "series"), and it imports in ~0.06 s where inflect 7's typeguard
instrumentation took 1.2 s at every start — a third of a 10,000-term build's time budget.

Only the parts of speech asked for are read: `lemminflect.getLemma` parses the whole lexicon,
every part of speech, into dictionaries on first use (0.13 s, a third of a 10,000-term build's
concepts stage), where the 40,000 noun lines alone take a quarter of that. What `noun_lemmas`
answers is what `getLemma(word, upos="NOUN")` answers, and `lexicon_lemmas` what
`getAllLemmas` does for nouns, verbs and auxiliaries (tests/test_inflection.py checks every word).
"""

from __future__ import annotations

import gzip
from functools import lru_cache
from pathlib import Path

from lemminflect import config, getAllLemmasOOV
from lemminflect.codecs.OverridesCodec import OverridesCodec
from lemminflect.core.LexicalUtils import applyCapsStyle, getCapsStyle


# lemminflect changes only a noun's ending: every plural its lexicon lists keeps its lemma's
# first letter, and its rules for the words it does not know take off at most RULES_REMOVE
# letters and put back at most RULES_ADD (tests/test_inflection.py checks both). So a singular
# that starts otherwise than its word is short and comes from a short word, and a caller
# comparing singulars can tell most words apart without asking lemminflect (kg.edges.genus).
RULES_REMOVE = 4
RULES_ADD = 2


@lru_cache(maxsize=262144)
def singular_noun(word: str) -> str:
    """The singular of a noun; a word that is not a plural comes back unchanged.

    >>> singular_noun("tickets"), singular_noun("status"), singular_noun("Policies")
    ('ticket', 'status', 'Policy')
    """
    lower = word.lower()
    lemmas = noun_lemmas(lower)
    lemma = lemmas[0] if lemmas and lemmas[0] else lower
    if lemma == lower:
        return word
    # A singular is its own singular. lemminflect's rules for words it does not know can
    # chain ("waai" -> "waaus" -> "waau"): such a lemma is a guess, and matching keys made
    # from it would change each time they were made again.
    again = noun_lemmas(lemma)
    if again and again[0] and again[0] != lemma:
        return word
    return word[0] + lemma[1:] if word[:1].isupper() and lemma[:1] == lower[:1] else lemma


def noun_lemmas(word: str) -> tuple[str, ...]:
    """lemminflect's lemmas of a noun: its lexicon (with its overrides), else its rules."""
    forms = _noun_lexicon().get(word.lower())
    if forms is None:
        return getAllLemmasOOV(word, "NOUN").get("NOUN", ())
    style = getCapsStyle(word)
    return tuple(applyCapsStyle(form, style) for form in forms)


@lru_cache(maxsize=1)
def _noun_lexicon() -> dict[str, tuple[str, ...]]:
    """Word -> lemma spellings, from the noun lines of lemminflect's lexicon and overrides."""
    return _lexicon("noun")


@lru_cache(maxsize=None)
def _lexicon(category: str) -> dict[str, tuple[str, ...]]:
    """Word -> lemma spellings for one part of speech ("noun", "verb", "aux") of lemminflect's
    lexicon, with its overrides."""
    text = gzip.decompress(Path(config.lemma_lu_fn).read_bytes()).decode()
    marker = f",{category},"
    found: dict[str, tuple[str, ...]] = {}
    for line in text.split("\n"):
        # "word,category,lemma/lemma": the words and lemmas hold no comma
        if marker in line:
            word, _, forms = line.strip().split(",")
            found[word] = tuple(forms.split("/"))
    upos = category.upper()
    for word, lemmas in OverridesCodec.load(config.lemma_overrides_fn).items():
        if upos in lemmas:
            found[word] = lemmas[upos]
    return found


def lexicon_lemmas(word: str) -> dict[str, tuple[str, ...]]:
    """What `lemminflect.getAllLemmas(word)` says of a lower-case word as a noun, verb or
    auxiliary, from those parts of its lexicon only (the verb rules need no adjectives)."""
    readings = {}
    style = getCapsStyle(word)
    for category in ("noun", "verb", "aux"):
        forms = _lexicon(category).get(word)
        if forms is not None:
            readings[category.upper()] = tuple(applyCapsStyle(form, style) for form in forms)
    return readings
