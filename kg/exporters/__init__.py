"""The export stage: exporters turn a KnowledgeGraph into files.

An exporter renders bytes per file name and never writes; `write_exports` writes everything
into a temporary folder beside the target and moves the finished files into place, so a
failed or killed build leaves the previous exports whole.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from kg.errors import InputError, UsageError
from kg.model import KnowledgeGraph


@dataclass(frozen=True)
class Exporter:
    name: str
    description: str
    render: Callable[[KnowledgeGraph], dict[str, bytes]]  # file name -> content


EXPORTERS: dict[str, Exporter] = {}


def register(exporter: Exporter) -> Exporter:
    EXPORTERS[exporter.name] = exporter
    return exporter


def _load_builtin_exporters() -> None:
    from kg.exporters import html, rdf, skos  # noqa: F401


def exporter_names() -> list[str]:
    _load_builtin_exporters()
    return list(EXPORTERS)


def render_all(kg: KnowledgeGraph, names: list[str] | None = None) -> dict[str, bytes]:
    _load_builtin_exporters()
    files: dict[str, bytes] = {}
    for name in names or list(EXPORTERS):
        if name not in EXPORTERS:
            raise UsageError(f"unknown exporter '{name}'",
                             hint=f"known exporters: {', '.join(EXPORTERS)}")
        files.update(EXPORTERS[name].render(kg))
    return files


def write_exports(files: dict[str, bytes], out_dir: Path) -> list[Path]:
    """Write all files or none: stage them in a sibling temp folder, fsync, then rename each."""
    out_dir = out_dir.resolve()
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise InputError(f"cannot create the output folder: {error.strerror}", path=str(out_dir)) from None
    staging = Path(tempfile.mkdtemp(prefix=".kg-build-", dir=out_dir.parent))
    try:
        for name, content in sorted(files.items()):
            target = staging / name
            with open(target, "wb") as handle:
                handle.write(content)
                handle.flush()
                os.fsync(handle.fileno())
        written = []
        for name in sorted(files):
            final = out_dir / name
            os.replace(staging / name, final)  # atomic per file on one file system
            written.append(final)
        return written
    finally:
        shutil.rmtree(staging, ignore_errors=True)
