"""Compare two builds: concepts added, removed and relabelled (matched by IRI), and labels,
definitions and edges added or removed, by kind, with counts — a release's changelog.

OLD and NEW are RDF files (Turtle, N-Triples, JSON-LD, RDF/XML) or folders that `kg build`
wrote (their full graph, NAME.ttl, is compared).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from kg.diff import FORMATS, diff_paths, render

HELP = "report what changed between two builds (a changelog), as text or JSON"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("old", metavar="OLD", help="the earlier build: an RDF file or export folder")
    parser.add_argument("new", metavar="NEW", help="the later build: an RDF file or export folder")
    parser.add_argument("--format", choices=FORMATS, default="text", help="text (default) or json")


def run(args: argparse.Namespace) -> int:
    sys.stdout.write(render(diff_paths(Path(args.old), Path(args.new)), args.format))
    return 0
