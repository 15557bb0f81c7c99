"""What each tranche of a deal owes on a date (``contratgen dues``): its due date, from
the ledger (``invoicing``) and the schedule, then the interest engine on each.

load → validate → compute (money) → ledger checks → due dates → :mod:`interest`.
Returns values; the CLI prints them.
"""
from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any, Optional

from .assemble import compute_numbers, default_schedule
from .diagnostics import ERROR, WARNING, Diagnostic, UserError, has_errors
from .domain.interest import Claim, Received, Standing, Terms, standing
from .domain.halves import RatesMissing
from .domain.terms import end_of_month, invoice_due, terms_of  # noqa: F401 (their home)
from .load.ledger import InvoiceEntry
from .load.model import ClientFile, DaysAfter
from .load.salvage import NOTHING, checked
from .domain.money import Computed, Tranche
from .domain.rates import RatesTable, half_label, shipped_table
from .load.source import Source, load_file

NOT_INVOICED = "not_invoiced"     # no invoice and no date yet: nothing is due


@dataclass(frozen=True)
class TrancheDue:
    """One tranche on a date: its invoice (if any), due date, and standing."""
    tranche: Tranche
    invoice: Optional[InvoiceEntry]
    due: Optional[datetime.date]
    standing: Optional[Standing]            # None until a due date is known
    payments: tuple[Received, ...] = ()     # the ledger of its invoice, every date
    notices: tuple[datetime.date, ...] = ()

    @property
    def status(self) -> str:
        return self.standing.status.value if self.standing else NOT_INVOICED

    @property
    def overdue(self) -> bool:
        return self.standing is not None and self.standing.outstanding > 0 and \
            self.standing.days_late > 0


@dataclass(frozen=True)
class DocumentDues:
    """Every tranche of one document on ``on``."""
    file: str
    number: str
    date: datetime.date
    language: str
    provider: str
    client: str
    business: bool
    on: datetime.date
    total_ttc: Decimal
    rows: tuple[TrancheDue, ...]
    diagnostics: tuple[Diagnostic, ...] = ()   # warnings (rates, floors, ledger)
    kind: str = "business"                     # the client: business, consumer, public

    @property
    def overdue(self) -> tuple[TrancheDue, ...]:
        return tuple(r for r in self.rows if r.overdue)

    def total(self, name: str) -> Decimal:
        """The sum of a :class:`Standing` amount (``outstanding``, ``interest``…)."""
        return sum((getattr(r.standing, name) for r in self.rows if r.standing),
                   Decimal("0.00"))


# --- due dates -------------------------------------------------------------------------

def signature_date(client: ClientFile) -> Optional[datetime.date]:
    """The client's signature, when known (``document.accepted``), else the document's
    date for a contract (signed on the day it is dated); a quote's is unknown."""
    doc = client.document
    if doc.accepted is not None:
        return doc.accepted.date
    return doc.date if doc.type == "contract" else None


def tranche_due(tranche: Tranche, invoice: Optional[InvoiceEntry],
                client: ClientFile) -> Optional[datetime.date]:
    """The tranche's own date when it has one; else its invoice's date + terms; else, for
    ``{days_after: signature}``, that many days after a known signature; else unknown."""
    due = tranche.due
    if isinstance(due, datetime.date):
        return due
    if invoice is not None:
        pay = client.payment
        return invoice_due(invoice.date, pay.terms_days, pay.end_of_month)
    signed = signature_date(client)
    if isinstance(due, DaysAfter) and due.days_after == "signature" and signed:
        return signed + datetime.timedelta(days=due.days)
    return None


# --- the ledger ------------------------------------------------------------------------

