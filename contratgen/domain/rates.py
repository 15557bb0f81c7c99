"""The rates in force for a date: the shipped table (``contratgen/data/rates.yaml``),
optionally overlaid with ``--rates FILE`` files in the same format.

A :class:`RatesTable` is a value passed down explicitly (``Options.rates``): an overlay
never changes the shipped table, so two documents of one batch never see each other's
rates. :func:`rates_for` gives the :class:`Rates` of one half-year.
"""
# Annotations are evaluated when the class is made (no `from __future__ import annotations`):
# pydantic would otherwise compile each of them from its text, for every model, in every process.

import datetime
import hashlib
import json
import re
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

HALF_FORMAT = re.compile(r"^(\d{4})-H([12])$")


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
    default_penalty_margin: Optional[Percent] = None
    penalty_floor_multiple: Optional[Annotated[Decimal, BeforeValidator(number_value),
                                               Field(gt=0, le=10)]] = None
    recovery_indemnity_min: Optional[Money] = None


def half_of(day: datetime.date) -> tuple[str, datetime.date]:
    """The half-year of ``day`` (``2026-H1``) and its first day."""
    first = 1 if day.month <= 6 else 2
    return f"{day.year}-H{first}", datetime.date(day.year, 1 if first == 1 else 7, 1)


def half_bounds(half: str) -> tuple[datetime.date, datetime.date]:
    """First and last day of a half-year: 1 January–30 June or 1 July–31 December."""
    year, h = (int(x) for x in HALF_FORMAT.match(half).groups())
    if h == 1:
        return datetime.date(year, 1, 1), datetime.date(year, 6, 30)
    return datetime.date(year, 7, 1), datetime.date(year, 12, 31)


@dataclass(frozen=True, slots=True)
class Rates:
    """The rates of one half-year."""
    half: str                 # "2026-H1"
    half_start: datetime.date
    legal_consumer: Decimal   # taux d'intérêt légal, creditor is a consumer
    legal_other: Decimal      # taux d'intérêt légal, other cases (B2B)
    legal_source: str
    ecb: Decimal              # ECB refinancing rate in force on the half-year's first day
    ecb_source: str
    default_penalty_margin: Decimal
    penalty_floor_multiple: Decimal
    recovery_indemnity_min: Decimal
    covered: bool             # False: the date is outside the table, nearest half-year used
    wanted: str = ""          # the half-year asked for (differs from ``half`` if not covered)
    ecb_since: Optional[datetime.date] = None

    @property
    def default_penalty_rate(self) -> Decimal:
        """The B2B late penalty rate when the contract is silent: ECB + 10 points."""
        return self.ecb + self.default_penalty_margin

    @property
    def penalty_floor(self) -> Decimal:
        """The lowest agreed B2B rate: 3 × the "other cases" legal rate."""
        return self.penalty_floor_multiple * self.legal_other


@dataclass(frozen=True, slots=True)
class RatesTable:
    """The rates table in force: legal interest per half-year, ECB rates by date."""
    legal: tuple[LegalRow, ...]          # sorted by half-year, one row each
    ecb: tuple[EcbRow, ...]              # sorted by date, one row each
    default_penalty_margin: Decimal
    penalty_floor_multiple: Decimal
    recovery_indemnity_min: Decimal
    overlays: tuple[str, ...] = ()       # the --rates files applied, in order

    @property
    def halves(self) -> tuple[str, ...]:
        return tuple(row.half for row in self.legal)

    def overlaid(self, file: RatesFile, name: str) -> "RatesTable":
        """A new table: ``file``'s rows add to or replace this table's (same half-year,
        same ECB date); its constants, when given, replace this table's."""
        legal = {row.half: row for row in self.legal} | {r.half: r for r in file.legal_interest}
        ecb = {row.since: row for row in self.ecb} | {r.since: r for r in file.ecb_refinancing}
        constants = {k: getattr(file, k) for k in
                     ("default_penalty_margin", "penalty_floor_multiple",
                      "recovery_indemnity_min") if getattr(file, k) is not None}
        return replace(self, legal=tuple(legal[h] for h in sorted(legal)),
                       ecb=tuple(ecb[d] for d in sorted(ecb)),
                       overlays=self.overlays + (name,), **constants)

    def ecb_on(self, day: datetime.date) -> EcbRow:
        """The ECB row in force on ``day`` (the earliest row before the table starts)."""
        rows = [row for row in self.ecb if row.since <= day]
        return rows[-1] if rows else self.ecb[0]

    def for_half(self, half: str) -> Rates:
        """The rates of ``half``; outside the table, the nearest known half-year's, with
        ``covered`` False."""
        rows = {row.half: row for row in self.legal}
        used = half
        if half not in rows:
            used = self.halves[-1] if half > self.halves[-1] else self.halves[0]
        row = rows[used]
        start = half_bounds(used)[0]
        ecb = self.ecb_on(start)
        return Rates(used, start, row.consumer, row.other, row.source, ecb.rate, ecb.source,
                     self.default_penalty_margin, self.penalty_floor_multiple,
                     self.recovery_indemnity_min, half in rows, half, ecb.since)

    def for_date(self, day: datetime.date) -> Rates:
        return self.for_half(half_of(day)[0])

    def digest(self) -> str:
        """A hash of the table's content (batch: outputs are stale when it changes)."""
        data = {"legal": [r.model_dump(mode="json") for r in self.legal],
                "ecb": [r.model_dump(mode="json") for r in self.ecb],
                "constants": [str(self.default_penalty_margin), str(self.penalty_floor_multiple),
                              str(self.recovery_indemnity_min)]}
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
                       data.recovery_indemnity_min)
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


def half_label(half: str, lang: str = "en") -> str:
    """``2026-H1`` → ``1st half 2026`` / ``1er semestre 2026``."""
    year, h = HALF_FORMAT.match(half).groups()
    if lang == "fr":
        return f"{'1er' if h == '1' else '2e'} semestre {year}"
    return f"{'1st' if h == '1' else '2nd'} half {year}"
