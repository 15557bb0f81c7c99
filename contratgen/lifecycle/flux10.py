"""E-reporting (Flux 10) as the XML the Portail public de facturation specifies (external
specifications, annex 7 v1.8): one transmission holds either the transactions (10.1
international B2B invoices, 10.3 B2C sales totalled per day) or the payments (10.2 per
international invoice, 10.4 B2C receipts totalled per day), never both. Built element by
element in the XSD's order (no namespace: the PPF's schemas declare none for their
elements), then checked against the XSD and the PPF's Flux 10 schematron."""
from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal
from typing import Optional, Sequence

from lxml import etree

from ..xmlcheck import Failure, schema_failures, schematron_failures

XSD = "data/validation/ppf-flux10/xsd/ereporting.xsd"
SCHEMATRON = "data/validation/ppf-flux10/PPF_Flux10.xslt"
PROFILE = "urn.cpro.gouv.fr:1p0:ereporting"


@dataclass(frozen=True)
class Declarant:
    """Who reports (TG-5, the provider) and through which plateforme agréée (TG-3)."""
    siren: str
    name: str
    platform: str          # the platform's matricule (4 characters)
    platform_scheme: str = "0238"


@dataclass(frozen=True)
class Vat:
    """One VAT rate's base and tax (negative for a correction)."""
    rate: Decimal
    base: Decimal
    tax: Decimal
    category: str = "S"
    exemption: Optional[tuple[str, str]] = None     # (VATEX code, text) for category E


@dataclass(frozen=True)
class DayTotal:
    """B2C sales of one day and one category (TG-31): TLB1 goods, TPS1 services."""
    date: datetime.date
    category: str
    count: int
    vat: tuple[Vat, ...]


@dataclass(frozen=True)
class Buyer:
    scheme: str            # 0223 EU outside France, 0227 outside the EU
    id: str
    country: str
    vat_number: Optional[str] = None


@dataclass(frozen=True)
class ReportedInvoice:
    """An international B2B invoice or credit note (TG-8)."""
    number: str
    date: datetime.date
    type_code: str                      # 380, 386, 381
    process: str                        # B1, S1, M1, B4…
    seller_vat: Optional[str]
    buyer: Buyer
    vat: tuple[Vat, ...]
    preceding: tuple[tuple[str, datetime.date], ...] = ()
    due_date: Optional[datetime.date] = None


@dataclass(frozen=True)
class Received:
    """Money received (TG-34 for an invoice, TG-37 a B2C day total): (rate, amount)."""
    date: datetime.date
    amounts: tuple[tuple[Decimal, Decimal], ...]
    invoice: Optional[tuple[str, datetime.date]] = None


def _el(parent, tag: str, text: Optional[str] = None, **attrs):
    node = etree.SubElement(parent, tag, attrs)
    if text is not None:
        node.text = text
    return node


def _day(day: datetime.date) -> str:
    return f"{day:%Y%m%d}"


def _money(value: Decimal) -> str:
    return f"{value:.2f}"


def _rate(value: Decimal) -> str:
    return f"{value.normalize():f}"


def transmission_id(declarant: Declarant, kind: str, start: datetime.date,
                    end: datetime.date) -> str:
    return f"{declarant.siren}-{kind}-{_day(start)}-{_day(end)}"


def _document(root, declarant: Declarant, kind: str, start, end) -> None:
    document = _el(root, "ReportDocument")
    _el(document, "Id", transmission_id(declarant, kind, start, end))
    _el(document, "Name", f"e-reporting {kind} {start.isoformat()}..{end.isoformat()}")
    # created the day after the period closes: dated by the data, never by the clock
    created = end + datetime.timedelta(days=1)
    _el(_el(document, "IssueDateTime"), "DateTimeString", f"{_day(created)}000000")
    _el(document, "TypeCode", "IN")
    sender = _el(document, "Sender")   # the plateforme agréée, known here by its number
    _el(sender, "Id", declarant.platform, schemeId=declarant.platform_scheme)
    _el(sender, "Name", f"Plateforme agréée {declarant.platform}")
    _el(sender, "RoleCode", "WK")
    issuer = _el(document, "Issuer")
    _el(issuer, "Id", declarant.siren, schemeId="0002")
    _el(issuer, "Name", declarant.name)
    _el(issuer, "RoleCode", "SE")


def _period(report, start, end) -> None:
    period = _el(report, "ReportPeriod")
    _el(period, "StartDate", _day(start))
    _el(period, "EndDate", _day(end))


