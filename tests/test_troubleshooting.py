"""The README's Troubleshooting table, row by row, through kg.cli.main in process.

Each row names a symptom, what kg says and the exit code. A scenario below reproduces each
symptom; the test checks the exit code, that every `quoted` fragment of the row appears in
what kg printed (in order), that there is no traceback, and what the scenario itself
promises (nothing overwritten, no hang). A row without a scenario, or a scenario without a
row, fails: the table and kg cannot drift apart.
"""

from __future__ import annotations

import builtins
import errno
import io
import os
import re
import signal
import socket
import time
from pathlib import Path
from typing import Callable

import pytest
from rdflib import Graph, Literal

import kg.atomic
import kg.commands.build as build_command
from kg.cli import COMMANDS, main
from tests.conftest import FIXTURES, ROOT

GOOD = "Widget: a small gadget that does one thing\nGizmo: a widget with a motor inside\n"


def _readme_rows() -> dict[str, str]:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Troubleshooting", 1)[1].split("\n## ", 1)[0]
    rows = {}
    for line in section.splitlines():
        cells = [cell.strip() for cell in line.strip().strip("|").split(" | ")]
        if line.startswith("|") and len(cells) == 3 and cells[0] not in ("symptom", "---"):
            rows[cells[0]] = cells[1]
    return rows


ROWS = _readme_rows()
SCENARIOS: dict[str, Callable] = {}


def scenario(symptom: str):
    def register(function):
        SCENARIOS[symptom] = function
        return function
    return register


class Run:
    """What one scenario ran: its exit code and everything kg printed."""

    def __init__(self, capsys, argv: list[str]):
        started = time.monotonic()
        self.code = main(argv)
        self.seconds = time.monotonic() - started
        captured = capsys.readouterr()
        self.err, self.out = captured.err, captured.out
        self.text = self.err + self.out


def _snapshot(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}


def _built(tmp_path, capsys) -> tuple[Path, Path, dict[str, bytes]]:
    """A glossary built once into out/: the exports a failed rebuild must leave alone."""
    glossary = tmp_path / "gadgets.txt"
    glossary.write_text(GOOD, encoding="utf-8")
    out = tmp_path / "out"
    assert main(["build", str(glossary), "--out", str(out), "--quiet"]) == 0
    capsys.readouterr()
    return glossary, out, _snapshot(out)


@scenario("an empty file")
def empty_file(tmp_path, capsys, monkeypatch):
    glossary, out, before = _built(tmp_path, capsys)
    glossary.write_bytes(b"")
    run = Run(capsys, ["build", str(glossary), "--out", str(out)])
    assert _snapshot(out) == before
    return run


