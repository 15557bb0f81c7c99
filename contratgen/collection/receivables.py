"""``contratgen receivables``: what a portfolio is owed on a date, per client, in ageing
buckets (not due, 1–30, 31–60, 61–90, over 90 days late), with the late interest, the
recovery indemnities, the days sales outstanding and the invoices in dispute.

Each invoice's figures are those of ``dues`` on the date (:func:`contratgen.dues.dues_of`);
an invoice cancelled by credit notes is left out, a part credited is taken off what is
owed. Returns values; the CLI prints, :mod:`.receivables_html` draws the page.
"""
from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Iterable, Optional

from ..diagnostics import Diagnostic, UserError
from ..domain.money import cents
from ..domain.rates import RatesTable
from ..dues import dues_of
from ..load.model import ClientFile, parse_client
from ..load.source import load_file
from .ladder import credited

BUCKETS = ("not-due", "1-30", "31-60", "61-90", "over-90")
DSO_DAYS = 90        # the window of sales the days sales outstanding are counted on
ZERO = Decimal("0.00")


def bucket_of(days_late: int) -> str:
    """The ageing bucket of an invoice ``days_late`` days after its due date."""
    if days_late <= 0:
        return "not-due"
    if days_late <= 30:
        return "1-30"
    if days_late <= 60:
        return "31-60"
    return "61-90" if days_late <= 90 else "over-90"


@dataclass(frozen=True)
class Receivable:
    """One invoice still owed on the date."""
    file: str
    client: str
    contract: str
    number: str
    invoice_date: datetime.date
    due: datetime.date
    days_late: int
    outstanding: Decimal      # principal still owed (after payments and credit notes)
    interest: Decimal
    indemnity: Decimal
    dispute: Optional[str]    # the client's reason, when disputed

    @property
    def bucket(self) -> str:
        return bucket_of(self.days_late)


@dataclass(frozen=True)
class Invoiced:
    """One invoice issued (for the days sales outstanding): when, and how much TTC."""
    client: str
    date: datetime.date
    amount: Decimal


@dataclass(frozen=True)
class Ageing:
    """A portfolio, or one client of it, on a date."""
    name: str
    on: datetime.date
    rows: tuple[Receivable, ...]
    invoiced: tuple[Invoiced, ...]

    def bucket(self, name: str) -> Decimal:
        return sum((r.outstanding for r in self.rows if r.bucket == name), ZERO)

    @property
    def total(self) -> Decimal:
        return sum((r.outstanding for r in self.rows), ZERO)

    @property
    def interest(self) -> Decimal:
        return sum((r.interest for r in self.rows), ZERO)

    @property
    def indemnity(self) -> Decimal:
        return sum((r.indemnity for r in self.rows), ZERO)

    @property
    def disputed(self) -> tuple[Receivable, ...]:
        return tuple(r for r in self.rows if r.dispute is not None)

    @property
    def dso(self) -> Optional[Decimal]:
        """Days sales outstanding: what is owed ÷ what was invoiced in the last
        :data:`DSO_DAYS` days × :data:`DSO_DAYS` (one decimal); None without sales."""
        start = self.on - datetime.timedelta(days=DSO_DAYS)
        sales = sum((i.amount for i in self.invoiced if start < i.date <= self.on), ZERO)
        if sales <= 0:
            return None
        return (self.total * DSO_DAYS / sales).quantize(Decimal("0.1"), ROUND_HALF_UP)

    def of_client(self, client: str) -> "Ageing":
        return Ageing(client, self.on, tuple(r for r in self.rows if r.client == client),
                      tuple(i for i in self.invoiced if i.client == client))

    @property
    def clients(self) -> tuple["Ageing", ...]:
        names = sorted({r.client for r in self.rows} | {i.client for i in self.invoiced})
        return tuple(self.of_client(n) for n in names)


def _dispute(client: ClientFile, number: str, on: datetime.date) -> Optional[str]:
    ledger = client.invoicing
    found = [d for d in (ledger.disputes if ledger else ()) if d.invoice == number
             and d.date <= on]
    return found[-1].reason if found else None


