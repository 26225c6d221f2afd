"""Other processes for a build's independent work: reading files, the conversions and checks
of the exports (spawned workers), and jobs that need what this process holds, the edge rules
that run apart and the explorer page (forked children).

Workers are spawned, not forked: the parent holds the whole graph and a progress thread,
neither of which a worker needs. They ignore Ctrl-C (the parent stops them and reports once,
without a traceback from each) and end with their parent: a killed build's workers would
otherwise wait forever on a queue whose writing end they hold themselves.

A job that needs the graph or the concepts is forked instead (`fork_job`): a spawned worker
would have to be sent them (1.5 s of pickling for a 100,000-concept graph) and would start
with cold caches, where a forked child starts with both. The child runs only that job, sends
back its result through a pipe and never touches the parent's streams or locks, which a
thread of the parent (rich's progress line, a pool's feeder) may hold at the moment of the
fork. Children too ignore Ctrl-C and end with their parent.

Library callers get no workers unless they ask: a spawned worker re-imports its parent's main
script, which must then be guarded by `if __name__ == "__main__":` (`kg build` is).
"""

from __future__ import annotations

import os
import pickle
import signal
import threading
import time
import warnings
from collections.abc import Callable
from concurrent.futures import BrokenExecutor, Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
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


def fork_job(job: Callable, *args) -> Future | None:
    """Run `job(*args)` in a forked child; a Future of its result (or of the exception it
    raised), or None where this system cannot fork: do the job here. `stop_forked` ends it."""
    if not hasattr(os, "fork"):
        return None
    reading, writing = os.pipe()
    try:
        with warnings.catch_warnings():  # Python 3.12+ warns of forking with threads; see above
            warnings.simplefilter("ignore", DeprecationWarning)
            pid = os.fork()
    except OSError:  # a process limit
        os.close(reading)
        os.close(writing)
        return None
    if pid == 0:
        os.close(reading)
        _run_child(writing, job, args)  # does not return
    os.close(writing)
    future: Future = Future()
    future.set_running_or_notify_cancel()
    future.pid = pid  # type: ignore[attr-defined]  # for stop_forked
    threading.Thread(target=_collect, args=(pid, reading, future), daemon=True,
                     name="kg-forked-job").start()
    return future


def stop_forked(future: Future) -> None:
    """End a forked job at once (Ctrl-C, an error elsewhere); its Future then fails."""
    try:
        os.kill(future.pid, signal.SIGKILL)  # type: ignore[attr-defined]
    except ProcessLookupError:  # already ended
        pass


def _run_child(writing: int, job: Callable, args: tuple) -> None:
    code = 1
    try:
        signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent stops it
        threading.Thread(target=_exit_with, args=(os.getppid(),), daemon=True).start()
        try:
            outcome = (True, job(*args))
        except BaseException as error:  # sent to the parent, which raises it
            outcome = (False, error)
        try:
            data = pickle.dumps(outcome)
        except Exception:  # an exception that cannot travel: its words can
            data = pickle.dumps((False, RuntimeError(f"{type(outcome[1]).__name__}: {outcome[1]}")))
        with os.fdopen(writing, "wb") as pipe:
            pipe.write(data)
        code = 0
    finally:
        os._exit(code)  # no interpreter teardown: atexit handlers and buffers are the parent's


def _collect(pid: int, reading: int, future: Future) -> None:
    with os.fdopen(reading, "rb") as pipe:
        data = pipe.read()
    _, status = os.waitpid(pid, 0)
    if status != 0 or not data:
        future.set_exception(BrokenProcessPool(
            f"the forked job ended with status {os.waitstatus_to_exitcode(status)}"))
        return
    try:
        ok, value = pickle.loads(data)
    except Exception as error:  # an exception that pickles but cannot be rebuilt here
        ok, value = False, RuntimeError(f"the forked job failed, and its error cannot be read: {error}")
    if ok:
        future.set_result(value)
    else:
        future.set_exception(value)
