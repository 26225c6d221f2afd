"""Genus phrases: what a definition says its term *is*, found by a small shallow parser.

A glossary definition usually names its genus first, in one of a few shapes:

    "An agent is a customer service representative who assists…"   -> customer service representative
    "A metric that measures how much effort…"                       -> metric
    "A type of call transfer in which…"                             -> call transfer
    "Support metrics are the key performance indicators (KPIs)…"    -> key performance indicators
    "Gamification involves integrating game-like elements…"         -> none: no copula

No downloaded model: determiners and adverbs are skipped, "type/kind/form of" is looked
through, and the noun phrase ends at the first relative pronoun, preposition, punctuation
or post-nominal participle ("used to", "designed for"). `LabelIndex.link` then maps a phrase
to a concept by its full text, and failing that by dropping modifiers from the left
("customer service ticket" -> "service ticket" -> "ticket"), each with singular/plural folded.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from functools import lru_cache, wraps
from itertools import islice


from kg.inflection import RULES_ADD, RULES_REMOVE, singular_noun
from kg.model import Concept, Entry


# A word of a definition: letters/digits with inner hyphens, slashes and apostrophes; or one
# punctuation mark that ends a noun phrase.
_TOKEN = re.compile(r"[A-Za-z0-9][\w'’\-/&+.]*[\w+]|[A-Za-z0-9]|[(),;:.!?\"“”—–]")
# Sentence end: ". " before a capital, quote or bracket; abbreviations like "e.g." are rare in
# a genus clause and cost at most a shorter sentence.
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z“\"(])")

DETERMINERS = frozenset(
    "a an the any each every one some all this these those that its their your our his her "
    "my such another".split())
ADVERBS = frozenset(
    "typically usually essentially basically generally often simply also commonly normally "
    "mainly mostly primarily broadly formally specifically".split())
# "X is/are/refers to …" — what may link a subject to its genus.
COPULAS = (("is", "defined", "as"), ("are", "defined", "as"), ("can", "be", "defined", "as"),
           ("refers", "to"), ("refer", "to"), ("is",), ("are",), ("means",), ("denotes",),
           ("describes",), ("represents",), ("was",), ("were",))
# Words that cannot be part of a noun phrase's pre-head: the phrase ends before them.
_RELATIVES = "who whom whose which that where whereby wherein when while because if so".split()
_PRONOUNS = "it they we you he she them there i".split()
_PREPOSITIONS = ("of for in on to by with from between within across through via at about into "
                 "over under during after before without against among per as like including "
                 "than upon toward towards throughout beyond behind around along").split()
_POSTNOMINALS = ("used designed responsible based provided offered made given owned attached "
                 "available visible capable able aimed intended built aligned related associated "
                 "consisting containing involving allowing enabling helping using focused "
                 "dedicated tailored performed sent raised assigned designated brought caused "
                 "required needed expected collected delivered similar equivalent comparable "
                 "analogous identical specific unique common").split()
_CONJUNCTIONS = frozenset("and or".split())
STOP_WORDS = frozenset(_RELATIVES + _PREPOSITIONS + _PRONOUNS)
# Participles and adjectives that follow their noun ("a tool used by…", "responsible for…");
# before a noun they are modifiers ("available collection"), so they end a phrase only when
# a preposition, determiner or punctuation comes next.
POSTNOMINALS = frozenset(_POSTNOMINALS)
# "A type of call transfer": the genus is what follows "of".
TRANSPARENT_HEADS = frozenset(
    "type kind form sort variety class category subtype subclass subcategory species style "
    "variant version".split())
# "An approach to customer service", "a means of payment": a light head whose nominal
# complement names the genus — weaker evidence than "type of".
LIGHT_HEADS = frozenset("approach method means technique".split())
# Genus heads too general to say what a thing is ("the process of…", "an approach to…").
VAGUE_HEADS = frozenset(
    "process practice act action way approach method means technique term concept thing "
    "activity use ability set collection part piece abbreviation acronym synonym name "
    "word".split())
# Verbs that open a definition without naming a genus ("Occurs when…", "Involves…").
_VERBS = frozenset(
    "occurs happens involves includes allows enables measures helps indicates tracks calculates "
    "encompasses focuses ensures provides lets covers consists combines connects".split())
# Nouns ending in -ing that are things, not actions (so "Training" can be a genus).
_ING_NOUNS = frozenset(
    "thing things ring building training meeting setting marketing pricing listing "
    "routing ticketing onboarding recording booking billing funding hosting staffing planning "
    "string ceiling clothing bedding dressing filling coating seasoning topping stuffing "
    "lining housing warning heading wedding evening morning".split())


# A genus noun phrase longer than this means the parse went wrong ("A B C D E F G H I…").
MAX_PHRASE_WORDS = 8


@dataclass(frozen=True)
class Genus:
    """The genus noun phrase of one definition.

    `words` are the phrase's words lower-cased with the head singular; `conjuncts` are the
    phrases it may be linked by ("team or facility" -> ("team",), ("facility",); none for
    "tools and techniques"); `light` marks a phrase reached through "approach to" and the like.
    """

    phrase: str  # verbatim, e.g. "customer service representative"
    words: tuple[str, ...]
    conjuncts: tuple[tuple[str, ...], ...]
    sentence: str  # the sentence it came from, verbatim
    light: bool = False
    after: str = ""  # the text right after the phrase, e.g. "it takes for…"

    @property
    def head(self) -> str:
        return self.words[-1]


_ICS_SINGULARS = frozenset(
    "analytics physics economics ethics logistics statistics mathematics politics electronics "
    "genetics linguistics athletics aerobics acoustics ergonomics robotics semantics diagnostics "
    "informatics optics graphics aesthetics dynamics mechanics kinetics forensics".split())


@lru_cache(maxsize=65536)
def singular(word: str) -> str:
    """"tickets" -> "ticket"; leaves words that only look plural ("status", "analysis")."""
    lower = word.lower()
    if lower.endswith("ics"):  # "metrics" -> "metric", but "analytics" is one discipline
        return lower if lower in _ICS_SINGULARS else lower[:-1]
    if len(lower) < 4 or not lower.endswith("s") or lower.endswith(
            ("ss", "us", "is", "ous", "'s", "’s")):
        return lower
    return singular_noun(lower)


_NOT_WORD = re.compile(r"[^\w']+|_")  # compiled once: re.split's cache look-up cost as much


@lru_cache(maxsize=262144)
def normalise_words(text: str) -> tuple[str, ...]:
    """Words of a label or phrase as compared: lower case, hyphens and punctuation as spaces."""
    return tuple(w for w in _NOT_WORD.split(text.lower().replace("’", "'")) if w)


def _singular_is(word: str, key: str) -> bool:
    """`singular(word) == key` for a lower-case word, not asking lemminflect where the answer
    must be no: `singular` changes only words in "s", and their first letter only where
    lemminflect's rules took off the whole word (kg.inflection.RULES_REMOVE, RULES_ADD)."""
    if not word.endswith("s"):
        return word == key
    if word[0] != key[:1] and (len(word) > RULES_REMOVE or len(key) > RULES_ADD):
        return False
    return singular(word) == key


