"""What a line of a glossary looks like: heading, sentence, list item, letter heading, chatter.

Every reader decides by these layout shapes, never by the words of a particular glossary:
a heading is short and does not end like a sentence; a definition reads like a sentence;
front matter, ads and sign-offs talk about the document or to the reader.
"""

from __future__ import annotations

import re
import unicodedata

import ahocorasick

# Bullets people paste from word processors and web pages, followed by a space.
_BULLET = re.compile(r"^[-*•·▪◦‣∙●○■□➢➤►–—]\s+")
# "1." "12)" "(3)" "4 -" list numbers, and "#12." as scraped from numbered web headings.
_NUMBER = re.compile(r"^(?:#\s*)?(?:\(\d{1,4}\)|\d{1,4}[.)](?!\d)|\d{1,4}\s+[-–—:]\s)\s*")
# A single letter (or a letter range) that opens an A–Z section: "A", "B.", "X–Z", "0-9", "#".
_LETTER_HEADING = re.compile(r"^(?:[A-Za-z]\.?|[A-Za-z]\s*[-–—&/]\s*[A-Za-z]|0\s*[-–—]\s*9|#|\d)$")
_QUOTED = re.compile(r"[\"“”«»][^\"“”«»]{0,400}[\"“”«»]")
_WORD = re.compile(r"[^\W\d_][\w'’-]*")

_MATCH_TRANSLATION = str.maketrans({
    "\u00a0": " ", "\u2007": " ", "\u202f": " ", "\u2009": " ", "\u200b": "",
    "\u2018": "'", "\u2019": "'", "\u201a": "'", "\u201b": "'", "\u2032": "'",
    "\u201c": '"', "\u201d": '"', "\u201e": '"', "\u201f": '"', "\u00ab": '"', "\u00bb": '"',
    "\ufeff": "",
})

# Document talk: the page speaking about itself or to its reader. Each family counts once, so
# a definition that happens to say "our" is not chatter, but "we ... click here" is. Beside a
# family, words at least one of which any match holds (lower-cased): most definitions hold none,
# and one Aho-Corasick pass for all of them costs a fraction of the case-insensitive regex scans.
# ("us" is in "customers": the first family is always scanned.)
_DOCUMENT_TALK = (
    (re.compile(r"\b(?:we|our|ours|us|let['’]s)\b", re.IGNORECASE), ()),
    (re.compile(r"\b(?:this|these|the following|our)\s+(?:\w+\s+){0,3}?(?:glossary|glossaries|"
                r"terms|definitions|list|article|guide|handbook|cheat sheet|post|page|document|"
                r"resource|episode|series|section|department|website|site|blog)\b", re.IGNORECASE),
     ("glossar", "terms", "definitions", "list", "article", "guide", "handbook", "cheat sheet",
      "post", "page", "document", "resource", "episode", "series", "section", "department",
      "site", "blog")),
    (re.compile(r"\b(?:here (?:are|is)|read more|learn more|click|subscribe|sign up|"
                r"download|message us|contact us|check out|follow us|share this|welcome to)\b",
                re.IGNORECASE),
     ("here ", "read more", "learn more", "click", "subscribe", "sign up", "download",
      "message us", "contact us", "check out", "follow us", "share this", "welcome to")),
    (re.compile(r"\b(?:glossary|glossaries|dictionary|terminology|lexicon|jargon|"
                r"a[-–]z)\b", re.IGNORECASE),
     ("glossar", "dictionary", "terminology", "lexicon", "jargon", "a-z")),
    (re.compile(r"\b(?:written|edited|posted|published|compiled|reviewed)\s+(?:&\s+\w+\s+)?by\b|©|"
                r"\ball rights reserved\b|\bcopyright\b", re.IGNORECASE),
     ("written", "edited", "posted", "published", "compiled", "reviewed", "all rights reserved",
      "copyright")),
)


def _talk_words() -> ahocorasick.Automaton:
    """Each family's words -> the families (indices into _DOCUMENT_TALK) a word hints at."""
    automaton = ahocorasick.Automaton()
    for word in sorted({word for _, words in _DOCUMENT_TALK for word in words}):
        automaton.add_word(word, frozenset(index for index, (_, words) in enumerate(_DOCUMENT_TALK)
                                           if word in words))
    automaton.make_automaton()
    return automaton


_TALK_WORDS = _talk_words()
# For ASCII text, where case-insensitive is lower-cased: scanning lower-cased text is faster.
_LOWER_CASE_TALK = tuple(re.compile(pattern.pattern) for pattern, _ in _DOCUMENT_TALK)
# Words a title uses to name the document as a glossary.
_META_TITLE = re.compile(r"\b(?:glossary|glossaries|dictionary|terms|words|terminology|vocabulary|"
                         r"handbook|cheat sheet|"
                         r"definitions|lexicon|jargon|a\s*[-–]\s*z)\b", re.IGNORECASE)


def for_matching(text: str) -> str:
    """Text compared, never shown: NBSP and typographic quotes folded, spaces collapsed, casefolded."""
    if text.isascii():  # NFC and the table change nothing in ASCII, where casefold is lower
        return " ".join(text.split()).lower()
    text = unicodedata.normalize("NFC", text).translate(_MATCH_TRANSLATION)
    return " ".join(text.split()).casefold()


