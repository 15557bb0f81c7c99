"""Signature fields at the templates' bookmarks (issue 11): the shipped templates, re-saved by
LibreOffice, and a letterhead whose two blocks stand one under the other, each get their
fields over their own block — checked on the real PDF by the text just above each field."""
import copy
import io
import subprocess
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner
from lxml import etree
from pypdf import PdfReader

from conftest import ROOT, SAMPLES, needs_libreoffice
from contratgen.cli import main
from contratgen.pdf.finalize import read_pdf_info
from contratgen.pdf.signature_places import destinations
from contratgen.pdf.workers import find_soffice
from contratgen.render.docx import prepare_template
from contratgen.render.template_lint import SIGNATURE_BOOKMARKS, lint_template

pytestmark = needs_libreoffice

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
TEMPLATES = ROOT / "templates"
# sample → (its number, the provider's signatory, the client's)
SIGNED = {
    "contract-b2b.yaml": ("CT-2026-0042", "Jeanne Dupont", "Paul Martin"),
    "quote-b2b.yaml": ("DV-2026-0107", "Marc Lefèvre", "Claire Bernard"),
    "installment-agreement-b2b.yaml": ("AE-2026-0003", "Jeanne Dupont", "Paul Martin"),
}


def resave(paths, out: Path, profile: Path) -> None:
    """DOCX → DOCX through LibreOffice, as a user opening and saving the file does."""
    subprocess.run([find_soffice(), "--headless", f"-env:UserInstallation=file://{profile}",
                    "--convert-to", "docx:MS Word 2007 XML", "--outdir", str(out),
                    *map(str, paths)], check=True, capture_output=True, timeout=240)


def build_pdfs(samples, templates: Path, out: Path) -> None:
    result = CliRunner().invoke(main, ["build", *[str(SAMPLES / s) for s in samples], "-o",
                                       str(out), "--format", "pdf", "--templates", str(templates)])
    assert result.exit_code == 0, result.output


def page_lines(pdf: bytes, page: int) -> list[tuple[float, float, str]]:
    """(x, y, text) of every text run of a page."""
    runs = []

    def visit(text, cm, tm, font, size):
        if text.strip():
            runs.append((tm[4] * cm[0] + tm[5] * cm[2] + cm[4],
                         tm[4] * cm[1] + tm[5] * cm[3] + cm[5], text))
    PdfReader(io.BytesIO(pdf)).pages[page].extract_text(visitor_text=visit)
    return runs


def text_above(pdf: bytes, field: dict, height: float = 110) -> str:
    x0, bottom, x1, top = field["rect"]
    return " ".join(t for x, y, t in page_lines(pdf, field["page"] - 1)
                    if x0 - 1 <= x < x1 and top < y <= top + height)


def text_inside(pdf: bytes, field: dict) -> str:
    x0, bottom, x1, top = field["rect"]
    return " ".join(t for x, y, t in page_lines(pdf, field["page"] - 1)
                    if x0 <= x <= x1 and bottom <= y <= top).strip()


def fields_of(pdf: bytes) -> dict[str, dict]:
    return {f["name"]: f for f in read_pdf_info(pdf)["signature_fields"]}


def assert_each_field_over_its_block(pdf: bytes, provider: str, client: str) -> dict:
    fields = fields_of(pdf)
    assert set(fields) == set(SIGNATURE_BOOKMARKS)
    mine = {"provider_signature": (provider, client), "client_signature": (client, provider)}
    for name, (own, other) in mine.items():
        above = text_above(pdf, fields[name])
        assert own in above and other not in above, (name, above)
        assert text_inside(pdf, fields[name]) == "", name   # the field covers no text
    return fields


def placed_by_bookmarks(pdf: bytes) -> bool:
    return set(destinations(PdfReader(io.BytesIO(pdf)), SIGNATURE_BOOKMARKS)) \
        == set(SIGNATURE_BOOKMARKS)


@pytest.fixture(scope="module")
def resaved(tmp_path_factory):
    base = tmp_path_factory.mktemp("resaved")
    resave([TEMPLATES / f"{k}.docx" for k in ("contract", "quote", "installment_agreement")],
           base / "templates", base / "profile")
    build_pdfs(SIGNED, base / "templates", base / "out")
    return base


@pytest.mark.parametrize("sample", sorted(SIGNED))
def test_the_shipped_templates_resaved_by_libreoffice_keep_their_fields_at_the_blocks(
        resaved, sample):
    number, provider, client = SIGNED[sample]
    pdf = (resaved / "out" / f"{number}.pdf").read_bytes()
    assert placed_by_bookmarks(pdf)   # the re-save kept the bookmarks
    fields = assert_each_field_over_its_block(pdf, provider, client)
    left, right = fields["provider_signature"]["rect"], fields["client_signature"]["rect"]
    assert left[2] < right[0]   # side by side, not overlapping


@pytest.mark.parametrize("name", ["contract", "quote", "installment_agreement"])
def test_the_shipped_templates_carry_both_bookmarks(name, resaved):
    for path in (TEMPLATES / f"{name}.docx", resaved / "templates" / f"{name}.docx"):
        found = lint_template(prepare_template(path), name)
        assert not [d for d in found if d.code == "template.bookmark"], path