def match_key(words: tuple[str, ...]) -> tuple[str, ...]:
    """The form phrases and labels are compared in: the last word singular."""
    if not words:
        return words
    last = singular(words[-1])
    if last == words[-1] and type(words) is tuple:
        return words  # already the key: most lookups of a build, so no copy is made
    return (*words[:-1], last)


def sentences(text: str) -> list[str]:
    return [s for s in _SENTENCE_END.split(text.strip()) if s]


def first_sentence(text: str) -> str:
    """`sentences(text)[0]` ("" for no sentence) without splitting the rest of the text."""
    text = text.strip()
    end = _SENTENCE_END.search(text)
    return text[:end.start()] if end else text


# A genus sits in a sentence's first words; reading further only costs time on long texts.
_TOKENS_READ = 40


def _tokens(sentence: str) -> list[re.Match]:
    return list(islice(_TOKEN.finditer(sentence), _TOKENS_READ))


def _word(token: re.Match) -> str:
    word = token.group(0).lower().replace("’", "'")
    return word.rstrip(".") if len(word) > 1 else word  # a lone "." stays: it ends the phrase


def _words(tokens: list[re.Match]) -> list[str]:
    """`_word` of each token, lower-cased in one call as this runs for every definition. The
    separator is no cased letter, so "Σ" lower-cases as it would alone. `_word`'s rstrip has
    nothing to take: a _TOKEN longer than one character ends in a word character or "+"."""
    if not tokens:
        return []
    return "\0".join(map(re.Match.group, tokens)).lower().replace("’", "'").split("\0")


