"""Late interest on one invoice, on a date (SPEC.md "Late interest" and Version 3 "Late
interest: the corrections"; LEGAL_FR.md "Collecting payment", "Version 3 rules"). Pure
functions on Decimals: no file, no clock, no printing.

- Interest runs day by day on the principal TTC still unpaid, from the day after the
  start (B2B and public purchasers: the due date; B2C: the formal notice) to the day of
  payment: a period is the half-open span ``(after, until]``.
- A payment on day *p* counts that day at the old base and changes the base from the day
  after. It pays first the interest accrued on that invoice up to *p*, rounded to the cent
  then, and only the rest pays the principal (C. civ. 1343-1); with ``principal_first`` (a
  concession the documents state) it pays the principal only and the interest stays due.
  Interest never bears interest (no capitalisation, C. civ. 1343-2).
- A period that crosses 30 June or 31 December is split there; each part takes its
  half-year's rate: B2B the agreed rate, or with ``legal_default`` the ECB rate in force on
  the half-year's first day + 10 points (C. com. L441-10 II); B2C the legal rate "other
  cases" (the creditor is a professional). A public purchaser owes the ECB rate of the
  half-year in which the interest began to run + 8 points, for the whole delay (CCP
  R2192-31). Simple interest, 365-day year (a leap year too).
- From the day after two months have passed since a judgment became enforceable, the rate
  is the legal rate + 5 points (C. mon. fin. L313-3), or the late-payment rate when that
  is higher: the two are moratory interest of the same nature and do not add up
  (Cass. com. 24 avril 2024, n° 22-24.275).
- A day in a half-year whose figure the table lacks raises
  :class:`~contratgen.domain.halves.RatesMissing`: never another half-year's rate.
- The interest of each span between two payments is exact and rounded half-up to the
  cent once, when a payment imputes it or at the end.
- B2B and public purchasers: the recovery indemnity is due once per invoice that was late
  (not paid in full by its due date), claimed on its own (never imputed). B2C: never.
"""
from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal, localcontext
from enum import Enum
from typing import Optional, Sequence

from .instalments import add_months
from .money import cents
from .rates import RatesMissing, RatesTable, half_bounds, half_of
from .terms import INTEREST_FIRST, PRINCIPAL_FIRST, Terms, late_rate  # noqa: F401

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
    judgments: tuple[datetime.date, ...] = ()  # days judgments became enforceable


# --- output --------------------------------------------------------------------------

class Status(str, Enum):
    NOT_DUE = "not_due"          # the due date is after the date asked about
    PAID = "paid"                # paid in full by the due date
    PAID_LATE = "paid_late"      # paid in full (principal and interest), after the due date
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
    judged: bool = False        # after a judgment: legal rate + 5 points (or higher)

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
class Imputed:
    """How one payment was imputed: first on the interest due at its date, then on the
    principal (C. civ. 1343-1), or the principal only (``principal_first``)."""
    date: datetime.date
    amount: Decimal
    interest: Decimal
    principal: Decimal
    excess: Decimal = ZERO      # more than was owed: to refund or to credit


@dataclass(frozen=True)
class Standing:
    """Where one invoice stands on a date."""
    number: str
    on: datetime.date
    due: datetime.date
    amount: Decimal
    paid: Decimal
    outstanding: Decimal                     # principal still unpaid
    status: Status
    days_late: int
    interest_from: Optional[datetime.date]   # first day of interest; None: none runs
    periods: tuple[Period, ...]
    interest: Decimal                        # late interest still due (accrued − paid)
    indemnity: Decimal
    below_floor: tuple[str, ...] = ()        # half-years whose floor exceeds the agreed rate
    interest_accrued: Decimal = ZERO         # all the interest that ran, rounded per span
    interest_paid: Decimal = ZERO            # what payments paid of it (C. civ. 1343-1)
    imputations: tuple[Imputed, ...] = ()
    overpaid: Decimal = ZERO
    interest_due_from: Optional[datetime.date] = None   # first day of the interest unpaid

    @property
    def claimable(self) -> Decimal:
        """What may be claimed on ``on``: principal, interest and indemnity."""
        return self.outstanding + self.interest + self.indemnity

    @property
    def late(self) -> bool:
        return self.status in (Status.OVERDUE, Status.PAID_LATE)


