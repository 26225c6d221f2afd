"""Atomic and reproducible builds (kg.atomic, kg.exporters.write_exports).

A build killed at any moment leaves the previous exports whole; a failed build changes
nothing; the same inputs give the same bytes in any folder and under any hash seed.
"""

from __future__ import annotations

import errno
import filecmp
import os
import re
import shutil
import signal
import stat
import subprocess
import sys
import textwrap
import time
from dataclasses import replace
from pathlib import Path

import pytest
from rdflib import Graph

import kg.atomic
from kg.atomic import remove_abandoned_staging, replace_files
from kg.cli import main
from kg.errors import KgError, UsageError
from kg.exporters import EXPORTERS, write_exports
from tests.conftest import FIXTURES, ROOT

PYTHON = sys.executable


def _snapshot(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}


def _staging_left(folder: Path) -> list[str]:
    places = [folder.parent] + ([folder] if folder.is_dir() else [])
    return sorted(p.name for place in places for p in place.iterdir() if ".kg-tmp-" in p.name)


# --- the writer itself ---------------------------------------------------------------------


def test_first_write_creates_the_folder_with_the_usual_mode(tmp_path):
    out = tmp_path / "new" / "exports"
    written = replace_files({"a.ttl": b"A", "b.ttl": b"B"}, out)
    assert written == [out / "a.ttl", out / "b.ttl"]
    assert _snapshot(out) == {"a.ttl": b"A", "b.ttl": b"B"}
    umask = os.umask(0)
    os.umask(umask)
    assert stat.S_IMODE(out.stat().st_mode) == 0o777 & ~umask  # not mkdtemp's 0700
    assert _staging_left(out) == []


def test_rewrite_swaps_the_set_and_keeps_other_files_and_the_folder_mode(tmp_path):
    out = tmp_path / "exports"
    out.mkdir()
    (out / "a.ttl").write_bytes(b"old A")
    (out / "notes.txt").write_bytes(b"the user's own file")
    os.chmod(out, 0o750)
    replace_files({"a.ttl": b"new A", "b.ttl": b"new B"}, out)
    assert _snapshot(out) == {"a.ttl": b"new A", "b.ttl": b"new B", "notes.txt": b"the user's own file"}
    assert stat.S_IMODE(out.stat().st_mode) == 0o750
    assert _staging_left(out) == []


def test_a_rewrite_can_leave_the_old_set_to_a_process_of_its_own(tmp_path, monkeypatch):
    import time

    from kg.atomic import write_folder

    out = tmp_path / "exports"
    out.mkdir()
    (out / "a.ttl").write_bytes(b"old A" * 100_000)
    (out / "notes.txt").write_bytes(b"the user's own file")

    def write(staging):
        (staging / "a.ttl").write_bytes(b"new A")
        return ["a.ttl"]

    started = []
    popen = subprocess.Popen

    def recording(command, **options):
        started.append((command, _staging_left(out)))  # the old set is still there to delete
        return popen(command, **options)

    monkeypatch.setattr(subprocess, "Popen", recording)
    write_folder(write, out, old_apart=True)
    assert _snapshot(out) == {"a.ttl": b"new A", "notes.txt": b"the user's own file"}
    [(command, left)] = started
    assert len(left) == 1 and command[-1].endswith(left[0]) and "-I" in command
    deadline = time.monotonic() + 30
    while _staging_left(out) and time.monotonic() < deadline:  # the old set, being deleted
        time.sleep(0.05)
    assert _staging_left(out) == []


def test_a_symlinked_output_folder_stays_a_symlink(tmp_path):
    real = tmp_path / "real"
    real.mkdir()
    (real / "a.ttl").write_bytes(b"old")
    link = tmp_path / "exports"
    link.symlink_to(real)
    replace_files({"a.ttl": b"new"}, link)
    assert link.is_symlink() and (real / "a.ttl").read_bytes() == b"new"


def test_a_folder_with_subfolders_is_replaced_file_by_file(tmp_path):
    out = tmp_path / "exports"
    (out / "keep").mkdir(parents=True)
    (out / "keep" / "x").write_bytes(b"x")
    (out / "a.ttl").write_bytes(b"old")
    inode = out.stat().st_ino
    replace_files({"a.ttl": b"new"}, out)
    assert (out / "a.ttl").read_bytes() == b"new" and (out / "keep" / "x").read_bytes() == b"x"
    assert out.stat().st_ino == inode  # not swapped: the folder itself was kept
    assert _staging_left(out) == []


