"""Lifecycle statuses (CDAR): 212 "Encaissée" per payment when VAT is due on receipt, 207
"En litige" per dispute; `contratgen paid` records a payment, `contratgen status` writes
the messages; every message passes the CDAR XSD and the FNFE BR-FR-CDV schematron."""
import datetime
from decimal import Decimal
from pathlib import Path

import pytest
from click.testing import CliRunner
from lxml import etree

from contratgen.cli import main
from contratgen.lifecycle.cdar import NSMAP, cdar_failures
from contratgen.lifecycle.statuses import InvoiceFacts, statuses, vat_on_receipt
from contratgen.load.model import parse_client
from contratgen.load.source import load_file

D = Decimal
DEAL = "contract-b2b-invoiced.yaml"
SECOND = "FA-2026-0131"


def client_of(path: Path):
    return parse_client(load_file(path))


def edited(path: Path, old: str, new: str) -> Path:
    text = path.read_text("utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), "utf-8")
    return path


def services(sample) -> Path:
    # services: no goods to retain, so no retention-of-title clause either
    path = edited(sample(DEAL), "nature: mixed", "nature: services")
    return edited(path, "  - retention_of_title\n", "")


def with_ledger(path: Path, lines: str) -> Path:
    path.write_text(path.read_text("utf-8") + lines, "utf-8")
    return path


def run(*args):
    return CliRunner().invoke(main, [str(a) for a in args], catch_exceptions=False)


def values(xml: bytes, xpath: str) -> list[str]:
    return [e.text for e in etree.fromstring(xml).xpath(xpath, namespaces=NSMAP)]


# --- what the ledger gives ------------------------------------------------------------

def test_a_payment_is_split_over_the_invoice_rates_to_the_cent(sample):
    client = client_of(with_ledger(services(sample), """\
  payments:
    - {invoice: FA-2026-0107, date: 2026-03-12, amount: 500.00}
"""))
    # 1 200,00 € TTC at 20 % and 211,00 € at 5,5 %: 500 × 1200/1411 = 425,2303…,
    # 500 × 211/1411 = 74,7696… → 425,23 and 74,76, the cent left to the larger
    # remainder (74,77)
    invoice = InvoiceFacts("FA-2026-0107", datetime.date(2026, 3, 5), "386",
                           ((D("20"), D("1200.00")), (D("5.5"), D("211.00"))))
    [status] = statuses(client, [invoice])
    assert status.code == "212"
    assert status.amounts == ((D("425.23"), D("20")), (D("74.77"), D("5.5")))


@pytest.mark.parametrize("change, why", [
    (("nature: services", "nature: goods"), "goods: VAT due on delivery"),
    (("  bic: AGRIFRPP", "  bic: AGRIFRPP\n  vat_on_debits: true"), "VAT on debits"),
])
def test_no_212_when_vat_is_not_due_on_receipt(sample, change, why):
    path = edited(with_ledger(services(sample), """\
  payments:
    - {invoice: FA-2026-0107, date: 2026-03-12, amount: 500.00}
"""), *change)
    client = client_of(path)
    invoice = InvoiceFacts("FA-2026-0107", datetime.date(2026, 3, 5), "386",
                           ((D("20"), D("1200.00")),))
    assert not vat_on_receipt(client), why
    assert statuses(client, [invoice]) == []


def test_a_consumer_invoice_is_outside_the_lifecycle_messages(sample):
    path = edited(with_ledger(services(sample), """\
  disputes:
    - {invoice: FA-2026-0107, date: 2026-03-12, reason: "Travaux inachevés"}
"""), "kind: business", "kind: consumer")
    invoice = InvoiceFacts("FA-2026-0107", datetime.date(2026, 3, 5), "386",
                           ((D("20"), D("1200.00")),))
    assert statuses(client_of(path), [invoice]) == []


# --- contratgen status ----------------------------------------------------------------

@pytest.fixture
def ledger(sample):
    return with_ledger(services(sample), """\
  payments:
    - {invoice: FA-2026-0107, date: 2026-03-12, amount: 1000.00}
    - {invoice: FA-2026-0107, date: 2026-03-20, amount: 200.00}
  disputes:
    - {invoice: FA-2026-0131, date: 2026-05-02, reason: "Quantité livrée inférieure", code: QTE_ERR}
""")


def test_status_writes_a_212_per_payment_and_a_207_per_dispute(ledger, tmp_path):
    out = tmp_path / "status"
    result = run("status", ledger, "--on", "2026-06-30", "-o", out)
    assert result.exit_code == 0, result.output
    names = sorted(p.name for p in out.iterdir())
    assert names == ["FA-2026-0107_212_20260312_1.xml", "FA-2026-0107_212_20260320_1.xml",
                     "FA-2026-0131_207_20260502_1.xml"]
    first = (out / names[0]).read_bytes()
    received = [D(v) for v in values(first, "//ram:SpecifiedDocumentCharacteristic"
                                             "[ram:TypeCode='MEN']/ram:ValueAmount")]
    rates = [D(v) for v in values(first, "//ram:SpecifiedDocumentCharacteristic"
                                         "[ram:TypeCode='MEN']/ram:ValuePercent")]
    # each rate gets its share of the deposit's TTC, to the cent
    assert sum(received) == D("1000.00")
    assert dict(zip(rates, received)) == expected_split(ledger, "FA-2026-0107", D("1000.00"))
    dispute = (out / names[2]).read_bytes()
    assert values(dispute, "//ram:ProcessConditionCode") == ["207"]
    assert values(dispute, "//ram:SpecifiedDocumentStatus/ram:ReasonCode") == ["QTE_ERR"]


def test_every_message_passes_the_xsd_and_the_fnfe_schematron(ledger, tmp_path):
    out = tmp_path / "status"
    run("status", ledger, "--on", "2026-06-30", "-o", out)
    for path in out.iterdir():
        assert cdar_failures(path.read_bytes()) == [], path.name


def test_the_validation_catches_a_212_without_its_amounts(ledger, tmp_path):
    out = tmp_path / "status"
    run("status", ledger, "--on", "2026-06-30", "-o", out)
    xml = (out / "FA-2026-0107_212_20260312_1.xml").read_bytes()
    root = etree.fromstring(xml)
    for node in root.xpath("//ram:SpecifiedDocumentCharacteristic", namespaces=NSMAP):
        node.getparent().remove(node)
    rules = {f.rule for f in cdar_failures(etree.tostring(root))}
    assert "BR-FR-CDV-14_MDT-207" in rules


def test_status_only_writes_what_happened_by_the_day(ledger, tmp_path):
    out = tmp_path / "status"
    run("status", ledger, "--on", "2026-03-15", "-o", out)
    assert [p.name for p in out.iterdir()] == ["FA-2026-0107_212_20260312_1.xml"]


def test_status_is_reproducible(ledger, tmp_path):
    run("status", ledger, "--on", "2026-06-30", "-o", tmp_path / "a")
    run("status", ledger, "--on", "2026-06-30", "-o", tmp_path / "b")
    for path in (tmp_path / "a").iterdir():
        assert path.read_bytes() == (tmp_path / "b" / path.name).read_bytes()


# --- contratgen paid ------------------------------------------------------------------

def test_paid_records_the_payment_keeping_comments_and_writes_its_212(sample, tmp_path):
    path = services(sample)
    comments = [line for line in path.read_text("utf-8").splitlines() if line.startswith("#")]
    out = tmp_path / "status"
    result = run("paid", path, "--invoice", SECOND, "--amount", "1000",
                 "--date", "2026-05-30", "--method", "bank_transfer", "-o", out)
    assert result.exit_code == 0, result.output
    text = path.read_text("utf-8")
    assert ("- {invoice: FA-2026-0131, date: 2026-05-30, amount: 1000.00, "
            "method: bank_transfer}") in text
    assert all(line in text.splitlines() for line in comments)
    [message] = out.iterdir()
    assert message.name == "FA-2026-0131_212_20260530_1.xml"
    assert cdar_failures(message.read_bytes()) == []
    assert client_of(path).invoicing.payments[-1].amount == D("1000.00")


def test_paid_for_goods_records_the_payment_without_a_message(sample, tmp_path):
    path = edited(sample(DEAL), "nature: mixed", "nature: goods")
    result = run("paid", path, "--invoice", SECOND, "--amount", "10", "--date", "2026-05-30",
                 "-o", tmp_path / "status")
    assert result.exit_code == 0, result.output
    assert "no status message" in result.output
    assert not (tmp_path / "status").exists()


@pytest.mark.parametrize("args, code", [
    (("--invoice", "FA-2026-9999", "--amount", "10", "--date", "2026-05-30"), "paid.invoice"),
    (("--invoice", SECOND, "--amount", "999999", "--date", "2026-05-30"), "paid.amount"),
    (("--invoice", SECOND, "--amount", "10", "--date", "2026-01-02"), "paid.date"),
])
def test_paid_refuses_a_wrong_payment_and_writes_nothing(sample, tmp_path, args, code):
    path = services(sample)
    before = path.read_bytes()
    result = run("paid", path, *args, "-o", tmp_path / "status")
    assert result.exit_code == 1
    assert f"{path.name}:" in result.output and "error:" in result.output
    assert f"[{code}]" in result.output
    assert path.read_bytes() == before
    assert not (tmp_path / "status").exists()


@pytest.mark.parametrize("amount", ["0.001", "-5", "12,50", "abc"])
def test_paid_refuses_an_amount_that_is_not_in_cents(sample, tmp_path, amount):
    path = services(sample)
    before = path.read_bytes()
    result = run("paid", path, "--invoice", SECOND, "--amount", amount,
                 "--date", "2026-05-30", "-o", tmp_path / "status")
    assert result.exit_code == 2
    assert path.read_bytes() == before


def test_paid_twice_is_refused_unless_said_again(sample, tmp_path):
    path = services(sample)
    args = ("paid", path, "--invoice", SECOND, "--amount", "10", "--date", "2026-05-30",
            "-o", tmp_path / "status")
    assert run(*args).exit_code == 0
    before = path.read_bytes()
    second = run(*args)
    assert second.exit_code == 1 and "[paid.duplicate]" in second.output
    assert path.read_bytes() == before
    assert run(*args, "--again").exit_code == 0
    assert len(client_of(path).invoicing.payments) == 2
    assert sorted(p.name for p in (tmp_path / "status").iterdir()) == [
        "FA-2026-0131_212_20260530_1.xml", "FA-2026-0131_212_20260530_2.xml"]


def expected_split(path, number, amount):
    """The split of ``amount`` over an invoice's rates, recomputed here from its own VAT
    lines by the plain proportion, the cents left given to the largest remainders."""
    from contratgen.invoicing.pipeline import prepare_invoices
    [invoice] = [i for i in prepare_invoices(path).invoices if i.number == number]
    ttc = {t.rate: t.base + t.amount for t in invoice.invoiced_taxes}
    whole = sum(ttc.values())
    exact = {rate: amount * value / whole for rate, value in ttc.items()}
    floors = {rate: value.quantize(D("0.01"), rounding="ROUND_DOWN")
              for rate, value in exact.items()}
    left = int((amount - sum(floors.values())) * 100)
    for rate in sorted(exact, key=lambda r: floors[r] - exact[r])[:left]:
        floors[rate] += D("0.01")
    return {rate.quantize(D("0.01")): value for rate, value in floors.items()}


def test_a_status_keeps_its_id_when_the_ledger_grows(ledger, tmp_path):
    run("status", ledger, "--on", "2026-06-30", "-o", tmp_path / "before")
    assert run("paid", ledger, "--invoice", "FA-2026-0107", "--amount", "10",
               "--date", "2026-03-25", "-o", tmp_path / "paid").exit_code == 0
    run("status", ledger, "--on", "2026-06-30", "-o", tmp_path / "after")
    before = {p.name: p.read_bytes() for p in (tmp_path / "before").iterdir()}
    after = {p.name: p.read_bytes() for p in (tmp_path / "after").iterdir()}
    assert set(after) - set(before) == {"FA-2026-0107_212_20260325_1.xml"}
    assert all(after[name] == data for name, data in before.items())