@scenario("a binary file (PDF, image, archive)")
def binary_file(tmp_path, capsys, monkeypatch):
    path = tmp_path / "glossary.pdf"
    path.write_bytes(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog >>\nendobj\n" + bytes(range(256)))
    return Run(capsys, ["build", str(path), "--out", str(tmp_path / "out")])


@scenario("a file not in UTF-8 (Windows-1252, Latin-1)")
def wrongly_encoded_file(tmp_path, capsys, monkeypatch):
    path = tmp_path / "cafe.txt"
    path.write_bytes("Café crème: a coffee with cream, served in a “large” cup\n"
                     "Résumé: a short account of someone's career and qualifications\n".encode("cp1252"))
    run = Run(capsys, ["build", str(path), "--out", str(tmp_path / "out"), "--quiet"])
    literals = {str(o) for o in Graph().parse(tmp_path / "out" / "cafe.ttl").objects()
                if isinstance(o, Literal)}
    assert any("Café crème" in text for text in literals), "accents were not decoded"
    assert any("“large”" in text for text in literals), "Windows-1252 quotes were not decoded"
    return run


class _Hang(Exception):
    pass


@scenario("a huge one-line file (minified HTML, a data dump)")
def huge_one_line_file(tmp_path, capsys, monkeypatch):
    path = tmp_path / "dump.txt"
    sentence = "Widget: a small gadget that does one thing, and another; "
    path.write_text(sentence * (20_000_000 // len(sentence) + 1), encoding="utf-8")
    assert path.stat().st_size >= 20_000_000

    def hang(signum, frame):
        raise _Hang("kg build took more than 120 s on a 20 MB one-line file")

    previous = signal.signal(signal.SIGALRM, hang)
    signal.alarm(120)
    try:
        run = Run(capsys, ["build", str(path), "--out", str(tmp_path / "out")])
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)
    assert run.seconds < 60, f"{run.seconds:.1f} s is not 'within seconds'"
    return run


@scenario("a file kg may not read")
def unreadable_file(tmp_path, capsys, monkeypatch):
    path = tmp_path / "secret.txt"
    path.write_text(GOOD, encoding="utf-8")
    path.chmod(0)
    if os.access(path, os.R_OK):
        # Running as root, which reads anything: make the file refuse as it would anyone else.
        denied = PermissionError(errno.EACCES, os.strerror(errno.EACCES), str(path))

        def refuse(original):
            def guarded(file, *args, **kwargs):
                if os.fspath(file) == str(path):
                    raise denied
                return original(file, *args, **kwargs)
            return guarded

        monkeypatch.setattr(builtins, "open", refuse(builtins.open))
        monkeypatch.setattr(io, "open", refuse(io.open))
        read_bytes = Path.read_bytes

        def guarded_read_bytes(self):
            if str(self) == str(path):
                raise denied
            return read_bytes(self)

        monkeypatch.setattr(Path, "read_bytes", guarded_read_bytes)
    try:
        return Run(capsys, ["build", str(path), "--out", str(tmp_path / "out")])
    finally:
        path.chmod(0o644)


@scenario("a folder with some bad files")
def folder_with_bad_files(tmp_path, capsys, monkeypatch):
    folder = tmp_path / "glossaries"
    folder.mkdir()
    (folder / "good.txt").write_text(GOOD, encoding="utf-8")
    (folder / "empty.txt").write_bytes(b"")
    (folder / "logo.png").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(64))
    run = Run(capsys, ["build", str(folder), "--out", str(tmp_path / "out")])
    assert re.search(r"empty\.txt.*skipped.*empty", run.out) and re.search(r"logo\.png.*skipped.*binary", run.out)
    assert (tmp_path / "out" / "glossaries.ttl").is_file()
    return run


@scenario("a typo in the manifest")
def manifest_typo(tmp_path, capsys, monkeypatch):
    folder = tmp_path / "garden"
    folder.mkdir()
    for name in ("allotment-glossary.txt", "orchard-notes.txt"):
        (folder / name).write_bytes((FIXTURES / "stable-iris" / name).read_bytes())
    (folder / "manifest.toml").write_text(
        '[scheme]\nname = "garden"\n\n[[source]]\nfile = "allotment-glossary.txt"\n\n'
        '[[source]]\nfile = "orchard-notes.txt"\npubisher = "Orchard Society"\n', encoding="utf-8")
    run = Run(capsys, ["build", str(folder), "--out", str(tmp_path / "out")])
    assert "manifest.toml:9:" in run.err  # the line of the typo
    assert not (tmp_path / "out").exists()
    return run


@scenario("a broken line in `iris.lock`")
def broken_lock(tmp_path, capsys, monkeypatch):
    glossary = tmp_path / "gadgets.txt"
    glossary.write_text(GOOD, encoding="utf-8")
    lock = tmp_path / "iris.lock"
    lock.write_text("widget\tpref\twidget\ngizmo pref gizmo\n", encoding="utf-8")
    run = Run(capsys, ["build", str(glossary), "--iris", str(lock), "--out", str(tmp_path / "out")])
    assert "iris.lock:2:" in run.err
    return run


@scenario("`--out` names a file")
def out_is_a_file(tmp_path, capsys, monkeypatch):
    glossary = tmp_path / "gadgets.txt"
    glossary.write_text(GOOD, encoding="utf-8")
    target = tmp_path / "exports"
    target.write_text("my notes", encoding="utf-8")
    run = Run(capsys, ["build", str(glossary), "--out", str(target)])
    assert target.read_text(encoding="utf-8") == "my notes"
    return run


@scenario("Ctrl-C during a build")
def interrupted(tmp_path, capsys, monkeypatch):
    glossary, out, before = _built(tmp_path, capsys)

    def interrupt(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(build_command, "export", interrupt)
    run = Run(capsys, ["build", str(glossary), "--out", str(out)])
    assert _snapshot(out) == before
    return run


@scenario("the disk fills up during a build")
def disk_full(tmp_path, capsys, monkeypatch):
    glossary, out, before = _built(tmp_path, capsys)
    glossary.write_text(GOOD + "Sprocket: a toothed wheel that drives a chain\n", encoding="utf-8")

    def full(path):  # a full disk shows when the written files are synced
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(path))

    monkeypatch.setattr(kg.atomic, "fsync_file", full)
    run = Run(capsys, ["build", str(glossary), "--out", str(out)])
    assert _snapshot(out) == before
    assert not [p for p in tmp_path.iterdir() if ".kg-tmp-" in p.name]
    return run


def _small_graph(tmp_path) -> Path:
    glossary = tmp_path / "gadgets.txt"
    glossary.write_text(GOOD, encoding="utf-8")
    out = tmp_path / "graph"
    assert main(["build", str(glossary), "--out", str(out), "--quiet", "--only", "rdf"]) == 0
    return out / "gadgets.ttl"


@scenario("a SPARQL syntax error (`kg query`)")
def sparql_syntax_error(tmp_path, capsys, monkeypatch):
    if "query" not in COMMANDS:
        pytest.skip("kg query is not built yet (the SPARQL issue); this row's test waits for it")
    graph = _small_graph(tmp_path)
    capsys.readouterr()
    run = Run(capsys, ["query", str(graph), "SELECT ?s WHERE {\n  ?s ?p \n"])
    assert re.search(r"line \d+|\d+:\d+", run.err), f"no line/column in {run.err!r}"
    return run


@scenario("the port is already in use (`kg serve`)")
def port_in_use(tmp_path, capsys, monkeypatch):
    if "serve" not in COMMANDS:
        pytest.skip("kg serve is not built yet (the SPARQL issue); this row's test waits for it")
    graph = _small_graph(tmp_path)
    capsys.readouterr()
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]

        def hang(signum, frame):
            raise _Hang("kg serve on a busy port did not give up within 60 s")

        previous = signal.signal(signal.SIGALRM, hang)
        signal.alarm(60)
        try:
            run = Run(capsys, ["serve", str(graph), "--port", str(port)])
        finally:
            signal.alarm(0)
            signal.signal(signal.SIGALRM, previous)
    assert str(port) in run.err and "in use" in run.err
    return run


def test_every_row_has_a_scenario_and_every_scenario_a_row():
    assert sorted(ROWS) == sorted(SCENARIOS)


@pytest.mark.parametrize("symptom", sorted(ROWS))
def test_troubleshooting_row(symptom, tmp_path, capsys, monkeypatch):
    says = ROWS[symptom]
    run = SCENARIOS[symptom](tmp_path, capsys, monkeypatch)
    expected_exit = int(re.search(r"exit (\d+)", says).group(1))
    assert run.code == expected_exit, run.text
    assert "Traceback" not in run.text
    if run.code != 0:
        assert len(run.err.strip().splitlines()) == 1, f"not one line: {run.err!r}"
    position = 0
    for fragment in re.findall(r"`([^`]+)`", says):
        found = run.text.find(fragment, position)
        assert found >= 0, f"kg did not say {fragment!r}; it said {run.text!r}"
        position = found + len(fragment)
