"""The late-interest engine (SPEC.md "Late interest", Version 3 "Late interest: the
corrections"): worked examples computed by hand, the arithmetic in the comments, and
properties that hold for every invoice. Imputation on interest first (C. civ. 1343-1),
public purchasers, judgments and a missing half-year: tests/test_interest_v3.py."""
from __future__ import annotations

import datetime
from decimal import Decimal as D

import pytest
from hypothesis import given, settings, strategies as st

from contratgen.domain.interest import PRINCIPAL_FIRST, Claim, Received, Status, Terms, \
    accrued, standing, total_interest
from contratgen.domain.rates import shipped_table

TABLE = shipped_table()
B2B_DEFAULT = Terms(business=True)                  # legal_default: ECB + 10 points
B2C = Terms(business=False)                         # legal rate "other cases", from notice
# the examples below that pay the invoice's amount late, with the payments imputed on the
# principal (a concession): the interest is then claimed on its own
B2B_DEFAULT_PF = Terms(business=True, imputation=PRINCIPAL_FIRST)
B2C_PF = Terms(business=False, imputation=PRINCIPAL_FIRST)


def day(text: str) -> datetime.date:
    return datetime.date.fromisoformat(text)


# --- worked examples ----------------------------------------------------------------------

def test_a_period_crossing_30_june_takes_each_half_years_rate():
    # 1 000,00 € due 20 June 2024, legal_default, paid in full on 10 July 2024.
    # 21-30 June: 10 days at 4,50 + 10 = 14,50 %  →  1000 × 14,50 × 10 / 36 500 = 3,972602…
    #  1-10 July: 10 days at 4,25 + 10 = 14,25 %  →  1000 × 14,25 × 10 / 36 500 = 3,904109…
    # total 7,876712… → 7,88 € (rounded once: rounding each part would give 3,97 + 3,90 = 7,87)
    claim = Claim("FA-1", day("2024-06-20"), D("1000.00"),
                  (Received(day("2024-07-10"), D("1000.00")),))
    s = standing(claim, day("2024-12-31"), B2B_DEFAULT_PF, TABLE)
    assert [(p.first, p.last, p.days, p.rate) for p in s.periods] == [
        (day("2024-06-21"), day("2024-06-30"), 10, D("14.50")),
        (day("2024-07-01"), day("2024-07-10"), 10, D("14.25"))]
    assert s.interest == D("7.88")
    assert (s.status, s.days_late, s.outstanding, s.indemnity) == \
        (Status.PAID_LATE, 20, D("0.00"), D("40.00"))
    assert s.claimable == D("47.88")


def test_a_partial_payment_reduces_the_base_from_the_day_after():
    # 2 000,00 € due 31 March 2026 at an agreed 15 %; 800 € received on 15 April, imputed
    # on the principal (the concession); asked on 30 April.
    #           1-15 April: 15 days on 2 000 → 2000 × 15 × 15 / 36 500 = 12,328767…
    #           16-30 April: 15 days on 1 200 → 1200 × 15 × 15 / 36 500 =  7,397260…
    # 12,33 + 7,40 = 19,73 € (each span between payments rounded once);
    # still owed 1 200,00 + 19,73 + 40 = 1 259,73 €
    claim = Claim("FA-2", day("2026-03-31"), D("2000.00"),
                  (Received(day("2026-04-15"), D("800")),))
    s = standing(claim, day("2026-04-30"), Terms(True, D("15"), imputation=PRINCIPAL_FIRST),
                 TABLE)
    assert [(p.days, p.base) for p in s.periods] == [(15, D("2000.00")), (15, D("1200.00"))]
    assert (s.paid, s.outstanding, s.interest, s.indemnity) == \
        (D("800"), D("1200.00"), D("19.73"), D("40.00"))
    assert (s.status, s.days_late, s.claimable) == (Status.OVERDUE, 30, D("1259.73"))


