"""The table-driven money and numbers and the memoized dates and rates say exactly what
Babel says; the amounts in words exactly what num2words says."""
from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from babel.dates import format_date
from babel.numbers import format_currency, format_decimal, format_percent
from hypothesis import given, settings, strategies as st
from num2words import CONVERTER_CLASSES

from contratgen.domain import formatting
from contratgen.load.source import WrittenDecimal, WrittenInt

LOCALES = {"fr": "fr_FR", "en": "en_GB"}
AMOUNTS = st.one_of(
    st.decimals(min_value=Decimal("-1e12"), max_value=Decimal("1e12"), places=2,
                allow_nan=False, allow_infinity=False),
    st.decimals(min_value=Decimal("-1e6"), max_value=Decimal("1e6"), places=0,
                allow_nan=False, allow_infinity=False),
    st.decimals(min_value=Decimal("-1e4"), max_value=Decimal("1e4"), places=4,
                allow_nan=False, allow_infinity=False),
    st.integers(min_value=-10**9, max_value=10**9).map(lambda n: Decimal(n).scaleb(-2)),
    st.sampled_from([Decimal("0"), Decimal("-0"), Decimal("0.00"), Decimal("-0.00"),
                     Decimal("1E+3"), Decimal("0.005"), Decimal("999999999999.99")]))


@settings(max_examples=2000, deadline=None)
@given(AMOUNTS, st.sampled_from(sorted(LOCALES)))
def test_money_is_babels(amount, lang):
    assert formatting.money(amount, lang) == format_currency(amount, "EUR",
                                                             locale=LOCALES[lang])


def test_money_of_a_yaml_number_is_babels():
    value = WrittenDecimal(Decimal("1234.50"), "1234.50")
    assert formatting.money(value, "fr") == format_currency(value, "EUR", locale="fr_FR")


def test_the_table_is_in_use_for_both_languages():
    assert formatting._money_table("fr", "EUR") is not None
    assert formatting._money_table("en", "EUR") is not None


@settings(max_examples=1000, deadline=None)
@given(st.dates(min_value=datetime.date(1900, 1, 1), max_value=datetime.date(2200, 12, 31)),
       st.sampled_from(sorted(LOCALES)))
def test_dates_are_babels(value, lang):
    expected = format_date(value, "long", locale=LOCALES[lang])
    if lang == "fr" and value.day == 1:
        expected = "1er" + expected[1:]
    assert formatting.date(value, lang) == expected
    assert formatting.date(value, lang) == expected   # memoized, same answer


# --- numbers (quantities): the table against Babel ---------------------------------------

NUMBERS = st.one_of(
    st.decimals(min_value=Decimal("-1e15"), max_value=Decimal("1e15"), places=0,
                allow_nan=False, allow_infinity=False),
    st.decimals(min_value=Decimal("-1e9"), max_value=Decimal("1e9"), places=3,
                allow_nan=False, allow_infinity=False),
    st.decimals(min_value=Decimal("-100"), max_value=Decimal("100"), places=10,
                allow_nan=False, allow_infinity=False),
    st.decimals(min_value=Decimal("-1"), max_value=Decimal("1"), places=14,
                allow_nan=False, allow_infinity=False),   # past ten decimals: Babel rounds
    st.integers(min_value=-10**15, max_value=10**15),
    st.integers(min_value=-10**6, max_value=10**9).map(lambda n: Decimal(n).scaleb(-4)),
    st.sampled_from([Decimal("0"), Decimal("-0"), Decimal("0.000"), Decimal("1E+3"),
                     Decimal("1.0000000000"), Decimal("0.00000000005"), Decimal("2.50"),
                     0, -0, 1000, 999, 1234567]))


@settings(max_examples=3000, deadline=None)
@given(NUMBERS, st.sampled_from(sorted(LOCALES)))
def test_numbers_are_babels(value, lang):
    assert formatting.number(value, lang) == format_decimal(value, "#,##0.##########",
                                                            locale=LOCALES[lang])


def test_numbers_of_yaml_values_are_babels():
    for value in (WrittenDecimal(Decimal("1500.50"), "1500.50"), WrittenInt(1500, "1500")):
        for lang, locale in LOCALES.items():
            assert formatting.number(value, lang) == format_decimal(
                value, "#,##0.##########", locale=locale)


def test_the_number_table_is_in_use_for_both_languages():
    assert formatting._number_table("fr") is not None
    assert formatting._number_table("en") is not None


@settings(max_examples=500, deadline=None)
@given(st.decimals(min_value=Decimal("0"), max_value=Decimal("100"), places=3,
                   allow_nan=False, allow_infinity=False), st.sampled_from(sorted(LOCALES)))
def test_rates_are_babels(value, lang):
    pattern = formatting._rate_pattern(lang)
    expected = format_percent(value / 100, pattern, locale=LOCALES[lang])
    assert formatting.rate(value, lang) == expected
    assert formatting.rate(value, lang) == expected   # memoized, same answer


# --- amounts in words: num2words' converter, its table cut --------------------------------

@pytest.mark.parametrize("lang", sorted(LOCALES))
def test_cardinals_are_num2words_for_every_number_to_twenty_thousand(lang):
    converter = CONVERTER_CLASSES[lang]
    for n in range(20_001):
        assert formatting.cardinal(n, lang) == converter.to_cardinal(n)


@settings(max_examples=3000, deadline=None)
@given(st.one_of(st.integers(min_value=0, max_value=10**15 + 10),
                 st.sampled_from([10**k + d for k in range(3, 19) for d in (-1, 0, 1)]),
                 st.integers(min_value=-10**6, max_value=-1)),
       st.sampled_from(sorted(LOCALES)))
def test_cardinals_are_num2words(n, lang):
    assert formatting.cardinal(n, lang) == CONVERTER_CLASSES[lang].to_cardinal(n)


@settings(max_examples=500, deadline=None)
@given(st.decimals(min_value=Decimal("0"), max_value=Decimal("1e13"), places=2,
                   allow_nan=False, allow_infinity=False), st.sampled_from(sorted(LOCALES)))
def test_amounts_in_words_are_made_of_num2words_cardinals(amount, lang):
    words = formatting.amount_in_words(amount, lang)
    units, cents = divmod(int(amount * 100), 100)
    converter = CONVERTER_CLASSES[lang]
    if units or not cents:
        assert words.startswith(converter.to_cardinal(units) + " ")
    if cents:
        assert converter.to_cardinal(cents) + " " in words
