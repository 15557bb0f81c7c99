"""Progress invoices and the retention (contratgen.domain.situations, .retention): each
situation the cumulative work less what came before, VAT per rate exact on the running
total, the retention withheld from the amount due, and the situations plus the released
retention equal to the contract's TTC price to the cent."""
import datetime
from decimal import Decimal as D

import pytest
from hypothesis import given, settings, strategies as st

from contratgen.domain.money import Computed, cents, line_total, vat_breakdown
from contratgen.domain.retention import release_due, total_withheld, withheld, withholdings
from contratgen.domain.situations import plan, problems
from contratgen.load.ledger import InvoiceEntry
from contratgen.load.model import Item

DAY = datetime.date(2026, 4, 30)


def computed_of(items) -> Computed:
    lines = tuple(line_total(i) for i in items)
    vat = vat_breakdown(lines)
    ht = sum((x.total_ht for x in lines), D("0.00"))
    tva = sum((v.amount for v in vat), D("0.00"))
    return Computed(lines, vat, ht, tva, ht + tva, ())


def item(price, rate="20", quantity="1"):
    return Item(description="Travaux", quantity=D(quantity), unit_price=D(price),
                vat_rate=D(rate))


def situation(n, progress, number=None, day=DAY):
    return InvoiceEntry(situation=n, number=number or f"FS-{n}", date=day,
                        progress={k: D(str(v)) for k, v in progress.items()})


# the job of the issue: three situations, 5 % retention, a 20 % and a 10 % line
JOB = computed_of([item("10000", "20"), item("2500", "10")])
THREE = [situation(1, {1: 40}), situation(2, {1: 70, 2: 100}), situation(3, {1: 100})]


def test_a_situation_invoices_the_cumulative_progress_less_the_previous_ones_by_hand():
    first, second, third = plan(JOB, THREE, D(5))
    # 40 % of 10 000 = 4 000 HT, VAT 800; then 70 % = 7 000 (3 000 more) + 2 500 at 10 %
    assert (first.total_ht, first.total_vat, first.total_ttc) == (D("4000.00"), D("800.00"),
                                                                  D("4800.00"))
    assert [(t.rate, t.base, t.vat) for t in second.taxes] == [
        (D(10), D("2500.00"), D("250.00")), (D(20), D("3000.00"), D("600.00"))]
    assert second.total_ttc == D("6350.00")
    assert third.total_ttc == D("3600.00") and third.final
    # 5 % withheld from each amount due, the invoice keeping its base and VAT
    assert [s.withheld for s in (first, second, third)] == [D("240.00"), D("317.50"),
                                                            D("180.00")]
    assert first.due == D("4560.00")
    assert [p.number for p in third.preceding] == ["FS-1", "FS-2"]


def test_the_three_situations_plus_the_released_retention_are_the_ttc_price():
    done = plan(JOB, THREE, D(5))
    released = sum(s.withheld for s in done)
    assert released == cents(JOB.total_ttc * 5 / 100) == D("737.50")
    assert sum(s.due for s in done) + released == JOB.total_ttc == D("14750.00")


def test_the_final_situation_restates_the_contract_per_rate():
    final = plan(JOB, THREE, D(5))[-1]
    assert [(c.rate, c.base, c.vat) for c in final.cumulative] == [
        (v.rate, v.base, v.amount) for v in JOB.vat_lines]
    assert final.cumulative_ttc == JOB.total_ttc
    assert final.previous_ttc == D("11150.00")


def test_vat_is_exact_to_the_cent_on_the_running_total_never_on_a_zero_base():
    # three lines of 0.03 € at 20 %: each alone rounds 0.006 up to 0.01, together 0.018 → 0.02
    tiny = computed_of([item("0.03"), item("0.03"), item("0.03"), item("100", "10")])
    entries = [situation(1, {1: 100}), situation(2, {2: 100}), situation(3, {3: 100, 4: 50}),
               situation(4, {4: 100})]
    done = plan(tiny, entries)
    assert [s.taxes[1].vat for s in done] == [D("0.01"), D("0.00"), D("0.01"), D("0.00")]
    assert all(t.vat == 0 for s in done for t in s.taxes if t.base == 0)


def test_a_bond_withholds_nothing():
    assert all(s.withheld == 0 for s in plan(JOB, THREE, D(5), bond=True))
    assert total_withheld(D("100"), D(5), bond=True) == 0


