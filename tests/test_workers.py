"""Worker processes (kg.workers): spawned, stopped at once when asked. Ctrl-C and a killed
parent are tested through the export's use of them (tests/test_rdf_write.py)."""

from __future__ import annotations

import time

from kg.workers import start_pool, stop_pool


def test_a_pool_runs_work_and_stops_at_once_when_asked():
    pool = start_pool(1)
    assert pool is not None
    assert pool.submit(sum, [1, 2, 3]).result(timeout=60) == 6
    running = pool.submit(time.sleep, 60)
    time.sleep(0.5)
    started = time.monotonic()
    stop_pool(pool, at_once=True)
    assert time.monotonic() - started < 10
    assert running.done()
