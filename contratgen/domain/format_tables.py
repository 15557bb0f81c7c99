"""Babel's formats as tables kept on disk: a build that formats needs no Babel.

A single build formats a few amounts, percents, dates and durations. Importing Babel and
loading its French or English CLDR data for them was a tenth of the process. So the
layouts a document uses are read from Babel's own output once and kept in the on-disk
cache (:mod:`contratgen.cache`), keyed by the Babel installation and this code:

- a number layout: ``positive`` and ``negative`` templates (``\\x00`` where the digits go),
  the group and decimal symbols, and the decimals shown (at least, at most). It is found
  from Babel's text for a probe value and then must give Babel's text back for every value
  of :data:`CHECKS`, or no table is made and the caller asks Babel;
- a date template per month (``\\x01`` for the year, ``\\x00`` for the day), checked the
  same way on every day of a few years;
- the durations ``0 jour`` … ``400 jours``, as Babel writes them (its plural rules).

A value a table cannot lay out exactly (more decimals than it shows, so Babel would
round; not finite; a negative zero) returns None: :mod:`contratgen.domain.formatting`
then asks Babel. tests/test_speed_formatting.py compares both over many values.
"""
from __future__ import annotations

import datetime
import importlib.util
import os
from decimal import Decimal
from functools import lru_cache
from typing import Optional

from .. import cache

LOCALES = {"fr": "fr_FR", "en": "en_GB"}
NAMESPACE = "formats"
DAYS_TABLED = 400          # durations 0…400 days are tabled; longer ones go to Babel
NUMBER = "#,##0.##########"   # a quantity as given

_PROBE = Decimal("1234567.891")
CHECKS = tuple(map(Decimal, (
    "0.01", "0.5", "1", "9.99", "12.3", "100", "999.99", "1000", "10000.01", "123456.7",
    "123456789.12", "1000000", "5.5", "20", "2.125", "0.001", "-0.01", "-12.5", "-1000",
    "-1234567.89", "3", "14.5", "0.75")))
_DATE_YEARS = (2026, 2028)   # every day of a common and a leap year


def _babel_key() -> str:
    """What the tables depend on besides this code: the Babel installation (its version,
    in its ``__init__.py``, and its locale data files), found without importing it."""
    spec = importlib.util.find_spec("babel")
    if spec is None or not spec.origin:
        return "no-babel"
    parts = [cache.installed("babel")]
    data = os.path.join(os.path.dirname(spec.origin), "locale-data")
    for name in sorted({"root", *LOCALES, *LOCALES.values()}):
        try:
            stat = os.stat(os.path.join(data, f"{name}.dat"))
        except OSError:
            continue
        parts.append(f"{name}:{stat.st_size}:{stat.st_mtime_ns}")
    return cache.key(*parts)


@lru_cache(maxsize=None)
def tables(lang: str, currency: str) -> dict:
    """The tables of a language and currency (an empty mapping: ask Babel for all)."""
    entry = cache.key(NAMESPACE, lang, currency, _babel_key(), cache.code_digest(__name__))
    found = cache.load_marshal(NAMESPACE, entry)
    if isinstance(found, dict):
        return found
    made = _make(lang, currency)
    cache.store_marshal(NAMESPACE, entry, made)
    return made


def lay_out(value: Decimal | int, table: Optional[tuple]) -> Optional[str]:
    """``value`` in a number layout, or None when the layout cannot show it exactly."""
    if table is None:
        return None
    positive, negative, group, point, low, high = table
    if type(value) is int or (isinstance(value, int) and not isinstance(value, bool)):
        value = Decimal(int(value))
    elif not isinstance(value, Decimal) or not value.is_finite():
        return None
    if not value and value.is_signed():
        return None
    whole, _, fraction = f"{abs(value):f}".partition(".")
    fraction = fraction.rstrip("0")
    if len(fraction) > high:
        return None   # Babel would round it
    fraction = fraction.ljust(low, "0")
    digits = f"{int(whole):,}".replace(",", group) + (point + fraction if fraction else "")
    return (negative if value < 0 else positive).replace("\x00", digits)


def date_text(value: datetime.date, months: Optional[tuple]) -> Optional[str]:
    if months is None:
        return None
    return months[value.month - 1].replace("\x01", str(value.year)).replace("\x00",
                                                                          str(value.day))


# --- made from Babel (once per installation) -----------------------------------------------

def _make(lang: str, currency: str) -> dict:
    from babel import Locale
    from babel.numbers import format_currency, format_decimal, format_percent, \
        get_decimal_symbol, get_group_symbol

    locale = Locale.parse(LOCALES[lang])
    group, point = get_group_symbol(locale), get_decimal_symbol(locale)
    percent = locale.percent_formats[None].pattern
    head, _, tail = percent.rpartition("0")
    formats = {   # name: (Babel's function for a value, decimals shown at least, at most)
        "money": (lambda v: format_currency(v, currency, locale=locale), 2, 2),
        "number": (lambda v: format_decimal(v, NUMBER, locale=locale), 0, 10),
        "percent": (lambda v: format_percent(v / 100, f"{head}0.###{tail}", locale=locale),
                    0, 3),
        "rate": (lambda v: format_percent(v / 100, f"{head}0.00#{tail}", locale=locale), 2, 3),
    }
    made: dict = {name: _number_layout(babel, group, point, low, high)
                  for name, (babel, low, high) in formats.items()}
    made["months"] = _months(locale)
    from babel.units import format_unit
    made["days"] = tuple(format_unit(n, "duration-day", length="long", locale=locale)
                         for n in range(DAYS_TABLED + 1))
    return made


def _number_layout(babel, group: str, point: str, low: int, high: int) -> Optional[tuple]:
    probe = _PROBE.quantize(Decimal(1).scaleb(-max(low, min(high, 3))))
    shown = lay_out(probe, ("\x00", "\x00", group, point, low, high))
    positive, negative = babel(probe), babel(-probe)
    if shown is None or positive.count(shown) != 1 or negative.count(shown) != 1 \
            or "\x00" in positive + negative:
        return None
    table = (positive.replace(shown, "\x00"), negative.replace(shown, "\x00"), group, point,
             low, high)
    for check in CHECKS:
        mine = lay_out(check, table)
        if mine is not None and mine != babel(check):
            return None
    return table


def _months(locale) -> Optional[tuple]:
    from babel.dates import format_date
    months = []
    for month in range(1, 13):
        text = format_date(datetime.date(1987, month, 23), "long", locale=locale)
        if text.count("1987") != 1 or text.count("23") != 1 or "\x00" in text:
            return None
        months.append(text.replace("1987", "\x01").replace("23", "\x00"))
    day = datetime.timedelta(days=1)
    for year in _DATE_YEARS:
        value = datetime.date(year, 1, 1)
        while value.year == year:
            if date_text(value, tuple(months)) != format_date(value, "long", locale=locale):
                return None
            value += day
    return tuple(months)
