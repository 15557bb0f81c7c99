"""contratgen invoice, end to end: the B2B sample's three invoices as Factur-X PDF/A-3
(the real LibreOffice) and DOCX, the embedded XML valid (XSD and EN 16931 schematron)."""
import io
import re
from decimal import Decimal as D

import docx
import facturx
import pytest
from click.testing import CliRunner
from lxml import etree
from pypdf import PdfReader

from conftest import SAMPLES, docx_text, needs_libreoffice
from contratgen.cli import main
from contratgen.invoicing.cii import NSMAP
from contratgen.invoicing.facturx import embedded_xml

SAMPLE = SAMPLES / "contract-b2b-invoiced.yaml"
NUMBERS = ("FA-2026-0107", "FA-2026-0131", "FA-2026-0190")
NNBSP, NBSP = "\u202f", "\u00a0"


def run(*args):
    return CliRunner().invoke(main, ["invoice", *map(str, args)])


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """The sample's invoices built twice, to check the bytes do not change."""
    root = tmp_path_factory.mktemp("invoices")
    for name in ("a", "b"):
        result = run(SAMPLE, "-o", root / name, "--format", "both")
        assert result.exit_code == 0, result.output
    return root


def pdf_of(built, number, name="a"):
    return (built / name / f"{number}.pdf").read_bytes()


def amounts(xml: bytes, tag: str) -> D:
    (value,) = etree.fromstring(xml).xpath(f"//ram:{tag}", namespaces=NSMAP)
    return D(value.text)


pytestmark = needs_libreoffice


def test_every_invoice_is_written_as_pdf_and_docx(built):
    assert sorted(p.name for p in (built / "a").iterdir()) == sorted(
        f"{n}.{ext}" for n in NUMBERS for ext in ("docx", "pdf"))


def test_the_outputs_are_reproducible(built):
    for number in NUMBERS:
        for ext in ("pdf", "docx"):
            assert (built / "a" / f"{number}.{ext}").read_bytes() == \
                (built / "b" / f"{number}.{ext}").read_bytes()


@pytest.mark.parametrize("number", NUMBERS)
def test_the_pdf_carries_a_valid_factur_x_xml(built, number, schematron):  # noqa: F811
    xml = embedded_xml(pdf_of(built, number))
    assert facturx.xml_check_xsd(xml, flavor="factur-x", level="en16931")
    assert schematron(xml) == []


def test_the_pdf_is_pdf_a_3_with_factur_x_xml_attached(built):
    reader = PdfReader(io.BytesIO(pdf_of(built, NUMBERS[0])))
    xmp = reader.trailer["/Root"]["/Metadata"].get_object().get_data().decode("utf-8")
    assert re.search(r"<pdfaid:part>3</pdfaid:part>", xmp)
    assert re.search(r"<fx:ConformanceLevel>EN 16931</fx:ConformanceLevel>", xmp)
    assert list(reader.attachments) == ["factur-x.xml"]


def test_the_pdf_embeds_its_fonts(built):
    reader = PdfReader(io.BytesIO(pdf_of(built, NUMBERS[2])))
    for page in reader.pages:
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            descriptor = font.get("/FontDescriptor") or \
                font["/DescendantFonts"][0].get_object()["/FontDescriptor"]
            assert {"/FontFile", "/FontFile2", "/FontFile3"} & set(descriptor.get_object())


def test_deposit_total_equals_tranche_1(built):
    xml = embedded_xml(pdf_of(built, NUMBERS[0]))
    assert amounts(xml, "GrandTotalAmount") == amounts(xml, "DuePayableAmount") == D("1442.22")


def test_final_restates_the_total_deducts_the_advances_and_is_due_tranche_3(built):
    deposit, middle, final = (embedded_xml(pdf_of(built, n)) for n in NUMBERS)
    assert amounts(final, "GrandTotalAmount") == D("4807.40")
    assert amounts(final, "TotalPrepaidAmount") == \
        amounts(deposit, "GrandTotalAmount") + amounts(middle, "GrandTotalAmount")
    assert amounts(final, "DuePayableAmount") == D("1442.22")
    refs = etree.fromstring(final).xpath("//ram:InvoiceReferencedDocument/ram:IssuerAssignedID",
                                         namespaces=NSMAP)
    assert [r.text for r in refs] == list(NUMBERS[:2])


def test_the_visual_invoice_says_what_the_xml_says(built):
    text = " ".join(page.extract_text() for page in
                    PdfReader(io.BytesIO(pdf_of(built, NUMBERS[2]))).pages)
    text = text.replace(NNBSP, " ").replace(NBSP, " ")
    for words in ("Facture n° FA-2026-0190", "FA-2026-0107", "FA-2026-0131",
                  "Net à payer : 1 442,22 €", "4 807,40 €", "TVA restant due",
                  "40,00 €", "SIREN", "18 rue de la République"):
        assert words in text, words


def test_the_advance_docx_is_a_facture_d_acompte(built):
    text = docx_text((built / "a" / f"{NUMBERS[0]}.docx").read_bytes())
    assert text.splitlines()[0] == "Facture d'acompte"
    assert "Acompte n° 1 (30 %) sur le contrat CT-2026-0042" in text.replace(NBSP, " ")


def test_the_docx_carries_its_provenance(built):
    document = docx.Document(io.BytesIO((built / "a" / f"{NUMBERS[2]}.docx").read_bytes()))
    assert document.core_properties.title == "Facture FA-2026-0190"


def test_number_builds_just_one(tmp_path):
    result = run(SAMPLE, "-o", tmp_path, "--number", "FA-2026-0131", "--format", "docx")
    assert result.exit_code == 0, result.output
    assert [p.name for p in tmp_path.iterdir()] == ["FA-2026-0131.docx"]


def test_an_unknown_number_is_an_error(tmp_path):
    result = run(SAMPLE, "-o", tmp_path, "--number", "FA-9", "--format", "docx")
    assert result.exit_code == 1 and "no invoice numbered FA-9" in result.output
    assert list(tmp_path.iterdir()) == []


def test_a_number_twice_in_a_batch_is_an_error(tmp_path, write):
    other = write("other.yaml", SAMPLE.read_text(encoding="utf-8").replace(
        "CT-2026-0042", "CT-2026-0043").replace("FA-2026-0190", "FA-2026-0300"))
    result = run(SAMPLE, other, "-o", tmp_path, "--format", "docx")
    assert result.exit_code == 1
    assert "FA-2026-0107 is also an invoice of" in result.output
    assert not (tmp_path / "FA-2026-0300.docx").exists()  # nothing of that file is written


def test_a_bad_ledger_writes_nothing_and_exits_1(tmp_path, write):
    bad = write("bad.yaml", SAMPLE.read_text(encoding="utf-8").replace(
        "{tranche: 3, number: FA-2026-0190", "{tranche: 7, number: FA-2026-0190"))
    result = run(bad, "-o", tmp_path / "out", "--format", "docx")
    assert result.exit_code == 1
    assert re.search(r"bad.yaml:\d+:\d+: error: tranche 7 does not exist", result.output)
    assert not (tmp_path / "out").exists() or list((tmp_path / "out").iterdir()) == []
