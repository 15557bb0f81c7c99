"""The retenue de garantie (loi 71-584): what each invoice withholds, and what its release
asks for. Pure functions on Decimals, rounded only by :func:`contratgen.domain.money.cents`.

The retention is withheld from the *amount due* of each invoice; the invoice itself keeps
its full base and VAT (the works were supplied, the VAT is due on them). It is rounded on
the running total, not invoice by invoice: the k-th invoice withholds
``cents(C_k × p) − cents(C_{k−1} × p)`` where ``C_k`` is the TTC invoiced through it, so
that whatever the number of invoices the whole retention is ``cents(TTC × p)`` — at most
5 % of the TTC price to the cent — and the amounts due plus the release are the price.

Under a bond (``bond: true``: a caution replaces the retention, art. 1 al. 2) nothing is
withheld. The release falls due a year after the acceptance of the works
(``document.performance.accepted_works``) unless the client opposed it (art. 2).
"""
from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal
from typing import Optional, Sequence

from .money import HUNDRED, cents

MAX_PERCENT = Decimal(5)        # loi 71-584 art. 1: "au plus égale à 5 %"
RELEASE_DAYS = 365              # art. 2: "à l'expiration du délai d'une année"
ZERO = Decimal("0.00")


def withheld(invoiced: Sequence[Decimal], percent: Optional[Decimal],
             bond: bool = False) -> tuple[Decimal, ...]:
    """What each invoice withholds, given the TTC each invoice adds (in ledger order):
    rounded on the running total, so the sum is ``cents(sum(invoiced) × percent)``."""
    if not percent or bond:
        return tuple(ZERO for _ in invoiced)
    out, running, before = [], Decimal(0), ZERO
    for amount in invoiced:
        running += amount
        through = cents(running * percent / HUNDRED)
        out.append(through - before)
        before = through
    return tuple(out)


def total_withheld(total_ttc: Decimal, percent: Optional[Decimal], bond: bool = False
                   ) -> Decimal:
    """The whole retention on a price: ``cents(TTC × percent)``, nothing under a bond."""
    if not percent or bond:
        return ZERO
    return cents(total_ttc * percent / HUNDRED)


def release_due(accepted_works: Optional[datetime.date], release_days: int = RELEASE_DAYS
                ) -> Optional[datetime.date]:
    """The day the retention may be claimed: ``release_days`` after the acceptance of the
    works (unknown until it is recorded)."""
    if accepted_works is None:
        return None
    return accepted_works + datetime.timedelta(days=release_days)


@dataclass(frozen=True)
class Withholding:
    """One invoice's retention: its number, the TTC it invoices, what it withholds."""
    number: str
    date: datetime.date
    invoiced: Decimal
    withheld: Decimal

    @property
    def due(self) -> Decimal:
        """What the client pays on this invoice: its TTC less the retention."""
        return self.invoiced - self.withheld


@dataclass(frozen=True)
class Release:
    """The request to release the retention: a payment request, not an invoice (the
    withheld amounts were invoiced, with their VAT, on the invoices that withheld them)."""
    number: str
    date: datetime.date
    withholdings: tuple[Withholding, ...]
    accepted_works: Optional[datetime.date]
    due_from: Optional[datetime.date]        # a year after the acceptance of the works

    @property
    def amount(self) -> Decimal:
        return sum((w.withheld for w in self.withholdings), ZERO)

    @property
    def early(self) -> bool:
        """Asked before the year after acceptance has run (or before acceptance)."""
        return self.due_from is None or self.date < self.due_from


def withholdings(invoices: Sequence[tuple[str, datetime.date, Decimal]],
                 percent: Optional[Decimal], bond: bool = False) -> tuple[Withholding, ...]:
    """Each ``(number, date, TTC invoiced)`` with what it withholds."""
    amounts = withheld([ttc for _, _, ttc in invoices], percent, bond)
    return tuple(Withholding(number, date, ttc, amount)
                 for (number, date, ttc), amount in zip(invoices, amounts))