def ledger_problems(client: ClientFile, computed: Computed, source: Source) -> list[Diagnostic]:
    """Located errors of ``invoicing``: unknown tranches and invoices, a tranche or a number
    invoiced twice. (Notices before the due date and overpayments are warnings, found
    once the due dates are known.)"""
    ledger = client.invoicing
    if ledger is None:
        return []
    count = len(computed.tranches)
    problems, tranches, numbers = [], {}, {}
    for i, inv in enumerate(ledger.invoices):
        where = ("invoicing", "invoices", i)
        if inv.tranche is None:   # a progress invoice (docs/BUILDING.md, "Not done yet")
            problems.append(source.diagnostic(where + ("situation",), "dues follows the "
                            "tranches of the schedule, not progress invoices (situations) "
                            "yet", "invoicing.situation"))
            continue
        if inv.tranche > count:
            problems.append(source.diagnostic(where + ("tranche",), f"tranche {inv.tranche} "
                            f"does not exist: the schedule has {count}", "invoicing.tranche"))
        elif inv.tranche in tranches:
            problems.append(source.diagnostic(where + ("tranche",), f"tranche {inv.tranche} "
                            f"is already invoiced by {tranches[inv.tranche]}",
                            "invoicing.tranche"))
        if inv.number in numbers:
            problems.append(source.diagnostic(where + ("number",), f"invoice number "
                            f"{inv.number} is used twice", "invoicing.number"))
        tranches.setdefault(inv.tranche, inv.number)
        numbers.setdefault(inv.number, inv)
    for kind in ("payments", "notices", "judgments"):
        for i, entry in enumerate(getattr(ledger, kind)):
            if entry.invoice not in numbers:
                known = ", ".join(n for n in numbers if n != NOTHING) or "none"
                problems.append(source.diagnostic(("invoicing", kind, i, "invoice"),
                                f"no invoice {entry.invoice} in invoicing.invoices (known: "
                                f"{known})", f"invoicing.{kind}"))
    return problems


def claim_of(row_invoice: Optional[InvoiceEntry], tranche: Tranche,
             due: Optional[datetime.date], client: ClientFile) -> Claim:
    ledger = client.invoicing
    number = row_invoice.number if row_invoice else f"#{tranche.number}"
    payments = tuple(Received(p.date, p.amount) for p in (ledger.payments if ledger else ())
                     if row_invoice and p.invoice == row_invoice.number)
    notices = tuple(n.date for n in (ledger.notices if ledger else ())
                    if row_invoice and n.invoice == row_invoice.number)
    judgments = tuple(j.date for j in (ledger.judgments if ledger else ())
                      if row_invoice and j.invoice == row_invoice.number)
    return Claim(number, due, tranche.amount, payments, notices, judgments)


def standing_or_gap(claim: Claim, on: datetime.date, terms: Terms, table: RatesTable,
                    source: Source, where: tuple) -> tuple[Optional[Standing],
                                                           Optional[Diagnostic]]:
    """The claim's standing, or the located error naming the half-year the rates table
    lacks (an amount is never computed with another half-year's rate)."""
    try:
        return standing(claim, on, terms, table), None
    except RatesMissing as exc:
        return None, source.diagnostic(where, f"{claim.number}: {exc}", "rates.missing")


def _warnings(client: ClientFile, source: Source, rows: list[TrancheDue]) -> list[Diagnostic]:
    out = []
    for row in rows:
        s = row.standing
        if s is None:
            continue
        where = _invoice_path(client, row.invoice)
        for half in s.below_floor:
            out.append(source.diagnostic(("payment", "late_penalty_rate"), f"{s.number}: "
                       f"the agreed rate is below the floor of the {half_label(half)} "
                       "(3 × the legal interest rate, C. com. L441-10 II)",
                       "legal.penalty-rate-floor", WARNING))
        if s.overpaid > 0:
            out.append(source.diagnostic(where, f"{s.number}: {s.paid:.2f} received for "
                       f"{s.amount:.2f} invoiced and {s.interest_paid:.2f} of late interest "
                       f"({s.overpaid:.2f} overpaid, to refund or to credit)",
                       "invoicing.payments", WARNING))
        late_notices = [n for n in notices_of(client, row.invoice) if n < s.due]
        if late_notices:
            out.append(source.diagnostic(where, f"{s.number}: a formal notice dated "
                       f"{late_notices[0].isoformat()} precedes the due date "
                       f"{s.due.isoformat()} and has no effect", "invoicing.notices",
                       WARNING))
    return out


def notices_of(client: ClientFile, invoice: Optional[InvoiceEntry]) -> list[datetime.date]:
    if invoice is None or client.invoicing is None:
        return []
    return [n.date for n in client.invoicing.notices if n.invoice == invoice.number]


def _invoice_path(client: ClientFile, invoice: Optional[InvoiceEntry]) -> tuple:
    if invoice is None or client.invoicing is None:
        return ("payment", "schedule")
    return ("invoicing", "invoices", client.invoicing.invoices.index(invoice))


# --- one document ----------------------------------------------------------------------

def _ledger_of(client: ClientFile, source: Source) -> list[Diagnostic]:
    """The ledger's errors on a salvaged file (beside its schema errors)."""
    try:
        client = default_schedule(client)
        return ledger_problems(client, compute_numbers(client, source), source)
    except UserError as exc:
        return list(exc.diagnostics)


