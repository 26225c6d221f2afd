"""The read stage: bytes on disk to text, whatever the encoding and line endings.

UTF-8 (with or without BOM) and UTF-16 with a BOM are read as such; anything else that is
not valid UTF-8 falls back to cp1252, then Latin-1 (which decodes every byte). Line endings
become "\\n" so that line numbers match what an editor shows.
"""

from __future__ import annotations

import codecs
from pathlib import Path

from kg.errors import InputError
from kg.model import Document, Source

MAX_BYTES = 200 * 1024 * 1024  # larger than any glossary; refuses runaway inputs early

_BINARY_SIGNATURES = (b"%PDF", b"\x89PNG", b"GIF8", b"\xff\xd8\xff", b"\x7fELF", b"\x1f\x8b")
ZIP_SIGNATURE = b"PK\x03\x04"  # DOCX and other office files; left to the reader that wants them


def decode_bytes(raw: bytes, path: str) -> tuple[str, str]:
    """Return (text, encoding). Raise InputError for empty or binary data."""
    if raw.startswith(codecs.BOM_UTF8):
        return _normalise_newlines(raw[3:].decode("utf-8", errors="replace")), "utf-8-sig"
    if raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return _normalise_newlines(raw.decode("utf-16", errors="replace")), "utf-16"
    if raw.startswith(_BINARY_SIGNATURES) or b"\x00" in raw[:8192]:
        raise InputError("this is a binary file, not a glossary", path=path,
                         hint="give a text, Markdown, CSV, HTML or DOCX glossary")
    try:
        return _normalise_newlines(raw.decode("utf-8")), "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        return _normalise_newlines(raw.decode("cp1252")), "cp1252"
    except UnicodeDecodeError:
        return _normalise_newlines(raw.decode("latin-1")), "latin-1"


def _normalise_newlines(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\r", "\n")


def read_document(source: Source, file: Path) -> Document:
    """Decode one source file. Office files keep their bytes for their reader."""
    try:
        size = file.stat().st_size
        if size > MAX_BYTES:
            raise InputError(f"file is {size // (1024 * 1024)} MB, more than kg reads "
                             f"({MAX_BYTES // (1024 * 1024)} MB)", path=source.path,
                             hint="split the glossary into smaller files")
        raw = file.read_bytes()
    except FileNotFoundError:
        raise InputError("no such file", path=source.path, hint="check the path") from None
    except IsADirectoryError:
        raise InputError("is a folder, not a file", path=source.path) from None
    except OSError as error:
        raise InputError(f"cannot read: {error.strerror}", path=source.path) from None
    if not raw.strip():
        raise InputError("the file is empty", path=source.path,
                         hint="remove it or fill it with glossary entries")
    if raw.startswith(ZIP_SIGNATURE):
        return Document(source=source, text="", encoding="binary", raw=raw)
    text, encoding = decode_bytes(raw, source.path)
    return Document(source=source, text=text, encoding=encoding)
