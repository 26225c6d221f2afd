"""Reading an RDF file for the checks: its syntax, its triples, and the index the profile checks read."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from pathlib import Path

import pyoxigraph

from kg.errors import InputError
from kg.vocabulary import PREFIXES

SKOS = PREFIXES["skos"]
RDF_TYPE = PREFIXES["rdf"] + "type"
FORMATS = {".ttl": "ttl", ".nt": "nt", ".rdf": "rdf", ".xml": "rdf", ".owl": "rdf", ".jsonld": "jsonld",
           ".json": "jsonld"}
_PYOXIGRAPH_FORMATS = {"ttl": pyoxigraph.RdfFormat.TURTLE, "nt": pyoxigraph.RdfFormat.N_TRIPLES,
                       "rdf": pyoxigraph.RdfFormat.RDF_XML, "jsonld": pyoxigraph.RdfFormat.JSON_LD}


def format_of(path: Path) -> str:
    extension = FORMATS.get(path.suffix.lower())
    if extension is None:
        raise InputError(f"cannot tell the RDF syntax of '{path.suffix}' files", path=str(path),
                         hint=f"use one of {', '.join(sorted(FORMATS))}")
    return extension


def parse_triples(content: bytes, syntax: str, name: str) -> list[pyoxigraph.Triple]:
    try:
        return [q.triple for q in pyoxigraph.parse(content, format=_PYOXIGRAPH_FORMATS[syntax])]
    except (SyntaxError, ValueError) as error:
        raise syntax_error(error, syntax, name) from None


def syntax_error(error: SyntaxError | ValueError, syntax: str, name: str) -> InputError:
    return InputError(f"not valid {syntax}: {error}".splitlines()[0], path=name, line=getattr(error, "lineno", None),
                      hint="check the file is complete and in the syntax its extension says")


class Blank(str):
    """A blank node's label: a string like an IRI's (the checks follow both alike), told apart only
    where a message writes the term. Labels never contain ':' and IRIs always do, so none is equal."""

    __slots__ = ()


def value_of(term) -> str:
    """What pyoxigraph's `.value` gives: the IRI or label for a node, the lexical form for a literal."""
    return term if isinstance(term, str) else term.value


def term_text(term) -> str:
    """The term as pyoxigraph writes it (`<iri>`, `_:label`, `"text"@en`)."""
    if isinstance(term, Blank):
        return f"_:{term}"
    return f"<{term}>" if isinstance(term, str) else str(term)


class Index:
    """The triples grouped by property, then subject, objects in file order: every check reads a
    few properties, each over all subjects.

    Subjects and IRIs are plain strings and blank nodes `Blank` strings, not pyoxigraph terms:
    reading `.value` makes a new string each time, and a million live terms cost the collector
    more than the checks. Literals (and RDF 1.2 triple terms) stay as parsed, compared as RDF
    compares them."""

    def __init__(self) -> None:
        self.by_property: dict[str, dict[str, list]] = {}
        self.valued: set[str] = set()  # the properties with an object that is no IRI or blank node
        self.count = 0
        self._members: dict[str, set[str]] | None = None
        self._values: dict[tuple[str, str], set[str]] = {}

    def subjects(self, predicate: str) -> dict[str, list]:
        return self.by_property.get(predicate, {})

    def objects(self, subject: str, predicate: str) -> list:
        return self.by_property.get(predicate, {}).get(subject, [])

    def values(self, subject: str, predicate: str) -> set[str]:
        """The objects' values as a set, made once: a hub's thousand narrower links are
        looked up once per child, which a scan of the list would make quadratic."""
        key = (subject, predicate)
        found = self._values.get(key)
        if found is None:
            found = self._values[key] = {value_of(o) for o in self.objects(subject, predicate)}
        return found

    def has_value(self, subject: str, predicate: str, value: str) -> bool:
        """`value in self.values(subject, predicate)`, without making a set for a short list."""
        objects = self.objects(subject, predicate)
        if len(objects) > 8:
            return value in self.values(subject, predicate)
        return value in objects or any(not isinstance(o, str) and value_of(o) == value for o in objects)

    def members(self, class_iri: str) -> set[str]:
        """The subjects typed `class_iri` (don't change the set: it is kept)."""
        if self._members is None:
            self._members = defaultdict(set)
            for subject, types in self.subjects(RDF_TYPE).items():
                for value in types:
                    self._members[value if type(value) is str else value_of(value)].add(subject)
        return self._members.get(class_iri, set())

    def subjects_of_type(self, class_iri: str) -> list[str]:
        return sorted(self.members(class_iri))


def index_triples(triples: Iterable[pyoxigraph.Triple | pyoxigraph.Quad]) -> Index:
    """The triples (or the parser's quads, graph names aside) as an `Index`.

    Each IRI is kept as one string object however often it occurs: the checks look concepts
    up in dictionaries a million times, and a key that is the very object stored needs no
    comparison of characters."""
    index = Index()
    by_property, valued = index.by_property, index.valued
    named, blank = pyoxigraph.NamedNode, pyoxigraph.BlankNode
    same: dict[str, str] = {}
    subject = ""
    count = 0
    for triple in triples:
        predicate = triple.predicate.value
        obj = triple.object
        kind = type(obj)
        if kind is named:
            obj = obj.value
            obj = same.setdefault(obj, obj)
        elif kind is blank:
            obj = Blank(obj.value)
        else:
            valued.add(predicate)
        subjects = by_property.get(predicate)
        if subjects is None:
            subjects = by_property[predicate] = {}
        value = triple.subject.value
        if value != subject:  # a subject's triples come together in Turtle
            subject = same.setdefault(value, value)
        objects = subjects.get(subject)
        if objects is None:
            subjects[subject] = [obj]
        else:
            objects.append(obj)
        count += 1
    index.count = count
    return index


def parse_index(content: bytes, syntax: str, name: str) -> Index:
    """`index_triples(parse_triples(...))` without the list of triples: the parser's terms are read once
    and dropped, which at a million triples saves more than a second."""
    try:
        return index_triples(pyoxigraph.parse(content, format=_PYOXIGRAPH_FORMATS[syntax]))
    except (SyntaxError, ValueError) as error:
        raise syntax_error(error, syntax, name) from None
