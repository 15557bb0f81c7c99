"""The late-interest corrections of Version 3 (SPEC.md "Late interest: the corrections";
LEGAL_FR.md "Version 3 rules"), each worked by hand in the comments: a partial payment
pays the interest first (C. civ. 1343-1), a public purchaser's ECB + 8 points for the
whole delay (CCP R2192-31), the legal rate + 5 points two months after a judgment
(C. mon. fin. L313-3), and no amount for a day the rates table does not cover."""
from __future__ import annotations

import datetime
from decimal import Decimal as D

import pytest

from contratgen.domain.halves import RatesMissing
from contratgen.domain.interest import PRINCIPAL_FIRST, Claim, Received, Status, Terms, \
    standing, surcharge_from
from contratgen.domain.rates import RatesFile, shipped_table

TABLE = shipped_table()
B2B_DEFAULT = Terms(business=True)
B2C = Terms(business=False)
PUBLIC = Terms(business=False, public=True)


def day(text: str) -> datetime.date:
    return datetime.date.fromisoformat(text)


# --- imputation: interest first (C. civ. 1343-1) ------------------------------------------

def test_the_worked_example_of_legal_fr_pays_the_interest_first():
    # LEGAL_FR.md: 1 922,96 € due 20 May 2026, 12,15 % (ECB 2,15 + 10), 1 000 € paid 30 May.
    # 21-30 May, 10 days: 1922,96 × 12,15 × 10 / 36 500 = 6,4011 → 6,40 € of interest paid
    # first; the principal still due is 1 922,96 − (1 000 − 6,40) = 929,36 €, and interest
    # runs on it from 31 May: to 30 June, 31 days: 929,36 × 12,15 × 31 / 36 500 = 9,5902 →
    # 9,59 €. Claimable on 30 June: 929,36 + 9,59 + 40 = 978,95 €.
    claim = Claim("FA-2026-0131", day("2026-05-20"), D("1922.96"),
                  (Received(day("2026-05-30"), D("1000")),))
    s = standing(claim, day("2026-06-30"), B2B_DEFAULT, TABLE)
    (imputed,) = s.imputations
    assert (imputed.interest, imputed.principal) == (D("6.40"), D("993.60"))
    assert s.outstanding == D("929.36")
    assert [(p.first, p.base, p.days) for p in s.periods] == [
        (day("2026-05-21"), D("1922.96"), 10), (day("2026-05-31"), D("929.36"), 31)]
    assert (s.interest_accrued, s.interest_paid, s.interest) == \
        (D("15.99"), D("6.40"), D("9.59"))
    assert s.claimable == D("978.95")


def test_principal_first_is_the_concession_that_keeps_the_interest_apart():
    # the same payment on the principal: 922,96 € still due; 6,40 + 922,96 × 12,15 × 31 /
    # 36 500 = 9,5242 → 9,52: 15,92 € of interest claimed on its own
    claim = Claim("FA-2026-0131", day("2026-05-20"), D("1922.96"),
                  (Received(day("2026-05-30"), D("1000")),))
    s = standing(claim, day("2026-06-30"), Terms(True, imputation=PRINCIPAL_FIRST), TABLE)
    assert (s.outstanding, s.interest, s.interest_paid) == (D("922.96"), D("15.92"), D("0.00"))


def test_paying_the_invoiced_amount_late_leaves_the_interest_as_principal():
    # 1 000 € due 31 March 2026 at 12,15 %, 1 000 € paid 30 April: 30 days, 1000 × 12,15 ×
    # 30 / 36 500 = 9,9863 → 9,99 € paid first; 9,99 € of principal is still due and runs
    claim = Claim("FA-10", day("2026-03-31"), D("1000.00"),
                  (Received(day("2026-04-30"), D("1000.00")),))
    s = standing(claim, day("2026-04-30"), B2B_DEFAULT, TABLE)
    assert (s.status, s.outstanding, s.interest_paid, s.interest) == \
        (Status.OVERDUE, D("9.99"), D("9.99"), D("0.00"))
    # paying the 9,99 € the next day (1 day on 9,99 € → 0,0033 → 0,00) settles it
    settled = Claim("FA-10", claim.due, claim.amount,
                    claim.payments + (Received(day("2026-05-01"), D("9.99")),))
    s = standing(settled, day("2026-06-30"), B2B_DEFAULT, TABLE)
    assert (s.status, s.outstanding, s.interest, s.days_late) == \
        (Status.PAID_LATE, D("0.00"), D("0.00"), 31)


