"""Worker processes (kg.workers): spawned, stopped at once when asked. Ctrl-C and a killed
parent are tested through the export's use of them (tests/test_rdf_write.py)."""

from __future__ import annotations

import time

import pytest

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


def test_a_forked_job_gives_its_result_or_raises_its_error():
    from kg.workers import fork_job

    assert fork_job(sorted, [3, 1, 2]).result(timeout=60) == [1, 2, 3]
    with pytest.raises(ValueError, match="invalid literal"):
        fork_job(int, "x").result(timeout=60)


def test_a_forked_job_is_stopped_at_once_when_asked():
    from concurrent.futures import BrokenExecutor

    from kg.workers import fork_job, stop_forked

    future = fork_job(time.sleep, 60)
    started = time.monotonic()
    stop_forked(future)
    with pytest.raises(BrokenExecutor):
        future.result(timeout=30)
    assert time.monotonic() - started < 10


FORK_KILL_SCRIPT = """
import os, signal, time
from kg.workers import fork_job

if __name__ == "__main__":
    future = fork_job(time.sleep, 60)
    print(future.pid, flush=True)
    time.sleep(0.5)
    os.kill(os.getpid(), signal.SIGKILL)  # a killed build: no cleanup runs
"""


def test_a_forked_job_ends_with_a_killed_build(tmp_path):
    import os
    import subprocess
    import sys
    from pathlib import Path

    script = tmp_path / "killed.py"
    script.write_text(FORK_KILL_SCRIPT, encoding="utf-8")
    run = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, timeout=50,
                         start_new_session=True,
                         env={**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parent.parent)})
    child = int(run.stdout.split()[0])
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and Path(f"/proc/{child}").exists():
        time.sleep(0.2)
    assert not Path(f"/proc/{child}").exists()


class _Unreadable(Exception):
    """Pickles, but cannot be rebuilt: its __init__ wants an argument pickle does not keep."""

    def __init__(self, code: int, reason: str):
        super().__init__(f"code {code}: {reason}")


def _raise_unreadable():
    raise _Unreadable(3, "broken")


def test_a_forked_job_whose_error_cannot_travel_still_ends_with_an_error():
    from kg.workers import fork_job

    with pytest.raises(RuntimeError, match="cannot be read"):
        fork_job(_raise_unreadable).result(timeout=60)
