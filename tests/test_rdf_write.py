"""Streamed serialisation (kg.exporters.rdf_write): sorted N-Triples by subject group, file-to-file
conversion, and conversions and checks in worker processes giving the bytes of in-process ones."""

from __future__ import annotations

import io
import os
import random
from pathlib import Path
from dataclasses import replace

import pytest

from kg.config import DEFAULT, ExportConfig
from kg.exporters import write_all
from kg.exporters.rdf_terms import RDF_TYPE
from kg.exporters.rdf_write import _BreakBeforeObjects, write_ntriples
from tests.fixtures.rdf.samples import astronomy, rendered

P = "<https://example.org/p>"
Q = "<https://example.org/q>"


def _line(subject: str, predicate: str, obj: str) -> str:
    return f"{subject} {predicate} {obj} .\n"


def test_groups_give_the_bytes_of_sorting_every_line():
    # "<…/a>" and "<…/a-b>": one subject is a prefix of the other, where a naive key would
    # put "a" first but the line sort puts "a-b" first ('-' < '>').
    subjects = ["<https://example.org/a>", "<https://example.org/a-b>", "<https://example.org/a/b>",
                "<https://example.org/A>", "<https://example.org/b>"]
    rng = random.Random(3)
    lines = [_line(s, rng.choice([P, Q, RDF_TYPE]), f'"{rng.randint(0, 9)}"') for s in subjects for _ in range(6)]
    groups: dict[str, list[str]] = {}
    for line in lines:
        groups.setdefault(line.split(" ", 1)[0], []).append(line)
    out = io.BytesIO()
    count = write_ntriples(sorted(groups.items()), out)
    expected = "".join(sorted(set(lines))).replace(RDF_TYPE, "<http://www.w3.org/1999/02/22-rdf-syntax-ns#type>")
    assert out.getvalue().decode("utf-8") == expected
    assert count == len(set(lines))


def test_a_subject_split_over_adjacent_groups_is_written_as_one():
    s = "<https://example.org/s>"
    out = io.BytesIO()
    write_ntriples([(s, [_line(s, Q, '"2"')]), (s, [_line(s, P, '"1"'), _line(s, Q, '"2"')])], out)
    assert out.getvalue().decode("utf-8") == _line(s, P, '"1"') + _line(s, Q, '"2"')


def test_a_block_is_written_as_given_among_sorted_groups():
    a, b, c = "<https://example.org/a>", "<https://example.org/b>", "<https://example.org/c>"
    block = _line(b, P, '"1"') + _line(b, Q, '"2"')
    out = io.BytesIO()
    count = write_ntriples([(a, [_line(a, Q, '"x"'), _line(a, P, '"y"')]), (b, block), (c, [_line(c, P, '"z"')])], out)
    assert out.getvalue().decode("utf-8") == _line(a, P, '"y"') + _line(a, Q, '"x"') + block + _line(c, P, '"z"')
    assert count == 5


@pytest.mark.parametrize("before", [True, False])
def test_a_block_shares_its_subject_with_no_other_group(before):
    s = "<https://example.org/s>"
    groups = [(s, [_line(s, P, '"1"')]), (s, _line(s, Q, '"2"'))]
    with pytest.raises(ValueError, match="block"):
        write_ntriples(groups if before else groups[::-1], io.BytesIO())


def test_groups_out_of_order_are_a_bug_not_a_silent_misorder():
    with pytest.raises(ValueError, match="out of order"):
        write_ntriples([("<https://b>", []), ("<https://a>", [])], io.BytesIO())


@pytest.mark.parametrize("chunk", [1, 3, 7, 8, 9, 1000])
def test_json_ld_objects_start_lines_whatever_the_write_sizes(chunk):
    document = b'[{"@id":"a","x":[{"@value":"},{\\"@id\\""}]},{"@id":"b"},{"@id":"c"}]'
    out = io.BytesIO()
    wrapper = _BreakBeforeObjects(out)
    for start in range(0, len(document), chunk):
        wrapper.write(document[start:start + chunk])
        wrapper.flush()
    wrapper.finish()
    assert out.getvalue() == document.replace(b'},{"@id"', b'},\n{"@id"') + b"\n"
    assert out.getvalue().count(b"\n") == 3


