"""The pipeline's reading (kg.pipeline.read_sources): files read in a worker process and here
give what reading them all here gives, bad files included."""

from __future__ import annotations

import shutil
from dataclasses import replace
from pathlib import Path

import pytest

from kg.config import DEFAULT
from kg.errors import InputError
from kg.manifest import plan_for_paths
from kg.pipeline import BuildOptions, read_sources
from kg.workers import start_pool, stop_pool

GLOSSARIES = Path(__file__).parent / "fixtures" / "glossaries"
ALWAYS_SHARE = replace(DEFAULT, readers=replace(DEFAULT.readers, parallel_bytes=0))


@pytest.fixture(scope="module")
def pool():
    pool = start_pool(1)
    if pool is None:
        pytest.skip("no worker processes on this system")
    yield pool
    stop_pool(pool)


@pytest.fixture
def folder(tmp_path):
    """Fixture glossaries of several layouts and sizes, and a file that is not a glossary."""
    for name in ("cooking-terms.txt", "gardening.md", "wine-export.csv", "finance-definitions.html",
                 "sailing-numbered.txt"):
        shutil.copy(GLOSSARIES / name, tmp_path / name)
    (tmp_path / "blob.txt").write_bytes(b"\x00\x01\x02" * 1000)
    return tmp_path


def _read(folder: Path, pool=None, skip: bool = True):
    options = BuildOptions(config=ALWAYS_SHARE, skip_bad_files=skip, pool=pool)
    return read_sources(plan_for_paths([folder]), options)


def test_reading_in_a_worker_gives_what_reading_here_gives(folder, pool):
    here = _read(folder)
    shared = _read(folder, pool)
    assert shared == here
    sources, entries, findings = here
    assert len(sources) == 5 and len(entries) > 30
    assert any(f.kind == "skipped-file" and "binary" in f.message for f in findings)


def test_a_bad_file_read_in_a_worker_fails_the_build_as_here(folder, pool):
    # the largest file goes to the worker first: make the bad one the largest
    (folder / "blob.txt").write_bytes(b"\x00\x01\x02" * 100_000)
    with pytest.raises(InputError) as here:
        _read(folder, skip=False)
    with pytest.raises(InputError) as shared:
        _read(folder, pool, skip=False)
    assert str(shared.value) == str(here.value)
    assert "binary" in str(shared.value) and "blob.txt" in str(shared.value)


def test_small_input_is_read_here_without_the_worker(folder):
    class Refusing:  # any use of the pool fails the test
        def submit(self, *args):
            raise AssertionError("a small input should not reach the worker")

    options = BuildOptions(skip_bad_files=True, pool=Refusing())
    sources, _, _ = read_sources(plan_for_paths([folder]), options)
    assert len(sources) == 5


def test_a_pool_that_cannot_take_work_leaves_the_reading_here(folder):
    class Broken:
        def submit(self, *args):
            raise OSError("no more processes")

    assert _read(folder, Broken()) == _read(folder)
