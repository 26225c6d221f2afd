"""Build a knowledge graph from glossaries and write its exports.

With no PATH, builds the bundled sources/ folder with its manifest into exports/.
A PATH is a glossary file or a folder (a folder with a manifest.toml uses it).
"""

from __future__ import annotations

import argparse
import os
import sys
from collections import Counter
from concurrent.futures import Executor, ProcessPoolExecutor
from dataclasses import replace
from pathlib import Path

from kg.config import DEFAULT
from kg.decisions import load_decisions
from kg.exporters import export, exporter_names
from kg.identifiers import lock_path_for, record_iris
from kg.errors import UsageError
from kg.manifest import is_base_iri, plan_for_paths
from kg.pipeline import BuildOptions, build, default_sources_dir
from kg.progress import Progress
from kg.readers import READERS, _load_builtin_readers
from kg.validate import build_summary
from kg.workers import OneAtATime, fork_pool, start_pool, stop_pool, submit

HELP = "build a knowledge graph from glossary files and write its exports"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    _load_builtin_readers()
    parser.add_argument("paths", nargs="*", metavar="PATH",
                        help="glossary files or folders (default: the bundled sources/)")
    parser.add_argument("--out", default="exports", metavar="DIR",
                        help="where to write the exports (default: exports/)")
    parser.add_argument("--base-uri", metavar="IRI",
                        help="namespace of concept IRIs, ending in / or # (default: the manifest's, "
                             "else https://example.org/kg/NAME/)")
    parser.add_argument("--name", metavar="NAME",
                        help="file stem of the exports (default: the manifest's, else the input's name)")
    parser.add_argument("--format", choices=sorted(READERS), metavar="FORMAT",
                        help=f"force a reader instead of detecting one: {', '.join(sorted(READERS))}")
    parser.add_argument("--only", action="append", choices=exporter_names(), metavar="EXPORTER",
                        help=f"write only these exports (repeatable): {', '.join(exporter_names())}")
    parser.add_argument("--decisions", metavar="FILE",
                        help="curators' decisions to apply (default: decisions.toml beside the manifest)")
    parser.add_argument("--iris", metavar="FILE",
                        help="lock file of minted concept IRIs, read and updated so rebuilds never "
                             "rename a concept (default: iris.lock beside the manifest; none for files)")
    parser.add_argument("--jobs", "-j", type=_jobs, default=min(4, os.cpu_count() or 1), metavar="N",
                        help="processes for converting and checking large exports (default: the "
                             "machine's cores, at most 4; 1 does everything in one process)")
    parser.add_argument("--profile", action="store_true", help="print how long each stage took")
    parser.add_argument("--quiet", "-q", action="store_true", help="print nothing but errors")


def _jobs(text: str) -> int:
    if not text.isdigit() or int(text) < 1:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number of processes, 1 or more")
    return int(text)


def run(args: argparse.Namespace) -> int:
    paths = [Path(p) for p in args.paths] or [default_sources_dir()]
    plan = plan_for_paths(paths, name=args.name)
    if args.base_uri:
        if not is_base_iri(args.base_uri):
            raise UsageError(f"--base-uri {args.base_uri!r} must be an http(s) IRI ending in / or #")
        plan = replace(plan, scheme=replace(plan.scheme, base_iri=args.base_uri))
    progress = Progress(enabled=None if not args.quiet else False)
    skip = any(p.is_dir() for p in paths)
    decisions = load_decisions(Path(args.decisions)) if args.decisions else None
    iris_lock = lock_path_for(plan.manifest, Path(args.iris) if args.iris else None)
    options = BuildOptions(forced_format=args.format, skip_bad_files=skip, progress=progress,
                           decisions=decisions, iris_lock=iris_lock)
    with _Workers(plan, options, args.jobs) as workers:
        kg = build(plan, replace(options, pool=workers.for_build()))
        # What tools will import must import cleanly: the checks run on the files as written,
        # alongside the export, and the build exits 1 if they fail.
        with progress.stage("export and validate"):
            config = replace(DEFAULT, export=replace(DEFAULT.export, workers=args.jobs))
            # the replaced exports are deleted apart: the build need not wait for that
            written, reports = export(kg, Path(args.out), args.only, config, validate=True,
                                      pool=workers.for_export(), old_apart=True)
            # After the exports, so that a failed build leaves the lock as it was too.
            recorded = iris_lock is not None and record_iris(iris_lock, kg)
    if not args.quiet:
        _summary(kg, written, sys.stdout)
        print(build_summary(reports), file=sys.stdout)
        if recorded:
            print(f"Recorded the concept IRIs in {iris_lock} (commit it: rebuilds keep these IRIs)")
    for report in reports:
        if not report.ok:
            print(report.to_text(), file=sys.stderr)
    if args.profile:
        for name, seconds in progress.timings:
            print(f"  {name:<20} {seconds:8.3f} s", file=sys.stderr)
    return 0 if all(report.ok for report in reports) else 1


