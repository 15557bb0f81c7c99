"""Inputs that used to end in a Python traceback (SECURITY.md): each is a located error
with its code, and diagnostics print control characters escaped (one line each, no
terminal escape sequence reaches stderr).
"""
from __future__ import annotations

import io
import json
import os
import re
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner

from contratgen.cli import main
from hostile_files import MINIMAL, pdf_bytes, plain_pdf

DIAGNOSTIC = re.compile(r"^.+?:\d+:\d+: (error|warning): .+ \[\S+\]$")


def cli(*args: str):
    return CliRunner().invoke(main, list(args))


def no_traceback(result) -> None:
    exc = result.exception
    assert exc is None or isinstance(exc, SystemExit), repr(exc)
    assert "Traceback" not in result.output, result.output


def located(result, code: str) -> tuple[int, int, str]:
    no_traceback(result)
    assert result.exit_code == 1, result.output
    found = re.findall(rf"^.+?:(\d+):(\d+): error: (.+) \[{re.escape(code)}\]$",
                       result.output, re.M)
    assert found, f"no located [{code}] error in:\n{result.output}"
    line, col, message = found[0]
    return int(line), int(col), message


def client(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "client.yaml"
    path.write_text(text, "utf-8")
    return path


# --- YAML tags on values they cannot hold -----------------------------------------------

@pytest.mark.parametrize("tagged, code", [
    ("!!int 1e3", "yaml.tag"), ("!!int 0x", "yaml.tag"), ("!!int 0b", "yaml.tag"),
    ("!!timestamp foo", "yaml.tag"), ("!!timestamp 2026-02-30", "yaml.date"),
    ("!!float abc", "yaml.number"), ("!!int ''", "yaml.tag"),
])
def test_a_tag_on_a_bogus_value_is_located(tmp_path, tagged, code):
    path = client(tmp_path, MINIMAL.replace("quantity: 1,", f"quantity: {tagged},"))
    line, col, _ = located(cli("check", str(path)), code)
    lines = path.read_text().splitlines()
    where = next(n for n, text in enumerate(lines, 1) if tagged in text)
    assert (line, col) == (where, lines[where - 1].index(tagged) + 1)


@pytest.mark.parametrize("default", ["!!int 1e3", "!!timestamp foo", "!!float x"])
def test_a_tag_on_a_bogus_clause_default_is_located(tmp_path, default):
    lib = tmp_path / "lib"
    lib.mkdir()
    (lib / "evil.yaml").write_text(
        "id: evil\nversion: 1\ncategory: other\ntitle: {fr: C, en: C}\n"
        "documents: [contract]\nparties: [business]\n"
        f"params:\n  n: {{type: integer, default: {default}}}\n"
        "text: {fr: x, en: x}\n", "utf-8")
    for args in (["lint", str(lib)], ["check", str(client(
            tmp_path, MINIMAL + "library: {path: lib, layer: false}\nclauses: [evil]\n"))]):
        result = cli(*args)
        no_traceback(result)
        assert result.exit_code == 1
        assert re.search(r"evil\.yaml:8:\d+: error: .+ \[yaml\.(tag|number)\]", result.output), \
            result.output


# --- dates at the end of the calendar ------------------------------------------------------

@pytest.mark.parametrize("edit, where", [
    (lambda t: t.replace("date: 2026-03-02", "date: 9999-12-31"), (4, 9)),
    (lambda t: t.replace("type: contract", "type: quote").replace(
        "date: 2026-03-02", "date: 9999-12-25\n  validity_days: 30"), (4, 9)),
    (lambda t: t.replace("date: 2026-03-02", "date: 9999-12-30\n  context: off_premises")
     .replace("  name: Boulangerie Martin\n  trader: true", "  name: Boulangerie Martin\n"
              "  kind: consumer"), (4, 9)),
    (lambda t: t.replace("type: contract", "type: quote").replace(
        "place: Paris", "place: Paris\n  valid_until: 9999-12-31"), (6, 16)),
    (lambda t: t.replace("date: 2026-03-02", "date: 0001-01-01"), (4, 9)),
])
def test_a_date_near_the_end_of_the_calendar_is_located(tmp_path, edit, where):
    path = client(tmp_path, edit(MINIMAL))
    for command in ("check", "build"):
        args = [command, str(path)] + (["-o", str(tmp_path / "out"), "--format", "docx"]
                                       if command == "build" else [])
        line, col, message = located(cli(*args), "date.range")
        assert (line, col) == where and "a typing mistake?" in message


def test_the_last_year_still_builds(tmp_path):
    path = client(tmp_path, MINIMAL.replace("type: contract", "type: quote").replace(
        "date: 2026-03-02", "date: 2999-12-31\n  validity_days: 3650"))
    result = cli("build", str(path), "-o", str(tmp_path / "out"), "--format", "docx")
    assert result.exit_code == 0, result.output


# --- clause params ------------------------------------------------------------------------

@pytest.mark.parametrize("bound", ["1e-999999", "1e-1000000000", "1e400", "0.0000001"])
def test_a_bound_no_contract_needs_is_refused_in_the_clause_file(tmp_path, bound):
    lib = tmp_path / "lib"
    lib.mkdir()
    (lib / "evil.yaml").write_text(
        "id: evil\nversion: 1\ncategory: other\ntitle: {fr: C, en: C}\n"
        "documents: [contract]\nparties: [business]\n"
        f"params:\n  n: {{type: decimal, min: {bound}, default: 5}}\n"
        "text: {fr: x, en: x}\n", "utf-8")
    result = cli("lint", str(lib))
    line, _, message = located(result, "clause.params.n.min")
    assert line == 8 and "at most six decimals" in message
    assert len(result.output) < 2000


# --- inspect ------------------------------------------------------------------------------

def _docx(custom: bytes) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as package:
        package.writestr("word/document.xml", b"<w:document/>")
        package.writestr("docProps/custom.xml", custom)
    return out.getvalue()


PROPS = (b'<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/custom-'
         b'properties" xmlns:vt="http://schemas.openxmlformats.org/officeDocument/2006/'
         b'docPropsVTypes"><property name="contratgen.provenance"><vt:lpwstr>%s</vt:lpwstr>'
         b'</property></Properties>')

MALFORMED = {
    "broken custom.xml": _docx(b"<Properties><oops"),
    "a DTD in custom.xml": _docx(b'<!DOCTYPE x [<!ENTITY a "aaaa">]>' + PROPS % b"&a;"),
    "provenance not JSON": _docx(PROPS % b"{not json"),
    "provenance a list": _docx(PROPS % b"[1, 2]"),
    "custom.xml not UTF-8": _docx(PROPS % "caf\u00e9".encode("latin-1")),
    "a truncated zip": _docx(PROPS % b"{}")[:60],
    "a truncated PDF": pdf_bytes(plain_pdf())[:300],
    "a PDF of garbage": b"%PDF-1.7\n" + os.urandom(2000),
}


@pytest.mark.parametrize("case", sorted(MALFORMED))
def test_inspect_on_a_malformed_file_is_a_located_error(tmp_path, case):
    path = tmp_path / "file.bin"
    path.write_bytes(MALFORMED[case])
    result = cli("inspect", str(path))
    no_traceback(result)
    if result.exit_code == 0:       # pypdf may recover a PDF: then it prints what it read
        assert case.endswith("PDF") or "PDF" in case
        return
    assert result.exit_code == 1
    code = "docx\\.doctype" if "DTD" in case else "inspect"   # a DOCTYPE: its own rule
    assert re.search(rf"file\.bin: error: .+ \[{code}\]", result.output), result.output


def test_inspect_prints_a_forged_provenance_escaped(tmp_path):
    forged = json.dumps({"document": "X\x1b[2J\nforged line", "clauses": [{"id": "\x1b]0;"}]})
    path = tmp_path / "forged.docx"
    path.write_bytes(_docx(PROPS % forged.encode()))
    result = cli("inspect", str(path))
    assert result.exit_code == 0, result.output
    assert "\x1b" not in result.output and "\nforged line" not in result.output
    assert "X\\x1b[2J\\nforged line" in result.output


def test_inspect_of_a_fifo_does_not_hang(tmp_path):
    os.mkfifo(tmp_path / "pipe.pdf")
    result = cli("inspect", str(tmp_path / "pipe.pdf"))
    no_traceback(result)
    assert result.exit_code == 1 and "not a regular file" in result.output


# --- diagnostics are one plain line each ----------------------------------------------------

@pytest.mark.parametrize("hostile", ["evil\\e[2J\\e]0;owned\\a",
                                     "evil\\nclient.yaml:1:1: error: forged [fake]",
                                     "evil\\r\\u202eevil", "evil\\x85\\u2028next"])
def test_control_characters_from_input_are_escaped_in_diagnostics(tmp_path, hostile):
    """A duplicate key is named in its diagnostic, as written: escaped."""
    path = client(tmp_path, MINIMAL + f'"{hostile}": 1\n"{hostile}": 2\n')
    result = CliRunner().invoke(main, ["check", str(path)])
    no_traceback(result)
    assert result.exit_code == 1
    assert not re.search("[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e]",
                         result.output), repr(result.output)
    lines = result.output.splitlines()
    assert lines and all(DIAGNOSTIC.match(line) for line in lines), lines
    assert not any(line.startswith("client.yaml:1:1: error: forged") for line in lines)
    assert "duplicate key 'evil\\" in result.output