def stacked(template: Path, target: Path, new_page: bool = False) -> None:
    """The template with its signature table's two cells one under the other (the
    client's on a new page with ``new_page``)."""
    with zipfile.ZipFile(template) as src:
        root = etree.fromstring(src.read("word/document.xml"))
        table = next(t for t in root.iter(f"{W}tbl")
                     if t.xpath(".//w:bookmarkStart[@w:name='client_signature']",
                                namespaces={"w": W[1:-1]}))
        row = table.find(f"{W}tr")
        first, second = row.findall(f"{W}tc")
        grid = table.find(f"{W}tblGrid")
        width = sum(int(c.get(f"{W}w")) for c in grid.findall(f"{W}gridCol"))
        for col in grid.findall(f"{W}gridCol")[1:]:
            grid.remove(col)
        grid.find(f"{W}gridCol").set(f"{W}w", str(width))
        for cell in (first, second):
            cell.find(f"{W}tcPr/{W}tcW").set(f"{W}w", str(width))
        below = copy.deepcopy(row)
        for cell in below.findall(f"{W}tc"):
            below.remove(cell)
        row.remove(second)
        below.append(second)
        if new_page:   # a second table after a page break: Word breaks no page in a cell
            other = copy.deepcopy(table)
            for old_row in other.findall(f"{W}tr"):
                other.remove(old_row)
            other.append(below)
            page_break = etree.SubElement(etree.Element(f"{W}p"), f"{W}r")
            etree.SubElement(page_break, f"{W}br").set(f"{W}type", "page")
            table.addnext(page_break.getparent())
            page_break.getparent().addnext(other)
        else:
            row.addnext(below)
        with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as out:
            for item in src.infolist():
                data = src.read(item)
                if item.filename == "word/document.xml":
                    data = etree.tostring(root, xml_declaration=True, encoding="UTF-8",
                                          standalone=True)
                out.writestr(item, data)


def test_a_letterhead_with_the_blocks_one_under_the_other_gets_its_fields_right(tmp_path):
    (tmp_path / "tpl").mkdir()
    stacked(TEMPLATES / "contract.docx", tmp_path / "tpl" / "contract.docx")
    build_pdfs(["contract-b2b.yaml"], tmp_path / "tpl", tmp_path / "out")
    pdf = (tmp_path / "out" / "CT-2026-0042.pdf").read_bytes()
    assert placed_by_bookmarks(pdf)
    fields = assert_each_field_over_its_block(pdf, "Jeanne Dupont", "Paul Martin")
    provider, client = fields["provider_signature"], fields["client_signature"]
    # one under the other: the provider's first, each as wide as the text
    assert (provider["page"], -provider["rect"][3]) < (client["page"], -client["rect"][3])
    if provider["page"] == client["page"]:
        assert provider["rect"][1] > client["rect"][3]   # no overlap
    assert provider["rect"][2] > 400 and client["rect"][2] > 400


def without_client_bookmark(target: Path) -> None:
    """The shipped contract template, its client_signature bookmark renamed."""
    with zipfile.ZipFile(TEMPLATES / "contract.docx") as src, \
            zipfile.ZipFile(target, "w") as out:
        for item in src.infolist():
            data = src.read(item)
            if item.filename == "word/document.xml":
                data = data.replace(b'w:name="client_signature"', b'w:name="elsewhere"')
            out.writestr(item, data)


def test_a_letterhead_without_a_bookmark_is_warned_that_a_pdf_build_refuses_it(tmp_path):
    target = tmp_path / "contract.docx"
    without_client_bookmark(target)
    found = [d for d in lint_template(prepare_template(target), "contract")
             if d.code == "template.bookmark"]
    assert [d.severity for d in found] == ["warning"]
    assert "client_signature" in found[0].message and "PDF build refuses" in found[0].message


def test_a_pdf_build_with_a_bookmark_missing_is_a_located_error_and_writes_nothing(tmp_path):
    (tmp_path / "tpl").mkdir()
    without_client_bookmark(tmp_path / "tpl" / "contract.docx")
    out = tmp_path / "out"
    result = CliRunner().invoke(main, ["build", str(SAMPLES / "contract-b2b.yaml"), "-o",
                                       str(out), "--format", "pdf", "--templates",
                                       str(tmp_path / "tpl")])
    assert result.exit_code == 1
    assert "contract.docx: error: the template has no bookmark 'client_signature'" in \
        result.output and "[template.signature]" in result.output
    assert not out.exists() or list(out.glob("*.pdf")) == []


def test_a_template_chosen_by_the_client_file_is_refused_at_its_line(tmp_path):
    without_client_bookmark(tmp_path / "letterhead.docx")
    text = (SAMPLES / "contract-b2b.yaml").read_text(encoding="utf-8")
    text = text.replace("document:\n", "document:\n  template: letterhead.docx\n", 1)
    (tmp_path / "client.yaml").write_text(text, encoding="utf-8")
    result = CliRunner().invoke(main, ["build", str(tmp_path / "client.yaml"), "-o",
                                       str(tmp_path / "out"), "--format", "pdf"])
    assert result.exit_code == 1
    line = text.splitlines().index("  template: letterhead.docx") + 1
    assert f"client.yaml:{line}:13: error: the template has no bookmark 'client_signature'" \
        in result.output
    docx_only = CliRunner().invoke(main, ["build", str(tmp_path / "client.yaml"), "-o",
                                          str(tmp_path / "docx"), "--format", "docx"])
    assert docx_only.exit_code == 0, docx_only.output   # a DOCX has no signature field


def test_blocks_on_different_pages_get_their_fields_on_their_pages(tmp_path):
    (tmp_path / "tpl").mkdir()
    stacked(TEMPLATES / "contract.docx", tmp_path / "tpl" / "contract.docx", new_page=True)
    build_pdfs(["contract-b2b.yaml"], tmp_path / "tpl", tmp_path / "out")
    pdf = (tmp_path / "out" / "CT-2026-0042.pdf").read_bytes()
    assert placed_by_bookmarks(pdf)
    fields = assert_each_field_over_its_block(pdf, "Jeanne Dupont", "Paul Martin")
    assert fields["client_signature"]["page"] == fields["provider_signature"]["page"] + 1
