"""The reader registry and every reader on fixture glossaries of other domains and layouts.

Each fixture in tests/fixtures/glossaries/ has NAME.expected.json beside it in the gold format
({file name: [{term, definition, definition_clean?}]}); each must be read exactly (F1 1.0).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from kg.errors import InputError, UsageError
from kg.model import Document, Source
from kg.quality.entries import read_entries, score_file
from kg.readers import READERS, detect_reader, extract, get_reader, _load_builtin_readers
from kg.readers.decode import read_document
from tests.conftest import FIXTURES

GLOSSARIES = FIXTURES / "glossaries"
EXPECTED = sorted(GLOSSARIES.glob("*.expected.json"))


def _document(text: str, name: str = "g.txt") -> Document:
    return Document(Source(key="g", path=name, title=name), text, "utf-8")


def test_at_least_six_fixture_glossaries_in_other_layouts():
    files = [json.loads(path.read_text(encoding="utf-8")) for path in EXPECTED]
    names = [name for expected in files for name in expected]
    assert len(names) >= 6
    assert {Path(name).suffix for name in names} >= {".txt", ".md", ".csv", ".html"}


@pytest.mark.parametrize("expected_file", EXPECTED, ids=lambda p: p.name)
def test_fixture_glossary_is_read_exactly(expected_file):
    (name, gold), = json.loads(expected_file.read_text(encoding="utf-8")).items()
    entries = read_entries(GLOSSARIES / name, name)
    gold_count, found, matched, precision, recall, f1, clean_f1 = score_file(entries, gold)
    missing = [g["term"] for g in gold
               if (g["term"], " ".join(g["definition"].split())) not in
               {(e.headword, " ".join(e.definition.split())) for e in entries}]
    assert (f1, clean_f1) == (1.0, 1.0), f"{name}: F1 {f1}, missing {missing}, found " \
        f"{[(e.headword, e.definition[:40]) for e in entries]}"


def test_every_entry_records_its_line(glossary_file):
    path = glossary_file("Title of the page\n\nAlpha: the first letter.\n\nBeta: the second letter.\n")
    entries = read_entries(path, "g.txt")
    assert [(e.line, e.headword) for e in entries] == [(3, "Alpha"), (5, "Beta")]
    assert [e.ordinal for e in entries] == [1, 2]


def test_docx_glossary_with_heading_styles_and_a_table(tmp_path):
    import docx

    word = docx.Document()
    word.add_heading("Legal glossary", level=1)
    word.add_paragraph("This glossary is for our clients. We update it every year.")
    word.add_heading("Affidavit", level=2)
    word.add_paragraph("A written statement confirmed by oath, for use as evidence in court.")
    word.add_heading("Bailiff", level=2)
    word.add_paragraph("An officer who enforces court orders.")
    word.add_paragraph("Bailiffs may seize goods to pay a debt.")
    table = word.add_table(rows=3, cols=3)
    for row, cells in zip(table.rows, [("Term", "Definition", "Jurisdiction"),
                                       ("Tort", "A wrongful act that leads to civil liability.", "UK"),
                                       ("Writ", "A formal written order issued by a court.", "")]):
        for cell, text in zip(row.cells, cells):
            cell.text = text
    path = tmp_path / "legal.docx"
    word.save(path)
    entries = read_entries(path, "legal.docx")
    assert [(e.headword, e.definition) for e in entries] == [
        ("Affidavit", "A written statement confirmed by oath, for use as evidence in court."),
        ("Bailiff", "An officer who enforces court orders. Bailiffs may seize goods to pay a debt."),
        ("Tort", "A wrongful act that leads to civil liability."),
        ("Writ", "A formal written order issued by a court."),
    ]
    assert entries[2].notes == (("Jurisdiction", "UK"),)
    assert detect_reader(read_document(Source("legal", str(path), "legal"), path)).name == "docx"


def test_readers_are_registered_by_name():
    _load_builtin_readers()
    assert {"text", "markdown", "csv", "html", "docx"} <= set(READERS)
    with pytest.raises(UsageError) as error:
        get_reader("pdf")
    assert "known formats" in str(error.value) and "markdown" in str(error.value)


@pytest.mark.parametrize("name, text, reader", [
    ("a.txt", "Alpha: the first letter.\nBeta: the second.\n", "text"),
    ("a.md", "# Words\n\n## Alpha\n\nThe first letter.\n", "markdown"),
    ("a.csv", "term,definition\nAlpha,the first letter\n", "csv"),
    ("a.tsv", "term\tdefinition\nAlpha\tthe first letter\n", "csv"),
    ("a.html", "<html><body><dl><dt>Alpha</dt><dd>The first.</dd></dl></body></html>", "html"),
    # no telling extension: the content decides
    ("export", "<!DOCTYPE html><html><body><h2>Alpha</h2><p>The first.</p></body></html>", "html"),
    ("export", "Term;Definition;Owner\nAlpha;the first letter;me\nBeta;the second;you\n", "csv"),
    ("notes", "## Alpha\n\nThe first letter.\n\n## Beta\n\n**Gamma**: the third.\n\n**Delta**: x.\n",
     "markdown"),
    ("notes", "Alpha, as we said: the first letter, of course.\n", "text"),
])
def test_detection_by_extension_and_content(name, text, reader):
    assert detect_reader(_document(text, name)).name == reader


def test_format_forces_a_reader():
    document = _document("Alpha: the first letter.\nBeta: the second letter.\n", "misnamed.csv")
    assert detect_reader(document).name == "csv"
    entries = extract(document, "text").entries
    assert [(e.headword, e.definition) for e in entries] == [("Alpha", "the first letter."),
                                                            ("Beta", "the second letter.")]


def test_table_header_in_a_text_file_is_read_as_a_table():
    document = _document("term,definition\nAlpha,the first letter\n", "a.txt")
    assert detect_reader(document).name == "csv"


def test_every_registered_reader_survives_every_fixture():
    """No reader may crash on another format's file: a wrong --format gives a clear error or entries."""
    _load_builtin_readers()
    for path in sorted(GLOSSARIES.iterdir()):
        if path.suffix == ".json":
            continue
        document = read_document(Source("f", str(path), path.name), path)
        for name in sorted(READERS):
            try:
                extract(document, name)
            except InputError:
                pass


