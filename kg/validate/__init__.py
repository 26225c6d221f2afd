"""Does an RDF file import cleanly into taxonomy tools? The checks behind `kg validate`.

Three verdicts, each over the triples exactly as written (tools infer nothing):

1. the SKOS profile (docs/skos-profile.md), checked here in plain Python over the triples:
   S13, S14, S27 through any broader chain and any sub-property of skos:related, hierarchy
   cycles, missing inverse links, orphan concepts, overlapping labels, language tags, top
   concepts, the scheme, IRIs and slugs;
2. our SHACL shapes (ontology/shapes.ttl) with pySHACL, inference "rdfs", ontology/kg.ttl;
3. Skosify: it must return the same graph and log no warning.

pySHACL and Skosify work on rdflib graphs and take minutes on a million triples, so above
`max_library_triples` (kg/config.py) only the profile checks run (the report says so).

    report = validate_file(Path("exports/customer-service.skos.ttl"))
    print(report.to_text())

The entry points are here; kg.validate.triples reads a file into the index the profile
checks (kg.validate.profile, with kg.validate.hierarchy) read, kg.validate.libraries runs
pySHACL and Skosify, kg.validate.report holds what they found.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from pathlib import Path

import pyoxigraph

from kg.config import DEFAULT
from kg.errors import InputError
from kg.gc_pauses import without_gc_pauses
from kg.validate.hierarchy import SUB_PROPERTY_OF
from kg.validate.libraries import shacl_problems, skosify_problems, to_rdflib
from kg.validate.profile import LABEL_PROPERTIES, TEXT_PROPERTIES, index_problems, profile_problems
from kg.validate.report import CHECKS, MAX_SHOWN, Problem, Report, build_summary, reports_json
from kg.validate.triples import (FORMATS, RDF_TYPE, SKOS, Index, format_of, index_triples, parse_index,
                                 parse_triples, value_of)
from kg.vocabulary import ONTOLOGY_FILE

__all__ = [
    "CHECKS", "DEFAULT_MAX_LIBRARY_TRIPLES", "FORMATS", "LABEL_PROPERTIES", "LIBRARY_CHECKS", "MAX_SHOWN", "RDF_TYPE",
    "SKOS", "SUB_PROPERTY_OF", "TEXT_PROPERTIES", "Problem", "Report", "build_summary", "check_written", "format_of",
    "parse_triples", "profile_problems", "reports_json", "shacl_problems", "skosify_problems", "to_rdflib",
    "validate_bytes", "validate_exports", "validate_file", "validate_triples",
]

DEFAULT_MAX_LIBRARY_TRIPLES = DEFAULT.validation.validate_library_triples
LIBRARY_CHECKS = ("shacl", "skosify")


def validate_triples(triples: list[pyoxigraph.Triple], name: str,
                     max_library_triples: int = DEFAULT_MAX_LIBRARY_TRIPLES,
                     libraries: tuple[str, ...] = LIBRARY_CHECKS) -> Report:
    return _validate(lambda: index_triples(triples), name, max_library_triples, libraries, lambda: triples)


def validate_bytes(content: bytes, name: str, max_library_triples: int = DEFAULT_MAX_LIBRARY_TRIPLES,
                   libraries: tuple[str, ...] = LIBRARY_CHECKS) -> Report:
    syntax = format_of(Path(name))
    # the libraries need the terms, and run only on small files: parsing those twice costs nothing
    return _validate(lambda: parse_index(content, syntax, name), name, max_library_triples, libraries,
                     lambda: parse_triples(content, syntax, name))


def _validate(index_of: Callable[[], Index], name: str, max_library_triples: int, libraries: tuple[str, ...],
              triples: Callable[[], list[pyoxigraph.Triple]]) -> Report:
    # The index is a million strings and lists, none of them garbage: freed before the collector
    # runs again, it is never scanned.
    with without_gc_pauses():
        index = index_of()
        ontology = parse_triples(ONTOLOGY_FILE.read_bytes(), "ttl", str(ONTOLOGY_FILE))
        problems = index_problems(index, ontology)
        count = index.count
        concepts = sum(1 for types in index.subjects(RDF_TYPE).values() for value in types
                       if value_of(value) == SKOS + "Concept")
        del index
    skipped: list[tuple[str, str]] = [(check, "not run on this file") for check in LIBRARY_CHECKS
                                      if check not in libraries]
    if libraries and count > max_library_triples:
        why = f"{count} triples > {max_library_triples}; the profile checks cover the same ground"
        skipped += [(check, why) for check in libraries]
    elif libraries:
        graph = to_rdflib(triples())
        if "shacl" in libraries:
            problems += shacl_problems(graph)
        if "skosify" in libraries:
            problems += skosify_problems(graph)
    return Report(file=name, triples=count, concepts=concepts, problems=tuple(problems),
                  skipped=tuple(skipped))


def validate_exports(files: Mapping[str, bytes],
                     max_library_triples: int = DEFAULT.validation.build_library_triples,
                     max_full_graph_bytes: int = DEFAULT.validation.build_full_graph_bytes) -> list[Report]:
    """`check_written` over every Turtle file of `files` (name -> bytes), as `kg build` runs it."""
    turtle = sorted(name for name in files if name.endswith(".ttl"))
    profiles = {name for name in turtle if name.endswith(".skos.ttl")} or set(turtle)
    return [_checked(name, len(files[name]), lambda name=name: files[name], name in profiles,
                     max_library_triples, max_full_graph_bytes) for name in turtle]


def check_written(path: Path, profile: bool,
                  max_library_triples: int = DEFAULT.validation.build_library_triples,
                  max_full_graph_bytes: int = DEFAULT.validation.build_full_graph_bytes) -> Report:
    """What `kg build` checks of a Turtle file it wrote.

    The other syntaxes hold the same triples as their Turtle twin (the tests prove it). The
    SKOS profile (`profile`), what tools import, gets every check. On the full graph pySHACL
    takes ten times longer than the whole build (its evidence and entry nodes), so there the
    profile and provenance checks stand in for it, and only up to `max_full_graph_bytes`;
    `kg validate NAME.ttl` runs everything on any size.
    """
    return _checked(path.name, path.stat().st_size, path.read_bytes, profile, max_library_triples,
                    max_full_graph_bytes)


def _checked(name: str, size: int, content, profile: bool, max_library_triples: int,
             max_full_graph_bytes: int) -> Report:
    if not profile and size > max_full_graph_bytes:
        why = f"{size // 1_000_000} MB > {max_full_graph_bytes // 1_000_000} MB in a build"
        return Report(file=name, triples=0, concepts=0, problems=(),
                      skipped=tuple((check, why) for check in ("profile", *LIBRARY_CHECKS)))
    return validate_bytes(content(), name, max_library_triples, LIBRARY_CHECKS if profile else ())


def validate_file(path: Path, max_library_triples: int = DEFAULT_MAX_LIBRARY_TRIPLES) -> Report:
    format_of(path)
    try:
        content = path.read_bytes()
    except OSError as error:
        raise InputError(f"cannot read: {error.strerror}", path=str(path),
                         hint="give an RDF file written by kg build or another tool") from None
    return validate_bytes(content, str(path), max_library_triples)
