"""Progress: quiet off a terminal, a status line on one, stage times either way."""

from __future__ import annotations

import io

from kg.progress import Progress


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_off_a_terminal_it_prints_nothing_but_times_every_stage():
    stream = io.StringIO()
    progress = Progress(stream=stream)
    with progress.stage("concepts"):
        pass
    assert stream.getvalue() == "" and [name for name, _ in progress.timings] == ["concepts"]


def test_on_a_terminal_it_names_the_running_stage():
    stream = _Terminal()
    progress = Progress(stream=stream)
    with progress.stage("edges"):
        pass
    assert "edges" in stream.getvalue() and progress.timings[0][1] >= 0
