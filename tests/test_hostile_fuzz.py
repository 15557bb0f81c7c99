"""Fuzzing the hostile-input defences (SECURITY.md), so they stay closed:

- YAML tags and dates: any standard or bogus tag on any date-like or number-like value,
  in a client file or as a clause param default, is a located error or a valid file;
- templates: the shipped template with parts dropped, cut, corrupted, given a DTD, an
  external relationship or a climbing name is refused (located) or builds a DOCX whose
  every XML part parses;
- annexes: hand-written PDFs with random page trees, lengths, references and actions are
  refused with an AnnexRefused, or cleaned into a PDF with no active content.

No input may end in a traceback. Examples are derandomized (CI failures reproduce).
"""
from __future__ import annotations

import io
import re
import tempfile
import warnings
import zipfile
from pathlib import Path

import docx
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings, strategies as st
from lxml import etree
from pypdf import PdfReader

from contratgen.pdf import annex_guard
from contratgen.cli import main
from contratgen.render.docx import SHIPPED_TEMPLATES
from hostile_files import MINIMAL, active_content, hostile_pdf, raw_pdf

SETTINGS = dict(deadline=None, derandomize=True,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
LINE = re.compile(r"^(.+?:\d+:\d+: (error|warning): .+ \[\S+\]|.+: ok|.+?: error: .+ \[\S+\]"
                  r"|wrote .+|\d+ clauses?, \d+ errors?, \d+ warnings?)$")


def run(*args: str):
    result = CliRunner().invoke(main, list(args))
    exc = result.exception
    assert exc is None or isinstance(exc, SystemExit), f"{type(exc).__name__}: {exc}"
    assert "Traceback" not in result.output, result.output
    assert result.exit_code in (0, 1), result.output
    for line in result.output.splitlines():
        assert LINE.match(line), line
    return result


# --- YAML tags and dates -------------------------------------------------------------------

TAGS = st.sampled_from(["", "!!int ", "!!float ", "!!timestamp ", "!!str ", "!!bool ",
                        "!!null ", "!!binary ", "!!python/name:os.system ", "!local ",
                        "!!merge ", "!!set ", "!<tag:yaml.org,2002:int> "])
DATES = st.builds(lambda y, m, d, t: f"{y:04d}-{m:02d}-{d:02d}{t}",
                  st.integers(0, 12000), st.integers(0, 13), st.integers(0, 32),
                  st.sampled_from(["", "T00:00:00Z", "T25:61:61", " 10:00:00+99:00",
                                   "t1", ".5"]))
NUMBERS = st.one_of(st.integers(-10 ** 40, 10 ** 40).map(str),
                    st.sampled_from(["1e3", "1e-999999", "0x1F", "0o17", "0b101", "1_000",
                                     "+.inf", ".nan", "-0", "1:30", "0x", "''", "~"]),
                    st.text("0123456789eE+-._xob:", min_size=1, max_size=12))
VALUES = st.one_of(DATES, NUMBERS)
PLACES = st.sampled_from(["date: 2026-03-02", "quantity: 1,", "unit_price: 100,",
                          "recovery_indemnity: 40"])


@settings(max_examples=80, **SETTINGS)
@given(TAGS, VALUES, PLACES)
def test_any_tag_on_any_value_in_a_client_file(tag, value, place):
    key, _, rest = place.partition(": ")
    text = MINIMAL.replace(place, f"{key}: {tag}{value}{',' if rest.endswith(',') else ''}")
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "client.yaml"
        path.write_text(text, "utf-8")
        run("check", str(path))


@settings(max_examples=40, **SETTINGS)
@given(TAGS, VALUES, st.sampled_from(["integer", "decimal", "date", "percent"]),
       st.sampled_from(["default", "min", "max"]))
def test_any_tag_on_any_value_as_a_clause_param(tag, value, kind, field):
    with tempfile.TemporaryDirectory() as folder:
        lib = Path(folder) / "lib"
        lib.mkdir()
        (lib / "evil.yaml").write_text(
            "id: evil\nversion: 1\ncategory: other\ntitle: {fr: C, en: C}\n"
            "documents: [contract]\nparties: [business]\n"
            f"params:\n  n:\n    type: {kind}\n    {field}: {tag}{value}\n"
            "text: {fr: '{{ n }}', en: x}\n", "utf-8")
        path = Path(folder) / "client.yaml"
        path.write_text(MINIMAL + "library: {path: lib, layer: false}\nclauses: [evil]\n",
                        "utf-8")
        run("lint", str(lib))
        run("check", str(path))


# --- template structure ------------------------------------------------------------------------

with zipfile.ZipFile(SHIPPED_TEMPLATES / "contract.docx") as _package:
    PARTS = [(info.filename, _package.read(info)) for info in _package.infolist()]
EXTERNAL = (b'<Relationship Id="rIdF" Type="http://schemas.openxmlformats.org/officeDocument/'
            b'2006/relationships/image" Target="http://127.0.0.1:9/x.png" '
            b'TargetMode="External"/></Relationships>')

MUTATIONS = st.sampled_from(["drop", "cut", "garbage", "doctype", "external", "rename",
                             "twice", "latin1", "keep"])


def mutate(name: str, data: bytes, how: str, n: int) -> list[tuple[str, bytes]]:
    if how == "drop":
        return []
    if how == "cut":
        return [(name, data[: n % (len(data) + 1)])]
    if how == "garbage":
        return [(name, bytes((n * i) % 256 for i in range(64)))]
    if how == "doctype" and b"?>" in data:
        return [(name, data.replace(b"?>", b'?><!DOCTYPE x [<!ENTITY e SYSTEM '
                                          b'"file:///etc/passwd">]>', 1))]
    if how == "external" and name.endswith(".rels"):
        return [(name, data.replace(b"</Relationships>", EXTERNAL))]
    if how == "rename":
        return [("../" * (n % 3 + 1) + name, data)]
    if how == "twice":
        return [(name, data), (name, data)]
    if how == "latin1" and name.endswith(".xml"):
        return [(name, data.replace(b"<w:body>", b"<w:body><w:t>\xe9</w:t>", 1))]
    return [(name, data)]


@settings(max_examples=30, **SETTINGS)
@given(st.lists(st.tuples(st.integers(0, len(PARTS) - 1), MUTATIONS, st.integers(0, 10 ** 6)),
                max_size=4))
def test_any_template_structure_is_refused_or_builds_a_valid_docx(changes):
    parts = {i: [(name, data)] for i, (name, data) in enumerate(PARTS)}
    for index, how, n in changes:
        parts[index] = [m for name, data in parts[index] for m in mutate(name, data, how, n)]
    with tempfile.TemporaryDirectory() as folder:
        folder = Path(folder)
        with zipfile.ZipFile(folder / "letterhead.docx", "w") as package, \
                warnings.catch_warnings():
            warnings.simplefilter("ignore", UserWarning)   # duplicate names, on purpose
            for entries in parts.values():
                for name, data in entries:
                    info = zipfile.ZipInfo(name)
                    package.writestr(info, data)
        path = folder / "client.yaml"
        path.write_text(MINIMAL.replace("place: Paris", "place: Paris\n  template: "
                                        "letterhead.docx"), "utf-8")
        result = run("build", str(path), "-o", str(folder / "out"), "--format", "docx")
        if result.exit_code == 0:
            data = (folder / "out" / "T-1.docx").read_bytes()
            docx.Document(io.BytesIO(data))
            parser = etree.XMLParser(resolve_entities=False, no_network=True)
            with zipfile.ZipFile(io.BytesIO(data)) as package:
                for name in package.namelist():
                    if name.endswith((".xml", ".rels")):
                        root = etree.fromstring(package.read(name), parser)
                        assert root.getroottree().docinfo.doctype == ""
        else:
            assert "client.yaml:6:13: error: template 'letterhead.docx'" in result.output


# --- annex structure ------------------------------------------------------------------------

ACTIONS = [b"<< /S /JavaScript /JS (app.alert(1)) >>", b"<< /S /Launch /F (/bin/sh) >>",
           b"<< /S /URI /URI (http://127.0.0.1:9/) >>", b"<< /S /GoToR /F (x.pdf) /D [0] >>",
           b"<< /S /SubmitForm /F (http://127.0.0.1:9/) >>", b"<< /S /GoTo /D [3 0 R /Fit] >>"]


@st.composite
def pdf_structures(draw) -> bytes:
    count = draw(st.integers(3, 12))
    objects = {1: b"<< /Type /Catalog /Pages 2 0 R /OpenAction %d 0 R >>" % (count + 1)}
    refs = st.integers(1, count + 2)
    for num in range(2, count + 1):
        kind = draw(st.sampled_from(["pages", "page", "stream", "annot", "junk"]))
        if kind == "pages":
            kids = b" ".join(b"%d 0 R" % draw(refs) for _ in range(draw(st.integers(0, 4))))
            objects[num] = b"<< /Type /Pages /Kids [%s] /Count %d >>" % (
                kids, draw(st.integers(-1, 10 ** 9)))
        elif kind == "page":
            objects[num] = (b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] "
                            b"/Contents %d 0 R /Annots [%d 0 R] /AA << /O %d 0 R >> >>"
                            % (draw(refs), draw(refs), count + 1))
        elif kind == "stream":
            length = draw(st.one_of(st.integers(-5, 50).map(lambda n: b"%d" % n),
                                    refs.map(lambda n: b"%d 0 R" % n)))
            objects[num] = b"<< /Length %s >>\nstream\nBT /F1 12 Tf ET\nendstream" % length
        elif kind == "annot":
            objects[num] = (b"<< /Type /Annot /Subtype /%s /Rect [0 0 9 9] /A %d 0 R >>"
                            % (draw(st.sampled_from([b"Link", b"Widget", b"RichMedia",
                                                     b"FileAttachment"])), count + 1))
        else:
            objects[num] = draw(st.binary(max_size=40)).replace(b"endobj", b"")
    objects[count + 1] = draw(st.sampled_from(ACTIONS))
    return raw_pdf(objects)


def assert_cleaned_or_refused(data: bytes) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "annex.pdf"
        path.write_bytes(data)
        try:
            cleaned, _, pages = annex_guard.clean_annex(path)
        except annex_guard.AnnexRefused as refused:
            assert str(refused)
            return
    assert active_content(cleaned) == []
    assert len(PdfReader(io.BytesIO(cleaned)).pages) == pages >= 1


@settings(max_examples=120, **SETTINGS)
@given(pdf_structures())
def test_any_annex_structure_is_refused_or_cleaned(data):
    assert_cleaned_or_refused(data)


HOSTILE = hostile_pdf()


@settings(max_examples=80, **SETTINGS)
@given(st.lists(st.tuples(st.integers(0, len(HOSTILE) - 1), st.integers(0, 255)),
                max_size=6), st.integers(0, len(HOSTILE)))
def test_a_damaged_hostile_annex_is_refused_or_cleaned(flips, cut):
    data = bytearray(HOSTILE[:max(cut, 8)])
    for position, value in flips:
        if position < len(data):
            data[position] = value
    assert_cleaned_or_refused(bytes(data))