def _credits(client: ClientFile, number: str, on: datetime.date) -> Decimal:
    ledger = client.invoicing
    return sum((c.amount for c in (ledger.credit_notes if ledger else ())
                if c.cancels == number and c.date <= on and c.amount is not None), ZERO)


def _cancelled(client: ClientFile, number: str, on: datetime.date) -> bool:
    """A credit note without an amount cancels the whole invoice."""
    ledger = client.invoicing
    return any(c.cancels == number and c.date <= on and c.amount is None
               for c in (ledger.credit_notes if ledger else ()))


def document_receivables(path: Path, on: datetime.date, rates: Optional[RatesTable] = None,
                         display: Optional[str] = None
                         ) -> tuple[list[Receivable], list[Invoiced], tuple[Diagnostic, ...]]:
    """The invoices of one deal still owed on ``on``, and every invoice issued by then."""
    dues = dues_of(Path(path), on, rates, display)
    client = parse_client(load_file(Path(path), display))
    owed, issued = [], []
    for row in dues.rows:
        s = row.standing
        if row.invoice is None or s is None or row.invoice.date > on:
            continue
        credit = _credits(client, row.invoice.number, on)
        whole = _cancelled(client, row.invoice.number, on)
        issued.append(Invoiced(dues.client, row.invoice.date,   # the sale, net of credits
                               ZERO if whole else max(s.amount - credit, ZERO)))
        if credited(client, row):   # nothing left to claim
            continue
        outstanding = max(s.outstanding - credit, ZERO)
        if outstanding <= 0:
            continue
        owed.append(Receivable(dues.file, dues.client, dues.number, row.invoice.number,
                               row.invoice.date, row.due, s.days_late, cents(outstanding),
                               s.interest, s.indemnity,
                               _dispute(client, row.invoice.number, on)))
    return owed, issued, dues.diagnostics


def ageing(paths: Iterable[Path], on: datetime.date,
           rates: Optional[RatesTable] = None) -> tuple[Ageing, tuple[Diagnostic, ...]]:
    """The portfolio's ageing on ``on``; raises :class:`UserError` with the problems of
    every file at once (an instalment agreement is skipped: it has no invoice)."""
    rows, issued, notes, errors = [], [], [], []
    for path in paths:
        try:
            owed, made, diagnostics = document_receivables(Path(path), on, rates, str(path))
        except UserError as exc:
            if {d.code for d in exc.diagnostics} != {"dues.type"}:
                errors.extend(exc.diagnostics)
            continue
        rows.extend(owed)
        issued.extend(made)
        notes.extend(diagnostics)
    if errors:
        raise UserError(errors + notes)
    return Ageing("portfolio", on, tuple(rows), tuple(issued)), tuple(notes)


def ageing_json(portfolio: Ageing) -> dict:
    """The ageing as JSON-ready data (amounts as strings)."""
    def summary(a: Ageing) -> dict:
        return {"name": a.name, "total": f"{a.total:.2f}",
                "buckets": {b: f"{a.bucket(b):.2f}" for b in BUCKETS},
                "interest": f"{a.interest:.2f}", "indemnity": f"{a.indemnity:.2f}",
                "dso": None if a.dso is None else f"{a.dso}",
                "disputed": [r.number for r in a.disputed]}
    return {"on": portfolio.on.isoformat(), "dso_days": DSO_DAYS, **summary(portfolio),
            "clients": [summary(c) for c in portfolio.clients],
            "invoices": [{"file": r.file, "client": r.client, "invoice": r.number,
                          "due": r.due.isoformat(), "days_late": r.days_late,
                          "bucket": r.bucket, "outstanding": f"{r.outstanding:.2f}",
                          "interest": f"{r.interest:.2f}",
                          "indemnity": f"{r.indemnity:.2f}", "dispute": r.dispute}
                         for r in portfolio.rows]}
