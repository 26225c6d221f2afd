"""Other processes for a build's independent work: reading files, the conversions and checks
of the exports (a pool of workers), and jobs that need what this process holds, the edge rules
that run apart and the explorer page (forked children).

A pool started mid-build spawns its workers (`start_pool`), not forks them: the parent then
holds the whole graph and a progress thread, neither of which a worker needs. Workers
ignore Ctrl-C (the parent stops them and reports once, without a traceback from each) and end
with their parent: a killed build's workers would otherwise wait forever on a queue whose
writing end they hold themselves.

A job that needs the graph or the concepts is forked instead (`fork_job`): a spawned worker
would have to be sent them (1.5 s of pickling for a 100,000-concept graph) and would start
with cold caches, where a forked child starts with both. The child runs only that job, sends
back its result through a pipe and never touches the parent's streams or locks, which a
thread of the parent (rich's progress line, a pool's feeder) may hold at the moment of the
fork. Children too ignore Ctrl-C and end with their parent.

`kg build` itself forks its pool instead (`fork_pool`), once, at its very start: the process
is small then (the graph is not read yet) and has no thread, and its workers start with
everything imported, where each spawned one would spend 0.2-0.35 s of CPU importing Python
and kg again. That one pool serves the whole build: reading, the concepts' jobs, the export's
conversions and checks.

Library callers get no workers unless they ask: a spawned worker re-imports its parent's main
script, which must then be guarded by `if __name__ == "__main__":` (`kg build` is).
"""

from __future__ import annotations

import os
import pickle
import signal
import sys
import threading
import time
import warnings
from collections import deque
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from concurrent.futures import (BrokenExecutor, CancelledError, Executor, Future,
                                ProcessPoolExecutor)
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


def fork_pool(count: int) -> ProcessPoolExecutor | None:
    """A pool of `count` workers forked from this process now, all of them; None where they
    cannot be had (no fork, a process limit, no /dev/shm for the semaphores) or where this
    process already runs a thread, which a forked worker could copy holding a lock: callers
    then use `start_pool` or do the work themselves.

    Call it before the process grows (the workers would keep a copy of what it holds at the
    fork, though copy-on-write shares it while neither writes it), and before any thread starts
    (rich's progress line, a pool's own threads). With the fork method a ProcessPoolExecutor
    forks every worker at its first submit, before it starts its own thread, and never forks
    one later (it does not replace a worker that dies: the pool is then broken).
    """
    # Python's threads only: a native library's own, OpenBLAS's (numpy, imported with kg),
    # shut down around a fork by its pthread_atfork handlers, as for fork_job.
    if not hasattr(os, "fork") or threading.active_count() > 1:
        return None
    for stream in (sys.stdout, sys.stderr):  # else what waits in their buffers is written twice
        if stream is not None:
            stream.flush()
    try:
        pool = ProcessPoolExecutor(count, mp_context=get_context("fork"),
                                   initializer=_start_worker, initargs=(os.getpid(),))
    except (OSError, ImportError, NotImplementedError, ValueError):
        return None
    try:
        with _forking():
            forked = submit(pool, _nothing)  # the workers are forked here
    except KeyboardInterrupt:
        stop_pool(pool, at_once=True)
        raise
    if forked is None:
        stop_pool(pool, at_once=True)
        return None
    return pool


def _nothing() -> None:
    pass


@contextmanager
def _forking() -> Iterator[set]:
    """Around a fork: Ctrl-C held back, and raised on leaving. In the fork's handlers
    (os.register_at_fork: logging's, threading's) its KeyboardInterrupt would be printed and
    dropped, and the build would go on; in a child, a traceback before it ignores Ctrl-C.
    Python 3.12+ warns of forking with threads, counting OpenBLAS's native one too (numpy,
    imported with kg), which its pthread_atfork handlers make safe: not said. Gives the mask
    to restore in the child."""
    held = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", DeprecationWarning)
            yield held
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, held)  # a Ctrl-C meanwhile is raised here