def test_a_consumer_owes_the_legal_rate_from_the_formal_notice():
    # 1 500,00 € due 15 February 2026; formal notice on 10 March; paid on 9 April.
    # Interest runs 11 March-9 April: 30 days at the legal rate "other cases" of the 1st half
    # of 2026, 2,62 %: 1500 × 2,62 × 30 / 36 500 = 3,230136… → 3,23 €; no 40 € indemnity.
    claim = Claim("FA-3", day("2026-02-15"), D("1500.00"),
                  (Received(day("2026-04-09"), D("1500.00")),), (day("2026-03-10"),))
    s = standing(claim, day("2026-05-01"), B2C_PF, TABLE)
    assert s.interest_from == day("2026-03-11")
    assert [(p.days, p.rate) for p in s.periods] == [(30, D("2.62"))]
    assert (s.interest, s.indemnity, s.days_late) == (D("3.23"), D("0.00"), 53)


def test_a_consumer_owes_no_interest_before_a_formal_notice():
    claim = Claim("FA-4", day("2026-02-15"), D("1500.00"))
    s = standing(claim, day("2026-05-01"), B2C, TABLE)
    assert (s.interest, s.interest_from, s.status, s.outstanding) == \
        (D("0.00"), None, Status.OVERDUE, D("1500.00"))


def test_a_notice_sent_after_the_date_asked_about_does_not_count_yet():
    claim = Claim("FA-4", day("2026-02-15"), D("1500.00"), (), (day("2026-06-01"),))
    assert standing(claim, day("2026-05-01"), B2C, TABLE).interest == D("0.00")


def test_the_sample_invoice_of_spec_with_a_partial_payment_imputed_on_the_principal():
    # SPEC.md: FA-2026-0131 of 20 April 2026, 30 days → due 20 May; 1 000 € paid 30 May;
    # say its amount is 1 922,96 €, legal_default (2,15 + 10 = 12,15 %), asked 30 June,
    # the payment imputed on the principal (principal_first, a concession):
    # 21-30 May: 10 days on 1 922,96 → 1922,96 × 12,15 × 10 / 36 500 = 6,401077… → 6,40
    # 31 May-30 June: 31 days on 922,96 → 922,96 × 12,15 × 31 / 36 500 = 9,524151… → 9,52
    # total 15,92 € (each span between payments rounded once when the payment imputes it)
    claim = Claim("FA-2026-0131", day("2026-05-20"), D("1922.96"),
                  (Received(day("2026-05-30"), D("1000")),))
    s = standing(claim, day("2026-06-30"), B2B_DEFAULT_PF, TABLE)
    assert [p.days for p in s.periods] == [10, 31]
    assert s.interest == D("15.92") and s.outstanding == D("922.96")


def test_a_leap_year_counts_29_february_over_a_365_day_year():
    # 365 € due 28 February 2024, paid 1 March: 29 February and 1 March, 2 days at 20 %:
    # 365 × 20 × 2 / 36 500 = 0,40 €
    claim = Claim("FA-5", day("2024-02-28"), D("365"), (Received(day("2024-03-01"), D("365")),))
    s = standing(claim, day("2024-03-01"), Terms(True, D("20")), TABLE)
    assert s.interest_accrued == D("0.40") and s.interest_paid == D("0.40")


def test_an_invoice_not_yet_due_owes_nothing():
    claim = Claim("FA-6", day("2026-06-30"), D("100"))
    s = standing(claim, day("2026-06-01"), B2B_DEFAULT, TABLE)
    assert (s.status, s.days_late, s.interest, s.indemnity, s.claimable) == \
        (Status.NOT_DUE, 0, D("0.00"), D("0.00"), D("100"))


def test_the_due_date_itself_is_not_late():
    claim = Claim("FA-6", day("2026-06-30"), D("100"))
    s = standing(claim, day("2026-06-30"), B2B_DEFAULT, TABLE)
    assert (s.status, s.interest, s.indemnity) == (Status.DUE_TODAY, D("0.00"), D("0.00"))


def test_an_agreed_indemnity_replaces_the_minimum():
    claim = Claim("FA-7", day("2026-01-31"), D("100"))
    s = standing(claim, day("2026-03-01"), Terms(True, D("12"), D("100")), TABLE)
    assert s.indemnity == D("100.00")


def test_an_agreed_rate_below_a_later_floor_is_reported():
    # 12 % is above the floor of 2025-H2 (8,28 %) but below that of 2024-H2 (14,76 %)
    claim = Claim("FA-9", day("2024-12-01"), D("1000"))
    s = standing(claim, day("2025-01-10"), Terms(True, D("12")), TABLE)
    assert s.below_floor == ("2024-H2",)


