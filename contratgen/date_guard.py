"""Dates a contract can hold: between :data:`FIRST_YEAR` and :data:`LAST_YEAR`.

Python's dates end at 9999-12-31, so a date near the end (a typing mistake, or a probe)
would overflow the first time a period is added to it (the withdrawal period, the
validity of a quote, a payment term). Every date of a validated client file is checked
once, located at its line, before anything is computed.
"""
from __future__ import annotations

import datetime
from typing import Any, Iterator

from pydantic import BaseModel

from .diagnostics import Diagnostic
from .load.source import Source

FIRST_YEAR = 1900
LAST_YEAR = 2999


def _dates(value: Any, path: tuple) -> Iterator[tuple[tuple, datetime.date]]:
    if isinstance(value, datetime.date):
        yield path, value
    elif isinstance(value, BaseModel):
        for name in type(value).model_fields:
            yield from _dates(getattr(value, name), path + (name,))
    elif isinstance(value, (list, tuple)):
        for i, item in enumerate(value):
            yield from _dates(item, path + (i,))
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from _dates(item, path + (key,))


def check_dates(client: BaseModel, source: Source) -> list[Diagnostic]:
    """A located error for each date outside the years a contract can mean."""
    return [source.diagnostic(path, f"the date {day.isoformat()} is outside {FIRST_YEAR}–"
                              f"{LAST_YEAR}: a typing mistake?", "date.range")
            for path, day in _dates(client, ())
            if not FIRST_YEAR <= day.year <= LAST_YEAR]
