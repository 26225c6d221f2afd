"""A complexity guard, not a benchmark: 4x the terms must cost less than 6x the time.

A quadratic step anywhere in the pipeline (an all-pairs loop, a regex per term, a graph copy
per concept) makes the ratio approach 16; linear and n·log n stages stay near 4-5.
The real timings live in benchmarks/ (benchmarks/results.md).
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import pytest

from kg.exporters import render_all
from kg.manifest import plan_for_paths
from kg.pipeline import build

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "benchmarks"))
from generate import generate  # noqa: E402


def _cost(folder: Path) -> float:
    best = float("inf")
    for _ in range(2):  # best of two damps noise from other processes on a shared machine
        started = time.perf_counter()
        render_all(build(plan_for_paths([folder])))
        best = min(best, time.perf_counter() - started)
    return best


@pytest.mark.slow
def test_four_times_the_terms_costs_less_than_six_times_the_time(tmp_path):
    small, large = tmp_path / "small", tmp_path / "large"
    generate(600, small)
    generate(2400, large)
    _cost(small)  # warm imports and caches so the first measurement is not penalised
    ratio = _cost(large) / _cost(small)
    assert ratio < 6, f"4x terms cost {ratio:.1f}x the time: something is worse than n log n"
