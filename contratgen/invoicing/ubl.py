"""An invoice or credit note as OASIS UBL 2.1 XML, EN 16931 (the syntax a receiving
platform may choose instead of CII). The same :class:`~.plan.Invoice`, the same notes and
mentions as :mod:`.cii`; element order follows the UBL 2.1 XSD, and every document is
validated against it, the EN 16931 UBL schematron and (B2B) BR-FR before it is written.
"""
from __future__ import annotations

import base64
from decimal import Decimal
from typing import Optional, Sequence

from lxml import etree
from lxml.builder import ElementMaker

from ..load.model import ClientFile, Party
from .cii import CREDIT_TRANSFER, GUIDELINE, OUTSIDE, SIREN_SCHEME, amount, business_process
from .cii import ATTACHMENT_CODE, number, unit_code, account
from .mentions import (buyer_address, country, due_code, electronic_address, in_french_scope,
                       split_address)
from .plan import Invoice, InvoiceLine, TaxLine
from .texts import Note

INVOICE_NS = "urn:oasis:names:specification:ubl:schema:xsd:Invoice-2"
CREDIT_NS = "urn:oasis:names:specification:ubl:schema:xsd:CreditNote-2"
CAC = "urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2"
CBC = "urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2"
NSMAP = {"cac": CAC, "cbc": CBC}
C = ElementMaker(namespace=CAC, nsmap=NSMAP)
B = ElementMaker(namespace=CBC, nsmap=NSMAP)
EUR = {"currencyID": "EUR"}


def money(tag: str, value: Decimal):
    return B(tag, amount(value), **EUR)


def iso(day) -> str:
    return day.isoformat()


def postal(text: Optional[str], party: Party, tag: str = "PostalAddress"):
    lines, postcode, city = split_address(text)
    children = []
    if lines:
        children.append(B.StreetName(lines[0]))
    if len(lines) > 1:
        children.append(B.AdditionalStreetName(lines[1]))
    if city:
        children.append(B.CityName(city))
    if postcode:
        children.append(B.PostalZone(postcode))
    if len(lines) > 2:
        children.append(C.AddressLine(B.Line(lines[2])))
    children.append(C.Country(B.IdentificationCode(country(party))))
    return C(tag, *children)


def party(party: Party, *, tax_id: bool, vat_id: bool, address_text: Optional[str] = None,
          endpoint: Optional[tuple[str, str]] = None):
    """cac:Party of the seller (BG-4) or the buyer (BG-7)."""
    children = []
    endpoint = endpoint or electronic_address(party)
    if endpoint:
        children.append(B.EndpointID(endpoint[0], schemeID=endpoint[1]))
    children += [C.PartyName(B.Name(party.name)), postal(address_text or party.address, party)]
    if party.vat_number and vat_id:
        children.append(C.PartyTaxScheme(B.CompanyID(party.vat_number),
                                         C.TaxScheme(B.ID("VAT"))))
    elif tax_id and party.siren:   # BT-32, as cii.trade_party (BR-E-02)
        children.append(C.PartyTaxScheme(B.CompanyID(party.siren), C.TaxScheme(B.ID("FC"))))
    legal = [B.RegistrationName(party.name)]
    if party.siren:
        legal.append(B.CompanyID(party.siren, schemeID=SIREN_SCHEME))
    children.append(C.PartyLegalEntity(*legal))
    if party.email:
        children.append(C.Contact(B.ElectronicMail(party.email)))
    return C.Party(*children)


def category(line_category, rate: Decimal, tag: str = "TaxCategory", reasons: bool = True):
    children = [B.ID(line_category.code)]
    if line_category.code != OUTSIDE:
        children.append(B.Percent(number(rate)))
    if reasons and line_category.reason_code:
        children.append(B.TaxExemptionReasonCode(line_category.reason_code))
    if reasons and line_category.reason:
        children.append(B.TaxExemptionReason(line_category.reason))
    children.append(C.TaxScheme(B.ID("VAT")))
    return C(tag, *children)


def tax_total(invoice: Invoice):
    subtotals = [C.TaxSubtotal(money("TaxableAmount", t.base), money("TaxAmount", t.amount),
                               category(t.category, t.rate)) for t in invoice.taxes]
    return C.TaxTotal(money("TaxAmount", invoice.total_vat), *subtotals)


def line(item: InvoiceLine, credit: bool):
    children = [B.ID(str(item.number)),
                B("CreditedQuantity" if credit else "InvoicedQuantity", number(item.quantity),
                  unitCode=unit_code(item.unit)),
                money("LineExtensionAmount", item.net)]
    if item.allowance:
        children.append(C.AllowanceCharge(
            B.ChargeIndicator("false"), B.AllowanceChargeReasonCode("95"),
            B.AllowanceChargeReason("Remise"),
            B.MultiplierFactorNumeric(number(item.discount)),
            money("Amount", item.allowance), money("BaseAmount", item.gross)))
    children += [C.Item(B.Name(item.description),
                        category(item.category, item.rate, "ClassifiedTaxCategory", False)),
                 C.Price(money("PriceAmount", item.unit_price))]
    return C("CreditNoteLine" if credit else "InvoiceLine", *children)


