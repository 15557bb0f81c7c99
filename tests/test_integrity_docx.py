"""Files other programs read: every DOCX passes the OOXML ordering and structure check
(annexes included), keeps its provenance in properties Word keeps (≤ 255 characters
each), and ``inspect`` never tracebacks on a damaged file."""
import io
import json
import shutil
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner
from pypdf import PdfWriter

from contratgen.pipeline import prepare, render_document
from contratgen.cli import main
from contratgen.render.docx import MAX_PROPERTY, provenance_text, read_properties, \
    split_property
from conftest import MINIMAL_PATH, SAMPLES
from ooxml_check import check_docx, check_part

SAMPLE_FILES = sorted(p.relative_to(SAMPLES).as_posix() for p in SAMPLES.rglob("*.yaml"))


def variant(tmp_path: Path, sample: str, **replacements: str) -> Path:
    text = (SAMPLES / sample).read_text()
    for old, new in replacements.items():
        assert old in text, old
        text = text.replace(old, new)
    path = tmp_path / Path(sample).name
    path.write_text(text)
    shutil.copytree(SAMPLES / "attestations", tmp_path / "attestations",   # annexed
                    dirs_exist_ok=True)
    return path


def document_xml(data: bytes) -> str:
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        return package.read("word/document.xml").decode()


# --- schema order and structure ------------------------------------------------------------

@pytest.mark.parametrize("sample", SAMPLE_FILES)
def test_every_sample_docx_passes_the_ooxml_check(sample):
    assert check_docx(render_document(prepare(SAMPLES / sample))) == []


@pytest.mark.parametrize("context", ["off_premises", "distance"])
@pytest.mark.parametrize("language", ["fr"])   # a consumer document is in French (loi 94-665)
def test_a_document_with_a_clause_annex_passes_the_ooxml_check(tmp_path, context, language):
    path = variant(tmp_path, "quote-b2c.yaml", **{"language: fr": f"language: {language}"})
    text = path.read_text()
    path.write_text(text.replace("context: off_premises", f"context: {context}")
                    .replace("context: distance", f"context: {context}"))
    data = render_document(prepare(path))
    assert "<w:pageBreakBefore/>" in document_xml(data)      # the withdrawal form's page
    assert check_docx(data) == []


def test_customer_line_breaks_pass_the_ooxml_check(tmp_path):
    path = tmp_path / "c.yaml"
    path.write_text(MINIMAL_PATH.read_text().replace(
        "name: Atelier Dupont", 'name: "Atelier\\nDupont\\n- x"').replace(
        'address: "12 rue des Lilas, 75011 Paris"', 'address: "12 rue des Lilas\\n75011 Paris"')
        .replace("  type: contract\n", "  type: contract\n  nature: goods\n")   # title needs goods
        + "clauses: [retention_of_title]\n")
    data = render_document(prepare(path))
    assert "<w:br/>" in document_xml(data)
    assert check_docx(data) == []


@pytest.mark.parametrize("xml,problem", [
    ('<w:p><w:pPr><w:pageBreakBefore/><w:pStyle w:val="H"/></w:pPr></w:p>', "out of order"),
    ('<w:p><w:r><w:t>a</w:t><w:rPr><w:b/></w:rPr></w:r></w:p>', "must be the first"),
    ('<w:p><w:br/></w:p>', "outside a run"),
    ('<w:p><w:pPr><w:bogus/></w:pPr></w:p>', "not allowed"),
])
def test_the_check_finds_what_word_would_repair(xml, problem):
    part = (f'<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/'
            f'main"><w:body>{xml}</w:body></w:document>').encode()
    (found,) = check_part(part, "word/document.xml")
    assert problem in found


# --- provenance Word keeps -------------------------------------------------------------------

