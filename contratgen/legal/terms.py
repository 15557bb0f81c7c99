"""legal.tranche-term and legal.public-purchaser: how long after its invoice each tranche
may fall due between businesses (C. com. L441-10 I, L441-11) and towards a public
purchaser (Code de la commande publique R2192-10, R2192-11).

An invoice is issued at the sale or the service (C. com. L441-9): a tranche's invoice
date is the ledger's when it is written, else the date of the tranche's event when it
is known (signature and order: ``document.accepted``; delivery: the end of
``document.performance``). A tranche due on a fixed date with no invoice written yet has
no known start: it is checked once the ledger has its invoice.
"""
from __future__ import annotations

import calendar
import datetime
from decimal import Decimal
from typing import Optional

from ..domain.formatting import percent
from ..domain.signing import when_date
from ..load.model import DaysAfter
from .engine import ERROR, WARNING, Finder, rule

MAX_DAYS = 60                  # L441-10 I al. 2: 60 days from the invoice date
MAX_DAYS_END_OF_MONTH = 45     # L441-10 I al. 2: 45 days end of month, if agreed
PERIODIC_DAYS = 45             # L441-10 I al. 3: a periodic invoice (CGI 289 I 3)
# L441-11 II: the caps of a sector, counted from the delivery (or the invoice for transport)
SECTOR_CAPS = {
    "fresh_food": (30, "30 days after delivery (C. com. L441-11 II)"),
    "livestock": (20, "20 days after delivery (C. com. L441-11 II)"),
    "alcohol": (30, "30 days after the end of the month of delivery (C. com. L441-11 II)"),
    "transport": (30, "30 days from the invoice date (C. com. L441-11 II)"),
}
PUBLIC_DAYS = 30               # CCP R2192-10: the State, local authorities, their bodies
PUBLIC_LONGEST = 60            # CCP R2192-11: 50 (public hospitals), 60 (public undertakings)
PUBLIC_MARGIN = Decimal(8)     # CCP R2192-31: ECB rate + 8 points
PUBLIC_INDEMNITY = Decimal(40)  # CCP D2192-35


def month_end(day: datetime.date) -> datetime.date:
    return day.replace(day=calendar.monthrange(day.year, day.month)[1])


def plus(day: datetime.date, days: int) -> datetime.date:
    return day + datetime.timedelta(days=days)


def end_of_month_45(issued: datetime.date) -> datetime.date:
    """The latest due date of "45 jours fin de mois": the DGCCRF accepts both readings,
    the end of the month then 45 days, or 45 days then the end of that month; the later
    one is the limit."""
    return max(plus(month_end(issued), MAX_DAYS_END_OF_MONTH),
               month_end(plus(issued, MAX_DAYS_END_OF_MONTH)))


def latest_due(issued: datetime.date, sector: Optional[str], end_of_month: bool
               ) -> tuple[datetime.date, str]:
    """The last day a B2B invoice issued (or delivered) on ``issued`` may fall due, and
    the rule in words."""
    if sector is not None:
        days, words = sector_cap(sector)
        start = month_end(issued) if sector == "alcohol" else issued
        return plus(start, days), words
    if end_of_month:
        return max(plus(issued, MAX_DAYS), end_of_month_45(issued)), \
            f"{MAX_DAYS} days from the invoice date, or {MAX_DAYS_END_OF_MONTH} days end of month"
    return plus(issued, MAX_DAYS), f"{MAX_DAYS} days from the invoice date"


def sector_cap(sector: str) -> tuple[int, str]:
    """The days a sector's cap allows in every case, and the rule in words."""
    if sector == "periodic":
        return PERIODIC_DAYS, \
            f"{PERIODIC_DAYS} days from a periodic invoice (C. com. L441-10 I al. 3)"
    return SECTOR_CAPS[sector]


def event_date(client, event: str) -> Optional[datetime.date]:
    """The day of a tranche's event when client.yaml knows it."""
    doc = client.document
    if event in ("signature", "order"):
        return doc.accepted.date if doc.accepted else None
    if event == "final_delivery" and doc.performance is not None:
        return when_date(doc.performance.end, client)
    return None


def invoiced_on(client, number: int) -> Optional[datetime.date]:
    """The date of the ledger's invoice of tranche ``number``, if written."""
    ledger = client.invoicing
    for entry in ledger.invoices if ledger else ():
        if entry.tranche == number:
            return entry.date
    return None