def _is_gerund(word: str) -> bool:
    return word.endswith("ing") and len(word) > 5 and word not in _ING_NOUNS


def subject_forms(labels: tuple[str, ...]) -> list[tuple[str, ...]]:
    """Word forms a definition may open with to name its term: each label, each label without
    its parenthesis ("Net Promoter Score (NPS)" -> "net promoter score") and the parenthesis."""
    return list(_subject_forms(labels))


_PARENTHESIS = re.compile(r"\([^)]*\)")
_PARENTHESIS_INNER = re.compile(r"\(([^)]*)\)")


# Every definition of a concept, and metric_of's term_verb, ask for the same labels' forms.
@lru_cache(maxsize=262144)
def _subject_forms(labels: tuple[str, ...]) -> tuple[tuple[str, ...], ...]:
    forms: set[tuple[str, ...]] = set()
    for label in labels:
        forms.add(normalise_words(label))
        if "(" in label:  # else the two below add nothing
            forms.add(normalise_words(_PARENTHESIS.sub(" ", label)))
            forms.update(normalise_words(inner) for inner in _PARENTHESIS_INNER.findall(label))
    forms.discard(())
    for form in [f for f in forms if f[-1].isalpha()]:  # "Bugs are…" for the label "Bug"
        forms.add((*form[:-1], singular(form[-1]) if form[-1].endswith("s") else form[-1] + "s"))
    # longest first, alphabetical within a length: two sorts in C, as each concept asks
    return tuple(sorted(sorted(forms), key=len, reverse=True))


_GENERIC_SUBJECTS = (("this", "term"), ("the", "term"), ("this", "metric"), ("this",), ("it",))
_GENERIC_FIRST_WORDS = frozenset(generic[0] for generic in _GENERIC_SUBJECTS)


def _subject_end(words: list[str], forms: list[tuple[str, ...]]) -> int | None:
    """Index just past the sentence's subject when it is the term itself (or "this"), else None.

    Words are compared flattened, so the token "self-service" matches the label "Self Service".
    """
    if words and words[0] in _GENERIC_FIRST_WORDS:
        for generic in _GENERIC_SUBJECTS:
            if tuple(words[:len(generic)]) == generic:
                return len(generic)
    start = 1 if words and words[0] in DETERMINERS else 0
    flat: list[str] = []
    ends: dict[int, int] = {}  # flattened length -> token index after it
    longest = max(map(len, forms), default=0)
    for index in range(start, min(len(words), start + 12)):
        if len(flat) >= longest:
            break  # no form is longer: the words after cannot matter
        parts = normalise_words(words[index])
        if not parts:
            break  # punctuation ends the subject
        flat.extend(parts)
        ends[len(flat)] = index + 1
    opening = tuple(flat)
    for form in forms:
        if len(form) in ends and opening[:len(form)] == form:
            return ends[len(form)]
    return None


def _skip_subject_extras(words: list[str], index: int) -> int:
    """Past "(NPS)", ", or CX," and "in customer service" between a subject and its verb."""
    while index < len(words):
        if words[index] == "(":
            close = words.index(")", index) if ")" in words[index:] else -1
            if close < 0 or close - index > 8:
                return index
            index = close + 1
        elif words[index] == "," and "," in words[index + 1:index + 6]:
            index = words.index(",", index + 1) + 1
        elif words[index] in {"in", "within"} and index + 1 < len(words):
            end = index + 1
            while end < len(words) and end - index <= 4 and words[end] not in {"is", "are", "refers"}:
                end += 1
            if end - index > 4 or end >= len(words):
                return index
            index = end
        else:
            return index
    return index


