"""The read stage: bytes of any common encoding and line ending to text, or a clear error."""

from __future__ import annotations

import codecs

import pytest

from kg.errors import InputError
from kg.model import Source
from kg.readers import extract
from kg.readers.decode import decode_bytes, read_document
from kg.readers.shapes import for_matching

TEXT = "Café: a small restaurant – “bistro” style.\nNaïve: innocent.\n"


@pytest.mark.parametrize("raw, encoding", [
    (TEXT.encode("utf-8"), "utf-8"),
    (codecs.BOM_UTF8 + TEXT.encode("utf-8"), "utf-8-sig"),
    (codecs.BOM_UTF16_LE + TEXT.encode("utf-16-le"), "utf-16"),
    (codecs.BOM_UTF16_BE + TEXT.encode("utf-16-be"), "utf-16"),
    (TEXT.encode("cp1252"), "cp1252"),
])
def test_encodings(raw, encoding):
    assert decode_bytes(raw, "g.txt") == (TEXT, encoding)


def test_latin1_when_not_even_cp1252():
    raw = "Caf\u00e9\u0081: x".encode("latin-1")  # 0x81 is unassigned in cp1252
    text, encoding = decode_bytes(raw, "g.txt")
    assert (text, encoding) == ("Caf\u00e9\u0081: x", "latin-1")


def test_crlf_and_cr_become_newlines_so_line_numbers_match():
    text, _ = decode_bytes(b"A: one.\r\nB: two.\rC: three.\n", "g.txt")
    assert text.split("\n")[:3] == ["A: one.", "B: two.", "C: three."]


@pytest.mark.parametrize("raw", [b"\x89PNG\r\n\x1a\n" + b"\x00" * 20, b"abc\x00def", b"%PDF-1.7\n"])
def test_binary_is_refused(raw):
    with pytest.raises(InputError, match="binary"):
        decode_bytes(raw, "g.txt")


def test_empty_and_blank_files_are_refused(tmp_path):
    for name, raw in (("empty.txt", b""), ("blank.txt", b"  \r\n\t\n")):
        path = tmp_path / name
        path.write_bytes(raw)
        with pytest.raises(InputError, match="empty") as error:
            read_document(Source(key="x", path=name, title=name), path)
        assert error.value.path == name


def test_missing_file_names_the_path(tmp_path):
    with pytest.raises(InputError, match="no such file") as error:
        read_document(Source(key="x", path="gone.txt", title="gone"), tmp_path / "gone.txt")
    assert error.value.path == "gone.txt"


def test_typography_is_folded_for_matching_but_kept_for_users(tmp_path):
    path = tmp_path / "g.txt"
    path.write_bytes("Client\u2019s file\u00a0: the \u201crecord\u201d of a client.\nOther: x.\n"
                     .encode("cp1252"))
    entry = extract(read_document(Source(key="g", path="g.txt", title="g"), path)).entries[0]
    assert entry.headword == "Client\u2019s file" and "\u201crecord\u201d" in entry.definition
    assert for_matching(entry.headword) == "client's file"
    assert for_matching("the\u00a0\u201crecord\u201d") == 'the "record"'
