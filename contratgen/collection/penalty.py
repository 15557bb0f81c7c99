"""The penalty invoice (``contratgen invoice FILE --penalties INVOICE --on DATE``): the late
interest and the 40 € recovery indemnity of an invoice paid late, or still late on DATE,
as a Factur-X invoice of its own through :mod:`contratgen.invoicing`.

Late-payment penalties and the recovery indemnity are damages, not the price of a supply:
they are outside the scope of VAT (EN 16931 category O, "Not subject to VAT"; no VAT rate,
no VAT identifiers, BR-O-01 to BR-O-14). The figures are those of ``contratgen dues``: the interest still unpaid on DATE (a
partial payment paid the interest accrued at its date first, C. civ. 1343-1), from the
first day of it.
"""
from __future__ import annotations

import datetime
from dataclasses import dataclass
from pathlib import Path
from typing import Sequence

from ..domain import formatting as fmt
from ..pipeline import Options, prepare
from ..output import write_files
from ..document import Prepared
from ..output import safe_name
from ..diagnostics import Diagnostic, UserError
from ..dues import dues_of, invoice_due
from ..invoicing.plan import FINAL, ZERO, Category, Invoice, InvoiceLine, TaxLine
from . import collection_labels

OUTSIDE_SCOPE = Category("O", "Indemnités de retard, hors champ de la TVA", "VATEX-EU-O")


@dataclass(frozen=True)
class PenaltyInvoice:
    prepared: Prepared
    invoice: Invoice
    claimed: str                        # the number of the late invoice
    diagnostics: tuple[Diagnostic, ...]


def _line(number: int, text: str, value) -> InvoiceLine:
    return InvoiceLine(number, text, type(value)(1), None, value, value, None, value,
                       OUTSIDE_SCOPE, ZERO)


def penalty_lines(row, lang: str) -> tuple[InvoiceLine, ...]:
    words = collection_labels(lang)
    s, number = row.standing, row.invoice.number
    lines = []
    if s.interest > 0:     # the interest still unpaid: payments paid the rest (C. civ. 1343-1)
        last = s.periods[-1].last if s.periods else s.on
        start = s.interest_due_from or s.interest_from
        lines.append(_line(1, words["penalty_interest"].format(
            invoice=number, start=fmt.date(start, lang), end=fmt.date(last, lang)),
            s.interest))
    if s.indemnity > 0:
        lines.append(_line(len(lines) + 1, words["penalty_indemnity"].format(invoice=number),
                           s.indemnity))
    return tuple(lines)


def prepare_penalty(path: Path, claimed: str, number: str, on: datetime.date,
                    options: Options = Options()) -> PenaltyInvoice:
    """The penalty invoice ``number`` for the invoice ``claimed``, dated ``on``; raises
    :class:`UserError` when there is nothing to claim or the number is taken."""
    prepared = prepare(Path(path), options)
    source, ledger = prepared.source, prepared.client.invoicing
    dues = dues_of(Path(path), on, options.rates, source.file)
    rows = [r for r in dues.rows if r.invoice is not None and r.invoice.number == claimed]
    where = ("invoicing", "invoices") if ledger else ("document",)
    if not rows:
        known = ", ".join(r.invoice.number for r in dues.rows if r.invoice) or "none"
        raise UserError([source.diagnostic(where, f"no invoice {claimed} in "
                                           f"invoicing.invoices (known: {known})",
                                           "penalties.invoice")])
    row = rows[0]
    if any(inv.number == number for inv in ledger.invoices):
        raise UserError([source.diagnostic(where, f"invoice number {number} is already used "
                                           "in invoicing.invoices: a penalty invoice needs "
                                           "its own number", "penalties.number")])
    lines = penalty_lines(row, prepared.lang)
    if not lines:
        raise UserError([source.diagnostic(where, f"invoice {claimed} owes no late interest "
                                           f"nor indemnity on {on.isoformat()}: no penalty "
                                           "invoice", "penalties.nothing")])
    total = sum((line.net for line in lines), ZERO)
    taxes = (TaxLine(OUTSIDE_SCOPE, ZERO, total, ZERO),)
    index = ledger.invoices.index(row.invoice)
    pay = prepared.client.payment     # due on the contract's terms, as its invoices
    due = invoice_due(on, pay.terms_days, pay.end_of_month)
    invoice = Invoice(number, on, due, FINAL, row.tranche, index, lines, taxes, total, ZERO,
                      total, ZERO, total)
    return PenaltyInvoice(prepared, invoice, claimed, prepared.diagnostics + dues.diagnostics)


def build_penalty(path: Path, out_dir: Path, formats: Sequence[str], claimed: str,
                  number: str, on: datetime.date, options: Options = Options(),
                  converter=None) -> tuple[list[Path], tuple[Diagnostic, ...]]:
    """Build and write ``<number>.pdf`` (Factur-X) and ``.docx``; the paths and warnings."""
    from ..invoicing.pipeline import InvoiceSet, invoice_files
    penalty = prepare_penalty(path, claimed, number, on, options)
    invoice_set = InvoiceSet(penalty.prepared, (penalty.invoice,), penalty.diagnostics)
    made = invoice_files(invoice_set, penalty.invoice, formats, converter, options)
    written = write_files({Path(out_dir) / f"{safe_name(number)}.{ext}": data
                           for ext, data in made.items()})
    return written, penalty.diagnostics
