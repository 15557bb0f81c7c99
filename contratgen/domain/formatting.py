"""Locale-aware formatting: Babel for numbers, money and dates; num2words for words.

No locale rule is written by hand here: French groups with U+202F and puts U+00A0
before the euro sign because Babel's ``fr_FR`` data says so.
"""
from __future__ import annotations

import copy
import datetime
from collections import OrderedDict
from decimal import Decimal
from functools import lru_cache

from babel import Locale
from babel.dates import format_date as _babel_date
from babel.numbers import format_currency, format_decimal, format_percent
from babel.units import format_unit
from num2words import CONVERTER_CLASSES

LOCALES = {"fr": "fr_FR", "en": "en_GB"}
# parsed once: Babel re-parses a locale given as a string on every call
_PARSED = {lang: Locale.parse(name) for lang, name in LOCALES.items()}


@lru_cache(maxsize=None)
def _percent_pattern(lang: str) -> str:
    # the locale's own pattern ("#,##0 %" in fr), with up to two decimals
    pattern = _PARSED[lang].percent_formats[None].pattern
    head, sep, tail = pattern.rpartition("0")
    return f"{head}0.###{tail}"


def money(amount: Decimal, lang: str, currency: str = "EUR") -> str:
    """``1234.5`` → ``1 234,50 €`` (fr) / ``€1,234.50`` (en). An amount already to the
    cent is laid out from a table made from Babel's own output (:func:`_money_table`;
    tests compare both over many values); any other goes to Babel, which rounds."""
    table = _money_table(lang, currency)
    if table is not None and isinstance(amount, Decimal) and \
            amount.is_finite() and -2 <= amount.as_tuple().exponent <= 0 and amount:
        positive, negative, digits = table
        text = f"{abs(amount):,.2f}".translate(digits)
        return (negative if amount < 0 else positive).replace("\x00", text)
    return format_currency(amount, currency, locale=_PARSED[lang])


_PROBE = Decimal("1234567.89")
_CHECKS = ("0.01", "0.5", "1", "9.99", "12.3", "999.99", "1000", "10000.01", "123456789.12",
           "1000000", "-0.01", "-12.5", "-1000", "-1234567.89")


@lru_cache(maxsize=None)
def _money_table(lang: str, currency: str):
    """(positive pattern, negative pattern, digit translation) read from Babel's output
    for a probe amount, or None if the table would not give Babel's text back."""
    from babel.numbers import get_decimal_symbol, get_group_symbol
    locale = _PARSED[lang]
    group, decimal = get_group_symbol(locale), get_decimal_symbol(locale)
    shown = f"{_PROBE:,.2f}".translate(str.maketrans({",": group, ".": decimal}))
    positive = format_currency(_PROBE, currency, locale=locale)
    negative = format_currency(-_PROBE, currency, locale=locale)
    if positive.count(shown) != 1 or negative.count(shown) != 1 or "\x00" in positive + negative:
        return None
    table = (positive.replace(shown, "\x00"), negative.replace(shown, "\x00"),
             str.maketrans({",": group, ".": decimal}))
    for check in map(Decimal, _CHECKS):
        positive_, negative_, digits = table
        text = f"{abs(check):,.2f}".translate(digits)
        mine = (negative_ if check < 0 else positive_).replace("\x00", text)
        if mine != format_currency(check, currency, locale=locale):
            return None
    return table


@lru_cache(maxsize=None)
def _precise_money_pattern(lang: str) -> str:
    # the locale's own currency pattern ("#,##0.00 ¤" in fr), with up to 4 more decimals
    return _PARSED[lang].currency_formats["standard"].pattern.replace("0.00", "0.00####", 1)


def unit_money(amount: Decimal, lang: str, currency: str = "EUR") -> str:
    """A unit price as given: ``0,425 €`` stays ``0,425 €`` (a total is always to the cent)."""
    if Decimal(amount) == Decimal(amount).quantize(Decimal("0.01")):
        return money(amount, lang, currency)
    return format_currency(amount, currency, _precise_money_pattern(lang),
                           locale=_PARSED[lang], currency_digits=False)


def percent(value: Decimal, lang: str) -> str:
    """``20`` → ``20 %`` (fr) / ``20%`` (en); the value is in percent, not a fraction."""
    return _percent(str(value), lang)


@lru_cache(maxsize=1024)   # the same few rates (VAT, tranches) in every document of a batch
def _percent(value: str, lang: str) -> str:
    return format_percent(Decimal(value) / 100, _percent_pattern(lang), locale=_PARSED[lang])


