"""A building job invoiced end to end: three progress invoices (factures de situation) with
a 5 % retention, each a valid e-invoice in the three syntaxes, the amounts computed by hand;
the request to release the retention (a payment request, no VAT); the subcontractor's
situations between French businesses, checked against the French rules too."""
from __future__ import annotations

import datetime
from decimal import Decimal as D

import pytest

from conftest import SAMPLES, docx_text, needs_libreoffice
from contratgen.invoicing.document import invoice_context, render_invoice
from contratgen.invoicing.pipeline import checked_xml, prepare_invoices
from contratgen.release import prepare_release, render_release
from support.einvoice import values

BUILDER = SAMPLES / "quote-builder-b2c.yaml"
SUBCONTRACTOR = SAMPLES / "contract-subcontractor.yaml"
NBSP = "\u00a0"


@pytest.fixture(scope="module")
def job():
    return prepare_invoices(BUILDER)


def test_three_situations_invoice_the_progress_by_hand(job):
    # lines: 2 400 + 6 850 + 62,5 m² × 78 = 4 875 HT, all at 10 %
    # S1: 2 400 (100 %) + 6 850 × 30 % = 2 055 → 4 455 HT, 445,50 VAT
    # S2: 6 850 × 50 % more = 3 425, 4 875 × 40 % = 1 950 → 5 375 HT, 537,50 VAT
    # S3: 6 850 × 20 % = 1 370, 4 875 × 60 % = 2 925 → 4 295 HT, 429,50 VAT
    assert [(i.type_code, i.situation, i.total_ht, i.total_vat, i.total_ttc)
            for i in job.invoices] == [
        ("380", 1, D("4455.00"), D("445.50"), D("4900.50")),
        ("380", 2, D("5375.00"), D("537.50"), D("5912.50")),
        ("380", 3, D("4295.00"), D("429.50"), D("4724.50"))]
    assert [i.final_situation for i in job.invoices] == [False, False, True]


def test_the_retention_is_withheld_from_what_is_paid_not_from_the_invoice(job):
    # 5 % on the running TTC: 245,025 → 245,03; 10 813 → 540,65 (295,62 more);
    # 15 537,50 → 776,875 → 776,88 (236,23 more)
    assert [i.withheld for i in job.invoices] == [D("245.03"), D("295.62"), D("236.23")]
    assert all(i.due_amount == i.total_ttc for i in job.invoices)   # BT-115 stays whole
    notes = " ".join(n["text"] for n in invoice_context(job.prepared, job.invoices[0])
                     ["invoice"]["notes"]).replace(NBSP, " ").replace("\u202f", " ")
    assert "Retenue de garantie de 5 %" in notes and "Montant à régler : 4 655,47 €" in notes


def test_the_situations_and_the_released_retention_are_the_contract_price(job):
    release = prepare_release(BUILDER).release
    computed = job.prepared.computed
    paid = sum(i.total_ttc - i.withheld for i in job.invoices)
    assert release.amount == D("776.88")
    assert paid + release.amount == computed.total_ttc == D("15537.50")


def test_later_situations_reference_the_earlier_ones(job):
    assert [[p.number for p in i.preceding] for i in job.invoices] == [
        [], ["FS-2026-0031"], ["FS-2026-0031", "FS-2026-0052"]]
    xml = checked_xml(job.prepared, job.invoices[2], "cii")
    assert values(xml, "//ram:InvoiceReferencedDocument/ram:IssuerAssignedID/text()") == [
        "FS-2026-0031", "FS-2026-0052"]
    assert values(xml, "//rsm:ExchangedDocument/ram:TypeCode/text()") == ["380"]
    assert values(xml, "//ram:DuePayableAmount/text()") == ["4724.50"]


@pytest.mark.parametrize("syntax", ["facturx", "cii", "ubl"])
def test_each_situation_is_a_valid_e_invoice_in_each_syntax(job, syntax):
    for invoice in job.invoices:   # checked_xml raises a located error on any failure
        assert checked_xml(job.prepared, invoice, syntax).startswith(b"<?xml")


def test_the_situations_pass_the_standards_own_schematrons(job, validators):
    for invoice in job.invoices:
        xml = checked_xml(job.prepared, invoice, "cii")
        assert validators["en16931"](xml) == []
        assert validators["factur-x"](xml) == []


@pytest.mark.parametrize("syntax", ["cii", "ubl"])
def test_the_subcontractors_situations_pass_the_french_rules(syntax):
    deal = prepare_invoices(SUBCONTRACTOR)
    assert [(i.total_ttc, i.withheld) for i in deal.invoices] == [
        (D("14180.00"), D("0.00")), (D("18020.00"), D("0.00"))]   # a caution: none withheld
    assert sum(i.total_ttc for i in deal.invoices) == deal.prepared.computed.total_ttc
    for invoice in deal.invoices:
        xml = checked_xml(deal.prepared, invoice, syntax)   # XSD, EN 16931, BR-FR
        assert invoice.taxes[0].category.code == "AE"
        assert b"283, 2 nonies" in xml


def test_the_subcontractors_situations_pass_the_french_ctc_schematron(validators):
    deal = prepare_invoices(SUBCONTRACTOR)
    for invoice in deal.invoices:
        assert validators["fr-ctc"](checked_xml(deal.prepared, invoice, "cii")) == []


