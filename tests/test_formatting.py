import datetime
from decimal import Decimal as D

import pytest

from contratgen.domain import formatting as fmt

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


@pytest.mark.parametrize("amount,expected", [
    ("1000000", "un million d'euros"), ("2000000.50", "deux millions d'euros et cinquante centimes"),
    ("0.99", "quatre-vingt-dix-neuf centimes"), ("0", "zéro euro"), ("1000001", "un million un euros")])
def test_french_amounts_in_words_follow_french_grammar(amount, expected):
    assert fmt.amount_in_words(D(amount), "fr") == expected


def test_the_first_of_the_month_is_1er_in_french():
    assert fmt.date(datetime.date(2026, 7, 1), "fr") == "1er juillet 2026"
    assert fmt.date(datetime.date(2026, 7, 1), "en") == "1 July 2026"


def test_days_are_singular_or_plural():
    assert fmt.days(1, "fr") == f"1{NBSP}jour" and fmt.days(30, "fr") == f"30{NBSP}jours"
    assert fmt.days(1, "en") == "1 day"


def test_a_discount_is_shown_as_applied():
    assert fmt.percent(D("33.333"), "fr") == f"33,333{NBSP}%"
