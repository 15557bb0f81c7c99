"""The invoices of a deal (contratgen.invoicing.plan and .checks): amounts exact to the
cent, the final invoice deducting the advances, and the ledger's errors located."""
import datetime
from decimal import Decimal as D
from pathlib import Path

import pytest
from hypothesis import assume, given, settings, strategies as st

from contratgen.diagnostics import UserError
from contratgen.invoicing.pipeline import prepare_invoices
from contratgen.invoicing.plan import ADVANCE, FINAL, Terms, category, due_date, plan
from contratgen.load.ledger import InvoiceEntry
from contratgen.load.model import Item, Tranche as TrancheInput
from contratgen.domain.money import Computed, ScheduleError, allocate, line_total, vat_breakdown

SAMPLES = Path(__file__).resolve().parent.parent / "samples"
DAY = datetime.date(2026, 3, 5)


def invoices_of(name="contract-b2b-invoiced.yaml", **kwargs):
    return prepare_invoices(SAMPLES / name, **kwargs)


def test_deposit_invoice_is_an_advance_invoice_for_tranche_1_to_the_cent():
    deal = invoices_of()
    deposit = deal.invoices[0]
    assert deposit.type_code == ADVANCE == "386"
    assert deposit.total_ttc == deal.prepared.computed.tranches[0].amount == D("1442.22")
    assert deposit.due_amount == deposit.total_ttc and deposit.prepaid == 0


def two_rates(write):
    """The invoiced sample with its cards at 5,5 % and the sign at 1 890 € (two rates)."""
    text = (SAMPLES / "contract-b2b-invoiced.yaml").read_text(encoding="utf-8")
    text = text.replace("vat_rate: 20          #", "vat_rate: 5.5         #", 1)
    return write("two-rates.yaml", text.replace("unit_price: 1867.17", "unit_price: 1890"))


def test_advance_vat_is_split_by_rate_in_the_contracts_proportion(write):
    deposit = prepare_invoices(two_rates(write)).invoices[0]
    assert [(t.rate, t.base, t.amount) for t in deposit.taxes] == [
        (D("5.5"), D("56.70"), D("3.12")), (D(20), D("1152.00"), D("230.40"))]
    assert [line.net for line in deposit.lines] == [D("56.70"), D("1152.00")]


def test_final_invoice_restates_the_contract_and_deducts_both_advances():
    deal = invoices_of()
    computed = deal.prepared.computed
    first, second, final = deal.invoices
    assert final.type_code == FINAL == "380"
    assert final.total_ttc == computed.total_ttc == D("4807.40")
    assert len(final.lines) == len(computed.lines)
    assert [(p.number, p.date) for p in final.preceding] == [
        ("FA-2026-0107", datetime.date(2026, 3, 5)), ("FA-2026-0131", datetime.date(2026, 4, 20))]
    assert final.prepaid == first.total_ttc + second.total_ttc
    assert final.due_amount == computed.tranches[2].amount == D("1442.22")


def test_final_invoice_shows_the_vat_already_invoiced_and_the_vat_still_due():
    deal = invoices_of()
    final = deal.invoices[-1]
    for contract, done, left in zip(deal.prepared.computed.vat_lines, final.vat_invoiced,
                                    final.vat_remaining):
        assert done.amount + left.amount == contract.amount
        assert done.base + left.base == contract.base


def test_due_date_is_the_invoice_date_plus_the_terms():
    deal = invoices_of()
    assert deal.invoices[0].due_date == datetime.date(2026, 4, 4)


@pytest.mark.parametrize("days, end_of_month, due", [
    (30, False, datetime.date(2026, 4, 4)),
    (45, True, datetime.date(2026, 4, 30)),
    (0, True, datetime.date(2026, 3, 31)),
    (0, False, DAY),
])
def test_due_date_terms(days, end_of_month, due):
    tranche = allocate([TrancheInput(label="x", percent=D(100), due="signature")], D(10))[0]
    assert due_date(DAY, tranche, days, end_of_month) == due


def test_a_dated_tranche_is_due_on_its_date():
    later = datetime.date(2026, 9, 1)
    tranche = allocate([TrancheInput(label="x", percent=D(100), due=later)], D(10))[0]
    assert due_date(DAY, tranche, 30, False) == later


# --- the ledger's errors ------------------------------------------------------------------

LEDGER = """
invoicing:
  invoices:
{entries}
"""