# COPULAS by first word, in their order: most words open none, and are rejected by one lookup.
def _by_first_word(phrases: tuple[tuple[str, ...], ...]) -> dict[str, list[tuple[str, ...]]]:
    table: dict[str, list[tuple[str, ...]]] = {}
    for phrase in phrases:
        table.setdefault(phrase[0], []).append(phrase)
    return table


_COPULAS_BY_FIRST_WORD = _by_first_word(COPULAS)


def _copula_end(words: list[str], index: int) -> int | None:
    if index >= len(words):
        return None
    for copula in _COPULAS_BY_FIRST_WORD.get(words[index], ()):
        if tuple(words[index:index + len(copula)]) == copula:
            return index + len(copula)
    return None


def predicate_start(words: list[str], forms: list[tuple[str, ...]]) -> int | None:
    """Where the genus may start: after "X is", after "This refers to", or at the very start.

    None when the sentence opens with its subject and a verb that is not a copula
    ("Deflection rate measures…"), or with a verb ("Occurs when…").
    """
    subject_end = _subject_end(words, forms)
    if subject_end is not None:
        verb = _skip_subject_extras(words, subject_end)
        return _copula_end(words, verb)
    opening = _copula_end(words, 0)  # "Refers to the process of…"
    if opening is not None and words[0] in {"refers", "refer", "means", "describes", "denotes"}:
        return opening
    if words and (words[0] in _VERBS or words[0] in {"when", "if", "where", "how"}):
        return None
    if len(words) > 1 and (words[0] in POSTNOMINALS or words[0].endswith("ed")) and (
            words[1] in STOP_WORDS):
        return None  # "Used to describe…", "Based on…": no noun to be the genus
    return 0


_SETTING = frozenset("in within for on among".split())


def _setting_end(words: list[str]) -> int:
    """Past an opening "In cooking," or "Within a network,": where the definition proper starts."""
    if words and words[0] in _SETTING and "," in words[1:7]:
        return words.index(",", 1) + 1
    return 0


@lru_cache(maxsize=262144)
def find_genus(definition: str, labels: tuple[str, ...] = ()) -> Genus | None:
    """The genus noun phrase of a definition's first sentence, or None where it names none."""
    sentence = first_sentence(definition)
    if not sentence:
        return None
    tokens = _tokens(sentence)
    words = _words(tokens)
    setting = _setting_end(words)
    if setting:
        tokens, words = tokens[setting:], words[setting:]
    forms = _subject_forms(labels)
    start = predicate_start(words, forms)
    if start is None:
        return None
    genus = _noun_phrase(sentence, tokens, words, start)
    if genus is not None and start == 0:
        after = genus.after.split(maxsplit=4)  # the first four words: no need to split the rest
        copula = _copula_end([w.lower() for w in after[:4]], 0)
        if copula is not None:
            # "Churn is the percentage of…" under "Customer Churn": the phrase was the subject
            predicate = _tokens(genus.after)[copula:]
            if not predicate:
                return None
            rest = genus.after[predicate[0].start():]
            rest_tokens = _tokens(rest)
            found = _noun_phrase(rest, rest_tokens, _words(rest_tokens), 0)
            return replace(found, sentence=sentence) if found is not None else None
        if _opens_a_form(genus.words, forms):
            return None  # "An End of Life (EOL) policy outlines…": the term itself, not a genus
    return genus


def _opens_a_form(words: tuple[str, ...], forms: tuple[tuple[str, ...], ...]) -> bool:
    """Are `words` the first words of a form, the last one singular? Only the last word needs
    `singular`, so the others are compared first; the forms' plurals ("aapts" under "AAPT") sent
    thousands of made-up words a build to lemminflect's rules, which _singular_is spares."""
    size = len(words)
    if not size:
        return any(match_key(form[:0]) == words for form in forms)
    modifiers, last = words[:-1], words[-1]
    return any(len(form) >= size and form[:size - 1] == modifiers
               and _singular_is(form[size - 1], last) for form in forms)


