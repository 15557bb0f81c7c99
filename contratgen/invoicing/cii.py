"""An invoice as UN/CEFACT Cross Industry Invoice XML, Factur-X EN 16931 profile.

Built with lxml from the exact Decimals of :class:`~.plan.Invoice`; each element is
named after its EN 16931 business term (BT-…) where it matters. Element order follows
the Factur-X 1.0 EN 16931 XSD; the tests validate every kind of invoice against that
XSD and against the EN 16931 CII schematron.
"""
from __future__ import annotations

import base64
import datetime
from decimal import Decimal
from typing import Optional, Sequence

from lxml import etree
from lxml.builder import ElementMaker

from ..load.model import ClientFile, Party
from .mentions import (buyer_address, country, due_code, electronic_address, in_french_scope,
                       split_address)
from .plan import Invoice, InvoiceLine, Payee, TaxLine
from .texts import Note

RSM = "urn:un:unece:uncefact:data:standard:CrossIndustryInvoice:100"
RAM = "urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100"
UDT = "urn:un:unece:uncefact:data:standard:UnqualifiedDataType:100"
QDT = "urn:un:unece:uncefact:data:standard:QualifiedDataType:100"
NSMAP = {"rsm": RSM, "ram": RAM, "udt": UDT, "qdt": QDT}
R, A, U, Q = (ElementMaker(namespace=ns, nsmap=NSMAP) for ns in (RSM, RAM, UDT, QDT))

GUIDELINE = "urn:cen.eu:en16931:2017"
SIREN_SCHEME = "0002"     # ISO 6523 ICD of the French SIRENE register
CREDIT_TRANSFER = "58"    # UNTDID 4461: SEPA credit transfer

# UN/ECE recommendation 20 codes for the units people write in client.yaml
UNITS = {"jour": "DAY", "jours": "DAY", "day": "DAY", "days": "DAY", "j": "DAY",
         "heure": "HUR", "heures": "HUR", "hour": "HUR", "hours": "HUR", "h": "HUR",
         "semaine": "WEE", "week": "WEE", "mois": "MON", "month": "MON", "an": "ANN",
         "année": "ANN", "year": "ANN", "kg": "KGM", "m": "MTR", "m2": "MTK", "m²": "MTK",
         "m3": "MTQ", "m³": "MTQ", "l": "LTR", "litre": "LTR", "forfait": "LS",
         "lump sum": "LS", "pièce": "H87", "piece": "H87", "exemplaire": "H87",
         "unité": "H87", "unit": "H87"}
ONE = "C62"
OUTSIDE = "O"   # "Not subject to VAT": no VAT rate, no VAT identifiers (BR-O-02, BR-O-05)


def amount(value: Decimal) -> str:
    return f"{value:.2f}"


def number(value: Decimal) -> str:
    return f"{value.normalize():f}"


def day(value: datetime.date) -> str:
    return value.strftime("%Y%m%d")


def date_udt(value: datetime.date):
    return U.DateTimeString(day(value), format="102")


def unit_code(unit: Optional[str]) -> str:
    return UNITS.get((unit or "").strip().lower(), ONE)


def address(text: Optional[str], party: Party):
    """BG-5 / BG-8: "12 rue des Lilas, 75011 Paris" → line, postcode, city, country."""
    lines, postcode, city = split_address(text)
    children = [A.PostcodeCode(postcode)] if postcode else []
    children += [A(tag, line) for tag, line in zip(("LineOne", "LineTwo", "LineThree"), lines)]
    if city:
        children.append(A.CityName(city))
    children.append(A.CountryID(country(party)))
    return A.PostalTradeAddress(*children)


def trade_party(tag: str, party: Party, tax_id: bool = True, vat_id: bool = True,
                postal: Optional[str] = None, endpoint: Optional[tuple[str, str]] = None):
    """BG-4 seller / BG-7 buyer: name, SIREN as legal registration (BT-30 / BT-47,
    scheme 0002), address (``postal``: the billing address), electronic address
    (BT-34 / BT-49), VAT number (BT-31 / BT-48)."""
    children = [A.Name(party.name)]
    if party.siren:
        children.append(A.SpecifiedLegalOrganization(A.ID(party.siren, schemeID=SIREN_SCHEME)))
    children.append(address(postal or party.address, party))
    endpoint = endpoint or electronic_address(party)
    if endpoint:
        children.append(A.URIUniversalCommunication(A.URIID(endpoint[0], schemeID=endpoint[1])))
    if party.vat_number and vat_id:
        children.append(A.SpecifiedTaxRegistration(A.ID(party.vat_number, schemeID="VA")))
    elif tax_id and party.siren:
        # BR-E-02: an exempt (franchise) seller without a VAT number names a tax
        # registration (BT-32); the SIREN is the identifier the French administration uses
        children.append(A.SpecifiedTaxRegistration(A.ID(party.siren, schemeID="FC")))
    return A(tag, *children)