def with_ledger(write, entries: str, extra: str = ""):
    text = (SAMPLES / "contract-b2b.yaml").read_text(encoding="utf-8") + extra
    return write("deal.yaml", text + LEDGER.format(entries=entries))


def diagnostics(path, **kwargs):
    """The errors and warnings that stopped the invoices (not the notes: the sample sells
    goods and services, and legal.vat-due-code notes it)."""
    with pytest.raises(UserError) as info:
        prepare_invoices(path, **kwargs)
    return [d for d in info.value.diagnostics if d.severity != "note"]


def test_a_tranche_out_of_range_is_an_error_at_its_node(write):
    path = with_ledger(write, "    - {tranche: 4, number: FA-1, date: 2026-03-05}")
    (d,) = diagnostics(path)
    assert d.code == "invoice.tranche" and "the schedule has 3 tranches" in d.message
    assert path.read_text().splitlines()[d.line - 1].strip().startswith("- {tranche: 4")


def test_a_tranche_invoiced_twice_is_an_error(write):
    path = with_ledger(write, "    - {tranche: 1, number: FA-1, date: 2026-03-05}\n"
                              "    - {tranche: 1, number: FA-2, date: 2026-03-06}")
    (d,) = diagnostics(path)
    assert d.code == "invoice.tranche-invoiced" and "already invoiced by FA-1" in d.message


def test_an_invoice_number_used_twice_is_an_error(write):
    path = with_ledger(write, "    - {tranche: 1, number: FA-1, date: 2026-03-05}\n"
                              "    - {tranche: 2, number: FA-1, date: 2026-03-06}")
    (d,) = diagnostics(path)
    assert d.code == "invoice.number-duplicate"


def test_two_numbers_with_one_file_name_are_an_error(write):
    path = with_ledger(write, "    - {tranche: 1, number: FA/1, date: 2026-03-05}\n"
                              "    - {tranche: 2, number: FA_1, date: 2026-03-06}")
    (d,) = diagnostics(path)
    assert d.code == "invoice.number-duplicate" and "both be written to FA_1.pdf" in d.message


def test_a_number_built_from_another_file_of_the_batch_is_an_error(write):
    path = with_ledger(write, "    - {tranche: 1, number: FA-1, date: 2026-03-05}")
    (d,) = diagnostics(path, numbers={"FA-1": "other.yaml"})
    assert d.code == "invoice.number-duplicate" and "other.yaml" in d.message


def test_an_invoice_dated_before_the_previous_one_is_a_warning(write):
    path = with_ledger(write, "    - {tranche: 1, number: FA-1, date: 2026-03-05}\n"
                              "    - {tranche: 2, number: FA-2, date: 2026-03-04}")
    deal = prepare_invoices(path)
    (d,) = [d for d in deal.diagnostics if d.code == "invoice.date-order"]
    assert d.severity == "warning" and "before FA-1" in d.message


def test_with_strict_an_invoice_out_of_date_order_is_an_error(write):
    from contratgen.pipeline import Options
    path = with_ledger(write, "    - {tranche: 1, number: FA-1, date: 2026-03-05}\n"
                              "    - {tranche: 2, number: FA-2, date: 2026-03-04}")
    (d,) = diagnostics(path, options=Options(strict=True))
    assert d.code == "invoice.date-order" and d.is_error


def test_the_final_invoice_needs_every_advance_before_it(write):
    path = with_ledger(write, "    - {tranche: 1, number: FA-1, date: 2026-03-05}\n"
                              "    - {tranche: 3, number: FA-3, date: 2026-03-06}")
    (d,) = diagnostics(path)
    assert d.code == "invoice.advances-missing" and "tranche 2 must" in d.message


def test_a_file_without_invoices_is_an_error(write):
    path = write("deal.yaml", (SAMPLES / "contract-b2b.yaml").read_text(encoding="utf-8"))
    (d,) = diagnostics(path)
    assert d.code == "invoice.none"


def test_every_problem_of_the_ledger_at_once(write):
    path = with_ledger(write, "    - {tranche: 9, number: FA-1, date: 2026-03-05}\n"
                              "    - {tranche: 1, number: FA-1, date: 2026-03-06}")
    assert {d.code for d in diagnostics(path)} == {"invoice.tranche",
                                                   "invoice.number-duplicate"}


