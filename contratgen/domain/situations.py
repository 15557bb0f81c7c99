"""Progress invoices (factures de situation): pure functions on Decimals.

A situation states, for each item line, the cumulative share of the work done
(``progress: {line: percent}``, 1-based lines; a line not named keeps its previous share).
Like the builder's *décompte*, every situation is a cumulative statement: the work done
through it, less what the earlier situations invoiced.

- Each line through situation k: ``cents(line HT × percent)`` (the line's own total at
  100 %); the situation invoices the difference with the previous one.
- VAT per rate, exact to the cent on the cumulative: through situation k the VAT at a rate
  is ``cents(cumulative base × rate)`` (the contract's own formula,
  :func:`contratgen.domain.money.vat_breakdown`); each situation invoices the difference.
  So the running total is always exact, no situation carries VAT on a zero base, and the
  final situation (every line at 100 %) restates the contract: the situations sum to its
  base, VAT and TTC at every rate, to the cent.
- The retention (:mod:`.retention`) is withheld from each situation's amount due; the
  situation keeps its full base and VAT.

Nothing here reads a file: :func:`problems` says what is wrong with a ledger (with the entry
and the line at fault) before :func:`plan` runs.
"""
from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal
from typing import Mapping, Optional, Sequence

from .money import HUNDRED, Computed, cents
from .retention import withheld

ZERO = Decimal("0.00")


@dataclass(frozen=True)
class Problem:
    """What is wrong with a situation entry: its index in ``invoicing.invoices``, the key
    under it (``("progress", 2)``, ``("situation",)``) and the message."""
    entry: int
    where: tuple
    message: str


@dataclass(frozen=True)
class SituationLine:
    """One item line on a situation: its cumulative share and HT amounts."""
    line: int                 # 1-based, as in ``progress``
    percent: Decimal          # cumulative, through this situation
    previous_percent: Decimal
    cumulative: Decimal       # HT through this situation
    previous: Decimal         # HT through the previous situation

    @property
    def amount(self) -> Decimal:
        """HT invoiced by this situation on this line."""
        return self.cumulative - self.previous


@dataclass(frozen=True)
class RateAmount:
    """Base and VAT at one rate."""
    rate: Decimal
    base: Decimal
    vat: Decimal

    @property
    def total(self) -> Decimal:
        return self.base + self.vat


@dataclass(frozen=True)
class Preceding:
    """An earlier situation, as the later ones reference it."""
    number: str
    date: datetime.date
    total_ttc: Decimal


@dataclass(frozen=True)
class Situation:
    """One progress invoice: the cumulative statement and what this one invoices."""
    situation: int            # the situation's number (1, 2, …)
    number: str               # the invoice number
    date: datetime.date
    entry_index: int          # position in invoicing.invoices
    lines: tuple[SituationLine, ...]
    cumulative: tuple[RateAmount, ...]   # through this situation, per contract rate
    previous: tuple[RateAmount, ...]     # through the previous situation
    withheld: Decimal                    # retention withheld from the amount due
    final: bool                          # every line at 100 %: the décompte of the whole
    preceding: tuple[Preceding, ...] = ()

    @property
    def taxes(self) -> tuple[RateAmount, ...]:
        """What this situation invoices, per rate."""
        return tuple(RateAmount(c.rate, c.base - p.base, c.vat - p.vat)
                     for c, p in zip(self.cumulative, self.previous))

    @property
    def total_ht(self) -> Decimal:
        return sum((t.base for t in self.taxes), ZERO)

    @property
    def total_vat(self) -> Decimal:
        return sum((t.vat for t in self.taxes), ZERO)

    @property
    def total_ttc(self) -> Decimal:
        return self.total_ht + self.total_vat

    @property
    def cumulative_ttc(self) -> Decimal:
        return sum((c.total for c in self.cumulative), ZERO)

    @property
    def previous_ttc(self) -> Decimal:
        return sum((p.total for p in self.previous), ZERO)

    @property
    def due(self) -> Decimal:
        """What the client pays on this situation: its TTC less the retention."""
        return self.total_ttc - self.withheld


def _pct(value: Decimal) -> str:
    return f"{value.normalize():f} %"


def problems(entries: Sequence, line_count: int) -> list[Problem]:
    """Every problem of the situations of a ledger (``InvoiceEntry`` records, in ledger
    order): numbers out of sequence, unknown lines, progress past 100 % or going back, a
    situation that invoices nothing, a situation after the whole was invoiced, tranche
    invoices mixed in."""
    found: list[Problem] = []
    situations = [(i, e) for i, e in enumerate(entries) if e.situation is not None]
    if not situations:
        return found
    for i, e in enumerate(entries):
        if e.tranche is not None:
            found.append(Problem(i, ("tranche",), "a deal invoiced by situations has no "
                                 "tranche invoice: invoice the works by situations only"))
    done: dict[int, Decimal] = {}
    for expected, (i, entry) in enumerate(situations, start=1):
        if entry.situation != expected:
            found.append(Problem(i, ("situation",), f"situation {entry.situation} follows "
                                 f"{'no situation' if expected == 1 else f'situation {expected - 1}'}"
                                 f": number the situations 1, 2, 3… in ledger order"))
        if done and all(done.get(n, ZERO) == HUNDRED for n in range(1, line_count + 1)):
            found.append(Problem(i, ("situation",), f"situation {entry.situation} comes after "
                                 "every line reached 100 %: the works are wholly invoiced"))
            continue
        found.extend(_line_problems(i, entry, done, line_count))
    return found


