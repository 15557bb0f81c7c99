"""The instalment agreement (``document.type: installment_agreement``): the debt it
settles, its plan exact to the cent, and what its template and clauses see.

The plan: a list of ``{date, amount}`` as written, or ``{count, every, first}`` — equal
instalments rounded half-up to the cent, the last taking the remainder, so the plan sums
to the debt exactly. The legal checks (a plan that does not sum to the debt, dates before
the agreement, beyond two years) are rules: :mod:`contratgen.legal.agreement`.
"""
from __future__ import annotations

from dataclasses import dataclass

import calendar
import datetime
from decimal import Decimal
from typing import Any

from ..domain import formatting as fmt
from ..load.ledger import Debt, InstalmentPlan
from ..load.model import ClauseRef, ClientFile
from ..domain.money import cents

KIND = "installment_agreement"
# the agreement's own clauses, in order; "acceleration" only with `acceleration: true`
CLAUSES = ("debt_acknowledgement", "installment_plan", "acceleration", "limitation")
MONTHS = {"month": 1, "quarter": 3}


@dataclass(frozen=True, slots=True)
class Planned:
    number: int
    date: datetime.date
    amount: Decimal


def debt_principal(debt: Debt) -> Decimal:
    return sum((inv.amount for inv in debt.invoices), Decimal("0.00"))


def debt_total(debt: Debt) -> Decimal:
    """What the agreement settles: the invoices still due + interest + indemnity."""
    return debt_principal(debt) + debt.interest + debt.indemnity


def add_months(day: datetime.date, months: int) -> datetime.date:
    """The same day ``months`` later, the month's last day when it has fewer days."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return day.replace(year=year, month=month,
                       day=min(day.day, calendar.monthrange(year, month)[1]))


def instalment_dates(plan: InstalmentPlan, start: datetime.date) -> list[datetime.date]:
    first = plan.first or start
    if plan.every == "week":
        return [first + datetime.timedelta(weeks=k) for k in range(plan.count or 1)]
    return [add_months(first, k * MONTHS[plan.every]) for k in range(plan.count or 1)]


def equal_amounts(total: Decimal, count: int) -> list[Decimal]:
    """``count`` instalments of ``total``: each rounded half-up to the cent, the last one
    taking what remains, so they sum to ``total`` exactly."""
    regular = cents(total / count)
    return [regular] * (count - 1) + [total - regular * (count - 1)]


def plan_of(client: ClientFile) -> tuple[Planned, ...]:
    """The instalments of the agreement, numbered from 1."""
    given = client.installments
    if isinstance(given, list):
        return tuple(Planned(i + 1, inst.date, inst.amount) for i, inst in enumerate(given))
    dates = instalment_dates(given, client.document.date)
    amounts = equal_amounts(debt_total(client.debt), len(dates))
    return tuple(Planned(i + 1, d, a) for i, (d, a) in enumerate(zip(dates, amounts)))


def with_agreement_clauses(client: ClientFile) -> ClientFile:
    """An instalment agreement's own clauses, in their order (the acceleration clause only
    when ``acceleration`` is true; one that client.yaml lists, with its params, takes its
    place), then the other clauses client.yaml lists; other documents unchanged."""
    if client.document.type != KIND:
        return client
    listed = {ref.id: ref for ref in client.clauses}
    own = [listed.get(cid, ClauseRef(id=cid)) for cid in CLAUSES
           if cid in listed or cid != "acceleration" or client.acceleration]
    rest = [ref for ref in client.clauses if ref.id not in CLAUSES]
    return client.model_copy(update={"clauses": own + rest})


def agreement_context(client: ClientFile) -> dict[str, Any]:
    """``agreement`` in the template and clause context: the debt, the plan, the options."""
    lang, debt = client.document.language, client.debt
    money = lambda v: fmt.money(v, lang)  # noqa: E731
    plan = plan_of(client)
    total = debt_total(debt)
    return {
        "invoices": [{"number": inv.number, "date": fmt.date(inv.date, lang),
                      "amount": money(inv.amount), "amount_value": inv.amount}
                     for inv in debt.invoices],
        "principal": money(debt_principal(debt)), "principal_value": debt_principal(debt),
        "interest": money(debt.interest), "interest_value": debt.interest,
        "has_interest": debt.interest > 0,
        "indemnity": money(debt.indemnity), "indemnity_value": debt.indemnity,
        "has_indemnity": debt.indemnity > 0,
        "total": money(total), "total_value": total,
        "total_words": fmt.amount_in_words(total, lang, client.payment.currency),
        "plan": [{"number": p.number, "date": fmt.date(p.date, lang),
                  "amount": money(p.amount), "date_value": p.date, "amount_value": p.amount}
                 for p in plan],
        "count": len(plan),
        "plan_total": money(sum((p.amount for p in plan), Decimal("0.00"))),
        "first": fmt.date(plan[0].date, lang) if plan else None,
        "last": fmt.date(plan[-1].date, lang) if plan else None,
        "every": None if isinstance(client.installments, list) else
        client.installments.every,
        "acceleration": client.acceleration,
        "business": client.client.kind == "business",
    }


def document_extra(client: ClientFile) -> dict[str, Any]:
    """What ``build`` adds to an agreement's context: ``agreement`` and the labels of
    collection documents; nothing for another document."""
    if client.document.type != KIND:
        return {}
    from . import collection_labels
    return {"agreement": agreement_context(client),
            "labels": collection_labels(client.document.language)}