def dues_of(path: Path, on: datetime.date, rates: Optional[RatesTable] = None,
            display: Optional[str] = None) -> DocumentDues:
    """Every tranche of the document at ``path`` on ``on``; raises :class:`UserError`
    with every located problem."""
    source = load_file(Path(path), display or str(path))
    client = checked(source, lambda partial: _ledger_of(partial, source))   # all at once
    if client.document.type == "installment_agreement":
        raise UserError([source.diagnostic(("document", "type"), "dues lists the tranches "
                                           "of a contract or a quote, not of an instalment "
                                           "agreement", "dues.type")])
    client = default_schedule(client)
    computed = compute_numbers(client, source)
    problems = ledger_problems(client, computed, source)
    if has_errors(problems):
        raise UserError(problems)
    table = rates or shipped_table()
    invoices = {inv.tranche: inv for inv in (client.invoicing.invoices
                                             if client.invoicing else ())}
    terms = terms_of(client)
    rows, gaps = [], []
    for tranche in computed.tranches:
        invoice = invoices.get(tranche.number)
        due = tranche_due(tranche, invoice, client)
        claim = claim_of(invoice, tranche, due, client)
        state, gap = standing_or_gap(claim, on, terms, table, source,
                                     _invoice_path(client, invoice)) if due else (None, None)
        gaps += [gap] if gap else []
        rows.append(TrancheDue(tranche, invoice, due, state, claim.payments, claim.notices))
    if gaps:
        raise UserError(problems + gaps)
    return DocumentDues(source.file, client.document.number, client.document.date,
                        client.document.language,
                        client.provider.name, client.client.name, terms.business, on,
                        computed.total_ttc, tuple(rows),
                        tuple(problems + _warnings(client, source, rows)),
                        client.client.kind)


# --- JSON --------------------------------------------------------------------------------

def _money(value: Optional[Decimal]) -> Optional[str]:
    return None if value is None else f"{value:.2f}"


def row_json(row: TrancheDue) -> dict[str, Any]:
    s = row.standing
    out: dict[str, Any] = {
        "tranche": row.tranche.number, "label": row.tranche.label,
        "amount": _money(row.tranche.amount),
        "invoice": row.invoice.number if row.invoice else None,
        "invoice_date": row.invoice.date.isoformat() if row.invoice else None,
        "due": row.due.isoformat() if row.due else None, "status": row.status,
        "overdue": row.overdue,
    }
    if s is not None:
        out.update({
            "paid": _money(s.paid), "outstanding": _money(s.outstanding),
            "days_late": s.days_late,
            "interest_from": s.interest_from.isoformat() if s.interest_from else None,
            "interest": _money(s.interest), "indemnity": _money(s.indemnity),
            "claimable": _money(s.claimable),
            "interest_accrued": _money(s.interest_accrued),
            "interest_paid": _money(s.interest_paid),
            "periods": [{"from": p.first.isoformat(), "to": p.last.isoformat(),
                         "days": p.days, "base": _money(p.base), "rate": f"{p.rate}",
                         "half": p.half, "judgment": p.judged} for p in s.periods],
            "imputations": [{"date": i.date.isoformat(), "amount": _money(i.amount),
                             "interest": _money(i.interest),
                             "principal": _money(i.principal)} for i in s.imputations],
        })
    return out


def document_json(doc: DocumentDues) -> dict[str, Any]:
    """The dues of one document as JSON-ready data: amounts are strings ("922.96")."""
    return {
        "file": doc.file, "number": doc.number, "status": "ok", "on": doc.on.isoformat(),
        "provider": doc.provider, "client": doc.client,
        "kind": doc.kind,
        "total_ttc": _money(doc.total_ttc),
        "tranches": [row_json(r) for r in doc.rows],
        "totals": {name: _money(doc.total(name))
                   for name in ("paid", "outstanding", "interest", "indemnity", "claimable")},
        "overdue": len(doc.overdue),
        "diagnostics": [d.as_dict() for d in doc.diagnostics],
    }


def error_json(file: str, diagnostics) -> dict[str, Any]:
    return {"file": file, "status": "error",
            "diagnostics": [d.as_dict() for d in diagnostics if d.severity == ERROR] +
            [d.as_dict() for d in diagnostics if d.severity != ERROR]}
