"""Score kg against reference answers (gold): one table per registered quality check.

The entries check reads every glossary the gold names and reports precision, recall and F1 of
the extracted entries per file (and the score with pasted text removed). Other checks
(concepts, relations) register themselves in kg/quality/ and appear here when their gold exists.
Without --gold and --glossaries, the development gold beside the checkout is used:
../shared/gold-dev and ../shared/seeds, relative to the repository root.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from kg.errors import UsageError
from kg.quality import Report, run_checks

HELP = "score extracted entries (and other registered checks) against gold reference answers"

REPOSITORY = Path(__file__).resolve().parent.parent.parent
DEFAULT_GOLD = REPOSITORY.parent / "shared" / "gold-dev"
DEFAULT_GLOSSARIES = REPOSITORY.parent / "shared" / "seeds"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--gold", metavar="DIR",
                        help="folder of gold files such as entries.json (default: ../shared/gold-dev)")
    parser.add_argument("--glossaries", metavar="DIR",
                        help="folder holding the glossary files the gold names (default: ../shared/seeds)")
    parser.add_argument("--format", choices=("text", "json"), default="text",
                        help="a table per report (text, the default) or JSON")


def _folder(given: str | None, default: Path, option: str) -> Path:
    if given is None:
        if not default.is_dir():
            raise UsageError(f"{option} is required: the default {default} does not exist",
                             hint=f"give {option} DIR")
        return default
    folder = Path(given)
    if not folder.is_dir():
        raise UsageError(f"{option} {given}: no such folder", hint=f"give {option} an existing folder")
    return folder


def run(args: argparse.Namespace) -> int:
    gold = _folder(args.gold, DEFAULT_GOLD, "--gold")
    glossaries = _folder(args.glossaries, DEFAULT_GLOSSARIES, "--glossaries")
    reports = run_checks(gold, glossaries)
    if not reports:
        raise UsageError(f"no gold that any quality check understands in {gold}",
                         hint="the entries check needs entries.json")
    if args.format == "json":
        json.dump([report.as_dict() for report in reports], sys.stdout, indent=2, sort_keys=True,
                  ensure_ascii=False)
        print()
    else:
        print("\n\n".join(render_table(report) for report in reports))
    return 0


def render_table(report: Report) -> str:
    """Plain aligned columns: numbers right, text left; stable for diffs and tests."""
    cells = [[_cell(value) for value in row] for row in report.rows]
    widths = [max([len(name)] + [len(row[i]) for row in cells if i < len(row)])
              for i, name in enumerate(report.columns)]
    numeric = [bool(report.rows) and all(isinstance(row[i], (int, float)) for row in report.rows if i < len(row))
               for i in range(len(report.columns))]

    def line(values: list[str]) -> str:
        return "  ".join(value.rjust(width) if numeric[i] else value.ljust(width)
                         for i, (value, width) in enumerate(zip(values, widths))).rstrip()

    out = [report.name, line(list(report.columns)), line(["-" * width for width in widths])]
    out.extend(line(row) for row in cells)
    out.extend(f"note: {note}" for note in report.notes)
    return "\n".join(out)


def _cell(value) -> str:
    if isinstance(value, float):
        return f"{value:.4f}"
    return "" if value is None else str(value)