def test_duplicate_headword_is_kept_and_reported():
    result = extract(_document("Alpha: the first letter.\nBeta: the second.\nAlpha: a start.\n"))
    assert [e.headword for e in result.entries] == ["Alpha", "Beta", "Alpha"]
    [finding] = [f for f in result.findings if f.kind == "duplicate-headword"]
    assert finding.line == 3 and "line 1" in finding.message


def test_pasted_definition_is_found_and_cleaned():
    text = ("Alpha: the first letter of the Greek alphabet, written α.\n"
            "Beta: the second letter of the Greek alphabet. The first letter of the Greek "
            "alphabet, written α.\n")
    result = extract(_document(text))
    beta = result.entries[1]
    assert beta.clean_definition == "the second letter of the Greek alphabet."
    assert beta.text == beta.clean_definition and beta.definition.endswith("written α.")
    assert [f.kind for f in result.findings] == ["pasted-definition"]


def test_definitions_sharing_a_sentence_are_not_pastes():
    text = ("Alpha: the first letter. It is used in science.\n"
            "Beta: the second letter. It is used in science.\n")
    result = extract(_document(text))
    assert all(e.clean_definition is None for e in result.entries) and result.findings == []


def test_heading_without_definition_is_reported_not_an_entry():
    text = "Alpha\n\nThe first letter.\n\nBeta\n\nGamma\n\nThe third letter.\n"
    result = extract(_document(text))
    assert [e.headword for e in result.entries] == ["Alpha", "Gamma"]
    [finding] = result.findings
    assert (finding.kind, finding.line) == ("missing-definition", 5)


def test_no_entries_is_a_finding_not_an_error():
    result = extract(_document("Just a title\n"))
    assert result.entries == [] and [f.kind for f in result.findings] == ["no-entries"]
