"""The table-driven formats (money, numbers, percents, rates, dates, durations) say exactly
what Babel says, and a build needs no Babel once the tables are on disk; the amounts in
words exactly what num2words says."""
from __future__ import annotations

import datetime
from decimal import Decimal

import subprocess
import sys

import pytest
from babel.dates import format_date
from babel.numbers import format_currency, format_decimal, format_percent
from babel.units import format_unit
from hypothesis import given, settings, strategies as st
from num2words import CONVERTER_CLASSES

from conftest import ROOT, SAMPLES
from contratgen.domain import format_tables, formatting
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


@pytest.mark.parametrize("lang", sorted(LOCALES))
def test_every_table_is_made_for_both_languages(lang):
    made = format_tables.tables(lang, "EUR")
    assert all(made[name] is not None for name in ("money", "number", "percent", "rate",
                                                   "months", "days")), made
    assert made == format_tables._make(lang, "EUR")   # the kept tables are Babel's today


NUMBERS = st.one_of(
    st.decimals(min_value=Decimal("-1e9"), max_value=Decimal("1e9"), places=3,
                allow_nan=False, allow_infinity=False),
    st.decimals(min_value=Decimal("-1e4"), max_value=Decimal("1e4"), places=6,
                allow_nan=False, allow_infinity=False),
    st.integers(min_value=-10**12, max_value=10**12),
    st.integers(min_value=-10**7, max_value=10**7).map(lambda n: Decimal(n).scaleb(-3)),
    st.sampled_from([Decimal("0"), Decimal("-0"), Decimal("0.000"), Decimal("1E+3"),
                     Decimal("2.50"), Decimal("0.0005"), Decimal("14.5"), Decimal("5.5")]))


@settings(max_examples=1500, deadline=None)
@given(NUMBERS, st.sampled_from(sorted(LOCALES)))
def test_percents_are_babels(value, lang):   # numbers and rates: further down
    head, _, tail = format_tables_pattern(lang).rpartition("0")
    value = Decimal(value)
    assert formatting.percent(value, lang) == format_percent(
        value / 100, f"{head}0.###{tail}", locale=LOCALES[lang])


def format_tables_pattern(lang):
    from babel import Locale
    return Locale.parse(LOCALES[lang]).percent_formats[None].pattern


@pytest.mark.parametrize("lang", sorted(LOCALES))
def test_durations_are_babels_in_and_beyond_the_table(lang):
    for count in [*range(0, format_tables.DAYS_TABLED + 1), 401, 999, 1000, 3650]:
        assert formatting.days(count, lang) == format_unit(
            count, "duration-day", length="long", locale=LOCALES[lang]), count


def test_a_layout_never_shows_what_babel_would_round():
    table = format_tables.tables("fr", "EUR")["money"]
    assert format_tables.lay_out(Decimal("12.345"), table) is None
    assert format_tables.lay_out(Decimal("-0.00"), table) is None
    assert format_tables.lay_out(Decimal("NaN"), table) is None
    assert formatting.money(Decimal("12.345"), "fr") == format_currency(
        Decimal("12.345"), "EUR", locale="fr_FR")


def test_a_build_with_the_tables_on_disk_imports_no_babel(tmp_path):
    env_code = ("import sys, runpy\n"
                "sys.argv = ['contratgen', 'build', sys.argv[1], '--format', 'docx', '-o', "
                "sys.argv[2]]\n"
                "try:\n"
                "    runpy.run_module('contratgen', run_name='__main__')\n"
                "except SystemExit as exc:\n"
                "    assert not exc.code, exc.code\n"
                "print(sorted(m for m in sys.modules if m.split('.')[0] == 'babel'))\n")
    import os
    env = dict(os.environ, CONTRATGEN_CACHE_DIR=str(tmp_path / "cache"))
    runs = [subprocess.run([sys.executable, "-c", env_code, str(SAMPLES / "contract-b2b.yaml"),
                            str(tmp_path / f"out{n}")], capture_output=True, text=True,
                           cwd=ROOT, env=env, timeout=120) for n in (1, 2)]
    assert all(run.returncode == 0 for run in runs), [run.stderr for run in runs]
    assert "'babel'" in runs[0].stdout                      # the first build made the tables
    assert runs[1].stdout.strip().splitlines()[-1] == "[]"   # the second needed no Babel
    first = (tmp_path / "out1" / "CT-2026-0042.docx").read_bytes()
    assert first == (tmp_path / "out2" / "CT-2026-0042.docx").read_bytes()


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

QUANTITIES = st.one_of(
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
@given(QUANTITIES, st.sampled_from(sorted(LOCALES)))
def test_numbers_are_babels(value, lang):
    assert formatting.number(value, lang) == format_decimal(value, "#,##0.##########",
                                                            locale=LOCALES[lang])


def test_numbers_of_yaml_values_are_babels():
    for value in (WrittenDecimal(Decimal("1500.50"), "1500.50"), WrittenInt(1500, "1500")):
        for lang, locale in LOCALES.items():
            assert formatting.number(value, lang) == format_decimal(
                value, "#,##0.##########", locale=locale)


@settings(max_examples=500, deadline=None)
@given(st.decimals(min_value=Decimal("0"), max_value=Decimal("100"), places=3,
                   allow_nan=False, allow_infinity=False), st.sampled_from(sorted(LOCALES)))
def test_rates_are_babels(value, lang):
    head, _, tail = format_tables_pattern(lang).rpartition("0")
    pattern = f"{head}0.00#{tail}"
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
