"""The whole pipeline in one place: read, extract, concepts, edges, graph, export.

    plan = plan_for_paths([Path("sources")])
    kg = build(plan)
    write_exports(render_all(kg), Path("exports"))
"""

from __future__ import annotations

from concurrent.futures import Executor, Future
from dataclasses import dataclass, field
from pathlib import Path

from kg.concepts import form_concepts
from kg.config import DEFAULT, Config
from kg.decisions import (Decisions, apply_concept_decisions, apply_edge_decisions, decisions_for,
                          report_overruled)
from kg.edges import infer_edges
from kg.errors import InputError
from kg.gc_pauses import without_gc_pauses
from kg.graph import assemble
from kg.identifiers import assign_keys, lock_path_for, read_lock
from kg.manifest import Plan
from kg.model import Entry, Finding, KnowledgeGraph, Source
from kg.progress import Progress
from kg.readers import Extraction, extract
from kg.readers.decode import read_document
from kg.workers import POOL_FAILURES, submit


@dataclass
class BuildOptions:
    config: Config = DEFAULT
    forced_format: str | None = None
    # A folder of many files skips a bad file with a warning; a file named alone is an error.
    skip_bad_files: bool = False
    progress: Progress = field(default_factory=lambda: Progress(enabled=False))
    # Curators' decisions; None takes the decisions.toml beside the manifest, if there is one.
    decisions: Decisions | None = None
    # The IRI lock (kg.identifiers); None takes the iris.lock beside the manifest, if any.
    iris_lock: Path | None = None
    # A worker process (kg.workers) for reading files and for work on the definitions while
    # the concepts form; given one, the edge rules that can run apart run in a forked child
    # (kg.edges.infer_edges). None does everything here.
    pool: Executor | None = None


def read_sources(plan: Plan, options: BuildOptions) -> tuple[list[Source], list[Entry], list[Finding]]:
    sources: list[Source] = []
    entries: list[Entry] = []
    findings: list[Finding] = []
    for (source, _), outcome in zip(plan.sources, _read_all(plan.sources, options)):
        if isinstance(outcome, InputError):
            if not options.skip_bad_files:
                raise outcome
            findings.append(Finding("skipped-file", f"skipped: {outcome.message}", source=source.path))
            continue
        sources.append(source)
        entries.extend(outcome.entries)
        findings.extend(outcome.findings)
    if not entries:
        raise InputError("no glossary entries found in any input",
                         path=", ".join(s.path for s, _ in plan.sources),
                         hint="check the files, or force a layout with --format")
    return sources, entries, findings


def read_one(source: Source, file: Path, forced_format: str | None) -> Extraction | InputError:
    """One glossary file read and extracted. Its InputError is returned rather than raised, so
    that one from a worker comes back as it is and the caller decides (skip, or fail)."""
    try:
        return extract(read_document(source, file), forced_format)
    except InputError as error:
        return error


def _read_all(files: list[tuple[Source, Path]], options: BuildOptions) -> list[Extraction | InputError]:
    """Every file's `read_one`, in plan order. With a worker (options.pool) and enough to read,
    the worker takes the largest file left while this process reads the smallest: files are
    independent, and the two meet in the middle however their sizes and start-up differ."""
    outcomes: dict[int, Extraction | InputError] = {}
    sizes = [_size(file) for _, file in files]
    pool = options.pool if sum(sizes) >= options.config.readers.parallel_bytes else None
    left = sorted(range(len(files)), key=lambda i: (-sizes[i], i))  # largest first
    remote: tuple[int, Future] | None = None
    while left or remote is not None:
        if remote is not None and (remote[1].done() or not left):
            index, future = remote
            try:
                outcomes[index] = future.result()
            except POOL_FAILURES:  # the worker died (out of memory?): read it here
                outcomes[index] = read_one(*files[index], options.forced_format)
            remote = None
        if pool is not None and remote is None and len(left) > 1:
            index = left.pop(0)
            future = submit(pool, read_one, *files[index], options.forced_format)
            if future is None:  # no worker to be had
                left.insert(0, index)
                pool = None
            else:
                remote = (index, future)
        if left:
            index = left.pop()
            outcomes[index] = read_one(*files[index], options.forced_format)
    return [outcomes[i] for i in range(len(files))]


def _size(file: Path) -> int:
    try:
        return file.stat().st_size
    except OSError:  # read_one reports it
        return 0


def build(plan: Plan, options: BuildOptions | None = None) -> KnowledgeGraph:
    options = options or BuildOptions()
    progress = options.progress
    decisions = decisions_for(plan.manifest, options.decisions)  # a malformed file fails first
    lock = read_lock(lock_path_for(plan.manifest, options.iris_lock))
    with progress.stage("read and extract"):
        sources, entries, findings = read_sources(plan, options)
    with progress.stage("concepts"):
        concepts = assign_keys(form_concepts(entries, options.config, options.pool), lock,
                               {e.id: e.text for e in entries})
        concepts, stale = apply_concept_decisions(concepts, entries, decisions, sources, lock)
    with progress.stage("edges"):
        edges = infer_edges(concepts, {e.id: e for e in entries}, options.config,
                            parallel=options.pool is not None)
        edges, stale_edges = apply_edge_decisions(edges, concepts, decisions)
        findings = [*findings, *stale, *stale_edges]
    with progress.stage("graph"), without_gc_pauses():  # a set per concept, a tuple per link
        graph = assemble(plan.scheme, sources, entries, concepts, edges, findings, options.config)
        return report_overruled(graph, decisions)


def default_sources_dir() -> Path:
    """The bundled `sources/` folder of a checkout (the working directory's, else the repo's)."""
    here = Path.cwd() / "sources"
    if here.is_dir():
        return here
    return Path(__file__).resolve().parent.parent / "sources"
