"""Order as evidence: the heaviest alphabetical chain through candidate concepts."""

from __future__ import annotations

import random
from pathlib import Path

from kg.alphabetical import Point, heaviest_ordered_chain, ordered_attachments, sort_key
from kg.manifest import plan_for_paths
from kg.pipeline import build
from tests.conftest import SOURCES


def _points(rows):
    """rows: per position, a list of (label, score); concept ids are the labels' positions."""
    return [Point(position, sort_key(label), score, hash(label) % 1000, position)
            for position, candidates in enumerate(rows) for label, score in candidates]


def test_the_chain_follows_the_alphabet_and_takes_one_candidate_per_definition():
    rows = [[("Aperture", 0.4), ("Zoom lens", 0.5)],   # the better score is out of order
            [("Bokeh", 0.35)],
            [("Depth of field", 0.6), ("Aperture", 0.9)],  # going back is never allowed
            [("Exposure", 0.4)]]
    chain = heaviest_ordered_chain(_points(rows))
    assert [p.key for p in chain] == ["aperture", "bokeh", "depthoffield", "exposure"]
    assert [p.position for p in chain] == [0, 1, 2, 3]


def test_equal_keys_may_repeat_but_positions_never_do():
    chain = heaviest_ordered_chain(_points([[("Fermentation", 0.5), ("Fermentation", 0.4)],
                                            [("Fermentation", 0.3)]]))
    assert [p.position for p in chain] == [0, 1]


def test_an_unordered_source_gets_no_chain():
    rng = random.Random(5)
    labels = [f"term {chr(97 + i // 26)}{chr(97 + i % 26)}" for i in range(60)]
    rng.shuffle(labels)
    points = _points([[(label, 0.5)] for label in labels])
    assert ordered_attachments(points, 60, min_share=0.5, min_chain=6) == []
    ordered = _points([[(label, 0.5)] for label in sorted(labels)])
    assert len(ordered_attachments(ordered, 60, min_share=0.5, min_chain=6)) == 60


def _provisional(folder: Path) -> int:
    return sum(c.provisional for c in build(plan_for_paths([folder])).concepts)


def test_shuffling_a_headless_glossary_takes_the_order_evidence_away(tmp_path):
    """The bundled headless glossary is alphabetical: shuffled, its definitions attach less."""
    folder = tmp_path / "sources"
    folder.mkdir()
    for path in SOURCES.iterdir():
        if path.suffix in (".txt", ".toml") and path.name != "decisions.toml":
            (folder / path.name).write_bytes(path.read_bytes())
    ordered = _provisional(folder)
    headless = folder / "vicasso-customer-service-glossary.txt"
    lines = headless.read_text(encoding="utf-8").split("\n")
    body = [line for line in lines[1:] if line.strip()]
    random.Random(3).shuffle(body)
    headless.write_text("\n".join(lines[:1] + body) + "\n", encoding="utf-8")
    assert _provisional(folder) >= ordered + 10
