"""The export stage: exporters turn a KnowledgeGraph into files.

An exporter writes its files into a folder it is given and returns their names; `export`
hands every exporter the same fresh staging folder and moves the finished set into place
(kg.atomic), so a failed or killed build leaves the previous exports whole. Exporters write
large files as streams, so no export is ever held in memory whole; `render_all` gives the
bytes of each file for callers that want them in memory (tests, small graphs).
"""

from __future__ import annotations

import tempfile
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from kg.atomic import check_name, fsync_file, replace_files, write_folder
from kg.config import DEFAULT, Config
from kg.errors import UsageError
from kg.exporters.rdf_write import Conversions
from kg.gc_pauses import without_gc_pauses
from kg.model import KnowledgeGraph
from kg.validate import Report, check_written


@dataclass(frozen=True)
class Exporter:
    name: str
    description: str
    # (graph, folder, conversions) -> names of the files written into the folder
    write: Callable[[KnowledgeGraph, Path, Conversions | None], list[str]]
    # Writes from the graph alone, with no conversions (given None): a large build runs it in
    # a forked child (kg.workers.fork_job) while this process writes the others.
    alone: bool = False
    # Work it shares with the other exporters, done here before forking so that both have it.
    prepare: Callable[[KnowledgeGraph], None] | None = None
    # With `alone`: what this process does meanwhile with the child's files (converting them
    # as they grow); the names of the files it makes. Forked only when there are workers.
    beside: Callable[[KnowledgeGraph, Path, Conversions], list[str]] | None = None


EXPORTERS: dict[str, Exporter] = {}


def register(exporter: Exporter) -> Exporter:
    EXPORTERS[exporter.name] = exporter
    return exporter


def _load_builtin_exporters() -> None:
    # The RDF exporters first: their conversions run in worker processes while the explorer
    # renders in this one (or, in a large build, in a forked child from the start).
    from kg.exporters import skos, rdf, html  # noqa: F401


def exporter_names() -> list[str]:
    _load_builtin_exporters()
    return list(EXPORTERS)


def _chosen(names: list[str] | None) -> list[Exporter]:
    _load_builtin_exporters()
    for name in names or ():
        if name not in EXPORTERS:
            raise UsageError(f"unknown exporter '{name}'",
                             hint=f"known exporters: {', '.join(EXPORTERS)}")
    return [EXPORTERS[name] for name in names or list(EXPORTERS)]


def write_all(kg: KnowledgeGraph, folder: Path, names: list[str] | None = None,
              config: Config = DEFAULT, validate: bool = False,
              pool: ProcessPoolExecutor | None = None) -> tuple[list[str], list[Report]]:
    """Every chosen exporter's files, written into `folder`: their names, and with `validate`
    the reports of kg.validate.check_written on each Turtle file.

    Each check starts as soon as its file is written, in a worker when a worker writes it,
    so a large build checks its SKOS profile while the explorer renders. The workers are
    `pool`'s, a caller's pool of config.export.workers workers left running (`kg build`
    forks one for the whole build), else a pool started here when there is enough to do.
    """
    exporters = _chosen(names)
    check_name(kg.scheme.name)  # every file is named from it: it must not climb out of `folder`
    profile_written = any(exporter.name == "skos" for exporter in exporters)
    written: list[str] = []
    checks: list[Future] = []
    # The exporters make millions of short-lived groups the cyclic collector would scan for
    # nothing (a fifth of their time at 10,000 concepts).
    large = len(kg.concepts) >= config.export.start_workers_concepts
    from kg.exporters.skos import forget_profile  # loaded by _chosen with the exporters

    try:
        with without_gc_pauses(), Conversions(config.export.parallel_bytes, config.export.workers,
                                              pool=pool) as conversions:
            forked: dict[str, Future] = {}
            if large:
                conversions.start()
                # Those that need nothing prepared first: a child then works while this process
                # prepares for the others (the SKOS profile: 2.2 s of CPU at 100,000 concepts).
                for exporter in sorted(exporters, key=lambda exporter: exporter.prepare is not None):
                    future = _fork_alone(exporter, kg, folder, conversions)
                    if future is not None:
                        forked[exporter.name] = future
                        new = exporter.beside(kg, folder, conversions) if exporter.beside else []
                        written += new
                        checks += _checks(new, folder, conversions, config, validate, profile_written)
            for exporter in exporters:
                if exporter.name not in forked:
                    new = exporter.write(kg, folder, conversions)
                    written += new
                    checks += _checks(new, folder, conversions, config, validate, profile_written)
            conversions.wait()  # raises the first failure, a forked exporter's too
            written += [name for future in forked.values() for name in future.result()]
    finally:
        forget_profile()  # the cached profile would keep this graph alive
    reports = sorted((check.result() for check in checks), key=lambda report: report.file)
    return sorted(set(written)), reports


