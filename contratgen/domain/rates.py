"""The rates in force for a date: the shipped table (``contratgen/data/rates.yaml``),
optionally overlaid with ``--rates FILE`` files in the same format.

A :class:`RatesTable` is a value passed down explicitly (``Options.rates``): an overlay
never changes the shipped table, so two documents of one batch never see each other's
rates. :func:`rates_for` gives the :class:`Rates` of one half-year.

The table never lends one half-year's figures to another (SPEC Version 3, "Late interest:
the corrections"): a half-year without its arrêté has no legal rate, and the ECB rate of a
half-year is known only when the table was checked up to its first day (``ecb_checked``,
or a later ECB row). What prints a document gets ``None`` for an unknown figure (the text
states the rule without it); what computes an amount asks :meth:`RatesTable.legal` /
:meth:`RatesTable.ecb_rate`, which raise :class:`RatesMissing` naming the half-year, the
figure, where it is published and how to add it.
"""
# Annotations are evaluated when the class is made (no `from __future__ import annotations`):
# pydantic would otherwise compile each of them from its text, for every model, in every process.

import datetime
import hashlib
import json
from dataclasses import dataclass, replace
from decimal import Decimal
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Annotated, Iterable, Optional, Sequence

from pydantic import AfterValidator, BeforeValidator, Field, ValidationError

from ..diagnostics import Diagnostic, UserError
from ..load.fields import Model, Money, Percent, Text, number_value
from ..load.model import errors_to_diagnostics
from ..load.source import Source, load_bytes, load_file
from .halves import (HALF_FORMAT, Gap, RatesMissing, half_bounds, half_label,  # noqa: F401
                     half_of, halves_between, missing_message)



def _half_name(value: str) -> str:
    if not isinstance(value, str) or not HALF_FORMAT.match(value):
        raise ValueError(f"a half-year is written like 2026-H2 (year, -H, 1 or 2), "
                         f"not '{value}'")
    return value


Half = Annotated[str, AfterValidator(_half_name)]
Rate = Annotated[Decimal, BeforeValidator(number_value), Field(gt=0, le=100)]
EcbRate = Annotated[Decimal, BeforeValidator(number_value), Field(ge=-10, le=100)]


class LegalRow(Model):
    """One half-year of the taux de l'intérêt légal (arrêté)."""
    half: Half
    consumer: Rate                 # creditor is a consumer
    other: Rate                    # all other cases
    source: Text


class EcbRow(Model):
    """An ECB main refinancing rate, from the day it took effect."""
    since: datetime.date
    rate: EcbRate
    source: Text


class RatesFile(Model):
    """A rates file: the shipped one, or an overlay given with ``--rates``."""
    legal_interest: list[LegalRow] = Field(default_factory=list, max_length=1000)
    ecb_refinancing: list[EcbRow] = Field(default_factory=list, max_length=1000)
    ecb_checked: Optional[datetime.date] = Field(
        None, description="every ECB decision taking effect up to this day is in "
                          "ecb_refinancing (a later row counts as checked up to its date)")
    default_penalty_margin: Optional[Percent] = None
    public_penalty_margin: Optional[Percent] = None
    judgment_margin: Optional[Percent] = None
    penalty_floor_multiple: Optional[Annotated[Decimal, BeforeValidator(number_value),
                                               Field(gt=0, le=10)]] = None
    recovery_indemnity_min: Optional[Money] = None