# --- rates ---------------------------------------------------------------------------

def surcharge_from(judgment: datetime.date) -> datetime.date:
    """The first day of the legal rate + 5 points: the day after the two months from the
    day the judgment became enforceable (C. mon. fin. L313-3; a delay in months ends on
    the day of the same number, CPC 641)."""
    return add_months(judgment, 2) + ONE_DAY


def late_rate_in(half: str, terms: Terms, table: RatesTable,
                 started: Optional[str] = None) -> Decimal:
    """The yearly late-payment rate for the days of ``half`` (before any judgment): the
    one :func:`~contratgen.domain.terms.late_rate` the documents print, of the half-year's
    rates (a public purchaser's: of the half-year ``started`` when interest began). Raises
    RatesMissing when the table lacks it, or lacks the legal rate an agreed B2B rate is
    checked against (its floor)."""
    rates = table.for_half(started if terms.public and started else half)
    rate = late_rate(terms.agreed_rate, terms.business, rates, terms.public)
    if rate is None:
        raise RatesMissing(rates.half, rates.missing)
    if terms.business and not terms.public and terms.agreed_rate is not None \
            and rates.penalty_floor is None:
        raise RatesMissing(rates.half, ("legal",))
    return rate


def judged_rate(half: str, terms: Terms, table: RatesTable, late: Decimal) -> Decimal:
    """After the surcharge date: the legal rate (creditor a professional) + 5 points, or
    the late-payment rate of a professional debtor when higher (no adding up)."""
    surcharged = table.legal_row(half).other + table.judgment_margin
    return max(surcharged, late) if terms.professional_debtor else surcharged


def interest_start(claim: Claim, terms: Terms) -> Optional[datetime.date]:
    """The day after which interest runs: the due date (B2B, public purchasers), or the
    first formal notice sent on or after the due date, or a judgment, which bears interest
    even without one (B2C, C. civ. 1231-6, 1231-7; None when there is neither)."""
    if terms.professional_debtor:
        return claim.due
    notices = sorted(d for d in claim.notices + claim.judgments if d >= claim.due)
    return notices[0] if notices else None


def accrued(base: Decimal, after: datetime.date, until: datetime.date, terms: Terms,
            table: RatesTable, started: Optional[str] = None,
            surcharge: Optional[datetime.date] = None) -> tuple[Period, ...]:
    """Interest on ``base`` for the days ``(after, until]``: one period per half-year, and
    a new one from the ``surcharge`` day (judgment + two months)."""
    periods = []
    first = after + ONE_DAY
    while first <= until:
        half = half_of(first)[0]
        last = min(until, half_bounds(half)[1])
        judged = surcharge is not None and first >= surcharge
        if surcharge is not None and first < surcharge <= last:
            last = surcharge - ONE_DAY
        rate = late_rate_in(half, terms, table, started)
        if judged:
            rate = judged_rate(half, terms, table, rate)
        shown = (started or half) if terms.public and not judged else half
        periods.append(Period(first, last, base, rate, shown, judged))
        first = last + ONE_DAY
    return tuple(periods)


def total_interest(periods: Sequence[Period]) -> Decimal:
    """The interest of all ``periods``, rounded half-up to the cent once."""
    with localcontext() as ctx:
        ctx.prec = 64   # 15-digit bases × rates × days stay exact
        return cents(sum((p.accrual for p in periods), Decimal(0)) / (HUNDRED * DAYS_IN_YEAR))


# --- the ledger of one invoice ----------------------------------------------------------

@dataclass(frozen=True)
class _Run:
    """The invoice's ledger run up to a date."""
    periods: tuple[Period, ...]
    imputations: tuple[Imputed, ...]
    principal: Decimal            # still unpaid (negative: overpaid)
    accrued: Decimal              # interest that ran, rounded per span
    interest_paid: Decimal
    full: Optional[datetime.date]  # the day principal and interest were all paid
    due_from: Optional[datetime.date]  # the first day of the interest still unpaid


