"""The CLI: exit codes, one-line errors, a build of any glossary, determinism, fresh exports."""

from __future__ import annotations

import filecmp

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
