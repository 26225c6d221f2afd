"""Bad input through the CLI, in process: one clear line naming the file, exit 2, no export."""

from __future__ import annotations

import time

from kg.cli import main


def _build(paths, out, capsys):
    code = main(["build", *map(str, paths), "--out", str(out), "--quiet"])
    captured = capsys.readouterr()
    return code, captured.err.strip()


def _one_clear_line(err: str, name: str) -> None:
    assert "\n" not in err and "Traceback" not in err and name in err and err.startswith("kg: error:")


def test_empty_file(tmp_path, capsys):
    path = tmp_path / "empty.txt"
    path.write_bytes(b"")
    code, err = _build([path], tmp_path / "out", capsys)
    assert code == 2 and "empty" in err
    _one_clear_line(err, "empty.txt")
    assert not (tmp_path / "out").exists()


def test_binary_file(tmp_path, capsys):
    path = tmp_path / "photo.txt"
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4)
    code, err = _build([path], tmp_path / "out", capsys)
    assert code == 2 and "binary" in err
    _one_clear_line(err, "photo.txt")
    assert not (tmp_path / "out").exists()


def test_zip_that_is_not_a_document(tmp_path, capsys):
    path = tmp_path / "archive.docx"
    path.write_bytes(b"PK\x03\x04" + b"not really a zip" * 10)
    code, err = _build([path], tmp_path / "out", capsys)
    assert code == 2
    _one_clear_line(err, "archive.docx")


def test_missing_path(tmp_path, capsys):
    code, err = _build([tmp_path / "nowhere.txt"], tmp_path / "out", capsys)
    assert code == 2
    _one_clear_line(err, "nowhere.txt")
    assert not (tmp_path / "out").exists()


def test_twenty_megabytes_on_one_line_is_refused_quickly(tmp_path, capsys):
    path = tmp_path / "dump.txt"
    path.write_bytes(b"word " * (4 * 1024 * 1024))
    started = time.perf_counter()
    code, err = _build([path], tmp_path / "out", capsys)
    assert time.perf_counter() - started < 20
    assert code == 2 and "characters long" in err and ":1:" in err
    _one_clear_line(err, "dump.txt")
    assert not (tmp_path / "out").exists()


def test_folder_skips_its_bad_file_with_a_warning(tmp_path, capsys):
    folder = tmp_path / "glossaries"
    folder.mkdir()
    (folder / "good.txt").write_text("Anchor: a heavy object that holds a boat in place.\n"
                                     "Buoy: a floating marker.\n", encoding="utf-8")
    (folder / "bad.txt").write_bytes(b"\x00\x01\x02binary")
    (folder / "also-good.md").write_text("## Cleat\n\nA fitting to which a rope is tied.\n\n"
                                         "## Dock\n\nA structure boats tie up to.\n", encoding="utf-8")
    out = tmp_path / "out"
    assert main(["build", str(folder), "--out", str(out)]) == 0
    captured = capsys.readouterr()
    assert "skipped-file" in captured.out and "bad.txt" in captured.out
    assert "4 entries" in captured.out and "Traceback" not in captured.err
    assert out.is_dir()


def test_folder_of_only_bad_files_is_an_error(tmp_path, capsys):
    folder = tmp_path / "glossaries"
    folder.mkdir()
    (folder / "bad.txt").write_bytes(b"\x00\x01")
    code, err = _build([folder], tmp_path / "out", capsys)
    assert code == 2 and "no glossary entries" in err
    assert not (tmp_path / "out").exists()


def test_forced_format_comes_from_the_registry(tmp_path, capsys):
    path = tmp_path / "terms.data"
    path.write_text("Term,Definition\nCleat,A fitting to which a rope is tied.\n", encoding="utf-8")
    assert main(["build", str(path), "--format", "csv", "--out", str(tmp_path / "o"), "--quiet"]) == 0
    assert main(["build", str(path), "--format", "pdf", "--out", str(tmp_path / "p")]) == 2
    assert "invalid choice" in capsys.readouterr().err