# metric_of asks for each metric's opening once per build step that needs the metrics.
@lru_cache(maxsize=65536)
def term_verb(sentence: str, labels: tuple[str, ...]) -> tuple[str, str] | None:
    """("measures", "customer loyalty by asking…") when a sentence opens with its term and a verb.

    The subject is the term, "this" or "it"; None when the sentence opens otherwise.
    """
    tokens = _tokens(sentence)
    words = _words(tokens)
    end = _subject_end(words, _subject_forms(labels))
    if end is None:
        return None
    verb = _skip_subject_extras(words, end)
    if verb >= len(words) or not words[verb][0].isalpha():
        return None
    rest = sentence[tokens[verb + 1].start():] if verb + 1 < len(tokens) else ""
    return words[verb], rest


def genera(concept: Concept, entries: dict[str, Entry]) -> list[tuple[str, Genus]]:
    """(entry id, genus) for each of a concept's definitions that names one."""
    labels = () if concept.provisional else concept.labels
    found = []
    for entry_id in concept.entries:
        entry = entries.get(entry_id)
        if entry is not None:
            genus = find_genus(entry.text, labels)
            if genus is not None:
                found.append((entry_id, genus))
    return found


# Each per-build memo's last (concepts, entries snapshot) and answer; forget_build empties them.
_build_memos: list[list] = []


def once_per_build(make: Callable[[tuple[Concept, ...], dict[str, Entry]], object]):
    """Memoise make(concepts, entries) on the last concepts and entries it was given: both
    rules of the main process ask for the same answer (every concept's genera, the metrics),
    and a build's 100,000 concepts made it twice. The concepts are compared as _label_tables
    compares them, the entries by their items, so a changed dict is never answered stale.
    Read the answer, never change it."""
    last: list = []
    _build_memos.append(last)

    @wraps(make)
    def memoised(concepts: Iterable[Concept], entries: dict[str, Entry]):
        key = (tuple(concepts), tuple(entries.items()))
        if last and last[0][0] == key:  # the same objects: compared by identity
            return last[0][1]
        answer = make(key[0], entries)
        last[:] = [(key, answer)]
        return answer

    return memoised


@once_per_build
def all_genera(concepts: tuple[Concept, ...],
               entries: dict[str, Entry]) -> dict[str, list[tuple[str, Genus]]]:
    """`genera` of every concept, by key: broader reads them all, metric_of's signals most."""
    return {concept.key: genera(concept, entries) for concept in concepts}


