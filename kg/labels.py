"""Label analysis: what a headword says about its concept's labels.

    >>> analyse_heading("SLA (Service Level Agreement)").full_forms
    ('Service Level Agreement',)
    >>> analyse_heading("SLA (Service Level Agreement)").acronyms
    ('SLA',)

A heading yields its full forms (the expansion as printed, then its slash alternatives and
"(s)" plurals), its acronyms (in parentheses before or after the expansion, or the whole
heading) and whether the acronym really abbreviates the expansion, checked in the manner of
Schwartz & Hearst (2003): the short form's letters are found right to left in the long form
and its first letter starts a word. A definition adds alternative labels ("also called X")
and acronyms ("Service Improvement Plan (SIP)"). `match_key` is the form labels are compared
in: case, hyphens, spacing, typographic characters and the plural of the head noun ignored.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

import ahocorasick

from kg.inflection import singular_noun



_DASHES = "\u2010\u2011\u2012\u2013\u2014\u2015\u2212"
_TYPOGRAPHIC = str.maketrans({"\u2018": "'", "\u2019": "'", "\u201c": '"', "\u201d": '"',
                              "\u00a0": " ", **{d: "-" for d in _DASHES}})

# One token that reads as an abbreviation: "SLA", "VoC", "eNPS", "B2B", "I/O" — at least two
# capitals and mostly capitals, so that "Agent" or "McDonald" are not taken for one.
_ACRONYM_TOKEN = re.compile(r"[A-Za-z0-9][A-Za-z0-9&./\-]{0,11}")


class WordFinder:
    """Whether a text holds any of some words, in one Aho-Corasick pass over it (a third of
    the time of one substring test per word)."""

    def __init__(self, words: tuple[str, ...]):
        self.automaton = ahocorasick.Automaton()
        for word in words:
            self.automaton.add_word(word, word)
        self.automaton.make_automaton()

    def holds_any(self, text: str) -> bool:
        return next(self.automaton.iter(text), None) is not None


@dataclass(frozen=True)
class HeadingLabels:
    """What one heading says: "Customer Satisfaction Score (CSAT)" -> full form and acronym."""

    heading: str  # as printed, whitespace tidied
    full_forms: tuple[str, ...]  # expansion as printed first, then its variants; () if none
    acronyms: tuple[str, ...]
    verified: bool  # every acronym abbreviates the first full form (Schwartz & Hearst)

    @property
    def acronym_only(self) -> bool:
        """A heading that is just an abbreviation, e.g. "CSAT": its expansion must be found."""
        return not self.full_forms and bool(self.acronyms)

    @property
    def labels(self) -> tuple[str, ...]:
        return (*self.full_forms, *self.acronyms)


def clean(text: str) -> str:
    """Unicode-normalised text with typographic quotes, dashes and NBSP made plain."""
    if text.isascii():  # NFKC and the typographic table change nothing in ASCII: the fast path
        return " ".join(text.split())
    return " ".join(unicodedata.normalize("NFKC", text).translate(_TYPOGRAPHIC).split())


def is_acronym(token: str) -> bool:
    token = token.strip()
    if not _ACRONYM_TOKEN.fullmatch(token):
        return False
    stem = singular_acronym(token)
    letters = [c for c in stem if c.isalpha()]
    capitals = sum(c.isupper() for c in letters)
    return capitals >= 2 and capitals * 2 > len(letters) or (len(letters) == 1 and capitals == 1
                                                            and len(stem) >= 2)


def singular_acronym(token: str) -> str:
    """"KPIs" -> "KPI": a plural s after capitals is not part of the abbreviation."""
    if len(token) > 2 and token.endswith("s") and token[:-1].isupper():
        return token[:-1]
    return token


def long_form_for(short: str, long: str) -> str | None:
    """The shortest tail of `long` that `short` abbreviates (Schwartz & Hearst), else None.

    >>> long_form_for("HITL", "Human-in-the-Loop")
    'Human-in-the-Loop'
    """
    letters = [c.lower() for c in singular_acronym(short) if c.isalnum()]
    if not letters or not long:
        return None
    text = long.lower()
    position = len(text) - 1
    for index in range(len(letters) - 1, -1, -1):
        letter = letters[index]
        while position >= 0 and (text[position] != letter or (
                index == 0 and position > 0 and text[position - 1].isalnum())):
            position -= 1
        if position < 0:
            return None
        position -= 1
    start = position + 1
    if start and long[start - 1] == "-":  # "Non-Disclosure…": keep the hyphenated word whole
        start = long.rfind(" ", 0, start) + 1
    return long[start:]


def abbreviates(short: str, long: str) -> bool:
    """True when `short` abbreviates the whole of `long` (every word up to small connectives)."""
    found = long_form_for(short, long)
    if found is None:
        return False
    skipped = long[: len(long) - len(found)].split()
    return all(word.lower() in _CONNECTIVES for word in skipped)


_CONNECTIVES = {"a", "an", "the", "of", "and", "&", "for", "to", "in", "on", "or"}


def _split_parenthesis(text: str) -> tuple[str, str] | None:
    """"A (B)" or "A (B) " -> (A, B) for a final parenthesis; None when there is none."""
    match = re.fullmatch(r"(.*?\S)\s*\(([^()]+)\)", text)
    if match:
        return match.group(1).strip(), match.group(2).strip()
    return None


def _expand_plural_marks(text: str) -> list[str]:
    """"Frequently Asked Question(s)" -> singular and plural readings."""
    if not re.search(r"\w\((?:s|es)\)", text):
        return [text]
    return [re.sub(r"(\w)\((?:s|es)\)", r"\1", text), re.sub(r"(\w)\((s|es)\)", r"\1\2", text)]


def _slash_alternatives(text: str) -> list[str]:
    """"Customer Support/Service Agent" -> each reading of a one-word alternation."""
    match = re.search(r"(\w+)/(\w+)", text)
    if not match:
        return []
    before, after = text[: match.start()], text[match.end():]
    return [f"{before}{match.group(1)}{after}", f"{before}{match.group(2)}{after}"]


@lru_cache(maxsize=65536)
def analyse_heading(heading: str) -> HeadingLabels:
    text = clean(heading).strip(" :;,.")
    if "(" not in text and "/" not in text and "-" not in text and (
            " " in text or not is_acronym(text)):
        return HeadingLabels(text, (text,), (), False)  # a plain heading: nothing to take apart
    full, acronyms = text, []
    split = _split_parenthesis(text)
    if split:
        outer, inner = split
        if is_acronym(inner) and not is_acronym(outer):
            full, acronyms = outer, [inner]
        elif is_acronym(outer) and not is_acronym(inner):
            full, acronyms = inner, [outer]
        # else a qualifier such as "Agent (customer service)": part of the label
    if not acronyms:
        dashed = re.fullmatch(r"(\S+) - (.+)", text)
        if dashed and is_acronym(dashed.group(1)) and abbreviates(dashed.group(1), dashed.group(2)):
            full, acronyms = dashed.group(2), [dashed.group(1)]
    if not acronyms and " " not in text and is_acronym(text):
        return HeadingLabels(text, (), (singular_acronym(text),), False)
    acronyms = [singular_acronym(a) for a in acronyms]
    forms = _expand_plural_marks(full)
    # A slash inside a label is an alternation only where the acronym fits every reading
    # ("Customer Support/Service Agent (CSA)"); "Yes/No Workflow" stays as printed.
    alternatives = _slash_alternatives(forms[0])
    if acronyms and alternatives and all(abbreviates(acronyms[0], a) for a in alternatives):
        forms = [*forms, *alternatives]
    verified = bool(acronyms) and all(any(abbreviates(a, f) for f in forms) for a in acronyms)
    return HeadingLabels(text, tuple(dict.fromkeys(forms)), tuple(acronyms), verified)


# --- labels a definition gives ------------------------------------------------------------

_ALSO_CALLED = re.compile(
    r"\b(?:(?:also|sometimes|often|commonly|otherwise|frequently)\s+"
    r"(?:called|known\s+as|referred\s+to\s+as|termed|named)"
    r"|abbreviated(?:\s+as|\s+to)?)\s+", re.IGNORECASE)
_QUOTED = re.compile(r"[\"']([^\"']{1,60})[\"']")
_STOP_AFTER_LABEL = {"because", "which", "that", "who", "where", "when", "is", "are", "was", "were",
                     "to", "for", "in", "and", "or", "as", "by", "with", "since", "while", "it",
                     "on", "at", "from", "but", "if", "so"}
_SMALL_WORDS = {"of", "the", "and", "for", "to", "in", "on", "&"}
_ARTICLES = {"a", "an", "the"}


@dataclass(frozen=True)
class DefinitionLabel:
    label: str
    quote: str  # the words of the definition that give it, verbatim (after `clean`)
    is_acronym: bool = False


def _label_after(text: str) -> list[str]:
    """The label(s) that start `text`: quoted, a capitalised run, or up to three plain words."""
    quoted = _QUOTED.match(text)
    if quoted:
        return [quoted.group(1).strip()]
    words = re.findall(r"[A-Za-z0-9][\w&'/+\-]*|[,.;:()]", text)
    while words and words[0].lower() in _ARTICLES:
        words = words[1:]
    if not words:
        return []
    taken: list[str] = []
    capitalised = words[0][0].isupper()
    for word in words:
        if not word[0].isalnum():
            break
        if capitalised:
            if word[0].isupper() or word[0].isdigit():
                taken.append(word)
            elif word.lower() in _SMALL_WORDS and taken:
                taken.append(word)
            elif word.lower() == "or" and taken:
                taken.append(word)
            elif word.lower() not in _STOP_AFTER_LABEL and taken[-1].lower() != "or":
                # "IP masquerading": a capitalised word that opens a lower-case phrase
                capitalised = False
                taken.append(word)
            else:
                break
        else:
            if word.lower() in _STOP_AFTER_LABEL and word.lower() != "or":
                break
            taken.append(word)
            if len([w for w in taken if w.lower() != "or"]) >= 3 and word.lower() != "or":
                break
        if len(taken) >= 8:
            break
    while taken and (taken[-1].lower() in _SMALL_WORDS or taken[-1].lower() == "or"):
        taken.pop()
    labels, current = [], []
    for word in taken:
        if word.lower() == "or":
            labels.append(" ".join(current))
            current = []
        else:
            current.append(word)
    labels.append(" ".join(current))
    labels = [re.sub(r"^(?:a|an|the)\s+", "", label, flags=re.IGNORECASE) for label in labels]
    return [label for label in labels if label and len(label.split()) <= 6]


def definition_labels(definition: str, full_forms: tuple[str, ...] = ()) -> list[DefinitionLabel]:
    """Alternative labels and acronyms a definition states for its own headword.

    "…, also known as a help desk, …" gives "help desk"; "A Service Improvement Plan (SIP) is"
    gives the acronym "SIP" when the words before the parenthesis are one of `full_forms`.
    """
    text = clean(definition)
    found: list[DefinitionLabel] = []
    lowered = text.lower()
    says_labels = _LABEL_CUES.holds_any(lowered)
    for match in _ALSO_CALLED.finditer(text) if says_labels else ():
        rest = text[match.end():]
        for label in _label_after(rest):
            quote = text[match.start(): match.end() + rest.find(label) + len(label)]
            found.append(DefinitionLabel(label, quote, is_acronym(label) and " " not in label))
    keys: set[str] | None = None
    if "(" not in text and " or " not in text:
        return _unique_labels(found)
    for match in re.finditer(r"\(([^()\s]{2,12})\)|,? or ([A-Z][A-Za-z0-9&]{1,11})\b", text):
        short = match.group(1) or match.group(2)
        if not is_acronym(short):
            continue
        if keys is None:
            keys = {match_key(form) for form in full_forms}
        before = text[: match.start()].rstrip(" ,")
        words = before.split()
        for size in range(1, min(len(words), 10) + 1):
            candidate = " ".join(words[-size:])
            if match_key(candidate) in keys and abbreviates(short, candidate):
                quote = text[match.start() - len(candidate) - (len(text[:match.start()]) - len(before)):
                             match.end()]
                found.append(DefinitionLabel(singular_acronym(short), quote.strip(), True))
                break
    return _unique_labels(found)


def _unique_labels(found: list[DefinitionLabel]) -> list[DefinitionLabel]:
    unique: dict[str, DefinitionLabel] = {}
    for item in found:
        unique.setdefault(item.label.casefold(), item)
    return list(unique.values())


# words without which _ALSO_CALLED cannot match: checked first, as most definitions have none
_LABEL_CUES = WordFinder(("called", "known as", "referred to", "termed", "named", "abbreviated"))


def may_state_labels(definition: str) -> bool:
    """False where `definition_labels` finds nothing, told by a cheaper look: no label cue
    ("also called"), no parenthesis, no " or "."""
    text = clean(definition)
    return "(" in text or " or " in text or _LABEL_CUES.holds_any(text.lower())


def acronym_expansions(definition: str) -> list[tuple[str, str]]:
    """Every "Long Form (LF)" a text defines, as (acronym, long form) — Schwartz & Hearst."""
    text = clean(definition)
    pairs = []
    for match in re.finditer(r"\(([^()\s]{2,12})\)", text):
        short = match.group(1)
        if not is_acronym(short):
            continue
        letters = sum(c.isalnum() for c in short)
        before = text[: match.start()].rstrip()
        words = before.split()[-min(letters + 5, letters * 2):]
        window = re.split(r"[.;:,()]", " ".join(words))[-1].strip()
        long = long_form_for(short, window)
        if long and abbreviates(short, long):
            pairs.append((singular_acronym(short), long))
    return pairs


# --- keys labels are compared by ------------------------------------------------------------

@lru_cache(maxsize=262144)
def singular(word: str) -> str:
    """Singular of an English noun; unchanged when it is not a plural."""
    if len(word) <= 3 or not word.isalpha():
        return word
    return singular_noun(word)


@lru_cache(maxsize=262144)
def match_key(label: str) -> str:
    """The form labels are matched in: "Cross-Selling" and "cross selling" and "Bugs"/"Bug" meet.

    Case, NFKC forms, hyphens, slashes, "&"/"and", punctuation and the plural of the last
    word are ignored; word boundaries are kept (see `compact_key` for spacing variants).
    """
    if label.isascii():  # one byte table does both substitutions below
        words = label.lower().replace("&", " and ").encode().translate(
            _ASCII_KEY_SPACES, _ASCII_KEY_DROPS).decode().split()
    else:
        text = clean(label).casefold().replace("&", " and ")
        text = re.sub(r"[-_/]+", " ", text)
        text = re.sub(r"[^\w\s+#]", "", text)
        words = text.split()
    if words:
        words[-1] = singular(words[-1])
    return " ".join(words)


# In ASCII, "-", "_" and "/" part words and every other character but letters, digits,
# whitespace, "+" and "#" goes: what the two substitutions of match_key do there.
_ASCII_KEY_SPACES = bytes(ord(" ") if chr(code) in "-_/" else code for code in range(256))
_ASCII_KEY_DROPS = bytes(code for code in range(128)
                         if not (chr(code).isalnum() or chr(code).isspace() or chr(code) in "+#-_/"))


@lru_cache(maxsize=262144)
def compact_key(label: str) -> str:
    """`match_key` without spaces: "Help Desk", "Helpdesk" and "help-desk" are one key."""
    return match_key(label).replace(" ", "")


# --- what a definition's first words say -----------------------------------------------------

_DETERMINERS = {"a", "an", "the", "any", "each", "every", "this", "these", "those", "one", "some"}
_COPULA = re.compile(r"\b(?:is|are|refers\s+to|means|describes|represents|involves|encompasses|"
                     r"includes)\s+", re.IGNORECASE)
_CLAUSE_BOUNDARY = {"that", "which", "who", "whom", "whose", "where", "when", "whereby", "used",
                    "designed", "to", "by", "through", "via", "between", "within", "across",
                    "from", "among", "where", "while", "because", "if", "such", "like", "as",
                    "in", "on", "at", "for", "with", "about", "and", "or", "is", "are", "it"}
_RELATIVES = {"that", "which", "who", "whom", "whose", "where", "when", "whereby", "how"}
_TRAILING_FUNCTION_WORDS = {"a", "an", "the", "of", "to", "for", "with", "and", "or", "in", "on",
                            "at", "by", "that", "which", "who", "is", "are", "it", "its", "their",
                            "from", "as", "your", "our", "his", "her", "they", "be", "can"}


def first_clause(definition: str) -> str:
    text = clean(definition)
    return re.split(r"(?<!\b[A-Z])[.;:!?](?:\s|$)|[,(—]| - ", text, maxsplit=1)[0].strip()


@lru_cache(maxsize=4096)  # is_metric asks for the phrase and its head of the same text
def genus_phrase(definition: str) -> str:
    """The noun phrase a definition opens with: "A key metric that measures…" -> "key metric".

    A leading "X is/are/refers to" is skipped, so "An agent is a customer service
    representative who…" gives "customer service representative".
    """
    clause = first_clause(definition)
    copula = _COPULA.search(clause, 0, 100)
    subject = clause[: copula.start()].split() if copula else []
    # "X is a …" names its genus after the copula; "The rate at which … are lost" does not
    if copula and len(subject) <= 10 and not _RELATIVES & {w.lower() for w in subject}:
        clause = clause[copula.end():]
    words = re.findall(r"[\w'&/-]+", clause)
    while words and words[0].lower() in _DETERMINERS:
        words = words[1:]
    phrase: list[str] = []
    for word in words:
        if word.lower() in _CLAUSE_BOUNDARY or (word.lower() == "of" and len(phrase) >= 1
                                                 and phrase[-1].lower() == "of"):
            break
        if word.lower() == "of":
            if not phrase:
                break
            # "percentage of customers": the head is before "of"; keep one of-phrase for sense
            phrase.append(word)
            continue
        phrase.append(word)
        if len(phrase) >= 6:
            break
    while phrase and phrase[-1].lower() in _TRAILING_FUNCTION_WORDS:
        phrase.pop()
    return " ".join(phrase)


def genus_head(definition: str) -> str:
    """The head noun of the genus phrase: "percentage of customers" -> "percentage"."""
    phrase = genus_phrase(definition)
    head = phrase.split(" of ")[0].split()
    return singular(head[-1].lower()) if head else ""


def readable_label(definition: str, max_words: int = 8) -> str:
    """A noun phrase standing in for a lost headword: the definition's opening phrase.

    "The rate at which customers stop doing business with a company." ->
    "Rate at which customers stop doing business". Parentheses are dropped; a first clause
    too short to name anything ("Tailoring products, services, …") runs on through its commas.
    """
    text = re.sub(r"\s*\([^()]*\)", "", clean(definition))
    sentence = re.split(r"(?<!\b[A-Z])[.;:!?](?:\s|$)| [-—] ", text, maxsplit=1)[0]
    clause = sentence.split(",", 1)[0]
    content = clause.split()
    while content and content[0].lower() in _DETERMINERS:
        content = content[1:]
    chosen = clause if len(content) >= 4 else sentence
    words = re.findall(r"[\w'’&/-]+,?", chosen)
    while words and words[0].lower() in _DETERMINERS:
        words = words[1:]
    words = words[:max_words]
    while len(words) > 1 and (words[-1].endswith(",")
                              or words[-1].lower() in _TRAILING_FUNCTION_WORDS):
        words[-1] = words[-1].rstrip(",")
        if words[-1].lower() in _TRAILING_FUNCTION_WORDS:
            words.pop()
        else:
            break
    if not words:
        return text[:40] or "untitled"
    label = " ".join(words)
    return label[0].upper() + label[1:]
