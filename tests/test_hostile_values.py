"""Hostile values in client.yaml: characters XML cannot hold, bidi overrides, surrogates,
markup characters, emoji, very long texts. Each is either printed exactly, in a DOCX that
Word can open (python-docx reads it, every XML part parses strictly, LibreOffice converts
it), or refused with a located diagnostic and nothing written.
"""
from __future__ import annotations

import io
import re
import unicodedata
import zipfile
from pathlib import Path

import docx
import pytest
from click.testing import CliRunner
from lxml import etree
from pypdf import PdfReader

from contratgen.cli import main
from conftest import document_text
from contratgen.load.fields import MAX_ITEMS, MAX_TEXT

MINIMAL = (Path(__file__).parent / "fixtures" / "minimal.yaml").read_text("utf-8")
LINES = MINIMAL.splitlines()


def cli(*args: str):
    return CliRunner().invoke(main, list(args))


def position(old: str) -> tuple[int, int]:
    """Line and column (1-based) of the text ``old`` in minimal.yaml."""
    for number, line in enumerate(LINES, start=1):
        if old in line:
            return number, line.index(old) + 1
    raise AssertionError(old)


def with_value(tmp_path: Path, old: str, new: str, *, extra: str = "") -> Path:
    assert MINIMAL.count(old) == 1, old
    path = tmp_path / "client.yaml"
    path.write_text(MINIMAL.replace(old, new) + extra, "utf-8")
    return path


def build(path: Path):
    out = path.parent / "out"
    return cli("build", str(path), "-o", str(out), "--format", "docx"), out


def refused(result, out: Path, path: Path, code: str) -> tuple[int, int, str]:
    assert "Traceback" not in result.output, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), \
        repr(result.exception)
    assert result.exit_code == 1, result.output
    found = re.findall(rf"^{re.escape(str(path))}:(\d+):(\d+): error: (.+) "
                       rf"\[{re.escape(code)}\]$", result.output, re.M)
    assert found, f"no located [{code}] error in:\n{result.output}"
    assert not out.exists() or not any(out.iterdir()), "something was written"
    return int(found[0][0]), int(found[0][1]), found[0][2]


def valid_docx(data: bytes) -> docx.document.Document:
    """What Word needs: a package python-docx reads, every XML part well-formed."""
    parser = etree.XMLParser(recover=False, resolve_entities=False)
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        assert package.testzip() is None
        for name in package.namelist():
            if name.endswith((".xml", ".rels")):
                etree.fromstring(package.read(name), parser)
    return docx.Document(io.BytesIO(data))


# --- characters that are refused ----------------------------------------------------

FORBIDDEN = {
    "\\x0b": "U+000B", "\\x00": "U+0000", "\\x1b": "U+001B", "\\x7f": "U+007F",
    "\\x08": "U+0008", "\\uFFFE": "U+FFFE",
    "\\u202E": "RIGHT-TO-LEFT OVERRIDE", "\\u202D": "LEFT-TO-RIGHT OVERRIDE",
    "\\u2067": "RIGHT-TO-LEFT ISOLATE",
}
FIELDS = {   # the field's code in diagnostics → (what precedes the value, the value)
    "provider.name": ("name: ", "Atelier Dupont"),
    "client.address": ("address: ", '"3 place du Marché, 69002 Lyon"'),
    "items[0].description": ("{description: ", "Prestation"),
    "document.number": ("number: ", "T-1"),
    "document.place": ("place: ", "Paris"),
}


@pytest.mark.parametrize("escape, name", FORBIDDEN.items(), ids=list(FORBIDDEN))
@pytest.mark.parametrize("code, field", FIELDS.items(), ids=list(FIELDS))
def test_forbidden_character_is_refused_where_it_is(tmp_path, escape, name, code, field):
    prefix, value = field
    plain = value.strip('"')
    path = with_value(tmp_path, prefix + value, f'{prefix}"{plain[:3]}{escape}{plain[3:]}"')
    result, out = build(path)
    line, col, message = refused(result, out, path, code)
    expected_line, expected_col = position(prefix + value)
    assert (line, col) == (expected_line, expected_col + len(prefix))
    assert name in message and "position 4" in message, message


