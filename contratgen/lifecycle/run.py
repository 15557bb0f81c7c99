"""The paths of ``contratgen paid`` and ``contratgen status`` through the stages: prepare
the deal and its invoices as ``invoice`` does, find the lifecycle statuses of the ledger,
build each CDAR message and check it against the XSD and the FNFE schematron, then write
— the ledger first (``paid``), the messages after, every file atomically."""
from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Optional

from ..diagnostics import Diagnostic, UserError
from ..document import Options
from ..edit import planned_append
from ..invoicing.pipeline import InvoiceSet, prepare_invoices
from ..output import write_files
from .cdar import Status, cdar_failures, cdar_xml
from .statuses import InvoiceFacts, statuses

ZERO = Decimal("0.00")


@dataclass(frozen=True)
class Messages:
    """The lifecycle messages of one file: status → validated XML."""
    statuses: tuple[Status, ...]
    files: dict


def facts(invoice_set: InvoiceSet) -> list[InvoiceFacts]:
    return [InvoiceFacts(i.number, i.date, i.type_code,
                         tuple((t.rate, t.base + t.amount) for t in i.invoiced_taxes))
            for i in invoice_set.invoices if not i.credit_note]


def _messages(invoice_set: InvoiceSet, found: list[Status]) -> Messages:
    files, problems = {}, []
    source = invoice_set.prepared.source
    for status in found:
        xml = cdar_xml(status)
        for failure in cdar_failures(xml):
            problems.append(source.diagnostic(
                ("invoicing",), f"the status {status.code} of {status.invoice} breaks "
                f"{failure.rule}: {failure.text}", "lifecycle.cdar"))
        files[status.file_name] = xml
    if problems:
        raise UserError(problems)
    return Messages(tuple(found), files)


def status_messages(path: Path, on: datetime.date, options: Options = Options()) -> Messages:
    """Every lifecycle message of the ledger of ``path`` dated on or before ``on``."""
    invoice_set = prepare_invoices(Path(path), options)
    found = [s for s in statuses(invoice_set.prepared.client, facts(invoice_set))
             if s.date <= on]
    return _messages(invoice_set, found)


def write_messages(messages: Messages, out_dir: Path) -> list[Path]:
    return write_files({Path(out_dir) / name: xml for name, xml in messages.files.items()})


def _outstanding(invoice_set: InvoiceSet, number: str) -> Optional[Decimal]:
    client = invoice_set.prepared.client
    invoice = next((i for i in invoice_set.invoices
                    if i.number == number and not i.credit_note), None)
    if invoice is None:
        return None
    paid = sum((p.amount for p in client.invoicing.payments if p.invoice == number), ZERO)
    credited = sum((c.amount if c.amount is not None else invoice.due_amount
                    for c in client.invoicing.credit_notes if c.cancels == number), ZERO)
    return invoice.due_amount - paid - credited


def _payment_problems(invoice_set: InvoiceSet, number: str, amount: Decimal,
                      day: datetime.date, again: bool = False) -> list[Diagnostic]:
    source = invoice_set.prepared.source
    at = ("invoicing", "invoices")
    left = _outstanding(invoice_set, number)
    if left is None:
        known = ", ".join(i.number for i in invoice_set.invoices if not i.credit_note) or "none"
        return [source.diagnostic(at, f"--invoice {number} is not an invoice of this "
                                  f"ledger (invoices: {known})", "paid.invoice")]
    invoice = next(i for i in invoice_set.invoices if i.number == number)
    found = []
    if amount != amount.quantize(Decimal("0.01")) or amount <= 0:
        found.append(source.diagnostic(at, f"--amount {amount} is not a positive amount in "
                                       "cents", "paid.amount"))
    elif amount > left:
        found.append(source.diagnostic(at, f"--amount {amount:.2f} is more than the "
                                       f"{left:.2f} still due on {number}", "paid.amount"))
    if day < invoice.date:
        found.append(source.diagnostic(at, f"--date {day} is before the invoice {number} "
                                       f"of {invoice.date}", "paid.date"))
    client = invoice_set.prepared.client
    for index, payment in enumerate([] if again else client.invoicing.payments):
        if (payment.invoice, payment.date, payment.amount) == (number, day, amount):
            found.append(source.diagnostic(
                ("invoicing", "payments", index), f"this payment of {amount:.2f} on {day} is "
                "already recorded: run `paid` once per payment (or --again for a second "
                "payment of the same amount on the same day)", "paid.duplicate"))
    return found


