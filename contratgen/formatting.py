"""Locale-aware formatting: Babel for numbers, money and dates; num2words for words.

No locale rule is written by hand here: French groups with U+202F and puts U+00A0
before the euro sign because Babel's ``fr_FR`` data says so.
"""
from __future__ import annotations

import datetime
from decimal import Decimal
from functools import lru_cache

from babel import Locale
from babel.dates import format_date as _babel_date
from babel.numbers import format_currency, format_decimal, format_percent
from num2words import CONVERTER_CLASSES

LOCALES = {"fr": "fr_FR", "en": "en_GB"}
# parsed once: Babel re-parses a locale given as a string on every call
_PARSED = {lang: Locale.parse(name) for lang, name in LOCALES.items()}


@lru_cache(maxsize=None)
def _percent_pattern(lang: str) -> str:
    # the locale's own pattern ("#,##0 %" in fr), with up to two decimals
    pattern = _PARSED[lang].percent_formats[None].pattern
    head, sep, tail = pattern.rpartition("0")
    return f"{head}0.##{tail}"


def money(amount: Decimal, lang: str, currency: str = "EUR") -> str:
    return format_currency(amount, currency, locale=_PARSED[lang])


def percent(value: Decimal, lang: str) -> str:
    """``20`` → ``20 %`` (fr) / ``20%`` (en); the value is in percent, not a fraction."""
    return format_percent(Decimal(value) / 100, _percent_pattern(lang), locale=_PARSED[lang])


def number(value: Decimal | int, lang: str) -> str:
    return format_decimal(value, "#,##0.###", locale=_PARSED[lang])


def date(value: datetime.date, lang: str) -> str:
    return _babel_date(value, "long", locale=_PARSED[lang])


def amount_in_words(amount: Decimal, lang: str, currency: str = "EUR") -> str:
    """``6199.40`` → ``six mille cent quatre-vingt-dix-neuf euros et quarante centimes``.

    num2words says "et zéro centimes" for a round amount; a contract would not, so
    round amounts use the cardinal and num2words' own currency names.
    """
    converter = CONVERTER_CLASSES[lang]
    units, cents_ = divmod(Decimal(amount).quantize(Decimal("0.01")) * 100, 100)
    if cents_:
        return converter.to_currency(amount, currency=currency)
    major = converter.CURRENCY_FORMS[currency][0]
    return f"{converter.to_cardinal(int(units))} {converter.pluralize(int(units), major)}"