def test_worker_processes_write_the_bytes_of_in_process_conversion(tmp_path):
    parallel = replace(DEFAULT, export=ExportConfig(parallel_bytes=0, workers=2))  # every file to a worker
    written, reports = write_all(astronomy(), tmp_path, ["rdf", "skos"], parallel, validate=True)
    assert {name: (tmp_path / name).read_bytes() for name in written} == rendered("astronomy")
    assert [r.file for r in reports] == ["astro.skos.ttl", "astro.ttl"]
    assert all(r.ok for r in reports) and reports[0].triples > 0
    assert not [p.name for p in tmp_path.iterdir() if p.name not in written]  # no temporary left


def test_files_converted_while_written_give_the_bytes_of_in_process_conversion(tmp_path):
    # workers started before the first file: each conversion reads its file as it grows
    streaming = replace(DEFAULT, export=ExportConfig(parallel_bytes=0, workers=2, start_workers_concepts=0))
    written, reports = write_all(astronomy(), tmp_path, ["rdf", "skos"], streaming, validate=True)
    assert {name: (tmp_path / name).read_bytes() for name in written} == rendered("astronomy")
    assert all(r.ok for r in reports) and [r.file for r in reports] == ["astro.skos.ttl", "astro.ttl"]
    assert not [p.name for p in tmp_path.iterdir() if p.name not in written]  # no marker, no .nt left


def test_a_forked_explorer_writes_the_bytes_of_one_written_here(tmp_path):
    from kg.exporters import render_all

    # a large build's settings: the explorer renders in a forked child (Exporter.alone)
    forking = replace(DEFAULT, export=ExportConfig(parallel_bytes=0, workers=2, start_workers_concepts=0))
    written, _ = write_all(astronomy(), tmp_path, None, forking, validate=True)
    expected = {**rendered("astronomy"), **render_all(astronomy(), ["html"])}
    assert {name: (tmp_path / name).read_bytes() for name in written} == expected


def _dies_when_forked(kg, folder, conversions):
    import os

    from kg.exporters.skos import write

    if conversions is None:  # in the forked child: killed halfway through its N-Triples
        (folder / f"{kg.scheme.name}.skos.nt").write_bytes(b'<https://e.org/a> <https://e.org/p> "x')
        os._exit(9)
    return write(kg, folder, conversions)


def test_a_forked_profile_writer_that_dies_ends_the_build_at_once(tmp_path, monkeypatch):
    import time

    from kg.errors import KgError
    from kg.exporters import EXPORTERS

    # the workers converting its N-Triples as they grow must not wait for them for ever
    monkeypatch.setitem(EXPORTERS, "skos", replace(EXPORTERS["skos"], write=_dies_when_forked))
    forking = replace(DEFAULT, export=ExportConfig(parallel_bytes=0, workers=2, start_workers_concepts=0))
    started = time.monotonic()
    with pytest.raises(KgError, match="--jobs 1"):
        write_all(astronomy(), tmp_path, ["skos", "rdf"], forking, validate=True)
    assert time.monotonic() - started < 30


def test_a_forked_exporter_s_error_is_raised_here(tmp_path, monkeypatch):
    from kg.errors import InputError
    from kg.exporters import EXPORTERS, Exporter

    def broken(kg, folder, conversions):
        raise InputError("the page cannot be written", hint="a hint that must travel too")

    monkeypatch.setitem(EXPORTERS, "broken", Exporter("broken", "fails", broken, alone=True))
    forking = replace(DEFAULT, export=ExportConfig(parallel_bytes=0, workers=2, start_workers_concepts=0))
    with pytest.raises(InputError, match="cannot be written") as raised:
        write_all(astronomy(), tmp_path, ["skos", "broken"], forking)
    assert raised.value.hint == "a hint that must travel too"


