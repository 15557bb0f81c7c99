"""The Factur-X PDFs of `contratgen invoice` (the real LibreOffice), read by code that
shares nothing with the code that wrote them: PDF/A-3 checked rule by rule (veraPDF
cannot be installed here), the EPC QR code decoded from the rendered page with an
independent decoder (zxing-cpp), the embedded XML parsed back by factur-x."""
import io
import re
from decimal import Decimal as D

import facturx
import pytest
import yaml
from click.testing import CliRunner
from lxml import etree
from pypdf import PdfReader
from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject

from conftest import needs_libreoffice
from contratgen.cli import main
from support.einvoice_cases import B2B, ESCROW

zxingcpp = pytest.importorskip("zxingcpp")
pdfium = pytest.importorskip("pypdfium2")

pytestmark = needs_libreoffice
CREDIT = {"number": "AV-2026-0003", "date": "2026-04-25", "cancels": "FA-2026-0131",
          "reason": "Livraison partielle annulée"}
RAM = {"ram": "urn:un:unece:uncefact:data:standard:"
              "ReusableAggregateBusinessInformationEntity:100"}


@pytest.fixture(scope="module")
def pdfs(tmp_path_factory):
    """The B2B sample, its deposit escrowed, a credit note cancelling the second advance:
    four Factur-X PDFs."""
    root = tmp_path_factory.mktemp("facturx")
    data = yaml.safe_load(B2B.read_text("utf-8"))
    data["payment"]["escrow"] = ESCROW
    data["invoicing"]["credit_notes"] = [CREDIT]
    source = root / "deal.yaml"
    source.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), "utf-8")
    result = CliRunner().invoke(main, ["invoice", str(source), "-o", str(root / "out"),
                                       "--format", "pdf"])
    assert result.exit_code == 0, result.output
    return {p.stem: p.read_bytes() for p in (root / "out").glob("*.pdf")}


def resolve(obj):
    return obj.get_object() if isinstance(obj, IndirectObject) else obj


def walk(obj, seen=None):
    """Every dictionary reachable from ``obj``, each once."""
    seen = set() if seen is None else seen
    stack = [obj]
    while stack:
        item = stack.pop()
        if isinstance(item, IndirectObject):
            if item.idnum in seen:
                continue
            seen.add(item.idnum)
            item = item.get_object()
        if isinstance(item, DictionaryObject):
            yield item
            stack.extend(v for k, v in item.items() if k != "/Parent")
        elif isinstance(item, ArrayObject):
            stack.extend(item)


def pdfa_problems(data: bytes) -> list[str]:
    """The PDF/A-3 rules a Factur-X invoice must keep (ISO 19005-3 §6, Factur-X 1.0 §6)."""
    problems = []
    reader = PdfReader(io.BytesIO(data))
    if "/Encrypt" in reader.trailer:
        problems.append("encrypted")
    root = reader.trailer["/Root"]
    xmp = root["/Metadata"].get_object().get_data().decode("utf-8")
    if not re.search(r"<pdfaid:part>3</pdfaid:part>", xmp):
        problems.append("XMP: no pdfaid:part 3")
    if not re.search(r"<pdfaid:conformance>[ABU]</pdfaid:conformance>", xmp):
        problems.append("XMP: no pdfaid:conformance")
    if "<fx:DocumentFileName>factur-x.xml</fx:DocumentFileName>" not in xmp:
        problems.append("XMP: no Factur-X extension schema")
    intents = [resolve(i) for i in root.get("/OutputIntents", [])]
    pdfa = [i for i in intents if i.get("/S") == "/GTS_PDFA1"]
    if not pdfa:
        problems.append("no PDF/A OutputIntent")
    for intent in pdfa:
        profile = intent["/DestOutputProfile"].get_object().get_data()
        if profile[36:40] != b"acsp":
            problems.append("OutputIntent: not an ICC profile")
    names = root.get("/Names")
    if names is not None and "/JavaScript" in resolve(names):
        problems.append("JavaScript name tree")
    for d in walk(root):
        if d.get("/S") == "/JavaScript" or "/JS" in d:
            problems.append("JavaScript action")
        if d.get("/Type") == "/FontDescriptor" and not any(
                k in d for k in ("/FontFile", "/FontFile2", "/FontFile3")):
            problems.append(f"font not embedded: {d.get('/FontName')}")
    specs = [resolve(f) for f in root.get("/AF", [])]
    facturx_specs = [s for s in specs if s.get("/F") == "factur-x.xml"]
    if len(facturx_specs) != 1:
        problems.append("the catalog's /AF does not name factur-x.xml")
    for spec in facturx_specs:
        if spec.get("/AFRelationship") not in ("/Alternative", "/Data"):
            problems.append(f"AFRelationship {spec.get('/AFRelationship')}")
        stream = spec["/EF"]["/F"].get_object()
        if stream.get("/Subtype") != "/text/xml" or "/ModDate" not in stream["/Params"]:
            problems.append("the embedded file is not text/xml with a /ModDate")
    return problems


