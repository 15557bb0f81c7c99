"""The maths of an instalment agreement: the debt it settles and its plan, exact to the
cent. Pure functions on values (dates, Decimals): the agreement's YAML is read by
:mod:`contratgen.collection.agreement`, its rules are in :mod:`contratgen.legal.agreement`.

- The debt: the invoices' principal still due + late interest + the recovery indemnity.
- The plan: a list of ``(date, amount)`` as written, or ``count`` instalments ``every``
  week / month / quarter from ``first`` — equal amounts rounded half-up to the cent, the
  last taking the remainder, so the plan sums to the debt exactly.
"""
from __future__ import annotations

import calendar
import datetime
from dataclasses import dataclass
from decimal import Decimal
from typing import Iterable, Optional, Sequence

from .money import cents

MONTHS = {"month": 1, "quarter": 3}


@dataclass(frozen=True, slots=True)
class Planned:
    """One instalment: its number (from 1), date and amount."""
    number: int
    date: datetime.date
    amount: Decimal


def add_months(day: datetime.date, months: int) -> datetime.date:
    """The same day ``months`` later, the month's last day when it has fewer days."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return day.replace(year=year, month=month,
                       day=min(day.day, calendar.monthrange(year, month)[1]))


def debt_total(principal: Iterable[Decimal], interest: Decimal,
               indemnity: Decimal) -> Decimal:
    """What the agreement settles: the invoices' principal still due + interest +
    indemnity."""
    return sum(principal, Decimal("0.00")) + interest + indemnity


def instalment_dates(count: int, every: str, first: datetime.date) -> list[datetime.date]:
    """``count`` dates from ``first``, a week, a month or a quarter apart."""
    if every == "week":
        return [first + datetime.timedelta(weeks=k) for k in range(count)]
    return [add_months(first, k * MONTHS[every]) for k in range(count)]


def equal_amounts(total: Decimal, count: int) -> list[Decimal]:
    """``count`` instalments of ``total``: each rounded half-up to the cent, the last one
    taking what remains, so they sum to ``total`` exactly."""
    regular = cents(total / count)
    return [regular] * (count - 1) + [total - regular * (count - 1)]


def written_plan(instalments: Sequence[tuple[datetime.date, Decimal]]) -> tuple[Planned, ...]:
    """A plan written instalment by instalment, numbered from 1."""
    return tuple(Planned(i + 1, d, a) for i, (d, a) in enumerate(instalments))


def periodic_plan(total: Decimal, count: Optional[int], every: str,
                  first: datetime.date) -> tuple[Planned, ...]:
    """``count`` (default 1) equal instalments of ``total`` from ``first``."""
    dates = instalment_dates(count or 1, every, first)
    amounts = equal_amounts(total, len(dates))
    return tuple(Planned(i + 1, d, a) for i, (d, a) in enumerate(zip(dates, amounts)))
