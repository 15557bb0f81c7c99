"""The plan of ``contratgen collect``: for each invoice of each deal, the step of the
policy due on a date, or why there is none.

dues on the date (:func:`contratgen.dues.dues_of`, the figures of ``dues --json``) → the
ledger's credit notes, disputes and letters sent → the latest step whose day has come,
unless it (or a later one) was already sent. Nothing for a paid, credited or disputed
invoice; a courtesy reminder only before the due date; never two letters of a level.
Returns values; the CLI prints.
"""
from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal
from enum import Enum
from pathlib import Path
from typing import Iterable, Optional

from ..diagnostics import Diagnostic, UserError
from ..domain.rates import RatesTable
from ..dues import DocumentDues, TrancheDue, dues_of
from ..load.model import ClientFile, parse_client
from ..load.source import load_file
from .policy import LADDER, Policy, Step


class Reason(str, Enum):
    """Why an invoice gets a letter today, or none."""
    DUE = "due"                   # a step of the policy is due: the letter goes
    PAID = "paid"
    CREDITED = "credited"         # cancelled by credit notes
    DISPUTED = "disputed"         # the client disputes it: reminders pause
    SENT = "sent"                 # this step (or a later one) was already sent
    NOT_YET = "not-yet"           # no step's day has come
    LADDER_DONE = "ladder-done"   # every step sent: next, remind --level injunction

    def __str__(self) -> str:
        return self.value


@dataclass(frozen=True)
class Action:
    """One invoice on the plan's day: the step due (``level``) or why none."""
    file: str
    path: Path
    contract: str
    client: str
    email: Optional[str]
    language: str
    number: str
    due: datetime.date
    row: TrancheDue
    reason: Reason
    step: Optional[Step] = None
    next_level: Optional[str] = None          # what comes next, and when
    next_date: Optional[datetime.date] = None

    @property
    def level(self) -> Optional[str]:
        return self.step.level if self.step else None

    @property
    def channel(self) -> Optional[str]:
        return self.step.channel if self.step else None

    @property
    def emailed(self) -> bool:
        return self.step is not None and self.step.emailed

    @property
    def days_late(self) -> int:
        return self.row.standing.days_late

    def amount(self, name: str) -> Decimal:
        return getattr(self.row.standing, name)


@dataclass(frozen=True)
class Plan:
    """The plan of one run: every invoice's action, the problems of the inputs."""
    on: datetime.date
    policy: Policy
    actions: tuple[Action, ...]
    diagnostics: tuple[Diagnostic, ...] = ()

    @property
    def due(self) -> tuple[Action, ...]:
        return tuple(a for a in self.actions if a.reason is Reason.DUE)


# --- the ledger's facts about an invoice ----------------------------------------------------

def sent_levels(client: ClientFile, number: str, on: datetime.date) -> set[str]:
    """The levels already sent for invoice ``number`` on ``on``: ``invoicing.sent``, and a
    formal notice for each entry of ``invoicing.notices``."""
    ledger = client.invoicing
    if ledger is None:
        return set()
    levels = {s.level for s in ledger.sent if s.invoice == number and s.date <= on}
    if any(n.invoice == number and n.date <= on for n in ledger.notices):
        levels.add("formal-notice")
    return levels


def credited(client: ClientFile, row: TrancheDue) -> bool:
    """Credit notes dated before ``on`` cancel what is still owed on the invoice."""
    ledger, s = client.invoicing, row.standing
    if ledger is None:
        return False
    notes = [c for c in ledger.credit_notes
             if c.cancels == row.invoice.number and c.date <= s.on]
    if not notes:
        return False
    if any(c.amount is None for c in notes):
        return True
    return sum((c.amount for c in notes), Decimal(0)) >= s.outstanding


def disputed(client: ClientFile, number: str, on: datetime.date) -> bool:
    ledger = client.invoicing
    return ledger is not None and any(d.invoice == number and d.date <= on
                                      for d in ledger.disputes)


# --- the step ---------------------------------------------------------------------------------

def step_due(policy: Policy, due: datetime.date, on: datetime.date,
             sent: set[str]) -> tuple[Reason, Optional[Step], Optional[Step]]:
    """(reason, the step due today or None, the next step to come)."""
    come = [s for s in policy.steps if due + datetime.timedelta(days=s.days) <= on]
    later = [s for s in policy.steps if due + datetime.timedelta(days=s.days) > on]
    following = later[0] if later else None
    if set(LADDER[LADDER.index(policy.steps[-1].level):]) & sent:
        return Reason.LADDER_DONE, None, None
    if not come:
        return Reason.NOT_YET, None, following
    step = come[-1]
    if step.level == "courtesy" and on > due:
        return Reason.NOT_YET, None, following      # a courtesy reminder is sent before
    if set(LADDER[LADDER.index(step.level):]) & sent:
        return Reason.SENT, None, following
    return Reason.DUE, step, following


def invoice_action(path: Path, client: ClientFile, dues: DocumentDues, row: TrancheDue,
                   policy: Policy) -> Action:
    number, on, s = row.invoice.number, dues.on, row.standing
    reason, step, following = Reason.DUE, None, None
    if credited(client, row):
        reason = Reason.CREDITED
    elif s.outstanding <= 0:
        reason = Reason.PAID
    elif disputed(client, number, on):
        reason = Reason.DISPUTED
    else:
        reason, step, following = step_due(policy, row.due, on,
                                           sent_levels(client, number, on))
    return Action(
        dues.file, path, dues.number, client.client.name, client.client.email,
        client.document.language, number, row.due, row, reason, step,
        following.level if following else None,
        row.due + datetime.timedelta(days=following.days) if following else None)


def document_actions(path: Path, on: datetime.date, policy: Policy,
                     rates: Optional[RatesTable] = None,
                     display: Optional[str] = None) -> tuple[list[Action], DocumentDues]:
    """Every invoiced tranche of one deal on ``on``; raises :class:`UserError`."""
    dues = dues_of(Path(path), on, rates, display)
    client = parse_client(load_file(Path(path), display))
    actions = [invoice_action(Path(path), client, dues, row, policy) for row in dues.rows
               if row.invoice is not None and row.standing is not None
               and row.invoice.date <= on]   # a ledger written ahead: not issued yet
    return actions, dues


def plan(paths: Iterable[Path], on: datetime.date, policy: Policy,
         rates: Optional[RatesTable] = None) -> Plan:
    """The plan over several deals (in the order given); raises :class:`UserError`
    with the problems of every file at once."""
    actions, diagnostics, errors = [], [], []
    for path in paths:
        try:
            found, dues = document_actions(Path(path), on, policy, rates, str(path))
        except UserError as exc:
            if {d.code for d in exc.diagnostics} != {"dues.type"}:   # not an instalment
                errors.extend(exc.diagnostics)                       # agreement: no invoice
            continue
        actions.extend(found)
        diagnostics.extend(dues.diagnostics)
    if errors:
        raise UserError(errors + diagnostics)
    return Plan(on, policy, tuple(actions), tuple(diagnostics))
