"""contratgen.pdf.finalize: signature fields, metadata, provenance, annexes, PDF/A
(on PDFs produced by the real LibreOffice)."""

import datetime
import io
import subprocess
from pathlib import Path

import pytest
from pypdf import PdfReader

from contratgen.pdf.annexes import Annex, AnnexUnreadable
from contratgen.pdf.finalize import finalize, read_pdf_info
from contratgen.pdf.metadata import PdfMeta
from contratgen.pdf.signature_fields import AnchorNotFound, SignatureSlot
from conftest import needs_libreoffice
from fixtures.pdf.contract_docx import contract_docx
from contratgen.pdf.workers import Converter
from support.signing import lines_named, sign, signature_statuses

pytestmark = needs_libreoffice

PROVENANCE = {
    "contratgen": "0.1.0",
    "document": "CT-2026-0042",
    "clauses": [
        {"id": "billing", "version": 3, "hash": "sha256:5f0c"},
        {"id": "retention_of_title", "version": 2, "hash": "sha256:91ab"},
    ],
}
META = PdfMeta(
    title="Contrat de prestation de services CT-2026-0042",
    author="Atelier Dupont & Fils",
    subject="Contrat entre Atelier Dupont & Fils et Boulangerie Martin",
    keywords="contrat, CT-2026-0042",
    created=datetime.date(2026, 11, 22),
    provenance=PROVENANCE,
)
SLOTS = (
    SignatureSlot("provider_signature"),
    SignatureSlot("client_signature"),
)


@pytest.fixture(scope="module")
def converted(office):
    """The same DOCX converted twice by LibreOffice, a longer one whose
    signature table is cut by a page break, and an annex."""
    docx = contract_docx(paragraphs=2)
    split = contract_docx(paragraphs=6)
    annex = contract_docx(title="Conditions générales de vente", paragraphs=2)
    return [office.convert(d) for d in (docx, docx, split, annex)]


@pytest.fixture(scope="module")
def contract(converted):
    return finalize(converted[0], META, SLOTS)


def qpdf_check(pdf: bytes, tmp_path: Path) -> subprocess.CompletedProcess:
    path = tmp_path / "checked.pdf"
    path.write_bytes(pdf)
    return subprocess.run(["qpdf", "--check", str(path)], capture_output=True, text=True)


def test_keeps_the_contract_text(contract):
    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(contract)).pages)

    for words in ("Contrat de prestation de services", "Bon pour accord",
                  "Jeanne Dupont", "Président", "À Paris, le 22 novembre 2026"):
        assert words in text


def test_passes_qpdf_check(contract, tmp_path):
    check = qpdf_check(contract, tmp_path)

    assert check.returncode == 0, check.stdout + check.stderr


def assert_fields_under_signature_blocks(pdf: bytes) -> None:
    fields = {f["name"]: f for f in read_pdf_info(pdf)["signature_fields"]}
    anchors = sorted(lines_named(pdf, "Bon pour accord"), key=lambda a: a[1])
    labels = sorted(lines_named(pdf, "Signature"), key=lambda a: a[1])

    assert set(fields) == {"provider_signature", "client_signature"}
    provider, client = fields["provider_signature"], fields["client_signature"]
    for field, anchor, label in ((provider, anchors[0], labels[0]), (client, anchors[1], labels[1])):
        x0, y0, x1, y1 = field["rect"]
        assert field["page"] == label[0]
        assert not field["signed"]
        assert y1 < label[2]  # below the "Signature" line
        assert (anchor[0], -anchor[2]) < (label[0], -label[2])  # which is under the anchor
        assert 60 <= y1 - y0 <= 80  # about 70 pt of room to sign
        assert abs(x0 - anchor[1]) < 5 and x1 - x0 > 150  # the column's width
    assert provider["rect"][2] < client["rect"][0]  # side by side, not overlapping


def test_one_empty_signature_field_per_party_under_its_block(contract):
    assert_fields_under_signature_blocks(contract)


def test_signature_block_cut_by_a_page_break_gets_its_field_where_it_ends(converted):
    pdf = finalize(converted[2], META, SLOTS)

    assert lines_named(pdf, "Bon pour accord")[0][0] == 1  # the cut this test is about
    assert lines_named(pdf, "Signature")[0][0] == 2
    assert_fields_under_signature_blocks(pdf)


def test_pyhanko_signs_each_field_in_turn(contract, signer):
    cert, pdf_signer = signer

    once = sign(contract, "provider_signature", pdf_signer)
    first = signature_statuses(once, cert)["provider_signature"]
    fields = {f["name"]: f["signed"] for f in read_pdf_info(once)["signature_fields"]}
    twice = sign(once, "client_signature", pdf_signer)
    statuses = signature_statuses(twice, cert)

    assert first.intact and first.valid
    assert fields == {"provider_signature": True, "client_signature": False}
    assert set(statuses) == {"provider_signature", "client_signature"}
    assert all(status.intact and status.valid for status in statuses.values())


