"""Every case of the table (tests/support/einvoice_cases.py) in the three syntaxes:
produced by the product's own path (validated before writing), then checked here again
against the official artefacts — the XSD of the syntax, the EN 16931 schematron, and the
FNFE BR-FR Flux 2 rules for an invoice between French businesses — and parsed back: the
amount due is the one computed by hand from the client.yaml, to the cent."""
from decimal import Decimal as D

import pytest
from lxml import etree

from contratgen.invoicing.document import xml_for
from contratgen.invoicing.pipeline import checked_xml, prepare_invoices
from contratgen.invoicing.validation import validate
from support.einvoice_cases import CASES

CII_NS = {"rsm": "urn:un:unece:uncefact:data:standard:CrossIndustryInvoice:100",
          "ram": "urn:un:unece:uncefact:data:standard:"
                 "ReusableAggregateBusinessInformationEntity:100",
          "udt": "urn:un:unece:uncefact:data:standard:UnqualifiedDataType:100"}
UBL_NS = {"cac": "urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2",
          "cbc": "urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2"}
SYNTAXES = ("facturx", "cii", "ubl")


def built(write, name: str, syntax: str) -> tuple[bytes, object]:
    case = CASES[name]
    deal = prepare_invoices(write("deal.yaml", case.text()))
    (invoice,) = [i for i in deal.invoices if i.number == case.number]
    return checked_xml(deal.prepared, invoice, syntax), invoice


def xpath(xml: bytes, syntax: str, cii: str, ubl: str) -> list[str]:
    root = etree.fromstring(xml)
    if syntax == "ubl":
        return [str(v) for v in root.xpath(ubl, namespaces={**UBL_NS, "u": root.nsmap[None]})]
    return [str(v) for v in root.xpath(cii, namespaces=CII_NS)]


@pytest.mark.parametrize("syntax", SYNTAXES)
@pytest.mark.parametrize("name", CASES)
def test_every_case_passes_the_official_rules_in_every_syntax(write, name, syntax):
    case = CASES[name]
    xml, _ = built(write, name, syntax)
    # again here, explicitly with the French rules for every case in their scope
    assert validate(xml, syntax, french=case.french) == ()


@pytest.mark.parametrize("syntax", SYNTAXES)
@pytest.mark.parametrize("name", CASES)
def test_parsed_back_the_amount_due_and_type_are_the_client_files(write, name, syntax):
    case = CASES[name]
    xml, invoice = built(write, name, syntax)
    due = xpath(xml, syntax, "//ram:DuePayableAmount/text()",
                "//cac:LegalMonetaryTotal/cbc:PayableAmount/text()")
    assert [D(v) for v in due] == [case.due]
    kind = xpath(xml, syntax, "//rsm:ExchangedDocument/ram:TypeCode/text()",
                 "/*/cbc:InvoiceTypeCode/text() | /*/cbc:CreditNoteTypeCode/text()")
    assert kind == [case.type_code]
    # the totals add up, parsed back: TTC = HT + VAT, due = TTC − prepaid
    ht, vat, ttc, prepaid = (D(xpath(xml, syntax, f"//ram:{c}/text()",
                                     f"//cac:LegalMonetaryTotal/cbc:{u}/text() | "
                                     f"/*/cac:TaxTotal/cbc:{u}/text()")[0])
                             for c, u in (("TaxBasisTotalAmount", "TaxExclusiveAmount"),
                                          ("TaxTotalAmount", "TaxAmount"),
                                          ("GrandTotalAmount", "TaxInclusiveAmount"),
                                          ("TotalPrepaidAmount", "PrepaidAmount")))
    assert ht + vat == ttc and ttc - prepaid == case.due
    assert (ht, vat, ttc) == (invoice.total_ht, invoice.total_vat, invoice.total_ttc)


@pytest.mark.parametrize("name", [n for n, c in CASES.items() if c.due_code])
def test_the_vat_due_date_code_follows_the_operation(write, name):
    cii, _ = built(write, name, "cii")
    ubl, _ = built(write, name, "ubl")
    code = CASES[name].due_code
    assert set(xpath(cii, "cii", "//ram:DueDateTypeCode/text()", "")) == {code}
    assert xpath(ubl, "ubl", "", "//cac:InvoicePeriod/cbc:DescriptionCode/text()") == [
        {"72": "432", "29": "35", "5": "3"}[code]]


