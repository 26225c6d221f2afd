"""Worker processes (kg.workers): spawned or forked, stopped at once when asked. Ctrl-C and a
killed parent are tested through the export's use of them (tests/test_rdf_write.py) and
through `kg build` (tests/test_cli.py)."""

from __future__ import annotations

import time
from concurrent.futures import BrokenExecutor

import pytest

from kg.workers import start_pool, stop_pool


def _run_script(tmp_path, text: str, ctrl_c: bool = False):
    """Run `text` as a script in a session of its own (a killed or interrupted one must not
    reach the tests), with this checkout importable; with `ctrl_c`, SIGINT at its default."""
    import os
    import signal
    import subprocess
    import sys
    from pathlib import Path

    script = tmp_path / "script.py"
    script.write_text(text, encoding="utf-8")
    return subprocess.run([sys.executable, str(script)], capture_output=True, text=True, timeout=50,
                          start_new_session=True,
                          preexec_fn=(lambda: signal.signal(signal.SIGINT, signal.SIG_DFL)) if ctrl_c else None,
                          env={**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parent.parent)})


def _all_end(pids: list[int], within: float = 10) -> bool:
    from pathlib import Path

    deadline = time.monotonic() + within
    while time.monotonic() < deadline and any(Path(f"/proc/{pid}").exists() for pid in pids):
        time.sleep(0.2)
    return not any(Path(f"/proc/{pid}").exists() for pid in pids)


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
    run = _run_script(tmp_path, FORK_KILL_SCRIPT)
    child = int(run.stdout.split()[0])
    assert _all_end([child])


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


FORK_POOL_SCRIPT = """
import os, sys
import kg.validate  # imported here: the workers must not import it again
from kg.workers import fork_pool, stop_pool

def imported(name):
    return name in sys.modules

if __name__ == "__main__":
    pool = fork_pool(2)
    started = sorted(pool._processes)  # before any thread could fork one later
    print(len(started), pool.submit(imported, "kg.validate").result(timeout=60),
          pool.submit(os.getppid).result(timeout=60) == os.getpid(), flush=True)
    assert sorted(pool._processes) == started
    stop_pool(pool)
    stop_pool(pool, at_once=True)  # a second stop, as after a failure, is harmless
"""


def test_a_forked_pool_starts_every_worker_at_once_with_what_was_imported(tmp_path):
    # A process of its own: fork_pool declines in one with threads, as a test runner's may be.
    run = _run_script(tmp_path, FORK_POOL_SCRIPT)
    assert run.stdout.split() == ["2", "True", "True"], run.stderr
    assert run.returncode == 0 and "Traceback" not in run.stderr


def test_a_pool_is_not_forked_from_a_process_with_a_thread():
    import threading

    from kg.workers import fork_pool

    release = threading.Event()
    thread = threading.Thread(target=release.wait)
    thread.start()
    try:
        assert fork_pool(2) is None  # a worker could copy a lock the thread holds
    finally:
        release.set()
        thread.join()


FORK_CTRL_C_SCRIPT = """
import multiprocessing, os, signal
from kg.workers import fork_pool

if __name__ == "__main__":
    ctrl_c = lambda: os.kill(os.getpid(), signal.SIGINT)
    os.register_at_fork(after_in_parent=ctrl_c, after_in_child=ctrl_c)  # Ctrl-C mid-fork
    try:
        fork_pool(2)
        print("not interrupted", flush=True)
    except KeyboardInterrupt:
        print("interrupted", len(multiprocessing.active_children()), flush=True)
"""


def test_ctrl_c_while_the_pool_forks_interrupts_the_build_and_no_worker_says_so(tmp_path):
    # Raised in a fork's handlers, KeyboardInterrupt is printed and dropped: the build went on.
    run = _run_script(tmp_path, FORK_CTRL_C_SCRIPT, ctrl_c=True)
    assert run.stdout.split() == ["interrupted", "0"], run.stderr  # and its workers stopped
    assert "Traceback" not in run.stderr and "Exception ignored" not in run.stderr, run.stderr


FORK_JOB_CTRL_C_SCRIPT = """
import os, signal, time
from kg.workers import fork_job

if __name__ == "__main__":
    ctrl_c = lambda: os.kill(os.getpid(), signal.SIGINT)
    os.register_at_fork(after_in_parent=ctrl_c, after_in_child=ctrl_c)  # Ctrl-C mid-fork
    try:
        fork_job(time.sleep, 60)
        print("not interrupted", flush=True)
    except KeyboardInterrupt:
        print("interrupted", flush=True)
"""


def test_ctrl_c_while_a_job_forks_interrupts_the_build_and_the_child_ends(tmp_path):
    started = time.monotonic()
    run = _run_script(tmp_path, FORK_JOB_CTRL_C_SCRIPT, ctrl_c=True)
    assert run.stdout.split() == ["interrupted"], run.stderr
    assert "Traceback" not in run.stderr and "Exception ignored" not in run.stderr, run.stderr
    assert time.monotonic() - started < 30  # the 60 s child was stopped, not waited for


FORK_POOL_KILL_SCRIPT = """
import os, signal, time
from kg.workers import fork_pool

if __name__ == "__main__":
    pool = fork_pool(2)
    for _ in range(2):
        pool.submit(time.sleep, 60)
    print(" ".join(str(pid) for pid in pool._processes), flush=True)
    time.sleep(0.5)
    os.kill(os.getpid(), signal.SIGKILL)  # a killed build: no cleanup runs
"""


def test_a_forked_pool_ends_with_a_killed_build(tmp_path):
    run = _run_script(tmp_path, FORK_POOL_KILL_SCRIPT)
    workers = [int(pid) for pid in run.stdout.split()]
    assert len(workers) == 2, run.stderr
    assert _all_end(workers)


def _span(seconds: float) -> tuple[float, float]:
    started = time.time()
    time.sleep(seconds)
    return started, time.time()


def test_one_at_a_time_hands_a_pool_one_job_at_a_time_in_order():
    from kg.workers import OneAtATime

    pool = start_pool(2)
    assert pool is not None
    try:
        jobs = OneAtATime(pool)
        spans = [jobs.submit(_span, 0.3) for _ in range(3)]
        failed = jobs.submit(int, "x")  # an error comes back as the pool's would
        last = jobs.submit(sum, [1, 2])
        ends = [future.result(timeout=60) for future in spans]
        assert all(earlier[1] <= later[0] for earlier, later in zip(ends, ends[1:]))
        with pytest.raises(ValueError, match="invalid literal"):
            failed.result(timeout=60)
        assert last.result(timeout=60) == 3
    finally:
        stop_pool(pool)


def test_jobs_waiting_one_at_a_time_fail_when_the_pool_is_stopped():
    from concurrent.futures import CancelledError

    from kg.workers import OneAtATime

    pool = start_pool(1)
    assert pool is not None
    jobs = OneAtATime(pool)
    running = jobs.submit(time.sleep, 60)
    waiting = jobs.submit(sum, [1, 2])
    time.sleep(0.5)
    stop_pool(pool, at_once=True)  # Ctrl-C: nothing may be left waiting forever
    with pytest.raises((CancelledError, RuntimeError, BrokenExecutor)):
        waiting.result(timeout=30)
    assert running.done()