def test_read_pdf_info_returns_metadata_and_provenance(contract):
    info = read_pdf_info(contract)

    assert info["provenance"] == PROVENANCE
    assert info["title"] == META.title
    assert info["author"] == "Atelier Dupont & Fils"
    assert info["keywords"] == "contrat, CT-2026-0042"
    assert info["producer"] == "contratgen"
    assert info["created"].startswith("D:20261122")
    assert info["pdfa"] is None


def test_provenance_is_in_the_xmp_too(contract):
    reader = PdfReader(io.BytesIO(contract))
    xmp = reader.trailer["/Root"]["/Metadata"].get_object().get_data().decode()

    assert "<contratgen:provenance>" in xmp and "retention_of_title" in xmp
    assert "<xmp:CreateDate>2026-11-22T00:00:00+00:00</xmp:CreateDate>" in xmp


def test_same_docx_gives_identical_bytes(converted):
    first, second = converted[:2]

    assert first != second  # LibreOffice itself stamps the clock and a random /ID
    assert finalize(first, META, SLOTS) == finalize(second, META, SLOTS)


def test_trailer_id_depends_on_content(converted):
    other = PdfMeta(**{**META.__dict__, "title": "Autre titre"})

    ids = [PdfReader(io.BytesIO(finalize(converted[0], meta, SLOTS))).trailer["/ID"][0]
           for meta in (META, other)]

    assert ids[0] != ids[1]


def test_annexes_are_appended_after_the_document(converted, contract, tmp_path):
    annex = tmp_path / "cgv.pdf"
    annex.write_bytes(converted[3])

    pdf = finalize(converted[0], META, SLOTS, annexes=[Annex("Conditions générales", annex)])

    pages = PdfReader(io.BytesIO(pdf)).pages
    contract_pages = len(PdfReader(io.BytesIO(contract)).pages)
    assert len(pages) == contract_pages + len(PdfReader(annex).pages)
    assert "Conditions générales de vente" in pages[contract_pages].extract_text()
    assert len(read_pdf_info(pdf)["signature_fields"]) == 2
    assert qpdf_check(pdf, tmp_path).returncode == 0


def test_missing_annex_names_the_file(converted, tmp_path):
    missing = tmp_path / "annexes" / "cgv.pdf"

    with pytest.raises(AnnexUnreadable, match="cgv.pdf"):
        finalize(converted[0], META, SLOTS, annexes=[Annex("CGV", missing)])


def test_annex_that_is_not_a_pdf_names_the_file(converted, tmp_path):
    bogus = tmp_path / "notes.pdf"
    bogus.write_text("ceci n'est pas un PDF")

    with pytest.raises(AnnexUnreadable, match="notes.pdf"):
        finalize(converted[0], META, SLOTS, annexes=[Annex("Notes", bogus)])


def test_a_pdf_without_the_signature_bookmarks_is_refused_naming_them(office):
    raw = office.convert(contract_docx(bookmarks=False))
    with pytest.raises(AnchorNotFound, match="'provider_signature' and 'client_signature'"):
        finalize(raw, META, SLOTS)


def test_a_slot_whose_bookmark_is_absent_is_refused_by_name(converted):
    with pytest.raises(AnchorNotFound, match="no bookmark 'witness_signature'"):
        finalize(converted[0], META, SLOTS + (SignatureSlot("witness_signature"),))


def test_pdfa_output_keeps_pdfa_identification(tmp_path):
    with Converter(pdfa=True) as converter:
        raw = converter.convert(contract_docx())

    pdf = finalize(raw, META, SLOTS, pdfa=True)

    reader = PdfReader(io.BytesIO(pdf))
    xmp = reader.trailer["/Root"]["/Metadata"].get_object().get_data().decode()
    assert read_pdf_info(pdf)["pdfa"] == "2B"
    assert "<pdfaid:part>2</pdfaid:part>" in xmp and "pdfaExtension:schemas" in xmp
    assert "/OutputIntents" in reader.trailer["/Root"]
    for field in reader.get_fields().values():  # PDF/A: every widget has an appearance
        assert "/N" in field.indirect_reference.get_object()["/AP"]
    assert qpdf_check(pdf, tmp_path).returncode == 0


def test_pdfa_requires_a_pdfa_input(converted):
    with pytest.raises(ValueError, match="PDF/A"):
        finalize(converted[0], META, SLOTS, pdfa=True)
