"""Money: Decimal arithmetic, the one rounding rule, VAT breakdown, tranche allocation.

Everything here is exact. Amounts are rounded half-up to the cent in :func:`cents`
and nowhere else; tranches are allocated so that they sum to the TTC total to the
cent (the last tranche takes the remainder).
"""
from __future__ import annotations

from dataclasses import dataclass

import datetime
from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal, localcontext
from typing import Sequence, Union

from ..load.model import ClientFile, DaysAfter, Item, Tranche as TrancheInput

CENT = Decimal("0.01")
HUNDRED = Decimal(100)


def cents(amount: Decimal) -> Decimal:
    """The single rounding rule of contratgen: half-up to the cent."""
    return Decimal(amount).quantize(CENT, rounding=ROUND_HALF_UP)


@dataclass(frozen=True, slots=True)
class Line:
    item: Item
    gross: Decimal   # quantity × unit price, before discount, rounded
    total_ht: Decimal  # after discount, rounded


@dataclass(frozen=True, slots=True)
class VatLine:
    rate: Decimal
    base: Decimal
    amount: Decimal


@dataclass(frozen=True, slots=True)
class Tranche:
    number: int
    label: str
    percent: Decimal   # as given, or computed from the amount (2 decimals)
    amount: Decimal
    due: Union[str, datetime.date, DaysAfter]
    source_index: int


@dataclass(frozen=True, slots=True)
class Computed:
    lines: tuple[Line, ...]
    vat_lines: tuple[VatLine, ...]
    total_ht: Decimal
    total_vat: Decimal
    total_ttc: Decimal
    tranches: tuple[Tranche, ...]

    @property
    def deposit(self) -> Tranche | None:
        """The first tranche, when it is paid up-front (see :func:`up_front`)."""
        if len(self.tranches) > 1 and up_front(self.tranches[0].due):
            return self.tranches[0]
        return None


UP_FRONT = ("signature", "order")


def up_front(due) -> bool:
    """Paid before the work: at signature or order, or a number of days after them."""
    if isinstance(due, DaysAfter):
        return due.days_after in UP_FRONT
    return isinstance(due, str) and due in UP_FRONT


class ScheduleError(ValueError):
    """The schedule does not add up; ``index`` is the tranche at fault, if any."""

    def __init__(self, message: str, index: int | None = None):
        super().__init__(message)
        self.index = index


def line_total(item: Item) -> Line:
    gross = cents(item.quantity * item.unit_price)
    total = gross
    if item.discount:
        total = cents(item.quantity * item.unit_price * (HUNDRED - item.discount) / HUNDRED)
    return Line(item, gross, total)


def vat_breakdown(lines: Sequence[Line]) -> tuple[VatLine, ...]:
    """VAT per rate, on the sum of the rounded line totals of that rate."""
    bases: dict[Decimal, Decimal] = {}
    for line in lines:
        rate = line.item.vat_rate.normalize()
        bases[rate] = bases.get(rate, Decimal(0)) + line.total_ht
    return tuple(VatLine(rate, base, cents(base * rate / HUNDRED))
                 for rate, base in sorted(bases.items()))


def allocate(schedule: Sequence[TrancheInput], total: Decimal) -> tuple[Tranche, ...]:
    """Split ``total`` into tranches that sum to it exactly.

    All tranches are given in percent (summing to 100) or all in amounts (summing to
    the total). With percents, every tranche but the last is rounded and the last takes
    the remainder, so rounding never loses or creates a cent.
    """
    if not schedule:
        return ()
    kinds = {t.percent is None for t in schedule}
    if len(kinds) > 1:
        raise ScheduleError("give every tranche as a percent, or every tranche as an amount, "
                            "not a mix")
    if schedule[0].percent is not None:
        return _allocate_percents(schedule, total)
    return _allocate_amounts(schedule, total)


def _allocate_percents(schedule, total):
    percent_sum = sum(t.percent for t in schedule)
    if percent_sum != HUNDRED:
        raise ScheduleError(f"the tranches sum to {percent_sum.normalize():f} %, not 100 %")
    tranches, allocated = [], Decimal(0)
    for i, t in enumerate(schedule):
        last = i == len(schedule) - 1
        amount = total - allocated if last else cents(total * t.percent / HUNDRED)
        if amount <= 0:
            raise ScheduleError(f"tranche '{t.label}' comes to {amount} on a total of "
                                f"{total}: every tranche must be positive", i)
        allocated += amount
        tranches.append(Tranche(i + 1, t.label, t.percent, amount, t.due, i))
    return tuple(tranches)


def _allocate_amounts(schedule, total):
    amounts = [cents(t.amount) for t in schedule]
    for i, (t, a) in enumerate(zip(schedule, amounts)):
        if a != t.amount:
            raise ScheduleError(f"tranche '{t.label}' has more than two decimals", i)
    if sum(amounts) != total:
        raise ScheduleError(f"the tranches sum to {sum(amounts)}, not to the TTC total "
                            f"{total}")
    percents = _shares(amounts, total)
    return tuple(Tranche(i + 1, t.label, percent, amount, t.due, i)
                 for i, (t, amount, percent) in enumerate(zip(schedule, amounts, percents)))


def _shares(amounts: Sequence[Decimal], total: Decimal) -> list[Decimal]:
    """Each amount's share of ``total`` in percent, to the hundredth, summing to exactly
    100, so no share is ever shown below zero."""
    return split(HUNDRED, amounts)


def split(total: Decimal, weights: Sequence[Decimal]) -> list[Decimal]:
    """``total`` (a positive whole number of cents) split in proportion to ``weights``,
    to the cent, the parts summing to it exactly (largest remainder: each part is its
    exact value rounded down, and the cents left go to the largest remainders)."""
    whole = sum(weights, Decimal(0))
    if whole == 0:
        return [Decimal("0.00") for _ in weights]
    with localcontext() as ctx:
        ctx.prec = 64
        exact = [total * weight / whole for weight in weights]
    floors = [share.quantize(CENT, rounding=ROUND_DOWN) for share in exact]
    left = int((total - sum(floors)) / CENT)
    by_remainder = sorted(range(len(exact)), key=lambda i: (floors[i] - exact[i], i))
    for i in by_remainder[:left]:
        floors[i] += CENT
    return floors


def compute(client: ClientFile) -> Computed:
    """All the numbers of a document; raises :class:`ScheduleError` if it cannot add up."""
    with localcontext() as ctx:
        ctx.prec = 64  # 15-digit quantities × 15-digit prices stay exact before rounding
        return _compute(client)


def _compute(client: ClientFile) -> Computed:
    lines = tuple(line_total(item) for item in client.items)
    vat_lines = vat_breakdown(lines)
    total_ht = sum((line.total_ht for line in lines), Decimal("0.00"))
    total_vat = sum((v.amount for v in vat_lines), Decimal("0.00"))
    total_ttc = total_ht + total_vat
    tranches = allocate(client.payment.schedule, total_ttc)
    return Computed(lines, vat_lines, total_ht, total_vat, total_ttc, tranches)