class _Workers:
    """The build's worker processes, when it has more than one job and large glossaries: for
    reading, for work on the definitions while the concepts form, for the export's conversions
    and checks (and, given them, the edge rules that can run apart run in a forked child).

    One pool of --jobs workers serves the whole build, forked here before anything is read
    (kg.workers.fork_pool): the process is small and has no thread yet, and the workers start
    with kg imported, where each spawned one would spend 0.2-0.35 s of CPU importing it again
    (at 10,000 terms on two cores: 0.75 s of CPU, a third of a second of wall time).

    Where no worker can be forked (no fork, a thread already running in a library caller's
    process), one spawned worker reads, started now so that it is ready by the time the first
    files are handed out, and is stopped before the export, whose own workers get its memory
    back.
    """

    def __init__(self, plan, options: BuildOptions, jobs: int):
        self.shared = False
        self.pool: ProcessPoolExecutor | None = None
        if jobs > 1 and _input_bytes(plan) >= options.config.edges.worker_input_bytes:
            self.pool = fork_pool(jobs)
            self.shared = self.pool is not None
            if self.pool is None:
                self.pool = start_pool(1)
                if self.pool is not None and submit(self.pool, _ready_for_reading) is None:
                    stop_pool(self.pool, at_once=True)  # no worker to be had: read here
                    self.pool = None

    def for_build(self) -> Executor | None:
        """The pool the stages before the export are to use: one job at a time, as they were
        written for one worker beside this process (kg.workers.OneAtATime)."""
        return OneAtATime(self.pool) if self.shared else self.pool

    def for_export(self) -> ProcessPoolExecutor | None:
        """The pool the export is to use: the shared one, else None (it starts its own)."""
        if not self.shared and self.pool is not None:
            stop_pool(self.pool)
            self.pool = None
        return self.pool

    def __enter__(self) -> _Workers:
        return self

    def __exit__(self, kind, error, trace) -> None:
        if self.pool is not None:  # on Ctrl-C or an error, running work is stopped too
            stop_pool(self.pool, at_once=kind is not None)
            self.pool = None


def _input_bytes(plan) -> int:
    total = 0
    for _, file in plan.sources:
        try:
            total += file.stat().st_size
        except OSError:  # reported with its line when the build reads it
            pass
    return total


def _ready_for_reading() -> None:
    """A warm-up job: the readers and their libraries, imported while this process starts."""
    from kg.readers import _load_builtin_readers

    _load_builtin_readers()


def _summary(kg, written, out) -> None:
    per_source = Counter(e.source for e in kg.entries)
    print(f"Built {kg.scheme.name}: {len(kg.concepts)} concepts from {len(kg.entries)} entries "
          f"in {len(kg.sources)} sources", file=out)
    for source in kg.sources:
        print(f"  {per_source[source.key]:5d} entries  {source.path}", file=out)
    kinds = Counter(e.kind for e in kg.edges)
    print("  edges: " + (", ".join(f"{k} {n}" for k, n in sorted(kinds.items())) or "none"), file=out)
    provisional = sum(c.provisional for c in kg.concepts)
    if provisional:
        print(f"  {provisional} provisional concepts (labels derived from headword-less entries)", file=out)
    if kg.findings:
        print(f"  {len(kg.findings)} warnings:", file=out)
        for finding in kg.findings[:20]:
            print(f"    {finding}", file=out)
        if len(kg.findings) > 20:
            print(f"    … and {len(kg.findings) - 20} more", file=out)
    print("Wrote " + ", ".join(str(p) for p in written), file=out)
