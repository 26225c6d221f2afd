"""The CLI: exit codes, one-line errors, a build of any glossary, determinism, fresh exports."""

from __future__ import annotations

import filecmp

import pytest

from kg.cli import COMMANDS, main
from kg.exporters import render_all
from tests.conftest import EXPORTS


def test_build_any_glossary_file(glossary_file, tmp_path, capsys):
    path = glossary_file("Widget: a small gadget that does one thing.\n"
                         "Gizmo: a widget with a motor.\n", "gadgets.txt")
    out = tmp_path / "out"
    assert main(["build", str(path), "--out", str(out), "--quiet"]) == 0
    names = sorted(p.name for p in out.iterdir())
    assert "gadgets.ttl" in names and "gadgets.skos.ttl" in names and "gadgets.html" in names
    assert capsys.readouterr().err == ""


def test_missing_path_is_one_line_exit_2(tmp_path, capsys):
    assert main(["build", str(tmp_path / "nope.txt"), "--out", str(tmp_path / "o")]) == 2
    err = capsys.readouterr().err.strip()
    assert "\n" not in err and "nope.txt" in err and "Traceback" not in err
    assert not (tmp_path / "o").exists()


def test_unknown_option_is_usage_error(capsys):
    assert main(["build", "--no-such-option"]) == 2
    assert "unrecognized arguments" in capsys.readouterr().err


def test_every_command_has_help(capsys):
    for name in COMMANDS:
        try:
            main([name, "--help"])
        except SystemExit as stop:
            assert stop.code == 0
        assert capsys.readouterr().out.strip()


def test_two_builds_are_byte_identical(tmp_path):
    first, second = tmp_path / "a", tmp_path / "b"
    assert main(["build", "--out", str(first), "--quiet"]) == 0
    assert main(["build", "--out", str(second), "--quiet"]) == 0
    names = sorted(p.name for p in first.iterdir())
    match, mismatch, errors = filecmp.cmpfiles(first, second, names, shallow=False)
    assert mismatch == [] and errors == [] and match == names


def test_jobs_must_be_a_positive_number(tmp_path, capsys):
    assert main(["build", "--jobs", "0", "--out", str(tmp_path / "o")]) == 2
    err = capsys.readouterr().err
    assert "--jobs" in err and "1 or more" in err and "Traceback" not in err
    assert not (tmp_path / "o").exists()


def test_committed_exports_are_fresh(bundled_kg):
    """exports/ must be the build of the bundled sources: run `make build` after a change."""
    files = render_all(bundled_kg)
    stale = [name for name, content in files.items()
             if not (EXPORTS / name).is_file() or (EXPORTS / name).read_bytes() != content]
    assert stale == [], f"stale exports (run `make build`): {stale}"


def test_a_command_imports_only_its_own_module():
    import subprocess
    import sys
    code = ("import sys\nfrom kg.cli import make_parser\nmake_parser(['query', 'q.rq'])\n"
            "print(sorted(m for m in sys.modules if m.startswith('kg.commands.')))\n"
            "print('kg.pipeline' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split("\n")[:2] == ["['kg.commands.query']", "False"]


def test_the_program_flushes_its_output_and_keeps_the_exit_code(tmp_path):
    # `kg` and `python -m kg` end with os._exit (kg.cli.run): nothing printed may be lost
    import os
    import subprocess
    import sys
    from pathlib import Path

    root = Path(__file__).resolve().parents[1]
    glossary = tmp_path / "gadgets.txt"
    glossary.write_text("Widget: a small gadget that does one thing.\nGizmo: a widget with a motor.\n")
    environment = {**os.environ, "PYTHONPATH": str(root)}
    built = subprocess.run([sys.executable, "-m", "kg", "build", str(glossary), "--out", str(tmp_path / "out")],
                           capture_output=True, text=True, cwd=root, env=environment)
    assert built.returncode == 0, built.stderr
    assert "gadgets.skos.ttl" in built.stdout and built.stdout.rstrip().splitlines()[-1].strip()
    failed = subprocess.run([sys.executable, "-m", "kg", "build", str(tmp_path / "nope.txt")],
                            capture_output=True, text=True, cwd=root, env=environment)
    assert failed.returncode == 2 and failed.stderr.count("\n") == 1 and "nope.txt" in failed.stderr


def _large_glossary(folder):
    """A glossary large enough for `kg build` to fork its pool of workers (kg.workers.fork_pool)."""
    import sys
    from pathlib import Path

    from kg.config import DEFAULT

    sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "benchmarks"))
    from generate import generate

    generate(6000, folder)
    assert sum(f.stat().st_size for f in folder.iterdir()) >= DEFAULT.edges.worker_input_bytes
    return folder


