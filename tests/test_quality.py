"""The quality check of entries and the `kg quality` command."""

from __future__ import annotations

import json

import pytest

from kg.cli import main
from kg.commands import quality as quality_command
from kg.model import Entry
from kg.quality.entries import run as run_entries, score, score_file
from tests.conftest import FIXTURES, SHARED

GOLD_DEV = SHARED / "gold-dev"
SEEDS = SHARED / "seeds"
GLOSSARIES = FIXTURES / "glossaries"


@pytest.mark.skipif(not (GOLD_DEV / "entries.json").is_file(),
                    reason="the development gold (../shared/gold-dev) sits outside this checkout")
def test_bundled_glossaries_reach_f1_099_each():
    report = run_entries(GOLD_DEV, SEEDS)
    assert len(report.rows) == 5 and report.notes == []
    scores = {row[0]: row[report.columns.index("f1")] for row in report.rows}
    assert all(f1 >= 0.99 for f1 in scores.values()), scores


def test_score_counts_each_gold_entry_once():
    found = [("A", "x"), ("A", "x"), ("B", "y"), ("C", "z")]
    expected = [("A", "x"), ("B", "y"), ("D", "w")]
    matched, precision, recall, f1 = score(found, expected)
    assert (matched, precision, recall) == (2, 0.5, 2 / 3)
    assert f1 == pytest.approx(2 * 0.5 * (2 / 3) / (0.5 + 2 / 3))


def test_match_ignores_whitespace_and_scores_the_clean_definition():
    entries = [Entry("s", 1, "Term", "One  sentence.\nPasted one.", clean_definition="One sentence.")]
    gold = [{"term": "Term", "definition": "One sentence. Pasted one.", "definition_clean": "One sentence."}]
    assert score_file(entries, gold)[-2:] == [1.0, 1.0]
    assert score_file([Entry("s", 1, "Term", "One sentence. Pasted one.")], gold)[-2:] == [1.0, 0.0]


@pytest.fixture
def fixture_gold(tmp_path):
    """The fixture glossaries' expected entries merged into one gold folder."""
    merged = {}
    for path in sorted(GLOSSARIES.glob("*.expected.json")):
        merged.update(json.loads(path.read_text(encoding="utf-8")))
    gold = tmp_path / "gold"
    gold.mkdir()
    (gold / "entries.json").write_text(json.dumps(merged), encoding="utf-8")
    return gold, len(merged)


def test_quality_command_prints_a_table_per_report(fixture_gold, capsys):
    gold, files = fixture_gold
    assert main(["quality", "--gold", str(gold), "--glossaries", str(GLOSSARIES)]) == 0
    out = capsys.readouterr().out
    assert out.startswith("entries\n") and "precision" in out and "clean f1" in out
    rows = [line for line in out.splitlines() if line.endswith("1.0000") and "." in line.split()[0]]
    assert len(rows) == files


def test_quality_command_json(fixture_gold, capsys):
    gold, files = fixture_gold
    assert main(["quality", "--gold", str(gold), "--glossaries", str(GLOSSARIES), "--format", "json"]) == 0
    [report] = [r for r in json.loads(capsys.readouterr().out) if r["name"] == "entries"]
    f1 = report["columns"].index("f1")
    assert len(report["rows"]) == files and all(row[f1] == 1.0 for row in report["rows"])


def test_quality_command_names_a_missing_glossary(fixture_gold, tmp_path, capsys):
    gold, _ = fixture_gold
    empty = tmp_path / "none"
    empty.mkdir()
    assert main(["quality", "--gold", str(gold), "--glossaries", str(empty), "--format", "json"]) == 0
    [report] = [r for r in json.loads(capsys.readouterr().out) if r["name"] == "entries"]
    assert report["rows"] == [] and any("photography.md" in note for note in report["notes"])


def test_quality_command_needs_gold_when_the_default_is_absent(monkeypatch, tmp_path, capsys):
    monkeypatch.setattr(quality_command, "DEFAULT_GOLD", tmp_path / "no-gold")
    assert main(["quality"]) == 2
    err = capsys.readouterr().err.strip()
    assert "--gold is required" in err and "\n" not in err and "Traceback" not in err


def test_quality_command_refuses_a_missing_folder(tmp_path, capsys):
    assert main(["quality", "--gold", str(tmp_path / "nope")]) == 2
    assert "no such folder" in capsys.readouterr().err