def totals(invoice: Invoice):
    lines = sum((item.net for item in invoice.lines), Decimal("0.00"))
    return C.LegalMonetaryTotal(
        money("LineExtensionAmount", lines), money("TaxExclusiveAmount", invoice.total_ht),
        money("TaxInclusiveAmount", invoice.total_ttc),
        money("PrepaidAmount", invoice.prepaid), money("PayableAmount", invoice.due_amount))


def payment_means(client: ClientFile, invoice: Invoice) -> list:
    paid_to = account(client, invoice)
    due = [B.PaymentDueDate(iso(invoice.due_date))] if invoice.credit_note else []
    if paid_to is None:
        return [C.PaymentMeans(B.PaymentMeansCode("1"), *due)] if due else []
    account_children = [B.ID(paid_to.iban)]
    if paid_to.bic:
        account_children.append(C.FinancialInstitutionBranch(B.ID(paid_to.bic)))
    return [C.PaymentMeans(B.PaymentMeansCode(CREDIT_TRANSFER), *due,
                           B.PaymentID(invoice.number),
                           C.PayeeFinancialAccount(*account_children))]


def period(client: ClientFile, invoice: Invoice) -> list:
    """cac:InvoicePeriod: BG-14 when the supply is a period, and BT-8 (standard VAT)."""
    children = []
    supplied = invoice.supplied
    if supplied is not None and supplied.period:
        children += [B.StartDate(iso(supplied.start)), B.EndDate(iso(supplied.end))]
    if any(t.category.code == "S" for t in invoice.taxes):
        children.append(B.DescriptionCode(due_code(client)[1]))
    return [C.InvoicePeriod(*children)] if children else []


def invoice_ubl(client: ClientFile, invoice: Invoice, notes: Sequence[Note],
                terms_text: str, supporting: Sequence[tuple[str, str, bytes]] = ()) -> bytes:
    """The UBL XML (Invoice, or CreditNote for a 381) of one invoice, UTF-8."""
    credit = invoice.credit_note
    exempt = any(t.category.code != "S" for t in invoice.taxes)
    vat_ids = not any(t.category.code == OUTSIDE for t in invoice.taxes)
    notes = list(notes)
    if in_french_scope(client):
        notes.append(Note("BAR", "B2B"))
    buyer = client.client
    root_ns = CREDIT_NS if credit else INVOICE_NS
    M = ElementMaker(namespace=root_ns, nsmap={None: root_ns, **NSMAP})
    children = [B.CustomizationID(GUIDELINE), B.ProfileID(business_process(client, invoice)),
                B.ID(invoice.number), B.IssueDate(iso(invoice.date))]
    if not credit:
        children.append(B.DueDate(iso(invoice.due_date)))
    children.append(B("CreditNoteTypeCode" if credit else "InvoiceTypeCode", invoice.type_code))
    children += [B.Note(f"#{n.code}#{n.text}") for n in notes]
    children.append(B.DocumentCurrencyCode("EUR"))
    children += period(client, invoice)
    if buyer.order_reference:   # BT-13
        children.append(C.OrderReference(B.ID(buyer.order_reference)))
    for previous in ((invoice.cancels,) if invoice.cancels else invoice.preceding):   # BG-3
        children.append(C.BillingReference(C.InvoiceDocumentReference(
            B.ID(previous.number), B.IssueDate(iso(previous.date)))))
    children.append(C.ContractDocumentReference(B.ID(client.document.number)))
    for name, _title, data in supporting:   # BG-24: BT-122, BT-123 (BR-FR-17), BT-125
        children.append(C.AdditionalDocumentReference(
            B.ID(name), B.DocumentDescription(ATTACHMENT_CODE), C.Attachment(
                B.EmbeddedDocumentBinaryObject(base64.b64encode(data).decode("ascii"),
                                               mimeCode="application/pdf", filename=name))))
    children.append(C.AccountingSupplierParty(party(client.provider, tax_id=exempt,
                                                    vat_id=vat_ids)))
    children.append(C.AccountingCustomerParty(party(
        buyer, tax_id=False, vat_id=vat_ids, address_text=buyer.billing_address,
        endpoint=buyer_address(client))))
    if invoice.payee is not None and not credit:   # BG-10: the escrow holder
        children.append(C.PayeeParty(C.PartyName(B.Name(invoice.payee.name))))
    delivery = []
    if invoice.supplied is not None and not invoice.supplied.period:
        delivery.append(B.ActualDeliveryDate(iso(invoice.supplied.start)))
    if buyer.delivery_address:
        delivery.append(C.DeliveryLocation(postal(buyer.delivery_address, buyer, "Address")))
        delivery.append(C.DeliveryParty(C.PartyName(B.Name(buyer.name))))
    if delivery:
        children.append(C.Delivery(*delivery))
    children += payment_means(client, invoice)
    children.append(C.PaymentTerms(B.Note(terms_text)))
    children += [tax_total(invoice), totals(invoice)]
    children += [line(item, credit) for item in invoice.lines]
    root = M("CreditNote" if credit else "Invoice", *children)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)