def test_a_situation_prints_its_statement_and_the_certificate_mention(job):
    text = docx_text(render_invoice(job.prepared, job.invoices[2])).replace(NBSP, " ").replace("\u202f", " ")
    assert "Facture de situation n° 3" in text
    assert "avancement cumulé 100 % (situation précédente : 40 %)" in text
    assert "(décompte final)" in text and "moins les situations précédentes 10 813,00 €" in text
    assert "L'attestation d'assurance est jointe à la présente facture" in text


def test_the_release_request_is_a_payment_request_without_vat():
    request = prepare_release(BUILDER)
    assert request.release.due_from == datetime.date(2027, 6, 5)
    assert not request.release.early
    text = docx_text(render_release(request)).replace(NBSP, " ").replace("\u202f", " ")
    for words in ("Demande de libération de la retenue de garantie", "RG-2027-0004",
                  "facture n° FS-2026-0031 du 31 mars 2026", "retenue de 245,03 €",
                  "776,88 €", "n'est pas une facture", "Caisse des dépôts et consignations"):
        assert words in text
    assert "TVA de la présente demande (déjà facturée sur les factures)" in text
    assert render_release(request) == render_release(request)   # reproducible


def test_a_deal_without_a_release_request_has_nothing_to_write(tmp_path):
    from contratgen.diagnostics import UserError
    path = tmp_path / "deal.yaml"
    (tmp_path / "attestations").mkdir()
    (tmp_path / "attestations" / "decennale-2026.pdf").write_bytes(
        (SAMPLES / "attestations" / "decennale-2026.pdf").read_bytes())
    text = BUILDER.read_text("utf-8")
    path.write_text(text.replace("  retention_release: {number: RG-2027-0004, date: 2027-06-07}\n",
                                 ""), encoding="utf-8")
    with pytest.raises(UserError) as caught:
        prepare_release(path)
    assert caught.value.diagnostics[0].code == "release.request"


@needs_libreoffice
def test_the_factur_x_situation_carries_the_certificate_and_is_reproducible(tmp_path, office):
    from pypdf import PdfReader
    import io
    from contratgen.pdf.workers import Converter
    from contratgen.invoicing.facturx import embedded_xml
    from contratgen.invoicing.pipeline import invoice_files
    job = prepare_invoices(BUILDER)
    with Converter(workers=1, timeout=90, pdfa=True) as converter:
        first = invoice_files(job, job.invoices[0], ["pdf"], converter)["pdf"]
        again = invoice_files(job, job.invoices[0], ["pdf"], converter)["pdf"]
    assert first == again
    attached = PdfReader(io.BytesIO(first)).attachments
    assert set(attached) == {"factur-x.xml", "decennale-2026.pdf"}
    assert attached["decennale-2026.pdf"][0].startswith(b"%PDF-")
    assert b"FS-2026-0031" in embedded_xml(first)


def test_the_lint_sample_of_a_release_has_the_keys_of_a_real_one():
    from contratgen.collection.samples import sample_release
    from contratgen.release import release_context
    real = release_context(prepare_release(BUILDER))["release"]
    for full in (True, False):
        sample = sample_release("fr", full)
        assert set(sample) == set(real)
        assert set(sample["invoices"][0]) == set(real["invoices"][0])


def test_tranche_invoices_withhold_the_retention_on_the_running_total(tmp_path):
    text = (SAMPLES / "contract-b2b-invoiced.yaml").read_text("utf-8")
    text = text.replace("payment:\n", "payment:\n  retention: {percent: 5, consignee: Banque X}\n",
                        1).replace("clauses:\n", "clauses:\n  - retention_guarantee\n", 1)
    path = tmp_path / "deal.yaml"
    path.write_text(text, encoding="utf-8")
    deal = prepare_invoices(path)
    # tranches 1 442,22 / 1 922,96 / 1 442,22 of 4 807,40: 72,111 → 72,11; 3 365,18 →
    # 168,259 → 168,26 (96,15 more); 4 807,40 → 240,37 (72,11 more)
    assert [i.withheld for i in deal.invoices] == [D("72.11"), D("96.15"), D("72.11")]
    assert sum(i.due_amount - i.withheld for i in deal.invoices) + D("240.37") == \
        deal.prepared.computed.total_ttc


def test_dues_of_a_situations_ledger_is_a_located_error_not_a_traceback():
    from click.testing import CliRunner
    from contratgen.cli import main
    run = CliRunner().invoke(main, ["dues", str(BUILDER), "--on", "2026-07-01"])
    assert run.exception is None or isinstance(run.exception, SystemExit)
    assert "quote-builder-b2c.yaml:75:19: error:" in run.output
    assert "[invoicing.situation]" in run.output


@pytest.mark.parametrize("syntax, xpath", [
    ("cii", "//ram:AdditionalReferencedDocument[ram:TypeCode='916']"),
    ("ubl", "//cac:AdditionalDocumentReference")])
def test_a_standalone_e_invoice_carries_the_certificate_as_a_supporting_document(syntax, xpath):
    import base64
    from lxml import etree
    deal = prepare_invoices(SUBCONTRACTOR)   # French B2B: BR-FR-17 checks BT-123's code
    xml = checked_xml(deal.prepared, deal.invoices[0], syntax)
    ns = {"ram": "urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100",
          "cac": "urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2"}
    found = etree.fromstring(xml).xpath(xpath, namespaces=ns)
    assert len(found) == 1
    binary = [e for e in found[0].iter() if e.get("mimeCode") == "application/pdf"]
    assert binary[0].get("filename") == "decennale-2026.pdf"
    assert base64.b64decode(binary[0].text).startswith(b"%PDF-")
    assert b"DOCUMENT_ANNEXE" in xml