def tranche_span(client, tranche) -> Optional[tuple[datetime.date, datetime.date, str]]:
    """(invoice date, due date, the invoice in words) of a tranche when both are known."""
    due = tranche.due
    ledger = invoiced_on(client, tranche.number)
    if isinstance(due, datetime.date):
        return (ledger, due, f"its invoice of {ledger.isoformat()}") if ledger else None
    if isinstance(due, DaysAfter):
        event = event_date(client, due.days_after)
        if ledger is not None:
            base = event or ledger
            return ledger, plus(base, due.days), f"its invoice of {ledger.isoformat()}"
        if event is not None:
            return event, plus(event, due.days), f"its {due.days_after.replace('_', ' ')} " \
                f"of {event.isoformat()}, when its invoice must be issued"
        # the event's date is unknown: N days from it, counted from the document's date for
        # the end-of-month reading (the earliest the event can be)
        start = client.document.date
        return start, plus(start, due.days), f"its {due.days_after.replace('_', ' ')}, " \
            "when its invoice must be issued"
    return None   # due at the event: the payment terms run (legal.payment-term-max)


@rule("legal.tranche-term", ERROR, "B2B", "C. com. L441-10 I, L441-11",
      "each tranche's due date is at most 60 days after the date its invoice is (or must "
      "be) issued, or 45 days end of month; periodic invoices 45 days; sector caps (fresh "
      "food 30 days after delivery, livestock 20 days, alcohol 30 days end of month, "
      "transport 30 days)")
def tranche_term(doc: Finder):
    client = doc.client
    sector, pay = client.document.sector, client.payment
    for tranche in doc.prepared.computed.tranches:
        span = tranche_span(client, tranche)
        if span is None:
            continue
        issued, due, invoice = span
        limit, words = latest_due(issued, sector, pay.end_of_month)
        if due > limit:
            yield doc.at(("payment", "schedule", tranche.source_index, "due"),
                         f"tranche '{tranche.label}' falls due {(due - issued).days} days "
                         f"after {invoice}: at most {words} ({(limit - issued).days} days)")
    if sector is not None:
        # the terms must hold whatever the day of the invoice: "fin de mois" may add 30 days
        longest = pay.terms_days + (30 if pay.end_of_month else 0)
        cap, words = sector_cap(sector)
        if longest > cap:
            terms = f"{pay.terms_days} days{' end of month' if pay.end_of_month else ''}"
            yield doc.at(("payment", "terms_days"),
                         f"payment terms of {terms} exceed the cap of document.sector: "
                         f"{sector}: at most {words}")


@rule("legal.public-purchaser", ERROR, "public purchaser",
      "Code de la commande publique L2192-10 to L2192-13, R2192-10, R2192-11, R2192-31, "
      "D2192-35",
      "payment term at most 30 days (50 days for public health establishments, 60 for "
      "public undertakings); late interest ECB + 8 points; 40 € recovery indemnity")
def public_purchaser(doc: Finder):
    pay = doc.client.payment
    # "N jours fin de mois" may run up to 30 days past N (0 end of month: within 30 days)
    longest = pay.terms_days + (PUBLIC_DAYS if pay.end_of_month else 0)
    terms = f"{pay.terms_days} days{' end of month' if pay.end_of_month else ''}"
    if longest > PUBLIC_LONGEST:
        yield doc.at(("payment", "terms_days"),
                     f"a public purchaser pays within {PUBLIC_DAYS} days of the payment "
                     f"request, {PUBLIC_LONGEST} at the most (a public undertaking): "
                     f"{terms} is longer")
    elif longest > PUBLIC_DAYS:
        # R2192-11: longer terms for some purchasers, which client.yaml does not tell apart
        yield doc.at(("payment", "terms_days"),
                     f"a public purchaser pays within {PUBLIC_DAYS} days of the payment "
                     f"request; {terms} holds only for a public health establishment "
                     "(50 days) or a public undertaking (60 days, R2192-11)", WARNING)
    floor = doc.prepared.rates.public_penalty_rate   # None: the half-year's ECB rate unknown
    rate = pay.late_penalty_rate
    if isinstance(rate, Decimal) and floor is not None and rate < floor:
        yield doc.at(("payment", "late_penalty_rate"),
                     f"late interest towards a public purchaser is due by law at the ECB "
                     f"rate + {PUBLIC_MARGIN} points ({percent(floor, 'fr')}): "
                     f"{percent(rate, 'fr')} is lower")
    if pay.recovery_indemnity is not None and pay.recovery_indemnity < PUBLIC_INDEMNITY:
        yield doc.at(("payment", "recovery_indemnity"),
                     f"the recovery indemnity towards a public purchaser is "
                     f"{PUBLIC_INDEMNITY} € (D2192-35)")