def qr_texts(data: bytes) -> list[str]:
    pdf = pdfium.PdfDocument(data)
    found = []
    for i in range(len(pdf)):
        image = pdf[i].render(scale=200 / 72).to_pil()
        found += [r.text for r in zxingcpp.read_barcodes(image)
                  if r.format == zxingcpp.BarcodeFormat.QRCode]
    return found


def test_four_documents_are_written(pdfs):
    assert sorted(pdfs) == ["AV-2026-0003", "FA-2026-0107", "FA-2026-0131", "FA-2026-0190"]


@pytest.mark.parametrize("number", ["FA-2026-0107", "FA-2026-0190", "AV-2026-0003"])
def test_every_pdf_keeps_the_pdf_a_3_rules(pdfs, number):
    assert pdfa_problems(pdfs[number]) == []


def test_the_pdf_a_check_does_catch_a_broken_file(pdfs):
    broken = pdfs["FA-2026-0107"].replace(b"<pdfaid:part>3<", b"<pdfaid:part>1<")
    assert "XMP: no pdfaid:part 3" in pdfa_problems(broken)


@pytest.mark.parametrize("number, payee, iban, amount", [
    # the escrowed deposit is paid to the escrow holder's account
    ("FA-2026-0107", "Maître Anne Roux, notaire", "FR7630004000031234567890143", "1442.22"),
    ("FA-2026-0131", "Atelier Dupont & Fils", "FR7630006000011234567890189", "1922.96"),
    ("FA-2026-0190", "Atelier Dupont & Fils", "FR7630006000011234567890189", "1442.22"),
])
def test_the_epc_qr_code_decodes_to_the_transfer(pdfs, number, payee, iban, amount):
    (text,) = qr_texts(pdfs[number])
    lines = text.split("\n")
    assert lines[:4] == ["BCD", "002", "1", "SCT"]
    assert lines[5:8] == [payee, iban, f"EUR{amount}"]
    assert lines[-1] == number


def test_a_credit_note_has_no_payment_qr_code(pdfs):
    assert qr_texts(pdfs["AV-2026-0003"]) == []


@pytest.mark.parametrize("number, type_code, due", [
    ("FA-2026-0107", "386", "1442.22"), ("FA-2026-0131", "386", "1922.96"),
    ("FA-2026-0190", "380", "1442.22"), ("AV-2026-0003", "381", "1922.96")])
def test_the_embedded_xml_parses_back_to_the_client_files_amounts(pdfs, number, type_code,
                                                                  due):
    flavor, xml = facturx.get_xml_from_pdf(pdfs[number], check_xsd=True)
    assert flavor == "factur-x.xml"
    root = etree.fromstring(xml)
    assert root.xpath("//ram:DuePayableAmount/text()", namespaces=RAM) == [due]
    assert facturx.get_facturx_level(root) == "en16931"
    assert root.xpath("string(//*[local-name()='ExchangedDocument']/ram:TypeCode)",
                      namespaces=RAM) == type_code
    assert D(due) > 0