def test_a_growing_file_is_read_whole_and_ends_only_at_its_marker(tmp_path):
    import threading
    import time

    from kg.exporters.rdf_write import _Growing

    path, marker = tmp_path / "g.nt", tmp_path / "g.nt.written"
    chunks = [b'<https://e.org/a> <https://e.org/p> "' + bytes([65 + n]) * 5000 + b'" .\n' for n in range(20)]
    path.write_bytes(b"")

    def writer():
        with open(path, "ab") as out:
            for chunk in chunks:  # lines split across writes, with pauses a reader must wait out
                out.write(chunk[:100])
                out.flush()
                time.sleep(0.01)
                out.write(chunk[100:])
                out.flush()
        marker.touch()

    thread = threading.Thread(target=writer)
    thread.start()
    read = b""
    with _Growing(path, marker) as source:
        while piece := source.read(4096):
            read += piece
    thread.join()
    assert read == b"".join(chunks)


def test_a_writer_that_fails_leaves_no_conversion_waiting(tmp_path):
    import time

    from kg.exporters.rdf_write import Conversions

    def failing(out, cut):
        out.write(b'<https://e.org/a> <https://e.org/p> "x" .\n')
        raise RuntimeError("exporter bug")

    started = time.monotonic()
    with pytest.raises(RuntimeError, match="exporter bug"):
        with Conversions(parallel_bytes=0, workers=2, start_now=True) as conversions:
            conversions.write_and_convert(tmp_path / "g.nt", failing, [(tmp_path / "g.ttl", "ttl")], {})
            conversions.wait()
    assert time.monotonic() - started < 30  # the workers waiting for the rest were stopped


def test_a_failing_check_is_reported_not_lost(tmp_path, monkeypatch):
    import kg.exporters

    def broken(*args):
        raise RuntimeError("checker bug")

    monkeypatch.setattr(kg.exporters, "check_written", broken)
    with pytest.raises(RuntimeError, match="checker bug"):
        write_all(astronomy(), tmp_path, ["skos"], validate=True)


def test_without_worker_processes_the_work_is_done_here(tmp_path, monkeypatch):
    import kg.workers

    def no_pool(*args, **kwargs):  # e.g. a container without /dev/shm for the pool's semaphores
        raise OSError(38, "Function not implemented")

    monkeypatch.setattr(kg.workers, "ProcessPoolExecutor", no_pool)
    parallel = replace(DEFAULT, export=ExportConfig(parallel_bytes=0, workers=2))
    written, reports = write_all(astronomy(), tmp_path, ["rdf", "skos"], parallel, validate=True)
    assert {name: (tmp_path / name).read_bytes() for name in written} == rendered("astronomy")
    assert all(r.ok for r in reports)


CTRL_C_SCRIPT = """
import os, signal, sys, threading, time
from pathlib import Path
from kg.exporters.rdf_write import Conversions
from kg.workers import fork_pool

if __name__ == "__main__":
    folder = Path(sys.argv[1])
    (folder / "g.nt").write_bytes(b'<https://e.org/a> <https://e.org/p> "x" .\\n')
    pool = fork_pool(2) if sys.argv[2] == "forked" else None  # as kg build's, before any thread
    assert pool is not None or sys.argv[2] != "forked"
    threading.Timer(1.0, lambda: os.killpg(0, signal.SIGINT)).start()  # Ctrl-C on a terminal
    started = time.monotonic()
    try:
        with Conversions(parallel_bytes=0, workers=2, pool=pool) as jobs:
            jobs.add(folder / "g.nt", folder / "g.ttl", "ttl", {})
            jobs.after(folder / "g.ttl", time.sleep, 60)  # a long job in a worker
            jobs.wait()
    except KeyboardInterrupt:
        print(f"interrupted after {time.monotonic() - started:.1f} s")
"""


