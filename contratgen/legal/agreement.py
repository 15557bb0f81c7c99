"""The rules of an instalment agreement (LEGAL_FR.md "Collecting payment"): the plan sums
to the debt, starts on or after the agreement's date, and stays within the two years a
judge could grant (C. civ. 1343-5).
"""
from __future__ import annotations

import datetime
import re

from ..collection.agreement import debt_total, document_extra, plan_of
from .engine import AGREEMENT, ERROR, WARNING, Finder, rule

TWO_YEARS = 2


def _where(doc: Finder, index: int, name: str) -> tuple:
    """An instalment of the list, or the plan's ``first`` / the plan itself."""
    if isinstance(doc.client.installments, list):
        return ("installments", index, name)
    return ("installments", "first") if name == "date" and \
        ("installments", "first") in doc.prepared.source.positions else ("installments",)


def two_years_after(day: datetime.date) -> datetime.date:
    try:
        return day.replace(year=day.year + TWO_YEARS)
    except ValueError:   # 29 February
        return day.replace(year=day.year + TWO_YEARS, day=28)


@rule("legal.agreement-total", ERROR, "all", "C. civ. 1376",
      "the instalments sum exactly to the debt (invoices + interest + indemnity)",
      documents=AGREEMENT)
def agreement_total(doc: Finder):
    debt = debt_total(doc.client.debt)
    planned = sum((p.amount for p in plan_of(doc.client)), debt * 0)
    if planned != debt:
        yield doc.at(("installments",), f"the instalments sum to {planned:.2f}, not to the "
                     f"debt {debt:.2f} (invoices + interest + indemnity): the agreement "
                     "must state one sum")
    bad = [p for p in plan_of(doc.client) if p.amount <= 0]
    for p in bad:
        yield doc.at(("installments",), f"instalment {p.number} comes to {p.amount:.2f}: "
                     "fewer instalments are needed for this debt")


@rule("legal.agreement-dates", ERROR, "all", "—",
      "no instalment is dated before the agreement", documents=AGREEMENT)
def agreement_dates(doc: Finder):
    signed = doc.client.document.date
    for i, p in enumerate(plan_of(doc.client)):
        if p.date < signed:
            yield doc.at(_where(doc, i, "date"), f"instalment {p.number} is dated "
                         f"{p.date.isoformat()}, before the agreement ({signed.isoformat()})")
            return


@rule("legal.agreement-term", WARNING, "all", "C. civ. 1343-5",
      "the plan ends within two years of the agreement (what a judge could grant)",
      documents=AGREEMENT)
def agreement_term(doc: Finder):
    limit = two_years_after(doc.client.document.date)
    late = [(i, p) for i, p in enumerate(plan_of(doc.client)) if p.date > limit]
    if late:
        i, p = late[0]
        yield doc.at(_where(doc, i, "date"), f"instalment {p.number} ({p.date.isoformat()}) "
                     f"and {len(late) - 1} more fall more than two years after the agreement "
                     f"(after {limit.isoformat()}): a judge may grant two years at most; "
                     "a longer plan is valid only as the parties' own agreement")


# what takes every defence from the debtor: a consumer cannot be made to give them up
# (C. conso. R212-2 10°: a clause that hinders the consumer's legal remedies)
# (statements, not the negations that keep them: "ne le prive d'aucun moyen de défense")
WAIVERS = re.compile(r"opposer aucune (?:contestation|exception)|renonce à (?:toute|tout|se "
                     r"prévaloir|invoquer)|no dispute to raise|waives? (?:any|all|every)",
                     re.IGNORECASE)
# what stays in a consumer's acknowledgement (fr and en texts cite the same articles)
KEPT = (("1376", "the debtor's own mention of the sum in words and figures (C. civ. 1376)"),
        ("2240", "the interruption of limitation by the acknowledgement (C. civ. 2240)"))


def _printed(doc: Finder):
    """Each selected clause with its text as the agreement prints it (its context has the
    debt and the plan); nothing when a text cannot be rendered (rendering says why)."""
    from ..diagnostics import UserError
    from ..render.clauses import clause_articles, document_context
    prepared = doc.prepared
    context = document_context(prepared)
    context.update(document_extra(prepared.client))
    try:
        articles, _annexes = clause_articles(prepared, context)
    except UserError:
        return
    own = articles[len(articles) - len(prepared.clauses):]
    for selected, article in zip(prepared.clauses, own):
        yield selected, "\n".join(block.text for block in article.blocks)


@rule("legal.debt-acknowledgement-consumer", ERROR, "B2C", "C. conso. L212-1, R212-2 10°",
      "no waiver of every defence; the amount is acknowledged, the 1376 mention and the "
      "2240 interruption stay", documents=AGREEMENT)
def debt_acknowledgement_consumer(doc: Finder):
    printed = list(_printed(doc))
    if not printed:
        return
    for selected, text in printed:
        found = WAIVERS.search(text)
        if found:
            yield doc.at(_entry(doc, selected),
                         f"clause '{selected.clause.id}' has a consumer give up every "
                         f"defence (\"{found.group(0)}\"): a consumer acknowledges the sum "
                         "and keeps the right to dispute it; remove the waiver")
    whole = "\n".join(text for _, text in printed)
    for article, what in KEPT:
        if article not in whole:
            yield doc.at_field(("clauses",), f"the agreement does not print {what}")


def _entry(doc: Finder, selected) -> tuple:
    """The ``clauses[i]`` entry that chose the clause, or the document (chosen by type)."""
    path = ("clauses", selected.index)
    return path if path in doc.prepared.source.positions else ("document", "type")