class OneAtATime(Executor):
    """A view of `pool` that hands it the jobs submitted through it one at a time, in order.

    The build's stages before the export want one worker beside this process, not the
    export's --jobs of them: on two cores a second busy worker slows this process, which the
    stage waits for (the concepts stage at 100,000 terms, three jobs: 0.1-0.25 s of wall time).
    A job that cannot be handed over fails as the pool would fail it: at once for the first,
    through its Future for one that waited.
    """

    def __init__(self, pool: Executor):
        self._pool = pool
        self._lock = threading.Lock()
        self._waiting: deque[tuple[Future, Callable, tuple, dict]] = deque()
        self._busy = False

    def submit(self, fn: Callable, /, *args, **kwargs) -> Future:
        with self._lock:
            if self._busy:
                future: Future = Future()
                self._waiting.append((future, fn, args, kwargs))
                return future
            self._busy = True
        try:
            running = self._pool.submit(fn, *args, **kwargs)
        except BaseException:
            self._next()
            raise
        running.add_done_callback(self._next)
        return running

    def _next(self, _finished: Future | None = None) -> None:
        """Hand over the next waiting job (in the pool's thread, as a job ends)."""
        while True:
            with self._lock:
                if not self._waiting:
                    self._busy = False
                    return
                future, fn, args, kwargs = self._waiting.popleft()
            if not future.set_running_or_notify_cancel():  # cancelled while it waited
                continue
            try:
                running = self._pool.submit(fn, *args, **kwargs)
            except BaseException as error:  # shut down, or broken: the caller sees it
                future.set_exception(error)
                continue
            running.add_done_callback(lambda ran, future=future: self._pass_on(ran, future))
            return

    def _pass_on(self, ran: Future, future: Future) -> None:
        if ran.cancelled():  # the pool was stopped at once; `future`, running, cannot be cancelled
            future.set_exception(CancelledError())
        elif ran.exception() is not None:
            future.set_exception(ran.exception())
        else:
            future.set_result(ran.result())
        self._next()


def submit(pool: ProcessPoolExecutor, job: Callable, *args) -> Future | None:
    """`pool.submit(job, *args)`, or None where the pool cannot take it: do the job here."""
    try:
        return pool.submit(job, *args)
    except POOL_FAILURES:
        return None


def stop_pool(pool: ProcessPoolExecutor, at_once: bool = False) -> None:
    """Shut `pool` down; `at_once` (Ctrl-C, an error) stops running work too. A pool already
    shut down is left as it is (a caller's pool that Conversions stopped on a failure)."""
    if at_once:
        for process in list((getattr(pool, "_processes", None) or {}).values()):
            process.terminate()  # no public way before Python 3.14's terminate_workers()
    pool.shutdown(wait=True, cancel_futures=True)


def _start_worker(parent: int) -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT})  # held while forked: see fork_pool
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
    future: Future | None = None
    try:
        with _forking() as held:
            pid = os.fork()
            if pid == 0:
                os.close(reading)
                _run_child(writing, job, args, held)  # does not return
            os.close(writing)
            future = Future()
            future.set_running_or_notify_cancel()
            future.pid = pid  # type: ignore[attr-defined]  # for stop_forked
            threading.Thread(target=_collect, args=(pid, reading, future), daemon=True,
                             name="kg-forked-job").start()
    except OSError:  # a process limit: no child
        os.close(reading)
        os.close(writing)
        return None
    except KeyboardInterrupt:  # during the fork: the child just made is stopped too
        if future is not None:
            stop_forked(future)
        raise
    return future


def stop_forked(future: Future) -> None:
    """End a forked job at once (Ctrl-C, an error elsewhere); its Future then fails."""
    try:
        os.kill(future.pid, signal.SIGKILL)  # type: ignore[attr-defined]
    except ProcessLookupError:  # already ended
        pass


def _run_child(writing: int, job: Callable, args: tuple, mask: set) -> None:
    code = 1
    try:
        signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent stops it
        signal.pthread_sigmask(signal.SIG_SETMASK, mask)
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
