import datetime
from decimal import Decimal as D

import pytest

from contratgen import formatting as fmt

NNBSP, NBSP = "\u202f", "\u00a0"


def test_french_money_groups_with_narrow_nbsp_and_nbsp_before_euro():
    assert fmt.money(D("1234567.89"), "fr") == f"1{NNBSP}234{NNBSP}567,89{NBSP}€"
    assert fmt.money(D("6199.4"), "fr") == f"6{NNBSP}199,40{NBSP}€"


def test_english_money():
    assert fmt.money(D("6199.40"), "en") == "€6,199.40"


@pytest.mark.parametrize("lang,expected", [("fr", "2 mars 2026"), ("en", "2 March 2026")])
def test_long_dates(lang, expected):
    assert fmt.date(datetime.date(2026, 3, 2), lang) == expected


@pytest.mark.parametrize("value,lang,expected", [
    (D(20), "fr", f"20{NBSP}%"), (D("5.5"), "fr", f"5,5{NBSP}%"), (D("12.15"), "fr", f"12,15{NBSP}%"),
    (D(20), "en", "20%"), (D("5.5"), "en", "5.5%")])
def test_percents(value, lang, expected):
    assert fmt.percent(value, lang) == expected


def test_amount_in_words_french_with_cents():
    assert fmt.amount_in_words(D("6199.40"), "fr") == \
        "six mille cent quatre-vingt-dix-neuf euros et quarante centimes"


def test_amount_in_words_has_no_zero_centimes():
    words = fmt.amount_in_words(D("6199.00"), "fr")
    assert words == "six mille cent quatre-vingt-dix-neuf euros"
    assert "zéro" not in words


def test_amount_in_words_singular_euro():
    assert fmt.amount_in_words(D("1"), "fr") == "un euro"


def test_amount_in_words_english():
    assert fmt.amount_in_words(D("1000.50"), "en") == "one thousand euro, fifty cents"
    assert fmt.amount_in_words(D("21"), "en") == "twenty-one euro"
