"""Credit notes (avoirs, UNTDID 1001 type 381): the only lawful way to cancel an invoice.

A credit note cancels what one invoice charged: an advance's amount, a final invoice's
amount due (the advances it deducted stay invoiced), in full or in part
(``invoicing.credit_notes[].amount``, TTC). Its VAT per rate is the cancelled invoice's own
VAT (:attr:`~.plan.Invoice.invoiced_taxes`), in full, or split in the same proportions
as an advance's (:func:`~.plan.advance_taxes`), so a credit note never cancels more VAT
at a rate than the invoice charged. It carries one line per rate, references the
cancelled invoice (BG-3) and is payable by nobody: its amount due is what the client is
owed back (BT-115), settled by a refund or on the next invoice.
"""
from __future__ import annotations

from decimal import Decimal
from typing import Callable, Sequence

from ..domain.money import VatLine
from ..load.ledger import CreditNote
from .plan import CREDIT_NOTE, ZERO, Invoice, InvoiceLine, Preceding, TaxLine, advance_taxes

# (credit note, cancelled invoice, rate or None) → the text of a credit note's line
DescribeCredit = Callable[[CreditNote, Invoice, object], str]


def credit_taxes(cancelled: Invoice, amount) -> tuple[TaxLine, ...]:
    """The VAT per rate of a credit note of ``amount`` TTC (None: the whole invoice)."""
    taxes = tuple(t for t in cancelled.invoiced_taxes if t.base or t.amount)
    if amount is None:
        return taxes
    parts = advance_taxes(amount, [VatLine(t.rate, t.base, t.amount) for t in taxes],
                          taxes[0].category)
    return tuple(TaxLine(t.category, t.rate, p.base, p.amount) for t, p in zip(taxes, parts))


def credit_lines(taxes: Sequence[TaxLine], text: Callable[[object], str]
                 ) -> tuple[InvoiceLine, ...]:
    many = len(taxes) > 1
    return tuple(InvoiceLine(i, text(t.rate if many else None), Decimal(1), None, t.base,
                             t.base, None, t.base, t.category, t.rate)
                 for i, t in enumerate(taxes, start=1))


def credit_note(entry: CreditNote, index: int, cancelled: Invoice,
                describe: DescribeCredit) -> Invoice:
    """The credit note ``entry`` (``invoicing.credit_notes[index]``) of ``cancelled``."""
    taxes = credit_taxes(cancelled, entry.amount)
    total_ht = sum((t.base for t in taxes), ZERO)
    total_vat = sum((t.amount for t in taxes), ZERO)
    lines = credit_lines(taxes, lambda rate: describe(entry, cancelled, rate))
    reference = Preceding(cancelled.number, cancelled.date, cancelled.total_ttc,
                          cancelled.invoiced_taxes)
    return Invoice(entry.number, entry.date, entry.date, CREDIT_NOTE, cancelled.tranche,
                   index, lines, taxes, total_ht, total_vat, total_ht + total_vat, ZERO,
                   total_ht + total_vat, supplied=cancelled.supplied, cancels=reference,
                   reason=entry.reason, ledger="credit_notes")


def credit_notes(entries: Sequence[CreditNote], invoices: Sequence[Invoice],
                 describe: DescribeCredit) -> tuple[Invoice, ...]:
    """Every credit note of the ledger whose invoice is known (the checks report the
    others before this runs)."""
    by_number = {i.number: i for i in invoices}
    return tuple(credit_note(entry, index, by_number[entry.cancels], describe)
                 for index, entry in enumerate(entries) if entry.cancels in by_number)


def check_credit_notes(client, source) -> list:
    """A credit note cancels an invoice of the ledger, once in full or for at most what
    is left of it, after it; its number is not an invoice's."""
    ledger = client.invoicing
    if not ledger or not ledger.credit_notes:
        return []
    invoices = {e.number: e for e in ledger.invoices}
    found, seen = [], set(invoices)
    for i, note in enumerate(ledger.credit_notes):
        def at(key, message):
            return source.diagnostic(("invoicing", "credit_notes", i, key), message,
                                     CODE_CREDIT)
        if note.number in seen:
            found.append(at("number", f"number {note.number} is already used by an "
                                      "invoice or a credit note: numbers are unique"))
        seen.add(note.number)
        target = invoices.get(note.cancels)
        if target is None:
            found.append(at("cancels", f"credit note {note.number} cancels {note.cancels}, "
                                       "which is not an invoice of invoicing.invoices"))
        elif note.date < target.date:
            found.append(at("date", f"credit note {note.number} is dated before the "
                                    f"invoice {note.cancels} it cancels"))
    return found


CODE_CREDIT = "invoice.credit-note"


def check_credit_amounts(notes: Sequence[Invoice], invoices: Sequence[Invoice],
                         source) -> list:
    """The credit notes of one invoice cancel at most what it charged (TTC)."""
    found = []
    credited: dict[str, Decimal] = {}
    charged = {i.number: sum((t.base + t.amount for t in i.invoiced_taxes), ZERO)
               for i in invoices}
    for note in notes:
        number = note.cancels.number
        credited[number] = credited.get(number, ZERO) + note.total_ttc
        if credited[number] > charged.get(number, ZERO):
            found.append(source.diagnostic(
                note.where + ("amount",), f"credit note {note.number} brings the credit on "
                f"{number} to {credited[number]:.2f}, more than the {charged[number]:.2f} it "
                "charged", CODE_CREDIT))
    return found
