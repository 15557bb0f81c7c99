"""The payment calendar (``contratgen dues --ics FILE``): one all-day event per known due
date, with reminder alarms, built with ``icalendar``.

Re-exporting updates a calendar instead of duplicating it: an event's UID is derived from
the document number and the tranche number only (an invoice issued later keeps the
tranche's event). A calendar holds one event per (document, tranche): when several files
carry the same document (a deal copied as it moves: quoted, invoiced, late), the event of
the furthest along is kept — the most ledger entries, then the latest date, then the first
file given — and :func:`duplicates` warns, naming the files; so does an invoice number
found in two documents. The bytes are reproducible: DTSTAMP is the latest date of the data
the event shows (document, invoice, payments, notices), never the clock, and SEQUENCE
counts the ledger entries of the tranche, so it grows as the deal moves.
"""
from __future__ import annotations

import datetime
import uuid
from decimal import Decimal
from typing import Sequence

import icalendar

from .diagnostics import WARNING, Diagnostic
from .dues import DocumentDues, TrancheDue
from .domain.formatting import money

DEFAULT_ALARMS = (-3, 7, 15)     # days from the due date: 3 before, 7 and 15 after
                                 # (cli_dues has the same default without importing this)
NAMESPACE = uuid.UUID("6f1c7f5e-8a43-5a0e-9d53-2a6b1f0c0d15")   # contratgen's, fixed

WORDS = {
    "fr": {"due": "Échéance", "paid": "payée", "tranche": "Tranche", "invoice": "Facture",
           "amount": "Montant TTC :", "outstanding": "Reste dû :", "before": "Échéance dans "
           "{n} jours", "after": "Échéance dépassée de {n} jours", "today": "Échéance "
           "aujourd'hui", "not_invoiced": "non facturée"},
    "en": {"due": "Due", "paid": "paid", "tranche": "Tranche", "invoice": "Invoice",
           "amount": "Amount incl. VAT:", "outstanding": "Outstanding:", "before": "Due in "
           "{n} days", "after": "{n} days overdue", "today": "Due today",
           "not_invoiced": "not invoiced"},
}


def event_uid(number: str, tranche: int) -> str:
    """Stable: the same document number and tranche give the same UID, in every export."""
    name = "\x1f".join((number, "tranche", str(tranche)))   # unit separator: unambiguous
    return f"{uuid.uuid5(NAMESPACE, name)}@contratgen"


def _stamp(dates: Sequence[datetime.date]) -> datetime.datetime:
    latest = max(dates)
    return datetime.datetime(latest.year, latest.month, latest.day, tzinfo=datetime.timezone.utc)


def _alarm(days: int, words: dict) -> icalendar.Alarm:
    alarm = icalendar.Alarm()
    alarm.add("action", "DISPLAY")
    alarm.add("trigger", datetime.timedelta(days=days))
    text = words["today"] if days == 0 else \
        (words["before"] if days < 0 else words["after"]).format(n=abs(days))
    alarm.add("description", text)
    return alarm


def tranche_event(doc: DocumentDues, row: TrancheDue,
                  alarms: Sequence[int]) -> icalendar.Event:
    """The event of one tranche's due date, alarms while something is left to pay."""
    words, lang = WORDS[doc.language], doc.language
    left = max(row.tranche.amount - sum((p.amount for p in row.payments), Decimal(0)),
               Decimal("0.00"))
    what = row.invoice.number if row.invoice else \
        f"{words['tranche']} {row.tranche.number} ({words['not_invoiced']})"
    summary = f"{words['due']} {what} · {doc.client} · {money(row.tranche.amount, lang)}"
    if left == 0:
        summary += f" ({words['paid']})"
    event = icalendar.Event()
    event.add("uid", event_uid(doc.number, row.tranche.number))
    dates = ([row.invoice.date] if row.invoice else []) + \
        [p.date for p in row.payments] + list(row.notices)
    event.add("dtstamp", _stamp([doc.date, *dates]))
    event.add("sequence", len(dates))
    event.add("dtstart", row.due)
    event.add("dtend", row.due + datetime.timedelta(days=1))
    event.add("summary", summary)
    event.add("description", "\n".join([
        f"{doc.number} · {row.tranche.label}",
        f"{words['amount']} {money(row.tranche.amount, lang)}",
        f"{words['outstanding']} {money(left, lang)}"]))
    event.add("transp", "TRANSPARENT")
    if left > 0:
        for days in alarms:
            event.add_component(_alarm(days, words))
    return event


def _chosen(documents: Sequence[DocumentDues], alarms: Sequence[int]
            ) -> dict[str, list[tuple[icalendar.Event, DocumentDues, TrancheDue]]]:
    """The events of every dated tranche by UID, the one kept first."""
    by_uid: dict[str, list] = {}
    for doc in documents:
        for row in doc.rows:
            if row.due:
                event = tranche_event(doc, row, alarms)
                by_uid.setdefault(str(event["uid"]), []).append((event, doc, row))
    for found in by_uid.values():   # stable: ties keep the input order
        found.sort(key=lambda item: (-int(item[0]["sequence"]),
                                     -item[0].decoded("dtstamp").timestamp()))
    return by_uid


def duplicates(documents: Sequence[DocumentDues],
               alarms: Sequence[int] = DEFAULT_ALARMS) -> list[Diagnostic]:
    """Warnings for what the calendar merges or what contradicts itself: one (document,
    tranche) in several files, one invoice number in several (document, tranche)."""
    found = []
    for same in _chosen(documents, alarms).values():
        (_, kept, row), others = same[0], same[1:]
        for _, doc, _ in others:
            found.append(Diagnostic(
                doc.file, 0, 0, WARNING,
                f"{doc.number} tranche {row.tranche.number} is also in {kept.file}: the "
                f"calendar has one event for it, from {kept.file} (the furthest along)",
                "dues.duplicate"))
    invoices: dict[str, tuple[DocumentDues, TrancheDue]] = {}
    for doc in documents:
        for row in doc.rows:
            if row.invoice is None:
                continue
            first = invoices.setdefault(row.invoice.number, (doc, row))
            if (first[0].number, first[1].tranche.number) != (doc.number, row.tranche.number):
                found.append(Diagnostic(
                    doc.file, 0, 0, WARNING,
                    f"invoice {row.invoice.number} ({doc.number} tranche "
                    f"{row.tranche.number}) is also {first[0].number} tranche "
                    f"{first[1].tranche.number} in {first[0].file}: an invoice number "
                    "is used once", "dues.duplicate-invoice"))
    return found


def calendar_bytes(documents: Sequence[DocumentDues],
                   alarms: Sequence[int] = DEFAULT_ALARMS) -> bytes:
    """One iCalendar file for every known due date of ``documents``, one event per
    (document, tranche) (see the module's docstring), sorted by date then UID."""
    cal = icalendar.Calendar()
    cal.add("prodid", "-//contratgen//dues//FR")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    cal.add("x-wr-calname", "contratgen")
    events = [same[0][0] for same in _chosen(documents, alarms).values()]
    for event in sorted(events, key=lambda e: (e.decoded("dtstart"), str(e["uid"]))):
        cal.add_component(event)
    return cal.to_ical()