def _invoice(report, declarant: Declarant, invoice: ReportedInvoice) -> None:
    node = _el(report, "Invoice")
    _el(node, "ID", invoice.number)
    _el(node, "IssueDate", _day(invoice.date))
    _el(node, "TypeCode", invoice.type_code)
    _el(node, "CurrencyCode", "EUR")
    if invoice.due_date:
        _el(node, "DueDate", _day(invoice.due_date))
    process = _el(node, "BusinessProcess")
    _el(process, "ID", invoice.process)
    _el(process, "TypeID", PROFILE)
    for number, date in invoice.preceding:
        reference = _el(node, "ReferencedDocument")
        _el(reference, "ID", number)
        _el(reference, "IssueDate", _day(date))
    seller = _el(node, "Seller")
    _el(seller, "CompanyId", declarant.siren, schemeId="0002")
    if invoice.seller_vat:
        _el(seller, "TaxRegistrationId", invoice.seller_vat, qualifyingId="VAT")
    _el(_el(seller, "PostalAddress"), "CountryId", "FR")
    buyer = _el(node, "Buyer")
    _el(buyer, "CompanyId", invoice.buyer.id, schemeId=invoice.buyer.scheme)
    if invoice.buyer.vat_number:
        _el(buyer, "TaxRegistrationId", invoice.buyer.vat_number,
            qualifyingId="VAT")
    _el(_el(buyer, "PostalAddress"), "CountryId", invoice.buyer.country)
    total = _el(node, "MonetaryTotal")
    _el(total, "TaxExclusiveAmount", _money(sum((v.base for v in invoice.vat), Decimal(0))))
    _el(total, "TaxAmount", _money(sum((v.tax for v in invoice.vat), Decimal(0))),
        CurrencyCode="EUR")
    for vat in invoice.vat:
        subtotal = _el(node, "TaxSubTotal")
        _el(subtotal, "TaxableAmount", _money(vat.base))
        _el(subtotal, "TaxAmount", _money(vat.tax))
        category = _el(subtotal, "TaxCategory")
        _el(category, "Code", vat.category)
        _el(category, "Percent", _rate(vat.rate))
        if vat.exemption:
            _el(category, "TaxExemptionReason", vat.exemption[1])
            _el(category, "TaxExemptionReasonCode", vat.exemption[0])


def _day_total(report, total: DayTotal) -> None:
    node = _el(report, "Transactions")
    _el(node, "Date", _day(total.date))
    _el(node, "TransactionsCurrency", "EUR")
    _el(node, "CategoryCode", total.category)
    _el(node, "TaxExclusiveAmount", _money(sum((v.base for v in total.vat), Decimal(0))))
    _el(node, "TaxTotal", _money(sum((v.tax for v in total.vat), Decimal(0))))
    _el(node, "TransactionsCount", str(total.count))
    for vat in total.vat:
        subtotal = _el(node, "TaxSubtotal")
        _el(subtotal, "TaxPercent", _rate(vat.rate))
        _el(subtotal, "TaxableAmount", _money(vat.base))
        _el(subtotal, "TaxTotal", _money(vat.tax))


def _payment(parent, received: Received) -> None:
    payment = _el(parent, "Payment")
    _el(payment, "Date", _day(received.date))
    for rate, amount in received.amounts:
        subtotal = _el(payment, "SubTotals")
        _el(subtotal, "TaxPercent", _rate(rate))
        _el(subtotal, "CurrencyCode", "EUR")
        _el(subtotal, "Amount", _money(amount))


def _transmission(declarant: Declarant, kind: str, start: datetime.date,
                  end: datetime.date, fill) -> bytes:
    """A transmission: its header, then one report (``kind`` T or P) filled by ``fill``."""
    root = etree.Element("Report")
    _document(root, declarant, kind, start, end)
    report = _el(root, {"T": "TransactionsReport", "P": "PaymentsReport"}[kind])
    _period(report, start, end)
    fill(report)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)


def transactions_xml(declarant: Declarant, start: datetime.date, end: datetime.date,
                     invoices: Sequence[ReportedInvoice], days: Sequence[DayTotal]) -> bytes:
    """Flux 10.1 / 10.3: the transactions of the period."""
    def fill(report) -> None:
        for invoice in invoices:
            _invoice(report, declarant, invoice)
        for total in days:
            _day_total(report, total)
    return _transmission(declarant, "T", start, end, fill)


def payments_xml(declarant: Declarant, start: datetime.date, end: datetime.date,
                 invoices: Sequence[Received], days: Sequence[Received]) -> bytes:
    """Flux 10.2 / 10.4: the payments of services received in the period."""
    def fill(report) -> None:
        for received in invoices:
            node = _el(report, "Invoice")
            _el(node, "InvoiceID", received.invoice[0])
            _el(node, "IssueDate", _day(received.invoice[1]))
            _payment(node, received)
        for received in days:
            _payment(_el(report, "Transactions"), received)
    return _transmission(declarant, "P", start, end, fill)


def flux10_failures(xml: bytes) -> list[Failure]:
    """What the Flux 10 XSD and the PPF schematron (fatal rules) find wrong in ``xml``."""
    return schema_failures(xml, XSD) or schematron_failures(xml, SCHEMATRON)
