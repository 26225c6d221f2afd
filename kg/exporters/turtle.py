"""Turtle written straight from the exporters' subject groups, in the layout pyoxigraph writes.

The full graph's Turtle used to be converted by pyoxigraph from the sorted N-Triples
(rdf_write.convert). At 100,000 concepts that took 4 to 6 s of CPU in a worker, nearly all of
it making a Python object for each of 4.4 million triples and reading it back, plus writing
and re-reading an 840 MB N-Triples file that is not an export. Here the exporters' lines are
already strings: turning a line into Turtle is a split and two dictionary lookups, and the
regular evidence and entry nodes come as ready Turtle blocks (`TurtleTerms.block`).

The layout is pyoxigraph's, so the file is the same whoever writes it: one subject per
statement, its predicates after ` ;\\n\\t`, repeated objects after ` , `, `a` for rdf:type,
an IRI as prefix:local where a prefix covers it and the rest is a valid local name (the
longest prefix first), integers, decimals, doubles and booleans bare, xsd:string untyped. Literals keep their
N-Triples escapes, which Turtle reads alike; only DEL, which N-Triples leaves raw, is written
as \\u007F as pyoxigraph does.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from typing import BinaryIO

from kg.exporters.rdf_terms import RDF_TYPE, RDF_TYPE_IRI
from kg.exporters.rdf_write import FLUSH_CHARS, Group, Cut, by_subject

_XSD = "http://www.w3.org/2001/XMLSchema#"
_STRING = f"{_XSD}string"
_BARE = {  # datatypes Turtle writes as bare tokens, when the lexical form fits its grammar
    f"{_XSD}integer": re.compile(r"[+-]?[0-9]+\Z"),
    f"{_XSD}decimal": re.compile(r"[+-]?[0-9]*\.[0-9]+\Z"),
    f"{_XSD}double": re.compile(r"[+-]?(?:[0-9]+\.[0-9]*|\.[0-9]+|[0-9]+)[eE][+-]?[0-9]+\Z"),
    f"{_XSD}boolean": re.compile(r"(?:true|false)\Z"),
}

# Turtle's PN_CHARS_BASE, PN_CHARS_U and PN_CHARS (grammar rules 163s-166s).
_BASE = ("A-Za-z\u00C0-\u00D6\u00D8-\u00F6\u00F8-\u02FF\u0370-\u037D\u037F-\u1FFF\u200C-\u200D"
         "\u2070-\u218F\u2C00-\u2FEF\u3001-\uD7FF\uF900-\uFDCF\uFDF0-\uFFFD\U00010000-\U000EFFFF")
_FIRST = re.compile(f"[{_BASE}_:0-9]")
_INNER = re.compile(f"[{_BASE}_:0-9\\-\u00B7\u0300-\u036F\u203F-\u2040]")
_ESCAPABLE = frozenset("_~.-!$&'()*+,;=/?#@%")
# Local names made only of these need no escape but a slash's: nearly every name kg writes.
_PLAIN_LOCAL = re.compile(r"[A-Za-z0-9_][A-Za-z0-9_\-/]*\Z")


def local_name(text: str) -> str | None:
    """`text` as a Turtle local name, escaped where it must be; None where it cannot be one."""
    if _PLAIN_LOCAL.match(text):
        return text.replace("/", "\\/")
    out = []
    last = len(text) - 1
    for i, char in enumerate(text):
        if (_FIRST if i == 0 else _INNER).match(char) or (char == "." and 0 < i < last):
            out.append(char)
        elif char in _ESCAPABLE:
            out.append("\\" + char)
        else:
            return None
    return "".join(out) if out else None


class TurtleTerms:
    """N-Triples terms and IRIs as Turtle writes them under `prefixes` (name -> namespace)."""

    def __init__(self, prefixes: dict[str, str]):
        self.prefixes = prefixes
        # the longest namespace first, as pyoxigraph tries them
        self._namespaces = sorted(((namespace, name) for name, namespace in prefixes.items()),
                                  key=lambda pair: (-len(pair[0]), pair[1]))
        self._predicates: dict[str, str] = {RDF_TYPE: "a", f"<{RDF_TYPE_IRI}>": "a"}
        self._terms: dict[str, str] = {}
        self._names: dict[str, str] = {}

    def header(self) -> str:
        return "".join(sorted(f"@prefix {name}: <{namespace}> .\n"
                              for name, namespace in self.prefixes.items()))

    def name(self, iri: str) -> str:
        """An IRI (without brackets) as a prefixed name, or as <iri>."""
        known = self._names.get(iri)
        if known is None:
            known = self._names[iri] = self._name(iri)
        return known

    def names_under(self, stem: str) -> Callable[[str], str]:
        """A quick `name` for a family of IRIs met once each (evidence and entry nodes):
        `render(rest)` names the IRI `stem + rest`, without keeping it."""
        if any(len(namespace) > len(stem) and namespace.startswith(stem) for namespace, _ in self._namespaces):
            return lambda rest: self._name(stem + rest)  # a namespace inside the family: ask each
        covering = [(namespace, prefix) for namespace, prefix in self._namespaces if stem.startswith(namespace)]
        if not covering:
            return lambda rest: f"<{stem}{rest}>"
        namespace, prefix = covering[0]  # the longest, which `_name` tries first
        head = stem[len(namespace):]

        def render(rest: str) -> str:
            local = head + rest
            if local and _PLAIN_LOCAL.match(local):
                return f"{prefix}:{local.replace('/', chr(92) + '/')}"
            return self._name(stem + rest)

        return render

    def _name(self, iri: str) -> str:
        for namespace, prefix in self._namespaces:
            if iri.startswith(namespace):
                if len(iri) == len(namespace):
                    return f"{prefix}:"
                local = local_name(iri[len(namespace):])
                if local is not None:
                    return f"{prefix}:{local}"
        return f"<{iri}>"

    def predicate(self, term: str) -> str:
        """An N-Triples predicate (or rdf_terms.RDF_TYPE) in Turtle: rdf:type is `a`."""
        known = self._predicates.get(term)
        if known is None:
            known = self._predicates[term] = self.term(term)
        return known

    def term(self, term: str) -> str:
        """An N-Triples term (IRI or literal) in Turtle."""
        if term[0] == "<":
            known = self._terms.get(term)
            if known is None:
                known = self._terms[term] = self.name(term[1:-1])
            return known
        if term[-1] == ">":  # a typed literal
            known = self._terms.get(term)
            if known is None:
                known = self._terms[term] = self._typed(term)
            return known
        return term if "\x7f" not in term else term.replace("\x7f", "\\u007F")

    def _typed(self, term: str) -> str:
        lexical, _, datatype = term.rpartition("^^")
        datatype = datatype[1:-1]
        if datatype == _STRING:  # the same literal as a plain one
            return self.term(lexical)
        bare = _BARE.get(datatype)
        value = lexical[1:-1]
        if bare is not None and bare.match(value):
            return value
        return f"{self.term(lexical)}^^{self.name(datatype)}"

    def lines(self, subject: str, lines: list[str]) -> str:
        """One subject's sorted, distinct N-Triples lines as a Turtle statement."""
        terms, term, predicate_term = self._terms, self.term, self.predicate
        skip = len(subject) + 1
        parts = [term(subject)]
        current = None
        for line in lines:
            predicate, obj = line[skip:-3].split(" ", 1)
            if obj[0] == '"' and obj[-1] != ">" and "\x7f" not in obj:  # untyped literal: as it is
                written = obj
            else:
                written = terms.get(obj) or term(obj)
            if predicate == current:
                parts.append(" , " + written)
            else:
                parts.append((" ;\n\t" if current is not None else " ") + predicate_term(predicate) + " "
                             + written)
                current = predicate
        parts.append(" .\n")
        return "".join(parts)

    def block(self, fields: list[tuple[str, str]]) -> str:
        """A format template for a node: (N-Triples predicate, placeholder) pairs in N-Triples
        line order, one object per predicate or several joined by `objects`; `{node}` is the
        subject (see rdf_terms.NTriplesTerms)."""
        return "{node} " + " ;\n\t".join(f"{self.predicate(predicate)} {value}"
                                           for predicate, value in fields) + " .\n"

    def objects(self, node: str, predicate: str, objects: list[str]) -> str:
        """Several objects of one predicate, in line order, for one placeholder of `block`."""
        return " , ".join(objects)


def write_turtle(groups: Iterable[Group], out: BinaryIO, terms: TurtleTerms,
                 cut: Cut | None = None) -> None:
    """Write `groups`, sorted by subject term as for rdf_write.write_ntriples, as Turtle: line
    groups are converted here, blocks must already be Turtle (`TurtleTerms.block`). An empty
    graph is an empty file, as pyoxigraph writes it. `cut`: see rdf_write.Cut."""
    pending: list[str] = []
    size = 0
    subjects = 0
    for subject, content in by_subject(groups):
        if not subjects:  # the prefixes go before the first statement
            pending.append(terms.header())
        text = content if type(content) is str else terms.lines(subject, content)
        pending.append(text)
        size += len(text)
        subjects += 1
        if size > FLUSH_CHARS:
            out.write("".join(pending).encode("utf-8"))
            pending, size = [], 0
            if cut is not None:
                cut.passing(subjects, out)
    out.write("".join(pending).encode("utf-8"))
