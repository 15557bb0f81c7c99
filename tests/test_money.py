from decimal import Decimal as D

import pytest
from hypothesis import given, settings, strategies as st

from contratgen.load.model import Item, Tranche
from contratgen.domain.money import ScheduleError, allocate, cents, line_total, vat_breakdown


def item(qty, price, rate, discount=None):
    return Item(description="x", quantity=D(qty), unit_price=D(price), vat_rate=D(rate),
                discount=None if discount is None else D(discount))


def test_rounding_is_half_up_to_the_cent():
    assert cents(D("0.005")) == D("0.01")
    assert cents(D("0.015")) == D("0.02")
    assert cents(D("2.675")) == D("2.68")
    assert cents(D("-0.005")) == D("-0.01")


def test_one_and_a_half_times_333_33_is_500_00():
    assert line_total(item("1.5", "333.33", 20)).total_ht == D("500.00")


def test_vat_5_5_percent_on_189_is_10_40():
    (line,) = vat_breakdown([line_total(item(1, "189.00", "5.5"))])
    assert (line.rate, line.base, line.amount) == (D("5.5"), D("189.00"), D("10.40"))


def test_discount_applies_to_the_line():
    line = line_total(item(500, "0.42", "5.5", discount=10))
    assert line.gross == D("210.00") and line.total_ht == D("189.00")


def test_vat_is_broken_down_per_rate_in_increasing_order():
    lines = [line_total(item(3, 650, 20)), line_total(item(1, 100, "5.5")),
             line_total(item(2, 10, 20))]
    breakdown = vat_breakdown(lines)
    assert [(v.rate, v.base, v.amount) for v in breakdown] == [
        (D("5.5"), D("100"), D("5.50")), (D("20"), D("1970"), D("394.00"))]


def tranche(percent=None, amount=None, due="signature", label="t"):
    return Tranche(label=label, percent=percent, amount=amount, due=due)


def test_percent_tranches_last_takes_the_remainder():
    tranches = allocate([tranche(D(30)), tranche(D(40)), tranche(D(30))], D("100.01"))
    assert [t.amount for t in tranches] == [D("30.00"), D("40.00"), D("30.01")]


def test_amount_tranches_get_percents_that_sum_to_100():
    tranches = allocate([tranche(amount=D("100")), tranche(amount=D("200"))], D("300.00"))
    assert [t.percent for t in tranches] == [D("33.33"), D("66.67")]
    assert sum(t.percent for t in tranches) == 100


def test_percents_not_summing_to_100_are_an_error():
    with pytest.raises(ScheduleError, match="99 %"):
        allocate([tranche(D(30)), tranche(D(69))], D(100))


def test_amounts_not_summing_to_the_total_are_an_error():
    with pytest.raises(ScheduleError, match="not to the TTC total"):
        allocate([tranche(amount=D(10)), tranche(amount=D(20))], D("30.01"))


def test_mixing_percents_and_amounts_is_an_error():
    with pytest.raises(ScheduleError, match="not a mix"):
        allocate([tranche(D(50)), tranche(amount=D(20))], D(40))


def test_a_tranche_rounding_to_zero_is_an_error():
    with pytest.raises(ScheduleError, match="positive"):
        allocate([tranche(D("99.99")), tranche(D("0.01"))], D("0.10"))


amounts = st.decimals(min_value=D("0.01"), max_value=D("10000000"), places=2)
rates = st.sampled_from([D(0), D("2.1"), D("5.5"), D(10), D(20)])


@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(st.decimals(min_value=D("0.001"), max_value=D(1000), places=3),
                          amounts, rates, st.one_of(st.none(), st.integers(0, 100))),
                min_size=1, max_size=12))
def test_vat_lines_sum_to_the_vat_total_and_bases_to_the_total_ht(rows):
    lines = [line_total(item(q, p, r, d)) for q, p, r, d in rows]
    breakdown = vat_breakdown(lines)
    assert sum(v.base for v in breakdown) == sum(line.total_ht for line in lines)
    for v in breakdown:
        assert v.amount == cents(v.base * v.rate / 100)


@settings(max_examples=300, deadline=None)
@given(amounts, st.lists(st.integers(1, 100), min_size=1, max_size=8))
def test_percent_tranches_always_sum_exactly_to_the_total(total, weights):
    # make percents with two decimals that sum to exactly 100
    scale = D(100) / sum(weights)
    percents = [cents(D(w) * scale) for w in weights[:-1]]
    percents.append(D(100) - sum(percents))
    if any(p <= 0 for p in percents):
        return
    try:
        tranches = allocate([tranche(p) for p in percents], total)
    except ScheduleError as exc:
        assert "positive" in str(exc)  # a tiny total cannot feed every tranche
        return
    assert sum(t.amount for t in tranches) == total
    assert all(t.amount > 0 and t.amount == cents(t.amount) for t in tranches)


@settings(max_examples=200, deadline=None)
@given(st.lists(amounts, min_size=1, max_size=8))
def test_amount_tranches_sum_to_the_total_and_percents_to_100(parts):
    total = sum(parts)
    tranches = allocate([tranche(amount=a) for a in parts], total)
    assert sum(t.amount for t in tranches) == total
    assert sum(t.percent for t in tranches) == 100


def test_amount_tranches_never_show_a_negative_percent():
    parts = [D("1999.50")] * 4 + [D("2001.00"), D("1.00")]
    tranches = allocate([tranche(amount=a) for a in parts], sum(parts))
    assert all(t.percent > 0 for t in tranches) and sum(t.percent for t in tranches) == 100