def _noun_phrase(sentence: str, tokens: list[re.Match], words: list[str], index: int,
                 light: bool = False, depth: int = 0) -> Genus | None:
    opening = index
    while index < len(words) and (words[index] in DETERMINERS or words[index] in ADVERBS):
        index += 1
    if index == opening and index < len(words) and _is_gerund(words[index]):
        return None  # "Capturing telephone interactions…": an action ("A cooking method" is not)
    begin = index
    end = index
    while end < len(words):
        if end - begin >= MAX_PHRASE_WORDS:
            return None  # no boundary found: a run-on the shallow parser cannot read
        word = words[end]
        if word in {"\"", "“", "”"}:
            end += 1
            continue
        if word == "(" and end > begin:
            close = next((i for i in range(end + 1, min(end + 8, len(words))) if words[i] == ")"), None)
            if close is not None and close + 1 < len(words) and not _ends_phrase(words[close + 1]) \
                    and words[close + 1] not in POSTNOMINALS:
                end = close + 1  # "a customer relationship management (CRM) platform"
                continue
            break
        if (word == "," and end == begin + 1 and adjective_like(words[begin]) and end + 1 < len(words)
                and not _ends_phrase(words[end + 1])):
            end += 1  # "the first, default state", "prewritten, templated replies"
            continue
        if word in STOP_WORDS or not word[0].isalnum() or word in {"is", "are", "can", "may"}:
            break
        if end > begin and word in DETERMINERS:
            break  # "the average time an agent spends": a new clause begins
        if end > begin and (word in POSTNOMINALS or word.endswith("ed") or _is_gerund(word)) and (
                end + 1 == len(words) or _ends_phrase(words[end + 1])):
            break  # "a ticket assigned to…", "a record representing a…"
        if (word.endswith(("'s", "s'")) and end + 1 < len(words) and words[end + 1][0].isalnum()
                and words[end + 1] not in STOP_WORDS):
            begin = end + 1  # "a customer's expression": the possessor is not the genus
        end += 1
    if end == begin:
        if (depth < 2 and end < len(words) and words[end] == "of" and begin > 0
                and words[begin - 1] in {"one", "any", "each", "either"}):
            # "One of the five mother sauces…": a member of a class is a kind of it
            return _noun_phrase(sentence, tokens, words, end + 1, light, depth + 1)
        return None
    phrase_words = _drop_parentheses([w for w in words[begin:end] if w not in {'"', "“", "”"}])
    while phrase_words and phrase_words[-1] in _CONJUNCTIONS:
        phrase_words.pop()
        end -= 1
    if not phrase_words:
        return None
    head = singular(phrase_words[-1])
    if depth < 2 and end < len(words) and words[end] == "of" and head in TRANSPARENT_HEADS:
        return _noun_phrase(sentence, tokens, words, end + 1, light, depth + 1)
    if (depth < 2 and end < len(words) and words[end] in {"of", "to"} and head in LIGHT_HEADS
            and len(phrase_words) <= 3):
        inner = _noun_phrase(sentence, tokens, words, end + 1, True, depth + 1)
        if inner is not None:
            return inner
    phrase = sentence[tokens[begin].start():tokens[end - 1].end()]
    after = sentence[tokens[end].start():] if end < len(tokens) else ""
    return Genus(phrase=phrase, words=match_key(tuple(_flatten(phrase_words))),
                 conjuncts=_conjuncts(phrase_words), sentence=sentence, light=light, after=after)


def _drop_parentheses(words: list[str]) -> list[str]:
    kept, depth = [], 0
    for word in words:
        depth += word == "("
        if depth == 0:
            kept.append(word)
        depth -= word == ")" and depth > 0
    return kept


_ADJECTIVE_ENDINGS = ("ed", "ive", "al", "ful", "ous", "ic", "able", "ible", "ent", "ant", "ary",
                      "less")
_ORDINALS = frozenset("first second third fourth fifth last final next initial new old".split())


def adjective_like(word: str) -> bool:
    return word in _ORDINALS or (len(word) > 4 and word.endswith(_ADJECTIVE_ENDINGS))


def _ends_phrase(word: str) -> bool:
    return word in STOP_WORDS or word in DETERMINERS or not word[0].isalnum()


def _flatten(words: list[str]) -> list[str]:
    return [part for word in words for part in normalise_words(word)]


def _conjuncts(words: list[str]) -> tuple[tuple[str, ...], ...]:
    """The phrases the genus may be: "team or facility" -> (team,), (facility,).

    "Tools and techniques" names a collection, not a kind of tool: no alternative to link.
    """
    if "and" in words:
        return ()
    groups: list[list[str]] = [[]]
    for word in words:
        if word == "or":
            groups.append([])
        else:
            groups[-1].extend(normalise_words(word))
    return tuple(match_key(tuple(g)) for g in groups if g)


def looks_like_acronym(text: str) -> bool:
    """"NPS", "VoC", "KPIs": a short token mostly in capitals."""
    if " " in text:  # most labels: no need to look at their letters
        return False
    letters = [c for c in text if c.isalpha()]
    return 2 <= len(letters) <= 10 and sum(c.isupper() for c in letters) * 2 > len(letters)


def label_variants(label: str) -> list[str]:
    """A label and, where it carries a parenthesis, the label without it and the parenthesis:
    "Net Promoter Score (NPS)" -> itself, "Net Promoter Score", "NPS". The concepts stage
    usually splits these already; a heading it kept whole must still be found in text."""
    if "(" not in label:
        return [label]
    variants = [label]
    inner = re.findall(r"\(([^)]*)\)", label)
    if inner:
        outer = re.sub(r"\s+", " ", re.sub(r"\([^)]*\)", " ", label)).strip()
        variants.extend(v for v in [outer, *inner] if v.strip())
    return variants


