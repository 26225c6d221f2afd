"""Tiny hand-built fixtures shared by the suite, and the bundled build made once per session."""

from __future__ import annotations

from pathlib import Path

import pytest

from kg.manifest import plan_for_paths
from kg.pipeline import build

ROOT = Path(__file__).resolve().parent.parent
SOURCES = ROOT / "sources"
EXPORTS = ROOT / "exports"
FIXTURES = Path(__file__).resolve().parent / "fixtures"
SHARED = ROOT.parent / "shared"  # the gold and seeds, where this checkout sits beside them


@pytest.fixture(scope="session")
def bundled_kg():
    """The knowledge graph of the bundled sources, built once."""
    return build(plan_for_paths([SOURCES]))


@pytest.fixture
def glossary_file(tmp_path):
    """Write a small glossary and return its path: glossary_file("Term: def\\n", "name.txt")."""

    def make(text: str | bytes, name: str = "glossary.txt") -> Path:
        path = tmp_path / name
        if isinstance(text, bytes):
            path.write_bytes(text)
        else:
            path.write_text(text, encoding="utf-8")
        return path

    return make
