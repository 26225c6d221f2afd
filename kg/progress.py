"""Progress on a terminal while a build works; silence when stderr is not a terminal."""

from __future__ import annotations

import sys
import time
from contextlib import contextmanager, nullcontext
from typing import Iterator


class Progress:
    """Shows the running stage (rich's status line) and records each stage's time (--profile)."""

    def __init__(self, enabled: bool | None = None, stream=None):
        self.stream = stream or sys.stderr
        self.enabled = self.stream.isatty() if enabled is None else enabled
        self.timings: list[tuple[str, float]] = []
        self._console = None
        if self.enabled:
            from rich.console import Console  # only on a terminal: scripts never pay its import
            self._console = Console(file=self.stream)

    @contextmanager
    def stage(self, name: str) -> Iterator[None]:
        status = self._console.status(f"{name}…") if self._console else nullcontext()
        started = time.perf_counter()
        try:
            with status:
                yield
        finally:
            self.timings.append((name, time.perf_counter() - started))