def _checks(names: list[str], folder: Path, conversions: Conversions, config: Config, validate: bool,
            profile_written: bool) -> list[Future]:
    """kg.validate.check_written on each Turtle file of `names`, once it is written."""
    return [conversions.after(folder / name, check_written, folder / name,
                              name.endswith(".skos.ttl") or not profile_written,
                              config.validation.build_library_triples, config.validation.build_full_graph_bytes)
            for name in sorted(n for n in names if n.endswith(".ttl"))] if validate else []


def _fork_alone(exporter: Exporter, kg: KnowledgeGraph, folder: Path,
                conversions: Conversions) -> Future | None:
    """Start an exporter that can run alone in a forked child, after its `prepare`; None where
    it cannot (not alone, no child to be had, or no workers for what it leaves `beside`)."""
    if not exporter.alone or (exporter.beside is not None and conversions.pool is None):
        return None
    if exporter.prepare is not None:
        exporter.prepare(kg)
    return conversions.fork(_write_alone, exporter, kg, folder)


def _write_alone(exporter: Exporter, kg: KnowledgeGraph, folder: Path) -> list[str]:
    """An exporter that runs alone, in a forked child: its files are synced to disk there, so
    the wait overlaps the rest of the export (kg.atomic syncs every file before installing)."""
    names = exporter.write(kg, folder, None)
    for name in names:
        fsync_file(folder / name)
    return names


def export(kg: KnowledgeGraph, out_dir: Path, names: list[str] | None = None,
           config: Config = DEFAULT, validate: bool = False,
           pool: ProcessPoolExecutor | None = None, old_apart: bool = False) -> tuple[list[Path], list[Report]]:
    """Write all chosen exports into `out_dir`, all or none (kg.atomic); with `validate`, the
    reports of checking them (kg.validate.check_written). `pool`: as for `write_all`;
    `old_apart`: the replaced exports are deleted by a process not waited for (kg.atomic)."""
    _chosen(names)  # an unknown name fails before anything is touched
    check_name(kg.scheme.name)  # and so does a name that would climb out of the folder
    reports: list[Report] = []

    def write(staging: Path) -> list[str]:
        written, checked = write_all(kg, staging, names, config, validate, pool)
        reports.extend(checked)
        return written

    return write_folder(write, out_dir, old_apart), reports


def render_all(kg: KnowledgeGraph, names: list[str] | None = None,
               config: Config = DEFAULT) -> dict[str, bytes]:
    """The chosen exports as bytes per file name, for callers that want them in memory."""
    with tempfile.TemporaryDirectory(prefix="kg-render-") as folder:
        written, _ = write_all(kg, Path(folder), names, config)
        return {name: (Path(folder) / name).read_bytes() for name in written}


def write_exports(files: dict[str, bytes], out_dir: Path) -> list[Path]:
    """Write all files or none (kg.atomic): a failed or killed build leaves the previous
    exports whole, and the folder holds one build's set, never a mix of two."""
    return replace_files(files, out_dir)