@lru_cache(maxsize=None)
def _rate_pattern(lang: str) -> str:
    head, sep, tail = _PARSED[lang].percent_formats[None].pattern.rpartition("0")
    return f"{head}0.00#{tail}"


def rate(value: Decimal, lang: str) -> str:
    """An interest rate as the arrêtés and the ECB publish it, with at least two
    decimals: ``14.5`` → ``14,50 %`` (fr) / ``14.50%`` (en)."""
    return _rate(str(value), lang)


@lru_cache(maxsize=1024)   # the same few legal rates in every document of a batch
def _rate(value: str, lang: str) -> str:
    return format_percent(Decimal(value) / 100, _rate_pattern(lang), locale=_PARSED[lang])


_NUMBER = "#,##0.##########"   # a quantity as given, up to ten decimals


def number(value: Decimal | int, lang: str) -> str:
    """``1500`` → ``1 500``, ``2.50`` → ``2,5``: as Babel lays out :data:`_NUMBER`. A
    number of at most ten decimals is laid out from the locale's symbols, read from
    Babel's own output (:func:`_number_table`; tests compare both over many values);
    any other goes to Babel, which rounds."""
    table = _number_table(lang)
    if table is not None and isinstance(value, (int, Decimal)) and not isinstance(value, bool):
        exact = Decimal(value)
        if exact.is_finite() and exact.as_tuple().exponent >= -10 and exact:
            minus, digits = table
            text = f"{abs(exact):,f}"
            if "." in text:
                text = text.rstrip("0").rstrip(".")
            return (minus if exact < 0 else "") + text.translate(digits)
    return format_decimal(value, _NUMBER, locale=_PARSED[lang])


_NUMBER_CHECKS = ("1", "12", "999", "1000", "1234567", "0.5", "2.50", "1234.5678901234",
                  "0.0000000001", "-1", "-1234.5", "1E+3", "-1E+6", "1000000000000")


@lru_cache(maxsize=None)
def _number_table(lang: str):
    """(minus sign, digit translation) from the locale, or None if the table would not
    give Babel's text back for the checks."""
    from babel.numbers import get_decimal_symbol, get_group_symbol, get_minus_sign_symbol
    locale = _PARSED[lang]
    table = (get_minus_sign_symbol(locale),
             str.maketrans({",": get_group_symbol(locale), ".": get_decimal_symbol(locale)}))
    for check in map(Decimal, _NUMBER_CHECKS):
        minus, digits = table
        text = f"{abs(check):,f}"
        if "." in text:
            text = text.rstrip("0").rstrip(".")
        if (minus if check < 0 else "") + text.translate(digits) != \
                format_decimal(check, _NUMBER, locale=locale):
            return None
    return table


def date(value: datetime.date, lang: str) -> str:
    """``2 mars 2026``, ``1er mars 2026`` (fr) / ``2 March 2026`` (en); memoized: the
    same few dates come back in every document of a batch."""
    if type(value) is datetime.date:
        return _date(value, lang)
    return _date.__wrapped__(value, lang)


@lru_cache(maxsize=4096)
def _date(value: datetime.date, lang: str) -> str:
    text = _babel_date(value, "long", locale=_PARSED[lang])
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
_SMALL = 10 ** 15                   # amounts below: num2words' converter without its larger names


@lru_cache(maxsize=None)
def _converter(lang: str, small: bool):
    """num2words' converter for ``lang``; for numbers below :data:`_SMALL`, a copy whose
    table of names stops there. Its ``splitnum`` walks that table from the largest name
    down, skipping every name larger than the number (228 in French, up to 10^600): the
    names it skips are gone, the words are the same (tests compare both), in a tenth of
    the time."""
    converter = CONVERTER_CLASSES[lang]
    if not small:
        return converter
    trimmed = copy.copy(converter)
    trimmed.cards = OrderedDict((value, word) for value, word in converter.cards.items()
                                if value < _SMALL)
    return trimmed


def cardinal(value: int, lang: str) -> str:
    """``6199`` → ``six mille cent quatre-vingt-dix-neuf``: num2words' cardinal."""
    return _converter(lang, 0 <= value < _SMALL).to_cardinal(value)


@lru_cache(maxsize=1024)
def days(count: int, lang: str) -> str:
    """``1 jour``, ``30 jours``, ``1 day``: Babel's plural rules (memoized by count)."""
    return format_unit(count, "duration-day", length="long", locale=_PARSED[lang])