def tax(line: TaxLine, due_code: Optional[str]):
    """BG-23: one VAT breakdown, with the exemption reason of E and AE."""
    children = [A.CalculatedAmount(amount(line.amount)), A.TypeCode("VAT")]
    if line.category.reason:
        children.append(A.ExemptionReason(line.category.reason))
    children += [A.BasisAmount(amount(line.base)), A.CategoryCode(line.category.code)]
    if line.category.reason_code:
        children.append(A.ExemptionReasonCode(line.category.reason_code))
    if due_code and line.category.code == "S":
        children.append(A.DueDateTypeCode(due_code))
    if line.category.code != OUTSIDE:
        children.append(A.RateApplicablePercent(number(line.rate)))
    return A.ApplicableTradeTax(*children)


def line_item(line: InvoiceLine):
    """BG-25: one invoice line; a line discount is a line allowance (BG-27)."""
    rate = [] if line.category.code == OUTSIDE else [A.RateApplicablePercent(number(line.rate))]
    settlement = [A.ApplicableTradeTax(A.TypeCode("VAT"), A.CategoryCode(line.category.code),
                                       *rate)]
    if line.allowance:
        settlement.append(A.SpecifiedTradeAllowanceCharge(
            A.ChargeIndicator(U.Indicator("false")),
            A.CalculationPercent(number(line.discount)), A.BasisAmount(amount(line.gross)),
            A.ActualAmount(amount(line.allowance)), A.ReasonCode("95"), A.Reason("Remise")))
    settlement.append(A.SpecifiedTradeSettlementLineMonetarySummation(
        A.LineTotalAmount(amount(line.net))))
    return A.IncludedSupplyChainTradeLineItem(
        A.AssociatedDocumentLineDocument(A.LineID(str(line.number))),
        A.SpecifiedTradeProduct(A.Name(line.description)),
        A.SpecifiedLineTradeAgreement(A.NetPriceProductTradePrice(
            A.ChargeAmount(number(line.unit_price)))),
        A.SpecifiedLineTradeDelivery(A.BilledQuantity(number(line.quantity),
                                                      unitCode=unit_code(line.unit))),
        A.SpecifiedLineTradeSettlement(*settlement))


# BT-123 of a supporting document: the code the French rules allow (BR-FR-17) for an annex
ATTACHMENT_CODE = "DOCUMENT_ANNEXE"


def agreement(client: ClientFile, exempt: bool, vat_ids: bool = True,
              supporting: Sequence[tuple[str, str, bytes]] = ()):
    buyer = client.client
    children = [
        trade_party("SellerTradeParty", client.provider, tax_id=exempt, vat_id=vat_ids),
        trade_party("BuyerTradeParty", buyer, tax_id=False, vat_id=vat_ids,
                    postal=buyer.billing_address, endpoint=buyer_address(client))]
    if buyer.order_reference:   # BT-13
        children.append(A.BuyerOrderReferencedDocument(
            A.IssuerAssignedID(buyer.order_reference)))
    children.append(A.ContractReferencedDocument(A.IssuerAssignedID(client.document.number)))
    for name, _title, data in supporting:   # BG-24: BT-122, BT-123, BT-125 (916: related)
        children.append(A.AdditionalReferencedDocument(
            A.IssuerAssignedID(name), A.TypeCode("916"), A.Name(ATTACHMENT_CODE),
            A.AttachmentBinaryObject(base64.b64encode(data).decode("ascii"),
                                     mimeCode="application/pdf", filename=name)))
    return A.ApplicableHeaderTradeAgreement(*children)


def delivery(client: ClientFile, invoice: Invoice):
    """BG-13: where (BG-15) and when (BT-72) the goods or services were supplied."""
    children = []
    if client.client.delivery_address:
        children.append(A.ShipToTradeParty(A.Name(client.client.name),
                                           address(client.client.delivery_address,
                                                   client.client)))
    if invoice.supplied is not None and not invoice.supplied.period:
        children.append(A.ActualDeliverySupplyChainEvent(A.OccurrenceDateTime(
            date_udt(invoice.supplied.start))))
    return A.ApplicableHeaderTradeDelivery(*children)