def test_forbidden_character_in_a_clause_param_is_refused(tmp_path):
    (tmp_path / "lib").mkdir()
    (tmp_path / "lib" / "court.yaml").write_text(
        "id: court\nversion: 1\ncategory: other\ntitle: {fr: T, en: T}\n"
        "documents: [contract]\nparties: [business]\n"
        "params: {court: {type: string, required: true}}\n"
        "text: {fr: 'Tribunal : {{ court }}', en: 'Court: {{ court }}'}\n", "utf-8")
    path = tmp_path / "client.yaml"
    path.write_text(MINIMAL + "library: {path: lib, layer: false}\nclauses:\n"
                    '  - {id: court, params: {court: "Lyon\\u202Egnp"}}\n', "utf-8")
    result, out = build(path)
    line, col, message = refused(result, out, path, "clauses.params")
    assert (line, col) == (len(LINES) + 3, 33)
    assert "RIGHT-TO-LEFT OVERRIDE" in message


def test_lone_surrogate_escape_is_refused_where_it_is(tmp_path):
    path = with_value(tmp_path, "Prestation", '"Pre\\uD800station"')
    result, out = build(path)
    line, _, _ = refused(result, out, path, "yaml.syntax")
    assert line == position("Prestation")[0]


def test_encoded_surrogate_bytes_are_refused_where_they_are(tmp_path):
    path = tmp_path / "client.yaml"
    path.write_bytes(MINIMAL.encode().replace(b"Prestation", b"Pre\xed\xa0\x80station"))
    result, out = build(path)
    assert refused(result, out, path, "yaml.encoding")[:2] == (21, 22)


def test_text_longer_than_the_limit_is_refused(tmp_path):
    path = with_value(tmp_path, "Atelier Dupont", "A" * (MAX_TEXT + 1))
    result, out = build(path)
    line, col, message = refused(result, out, path, "provider.name")
    assert (line, col) == position("Atelier Dupont")
    assert str(MAX_TEXT) in message


def test_more_items_than_the_limit_is_refused(tmp_path):
    item = "  - {description: Prestation, quantity: 1, unit_price: 1, vat_rate: 20}\n"
    text = MINIMAL.replace(LINES[20] + "\n", item * (MAX_ITEMS + 1))
    path = tmp_path / "client.yaml"
    path.write_text(text, "utf-8")
    result, out = build(path)
    line, _, message = refused(result, out, path, "items")
    assert line == 21 and str(MAX_ITEMS) in message


def test_amount_too_large_to_print_to_the_cent_is_refused(tmp_path):
    path = with_value(tmp_path, "quantity: 1, unit_price: 100",
                      "quantity: 999999999999999, unit_price: 999999999999999")
    result, out = build(path)
    line, _, message = refused(result, out, path, "items[0].quantity")
    assert line == 21 and "1,000,000,000,000" in message


# --- values that are printed exactly -----------------------------------------------

PRINTED = {
    "markup": "Dupont & Fils <SARL> \"l'atelier\" ]]> &amp; <w:p/>",
    "template syntax": "{{ 7 * 7 }} {% if true %}x{% endif %} {#c#} {%p if x %}",
    "emoji": "Atelier 🙂 des fleurs 🌷👩🏽‍🔧",
    "arabic": "مخبز مارتن",
    "hebrew": "מאפיית מרטין",
    "cjk and combining": "東京パン 한국 e\u0301te\u0301 \u00a0nbsp",
    "newline and tab": "ligne 1\nligne\t2",
}


