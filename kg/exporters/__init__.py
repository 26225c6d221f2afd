"""The export stage: exporters turn a KnowledgeGraph into files.

An exporter renders bytes per file name and never writes; `write_exports` writes everything
into a temporary folder beside the target and moves the finished files into place, so a
failed or killed build leaves the previous exports whole.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from kg.atomic import replace_files
from kg.errors import UsageError
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
    """Write all files or none (kg.atomic): a failed or killed build leaves the previous
    exports whole, and the folder holds one build's set, never a mix of two."""
    return replace_files(files, out_dir)