@pytest.mark.parametrize("syntax", ("cii", "ubl"))
def test_the_supply_date_is_the_tranche_event_or_the_invoice_date(write, syntax):
    xml, invoice = built(write, "deposit", syntax)
    # the sample's deposit is due at signature, not yet accepted: the invoice's date
    assert xpath(xml, syntax, "//ram:ActualDeliverySupplyChainEvent//udt:DateTimeString/text()",
                 "//cac:Delivery/cbc:ActualDeliveryDate/text()") == [
        invoice.date.strftime("%Y%m%d" if syntax == "cii" else "%Y-%m-%d")]


@pytest.mark.parametrize("syntax", ("cii", "ubl"))
def test_a_supply_period_is_bg_14(write, syntax):
    xml, _ = built(write, "supply period", syntax)
    assert xpath(xml, syntax, "//ram:BillingSpecifiedPeriod//udt:DateTimeString/text()",
                 "//cac:InvoicePeriod/cbc:StartDate/text() | "
                 "//cac:InvoicePeriod/cbc:EndDate/text()") == (
        ["20260302", "20260529"] if syntax == "cii" else ["2026-03-02", "2026-05-29"])


@pytest.mark.parametrize("syntax", ("cii", "ubl"))
def test_order_reference_billing_and_electronic_addresses(write, syntax):
    xml, _ = built(write, "order, billing and electronic addresses", syntax)
    assert xpath(xml, syntax, "//ram:BuyerOrderReferencedDocument/ram:IssuerAssignedID/text()",
                 "//cac:OrderReference/cbc:ID/text()") == ["BC-2026-114"]
    assert xpath(xml, syntax, "//ram:BuyerTradeParty//ram:LineOne/text()",
                 "//cac:AccountingCustomerParty//cbc:StreetName/text()") == [
        "Service comptable"]
    assert xpath(xml, syntax, "//ram:BuyerTradeParty//ram:URIID/@schemeID",
                 "//cac:AccountingCustomerParty//cbc:EndpointID/@schemeID") == ["0225"]


@pytest.mark.parametrize("syntax", ("cii", "ubl"))
def test_an_escrowed_tranche_is_paid_to_the_escrow_holder(write, syntax):
    xml, _ = built(write, "escrow", syntax)
    assert xpath(xml, syntax, "//ram:PayeeTradeParty/ram:Name/text()",
                 "//cac:PayeeParty/cac:PartyName/cbc:Name/text()") == [
        "Maître Anne Roux, notaire"]
    assert xpath(xml, syntax, "//ram:IBANID/text()",
                 "//cac:PayeeFinancialAccount/cbc:ID/text()") == ["FR7630004000031234567890143"]


@pytest.mark.parametrize("syntax", ("cii", "ubl"))
def test_a_credit_note_references_the_invoice_it_cancels(write, syntax):
    xml, invoice = built(write, "credit note of an advance", syntax)
    assert xpath(xml, syntax, "//ram:InvoiceReferencedDocument/ram:IssuerAssignedID/text()",
                 "//cac:BillingReference/cac:InvoiceDocumentReference/cbc:ID/text()") == [
        "FA-2026-0131"]
    # the VAT it cancels is the advance's, rate by rate
    deal = prepare_invoices(write("deal.yaml", CASES["credit note of an advance"].text()))
    advance = next(i for i in deal.invoices if i.number == "FA-2026-0131")
    assert invoice.taxes == advance.taxes and invoice.total_ttc == D("1922.96")


def test_a_partial_credit_note_never_cancels_more_vat_than_was_charged(write):
    _, invoice = built(write, "partial credit note", "cii")
    deal = prepare_invoices(write("deal.yaml", CASES["partial credit note"].text()))
    final = next(i for i in deal.invoices if i.number == "FA-2026-0190")
    for credited, charged in zip(invoice.taxes, final.vat_remaining):
        assert credited.rate == charged.rate and 0 <= credited.amount <= charged.amount
    assert invoice.total_ttc == D("120.00")


