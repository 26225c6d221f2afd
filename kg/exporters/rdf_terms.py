"""IRIs and RDF terms for the RDF exporters, written as N-Triples text.

Exporters make each triple as one N-Triples line (`statement`); rdf_write sorts the lines,
kg.exporters.turtle rewrites them as Turtle, and pyoxigraph turns a file into the other syntaxes. Strings are the fastest thing Python makes
and sorts: a million triples in about a second, where building term objects took ten.

Every node kg writes is named from slugs under the scheme's base IRI, so IRIs are
deterministic and survive rebuilds as long as the slugs do:

    BASE + concept key            a concept (the SKOS namespace every tool sees)
    BASE without its final / or # the concept scheme
    BASE + "source/" + key        a glossary file
    BASE + "entry/" + entry id    one entry of a glossary file
    BASE + "evidence/" + …        why one inferred edge exists

The scheme sits outside the concept namespace on purpose: no concept slug can ever collide
with it, and iQvoc, whose importer creates an object for every typed subject under its
default namespace and skips the rest, does not mistake it for a concept.
"""

from __future__ import annotations

import re
from decimal import Decimal
from collections.abc import Callable
from functools import lru_cache

from kg.errors import InputError
from kg.model import Edge, Scheme
from kg.vocabulary import PREFIXES, kg_term

# rdf:type is written as this control character so that sorting the lines puts it first
# within its subject (Turtle's `a`, RDF/XML's typed element); rdf_write swaps it back.
# Literals never contain it: `_escape` replaces every control character.
RDF_TYPE = "\x01"
RDF_TYPE_IRI = PREFIXES["rdf"] + "type"

# BCP 47 in the shape RDF accepts; checked here so a bad manifest language is a located
# error instead of a syntax error deep in the serialiser.
_LANGUAGE_TAG = re.compile(r"^[a-zA-Z]{1,8}(-[a-zA-Z0-9]{1,8})*$")
_SAFE_IRI = re.compile(r"^https?://[^\s<>\"{}|\\^`\x00-\x20]+$")
_ESCAPES = {ord('"'): '\\"', ord("\\"): "\\\\", ord("\n"): "\\n", ord("\r"): "\\r", ord("\t"): "\\t"}
# Characters XML 1.0 cannot hold at all, not even as &#…; references: RDF/XML (TemaTres) would
# be unreadable, so every syntax writes the same stand-in and all files keep the same triples.
# A control character in glossary text is a page break or a scraping accident: a space;
# non-characters and lone surrogates (undecodable bytes) are dropped.
_ESCAPES.update({c: " " for c in range(0x20) if c not in _ESCAPES})
_ESCAPES.update({0xFFFE: "", 0xFFFF: "", **{c: "" for c in range(0xD800, 0xE000)}})


def iri(value: str) -> str:
    return f"<{value}>"


def ns(prefix: str, name: str) -> str:
    return f"<{PREFIXES[prefix]}{name}>"


def skos(name: str) -> str:
    return ns("skos", name)


def dct(name: str) -> str:
    return ns("dct", name)


def kg_node(name: str) -> str:
    return f"<{kg_term(name)}>"


def statement(subject: str, predicate: str, obj: str) -> str:
    return f"{subject} {predicate} {obj} .\n"


def is_safe_iri(value: str) -> bool:
    """An http(s) IRI every syntax writes as is (no space, no character that needs escaping)."""
    return bool(_SAFE_IRI.match(value))


def scheme_iri(scheme: Scheme) -> str:
    return scheme.base_iri.rstrip("/#")


def concept_iri(scheme: Scheme, key: str) -> str:
    return scheme.base_iri + key


def source_iri(scheme: Scheme, key: str) -> str:
    return f"{scheme.base_iri}source/{key}"


def entry_iri(scheme: Scheme, entry_id: str) -> str:
    return f"{scheme.base_iri}entry/{_path_safe(entry_id)}"


def evidence_slug(edge: Edge) -> str:
    """Readable and unique per (source, kind, target, method); callers add -2… for repeats."""
    return f"{edge.source}--{edge.kind.replace('_', '-')}--{edge.target}--{_method_slug(edge.evidence.method)}"


@lru_cache(maxsize=None)
def _method_slug(method: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", method.lower()).strip("-") or "rule"


def evidence_iri(scheme: Scheme, slug: str) -> str:
    return f"{scheme.base_iri}evidence/{slug}"


def _path_safe(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9._~-]+", "-", text)


def _escape(value: str) -> str:
    # Nearly every text needs no escape: every character _ESCAPES maps is a quote, a backslash
    # or not printable (controls, surrogates, non-characters), and these scans cost less than
    # translate's copy of each of a build's million literals.
    if '"' not in value and "\\" not in value and value.isprintable():
        return value
    if "\r" in value:  # XML parsers read a carriage return as a line feed: write what they read
        value = value.replace("\r\n", "\n").replace("\r", "\n")
    return value.translate(_ESCAPES)


@lru_cache(maxsize=None)
def checked_language(language: str) -> str:
    """The tag in lower case, as pyoxigraph writes it in every other syntax: tags ignore case
    (BCP 47), and each file of an export then holds the same bytes for it."""
    if not _LANGUAGE_TAG.match(language):
        raise InputError(f"'{language}' is not a language tag",
                         hint="use a BCP 47 tag such as en, de or pt-BR in the manifest")
    return language.lower()


def lang_text(value: str, language: str) -> str:
    return f'"{_escape(value)}"@{checked_language(language)}'


def plain(value: str) -> str:
    return f'"{_escape(value)}"'


def typed(value: str, datatype: str) -> str:
    return f'"{_escape(value)}"^^<{PREFIXES["xsd"]}{datatype}>'


def integer(value: int) -> str:
    return typed(str(int(value)), "integer")


@lru_cache(maxsize=4096)  # a build has a few hundred distinct confidences at most
def decimal(value: float) -> str:
    """A float as a short, exact xsd:decimal: 0.9, not 0.90000000000000002."""
    text = format(Decimal(repr(round(float(value), 6))).normalize(), "f")
    return typed(text if "." in text else text + ".0", "decimal")


def boolean(value: bool) -> str:
    return typed("true" if value else "false", "boolean")


def date_time(value: str) -> str:
    return typed(value, "dateTime")


class NTriplesTerms:
    """How the exporters' templates write terms in N-Triples (kg.exporters.turtle.TurtleTerms
    does the same for Turtle): an exporter that renders whole nodes from a template (an entry,
    an evidence node) is written once for both syntaxes."""

    def name(self, iri: str) -> str:
        """An IRI (without brackets) as a term."""
        return f"<{iri}>"

    def names_under(self, stem: str) -> Callable[[str], str]:
        """`name` for the IRIs `stem + rest` of a family of nodes, each met once."""
        return lambda rest: f"<{stem}{rest}>"

    def term(self, term: str) -> str:
        """An N-Triples term (IRI or literal) as written here: as it is."""
        return term

    def block(self, fields: list[tuple[str, str]]) -> str:
        """A format template for a node: (N-Triples predicate, placeholder) pairs in line order,
        one object per predicate or several joined by `objects`; `{node}` is the subject."""
        return "".join(f"{{node}} {predicate} {value} .\n" for predicate, value in fields)

    def objects(self, node: str, predicate: str, objects: list[str]) -> str:
        """Several objects of one predicate, in line order, for one placeholder of `block`."""
        return f" .\n{node} {predicate} ".join(objects)


N_TRIPLES = NTriplesTerms()
