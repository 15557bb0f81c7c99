"""Half-years (``2026-H2``) and what a missing one means: the pure helpers of the rates
table (:mod:`contratgen.domain.rates`), kept apart so that the table stays one page.

- :func:`half_of`, :func:`half_bounds`, :func:`halves_between`, :func:`half_label`;
- :class:`Gap` (a half-year the table lacks a figure of) and :class:`RatesMissing` (the
  error a computed amount raises for it), with :func:`published_where`: where the figure
  is published and how to add it with ``--rates FILE``.
"""
from __future__ import annotations

from dataclasses import dataclass

import datetime
import re


HALF_FORMAT = re.compile(r"^(\d{4})-H([12])$")


def half_bounds(half: str) -> tuple[datetime.date, datetime.date]:
    """First and last day of a half-year: 1 January–30 June or 1 July–31 December."""
    year, h = (int(x) for x in HALF_FORMAT.match(half).groups())
    if h == 1:
        return datetime.date(year, 1, 1), datetime.date(year, 6, 30)
    return datetime.date(year, 7, 1), datetime.date(year, 12, 31)


def half_of(day: datetime.date) -> tuple[str, datetime.date]:
    """The half-year of ``day`` (``2026-H1``) and its first day."""
    first = 1 if day.month <= 6 else 2
    return f"{day.year}-H{first}", datetime.date(day.year, 1 if first == 1 else 7, 1)


def halves_between(first: str, last: str) -> tuple[str, ...]:
    """Every half-year from ``first`` to ``last``, both included."""
    out, day = [], half_bounds(first)[0]
    while half_of(day)[0] <= last:
        out.append(half_of(day)[0])
        day = half_bounds(half_of(day)[0])[1] + datetime.timedelta(days=1)
    return tuple(out)


# --- a missing half-year ------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class Gap:
    """A half-year the table lacks a figure of: ``parts`` ⊆ (``"legal"``, ``"ecb"``)."""
    half: str
    parts: tuple[str, ...]


class RatesMissing(Exception):
    """A computed amount needs a figure the table lacks. The caller locates it (which
    invoice, which field) and reports :func:`missing_message`."""

    def __init__(self, half: str, parts: tuple[str, ...]):
        super().__init__(missing_message(half, parts))
        self.half, self.parts = half, parts


def published_where(half: str, part: str) -> str:
    """Where the figure ``part`` of ``half`` is published (what `rates --missing` says)."""
    start = half_bounds(half)[0]
    on = f"{start.day} {'January' if start.month == 1 else 'July'} {start.year}"
    if part == "legal":
        month = f"December {start.year - 1}" if start.month == 1 else f"June {start.year}"
        return (f"the taux de l'intérêt légal of the {half_label(half)}: the arrêté of "
                f"{month} (C. mon. fin. L313-2, D313-1-A), in the Journal officiel on "
                "legifrance.gouv.fr; add legal_interest: [{half: " + half +
                ", consumer: ..., other: ..., source: \"Arrêté du ...\"}]")
    return (f"the ECB main refinancing operations rate in force on {on}: the ECB's monetary "
            "policy decisions on ecb.europa.eu (Key ECB interest rates); add ecb_checked: "
            f"{start.isoformat()}, and a row ecb_refinancing: [{{since: ..., rate: ..., "
            "source: ...}] if a decision changed it")


def missing_message(half: str, parts: tuple[str, ...]) -> str:
    """The error for a computed amount that needs ``parts`` of ``half``."""
    start = half_bounds(half)[0]
    on = f"{start.day} {'January' if start.month == 1 else 'July'} {start.year}"
    what = " and ".join("the legal interest rate (arrêté)" if p == "legal" else
                        f"the ECB rate in force on {on}" for p in parts)
    return (f"the rates table lacks {what} of the {half_label(half)} ({half}): no amount is "
            "computed for its days with another half-year's rate. Once published, add it "
            "with --rates FILE (a YAML file in the format of contratgen/data/rates.yaml); "
            "`contratgen rates --missing` says where each figure is published")


def half_label(half: str, lang: str = "en") -> str:
    """``2026-H1`` → ``1st half 2026`` / ``1er semestre 2026``."""
    year, h = HALF_FORMAT.match(half).groups()
    if lang == "fr":
        return f"{'1er' if h == '1' else '2e'} semestre {year}"
    return f"{'1st' if h == '1' else '2nd'} half {year}"