_LAYOUT_SPACE = re.compile(r"[^\S\u00a0\u202f\u2007]+")


def squash(text: str) -> str:
    """Layout whitespace runs to one space, ends stripped: what a reader stores.

    A no-break space inside the text was typed on purpose ("10\u00a0km") and is kept for what
    users see; for_matching folds it."""
    if text.isascii():  # no no-break space to keep: every whitespace run is layout
        return " ".join(text.split())
    return _LAYOUT_SPACE.sub(" ", text).strip()


def strip_bullet(text: str) -> tuple[bool, str]:
    match = _BULLET.match(text)
    return (True, text[match.end():]) if match else (False, text)


def strip_number(text: str) -> tuple[int | None, str]:
    """(the list number, the rest) of "12. Term"; (None, text) when there is no number."""
    match = _NUMBER.match(text)
    if match and match.end() < len(text):
        return int(re.search(r"\d+", match.group()).group()), text[match.end():]
    return None, text


def strip_site_suffix(text: str) -> str:
    """'Chatbot | Some Site Name' -> 'Chatbot': web page titles append the site after a bar."""
    head, bar, _ = text.partition(" | ")
    return head.rstrip() if bar and head.strip() else text


def is_letter_heading(text: str) -> bool:
    return bool(_LETTER_HEADING.match(text.strip()))


def ends_like_sentence(text: str) -> bool:
    return _ends_with(text, ".!?;,")


def ends_with_full_stop(text: str) -> bool:
    return _ends_with(text, ".!?")


_CLOSERS = "\"'”’»)]"


def _ends_with(text: str, marks: str) -> bool:
    """The text ends in one of the marks, then only closing quotes and brackets: read from the
    end, where a regex search would try every position of the text."""
    text = text.rstrip().rstrip(_CLOSERS)
    return bool(text) and text[-1] in marks


def words(text: str) -> list[str]:
    return _WORD.findall(text)


def brackets_balance(text: str) -> bool:
    for opening, closing in ("()", "[]", "{}"):
        if text.count(opening) != text.count(closing):
            return False
    return True


def is_heading_shaped(text: str, max_words: int = 12, max_chars: int = 100) -> bool:
    """Short, not ending like a sentence, not starting lower-case like running text."""
    text = text.strip().rstrip(":").strip()
    if not text or len(text) > max_chars or ends_like_sentence(text):
        return False
    tokens = text.split()
    if len(tokens) > max_words:
        return False
    first = tokens[0]
    # "eNPS", "iOS" are headwords; "the time it takes" is running text.
    if first[0].islower() and not any(c.isupper() for c in first[1:]):
        return len(tokens) == 1
    # "A person who helps customers" lost its full stop but still reads as a sentence.
    lower = sum(1 for token in tokens[1:] if token[0].islower())
    return not (len(tokens) >= 5 and lower * 2 >= len(tokens))


def looks_like_title_case(text: str) -> bool:
    """Every word of four or more letters capitalised: a title, not a definition."""
    has_long_words = False
    for match in _WORD.finditer(text):  # a definition shows a lower-case word early: stop there
        word = match.group()
        if len(word) >= 4:
            if not word[0].isupper():
                return False
            has_long_words = True
    return has_long_words


def document_talk(text: str) -> int:
    """How many kinds of self-reference or reader address the text holds (quotations ignored)."""
    text = _QUOTED.sub(" ", text)
    if not text.isascii():
        # Case-insensitive matching is more than lower-casing outside ASCII ("ſ" matches "s",
        # the Kelvin sign "k"), so the words are no sure filter there.
        return sum(1 for pattern, _ in _DOCUMENT_TALK if pattern.search(text))
    lowered = text.lower()
    hinted: set[int] = set()
    for _, families in _TALK_WORDS.iter(lowered):
        hinted.update(families)
    return _speaks_as_we(lowered) + sum(
        1 for index, (_, words) in enumerate(_DOCUMENT_TALK)
        if words and index in hinted and _LOWER_CASE_TALK[index].search(lowered))


# ASCII characters that are not word characters (\w) -> space
_ASCII_WORD_BREAKS = bytes(code if code < 128 and (chr(code).isalnum() or chr(code) == "_")
                           else ord(" ") for code in range(256))


def _speaks_as_we(lowered: str) -> bool:
    """The first family ("we", "our", "us", "let's" as whole words) in lower-case ASCII: with
    every non-word character a space, a whole word is the word between spaces."""
    words = f" {lowered.encode().translate(_ASCII_WORD_BREAKS).decode()} "
    if " we " in words or " our " in words or " ours " in words or " us " in words:
        return True
    return " let s " in words and _LOWER_CASE_TALK[0].search(lowered) is not None


# Headings of an article's own sections, which close (or open) the glossary, never define.
_ARTICLE_SECTION = re.compile(r"^(?:conclusion|in conclusion|summary|final thoughts|wrapping up|"
                              r"in closing|about the author|about us|related (?:posts|articles|terms)|"
                              r"further reading|references|resources|next steps|table of contents|"
                              r"contents|introduction)\b", re.IGNORECASE)


def is_article_section(heading: str) -> bool:
    return bool(_ARTICLE_SECTION.match(heading.strip()))


def names_the_document(title: str) -> bool:
    return bool(_META_TITLE.search(title))