def _run(claim: Claim, on: datetime.date, terms: Terms, table: RatesTable) -> _Run:
    after = interest_start(claim, terms)
    started = half_of(after + ONE_DAY)[0] if after is not None else None
    surcharge = min((surcharge_from(j) for j in claim.judgments), default=None)
    principal, unpaid, paid_interest, accrued_total = claim.amount, ZERO, ZERO, ZERO
    periods: list[Period] = []
    imputations: list[Imputed] = []
    last, full, due_from = after, None, None

    def accrue(until: datetime.date) -> Decimal:
        nonlocal last, due_from
        if after is None or last is None or until <= last or principal <= 0:
            return ZERO
        span = accrued(principal, last, until, terms, table, started, surcharge)
        periods.extend(span)
        last = until
        due_from = due_from or span[0].first
        return total_interest(span)

    for p in sorted((p for p in claim.payments if p.date <= on), key=lambda p: p.date):
        gained = accrue(p.date)
        accrued_total += gained
        unpaid += gained
        to_interest = min(p.amount, unpaid) if terms.imputation == INTEREST_FIRST else ZERO
        unpaid -= to_interest
        paid_interest += to_interest
        due_from = None if unpaid <= 0 else due_from
        to_principal = min(p.amount - to_interest, max(principal, ZERO))
        excess = p.amount - to_interest - to_principal
        principal -= p.amount - to_interest
        imputations.append(Imputed(p.date, p.amount, to_interest, to_principal, excess))
        if full is None and principal <= 0 and (unpaid <= 0 or
                                                terms.imputation == PRINCIPAL_FIRST):
            full = p.date        # principal_first: the interest left is claimed apart
        if last is not None and p.date > last:
            last = p.date
    tail = accrue(on)
    return _Run(tuple(periods), tuple(imputations), principal, accrued_total + tail,
                paid_interest, full, due_from if accrued_total + tail > paid_interest else None)


def _status(claim: Claim, on: datetime.date, full: Optional[datetime.date]) -> Status:
    if full is not None:
        return Status.PAID if full <= claim.due else Status.PAID_LATE
    if on < claim.due:
        return Status.NOT_DUE
    return Status.DUE_TODAY if on == claim.due else Status.OVERDUE


def standing(claim: Claim, on: datetime.date, terms: Terms, table: RatesTable) -> Standing:
    """Where ``claim`` stands on ``on``: paid, principal outstanding, days late, late
    interest accrued, paid (imputed first, C. civ. 1343-1) and still due, indemnity, and
    the half-years whose floor the agreed rate is below. Raises RatesMissing when a day of
    interest falls in a half-year whose figure the table lacks."""
    run = _run(claim, on, terms, table)
    paid = sum((p.amount for p in claim.payments if p.date <= on), ZERO)
    status = _status(claim, on, run.full)
    end = run.full if run.full is not None else on
    days_late = max((end - claim.due).days, 0)
    indemnity = ZERO
    if terms.professional_debtor and status in (Status.OVERDUE, Status.PAID_LATE):
        indemnity = cents(terms.indemnity if terms.indemnity is not None and not terms.public
                          else table.recovery_indemnity_min)
    halves = sorted({p.half for p in run.periods})
    below = tuple(h for h in halves if terms.business and not terms.public
                  and terms.agreed_rate is not None
                  and terms.agreed_rate < table.for_half(h).penalty_floor)
    return Standing(claim.number, on, claim.due, claim.amount, paid,
                    max(run.principal, ZERO), status, days_late,
                    run.periods[0].first if run.periods else None, run.periods,
                    run.accrued - run.interest_paid, indemnity, below, run.accrued,
                    run.interest_paid, run.imputations, max(-run.principal, ZERO),
                    run.due_from)


def standings(claims: Sequence[Claim], on: datetime.date, terms: Terms,
              table: RatesTable) -> tuple[Standing, ...]:
    return tuple(standing(c, on, terms, table) for c in claims)
