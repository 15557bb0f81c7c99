"""Late interest on one invoice, on a date (SPEC.md "Late interest"; LEGAL_FR.md
"Collecting payment"). Pure functions on Decimals: no file, no clock, no printing.

- Interest runs day by day on the amount TTC still unpaid, from the day after the start
  (B2B: the due date; B2C: the formal notice) to the day of payment, both as counted by
  ``payment date - start date``: a period is the half-open span ``(after, until]``.
- A payment on day *p* counts that day at the old base and reduces the base from the day
  after (so a full payment on *p* gives ``p - due`` days of interest, the usual count).
- A period that crosses 30 June or 31 December is split there; each part takes its
  half-year's rate: B2B the agreed rate, or with ``legal_default`` the ECB rate in force on
  the half-year's first day + 10 points; B2C the legal rate "other cases" (the creditor is
  a professional). Simple interest, 365-day year (a leap year too).
- Each part is exact; the invoice's total is rounded half-up to the cent once.
- B2B: the recovery indemnity is due once per invoice that was late (not paid in full by
  its due date). B2C: never.
"""
from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal, localcontext
from enum import Enum
from typing import Iterator, Optional, Sequence

from .money import cents
from .rates import RatesTable, half_bounds, half_of
from .terms import late_rate

DAYS_IN_YEAR = Decimal(365)
HUNDRED = Decimal(100)
ZERO = Decimal("0.00")
ONE_DAY = datetime.timedelta(days=1)


# --- input ---------------------------------------------------------------------------

@dataclass(frozen=True)
class Received:
    """Money received against an invoice."""
    date: datetime.date
    amount: Decimal


@dataclass(frozen=True)
class Claim:
    """One invoice, as the engine needs it."""
    number: str
    due: datetime.date
    amount: Decimal                          # TTC
    payments: tuple[Received, ...] = ()
    notices: tuple[datetime.date, ...] = ()  # formal notices (mises en demeure) sent


@dataclass(frozen=True)
class Terms:
    """What the contract says about late payment."""
    business: bool                           # B2B: penalties from the due date, indemnity
    agreed_rate: Optional[Decimal] = None    # percent a year; None: legal_default / legal rate
    indemnity: Optional[Decimal] = None      # B2B per late invoice; None: the D441-5 minimum


# --- output --------------------------------------------------------------------------

class Status(str, Enum):
    NOT_DUE = "not_due"          # the due date is after the date asked about
    PAID = "paid"                # paid in full by the due date
    PAID_LATE = "paid_late"      # paid in full, after the due date
    OVERDUE = "overdue"          # something is still owed after the due date
    DUE_TODAY = "due_today"      # the due date is the date asked about, not paid yet


@dataclass(frozen=True)
class Period:
    """Days of interest at one base and one rate: ``first``..``last`` inclusive."""
    first: datetime.date
    last: datetime.date
    base: Decimal
    rate: Decimal
    half: str                   # the half-year whose rate applies ("2024-H1")

    @property
    def days(self) -> int:
        return (self.last - self.first).days + 1

    @property
    def accrual(self) -> Decimal:
        """base × rate × days, exact: the interest is this / (100 × 365). Sums of accruals
        are exact, so the one division and the one rounding come last."""
        return self.base * self.rate * self.days

    @property
    def interest(self) -> Decimal:
        """This period's interest, unrounded (to 28 digits), for display."""
        return self.accrual / (HUNDRED * DAYS_IN_YEAR)


@dataclass(frozen=True)
class Standing:
    """Where one invoice stands on a date."""
    number: str
    on: datetime.date
    due: datetime.date
    amount: Decimal
    paid: Decimal
    outstanding: Decimal
    status: Status
    days_late: int
    interest_from: Optional[datetime.date]   # first day of interest; None: none runs
    periods: tuple[Period, ...]
    interest: Decimal                        # the invoice's total, rounded once
    indemnity: Decimal
    uncovered: tuple[str, ...] = ()          # half-years missing from the rates table
    below_floor: tuple[str, ...] = ()        # half-years whose floor exceeds the agreed rate

    @property
    def claimable(self) -> Decimal:
        """What may be claimed on ``on``: principal, interest and indemnity."""
        return self.outstanding + self.interest + self.indemnity

    @property
    def late(self) -> bool:
        return self.status in (Status.OVERDUE, Status.PAID_LATE)


# --- the computation -----------------------------------------------------------------

def rate_in(half: str, terms: Terms, table: RatesTable) -> Decimal:
    """The yearly rate of late interest for the days of ``half``."""
    return late_rate(terms.agreed_rate, terms.business, table.for_half(half))