def test_without_renameat2_each_file_is_replaced(tmp_path, monkeypatch):
    monkeypatch.setattr(kg.atomic, "_exchange", lambda first, second: False)
    out = tmp_path / "exports"
    out.mkdir()
    (out / "a.ttl").write_bytes(b"old")
    replace_files({"a.ttl": b"new", "b.ttl": b"B"}, out)
    assert _snapshot(out) == {"a.ttl": b"new", "b.ttl": b"B"}
    assert _staging_left(out) == []


@pytest.mark.parametrize("name", ["../escape.ttl", "sub/x.ttl", "..", "", "a\\b.ttl"])
def test_file_names_cannot_leave_the_folder(tmp_path, name):
    with pytest.raises(UsageError):
        replace_files({name: b"x"}, tmp_path / "exports")
    assert not (tmp_path / "exports").exists() and not (tmp_path / "escape.ttl").exists()


def test_output_path_that_is_a_file_is_a_usage_error(tmp_path):
    target = tmp_path / "exports"
    target.write_bytes(b"not a folder")
    with pytest.raises(UsageError, match="not a folder"):
        replace_files({"a.ttl": b"x"}, target)
    assert target.read_bytes() == b"not a folder"


def test_a_failed_write_changes_nothing_and_leaves_no_temp_folder(tmp_path, monkeypatch):
    out = tmp_path / "exports"
    replace_files({"a.ttl": b"old A", "b.ttl": b"old B"}, out)
    before = _snapshot(out)
    real_write = kg.atomic._write_synced
    calls = []

    def disk_full_on_second_file(path, content):
        calls.append(path)
        if len(calls) == 2:
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(path))
        real_write(path, content)

    monkeypatch.setattr(kg.atomic, "_write_synced", disk_full_on_second_file)
    with pytest.raises(KgError, match="No space left"):
        replace_files({"a.ttl": b"new A", "b.ttl": b"new B"}, out)
    assert _snapshot(out) == before
    assert _staging_left(out) == []


def test_abandoned_staging_of_dead_processes_is_removed(tmp_path):
    out = tmp_path / "exports"
    dead = subprocess.run([PYTHON, "-c", "import os; print(os.getpid())"],
                          capture_output=True, text=True, check=True)
    dead_pid = int(dead.stdout)
    abandoned = tmp_path / f".exports.kg-tmp-{dead_pid}-abc"
    abandoned.mkdir()
    (abandoned / "half.ttl").write_bytes(b"half")
    alive = tmp_path / f".exports.kg-tmp-{os.getppid()}-def"  # a running process's: kept
    alive.mkdir()
    unrelated = tmp_path / ".other.kg-tmp-1-x"
    unrelated.mkdir()
    replace_files({"a.ttl": b"A"}, out)
    assert not abandoned.exists() and alive.exists() and unrelated.exists()
    assert remove_abandoned_staging(out) == []


# --- SIGKILL at any moment -------------------------------------------------------------------

_WRITER_LOOP = textwrap.dedent("""
    import sys
    from pathlib import Path
    import kg.atomic
    out = Path(sys.argv[1])
    sets = [{f"{name}.ttl": (letter * 1_500_000).encode() for name in "abc"} for letter in "AB"]
    if sys.argv[2] == "per-file":
        kg.atomic._exchange = lambda first, second: False
    print("ready", flush=True)
    round = 0
    while True:
        kg.atomic.replace_files(sets[round % 2], out)
        round += 1
""")