def test_a_payment_smaller_than_the_interest_pays_interest_only():
    # 10 000 € due 31 January 2026 at 12,15 %, 50 € paid 2 March: 30 days → 99,86 € due;
    # the 50 € pay interest, 49,86 € of interest stay due, the base stays 10 000 €
    claim = Claim("FA-11", day("2026-01-31"), D("10000.00"),
                  (Received(day("2026-03-02"), D("50")),))
    s = standing(claim, day("2026-03-02"), B2B_DEFAULT, TABLE)
    assert (s.outstanding, s.interest_paid, s.interest) == (D("10000.00"), D("50"), D("49.86"))


# --- public purchasers: ECB + 8 points of the half-year interest began (CCP R2192-31) -----

def test_a_public_purchaser_owes_ecb_plus_8_points_and_40_euros():
    # 10 000 € due 10 March 2026, asked 9 April: 30 days at 2,15 + 8 = 10,15 %:
    # 10000 × 10,15 × 30 / 36 500 = 83,4246 → 83,42 €; indemnity 40 € (D2192-35)
    claim = Claim("M-1", day("2026-03-10"), D("10000.00"))
    s = standing(claim, day("2026-04-09"), PUBLIC, TABLE)
    assert ({p.rate for p in s.periods}, s.interest, s.indemnity) == \
        ({D("10.15")}, D("83.42"), D("40.00"))


def test_a_public_purchasers_rate_is_the_one_of_the_half_year_interest_began():
    # due 20 June 2025: interest began in 2025-H1 (ECB 3,15 on 1 January 2025): 11,15 % for
    # all 20 days, also the 10 of July (a business would switch to 2,15 + 10 on 1 July):
    # 1000 × 11,15 × 20 / 36 500 = 6,1095 → 6,11 €
    claim = Claim("M-2", day("2025-06-20"), D("1000.00"))
    s = standing(claim, day("2025-07-10"), PUBLIC, TABLE)
    assert [(p.days, p.rate, p.half) for p in s.periods] == [
        (10, D("11.15"), "2025-H1"), (10, D("11.15"), "2025-H1")]
    assert s.interest == D("6.11")


# --- judgments: the legal rate + 5 points two months after (C. mon. fin. L313-3) --------

@pytest.mark.parametrize("judgment, first", [
    ("2025-03-15", "2025-05-16"),     # two months end on 15 May: + 5 points from 16 May
    ("2024-12-31", "2025-03-01"),     # 28 February 2025 has no 31st: the month's last day
])
def test_the_surcharge_starts_the_day_after_two_months(judgment, first):
    assert surcharge_from(day(judgment)) == day(first)


def test_a_consumer_owes_the_legal_rate_plus_5_points_after_a_judgment():
    # 1 000 € due 31 January 2025, notice 10 February, judgment enforceable 15 March;
    # asked 30 June 2025. 11 Feb-15 May: 94 days at 3,71 % → 1000 × 3,71 × 94 / 36 500 =
    # 9,5545…; 16 May-30 June: 46 days at 3,71 + 5 = 8,71 % → 10,9769…; 20,5315 → 20,53 €
    claim = Claim("FA-12", day("2025-01-31"), D("1000.00"), (), (day("2025-02-10"),),
                  (day("2025-03-15"),))
    s = standing(claim, day("2025-06-30"), B2C, TABLE)
    assert [(p.days, p.rate, p.judged) for p in s.periods] == [
        (94, D("3.71"), False), (46, D("8.71"), True)]
    assert s.interest == D("20.53")


