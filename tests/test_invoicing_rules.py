"""legal.invoice-mentions: once a file lists invoices, the mentions only the input gives."""
import pytest

from conftest import SAMPLES
from contratgen.pipeline import prepare
from contratgen.diagnostics import UserError

SAMPLE = (SAMPLES / "contract-b2b-invoiced.yaml").read_text(encoding="utf-8")


def problems(write, text):
    try:
        prepare(write("deal.yaml", text))
    except UserError as exc:
        return [d for d in exc.diagnostics if d.code == "legal.invoice-mentions"]
    return []


def test_the_invoiced_sample_has_every_mention(write):
    assert problems(write, SAMPLE) == []


@pytest.mark.parametrize("remove, words", [
    ("  vat_number: FR44732829320\n", "provider's VAT number"),
    ('  address: "3 place du Marché, 69002 Lyon"\n', "client's address"),
])
def test_a_missing_mention_is_an_error(write, remove, words):
    assert remove in SAMPLE
    (d,) = problems(write, SAMPLE.replace(remove, "", 1))
    assert words in d.message and "C. com. L441-9" in d.message


NO_SIREN = SAMPLE.replace('  siren: "552100554"\n', "", 1)


@pytest.mark.parametrize("size, dated, fails", [
    ("sme", "2026-02-10", False),     # before any e-invoicing date
    ("large", "2026-08-31", False),   # the day before the large companies' date
    ("large", "2026-09-01", True),
    ("mid", "2026-09-01", True),
    ("sme", "2027-08-31", False),     # SMEs and micro-businesses: a year later
    ("sme", "2027-09-01", True),
    ("micro", "2027-09-01", True),
])
def test_the_client_siren_is_required_from_the_issuers_e_invoicing_date(write, size, dated,
                                                                      fails):
    text = NO_SIREN.replace("  bic: AGRIFRPP\n", f"  bic: AGRIFRPP\n  size: {size}\n", 1)
    text = text.replace("number: FA-2026-0190, date: 2026-06-02",
                        f"number: FA-2026-0190, date: {dated}")
    found = problems(write, text)
    if fails:
        (d,) = found
        assert "client's SIREN" in d.message and "FA-2026-0190" in d.message
    else:
        assert found == []


def test_a_german_buyer_without_siren_never_fails_for_lacking_one(write):
    text = NO_SIREN.replace("vat_number: FR96552100554", "vat_number: DE811907980").replace(
        "number: FA-2026-0190, date: 2026-06-02", "number: FA-2026-0190, date: 2027-10-01")
    assert problems(write, text) == []


def test_a_contract_without_invoices_is_not_concerned(write):
    text = (SAMPLES / "contract-b2b.yaml").read_text(encoding="utf-8").replace(
        '  siren: "552100554"\n', "")
    assert problems(write, text) == []


def test_reverse_charge_needs_the_clients_vat_number(write):
    text = (SAMPLES.parent / "tests" / "fixtures" / "invoicing" / "reverse-charge.yaml"
            ).read_text(encoding="utf-8").replace("  vat_number: FR96552100554\n", "")
    (d,) = problems(write, text)
    assert "reverse-charge invoice states the client's VAT number" in d.message


def test_check_reports_the_ledger_before_any_invoice_is_built(write):
    from click.testing import CliRunner
    from contratgen.cli import main
    path = write("deal.yaml", SAMPLE.replace("{tranche: 2, number: FA-2026-0131",
                                             "{tranche: 1, number: FA-2026-0131"))
    result = CliRunner().invoke(main, ["check", str(path)])
    assert result.exit_code == 1
    assert "tranche 1 is already invoiced by FA-2026-0107 [invoice.tranche-invoiced]" in \
        result.output