@pytest.mark.parametrize("pool", ["its own", "forked"])
def test_ctrl_c_stops_the_workers_at_once_and_quietly(tmp_path, pool):
    import os
    import signal
    import subprocess
    import sys

    script = tmp_path / "ctrl_c.py"
    script.write_text(CTRL_C_SCRIPT, encoding="utf-8")
    # A session of its own, so the signal reaches the script's workers and not the tests;
    # SIGINT back to its default in case the test runner was started with it ignored.
    run = subprocess.run([sys.executable, str(script), str(tmp_path), pool], capture_output=True,
                         text=True, timeout=50, start_new_session=True,
                         preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
                         env={**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parent.parent)})
    assert run.stdout.startswith("interrupted after"), run.stderr
    assert float(run.stdout.split()[2]) < 10  # the 60 s job was stopped, not waited for
    assert "Traceback" not in run.stderr


KILL_SCRIPT = """
import os, signal, sys, time
from pathlib import Path
from kg.exporters.rdf_write import Conversions
from kg.workers import fork_pool

if __name__ == "__main__":
    folder = Path(sys.argv[1])
    (folder / "g.nt").write_bytes(b'<https://e.org/a> <https://e.org/p> "x" .\\\\n')
    pool = fork_pool(2) if sys.argv[2] == "forked" else None
    assert pool is not None or sys.argv[2] != "forked"
    jobs = Conversions(parallel_bytes=0, workers=2, pool=pool)
    jobs.add(folder / "g.nt", folder / "g.ttl", "ttl", {})
    jobs.after(folder / "g.ttl", time.sleep, 60)
    time.sleep(1.5)
    print(" ".join(str(pid) for pid in jobs.pool._processes), flush=True)
    os.kill(os.getpid(), signal.SIGKILL)  # a killed build: no cleanup runs
"""


@pytest.mark.parametrize("pool", ["its own", "forked"])
def test_workers_end_with_a_killed_build(tmp_path, pool):
    import os
    import subprocess
    import sys
    import time

    script = tmp_path / "killed.py"
    script.write_text(KILL_SCRIPT, encoding="utf-8")
    run = subprocess.run([sys.executable, str(script), str(tmp_path), pool], capture_output=True,
                         text=True, timeout=50, start_new_session=True,
                         env={**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parent.parent)})
    workers = [int(pid) for pid in run.stdout.split()]
    assert workers, run.stderr  # the pool starts workers as jobs come: one or two
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and any(Path(f"/proc/{pid}").exists() for pid in workers):
        time.sleep(0.2)
    assert not any(Path(f"/proc/{pid}").exists() for pid in workers)


def _exit_worker(code: int) -> None:  # a worker that dies, as the OOM killer would make it
    import os

    os._exit(code)


def test_a_worker_that_dies_is_one_clear_error(tmp_path):
    from kg.errors import KgError
    from kg.exporters.rdf_write import Conversions

    (tmp_path / "g.nt").write_bytes(b'<https://e.org/a> <https://e.org/p> "x" .\n')
    with Conversions(parallel_bytes=0, workers=2) as jobs:
        jobs.add(tmp_path / "g.nt", tmp_path / "g.ttl", "ttl", {})
        jobs.after(tmp_path / "g.ttl", _exit_worker, 1)
        with pytest.raises(KgError, match="--jobs 1"):
            jobs.wait()


def test_a_pool_that_cannot_start_workers_leaves_the_work_here(tmp_path, monkeypatch):
    import errno
    from concurrent.futures import ProcessPoolExecutor

    def no_process(*args, **kwargs):  # a process limit: workers start at the first submit
        raise OSError(errno.EAGAIN, "Resource temporarily unavailable")

    monkeypatch.setattr(ProcessPoolExecutor, "submit", no_process)
    parallel = replace(DEFAULT, export=ExportConfig(parallel_bytes=0, workers=2))
    written, reports = write_all(astronomy(), tmp_path, ["rdf", "skos"], parallel, validate=True)
    assert {name: (tmp_path / name).read_bytes() for name in written} == rendered("astronomy")