@pytest.mark.slow
@pytest.mark.parametrize("mode", ["swap", "per-file"])
def test_writer_killed_mid_write_leaves_one_whole_set(tmp_path, mode):
    """A writer alternating between two sets is SIGKILLed at 8 moments; each time the folder
    holds one whole set (swap) or at least only whole files (per-file fallback)."""
    out = tmp_path / "exports"
    sets = [{f"{name}.ttl": (letter * 1_500_000).encode() for name in "abc"} for letter in "AB"]
    # The kills fall at fractions and multiples of one write's time here: on a busy machine a
    # write (three synced files) can take longer than fixed moments would leave it.
    timings = []
    for letter in (1, 0, 1, 0):
        started = time.perf_counter()
        replace_files(sets[letter], out)
        timings.append(time.perf_counter() - started)
    write = max(sorted(timings)[len(timings) // 2], 0.02)
    swaps, last = 0, sets[0]
    for kill_after in [write * factor for factor in (0.3, 0.6, 0.9, 1.3, 1.8, 2.4, 3.2, 4.2)]:
        child = subprocess.Popen([PYTHON, "-c", _WRITER_LOOP, str(out), mode], cwd=ROOT,
                                 stdout=subprocess.PIPE, env={**os.environ, "PYTHONPATH": str(ROOT)})
        assert child.stdout.readline().strip() == b"ready"
        time.sleep(kill_after)
        child.send_signal(signal.SIGKILL)
        child.wait()
        child.stdout.close()
        found = _snapshot(out)
        swaps, last = swaps + (found != last), found
        assert sorted(found) == ["a.ttl", "b.ttl", "c.ttl"]
        wholes = [content for content in found.values()
                  if content in (b"A" * 1_500_000, b"B" * 1_500_000)]
        assert len(wholes) == 3, "a file was left half-written"
        if mode == "swap":
            assert found in sets, "the folder mixes two builds"
    replace_files(sets[1], out)  # the next write cleans up after the killed ones
    assert _staging_left(out) == []
    assert swaps > 0, "the writer never got a set written: the test proved nothing"
    print(f"{mode}: 8 kills, the set changed between {swaps} of them")


def _large_glossary(path: Path, entries: int, marker: str) -> None:
    words = "orbit probe comet nebula rover lander thruster payload antenna gimbal".split()
    lines = [f"{marker} marker: the round {marker} of the kill test, written in every export."]
    for n in range(entries):
        first, second = words[n % len(words)], words[(n * 7) % len(words)]
        lines.append(f"Spacecraft {first} part {n}: a {second} assembly that steadies the {first} "
                     f"of a mission, serial {n}.")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def _build_process(glossary: Path, out: Path, profile: bool = False) -> subprocess.Popen:
    return subprocess.Popen([PYTHON, "-m", "kg", "build", str(glossary), "--out", str(out), "--quiet",
                             *(["--profile"] if profile else [])],
                            cwd=glossary.parent, env={**os.environ, "PYTHONPATH": str(ROOT)},
                            stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE if profile else subprocess.DEVNULL)


@pytest.mark.slow
def test_build_killed_at_any_moment_leaves_the_previous_exports_whole(tmp_path):
    """`kg build` of a 500-entry glossary (seven exports, 2 MB), SIGKILLed at 0.2, 0.5 and
    1 s and at 50 and 90% of the time a whole build takes to swap its exports in: the
    exports are the previous build's, byte for byte, or (when the kill came after the swap)
    wholly the new build's."""
    glossary = tmp_path / "spacecraft.txt"
    out = tmp_path / "exports"
    _large_glossary(glossary, 500, "round-0")
    started = time.monotonic()
    first = _build_process(glossary, out, profile=True)
    _, profile = first.communicate(timeout=600)
    assert first.returncode == 0, profile
    duration = time.monotonic() - started
    # Stages after the export (validation) run on exports already in place: kills there prove
    # nothing, so the moments are spread over the time until the swap.
    stages = dict(re.findall(r"^\s+(.+?)\s+([\d.]+) s$", profile.decode(), re.MULTILINE))
    until_swap = duration - sum(float(stages.get(name, 0)) for name in ("validate",))
    previous = _snapshot(out)
    assert len(previous) >= 2, "the first build wrote too little to test a set"
    moments = sorted({0.2, 0.5, 1.0} | {round(until_swap * f, 2) for f in (0.5, 0.9)})
    outcomes = []
    for number, moment in enumerate(moments, 1):
        _large_glossary(glossary, 500, f"round-{number}")
        child = _build_process(glossary, out)
        time.sleep(moment)
        finished = child.poll() is not None
        child.send_signal(signal.SIGKILL)
        child.wait()
        now = _snapshot(out)
        if now == previous:
            outcomes.append("old")
            continue
        # The build got past the swap before the kill: the whole set must be the new build's.
        assert sorted(now) == sorted(previous)
        for name, content in now.items():
            assert f"round-{number}".encode() in content, f"{name} is not from the newest build"
        outcomes.append("done" if finished else "new")
        previous = now
    turtle = min((name for name in previous if name.endswith(".ttl")), key=lambda n: len(previous[n]))
    assert len(Graph().parse(data=previous[turtle].decode("utf-8"), format="turtle")) > 0
    assert outcomes.count("old") >= 3, f"the kills all came too late to test anything: {outcomes}"
    replace_files(previous, out)  # the next write removes what the killed builds left
    assert _snapshot(out) == previous and _staging_left(out) == []
    print(f"build of {duration:.2f} s ({until_swap:.2f} s to the swap) killed at {moments}: {outcomes}")


# --- failed builds change nothing ------------------------------------------------------------


def test_a_build_with_bad_input_changes_nothing(tmp_path, glossary_file):
    good = glossary_file("Widget: a small gadget.\nGizmo: a widget with a motor.\n", "gadgets.txt")
    out = tmp_path / "out"
    assert main(["build", str(good), "--out", str(out), "--quiet"]) == 0
    before = _snapshot(out)
    good.write_bytes(b"")  # the same file, now empty
    assert main(["build", str(good), "--out", str(out), "--quiet"]) == 2
    assert _snapshot(out) == before
    assert _staging_left(out) == []


def test_an_exporter_that_fails_changes_nothing(tmp_path, glossary_file, monkeypatch):
    good = glossary_file("Widget: a small gadget.\nGizmo: a widget with a motor.\n", "gadgets.txt")
    out = tmp_path / "out"
    assert main(["build", str(good), "--out", str(out), "--quiet"]) == 0
    before = _snapshot(out)

    def broken_write(kg, folder, conversions):  # after the other exporters wrote their files
        raise RuntimeError("an exporter bug")

    monkeypatch.setitem(EXPORTERS, "html", replace(EXPORTERS["html"], write=broken_write))
    glossary_file("Widget: a changed gadget.\n", "gadgets.txt")
    with pytest.raises(RuntimeError):
        main(["build", str(good), "--out", str(out), "--quiet"])
    assert _snapshot(out) == before
    assert _staging_left(out) == []


def test_export_name_cannot_escape_the_output_folder(tmp_path, glossary_file, capsys):
    good = glossary_file("Widget: a small gadget.\n", "gadgets.txt")
    out = tmp_path / "deep" / "out"
    assert main(["build", str(good), "--out", str(out), "--name", "../../evil", "--quiet"]) == 2
    assert "not a plain file name" in capsys.readouterr().err
    assert not any(p.name.startswith("evil") for p in tmp_path.rglob("*"))
    assert not (tmp_path / "deep").exists()  # refused before any folder was made


def test_a_name_that_cannot_make_an_iri_gets_a_slug_in_it(tmp_path, glossary_file):
    good = glossary_file("Widget: a small gadget.\n", "gadgets.txt")
    out = tmp_path / "out"
    assert main(["build", str(good), "--out", str(out), "--name", "my glossary", "--quiet"]) == 0
    assert "<https://example.org/kg/my-glossary/>" in (out / "my glossary.skos.ttl").read_text(encoding="utf-8")


def test_write_exports_is_the_atomic_writer(tmp_path):
    out = tmp_path / "out"
    write_exports({"x.ttl": b"x"}, out)
    assert _snapshot(out) == {"x.ttl": b"x"}


# --- reproducible -----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def two_builds(tmp_path_factory):
    """The bundled sources and a fixture glossary of another domain, each built in two folders
    under two PYTHONHASHSEEDs; returns the two folders."""
    root = tmp_path_factory.mktemp("reproducible")
    folders = []
    for seed, place in (("1", "first"), ("98765", "second/deeper")):
        folder = root / place
        folder.mkdir(parents=True)
        shutil.copytree(ROOT / "sources", folder / "sources",
                        ignore=shutil.ignore_patterns("iris.lock"))
        shutil.copytree(FIXTURES / "stable-iris", folder / "garden")
        env = {**os.environ, "PYTHONHASHSEED": seed, "PYTHONPATH": str(ROOT)}
        env.pop("SOURCE_DATE_EPOCH", None)
        # Both builds in one interpreter: the hash seed is the process's, and one start is cheaper.
        builds = ("from kg.cli import main\n"
                  "main(['build', 'sources', '--out', 'out-bundled', '--quiet'])\n"
                  "main(['build', 'garden', '--out', 'out-garden', '--quiet'])\n")
        subprocess.run([PYTHON, "-c", builds], cwd=folder, env=env, stdout=subprocess.DEVNULL,
                       stderr=subprocess.DEVNULL, timeout=600)
        folders.append(folder)
    return folders


def _differing(first: Path, second: Path, keep,
               folders=("out-bundled", "out-garden", "sources", "garden")) -> list[str]:
    differing = []
    for folder in folders:
        names = sorted(p.name for p in (first / folder).iterdir() if keep(p.name))
        assert names, f"nothing built in {folder}"
        match, mismatch, errors = filecmp.cmpfiles(first / folder, second / folder, names,
                                                   shallow=False)
        differing += [f"{folder}/{name}" for name in mismatch + errors]
    return differing


@pytest.mark.slow
def test_builds_in_different_folders_and_hash_seeds_are_byte_identical(two_builds):
    """Every RDF export and the IRI lock: the same bytes whatever the folder and hash seed."""
    first, second = two_builds
    assert (first / "sources" / "iris.lock").is_file() and (first / "garden" / "iris.lock").is_file()
    assert _differing(first, second, lambda name: not name.endswith(".html")) == []


@pytest.mark.slow
def test_explorer_pages_are_byte_identical_too(two_builds):
    """The layout once took set order from the hash seed; it must not again."""
    first, second = two_builds
    assert _differing(first, second, lambda name: name.endswith(".html"),
                      folders=("out-bundled", "out-garden")) == []


def test_writing_into_the_working_folder_replaces_files_in_place(tmp_path, monkeypatch):
    out = tmp_path / "exports"
    out.mkdir()
    (out / "a.ttl").write_bytes(b"old")
    monkeypatch.chdir(out)  # swapping would leave this shell in a deleted folder
    inode = out.stat().st_ino
    replace_files({"a.ttl": b"new"}, Path("."))
    assert (out / "a.ttl").read_bytes() == b"new" and out.stat().st_ino == inode
    assert _staging_left(out) == []


def test_exchange_swaps_two_folders_or_says_it_cannot(tmp_path):
    first, second = tmp_path / "first", tmp_path / "second"
    first.mkdir()
    second.mkdir()
    (first / "one").write_bytes(b"1")
    (second / "two").write_bytes(b"2")
    swapped = kg.atomic._exchange(first, second)
    if sys.platform.startswith("linux"):
        assert swapped, "renameat2 exchange should work on Linux file systems like this one"
    expected = ({"two": b"2"}, {"one": b"1"}) if swapped else ({"one": b"1"}, {"two": b"2"})
    assert (_snapshot(first), _snapshot(second)) == expected


@pytest.mark.skipif(os.geteuid() != 0, reason="only root can build into a folder another user owns")
def test_root_building_into_a_users_folder_leaves_it_theirs(tmp_path):
    out = tmp_path / "exports"
    out.mkdir()
    (out / "a.ttl").write_bytes(b"old")
    os.chown(out, 65534, 65534)  # nobody
    replace_files({"a.ttl": b"new"}, out)
    assert (out.stat().st_uid, out.stat().st_gid) == (65534, 65534)
    assert (out / "a.ttl").read_bytes() == b"new"


def test_ctrl_c_mid_write_changes_nothing_and_leaves_no_temp_folder(tmp_path, monkeypatch):
    out = tmp_path / "exports"
    replace_files({"a.ttl": b"old A", "b.ttl": b"old B"}, out)
    real_write = kg.atomic._write_synced
    calls = []

    def interrupted_on_second_file(path, content):
        calls.append(path)
        if len(calls) == 2:
            raise KeyboardInterrupt
        real_write(path, content)

    monkeypatch.setattr(kg.atomic, "_write_synced", interrupted_on_second_file)
    with pytest.raises(KeyboardInterrupt):
        replace_files({"a.ttl": b"new A", "b.ttl": b"new B"}, out)
    assert _snapshot(out) == {"a.ttl": b"old A", "b.ttl": b"old B"}
    assert _staging_left(out) == []