@dataclass(frozen=True, slots=True)
class Rates:
    """The rates of one half-year, as a document prints them: a figure the table lacks is
    ``None`` (never another half-year's figure)."""
    half: str                 # "2026-H1"
    half_start: datetime.date
    legal_consumer: Optional[Decimal]   # taux d'intérêt légal, creditor is a consumer
    legal_other: Optional[Decimal]      # taux d'intérêt légal, other cases (B2B)
    legal_source: Optional[str]
    ecb: Optional[Decimal]    # ECB refinancing rate in force on the half-year's first day
    ecb_source: Optional[str]
    default_penalty_margin: Decimal
    penalty_floor_multiple: Decimal
    recovery_indemnity_min: Decimal
    ecb_since: Optional[datetime.date] = None
    public_penalty_margin: Decimal = Decimal(8)
    judgment_margin: Decimal = Decimal(5)

    @property
    def wanted(self) -> str:
        """The half-year asked for (the same as ``half``: no other half-year is lent)."""
        return self.half

    @property
    def legal_known(self) -> bool:
        return self.legal_other is not None

    @property
    def ecb_known(self) -> bool:
        return self.ecb is not None

    @property
    def covered(self) -> bool:
        """True when the table has every figure of the half-year."""
        return self.legal_known and self.ecb_known

    @property
    def missing(self) -> tuple[str, ...]:
        """What the table lacks for this half-year: ``"legal"``, ``"ecb"``."""
        return tuple(name for name, known in (("legal", self.legal_known),
                                              ("ecb", self.ecb_known)) if not known)

    @property
    def default_penalty_rate(self) -> Optional[Decimal]:
        """The B2B late penalty rate when the contract is silent: ECB + 10 points (None
        when the ECB rate of the half-year is not in the table)."""
        return None if self.ecb is None else self.ecb + self.default_penalty_margin

    @property
    def public_penalty_rate(self) -> Optional[Decimal]:
        """A public purchaser's moratory interest: ECB + 8 points (CCP R2192-31)."""
        return None if self.ecb is None else self.ecb + self.public_penalty_margin

    @property
    def penalty_floor(self) -> Optional[Decimal]:
        """The lowest agreed B2B rate: 3 × the "other cases" legal rate (None when the
        half-year's arrêté is not in the table)."""
        return None if self.legal_other is None else \
            self.penalty_floor_multiple * self.legal_other


@dataclass(frozen=True, slots=True)
class RatesTable:
    """The rates table in force: legal interest per half-year, ECB rates by date."""
    legal: tuple[LegalRow, ...]          # sorted by half-year, one row each
    ecb: tuple[EcbRow, ...]              # sorted by date, one row each
    default_penalty_margin: Decimal
    penalty_floor_multiple: Decimal
    recovery_indemnity_min: Decimal
    overlays: tuple[str, ...] = ()       # the --rates files applied, in order
    ecb_checked: Optional[datetime.date] = None
    public_penalty_margin: Decimal = Decimal(8)
    judgment_margin: Decimal = Decimal(5)

    @property
    def halves(self) -> tuple[str, ...]:
        return tuple(row.half for row in self.legal)

    @property
    def ecb_known_until(self) -> Optional[datetime.date]:
        """The last day the ECB list is known complete: ``ecb_checked``, or the date of
        its last row when that is later."""
        days = [d for d in (self.ecb_checked, self.ecb[-1].since if self.ecb else None) if d]
        return max(days) if days else None

    def overlaid(self, file: RatesFile, name: str) -> "RatesTable":
        """A new table: ``file``'s rows add to or replace this table's (same half-year,
        same ECB date); its constants, when given, replace this table's; its
        ``ecb_checked`` extends this table's."""
        legal = {row.half: row for row in self.legal} | {r.half: r for r in file.legal_interest}
        ecb = {row.since: row for row in self.ecb} | {r.since: r for r in file.ecb_refinancing}
        constants = {k: getattr(file, k) for k in
                     ("default_penalty_margin", "penalty_floor_multiple",
                      "recovery_indemnity_min", "public_penalty_margin", "judgment_margin")
                     if getattr(file, k) is not None}
        checked = [d for d in (self.ecb_checked, file.ecb_checked) if d]
        return replace(self, legal=tuple(legal[h] for h in sorted(legal)),
                       ecb=tuple(ecb[d] for d in sorted(ecb)),
                       overlays=self.overlays + (name,),
                       ecb_checked=max(checked) if checked else None, **constants)

    def ecb_on(self, day: datetime.date) -> Optional[EcbRow]:
        """The ECB row in force on ``day``; None before the first row, or after the day
        the list is known complete (a decision may have changed it since)."""
        rows = [row for row in self.ecb if row.since <= day]
        until = self.ecb_known_until
        if not rows or until is None or day > until:
            return None
        return rows[-1]

    def for_half(self, half: str) -> Rates:
        """The rates of ``half`` as a document prints them: a figure the table lacks is
        None, never the nearest half-year's."""
        row = {row.half: row for row in self.legal}.get(half)
        start = half_bounds(half)[0]
        ecb = self.ecb_on(start)
        return Rates(half, start, row.consumer if row else None, row.other if row else None,
                     row.source if row else None, ecb.rate if ecb else None,
                     ecb.source if ecb else None, self.default_penalty_margin,
                     self.penalty_floor_multiple, self.recovery_indemnity_min,
                     ecb.since if ecb else None, self.public_penalty_margin,
                     self.judgment_margin)

    def for_date(self, day: datetime.date) -> Rates:
        return self.for_half(half_of(day)[0])

    # --- what computes an amount: the figure, or RatesMissing -------------------------

    def legal_row(self, half: str) -> LegalRow:
        """The legal-interest row of ``half``; raises :class:`RatesMissing`."""
        for row in self.legal:
            if row.half == half:
                return row
        raise RatesMissing(half, ("legal",))

    def ecb_rate(self, half: str) -> Decimal:
        """The ECB rate in force on the first day of ``half``; raises
        :class:`RatesMissing`."""
        row = self.ecb_on(half_bounds(half)[0])
        if row is None:
            raise RatesMissing(half, ("ecb",))
        return row.rate

    def missing(self, until: datetime.date,
                since: Optional[datetime.date] = None) -> tuple["Gap", ...]:
        """The half-years from ``since`` (default: the table's first) to the one of
        ``until`` whose legal rate or ECB rate the table lacks, oldest first."""
        first = half_of(since)[0] if since else (self.halves[0] if self.halves
                                                 else half_of(until)[0])
        last = half_of(until)[0]
        gaps = []
        for half in halves_between(first, last):
            rates = self.for_half(half)
            if rates.missing:
                gaps.append(Gap(half, rates.missing))
        return tuple(gaps)

    def digest(self) -> str:
        """A hash of the table's content (batch: outputs are stale when it changes)."""
        data = {"legal": [r.model_dump(mode="json") for r in self.legal],
                "ecb": [r.model_dump(mode="json") for r in self.ecb],
                "ecb_checked": self.ecb_checked.isoformat() if self.ecb_checked else None,
                "constants": [str(self.default_penalty_margin), str(self.penalty_floor_multiple),
                              str(self.recovery_indemnity_min),
                              str(self.public_penalty_margin), str(self.judgment_margin)]}
        return hashlib.sha256(json.dumps(data, sort_keys=True).encode()).hexdigest()