def test_a_caller_s_pool_does_the_work_and_is_left_running(tmp_path):
    from kg.workers import start_pool, stop_pool

    pool = start_pool(2)
    if pool is None:
        pytest.skip("no worker processes on this system")
    try:
        parallel = replace(DEFAULT, export=ExportConfig(parallel_bytes=0, workers=2))
        written, reports = write_all(astronomy(), tmp_path, ["rdf", "skos"], parallel, validate=True,
                                     pool=pool)
        assert {name: (tmp_path / name).read_bytes() for name in written} == rendered("astronomy")
        assert all(r.ok for r in reports)
        assert pool.submit(sum, [1, 2]).result(timeout=60) == 3  # still the caller's to use
    finally:
        stop_pool(pool)


def test_a_caller_s_pool_is_stopped_at_once_on_a_failure(tmp_path):
    from kg.exporters.rdf_write import Conversions
    from kg.workers import start_pool, stop_pool

    pool = start_pool(2)
    if pool is None:
        pytest.skip("no worker processes on this system")
    try:
        (tmp_path / "g.nt").write_bytes(b'<https://e.org/a> <https://e.org/p> "x" .\n')
        with Conversions(parallel_bytes=0, workers=2, pool=pool) as jobs:
            jobs.add(tmp_path / "g.nt", tmp_path / "g.ttl", "ttl", {})
            jobs.after(tmp_path / "g.ttl", int, "x")
            with pytest.raises(ValueError):
                jobs.wait()
        assert (tmp_path / "g.ttl").read_bytes()  # written by the caller's workers
        with pytest.raises(RuntimeError, match="shutdown"):  # the build is ending: no more work
            pool.submit(sum, [1, 2])
    finally:
        stop_pool(pool, at_once=True)  # as the caller's own cleanup would: harmless again


def test_a_child_that_needs_nothing_prepared_is_forked_before_the_others_are_prepared(tmp_path, monkeypatch):
    # the explorer's child works on the second core while this process makes the SKOS profile
    from kg.exporters import EXPORTERS
    from kg.exporters.rdf_write import Conversions

    events = []
    fork = Conversions.fork

    def recording_fork(self, job, exporter, *args):
        events.append(f"fork {exporter.name}")
        return fork(self, job, exporter, *args)

    def recording_prepare(kg):
        events.append("prepare skos")
        prepare(kg)

    prepare = EXPORTERS["skos"].prepare
    monkeypatch.setattr(Conversions, "fork", recording_fork)
    monkeypatch.setitem(EXPORTERS, "skos", replace(EXPORTERS["skos"], prepare=recording_prepare))
    forking = replace(DEFAULT, export=ExportConfig(parallel_bytes=0, workers=2, start_workers_concepts=0))
    written, _ = write_all(astronomy(), tmp_path, ["skos", "rdf", "html"], forking)
    assert events == ["fork html", "prepare skos", "fork skos"]
    assert f"{astronomy().scheme.name}.html" in written


class _Boundaries:
    """A stand-in for rdf_write.Cut that only records where the writer could have cut."""

    def __init__(self):
        self.offsets: list[int] = []

    def passing(self, subjects, out):
        out.flush()
        self.offsets.append(out.tell())


