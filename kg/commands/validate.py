"""Check RDF files against the SKOS import profile, our SHACL shapes and Skosify.

Checks S13, S14, S27 (through any broader chain and any sub-property of skos:related),
hierarchy cycles, missing inverse links, orphan concepts, overlapping labels, language tags,
top concepts, the scheme and IRIs; then ontology/shapes.ttl with pySHACL (inference rdfs)
and Skosify's verdict. Exit 0 when valid, 1 on any violation, 2 when a file cannot be read.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from kg.errors import InputError
from kg.validate import DEFAULT_MAX_LIBRARY_TRIPLES, FORMATS, reports_json, validate_file

HELP = "check SKOS/RDF files against the import profile, our SHACL shapes and Skosify"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("files", nargs="+", metavar="FILE",
                        help="RDF files (.ttl, .nt, .rdf for RDF/XML, .jsonld), or a folder: its RDF files")
    parser.add_argument("--format", choices=("text", "json"), default="text",
                        help="report as readable text (default) or JSON")
    parser.add_argument("--max-library-triples", type=int, default=DEFAULT_MAX_LIBRARY_TRIPLES,
                        metavar="N", help="skip pySHACL and Skosify above N triples "
                        f"(default {DEFAULT_MAX_LIBRARY_TRIPLES}; they take minutes on millions)")


def run(args: argparse.Namespace) -> int:
    reports = [validate_file(path, args.max_library_triples) for path in rdf_files(args.files)]
    if args.format == "json":
        print(reports_json(reports), file=sys.stdout)
    else:
        print("\n".join(r.to_text() for r in reports), file=sys.stdout)
    return 0 if all(r.ok for r in reports) else 1


def rdf_files(names: list[str]) -> list[Path]:
    """Files as given; a folder stands for the RDF files in it (an export folder, say)."""
    paths: list[Path] = []
    for name in names:
        path = Path(name)
        if path.is_dir():
            found = sorted(p for p in path.iterdir() if p.is_file() and p.suffix.lower() in FORMATS)
            if not found:
                raise InputError("no RDF file in this folder", path=name,
                                 hint=f"give files ending in {', '.join(sorted(FORMATS))}")
            paths.extend(found)
        else:
            paths.append(path)
    return paths