@pytest.mark.parametrize("entries, where, words", [
    ([situation(1, {1: 60}), situation(2, {1: 40})], (1, ("progress", 1)),
     "goes back from 60 % to 40 %"),
    ([situation(1, {3: 10})], (0, ("progress", 3)), "item line 3 does not exist"),
    ([situation(1, {1: 10}), situation(3, {1: 20})], (1, ("situation",)),
     "situation 3 follows situation 1"),
    ([situation(1, {1: 50}), situation(2, {1: 50})], (1, ("progress",)), "invoices nothing"),
    ([situation(1, {1: 100, 2: 100}), situation(2, {1: 100})], (1, ("situation",)),
     "every line reached 100 %"),
    ([InvoiceEntry(tranche=1, number="FA-1", date=DAY), situation(1, {1: 10})],
     (0, ("tranche",)), "has no tranche invoice"),
])
def test_a_wrong_progress_is_a_problem_at_its_entry_and_line(entries, where, words):
    found = problems(entries, 2)
    assert [(p.entry, p.where) for p in found] == [where]
    assert words in found[0].message


def test_progress_past_100_percent_is_a_problem_at_its_line():
    # the schema refuses it in client.yaml; the maths refuses it too
    entry = InvoiceEntry.model_construct(situation=1, tranche=None, number="FS-1", date=DAY,
                                         progress={1: D("100.5")})
    found = problems([entry], 1)
    assert [(p.entry, p.where) for p in found] == [(0, ("progress", 1))]
    assert "at most 100 %" in found[0].message
    with pytest.raises(ValueError):
        plan(computed_of([item("10")]), [entry])


def test_retention_is_rounded_on_the_running_total():
    # 3 × 33.33: 1.6665 → 1.67, then 3.333 → 3.33 (1.66), then 4.9995 → 5.00 (1.67)
    assert withheld([D("33.33")] * 3, D(5)) == (D("1.67"), D("1.66"), D("1.67"))
    marks = withholdings([("A", DAY, D("33.33")), ("B", DAY, D("33.33"))], D(5))
    assert [w.due for w in marks] == [D("31.66"), D("31.67")]


def test_release_is_due_a_year_after_the_acceptance_of_the_works():
    assert release_due(datetime.date(2026, 6, 15)) == datetime.date(2027, 6, 15)
    assert release_due(None) is None


# --- over many generated jobs ------------------------------------------------------------

RATES = st.sampled_from(["20", "10", "5.5", "2.1", "8.5"])
ITEMS = st.lists(st.tuples(st.decimals(min_value=D("0.01"), max_value=D("250000"), places=2),
                           RATES, st.decimals(min_value=D("0.001"), max_value=D(500), places=3)),
                 min_size=1, max_size=6)


@st.composite
def jobs(draw):
    items = [item(str(p), r, str(q)) for p, r, q in draw(ITEMS)]
    count = draw(st.integers(1, 6))
    steps = []
    current = {n: D(0) for n in range(1, len(items) + 1)}
    for k in range(1, count + 1):
        progress = {}
        for n in current:
            if k == count:
                value = D(100)
            else:
                value = draw(st.decimals(min_value=current[n], max_value=D(100), places=2))
            if value != current[n] or (k == count and n == 1 and not progress):
                progress[n] = value
                current[n] = value
        if not progress or all(v == 0 for v in current.values()):
            continue
        steps.append(progress)
    entries = [situation(k, p) for k, p in enumerate(steps, start=1)]
    percent = draw(st.decimals(min_value=D("0.01"), max_value=D(5), places=2))
    return computed_of(items), entries, percent


@settings(max_examples=400, deadline=None)
@given(jobs())
def test_situations_plus_released_retention_equal_the_ttc_price(job):
    computed, entries, percent = job
    if problems(entries, len(computed.lines)):   # a step that moved nothing: skip it
        return
    done = plan(computed, entries, percent)
    released = sum((s.withheld for s in done), D(0))
    assert sum(s.total_ttc for s in done) == computed.total_ttc
    assert sum(s.due for s in done) + released == computed.total_ttc
    assert released == cents(computed.total_ttc * percent / 100)
    assert released <= cents(computed.total_ttc * 5 / 100)   # at most 5 %, to the cent
    for v, rate in zip(computed.vat_lines, zip(*(s.taxes for s in done))):
        assert sum(t.base for t in rate) == v.base and sum(t.vat for t in rate) == v.amount
    for s in done:   # exact on the running total; never negative; the last restates all
        assert all(t.base >= 0 and t.vat >= 0 and s.withheld >= 0 for t in s.taxes)
        assert all(c.vat == cents(c.base * c.rate / 100) for c in s.cumulative)
        assert abs(s.total_vat - sum(cents(t.base * t.rate / 100) for t in s.taxes)) \
            <= D("0.01") * len(s.taxes)
    assert done[-1].final and not any(s.final for s in done[:-1])
