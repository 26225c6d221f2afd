"""List what a curator should decide: provisional concepts, low-confidence edges, near-synonym
candidates and reported traps, each with the decision lines to paste to accept or reject it.

PATH is glossary files or a folder (built first, with its decisions; default: the bundled
sources/), or a built graph: a Turtle file or an export folder (traps are not in a graph, so
only a build lists them).
"""

from __future__ import annotations

import argparse
import shutil
import sys
from pathlib import Path

from kg.config import DEFAULT
from kg.decisions import load_decisions
from kg.errors import UsageError
from kg.manifest import plan_for_paths
from kg.pipeline import BuildOptions, build, default_sources_dir
from kg.review import FORMATS, is_graph, read_graph, render, review_queue

HELP = "list provisional concepts, doubtful edges and traps, with the decisions to paste"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("paths", nargs="*", metavar="GRAPH_OR_SOURCES",
                        help="a built graph (.ttl or export folder), or glossary files or folders "
                             "(default: the bundled sources/)")
    parser.add_argument("--below", type=float, default=DEFAULT.review.below, metavar="CONFIDENCE",
                        help=f"queue inferred edges below this confidence (default: {DEFAULT.review.below})")
    parser.add_argument("--format", choices=FORMATS, default="table",
                        help="table (default), csv or markdown")
    parser.add_argument("--decisions", metavar="FILE",
                        help="decisions to apply before reviewing (default: decisions.toml beside "
                             "the manifest)")


def run(args: argparse.Namespace) -> int:
    if not 0.0 <= args.below <= 1.0:
        raise UsageError(f"--below {args.below} must be a confidence between 0 and 1")
    paths = [Path(p) for p in args.paths] or [default_sources_dir()]
    if len(paths) == 1 and is_graph(paths[0]):
        if args.decisions:
            raise UsageError("--decisions applies to a build, not to a built graph",
                             hint="give the glossaries instead, or rebuild with the decisions")
        kg = read_graph(paths[0])
    else:
        decisions = load_decisions(Path(args.decisions)) if args.decisions else None
        plan = plan_for_paths(paths)
        kg = build(plan, BuildOptions(skip_bad_files=any(p.is_dir() for p in paths),
                                      decisions=decisions))
    width = shutil.get_terminal_size((200, 24)).columns if sys.stdout.isatty() else None
    sys.stdout.write(render(review_queue(kg, args.below), args.format, width))
    return 0