# --- properties ---------------------------------------------------------------------------

# within the half-years the shipped table covers (2024-H1 to 2026-H1): a later day raises
# RatesMissing (tests/test_interest_v3.py)
dates = st.dates(datetime.date(2024, 1, 1), datetime.date(2025, 6, 30))
amounts = st.decimals(D("0.01"), D("100000"), places=2)
terms = st.one_of(st.just(B2B_DEFAULT), st.just(B2C), st.just(B2B_DEFAULT_PF),
                  st.builds(Terms, st.booleans(), st.decimals(D("0"), D("30"), places=2),
                            public=st.booleans(),
                            imputation=st.sampled_from(["interest_first", PRINCIPAL_FIRST])))


@st.composite
def claims(draw):
    due = draw(dates)
    payments = draw(st.lists(st.builds(Received, dates, amounts), max_size=4))
    notices = draw(st.lists(dates, max_size=2))
    return Claim("P", due, draw(amounts), tuple(payments), tuple(notices))


@settings(max_examples=200, deadline=None)
@given(claims(), dates, terms)
def test_interest_is_never_negative(claim, on, terms):
    s = standing(claim, on, terms, TABLE)
    assert s.interest >= 0 and s.indemnity >= 0 and s.outstanding >= 0
    assert all(p.base > 0 and p.days > 0 for p in s.periods)


@settings(max_examples=200, deadline=None)
@given(claims(), dates, terms)
def test_every_payment_is_imputed_to_the_cent(claim, on, terms):
    s = standing(claim, on, terms, TABLE)
    assert sum((i.interest + i.principal + i.excess for i in s.imputations), D(0)) == s.paid
    assert s.interest_paid + s.interest == s.interest_accrued
    assert s.amount - s.outstanding + s.overpaid == s.paid - s.interest_paid


@settings(max_examples=200, deadline=None)
@given(amounts, dates, st.integers(0, 180), st.integers(0, 180), terms)
def test_interest_is_additive_over_split_periods(base, start, first, second, terms):
    middle = start + datetime.timedelta(days=first)
    end = middle + datetime.timedelta(days=second)
    # exact: each period's accrual is base × rate × days, divided by 36 500 only at the end
    whole = sum(p.accrual for p in accrued(base, start, end, terms, TABLE))
    parts = sum(p.accrual for p in accrued(base, start, middle, terms, TABLE)) + \
        sum(p.accrual for p in accrued(base, middle, end, terms, TABLE))
    assert whole == parts
    assert total_interest(accrued(base, start, end, terms, TABLE)) == total_interest(
        accrued(base, start, middle, terms, TABLE) + accrued(base, middle, end, terms, TABLE))


@settings(max_examples=200, deadline=None)
@given(claims(), st.integers(0, 365), terms)
def test_an_invoice_paid_on_time_owes_no_interest(claim, later, terms):
    on_time = tuple(Received(min(p.date, claim.due), p.amount) for p in claim.payments)
    paid = Claim(claim.number, claim.due, claim.amount,
                 on_time + (Received(claim.due, claim.amount),), claim.notices)
    s = standing(paid, claim.due + datetime.timedelta(days=later), terms, TABLE)
    assert (s.status, s.interest, s.indemnity, s.days_late) == \
        (Status.PAID, D("0.00"), D("0.00"), 0)


@settings(max_examples=100, deadline=None)
@given(claims(), dates, st.integers(0, 365), terms)
def test_interest_never_decreases_as_time_passes(claim, on, more, terms):
    later = on + datetime.timedelta(days=more)
    assert standing(claim, later, terms, TABLE).interest_accrued >= \
        standing(claim, on, terms, TABLE).interest_accrued


@pytest.mark.parametrize("on", ["2024-06-30", "2024-07-01", "2024-12-31", "2025-01-01"])
def test_days_of_every_period_add_up_to_the_days_of_interest(on):
    claim = Claim("FA", day("2024-06-01"), D("100"))
    s = standing(claim, day(on), B2B_DEFAULT, TABLE)
    assert sum(p.days for p in s.periods) == s.days_late
