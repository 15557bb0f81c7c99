"""The table-driven money and memoized dates say exactly what Babel says."""
from __future__ import annotations

import datetime
from decimal import Decimal

from babel.dates import format_date
from babel.numbers import format_currency
from hypothesis import given, settings, strategies as st

from contratgen.domain import formatting
from contratgen.load.source import WrittenDecimal

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