def test_the_german_buyer_is_out_of_the_french_scope_yet_passes_en16931(write):
    xml, _ = built(write, "German buyer (no SIREN, out of BR-FR)", "ubl")
    assert b"#BAR#" not in xml
    assert xpath(xml, "ubl", "", "//cac:AccountingCustomerParty//cbc:CompanyID/text()") == [
        "DE811907980"]


def test_the_validators_do_catch_a_broken_invoice(write):
    xml, _ = built(write, "deposit", "ubl")
    broken = xml.replace(b">1442.22</cbc:PayableAmount>", b">1442.23</cbc:PayableAmount>")
    assert "BR-CO-16" in {f.rule for f in validate(broken, "ubl", True)}
    cii, _ = built(write, "deposit", "cii")
    assert {f.check for f in validate(cii.replace(b"<ram:TypeCode>386<",
                                                  b"<ram:TypeCode>999<"), "cii", True)}


def test_the_docx_prints_the_supply_order_billing_address_and_escrow_payee(write):
    from conftest import docx_text
    from contratgen.invoicing.document import render_invoice
    case = CASES["order, billing and electronic addresses"]
    data = case.text().replace("payment:\n", "payment:\n  escrow:\n    holder: Maître Anne "
                               "Roux, notaire\n    iban: FR7630004000031234567890143\n"
                               "    tranches: [2]\n", 1)
    deal = prepare_invoices(write("deal.yaml", data))
    invoice = next(i for i in deal.invoices if i.number == "FA-2026-0131")
    text = docx_text(render_invoice(deal.prepared, invoice))
    assert f"Date de la livraison ou de la prestation\u00a0: 20 avril 2026" in text
    assert "Bon de commande\u00a0: BC-2026-114" in text
    assert "Adresse de facturation\u00a0: Service comptable, 10 quai Perrache" in text
    assert "Paiement au séquestre : Maître Anne Roux, notaire" in text
    assert "IBAN FR76 3000 4000 0312 3456 7890 143" in text
    assert "IBAN FR76 3000 6000" not in text   # not the provider's account


def _sample_documents():
    import yaml
    from support.einvoice_cases import ROOT
    for path in sorted((ROOT / "samples").glob("*.yaml")):
        data = yaml.safe_load(path.read_text("utf-8"))
        ledger = (data.get("invoicing") or {}) if data.get("document", {}).get("type") != \
            "installment_agreement" else {}
        for entry in ledger.get("invoices", []) + ledger.get("credit_notes", []):
            yield pytest.param(path, entry["number"], id=f"{path.stem}:{entry['number']}")


@pytest.mark.parametrize("syntax", SYNTAXES)
@pytest.mark.parametrize("path, number", list(_sample_documents()))
def test_every_invoice_of_the_samples_passes_in_every_syntax(path, number, syntax):
    from contratgen.invoicing.mentions import in_french_scope
    deal = prepare_invoices(path)
    (invoice,) = [i for i in deal.invoices if i.number == number]
    xml = checked_xml(deal.prepared, invoice, syntax)
    assert validate(xml, syntax, in_french_scope(deal.prepared.client)) == ()
    assert xpath(xml, syntax, "//ram:DuePayableAmount/text()",
                 "//cac:LegalMonetaryTotal/cbc:PayableAmount/text()") == [
        f"{invoice.due_amount:.2f}"]


def test_the_credit_note_docx_says_what_it_cancels_and_owes_nothing(write):
    from conftest import docx_text
    from contratgen.invoicing.document import render_invoice
    deal = prepare_invoices(write("deal.yaml", CASES["credit note of an advance"].text()))
    note = next(i for i in deal.invoices if i.number == "AV-2026-0003")
    text = docx_text(render_invoice(deal.prepared, note))
    assert "Avoir" in text and "Montant de l'avoir\u00a0: 1\u202f922,96\u00a0€" in text
    assert "Annule la facture FA-2026-0131 du 20 avril 2026." in text
    assert "Avoir à rembourser ou à imputer sur la prochaine facture." in text
    assert "Conditions de paiement" not in text and "IBAN" not in text
