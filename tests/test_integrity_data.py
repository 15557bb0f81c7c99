"""Nothing silently changed: numbers and identifiers as written, customer text never
structure, output names one file on every disk, a document's outputs all or nothing."""
import io
import zipfile

import docx
import pytest
from click.testing import CliRunner

from contratgen.pipeline import build as build_outputs, prepare, render_document
from contratgen.output import safe_name
from contratgen.cli import main
from contratgen.output import write_outputs
from conftest import MINIMAL_PATH, docx_text, needs_libreoffice

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def minimal(**replacements: str) -> str:
    text = MINIMAL_PATH.read_text()
    for old, new in replacements.items():
        text = text.replace(old, new)
    return text


# --- numbers, identifiers and phones are the characters written -------------------------

def test_a_leading_zero_number_is_document_0042_never_34(write, tmp_path):
    path = write("c.yaml", minimal(**{"number: T-1": "number: 0042"}))
    written, _ = build_outputs(path, tmp_path / "out", ["docx"])
    assert [p.name for p in written] == ["0042.docx"]
    text = docx_text(written[0].read_bytes())
    assert "0042" in text and " 34" not in text


@pytest.mark.parametrize("field,written", [
    ("phone", "0123456701"),            # YAML 1.1 octal: 21913025
    ("phone", "0612345678"),            # not octal (an 8): a string already
    ("vat_number", "1:30"),             # sexagesimal: 90
    ("iban", "1e3"),                    # a float: 1E+3
    ("email", "0x1F"),                  # hexadecimal: 31 (refused as an address, but as written)
])
def test_an_unquoted_identifier_keeps_its_digits(write, field, written):
    path = write("c.yaml", minimal(**{"  legal_form: SARL\n": f"  legal_form: SARL\n"
                                      f"  {field}: {written}\n"}))
    try:
        value = getattr(prepare(path).client.provider, field)
    except Exception as exc:   # a refusal must quote what was written, not YAML's reading
        assert written in str(exc), exc
    else:
        assert value == written


def test_an_unquoted_address_that_looks_octal_keeps_its_zeros(write):
    path = write("c.yaml", minimal(**{
        'address: "12 rue des Lilas, 75011 Paris"': "address: 01234"}))
    assert prepare(path).client.provider.address == "01234"


def test_a_number_yaml_reads_in_another_base_is_refused_with_a_located_message(write):
    path = write("c.yaml", minimal(**{"unit_price: 100": "unit_price: 1:30"}))
    result = CliRunner().invoke(main, ["check", str(path)])
    assert result.exit_code == 1
    line = next(n for n, text in enumerate(path.read_text().splitlines(), 1) if "1:30" in text)
    assert f"{path}:{line}:" in result.output
    assert "'1:30' would be read as 90" in result.output and "quote it" in result.output


def test_a_leading_zero_amount_is_the_digits_written(write):
    path = write("c.yaml", minimal(**{"unit_price: 100": "unit_price: 0100"}))
    assert prepare(path).client.items[0].unit_price == 100      # not octal 64


def test_an_integer_clause_param_with_a_leading_zero_is_not_octal(write):
    path = write("c.yaml", minimal() + "clauses:\n  - {id: resolutory, params: "
                                       "{notice_days: 015}}\n")
    (selected,) = prepare(path).clauses
    assert selected.params["notice_days"] == 15


# --- customer text is never structure ------------------------------------------------------

def clause_paragraphs(data: bytes) -> list:
    body = docx.Document(io.BytesIO(data)).paragraphs
    start = next(i for i, p in enumerate(body) if p.style.name.startswith("Heading 2")
                 and "Réserve de propriété" in p.text)
    return body[start + 1:start + 3]


def test_newlines_in_a_customer_value_are_line_breaks_inside_the_clause_paragraph(write):
    goods = {"  type: contract\n": "  type: contract\n  nature: goods\n"}   # title needs goods
    plain = write("a.yaml", minimal(**goods) + "clauses: [retention_of_title]\n")
    hostile = write("b.yaml", minimal(**goods, **{"name: Atelier Dupont": 'name: "Atelier Dupont'
                                                  '\\n- une puce\\n\\nun paragraphe"'})
                    + "clauses: [retention_of_title]\n")
    before, after = (clause_paragraphs(render_document(prepare(p))) for p in (plain, hostile))
    assert [p.style.name for p in after] == [p.style.name for p in before]
    first = after[0]._p
    assert first.xpath("count(.//w:br)") == 3
    assert first.xpath("string(.)").startswith("Atelier Dupont- une puceun paragraphe")
    assert not any(p.style.name.startswith("List") for p in after)


def test_newlines_in_a_template_field_are_line_breaks_in_its_paragraph(write):
    path = write("c.yaml", minimal(**{'address: "12 rue des Lilas, 75011 Paris"':
                                      'address: "12 rue des Lilas\\n75011 Paris"'}))
    data = render_document(prepare(path))
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        xml = package.read("word/document.xml").decode()
    assert ('12 rue des Lilas</w:t><w:br/><w:t xml:space="preserve">75011 Paris</w:t>'
            in xml)