_LabelTables = tuple[dict[tuple[str, ...], set[str]], dict[str, set[str]], dict[str, set[str]],
                     dict[str, tuple[tuple[str, ...], ...]]]
# The concepts last indexed and their tables: each rule of a build asks for the same ones.
_last_tables: list[tuple[tuple[Concept, ...], _LabelTables]] = []


def _label_tables(concepts: list[Concept]) -> _LabelTables:
    """(by words, by acronym, by head, labels of) for these concepts, made once per build."""
    key = tuple(concepts)
    if _last_tables and _last_tables[0][0] == key:  # the same objects: compared by identity
        return _last_tables[0][1]
    by_words: dict[tuple[str, ...], set[str]] = {}
    by_acronym: dict[str, set[str]] = {}
    by_head: dict[str, set[str]] = {}
    labels_of: dict[str, tuple[tuple[str, ...], ...]] = {}
    for concept in key:
        if concept.provisional:
            continue
        forms = []
        for label in concept.labels:
            if label in concept.acronyms or looks_like_acronym(label):
                by_acronym.setdefault(label, set()).add(concept.key)
                continue
            for variant in label_variants(label):
                if looks_like_acronym(variant):
                    by_acronym.setdefault(variant, set()).add(concept.key)
                    continue
                words = match_key(normalise_words(variant))
                if words and words not in forms:
                    forms.append(words)
                    by_words.setdefault(words, set()).add(concept.key)
                    by_head.setdefault(words[-1], set()).add(concept.key)
        labels_of[concept.key] = tuple(forms)
    tables = (by_words, by_acronym, by_head, labels_of)
    _last_tables[:] = [(key, tables)]
    return tables


def forget_build() -> None:
    """Drop what this module keeps from a build (parsed genera, label tables, word forms): the
    stages after the edges need none of it."""
    _last_tables.clear()
    for last in _build_memos:
        last.clear()
    for memo in (singular, normalise_words, _subject_forms, find_genus, term_verb):
        memo.cache_clear()


_NO_KEYS: frozenset[str] = frozenset()


class LabelIndex:
    """Concept labels by their compared form, for linking phrases to concepts.

    Provisional concepts are left out: their "labels" are a definition's first words.
    Acronyms are kept case-sensitive ("IT" is not "it"). Indexes of equal concepts share their
    tables, made once: each rule of a build indexes the same concepts. Read them, never change them.
    """

    def __init__(self, concepts: list[Concept]):
        self.by_words, self.by_acronym, self.by_head, self.labels_of = _label_tables(concepts)

    def exact(self, words: tuple[str, ...]) -> set[str] | frozenset[str]:
        # most look-ups find nothing: one shared empty set, not a new one each time
        return self.by_words.get(match_key(words), _NO_KEYS)

    def link(self, words: tuple[str, ...], exclude: str | None = None) -> tuple[str, int] | None:
        """The concept a phrase names: the longest tail of it that is a label, unambiguous.

        Returns (concept key, number of modifiers dropped) or None.
        """
        words = match_key(words)
        for dropped in range(len(words)):
            keys = self.by_words.get(words[dropped:])
            if not keys:
                continue  # most tails are no label: no sets to make
            keys = keys - {exclude}
            if len(keys) == 1:
                return next(iter(keys)), dropped
            if keys:
                return None  # two concepts share the label: no guessing
        return None

    def acronym(self, token: str, exclude: str | None = None) -> str | None:
        """The one concept with this acronym, as written ("KPI", or plural "KPIs"), else None."""
        keys = self.by_acronym.get(token) or (
            self.by_acronym.get(token[:-1]) if token.endswith("s") else None)
        if not keys:
            return None  # asked of every genus's head word, which is rarely an acronym
        keys = keys - {exclude}
        return next(iter(keys)) if len(keys) == 1 else None

    def heads(self, word: str, exclude: str | None = None) -> set[str]:
        """Concepts whose label ends in this word ("quality" -> Service Quality)."""
        return self.by_head.get(singular(word), set()) - {exclude}