def interest_start(claim: Claim, terms: Terms) -> Optional[datetime.date]:
    """The day after which interest runs: the due date (B2B), or the first formal notice
    sent on or after the due date (B2C; None when there is none)."""
    if terms.business:
        return claim.due
    notices = sorted(d for d in claim.notices if d >= claim.due)
    return notices[0] if notices else None


def accrued(base: Decimal, after: datetime.date, until: datetime.date, terms: Terms,
            table: RatesTable) -> tuple[Period, ...]:
    """Interest on ``base`` for the days ``(after, until]``, one period per half-year."""
    periods = []
    first = after + ONE_DAY
    while first <= until:
        half = half_of(first)[0]
        last = min(until, half_bounds(half)[1])
        periods.append(Period(first, last, base, rate_in(half, terms, table), half))
        first = last + ONE_DAY
    return tuple(periods)


def _bases(claim: Claim, after: datetime.date,
           until: datetime.date) -> Iterator[tuple[Decimal, datetime.date, datetime.date]]:
    """``(base, after, until)`` spans: the base drops the day after each payment."""
    payments = sorted(claim.payments, key=lambda p: p.date)
    base = claim.amount - sum((p.amount for p in payments if p.date <= after), ZERO)
    start = after
    for p in payments:
        if p.date <= after:
            continue
        if p.date >= until or base <= 0:
            break
        yield base, start, p.date
        base -= p.amount
        start = p.date
    if base > 0 and start < until:
        yield base, start, until


def periods_of(claim: Claim, on: datetime.date, terms: Terms,
               table: RatesTable) -> tuple[Period, ...]:
    """Every period of interest on ``claim`` up to ``on`` (or the day it was paid)."""
    after = interest_start(claim, terms)
    if after is None:
        return ()
    until = min(on, paid_in_full_on(claim, on) or on)
    return tuple(period for base, start, end in _bases(claim, after, until)
                 for period in accrued(base, start, end, terms, table))


def total_interest(periods: Sequence[Period]) -> Decimal:
    """The interest of all ``periods``, rounded half-up to the cent once."""
    with localcontext() as ctx:
        ctx.prec = 64   # 15-digit bases × rates × days stay exact
        return cents(sum((p.accrual for p in periods), Decimal(0)) / (HUNDRED * DAYS_IN_YEAR))


def paid_in_full_on(claim: Claim, on: datetime.date) -> Optional[datetime.date]:
    """The day the payments received by ``on`` first covered the amount, if they did."""
    total = ZERO
    for p in sorted(claim.payments, key=lambda p: p.date):
        if p.date > on:
            break
        total += p.amount
        if total >= claim.amount:
            return p.date
    return None


def _status(claim: Claim, on: datetime.date, full: Optional[datetime.date]) -> Status:
    if full is not None:
        return Status.PAID if full <= claim.due else Status.PAID_LATE
    if on < claim.due:
        return Status.NOT_DUE
    return Status.DUE_TODAY if on == claim.due else Status.OVERDUE


def standing(claim: Claim, on: datetime.date, terms: Terms, table: RatesTable) -> Standing:
    """Where ``claim`` stands on ``on``: paid, outstanding, days late, late interest
    (rounded once), indemnity, and the half-years whose rates were missing or whose floor
    the agreed rate is below."""
    paid = sum((p.amount for p in claim.payments if p.date <= on), ZERO)
    outstanding = max(claim.amount - paid, ZERO)
    full = paid_in_full_on(claim, on)
    status = _status(claim, on, full)
    end = full if full is not None else on
    days_late = max((end - claim.due).days, 0)
    periods = periods_of(claim, on, terms, table)
    interest = total_interest(periods)
    indemnity = ZERO
    if terms.business and status in (Status.OVERDUE, Status.PAID_LATE):
        indemnity = cents(terms.indemnity if terms.indemnity is not None
                          else table.for_half(half_of(claim.due)[0]).recovery_indemnity_min)
    halves = sorted({p.half for p in periods})
    uncovered = tuple(h for h in halves if h not in table.halves)
    below = tuple(h for h in halves if terms.business and terms.agreed_rate is not None
                  and terms.agreed_rate < table.for_half(h).penalty_floor)
    return Standing(claim.number, on, claim.due, claim.amount, paid, outstanding, status,
                    days_late, periods[0].first if periods else None, periods, interest,
                    indemnity, uncovered, below)


def standings(claims: Sequence[Claim], on: datetime.date, terms: Terms,
              table: RatesTable) -> tuple[Standing, ...]:
    return tuple(standing(c, on, terms, table) for c in claims)
