"""Worker processes for a build's independent work: edge rules that share nothing with the
others, and the conversions and checks of the exports.

Workers are spawned, not forked: the parent holds the whole graph and a progress thread,
neither of which a worker needs. They ignore Ctrl-C (the parent stops them and reports once,
without a traceback from each) and end with their parent: a killed build's workers would
otherwise wait forever on a queue whose writing end they hold themselves.

Library callers get no workers unless they ask: a spawned worker re-imports its parent's main
script, which must then be guarded by `if __name__ == "__main__":` (`kg build` is).
"""

from __future__ import annotations

import os
import signal
import threading
import time
from collections.abc import Callable
from concurrent.futures import BrokenExecutor, Future, ProcessPoolExecutor
from multiprocessing import get_context

# What a pool raises when it cannot take or finish work: a worker that could not be started
# (a process limit: processes start at the first submit) or that died (the OOM killer).
POOL_FAILURES = (OSError, BrokenExecutor)


def start_pool(count: int) -> ProcessPoolExecutor | None:
    """A pool of `count` spawned workers, or None where the system cannot give one (no
    /dev/shm for its semaphores, process limits): callers then do the work themselves."""
    try:
        return ProcessPoolExecutor(count, mp_context=get_context("spawn"),
                                   initializer=_start_worker, initargs=(os.getpid(),))
    except (OSError, ImportError, NotImplementedError):
        return None


def submit(pool: ProcessPoolExecutor, job: Callable, *args) -> Future | None:
    """`pool.submit(job, *args)`, or None where the pool cannot take it: do the job here."""
    try:
        return pool.submit(job, *args)
    except POOL_FAILURES:
        return None


def stop_pool(pool: ProcessPoolExecutor, at_once: bool = False) -> None:
    """Shut `pool` down; `at_once` (Ctrl-C, an error) stops running work too."""
    if at_once:
        for process in list(getattr(pool, "_processes", {}).values()):
            process.terminate()  # no public way before Python 3.14's terminate_workers()
    pool.shutdown(wait=True, cancel_futures=True)


def _start_worker(parent: int) -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    threading.Thread(target=_exit_with, args=(parent,), daemon=True, name="kg-parent-watch").start()


def _exit_with(parent: int) -> None:
    while os.getppid() == parent:
        time.sleep(0.5)
    os._exit(1)