# --- output names -------------------------------------------------------------------------

@pytest.mark.parametrize("number,expected", [
    ("NUL", "_NUL"), ("nul", "_nul"), ("COM1", "_COM1"), ("lpt9.x", "_lpt9.x"),
    ("CON.2026", "_CON.2026"), ("COM¹", "_COM¹"), ("CT-1. . .", "CT-1"), ("a. ", "a"),
    ("CONSEIL-1", "CONSEIL-1"), ("COM10", "COM10")])
def test_output_names_are_safe_on_windows(number, expected):
    assert safe_name(number) == expected


def test_two_numbers_that_differ_only_by_case_are_an_error_on_the_second(write, tmp_path):
    first = write("a.yaml", minimal(**{"number: T-1": "number: CT-1"}))
    second = write("b.yaml", minimal(**{"number: T-1": "number: ct-1"}))
    out = tmp_path / "out"
    result = CliRunner().invoke(main, ["build", str(first), str(second), "-o", str(out),
                                       "--format", "docx"])
    assert result.exit_code == 1
    assert f"{second}:3:11: error:" in result.output
    assert "[build.duplicate-number]" in result.output
    assert [p.name for p in out.iterdir()] == ["CT-1.docx"]


# --- a document's outputs are written together or not at all ------------------------------

def test_when_one_target_is_a_folder_no_output_of_the_document_is_written(tmp_path):
    out = tmp_path / "out"
    (out / "CT-1.pdf").mkdir(parents=True)
    with pytest.raises(IsADirectoryError):
        write_outputs({"docx": b"new docx", "pdf": b"%PDF-new"}, out, "CT-1")
    assert sorted(p.name for p in out.iterdir()) == ["CT-1.pdf"]


def test_when_a_later_rename_fails_the_earlier_ones_are_undone(tmp_path, monkeypatch):
    import os
    from contratgen import output
    out = tmp_path / "out"
    out.mkdir()
    (out / "CT-1.docx").write_bytes(b"old docx")
    real = os.replace

    def failing(src, dst):
        if str(dst).endswith(".pdf"):
            raise OSError(28, "No space left on device", str(dst))
        return real(src, dst)
    monkeypatch.setattr(output.os, "replace", failing)
    with pytest.raises(OSError):
        write_outputs({"docx": b"new docx", "pdf": b"%PDF-new"}, out, "CT-1")
    assert [p.name for p in out.iterdir()] == ["CT-1.docx"]
    assert (out / "CT-1.docx").read_bytes() == b"old docx"


@needs_libreoffice
def test_a_pdf_target_that_is_a_folder_writes_no_docx_either(tmp_path):
    out = tmp_path / "out"
    (out / "T-1.pdf").mkdir(parents=True)
    result = CliRunner().invoke(main, ["build", str(MINIMAL_PATH), "-o", str(out),
                                       "--format", "both"])
    assert result.exit_code == 3, result.output
    assert "is a folder" in result.output
    assert sorted(p.name for p in out.iterdir()) == ["T-1.pdf"]


@pytest.mark.parametrize("field,written,value", [
    ("copies: 2", "copies: 010", 10), ("copies: 2", "copies: 0_3", 3)])
def test_a_plain_integer_field_reads_the_digits_written(write, field, written, value):
    text = minimal(**{"place: Paris": f"place: Paris\n  {written}"})
    path = write("c.yaml", text)
    assert prepare(path).client.document.copies == value


def test_a_plain_integer_field_refuses_sexagesimal(write):
    path = write("c.yaml", minimal(**{"place: Paris": "place: Paris\n  copies: 1:30"}))
    result = CliRunner().invoke(main, ["check", str(path)])
    assert result.exit_code == 1 and "'1:30' would be read as 90" in result.output


def test_a_text_clause_param_written_as_digits_is_the_digits(write):
    path = write("c.yaml", minimal() + "clauses:\n  - {id: jurisdiction, params: "
                                       "{court: 0042}}\n")
    (selected,) = prepare(path).clauses
    assert selected.params["court"] == "0042"


def test_in_a_batch_two_numbers_that_differ_only_by_case_are_an_error(write, tmp_path):
    write("in/a.yaml", minimal(**{"number: T-1": "number: CT-1"}))
    second = write("in/b.yaml", minimal(**{"number: T-1": "number: ct-1"}))
    out = tmp_path / "out"
    result = CliRunner().invoke(main, ["batch", str(tmp_path / "in"), "-o", str(out),
                                       "--format", "docx", "-j", "1"])
    assert result.exit_code == 1
    assert "3:11: error:" in result.stderr and "[batch.duplicate-number]" in result.stderr
    assert second.name in result.stderr
    assert sorted(p.name for p in out.glob("*.docx")) == ["CT-1.docx"]
