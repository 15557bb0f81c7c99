"""What a provider's deals give to e-reporting for a period: the B2C sales totalled per day,
category and VAT rate, the international B2B invoices, and the payments of services whose
VAT is due on receipt (B2C totalled per day, international per invoice); corrections
(credit notes) as negative amounts. Pure functions over prepared deals; the builders
are in :mod:`.flux10`.

Domestic B2B invoices are outside: they are e-invoices, and their payments travel as
lifecycle statuses (:mod:`.statuses`).
"""
from __future__ import annotations

import calendar
import datetime
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal
from typing import Optional, Sequence

from ..diagnostics import Diagnostic
from ..domain.money import split
from ..invoicing.pipeline import InvoiceSet
from ..legal.scope import country, in_french_scope
from ..invoicing.plan import Invoice
from .flux10 import Buyer, DayTotal, Declarant, Received, ReportedInvoice, Vat
from .statuses import vat_on_receipt

CATEGORY = {"goods": "TLB1", "services": "TPS1"}
ZERO = Decimal("0.00")


@dataclass(frozen=True)
class Period:
    start: datetime.date
    end: datetime.date

    def __contains__(self, day: datetime.date) -> bool:
        return self.start <= day <= self.end


@dataclass(frozen=True)
class Reported:
    """One deal's part of a period's e-reporting."""
    declarant: Declarant
    invoices: tuple[ReportedInvoice, ...] = ()
    days: tuple[DayTotal, ...] = ()
    paid_invoices: tuple[Received, ...] = ()
    paid_days: tuple[Received, ...] = ()
    payments_due: bool = False           # the provider reports payments (VAT on receipt)
    franchise: bool = False              # franchise en base: two-month periods


def audience(invoice_set: InvoiceSet) -> str:
    """b2c, domestic (both French businesses with a SIREN: e-invoiced, not reported) or
    international (a business buyer outside France)."""
    client = invoice_set.prepared.client
    if client.client.kind == "consumer":
        return "b2c"
    return "domestic" if in_french_scope(client) or country(client.client) == "FR" \
        else "international"


def problems(invoice_set: InvoiceSet) -> list[Diagnostic]:
    """What stops a deal from being reported, located in its client.yaml."""
    prepared = invoice_set.prepared
    client, source = prepared.client, prepared.source
    found = []
    if client.provider.platform is None:
        found.append(source.diagnostic(("provider",), "e-reporting goes through the provider's "
                     "plateforme agréée: give provider.platform: {id: \"0042\", scheme: "
                     "\"0238\"}", "provider.platform"))
    elif len(client.provider.platform.id) != 4:
        found.append(source.diagnostic(("provider", "platform", "id"), "a plateforme "
                     "agréée's matricule has 4 characters", "provider.platform.id"))
    if not client.provider.siren:
        found.append(source.diagnostic(("provider",), "the declarant's SIREN is required for "
                                       "e-reporting", "provider.siren"))
    kind = audience(invoice_set)
    if kind == "b2c" and client.document.nature not in CATEGORY:
        found.append(source.diagnostic(("document", "nature"), "B2C sales are reported per "
                     "category (goods TLB1, services TPS1): a mixed deal cannot be reported "
                     "as one; split it, or set goods or services", "document.nature"))
    if kind == "international" and not client.client.vat_number:
        found.append(source.diagnostic(("client",), "an international business client is "
                     "identified in e-reporting by its VAT number: give client.vat_number",
                     "client.vat_number"))
    return found


def declarant(invoice_set: InvoiceSet) -> Declarant:
    provider = invoice_set.prepared.client.provider
    return Declarant(provider.siren, provider.name, provider.platform.id,
                     provider.platform.scheme)


def _vat(taxes) -> tuple[Vat, ...]:
    return tuple(Vat(t.rate, t.base, t.amount, t.category.code,
                     (t.category.reason_code, t.category.reason)
                     if t.category.code != "S" and t.category.reason_code else None)
                 for t in taxes)


def _negative(vat: Sequence[Vat]) -> tuple[Vat, ...]:
    return tuple(Vat(v.rate, -v.base, -v.tax, v.category, v.exemption) for v in vat)


# the prefixes of EU VAT numbers (Greece writes EL, Northern Ireland XI), France aside
EU_PREFIXES = {"AT", "BE", "BG", "CY", "CZ", "DE", "DK", "EE", "EL", "ES", "FI", "HR", "HU",
               "IE", "IT", "LT", "LU", "LV", "MT", "NL", "PL", "PT", "RO", "SE", "SI", "SK",
               "XI"}


def _buyer(invoice_set: InvoiceSet) -> Buyer:
    """The foreign buyer by its VAT number: scheme 0223 in the EU, 0227 outside it."""
    vat_number = invoice_set.prepared.client.client.vat_number.replace(" ", "")
    prefix = vat_number[:2].upper()
    country = {"EL": "GR", "XI": "GB"}.get(prefix, prefix)
    return Buyer("0223" if prefix in EU_PREFIXES else "0227", vat_number[:18], country,
                 vat_number)


def _process(invoice_set: InvoiceSet, invoice: Invoice) -> str:
    kind = {"goods": "B", "services": "S", "mixed": "M"}[invoice_set.prepared.client.document.nature]
    return f"{kind}{4 if invoice.preceding else 1}"


