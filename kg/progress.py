"""Progress on a terminal while a build works; silence when stderr is not a terminal."""

from __future__ import annotations

import sys
import time
from contextlib import contextmanager
from typing import Iterator


class Progress:
    """Reports stages as they run and records how long each took (for --profile)."""

    def __init__(self, enabled: bool | None = None, stream=None):
        self.stream = stream or sys.stderr
        self.enabled = self.stream.isatty() if enabled is None else enabled
        self.timings: list[tuple[str, float]] = []

    @contextmanager
    def stage(self, name: str) -> Iterator[None]:
        if self.enabled:
            self.stream.write(f"\r\033[K{name}…")
            self.stream.flush()
        started = time.perf_counter()
        try:
            yield
        finally:
            self.timings.append((name, time.perf_counter() - started))
            if self.enabled:
                self.stream.write("\r\033[K")
                self.stream.flush()
