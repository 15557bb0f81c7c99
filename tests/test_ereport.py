"""`contratgen ereport`: the e-reporting transmissions (Flux 10) of a period — B2C sales
per day, category and VAT rate, international invoices, payments of services — checked
against the PPF's Flux 10 XSD and schematron, amounts equal to the ledgers' to the cent
(computed by hand in the fixtures' comments and below)."""
import shutil
from decimal import Decimal
from pathlib import Path

import pytest
from click.testing import CliRunner
from lxml import etree

from contratgen.cli import main
from contratgen.lifecycle.flux10 import flux10_failures

D = Decimal
FIXTURES = Path(__file__).resolve().parent / "fixtures" / "ereport"
MARCH = "2026-03-01..2026-03-31"
TRANSACTIONS = "732829320-T-20260301-20260331.xml"
PAYMENTS = "732829320-P-20260301-20260331.xml"


@pytest.fixture
def deals(tmp_path):
    folder = tmp_path / "deals"
    folder.mkdir()
    for name in ("b2c-kitchen.yaml", "b2c-doors.yaml"):
        shutil.copy(FIXTURES / name, folder / name)
    return folder


def run(*args):
    return CliRunner().invoke(main, [str(a) for a in args], catch_exceptions=False)


def report(deals, out, period=MARCH):
    result = run("ereport", deals, "--period", period, "-o", out)
    assert result.exit_code == 0, result.output
    return {p.name: p.read_bytes() for p in out.iterdir()}


def rows(xml: bytes, path: str) -> list[dict]:
    """Each node at ``path`` as {Date, Category, rate: (base, tax) or amount …}."""
    found = []
    for node in etree.fromstring(xml).iterfind(path):
        row = {"date": node.findtext("Date") or node.findtext("Payment/Date"),
               "category": node.findtext("CategoryCode"), "count": node.findtext("TransactionsCount")}
        for sub in node.iterfind("TaxSubtotal"):
            row[D(sub.findtext("TaxPercent"))] = (D(sub.findtext("TaxableAmount")),
                                                  D(sub.findtext("TaxTotal")))
        for sub in node.iterfind("Payment/SubTotals"):
            row[D(sub.findtext("TaxPercent"))] = D(sub.findtext("Amount"))
        found.append(row)
    return found


def test_b2c_sales_are_totalled_per_day_and_rate(deals, tmp_path):
    xml = report(deals, tmp_path / "out")[TRANSACTIONS]
    assert rows(xml, "TransactionsReport/Transactions") == [
        # 2 March: the kitchen's deposit (525,00 TTC: 300 + 60 at 20 %, 150 + 15 at 10 %)
        # and the doors' invoice (100 + 20 at 20 %)
        {"date": "20260302", "category": "TPS1", "count": "2",
         D(20): (D("400.00"), D("80.00")), D(10): (D("150.00"), D("15.00"))},
        # 5 March: the credit note of 105,00 TTC on the deposit, in its proportions:
        # 72,00 at 20 % (60 + 12) and 33,00 at 10 % (30 + 3), negative
        {"date": "20260305", "category": "TPS1", "count": "1",
         D(20): (D("-60.00"), D("-12.00")), D(10): (D("-30.00"), D("-3.00"))},
        # 9 March: the final invoice adds what the deposit had not invoiced:
        # 1 000 − 300 and 200 − 60 at 20 %, 500 − 150 and 50 − 15 at 10 %
        {"date": "20260309", "category": "TPS1", "count": "1",
         D(20): (D("700.00"), D("140.00")), D(10): (D("350.00"), D("35.00"))},
    ]


def test_payments_of_services_are_totalled_per_day_and_rate(deals, tmp_path):
    xml = report(deals, tmp_path / "out")[PAYMENTS]
    # 4 March: 525,00 on the deposit (360,00 at 20 %, 165,00 at 10 %) + 60,00 on the doors
    assert rows(xml, "PaymentsReport/Transactions") == [
        {"date": "20260304", "category": None, "count": None,
         D(20): D("420.00"), D(10): D("165.00")}]


def test_transactions_and_payments_go_in_separate_transmissions(deals, tmp_path):
    files = report(deals, tmp_path / "out")
    assert sorted(files) == [PAYMENTS, TRANSACTIONS]
    assert etree.fromstring(files[TRANSACTIONS]).find("PaymentsReport") is None
    assert etree.fromstring(files[PAYMENTS]).find("TransactionsReport") is None


def test_every_transmission_passes_the_xsd_and_the_ppf_schematron(deals, tmp_path):
    for name, xml in report(deals, tmp_path / "out").items():
        assert flux10_failures(xml) == [], name


def test_the_schematron_does_catch_a_wrong_category(deals, tmp_path):
    xml = report(deals, tmp_path / "out")[TRANSACTIONS]
    wrong = xml.replace(b"<CategoryCode>TPS1</CategoryCode>", b"<CategoryCode>TXX1</CategoryCode>")
    assert "G1.68" in {f.rule for f in flux10_failures(wrong)}


def test_the_report_is_reproducible(deals, tmp_path):
    assert report(deals, tmp_path / "a") == report(deals, tmp_path / "b")


