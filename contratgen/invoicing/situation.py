"""Progress invoices (factures de situation) as invoices of the one invoice model
(:class:`~.plan.Invoice`), so each is written in the three syntaxes and validated like
the others.

A situation is a commercial invoice (380) of what the works progressed since the previous
one (:mod:`contratgen.domain.situations`): one line per item line that progressed (its
cumulative share and the previous one in the text), the VAT of this situation per rate,
the earlier situations referenced as preceding invoices (BG-3) but not deducted — each of
them charged its own VAT, so nothing is declared twice. The final situation is the one
that brings every line to 100 %; the situations sum to the contract's base, VAT and TTC
at every rate.

The retention (retenue de garantie, loi 71-584) is withheld from what the client pays,
not from the invoice: base, VAT and amount due (BT-115, which EN 16931 ties to the totals)
stay whole, and the payment terms (BT-20) and the printed invoice state the retention
and the amount to pay.
"""
from __future__ import annotations

import dataclasses
from decimal import Decimal
from typing import Callable, Optional, Sequence

from ..domain import situations as maths
from ..domain.retention import withheld
from ..load.model import Retention
from .plan import FINAL, ZERO, Invoice, InvoiceLine, Preceding, TaxLine, Terms, due_date

# (item description, cumulative percent, previous percent) → the text of a situation's line
DescribeLine = Callable[[str, Decimal, Decimal], str]


def has_situations(entries: Sequence) -> bool:
    return any(e.situation is not None for e in entries)


def situation_invoices(entries: Sequence, terms: Terms, retention: Optional[Retention],
                       describe: DescribeLine) -> tuple[Invoice, ...]:
    """Every situation of the ledger as an invoice (the ledger checked first by the rule
    legal.progress-invoices)."""
    percent = retention.percent if retention else None
    bond = bool(retention and retention.bond)
    planned = maths.plan(terms.computed, entries, percent, bond)
    # the deal's one tranche (no schedule: the whole price at final delivery)
    tranche = terms.computed.tranches[-1]
    made: list[Invoice] = []
    for s in planned:
        lines = _lines(s, terms, describe)
        taxes = tuple(TaxLine(terms.category, t.rate, t.base, t.vat) for t in s.taxes
                      if t.base or t.vat)
        preceding = tuple(Preceding(p.number, p.date, p.total_ttc, p.taxes) for p in made)
        made.append(Invoice(
            s.number, s.date, due_date(s.date, tranche, terms.terms_days, terms.end_of_month),
            FINAL, tranche, s.entry_index, lines, taxes, s.total_ht, s.total_vat, s.total_ttc,
            ZERO, s.total_ttc, preceding, situation=s.situation, final_situation=s.final,
            withheld=s.withheld))
    return tuple(made)


def _lines(s: maths.Situation, terms: Terms, describe: DescribeLine
           ) -> tuple[InvoiceLine, ...]:
    out = []
    for line, computed in zip(s.lines, terms.computed.lines):
        if not line.amount:
            continue
        item = computed.item
        text = describe(item.description, line.percent, line.previous_percent)
        out.append(InvoiceLine(len(out) + 1, text, Decimal(1), None, line.amount,
                               line.amount, None, line.amount, terms.category,
                               item.vat_rate.normalize()))
    return tuple(out)


def with_retention(invoices: Sequence[Invoice], retention: Optional[Retention]
                   ) -> tuple[Invoice, ...]:
    """Tranche invoices with the retention each withholds from what the client pays (on
    the running total of what each invoices: :func:`contratgen.domain.retention.withheld`);
    situations already carry theirs."""
    if retention is None or retention.bond or has_situations(invoices):
        return tuple(invoices)
    kept = withheld([i.due_amount for i in invoices], retention.percent)
    return tuple(dataclasses.replace(i, withheld=w) for i, w in zip(invoices, kept))
