"""The instalment agreement (``document.type: installment_agreement``): the debt it
settles, its plan, and what its template and clauses see. The maths (plan exact to the
cent, debt total) are :mod:`contratgen.domain.instalments`; this module reads them from
client.yaml.

``debt.interest: auto``: the late interest still due on ``document.date``, computed by the
function of ``contratgen dues`` (:func:`contratgen.domain.interest.standing`) from the
agreement's own ledger of the invoices it names — each invoice's ``amount`` is then the
amount invoiced, due after the agreement's payment terms, and ``invoicing.payments``
(``notices``, ``judgments``) for its number are imputed on interest first (C. civ. 1343-1)
— and each invoice's principal still due replaces its amount. :func:`resolve_debt` does it
once, when the document is prepared, so that the rules, the plan and the text all read the
same figures. The legal checks are rules: :mod:`contratgen.legal.agreement`.
"""
from __future__ import annotations

from decimal import Decimal
from typing import Any, Optional

from ..diagnostics import UserError
from ..domain import formatting as fmt
from ..domain.halves import RatesMissing
from ..domain.instalments import (Planned, add_months, debt_total as total_of,  # noqa: F401
                                  equal_amounts, periodic_plan, written_plan)
from ..domain.interest import Claim, Received, standing
from ..domain.rates import RatesTable, shipped_table
from ..domain.terms import invoice_due, terms_of
from ..load.ledger import Debt
from ..load.model import ClauseRef, ClientFile
from ..load.source import Source

KIND = "installment_agreement"
# the agreement's own clauses, in order; "acceleration" only with `acceleration: true`
CLAUSES = ("debt_acknowledgement", "installment_plan", "acceleration", "limitation")


def debt_principal(debt: Debt) -> Decimal:
    return sum((inv.amount for inv in debt.invoices), Decimal("0.00"))


def debt_total(debt: Debt) -> Decimal:
    """What the agreement settles: the invoices still due + interest + indemnity (a debt
    resolved by :func:`resolve_debt` when its interest is ``auto``)."""
    interest = debt.interest if isinstance(debt.interest, Decimal) else Decimal("0.00")
    return total_of((inv.amount for inv in debt.invoices), interest, debt.indemnity)


def plan_of(client: ClientFile) -> tuple[Planned, ...]:
    """The instalments of the agreement, numbered from 1."""
    given = client.installments
    if isinstance(given, list):
        return written_plan([(inst.date, inst.amount) for inst in given])
    return periodic_plan(debt_total(client.debt), given.count, given.every,
                         given.first or client.document.date)


def debt_claims(client: ClientFile) -> tuple[Claim, ...]:
    """The invoices an agreement names, with the agreement's ledger of them."""
    pay, ledger = client.payment, client.invoicing
    claims = []
    for inv in client.debt.invoices:
        def of(kind: str) -> list:
            return [e for e in (getattr(ledger, kind) if ledger else ()) if e.invoice ==
                    inv.number]
        claims.append(Claim(inv.number, invoice_due(inv.date, pay.terms_days,
                                                    pay.end_of_month), inv.amount,
                            tuple(Received(p.date, p.amount) for p in of("payments")),
                            tuple(n.date for n in of("notices")),
                            tuple(j.date for j in of("judgments"))))
    return tuple(claims)


def resolve_debt(client: ClientFile, table: Optional[RatesTable],
                 source: Source) -> ClientFile:
    """An agreement whose ``debt.interest`` is ``auto``, with the interest still due on
    ``document.date`` and each invoice's principal still due, as ``contratgen dues``
    computes them; any other document unchanged. A day of interest in a half-year the
    rates table lacks is a located error on ``debt.interest``."""
    if client.document.type != KIND or client.debt is None or client.debt.interest != "auto":
        return client
    on, terms = client.document.date, terms_of(client)
    try:
        standings = [standing(c, on, terms, table or shipped_table())
                     for c in debt_claims(client)]
    except RatesMissing as exc:
        raise UserError([source.diagnostic(("debt", "interest"), f"debt.interest: auto on "
                                           f"{on.isoformat()}: {exc}", "rates.missing")])
    invoices = [inv.model_copy(update={"amount": s.outstanding})
                for inv, s in zip(client.debt.invoices, standings)]
    interest = sum((s.interest for s in standings), Decimal("0.00"))
    debt = client.debt.model_copy(update={"invoices": invoices, "interest": interest})
    return client.model_copy(update={"debt": debt})


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
        "principal_first": client.payment.imputation == "principal_first",
    }


def document_extra(client: ClientFile) -> dict[str, Any]:
    """What ``build`` adds to an agreement's context: ``agreement`` and the labels of
    collection documents; nothing for another document."""
    if client.document.type != KIND:
        return {}
    from . import collection_labels
    return {"agreement": agreement_context(client),
            "labels": collection_labels(client.document.language)}