def test_a_ten_day_period_reports_its_days_and_no_payments(deals, tmp_path):
    files = report(deals, tmp_path / "out", "2026-03-01..2026-03-10")
    # transactions per ten days, payments per month: no payments file for ten days
    assert sorted(files) == ["732829320-T-20260301-20260310.xml"]
    xml = files["732829320-T-20260301-20260310.xml"]
    assert [r["date"] for r in rows(xml, "TransactionsReport/Transactions")] == \
        ["20260302", "20260305", "20260309"]
    later = report(deals, tmp_path / "later", "2026-03-11..2026-03-20")
    assert rows(later["732829320-T-20260311-20260320.xml"],
                "TransactionsReport/Transactions") == []


def test_three_sales_of_a_day_at_two_rates_are_one_total(deals, tmp_path):
    third = deals / "b2c-doors-2.yaml"
    third.write_text((deals / "b2c-doors.yaml").read_text("utf-8")
                     .replace("DV-2026-0302", "DV-2026-0303")
                     .replace("FA-2026-0310", "FA-2026-0311"), "utf-8")
    xml = report(deals, tmp_path / "out")[TRANSACTIONS]
    first = rows(xml, "TransactionsReport/Transactions")[0]
    # 2 March: the kitchen's deposit (300 + 60 at 20 %, 150 + 15 at 10 %) and two doors
    # (100 + 20 at 20 % each)
    assert first == {"date": "20260302", "category": "TPS1", "count": "3",
                     D(20): (D("500.00"), D("100.00")), D(10): (D("150.00"), D("15.00"))}


def test_a_deal_not_invoiced_yet_is_left_out(deals, tmp_path):
    shutil.copy(Path(__file__).resolve().parent.parent / "samples" / "quote-b2b.yaml", deals)
    assert TRANSACTIONS in report(deals, tmp_path / "out")


def test_the_platform_is_required_and_located(deals, tmp_path):
    path = deals / "b2c-doors.yaml"
    path.write_text(path.read_text("utf-8").replace(
        '  platform: {id: "0042", scheme: "0238"}\n', ""), "utf-8")
    result = run("ereport", deals, "--period", MARCH, "-o", tmp_path / "out")
    assert result.exit_code == 1
    assert "b2c-doors.yaml:" in result.output and "[provider.platform]" in result.output
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize("period", ["2026-03-01..2026-03-12", "2026-03-05..2026-03-31"])
def test_a_period_that_is_no_reporting_period_is_refused(deals, tmp_path, period):
    result = run("ereport", deals, "--period", period, "-o", tmp_path / "out")
    assert result.exit_code == 1
    assert "[ereport.period]" in result.output
    assert not (tmp_path / "out").exists()


def test_a_franchise_provider_reports_two_months_without_vat(deals, tmp_path):
    for path in deals.iterdir():
        text = path.read_text("utf-8").replace("  vat_number: FR44732829320\n",
                                               "  vat_number: FR44732829320\n  vat: franchise\n")
        text = text.replace("vat_rate: 20}", "vat_rate: 0}").replace("vat_rate: 10}", "vat_rate: 0}")
        path.write_text(text, "utf-8")
    refused = run("ereport", deals, "--period", "2026-03-01..2026-03-10", "-o", tmp_path / "no")
    assert refused.exit_code == 1 and "two calendar months" in refused.output
    files = report(deals, tmp_path / "out", "2026-03-01..2026-04-30")
    xml = files["732829320-T-20260301-20260430.xml"]
    assert flux10_failures(xml) == []
    first = rows(xml, "TransactionsReport/Transactions")[0]
    # no VAT under the franchise: 30 % of 1 500,00 (the kitchen) + 100,00 (the doors)
    assert first[D(0)] == (D("550.00"), D("0.00"))
    assert not any(name.startswith("732829320-P") for name in files)   # no VAT, no payments


def test_an_international_invoice_and_its_credit_note_are_reported(tmp_path):
    folder = tmp_path / "deals"
    folder.mkdir()
    shutil.copy(FIXTURES / "international.yaml", folder)
    result = run("ereport", folder, "--period", "2026-03-01..2026-03-10", "-o", tmp_path / "out")
    assert result.exit_code == 0, result.output
    [name] = [p.name for p in (tmp_path / "out").iterdir()]   # reverse charge: no payments
    xml = (tmp_path / "out" / name).read_bytes()
    assert flux10_failures(xml) == []
    root = etree.fromstring(xml)
    invoices = root.findall("TransactionsReport/Invoice")
    assert [i.findtext("TypeCode") for i in invoices] == ["386", "381"]
    assert invoices[0].findtext("Buyer/CompanyId") == "DE136695976"
    assert invoices[0].find("Buyer/CompanyId").get("schemeId") == "0223"
    # 30 % of (6 × 4 200 + 2 500) = 8 310,00, reverse charged at 0 %
    assert invoices[0].findtext("TaxSubTotal/TaxableAmount") == "8310.00"
    assert invoices[1].findtext("ReferencedDocument/ID") == "FA-2026-0401"