def test_json_ld_converted_in_two_parts_cut_anywhere_joins_into_the_whole(tmp_path, monkeypatch):
    from kg.exporters import rdf, turtle
    from kg.exporters.rdf_write import convert, convert_growing, join_json_ld
    from kg.exporters.skos import prefixes_for

    monkeypatch.setattr(turtle, "FLUSH_CHARS", 0)  # a possible cut after every statement
    kg = astronomy()
    terms = turtle.TurtleTerms(prefixes_for(kg))
    source, written, marker = tmp_path / "g.ttl", tmp_path / "g.ttl.written", tmp_path / "g.ttl.cut"
    boundaries = _Boundaries()
    with open(source, "wb") as out:
        turtle.write_turtle(rdf.full_groups(kg, terms), out, terms, boundaries)
    written.touch()
    convert(source, tmp_path / "whole.jsonld", "jsonld", {})
    whole = (tmp_path / "whole.jsonld").read_bytes()
    assert len(boundaries.offsets) > 20 and whole.count(b'{"@id"') > 20
    for offset in boundaries.offsets:
        marker.write_text(str(offset))
        parts = [tmp_path / "part1", tmp_path / "part2"]
        convert_growing(source, written, parts[0], "jsonld", {}, marker)
        convert_growing(source, written, parts[1], "jsonld", {}, None, offset)
        join_json_ld(parts, tmp_path / "joined.jsonld")
        assert (tmp_path / "joined.jsonld").read_bytes() == whole, offset
        assert not parts[1].exists()


def test_the_first_part_of_a_growing_file_ends_at_the_cut_made_while_it_was_read(tmp_path):
    import threading
    import time

    from kg.exporters.rdf_write import _Growing

    path, written, marker = tmp_path / "g.nt", tmp_path / "g.nt.written", tmp_path / "g.nt.cut"
    chunks = [b'<https://e.org/a> <https://e.org/p> "' + bytes([65 + n]) * 3000 + b'" .\n' for n in range(20)]
    cut = sum(len(chunk) for chunk in chunks[:12])
    path.write_bytes(b"")

    def writer():
        with open(path, "ab") as out:
            for n, chunk in enumerate(chunks):
                if n == 12:  # as Cut does: the marker, whole, before a byte past it is written
                    staged = tmp_path / "staged"
                    staged.write_text(str(cut))
                    os.replace(staged, marker)
                out.write(chunk)
                out.flush()
                time.sleep(0.005)
        written.touch()

    thread = threading.Thread(target=writer)
    thread.start()
    with _Growing(path, written, until=marker) as first:
        read = b"".join(iter(lambda: first.read(1000), b""))
    thread.join()
    assert read == b"".join(chunks[:12])
    path.write_bytes(b"@prefix e: <https://e.org/> .\n" + b"".join(chunks))
    with _Growing(path, written, start=cut + len(b"@prefix e: <https://e.org/> .\n")) as second:
        assert second.read() == b"@prefix e: <https://e.org/> .\n"
        assert b"".join(iter(second.read, b"")) == b"".join(chunks[12:])


def test_workers_converting_the_full_graph_s_json_ld_in_two_parts_give_the_bytes_of_one(tmp_path, monkeypatch):
    from kg.exporters import render_all, turtle

    from kg.exporters.rdf_write import Cut

    kg = astronomy()
    alone = render_all(kg, ["rdf"])
    monkeypatch.setattr(turtle, "FLUSH_CHARS", 0)  # a cut is possible after every statement
    cuts = []
    passing = Cut.passing

    def recording(self, subjects, out):
        passing(self, subjects, out)
        if self.offset is not None and not cuts:
            cuts.append(self.offset)

    monkeypatch.setattr(Cut, "passing", recording)
    workers = replace(DEFAULT, export=ExportConfig(parallel_bytes=0, workers=2, start_workers_concepts=0))
    written, _ = write_all(kg, tmp_path, ["rdf"], workers)
    assert len(cuts) == 1 and 0 < cuts[0] < (tmp_path / f"{kg.scheme.name}.ttl").stat().st_size
    assert sorted(path.name for path in tmp_path.iterdir()) == written  # no part or marker left
    assert {name: (tmp_path / name).read_bytes() for name in written} == alone