def utf16(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


@pytest.mark.parametrize("sample", ["contract-b2b.yaml", "quote-b2c.yaml"])
def test_no_custom_property_is_longer_than_word_keeps(sample):
    prepared = prepare(SAMPLES / sample)
    props = read_properties(render_document(prepared))
    assert len(provenance_text(props)) > MAX_PROPERTY           # it did need parts
    assert all(utf16(value) <= MAX_PROPERTY and utf16(name) <= MAX_PROPERTY
               for name, value in props.items())
    assert json.loads(provenance_text(props)) == json.loads(json.dumps(prepared.provenance()))


def test_a_long_number_with_emoji_still_fits_and_reads_back(tmp_path):
    number = "CT-" + "😀é" * 150
    path = tmp_path / "c.yaml"
    path.write_text(MINIMAL_PATH.read_text().replace("number: T-1", f'number: "{number}"'))
    props = read_properties(render_document(prepare(path)))
    assert all(utf16(value) <= MAX_PROPERTY for value in props.values())
    assert json.loads(provenance_text(props))["document"] == number


@pytest.mark.parametrize("value", ["", "a", "é" * 255, "😀" * 128, "x" * 1000])
def test_split_property_parts_rejoin_and_fit(value):
    parts = split_property(value)
    assert "".join(parts) == value and all(utf16(p) <= MAX_PROPERTY for p in parts)


def test_inspect_reads_a_docx_made_before_the_parts(tmp_path):
    data = render_document(prepare(MINIMAL_PATH))
    older = (b'<?xml version="1.0" encoding="UTF-8"?><Properties xmlns="http://schemas.'
             b'openxmlformats.org/officeDocument/2006/custom-properties" xmlns:vt="http://'
             b'schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes"><property '
             b'fmtid="{D5CDD505-2E9C-101B-9397-08002B2CF9AE}" pid="2" name="contratgen.'
             b'provenance"><vt:lpwstr>{"document": "T-OLD"}</vt:lpwstr></property></Properties>')
    old = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(old, "w") as dst:
        for item in src.infolist():
            body = src.read(item)
            if item.filename == "docProps/custom.xml":
                body = older
            dst.writestr(item, body)
    (tmp_path / "old.docx").write_bytes(old.getvalue())
    result = CliRunner().invoke(main, ["inspect", "--json", str(tmp_path / "old.docx")])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["provenance"] == {"document": "T-OLD"}


# --- inspect never tracebacks ----------------------------------------------------------------

def pdf_bytes() -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(200, 200)
    writer.add_metadata({"/ContratgenProvenance": '{"document": "T-1"}'})
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def damaged_custom(data: bytes, custom: bytes) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w") as dst:
        for item in src.infolist():
            dst.writestr(item, custom if item.filename == "docProps/custom.xml"
                         else src.read(item))
    return out.getvalue()


def inspect(path: Path):
    result = CliRunner().invoke(main, ["inspect", str(path)])
    assert result.exception is None or isinstance(result.exception, SystemExit), \
        f"{type(result.exception).__name__}: {result.exception}"
    assert "Traceback" not in result.output
    return result


@pytest.mark.parametrize("kind", ["docx", "pdf"])
def test_inspect_on_a_truncated_file_is_a_located_error(tmp_path, kind):
    data = render_document(prepare(MINIMAL_PATH)) if kind == "docx" else pdf_bytes()
    assert inspect(_write(tmp_path / f"whole.{kind}", data)).exit_code == 0
    for cut in sorted({5, 30, 100, len(data) // 3, len(data) // 2, len(data) - 30,
                       len(data) - 1}):
        result = inspect(_write(tmp_path / f"cut{cut}.{kind}", data[:cut]))
        assert result.exit_code in (0, 1)
        if result.exit_code == 1:
            assert f"cut{cut}.{kind}: error: " in result.output and "[inspect]" in result.output


@pytest.mark.parametrize("custom", [
    b"<not xml", b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaa">]><x>&a;</x>',
    b'<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/custom-'
    b'properties"><property name="contratgen.provenance.1">{"trunc</property></Properties>',
    b'<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/custom-'
    b'properties"><property name="contratgen.provenance.1">[1, 2]</property></Properties>',
])
def test_inspect_on_damaged_properties_is_a_located_error(tmp_path, custom):
    data = damaged_custom(render_document(prepare(MINIMAL_PATH)), custom)
    result = inspect(_write(tmp_path / "bad.docx", data))
    assert result.exit_code in (0, 1)
    if result.exit_code == 1:
        code = "[docx.doctype]" if b"DOCTYPE" in custom else "[inspect]"
        assert "bad.docx: error: " in result.output and code in result.output


def _write(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path