def _line_problems(i: int, entry, done: dict[int, Decimal], line_count: int) -> list[Problem]:
    found, moved = [], False
    for line, percent in (entry.progress or {}).items():
        where = ("progress", line)
        before = done.get(line, ZERO)
        if not 1 <= line <= line_count:
            found.append(Problem(i, where, f"item line {line} does not exist: the document "
                                 f"has {line_count} item line{'s' * (line_count > 1)}"))
        elif percent > HUNDRED:
            found.append(Problem(i, where, f"line {line} at {_pct(percent)}: progress is at "
                                 "most 100 %"))
        elif percent < before:
            found.append(Problem(i, where, f"line {line} goes back from {_pct(before)} to "
                                 f"{_pct(percent)}: progress is cumulative and never "
                                 "decreases (a credit note corrects an invoice)"))
        else:
            moved = moved or percent > before
            done[line] = percent
    if not moved and not found:
        found.append(Problem(i, ("progress",), f"situation {entry.situation} invoices "
                             "nothing: no line progresses since the previous situation"))
    return found


def _cumulative(computed: Computed, percents: Mapping[int, Decimal]
                ) -> tuple[list[Decimal], tuple[RateAmount, ...]]:
    """The HT of each line through a situation, and base and VAT per contract rate."""
    amounts = []
    for n, line in enumerate(computed.lines, start=1):
        share = percents.get(n, ZERO)
        amounts.append(line.total_ht if share == HUNDRED
                       else cents(line.total_ht * share / HUNDRED))
    bases: dict[Decimal, Decimal] = {v.rate: ZERO for v in computed.vat_lines}
    for line, amount in zip(computed.lines, amounts):
        bases[line.item.vat_rate.normalize()] += amount
    return amounts, tuple(RateAmount(v.rate, bases[v.rate],
                                     cents(bases[v.rate] * v.rate / HUNDRED))
                          for v in computed.vat_lines)


def plan(computed: Computed, entries: Sequence, retention: Optional[Decimal] = None,
         bond: bool = False) -> tuple[Situation, ...]:
    """The situations of a ledger (checked by :func:`problems` first: a ``ValueError``
    otherwise), each with what it invoices and what it withholds."""
    found = problems(entries, len(computed.lines))
    if found:
        raise ValueError(found[0].message)
    count = len(computed.lines)
    percents: dict[int, Decimal] = {}
    before_lines, before = _cumulative(computed, percents)
    drafts = []
    for index, entry in enumerate(entries):
        if entry.situation is None:
            continue
        previous_percents = dict(percents)
        percents.update(entry.progress)
        lines_ht, through = _cumulative(computed, percents)
        lines = tuple(SituationLine(n, percents.get(n, ZERO), previous_percents.get(n, ZERO),
                                    lines_ht[n - 1], before_lines[n - 1])
                      for n in range(1, count + 1))
        final = all(percents.get(n, ZERO) == HUNDRED for n in range(1, count + 1))
        drafts.append((entry, index, lines, through, before, final))
        before_lines, before = lines_ht, through
    invoiced = [sum((c.total for c in d[3]), ZERO) - sum((p.total for p in d[4]), ZERO)
                for d in drafts]
    kept = withheld(invoiced, retention, bond)
    out: list[Situation] = []
    for (entry, index, lines, through, prev, final), amount in zip(drafts, kept):
        preceding = tuple(Preceding(s.number, s.date, s.total_ttc) for s in out)
        out.append(Situation(entry.situation, entry.number, entry.date, index, lines,
                             through, prev, amount, final, preceding))
    return tuple(out)


def invoiced(computed: Computed, entries: Sequence) -> tuple[tuple[str, datetime.date, Decimal], ...]:
    """``(number, date, TTC it invoices)`` of each invoice of a ledger, in order: a
    situation's own TTC, or a tranche invoice's tranche (the final invoice after advances
    invoices its own tranche). The ledger is checked first (:func:`problems`)."""
    if any(e.situation is not None for e in entries):
        return tuple((s.number, s.date, s.total_ttc) for s in plan(computed, entries))
    return tuple((e.number, e.date, computed.tranches[e.tranche - 1].amount) for e in entries
                 if 1 <= e.tranche <= len(computed.tranches))