def test_a_judgment_starts_a_consumers_interest_without_a_notice():
    # 1 000 € due 31 January 2025, no notice; judgment 15 March: 3,71 % from 16 March
    # (C. civ. 1231-7), + 5 points from 16 May; to 31 May: 61 days at 3,71 % (6,2003…) and
    # 16 days at 8,71 % (3,8180…): 10,0183… → 10,02 €
    claim = Claim("FA-14", day("2025-01-31"), D("1000.00"), (), (), (day("2025-03-15"),))
    s = standing(claim, day("2025-05-31"), B2C, TABLE)
    assert [(p.first, p.days, p.rate) for p in s.periods] == [
        (day("2025-03-16"), 61, D("3.71")), (day("2025-05-16"), 16, D("8.71"))]
    assert s.interest == D("10.02")


@pytest.mark.parametrize("terms, rate", [
    (Terms(True), D("12.15")),              # ECB 2,15 + 10 > 2,76 + 5: keeps running
    (Terms(True, D("7")), D("7.76")),       # an agreed 7 % < 2,76 + 5 = 7,76: the surcharge
])
def test_in_b2b_the_higher_of_the_late_rate_and_the_surcharged_legal_rate_runs(terms, rate):
    # judgment enforceable 1 August 2025, surcharge from 2 October; asked 31 October 2025
    claim = Claim("FA-13", day("2025-07-31"), D("1000.00"), (), (), (day("2025-08-01"),))
    s = standing(claim, day("2025-10-31"), terms, TABLE)
    assert [(p.first, p.rate) for p in s.periods if p.judged] == [(day("2025-10-02"), rate)]


# --- a half-year the table lacks -------------------------------------------------------

@pytest.mark.parametrize("terms, parts", [
    (B2B_DEFAULT, ("legal", "ecb")), (B2C, ("legal", "ecb")),
    (Terms(True, D("12")), ("legal",))])
def test_a_day_in_a_half_year_the_table_lacks_is_an_error(terms, parts):
    # before: the days of July 2026 silently took the rates of 2026-H1
    claim = Claim("FA-8", day("2026-06-20"), D("1000"), (), (day("2026-06-25"),))
    with pytest.raises(RatesMissing) as caught:
        standing(claim, day("2026-07-10"), terms, TABLE)
    assert caught.value.half == "2026-H2" and caught.value.parts == parts
    assert "2nd half 2026 (2026-H2)" in str(caught.value) and "--rates FILE" in str(caught.value)


def test_a_2019_invoice_is_never_computed_with_2024_rates():
    # before: a day before the table took the first half-year's rates (2024-H1)
    claim = Claim("FA-2019", day("2019-03-01"), D("1000"))
    with pytest.raises(RatesMissing) as caught:
        standing(claim, day("2019-04-01"), B2B_DEFAULT, TABLE)
    assert caught.value.half == "2019-H1"


def test_a_public_purchaser_needs_only_the_ecb_rate_of_the_half_year_interest_began():
    # interest began in 2026-H1 (covered): its rate runs on into 2026-H2 without needing the
    # 2026-H2 figures — 1000 × 10,15 × 20 / 36 500 = 5,5616 → 5,56 €
    claim = Claim("M-3", day("2026-06-20"), D("1000.00"))
    assert standing(claim, day("2026-07-10"), PUBLIC, TABLE).interest == D("5.56")
    with pytest.raises(RatesMissing) as caught:      # interest began on 6 July 2026
        standing(Claim("M-4", day("2026-07-05"), D("1000.00")), day("2026-07-10"), PUBLIC,
                 TABLE)
    assert caught.value.half == "2026-H2"


def test_a_rates_file_fills_the_half_year():
    extra = RatesFile.model_validate({
        "legal_interest": [{"half": "2026-H2", "consumer": D("6.50"), "other": D("2.50"),
                            "source": "test figures"}],
        "ecb_checked": "2026-07-01"})
    table = TABLE.overlaid(extra, "extra.yaml")
    claim = Claim("FA-8", day("2026-06-20"), D("1000"))
    s = standing(claim, day("2026-07-10"), B2B_DEFAULT, table)
    assert [(p.half, p.rate) for p in s.periods] == [("2026-H1", D("12.15")),
                                                     ("2026-H2", D("12.15"))]
