"""Locale-aware formatting: Babel for numbers, money and dates; num2words for words.

No locale rule is written by hand here: French groups with U+202F and puts U+00A0
before the euro sign because Babel's ``fr_FR`` data says so. Babel's ``Locale`` of each
language is loaded once a process.
"""
from __future__ import annotations

import datetime
from decimal import Decimal
from functools import lru_cache

from babel import Locale
from babel.dates import format_date
from babel.numbers import format_currency, format_decimal, format_percent
from babel.units import format_unit
from num2words import CONVERTER_CLASSES

LOCALES = {"fr": "fr_FR", "en": "en_GB"}
NUMBER = "#,##0.##########"   # a quantity as given


@lru_cache(maxsize=None)
def _locale(lang: str) -> Locale:
    return Locale.parse(LOCALES[lang])


def money(amount: Decimal, lang: str, currency: str = "EUR") -> str:
    """``1234.5`` → ``1 234,50 €`` (fr) / ``€1,234.50`` (en)."""
    return _money(str(amount), lang, currency)


@lru_cache(maxsize=4096)   # keyed by the amount as written: the same prices all batch long
def _money(amount: str, lang: str, currency: str) -> str:
    return format_currency(Decimal(amount), currency, locale=_locale(lang))


def unit_money(amount: Decimal, lang: str, currency: str = "EUR") -> str:
    """A unit price as given: ``0,425 €`` stays ``0,425 €`` (a total is always to the cent)."""
    if Decimal(amount) == Decimal(amount).quantize(Decimal("0.01")):
        return money(amount, lang, currency)
    locale = _locale(lang)
    # the locale's own currency pattern ("#,##0.00 ¤" in fr), with up to 4 more decimals
    pattern = locale.currency_formats["standard"].pattern.replace("0.00", "0.00####", 1)
    return format_currency(amount, currency, pattern, locale=locale, currency_digits=False)


def percent(value: Decimal, lang: str) -> str:
    """``20`` → ``20 %`` (fr) / ``20%`` (en); the value is in percent, not a fraction."""
    return _percent_like(str(value), lang, "0.###")


def rate(value: Decimal, lang: str) -> str:
    """An interest rate as the arrêtés and the ECB publish it, with at least two
    decimals: ``14.5`` → ``14,50 %`` (fr) / ``14.50%`` (en)."""
    return _percent_like(str(value), lang, "0.00#")


@lru_cache(maxsize=1024)   # the same few rates (VAT, tranches, legal rates) all batch long
def _percent_like(value: str, lang: str, decimals: str) -> str:
    # the locale's own pattern ("#,##0 %" in fr), with these decimals
    head, _, tail = _locale(lang).percent_formats[None].pattern.rpartition("0")
    return format_percent(Decimal(value) / 100, f"{head}{decimals}{tail}",
                          locale=_locale(lang))


def number(value: Decimal | int, lang: str) -> str:
    return format_decimal(value, NUMBER, locale=_locale(lang))  # as given


def date(value: datetime.date, lang: str) -> str:
    """``2 mars 2026``, ``1er mars 2026`` (fr) / ``2 March 2026`` (en)."""
    if type(value) is datetime.date:   # a plain date: the same few all batch long
        return _date(value, lang)
    return _date.__wrapped__(value, lang)


@lru_cache(maxsize=4096)
def _date(value: datetime.date, lang: str) -> str:
    text = format_date(value, "long", locale=_locale(lang))
    if lang == "fr" and value.day == 1:  # French writes the first of the month "1er"
        text = "1er" + text[1:]
    return text


def amount_in_words(amount: Decimal, lang: str, currency: str = "EUR") -> str:
    """``6199.40`` → ``six mille cent quatre-vingt-dix-neuf euros et quarante centimes``.

    Built from num2words' cardinals and currency names, because its ``to_currency`` says
    "et zéro centimes" for a round amount, "zéro euros et …" under one euro and
    "un million euros" where French writes "un million d'euros".
    """
    converter = CONVERTER_CLASSES[lang]
    units, cents_ = (int(x) for x in divmod(Decimal(amount).quantize(Decimal("0.01")) * 100,
                                            100))
    (major_one, major_many), (minor_one, minor_many) = converter.CURRENCY_FORMS[currency][:2]
    parts = []
    if units or not cents_:
        words = cardinal(units, lang)
        name = major_one if units <= 1 else major_many   # "zéro euro", "un euro"
        if lang == "fr" and words.split()[-1] in ("million", "millions", "milliard",
                                                    "milliards"):
            name = "d'" + name                           # "un million d'euros"
        parts.append(f"{words} {name}")
    if cents_:
        parts.append(f"{cardinal(cents_, lang)} "
                     f"{minor_one if cents_ == 1 else minor_many}")
    return _AND[lang].join(parts)


_AND = {"fr": " et ", "en": ", "}   # num2words' own separators between units and cents
def cardinal(value: int, lang: str) -> str:
    """``6199`` → ``six mille cent quatre-vingt-dix-neuf``: num2words' cardinal."""
    return CONVERTER_CLASSES[lang].to_cardinal(value)


def days(count: int, lang: str) -> str:
    """``1 jour``, ``30 jours``, ``1 day``: Babel's plural rules."""
    return format_unit(count, "duration-day", length="long", locale=_locale(lang))
