"""IRIs and RDF terms shared by the RDF exporters, as pyoxigraph terms (fast to make in bulk).

Every node kg writes is named from slugs under the scheme's base IRI, so IRIs are
deterministic and survive rebuilds as long as the slugs do:

    BASE + concept key            a concept (the SKOS namespace every tool sees)
    BASE without its final / or # the concept scheme
    BASE + "source/" + key        a glossary file
    BASE + "entry/" + entry id    one entry of a glossary file
    BASE + "evidence/" + …        why one inferred edge exists
"""

from __future__ import annotations

import re
from decimal import Decimal
from functools import lru_cache

from pyoxigraph import Literal, NamedNode

from kg.errors import InputError
from kg.model import Edge, Scheme
from kg.vocabulary import PREFIXES, kg_term

SKOS_NS = PREFIXES["skos"]
DCT_NS = PREFIXES["dct"]
RDF_NS = PREFIXES["rdf"]
XSD_NS = PREFIXES["xsd"]

RDF_TYPE = NamedNode(RDF_NS + "type")
RDF_VALUE = NamedNode(RDF_NS + "value")
XSD_INTEGER = NamedNode(XSD_NS + "integer")
XSD_DECIMAL = NamedNode(XSD_NS + "decimal")
XSD_BOOLEAN = NamedNode(XSD_NS + "boolean")
XSD_DATETIME = NamedNode(XSD_NS + "dateTime")

# BCP 47 in the shape RDF accepts; checked here so a bad manifest language is a located
# error instead of pyoxigraph's bare ValueError deep in an exporter.
_LANGUAGE_TAG = re.compile(r"^[a-zA-Z]{1,8}(-[a-zA-Z0-9]{1,8})*$")
_SLUG = re.compile(r"^[a-z][a-z0-9-]*$")


def skos(name: str) -> NamedNode:
    return NamedNode(SKOS_NS + name)


def dct(name: str) -> NamedNode:
    return NamedNode(DCT_NS + name)


def ns(prefix: str, name: str) -> NamedNode:
    return NamedNode(PREFIXES[prefix] + name)


def kg_node(name: str) -> NamedNode:
    return NamedNode(kg_term(name))


def scheme_iri(scheme: Scheme) -> str:
    return scheme.base_iri.rstrip("/#")


def concept_iri(scheme: Scheme, key: str) -> str:
    return scheme.base_iri + key


def source_iri(scheme: Scheme, key: str) -> str:
    return f"{scheme.base_iri}source/{key}"


def entry_iri(scheme: Scheme, entry_id: str) -> str:
    return f"{scheme.base_iri}entry/{entry_id}"


def evidence_slug(edge: Edge) -> str:
    """Readable and unique per (source, kind, target, method); callers add -2… for repeats."""
    method = re.sub(r"[^a-z0-9]+", "-", edge.evidence.method.lower()).strip("-") or "rule"
    kind = edge.kind.replace("_", "-")
    return f"{edge.source}--{kind}--{edge.target}--{method}"


def evidence_iri(scheme: Scheme, slug: str) -> str:
    return f"{scheme.base_iri}evidence/{slug}"


def is_slug(text: str) -> bool:
    return bool(_SLUG.match(text))


@lru_cache(maxsize=None)
def checked_language(language: str) -> str:
    if not _LANGUAGE_TAG.match(language):
        raise InputError(f"'{language}' is not a language tag",
                         hint="use a BCP 47 tag such as en, de or pt-BR in the manifest")
    return language


def lang_text(value: str, language: str) -> Literal:
    return Literal(value, language=checked_language(language))


def plain(value: str) -> Literal:
    return Literal(value)


def integer(value: int) -> Literal:
    return Literal(str(int(value)), datatype=XSD_INTEGER)


def decimal(value: float) -> Literal:
    """A float as a short, exact xsd:decimal: 0.9, not 0.90000000000000002."""
    number = Decimal(repr(round(float(value), 6))).normalize()
    text_form = format(number, "f")
    if "." not in text_form:
        text_form += ".0"
    return Literal(text_form, datatype=XSD_DECIMAL)


def boolean(value: bool) -> Literal:
    return Literal("true" if value else "false", datatype=XSD_BOOLEAN)


def date_time(value: str) -> Literal:
    return Literal(value, datatype=XSD_DATETIME)