@pytest.mark.parametrize("value", PRINTED.values(), ids=list(PRINTED))
def test_unusual_but_valid_text_is_printed_exactly(tmp_path, value):
    quoted = '"' + value.replace("\\", "\\\\").replace('"', '\\"').replace(
        "\n", "\\n").replace("\t", "\\t") + '"'
    path = with_value(tmp_path, "name: Boulangerie Martin", f"name: {quoted}")
    path.write_text(path.read_text("utf-8").replace("Prestation", quoted), "utf-8")
    result, out = build(path)
    assert result.exit_code == 0 and "Traceback" not in result.output, result.output
    document = valid_docx((out / "T-1.docx").read_bytes())
    text = document_text(document)
    expected = unicodedata.normalize("NFC", value)
    for piece in expected.split("\n"):
        assert piece in text, (piece, text[:2000])
    if "{{" in value:
        assert "49" not in text.replace("75011", "").replace("69002", "")


def test_docxtpl_escapes_in_a_value_are_printed_exactly(tmp_path):
    path = with_value(tmp_path, "name: Boulangerie Martin", 'name: "Martin {_{ x }_} {_% y %_}"')
    result, out = build(path)
    assert result.exit_code == 0, result.output
    assert "Martin {_{ x }_} {_% y %_}" in document_text(valid_docx((out / "T-1.docx").read_bytes()))


@pytest.mark.parametrize("code, field", [(c, f) for c, f in FIELDS.items()
                                         if c in ("provider.name", "client.address",
                                                  "items[0].description")])
def test_text_at_the_length_limit_builds(tmp_path, code, field):
    prefix, value = field
    long = ("Très long nom & <associés> " * 200)[:MAX_TEXT].strip()
    path = with_value(tmp_path, prefix + value, f'{prefix}"{long}"')
    result, out = build(path)
    assert result.exit_code == 0, result.output
    assert long in document_text(valid_docx((out / "T-1.docx").read_bytes()))


@pytest.mark.parametrize("number, name", [
    ("../../../etc/passwd", "etc_passwd"),
    ("/absolute/path", "absolute_path"),
    ("..", "document"),
    (".hidden", "hidden"),
    ("CON", "_CON"),
    ("a\\\\b:c*d?e", "a_b_c_d_e"),
    ("🙂" * 300, None),
])
def test_document_number_never_writes_outside_the_output_folder(tmp_path, number, name):
    path = with_value(tmp_path, "number: T-1", f'number: "{number}"')
    result, out = build(path)
    assert result.exit_code == 0, result.output
    written = [p for p in tmp_path.rglob("*.docx")]
    assert len(written) == 1 and written[0].parent == out, written
    assert name is None or written[0].name == f"{name}.docx"
    assert len(written[0].name.encode()) <= 255
    properties = valid_docx(written[0].read_bytes())
    assert properties is not None


# --- LibreOffice opens them -----------------------------------------------------------

needs_office = pytest.mark.libreoffice


@pytest.fixture
def converter(office):
    return office


@needs_office
def test_hostile_but_valid_values_convert_to_pdf(tmp_path, converter):
    provider = "Dupont & Fils <SARL> \"l'atelier\" 🙂"
    client = "مخبز مارتن – Boulangerie"
    quoted = "'" + provider.replace("'", "''") + "'"
    path = with_value(tmp_path, "name: Atelier Dupont", f"name: {quoted}")
    text = path.read_text("utf-8").replace("Boulangerie Martin", client)
    path.write_text(text.replace("Prestation", '"' + "Très longue désignation " * 150 + '"'),
                    "utf-8")
    result, out = build(path)
    assert result.exit_code == 0, result.output
    data = (out / "T-1.docx").read_bytes()
    valid_docx(data)
    pdf = converter.convert(data, "T-1")
    reader = PdfReader(io.BytesIO(pdf))
    printed = "\n".join(page.extract_text() for page in reader.pages)
    assert "Dupont & Fils <SARL>" in printed
    assert "Très longue désignation" in printed
    assert len(reader.pages) >= 2
