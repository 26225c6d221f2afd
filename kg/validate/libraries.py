"""The checks by libraries: our SHACL shapes with pySHACL, and Skosify. Both work on rdflib graphs
and take minutes on a million triples, so they run on small files only (kg/config.py)."""

from __future__ import annotations

import logging
from collections.abc import Iterable
from typing import TYPE_CHECKING

import pyoxigraph

from kg.validate.report import Problem
from kg.vocabulary import ONTOLOGY_FILE, SHAPES_FILE

# rdflib (with pySHACL and Skosify) is needed only for the library checks of small files;
# importing it costs every build a third of a second, so the functions that use it import it.
if TYPE_CHECKING:
    import rdflib


def to_rdflib(triples: Iterable[pyoxigraph.Triple]) -> rdflib.Graph:
    import rdflib
    from rdflib import URIRef

    graph = rdflib.Graph()
    for triple in triples:
        graph.add((_rdflib_term(triple.subject), URIRef(triple.predicate.value), _rdflib_term(triple.object)))
    return graph


def _rdflib_term(term):
    from rdflib import BNode, URIRef
    from rdflib import Literal as RdfLiteral

    if isinstance(term, pyoxigraph.NamedNode):
        return URIRef(term.value)
    if isinstance(term, pyoxigraph.BlankNode):
        return BNode(term.value)
    if term.language:
        return RdfLiteral(term.value, lang=term.language)
    return RdfLiteral(term.value, datatype=URIRef(term.datatype.value))


def shacl_problems(graph: rdflib.Graph) -> list[Problem]:
    import rdflib
    from pyshacl import validate as shacl_validate  # slow to import: only when used
    from rdflib import URIRef

    shapes = rdflib.Graph().parse(SHAPES_FILE, format="turtle")
    ontology = rdflib.Graph().parse(ONTOLOGY_FILE, format="turtle")
    _, results, _ = shacl_validate(graph, shacl_graph=shapes, ont_graph=ontology, inference="rdfs",
                                   allow_warnings=True)
    sh = rdflib.Namespace("http://www.w3.org/ns/shacl#")
    problems = []
    for result in results.subjects(rdflib.RDF.type, sh.ValidationResult):
        focus = results.value(result, sh.focusNode)
        path = results.value(result, sh.resultPath)
        message = results.value(result, sh.resultMessage)
        severity = "warning" if results.value(result, sh.resultSeverity) != sh.Violation else "violation"
        where = f"<{focus}>" + (f" {graph.namespace_manager.normalizeUri(path)}" if isinstance(path, URIRef) else "")
        problems.append(Problem("shacl", f"{where}: {message}", severity))
    return sorted(problems, key=lambda p: p.message)


class _Capture(logging.Handler):
    def __init__(self):
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


def skosify_problems(graph: rdflib.Graph) -> list[Problem]:
    """Skosify logs through the root logger; a warning there is a problem it had to fix or flag."""
    import skosify
    from rdflib import BNode
    from rdflib.compare import isomorphic

    capture = _Capture()
    root = logging.getLogger()
    level = root.level
    root.addHandler(capture)
    root.setLevel(min(level or logging.WARNING, logging.WARNING))
    try:
        # Given a Graph (never a path: on a file it cannot parse, Skosify calls sys.exit).
        result = skosify.skosify(graph)
    finally:
        root.removeHandler(capture)
        root.setLevel(level)
    problems = [Problem("skosify", message) for message in sorted(set(capture.messages))]
    if not any(isinstance(t, BNode) for triple in graph for t in triple):
        missing, extra = set(graph) - set(result), set(result) - set(graph)
        same = not missing and not extra
    else:
        same = isomorphic(graph, result)
        missing = extra = set()
    if not same:
        detail = "; ".join(f"{label} {s.n3()} {p.n3()} {o.n3()}" for label, triples in
                           (("added", extra), ("removed", missing)) for s, p, o in sorted(triples)[:5])
        problems.append(Problem("skosify", f"Skosify changed the graph ({len(extra)} triples added, "
                                f"{len(missing)} removed){': ' + detail if detail else ''}"))
    return problems
