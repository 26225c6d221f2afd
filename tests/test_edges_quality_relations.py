"""The relations quality check: precision and recall against a relation gold, on a small glossary."""

from __future__ import annotations

import json

from kg.quality import run_checks
from kg.quality.relations import COLUMNS


def test_scores_a_tiny_glossary_against_its_gold(tmp_path):
    glossaries = tmp_path / "glossaries"
    gold = tmp_path / "gold"
    glossaries.mkdir()
    gold.mkdir()
    (glossaries / "terms.txt").write_text(
        "Ticket: A record of a customer request.\n\n"
        "Urgent Ticket: A ticket that requires immediate attention.\n\n"
        "Ticketing System: Software that manages every ticket.\n\n"
        "Open Ticket: A new ticket that nobody has handled yet.\n\n"
        "Loyalty: The choice of a brand over its competitors.\n\n"
        "Net Promoter Score: Net Promoter Score measures customer loyalty by asking one question.\n",
        encoding="utf-8")
    (gold / "relations-dev.json").write_text(json.dumps({
        "broader": [{"from": ["Urgent Ticket"], "to": ["Ticket"]},
                    {"from": ["Ticketing System"], "to": ["Software"]}],
        "metric_of": [{"from": ["Net Promoter Score"], "to": ["Loyalty"]}],
        "not_broader": [{"from": ["Ticketing System"], "to": ["Ticket"]},
                        {"from": ["Open Ticket"], "to": ["Ticket"]}],
    }), encoding="utf-8")
    [report] = run_checks(gold, glossaries, ["relations"])
    rows = {row[0]: dict(zip(COLUMNS, row)) for row in report.rows}
    broader, metric_of = rows["broader"], rows["metric_of"]
    assert (broader["gold pairs"], broader["found"], broader["recall"]) == (2, 1, 0.5)
    # Open Ticket -> Ticket is judged although the gold's broader pairs never name Open Ticket
    assert (broader["judged"], broader["correct"], broader["not_broader violated"]) == (2, 1, 1)
    assert (metric_of["found"], metric_of["judged"], metric_of["precision"]) == (1, 1, 1.0)
    assert any("not_broader violated: Open Ticket -> Ticket" in note for note in report.notes)
    assert any("name a concept the build lacks" in note for note in report.notes)


def test_no_report_without_a_relation_gold(tmp_path):
    assert run_checks(tmp_path, tmp_path, ["relations"]) == []