def _sales(invoice_set: InvoiceSet, period: Period, kind: str) -> list:
    """B2C: one DayTotal per invoice or credit note of the period — what it charges (a
    final invoice only what its advances had not), a credit note negative; international:
    each invoice and credit note as issued, with the invoices it refers to."""
    client = invoice_set.prepared.client
    found = []
    for invoice in (i for i in invoice_set.invoices if i.date in period):
        if kind == "b2c":
            vat = _vat(invoice.invoiced_taxes)
            found.append(DayTotal(invoice.date, CATEGORY[client.document.nature], 1,
                                  _negative(vat) if invoice.credit_note else vat))
            continue
        references = (invoice.cancels,) if invoice.cancels else invoice.preceding
        found.append(ReportedInvoice(
            invoice.number, invoice.date, invoice.type_code, _process(invoice_set, invoice),
            client.provider.vat_number, _buyer(invoice_set), _vat(invoice.taxes),
            tuple((p.number, p.date) for p in references),
            None if invoice.credit_note else invoice.due_date))
    return found


def _received(invoice_set: InvoiceSet, period: Period, kind: str) -> list[Received]:
    client = invoice_set.prepared.client
    if not vat_on_receipt(client) or client.invoicing is None:
        return []
    by_number = {i.number: i for i in invoice_set.invoices}
    found = []
    for payment in client.invoicing.payments:
        invoice = by_number.get(payment.invoice)
        if invoice is None or payment.date not in period:
            continue
        rates = [(t.rate, t.base + t.amount) for t in invoice.invoiced_taxes]
        shares = split(payment.amount, [ttc for _, ttc in rates])
        amounts = tuple((rate, share) for (rate, _), share in zip(rates, shares) if share)
        found.append(Received(payment.date, amounts,
                              (invoice.number, invoice.date) if kind == "international"
                              else None))
    return found


def reported(invoice_set: InvoiceSet, period: Period) -> Reported:
    """One deal's part of the period (its :func:`problems` are empty)."""
    kind = audience(invoice_set)
    if kind == "domestic":
        return Reported(declarant(invoice_set),
                        franchise=invoice_set.prepared.client.provider.vat == "franchise")
    sales = _sales(invoice_set, period, kind)
    received = _received(invoice_set, period, kind)
    on_receipt = vat_on_receipt(invoice_set.prepared.client)
    franchise = invoice_set.prepared.client.provider.vat == "franchise"
    if kind == "international":
        return Reported(declarant(invoice_set), invoices=tuple(sales),
                        paid_invoices=tuple(received), payments_due=on_receipt,
                        franchise=franchise)
    return Reported(declarant(invoice_set), days=tuple(sales), paid_days=tuple(received),
                    payments_due=on_receipt, franchise=franchise)


def _sum_vat(groups: Sequence[Sequence[Vat]]) -> tuple[Vat, ...]:
    total: dict = defaultdict(lambda: [ZERO, ZERO])
    kinds = {}
    for vat in (v for group in groups for v in group):
        total[vat.rate][0] += vat.base
        total[vat.rate][1] += vat.tax
        kinds[vat.rate] = vat
    return tuple(Vat(rate, base, tax, kinds[rate].category, kinds[rate].exemption)
                 for rate, (base, tax) in sorted(total.items(), reverse=True))


def day_totals(days: Sequence[DayTotal]) -> tuple[DayTotal, ...]:
    """The B2C sales of every deal totalled per (day, category), VAT per rate."""
    grouped = defaultdict(list)
    for day in days:
        grouped[(day.date, day.category)].append(day)
    return tuple(DayTotal(date, category, sum(d.count for d in group),
                          _sum_vat([d.vat for d in group]))
                 for (date, category), group in sorted(grouped.items()))


def paid_day_totals(days: Sequence[Received]) -> tuple[Received, ...]:
    grouped = defaultdict(lambda: defaultdict(lambda: ZERO))
    for received in days:
        for rate, amount in received.amounts:
            grouped[received.date][rate] += amount
    return tuple(Received(date, tuple(sorted(rates.items(), reverse=True)))
                 for date, rates in sorted(grouped.items()))


def month_end(day: datetime.date) -> datetime.date:
    return day.replace(day=calendar.monthrange(day.year, day.month)[1])


def period_problem(period: Period, franchise: bool) -> Optional[str]:
    """The e-reporting periods: a ten-day period (1–10, 11–20, 21–end) or a calendar month
    under a standard VAT regime; two calendar months (January–February, …) under the
    franchise (CGI 290 A, décret 2022-1299 art. 4)."""
    start, end = period.start, period.end
    if franchise:
        ok = (start.day == 1 and start.month % 2 == 1 and end.month == start.month + 1
              and end.year == start.year and end == month_end(end))
        return None if ok else ("under the franchise a period is two calendar months, "
                                "January–February to November–December")
    decades = {(1, 10), (11, 20)}
    same_month = (start.year, start.month) == (end.year, end.month)
    ok = same_month and ((start.day, end.day) in decades
                         or (start.day == 21 and end == month_end(end))
                         or (start.day == 1 and end == month_end(end)))
    return None if ok else ("a period is ten days (1–10, 11–20, 21 to the month's end) or "
                            "a calendar month")