def test_franchise_with_a_vat_rate_is_an_error_at_the_item(write):
    text = (SAMPLES / "contract-b2b.yaml").read_text(encoding="utf-8").replace(
        "  iban: FR76", "  vat: franchise\n  iban: FR76")
    path = write("deal.yaml", text + LEDGER.format(
        entries="    - {tranche: 1, number: FA-1, date: 2026-03-05}"))
    found = [d for d in diagnostics(path) if d.code == "invoice.vat-regime"]
    assert len(found) == 3 and "rate must be 0" in found[0].message


# --- exact to the cent, whatever the contract -------------------------------------------

RATES = st.sampled_from([D(20), D(10), D("5.5"), D("2.1")])
ITEMS = st.lists(st.tuples(st.integers(1, 500), st.integers(1, 10 ** 7), RATES,
                           st.sampled_from([None, D(5), D(10), D("12.5")])),
                 min_size=1, max_size=6)
PERCENTS = st.lists(st.integers(1, 60), min_size=1, max_size=6).filter(lambda p: sum(p) < 100)


def computed_for(items, percents) -> Computed:
    lines = tuple(line_total(Item(description="x", quantity=D(q), unit_price=D(p) / 100,
                                  vat_rate=r, discount=d)) for q, p, r, d in items)
    vat_lines = vat_breakdown(lines)
    total_ht = sum((line.total_ht for line in lines), D("0.00"))
    total_vat = sum((v.amount for v in vat_lines), D("0.00"))
    shares = [D(p) for p in percents] + [D(100) - sum(D(p) for p in percents)]
    schedule = [TrancheInput(label=f"T{i}", percent=s, due="order") for i, s in
                enumerate(shares)]
    try:
        tranches = allocate(schedule, total_ht + total_vat)
    except ScheduleError:  # a tranche of 0.00 on a tiny total: refused upstream
        assume(False)
    return Computed(lines, vat_lines, total_ht, total_vat, total_ht + total_vat, tranches)


def planned(computed: Computed):
    terms = Terms(computed, category_standard(), 30, False, lambda t, rate: t.label)
    entries = [InvoiceEntry(tranche=t.number, number=f"FA-{t.number}", date=DAY)
               for t in computed.tranches]
    return plan(entries, terms)


def category_standard():
    from contratgen.invoicing.plan import Category
    return Category("S")


@settings(max_examples=200, deadline=None)
@given(ITEMS, PERCENTS)
def test_every_invoice_adds_up_to_the_cent(items, percents):
    computed = computed_for(items, percents)
    invoices = planned(computed)
    *advances, final = invoices
    for invoice, tranche in zip(advances, computed.tranches):
        assert invoice.total_ttc == tranche.amount
        assert sum(t.base + t.amount for t in invoice.taxes) == tranche.amount
        assert sum(line.net for line in invoice.lines) == invoice.total_ht
        for tax in invoice.taxes:  # EN 16931 BR-S-09: VAT is base × rate, within a cent
            assert abs(tax.amount - tax.base * tax.rate / 100) <= D("0.02")
    assert final.total_ttc == computed.total_ttc
    assert final.due_amount == computed.tranches[-1].amount
    assert final.prepaid + final.due_amount == final.total_ttc
    for i, contract in enumerate(computed.vat_lines):
        assert sum(a.taxes[i].amount for a in advances) + final.vat_remaining[i].amount \
            == contract.amount
        assert final.vat_invoiced[i].amount + final.vat_remaining[i].amount == contract.amount


def test_the_category_follows_the_vat_regime():
    deal = invoices_of()
    assert category(deal.prepared.client).code == "S"


def test_a_single_tranche_is_one_final_invoice_of_the_whole_price(write):
    text = (SAMPLES / "contract-b2b.yaml").read_text(encoding="utf-8")
    text = text[:text.index("  schedule:")] + text[text.index("clauses:"):]
    path = write("deal.yaml", text + LEDGER.format(
        entries="    - {tranche: 1, number: FA-1, date: 2026-03-05}"))
    (invoice,) = prepare_invoices(path).invoices
    assert invoice.type_code == FINAL and invoice.preceding == ()
    assert invoice.due_amount == invoice.total_ttc == D("4807.40") and invoice.prepaid == 0


def test_an_advance_line_per_rate_names_its_rate(write):
    deposit = prepare_invoices(two_rates(write)).invoices[0]
    assert [line.description.split("(TVA ")[-1] for line in deposit.lines] == [
        "5,5\u00a0%)", "20\u00a0%)"]
