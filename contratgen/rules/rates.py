"""The rates in force for a document date, from ``contratgen/data/rates.yaml``."""
from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache
from importlib import resources

import yaml



@dataclass(frozen=True)
class Rates:
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

    @property
    def default_penalty_rate(self) -> Decimal:
        """The B2B late penalty rate when the contract is silent: ECB + 10 points."""
        return self.ecb + self.default_penalty_margin

    @property
    def penalty_floor(self) -> Decimal:
        return self.penalty_floor_multiple * self.legal_other


def half_of(day: datetime.date) -> tuple[str, datetime.date]:
    first = 1 if day.month <= 6 else 2
    return f"{day.year}-H{first}", datetime.date(day.year, 1 if first == 1 else 7, 1)


@lru_cache(maxsize=1)
def _table() -> dict:
    text = resources.files("contratgen").joinpath("data/rates.yaml").read_text("utf-8")
    data = yaml.safe_load(text)

    def dec(x):
        return Decimal(str(x))

    for row in data["legal_interest"]:
        row["consumer"], row["other"] = dec(row["consumer"]), dec(row["other"])
    for row in data["ecb_refinancing"]:
        row["rate"] = dec(row["rate"])
    return data


@lru_cache(maxsize=64)
def rates_for(day: datetime.date) -> Rates:
    table = _table()
    half, start = half_of(day)
    rows = {r["half"]: r for r in table["legal_interest"]}
    covered = half in rows
    if not covered:
        known = sorted(rows)
        half = known[-1] if half > known[-1] else known[0]
        year, h = half.split("-H")
        start = datetime.date(int(year), 1 if h == "1" else 7, 1)
    row = rows[half]
    ecb_rows = [r for r in table["ecb_refinancing"] if r["since"] <= start]
    ecb = ecb_rows[-1] if ecb_rows else table["ecb_refinancing"][0]
    return Rates(half, start, row["consumer"], row["other"], row["source"], ecb["rate"],
                 ecb["source"], Decimal(table["default_penalty_margin"]),
                 Decimal(table["penalty_floor_multiple"]),
                 Decimal(table["recovery_indemnity_min"]), covered)