def account(client: ClientFile, invoice: Invoice) -> Optional[Payee]:
    """The account the invoice is paid to: the payee's (escrow) or the provider's; a
    credit note is paid to nobody."""
    if invoice.credit_note:
        return None
    if invoice.payee is not None:
        return invoice.payee if invoice.payee.iban else None
    provider = client.provider
    if not provider.iban:
        return None
    return Payee(provider.name, provider.iban.replace(" ", ""), provider.bic)


def payment_means(client: ClientFile, invoice: Invoice) -> list:
    paid_to = account(client, invoice)
    if paid_to is None:
        return []
    children = [A.TypeCode(CREDIT_TRANSFER),
                A.PayeePartyCreditorFinancialAccount(A.IBANID(paid_to.iban))]
    if paid_to.bic:
        children.append(A.PayeeSpecifiedCreditorFinancialInstitution(A.BICID(paid_to.bic)))
    return [A.SpecifiedTradeSettlementPaymentMeans(*children)]


def summation(invoice: Invoice):
    return A.SpecifiedTradeSettlementHeaderMonetarySummation(
        A.LineTotalAmount(amount(sum((line.net for line in invoice.lines), Decimal("0.00")))),
        A.TaxBasisTotalAmount(amount(invoice.total_ht)),
        A.TaxTotalAmount(amount(invoice.total_vat), currencyID="EUR"),
        A.GrandTotalAmount(amount(invoice.total_ttc)),
        A.TotalPrepaidAmount(amount(invoice.prepaid)),
        A.DuePayableAmount(amount(invoice.due_amount)))


def settlement(client: ClientFile, invoice: Invoice, terms_text: str):
    children = [A.PaymentReference(invoice.number), A.InvoiceCurrencyCode("EUR")]
    if invoice.payee is not None and not invoice.credit_note:   # BG-10: the escrow holder
        children.append(A.PayeeTradeParty(A.Name(invoice.payee.name)))
    children += payment_means(client, invoice)
    code = due_code(client)[0]
    children += [tax(line, code) for line in invoice.taxes]
    if invoice.supplied is not None and invoice.supplied.period:   # BG-14
        children.append(A.BillingSpecifiedPeriod(
            A.StartDateTime(date_udt(invoice.supplied.start)),
            A.EndDateTime(date_udt(invoice.supplied.end))))
    children.append(A.SpecifiedTradePaymentTerms(A.Description(terms_text),
                                                 A.DueDateDateTime(date_udt(invoice.due_date))))
    children.append(summation(invoice))
    references = (invoice.cancels,) if invoice.cancels else invoice.preceding
    for previous in references:  # BG-3: the invoice cancelled, or the advances deducted
        children.append(A.InvoiceReferencedDocument(
            A.IssuerAssignedID(previous.number),
            A.FormattedIssueDateTime(Q.DateTimeString(day(previous.date), format="102"))))
    return A.ApplicableHeaderTradeSettlement(*children)


def business_process(client: ClientFile, invoice: Invoice) -> str:
    """BT-23, the French "cadre de facturation": B (goods), S (services), M (mixed);
    1 an invoice to pay, 4 a final invoice after advance invoices (a progress invoice
    references the earlier situations but deducts nothing: 1)."""
    kind = {"goods": "B", "services": "S", "mixed": "M"}[client.document.nature]
    final = invoice.preceding and not invoice.credit_note and invoice.situation is None
    return f"{kind}{4 if final else 1}"


def invoice_xml(client: ClientFile, invoice: Invoice, notes: Sequence[Note],
                terms_text: str, supporting: Sequence[tuple[str, str, bytes]] = ()) -> bytes:
    """The CII XML of one invoice, UTF-8, with its XML declaration."""
    exempt = any(t.category.code != "S" for t in invoice.taxes)
    outside = any(t.category.code == OUTSIDE for t in invoice.taxes)
    notes = list(notes)
    if in_french_scope(client):   # the French treatment: an invoice between businesses
        notes.append(Note("BAR", "B2B"))
    root = R.CrossIndustryInvoice(
        R.ExchangedDocumentContext(
            A.BusinessProcessSpecifiedDocumentContextParameter(
                A.ID(business_process(client, invoice))),
            A.GuidelineSpecifiedDocumentContextParameter(A.ID(GUIDELINE))),
        R.ExchangedDocument(
            A.ID(invoice.number), A.TypeCode(invoice.type_code),
            A.IssueDateTime(date_udt(invoice.date)),
            *[A.IncludedNote(A.Content(n.text), A.SubjectCode(n.code)) for n in notes]),
        R.SupplyChainTradeTransaction(
            *[line_item(line) for line in invoice.lines],
            agreement(client, exempt, vat_ids=not outside, supporting=supporting),
            delivery(client, invoice),
            settlement(client, invoice, terms_text)))
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)