# --- loading ---------------------------------------------------------------------------

def parse_rates(source: Source) -> RatesFile:
    """Validate a rates file; raises :class:`UserError` with every located problem."""
    if not isinstance(source.data, dict):
        raise UserError([source.diagnostic((), "a rates file is a mapping with "
                                           "legal_interest and/or ecb_refinancing lists",
                                           "rates")])
    try:
        parsed = RatesFile.model_validate(source.data)
    except ValidationError as exc:
        raise UserError(errors_to_diagnostics(exc, source)) from None
    problems = list(_duplicates(source, "legal_interest", "half",
                                [r.half for r in parsed.legal_interest]))
    problems += _duplicates(source, "ecb_refinancing", "since",
                            [r.since for r in parsed.ecb_refinancing])
    if problems:
        raise UserError(problems)
    return parsed


def _duplicates(source: Source, key: str, field: str, values: Sequence) -> Iterable[Diagnostic]:
    seen: dict = {}
    for i, value in enumerate(values):
        if value in seen:
            yield source.diagnostic((key, i, field), f"{field} {value} is given twice (also "
                                    f"at row {seen[value] + 1}): keep one row", f"rates.{key}")
        seen.setdefault(value, i)


@lru_cache(maxsize=1)
def shipped_table() -> RatesTable:
    """The table shipped in ``contratgen/data/rates.yaml``."""
    raw = resources.files("contratgen").joinpath("data/rates.yaml").read_bytes()
    data = parse_rates(load_bytes(raw, "contratgen/data/rates.yaml"))
    table = RatesTable(tuple(sorted(data.legal_interest, key=lambda r: r.half)),
                       tuple(sorted(data.ecb_refinancing, key=lambda r: r.since)),
                       data.default_penalty_margin, data.penalty_floor_multiple,
                       data.recovery_indemnity_min, (), data.ecb_checked,
                       data.public_penalty_margin, data.judgment_margin)
    return table


def load_rates(paths: Sequence[str | Path], base: Optional[RatesTable] = None) -> RatesTable:
    """``base`` (the shipped table) overlaid with each file of ``paths`` in order; every
    problem of every file is reported at once as a located :class:`UserError`."""
    table = base or shipped_table()
    problems: list[Diagnostic] = []
    for path in paths:
        try:
            table = table.overlaid(parse_rates(load_file(Path(path), str(path))), str(path))
        except UserError as exc:
            problems.extend(exc.diagnostics)
    if problems:
        raise UserError(problems)
    return table


def rates_for(day: datetime.date, table: Optional[RatesTable] = None) -> Rates:
    """The rates of the half-year of ``day`` (the shipped table unless ``table``)."""
    return (table or shipped_table()).for_date(day)
