"""Quality report: score the builder against reference answers (gold).

Gold follows the layout of the development gold: a folder with `entries.json` (per glossary
file name: the entries a perfect reader extracts) and optionally `relations*.json` (broader
and metric-of pairs named by headwords). Each check module registers a function that takes
the gold folder and the folder of glossary files the gold names, and returns a Report.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable


@dataclass
class Report:
    name: str  # e.g. "entries", "concepts", "relations"
    columns: list[str]
    rows: list[list] = field(default_factory=list)  # one per file or per kind
    notes: list[str] = field(default_factory=list)

    def as_dict(self) -> dict:
        return {"name": self.name, "columns": self.columns, "rows": self.rows, "notes": self.notes}


@dataclass(frozen=True)
class QualityCheck:
    name: str
    description: str
    run: Callable[[Path, Path], Report | None]  # (gold folder, glossaries folder); None: no gold for it


QUALITY_CHECKS: dict[str, QualityCheck] = {}


def register(check: QualityCheck) -> QualityCheck:
    QUALITY_CHECKS[check.name] = check
    return check


def _load_builtin_checks() -> None:
    import importlib
    import pkgutil

    import kg.quality as package
    for info in pkgutil.iter_modules(package.__path__):
        importlib.import_module(f"kg.quality.{info.name}")


def run_checks(gold: Path, glossaries: Path, names: list[str] | None = None) -> list[Report]:
    _load_builtin_checks()
    reports = []
    for name in names or sorted(QUALITY_CHECKS):
        report = QUALITY_CHECKS[name].run(gold, glossaries)
        if report is not None:
            reports.append(report)
    return reports