def _kg(*args: str, **popen):
    import os
    import subprocess
    import sys
    from pathlib import Path

    # A session of its own: signals reach the build's workers and not the tests, and every
    # process it leaves behind is found by its session (_in_session).
    root = Path(__file__).resolve().parent.parent
    return subprocess.Popen([sys.executable, "-m", "kg", *args], cwd=root, start_new_session=True,
                            env={**os.environ, "PYTHONPATH": str(root)}, **popen)


def _in_session(session: int) -> list[int]:
    from pathlib import Path

    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):  # ended meanwhile
            continue
        if int(fields[3]) == session and fields[0] != "Z":  # a zombie has ended
            found.append(int(stat.parent.name))
    return found


def _wait_for_workers(build, count: int) -> list[int]:
    import time

    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and build.poll() is None:
        others = [pid for pid in _in_session(build.pid) if pid != build.pid]
        if len(others) >= count:
            return others
        time.sleep(0.02)
    raise AssertionError("the build's workers never started")


def _gone(pids: list[int], seconds: float = 10) -> bool:
    import time
    from pathlib import Path

    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        alive = [pid for pid in pids if Path(f"/proc/{pid}/stat").exists()
                 and Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"]
        if not alive:
            return True
        time.sleep(0.2)
    return False


@pytest.mark.slow
def test_a_build_with_its_forked_workers_writes_the_bytes_of_one_without(tmp_path):
    glossary = _large_glossary(tmp_path / "glossary")
    for jobs in ("2", "1"):
        build = _kg("build", str(glossary), "--out", str(tmp_path / jobs), "--only", "rdf", "--quiet",
                    "--jobs", jobs)
        assert build.wait(timeout=300) == 0
    names = sorted(p.name for p in (tmp_path / "1").iterdir())
    match, mismatch, errors = filecmp.cmpfiles(tmp_path / "2", tmp_path / "1", names, shallow=False)
    assert mismatch == [] and errors == [] and match == names


def test_ctrl_c_stops_a_build_and_its_forked_workers_quietly(tmp_path):
    import os
    import signal
    import subprocess

    glossary = _large_glossary(tmp_path / "glossary")
    build = _kg("build", str(glossary), "--out", str(tmp_path / "out"), "--jobs", "2", "--quiet",
                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
    workers = _wait_for_workers(build, 2)  # forked before the first file is read
    os.killpg(build.pid, signal.SIGINT)  # Ctrl-C on a terminal
    _, err = build.communicate(timeout=60)
    assert build.returncode == 130 and "kg: interrupted" in err
    assert "Traceback" not in err, err
    assert _gone(workers) and not (tmp_path / "out").exists()


def test_the_forked_workers_end_with_a_killed_build(tmp_path):
    import os
    import signal

    glossary = _large_glossary(tmp_path / "glossary")
    build = _kg("build", str(glossary), "--out", str(tmp_path / "out"), "--jobs", "2", "--quiet")
    workers = _wait_for_workers(build, 2)
    os.kill(build.pid, signal.SIGKILL)  # no cleanup runs
    build.wait(timeout=60)
    assert _gone(workers)


def test_where_no_pool_can_be_forked_a_spawned_worker_reads_and_the_export_starts_its_own(
        tmp_path, monkeypatch):
    import kg.commands.build as command
    from kg.manifest import plan_for_paths
    from kg.pipeline import BuildOptions

    monkeypatch.setattr(command, "fork_pool", lambda count: None)  # no fork, or a thread running
    plan = plan_for_paths([_large_glossary(tmp_path / "glossary")])
    with command._Workers(plan, BuildOptions(), 2) as workers:
        reading = workers.pool
        if reading is None:
            pytest.skip("no worker processes on this system")
        assert reading.submit(sum, [1, 2]).result(timeout=60) == 3
        assert workers.for_export() is None  # stopped: the export's own workers get its memory
        with pytest.raises(RuntimeError, match="shutdown"):
            reading.submit(sum, [1, 2])
