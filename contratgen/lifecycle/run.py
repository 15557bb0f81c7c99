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
                         tuple((t.rate, t.base + t.amount) for t in i.taxes))
            for i in invoice_set.invoices]


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
    invoice = next((i for i in invoice_set.invoices if i.number == number), None)
    if invoice is None:
        return None
    paid = sum((p.amount for p in client.invoicing.payments if p.invoice == number), ZERO)
    credited = sum((c.amount if c.amount is not None else invoice.due_amount
                    for c in client.invoicing.credit_notes if c.cancels == number), ZERO)
    return invoice.due_amount - paid - credited


def _payment_problems(invoice_set: InvoiceSet, number: str, amount: Decimal,
                      day: datetime.date) -> list[Diagnostic]:
    source = invoice_set.prepared.source
    at = ("invoicing", "invoices")
    left = _outstanding(invoice_set, number)
    if left is None:
        known = ", ".join(i.number for i in invoice_set.invoices) or "none"
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
    return found


def record_payment(path: Path, number: str, amount: Decimal, day: datetime.date,
                   method: Optional[str], out_dir: Path, options: Options = Options()
                   ) -> tuple[list[Path], list[Status]]:
    """Record the payment in the ledger of ``path`` (comments kept, atomically), then write
    its lifecycle message 212 when VAT is due on receipt. Nothing is written when the
    payment or its message would be wrong."""
    path = Path(path)
    invoice_set = prepare_invoices(path, options)
    problems = _payment_problems(invoice_set, number, amount, day)
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
