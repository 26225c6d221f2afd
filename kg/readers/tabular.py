"""CSV and TSV glossaries: spreadsheet and CMS exports, one entry per row.

The standard library's csv module reads quoting and multi-line cells; the delimiter is the
file's extension (.tsv) or what csv.Sniffer finds. Term and definition columns come from the
header (kg.readers.columns); the other columns are kept as notes.
"""

from __future__ import annotations

import csv
import io
from pathlib import PurePath

from kg.config import DEFAULT
from kg.errors import InputError
from kg.model import Document
from kg.readers import Extraction, Reader, register
from kg.readers.columns import find_columns, read_table

_DELIMITERS = ",\t;|"


def _delimiter(document: Document) -> str | None:
    suffix = PurePath(document.source.path).suffix.lower()
    if suffix == ".tsv" or suffix == ".tab":
        return "\t"
    sample = document.text[:8192]
    try:
        return csv.Sniffer().sniff(sample, delimiters=_DELIMITERS).delimiter
    except csv.Error:
        return "," if suffix == ".csv" else None


def detect(document: Document) -> float:
    if document.encoding == "binary" or not document.text.strip():
        return 0.0
    suffix = PurePath(document.source.path).suffix.lower()
    if suffix in (".csv", ".tsv", ".tab"):
        return 0.9
    delimiter = _delimiter(document)
    if delimiter is None:
        return 0.0
    head = next(csv.reader(io.StringIO(document.text[:8192]), delimiter=delimiter), [])
    # Prose has commas too: only a header that names a term or definition column says "table".
    return 0.6 if len(head) >= 2 and find_columns(head) else 0.0


def read(document: Document) -> Extraction:
    delimiter = _delimiter(document) or ","
    limit = DEFAULT.readers.max_line_chars
    previous = csv.field_size_limit(limit)  # process-wide in the csv module: restored below
    reader = csv.reader(io.StringIO(document.text), delimiter=delimiter)
    rows: list[tuple[int, list[str]]] = []
    start = 1
    try:
        for cells in reader:
            rows.append((start, cells))
            start = reader.line_num + 1
    except csv.Error as error:
        raise InputError(f"not a readable {'TSV' if delimiter == chr(9) else 'CSV'} table: {error}",
                         path=document.source.path, line=reader.line_num or None,
                         hint=f"cells longer than {limit:,} characters are refused") from None
    finally:
        csv.field_size_limit(previous)
    return read_table(rows, document.source.key)


register(Reader("csv", "CSV/TSV tables: term and definition columns found from the header, "
                       "other columns kept as notes", detect, read))