def record_payment(path: Path, number: str, amount: Decimal, day: datetime.date,
                   method: Optional[str], out_dir: Path, options: Options = Options(),
                   again: bool = False) -> tuple[list[Path], list[Status]]:
    """Record the payment in the ledger of ``path`` (comments kept, atomically), then write
    its lifecycle message 212 when VAT is due on receipt. Nothing is written when the
    payment or its message would be wrong."""
    path = Path(path)
    invoice_set = prepare_invoices(path, options)
    problems = _payment_problems(invoice_set, number, amount, day, again)
    if problems:
        raise UserError(problems)
    entry = {"invoice": number, "date": day, "amount": amount.quantize(Decimal("0.01"))}
    if method:
        entry["method"] = method
    edit = planned_append(path, ("invoicing", "payments"), entry)
    # the payment is the ledger's last: its status is the invoice's last 212
    found = [s for s in statuses(edit.client, facts(invoice_set), number) if s.code == "212"]
    messages = _messages(invoice_set, found[-1:])   # checked before anything is written
    edit.write()
    return write_messages(messages, out_dir), found[-1:]


# --- contratgen ereport -----------------------------------------------------------------

def ereport_files(paths, period, options: Options = Options()) -> dict[str, bytes]:
    """The e-reporting transmissions of ``period`` for the deals of ``paths``: per
    declarant (provider SIREN), one transactions file and, when it reports payments, one
    payments file, each checked against the Flux 10 XSD and the PPF schematron. Raises
    :class:`UserError` with every problem of every file; nothing is returned then."""
    from .ereport import (day_totals, month_end, paid_day_totals, period_problem, problems,
                          reported)
    from .flux10 import flux10_failures, payments_xml, transactions_xml, transmission_id
    parts, found, sources = [], [], {}
    for path in paths:
        try:
            invoice_set = prepare_invoices(Path(path), options)
        except UserError as exc:
            if all(d.code == "invoice.none" for d in exc.diagnostics):
                continue   # a quote or a contract not invoiced yet: nothing to report
            found.extend(exc.diagnostics)
            continue
        trouble = problems(invoice_set)
        found.extend(trouble)
        if trouble:
            continue
        part = reported(invoice_set, period)
        source = sources.setdefault(part.declarant.siren, invoice_set.prepared.source)
        first = next((p for p in parts if p.declarant.siren == part.declarant.siren), None)
        if first is not None and first.declarant != part.declarant:
            found.append(invoice_set.prepared.source.diagnostic(
                ("provider",), f"the same provider (SIREN {part.declarant.siren}) is named "
                f"or reports through another platform in {source.file}", "provider.platform"))
        wrong = period_problem(period, part.franchise)
        if wrong:
            found.append(invoice_set.prepared.source.diagnostic(
                ("provider",), f"{period.start}..{period.end} is not an e-reporting period "
                f"of this provider: {wrong}", "ereport.period"))
        parts.append(part)
    if found:
        raise UserError(found)
    files = {}
    for siren in sorted({p.declarant.siren for p in parts}):
        mine = [p for p in parts if p.declarant.siren == siren]
        declarant = mine[0].declarant
        xml = transactions_xml(declarant, period.start, period.end,
                               [i for p in mine for i in p.invoices],
                               day_totals([d for p in mine for d in p.days]))
        files[transmission_id(declarant, "T", period.start, period.end) + ".xml"] = xml
        # payments are reported per month (two months under the franchise), never per
        # ten days: a ten-day period gives the transactions only
        if any(p.payments_due for p in mine) and period.start.day == 1 \
                and period.end == month_end(period.end):
            xml = payments_xml(declarant, period.start, period.end,
                               [r for p in mine for r in p.paid_invoices],
                               paid_day_totals([r for p in mine for r in p.paid_days]))
            files[transmission_id(declarant, "P", period.start, period.end) + ".xml"] = xml
    failed = [sources[name.split("-")[0]].diagnostic(
                  ("invoicing",), f"the e-reporting transmission {name} breaks {f.text}",
                  f"ereport.{f.rule or 'xsd'}")
              for name, xml in files.items() for f in flux10_failures(xml)]
    if failed:
        raise UserError(failed)
    return files
