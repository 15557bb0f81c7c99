"""The e-invoicing rules of LEGAL_FR.md Version 3 (legal/einvoice.py), reported by
``check`` before any invoice is built."""
import pytest
import yaml

from contratgen.diagnostics import UserError
from contratgen.pipeline import prepare
from support.einvoice_cases import B2B, ESCROW


def diagnostics(write, data) -> list:
    path = write("deal.yaml", yaml.safe_dump(data, allow_unicode=True, sort_keys=False))
    try:
        return list(prepare(path).diagnostics)
    except UserError as exc:
        return list(exc.diagnostics)


def of(found, code):
    return [d for d in found if d.code == code]


def sample() -> dict:
    return yaml.safe_load(B2B.read_text("utf-8"))


def test_the_sample_breaks_none_of_them_but_notes_its_mixed_operation(write):
    found = diagnostics(write, sample())
    assert of(found, "legal.invoice-supply-date") == of(found, "legal.escrow-payee") == []
    (note,) = of(found, "legal.vat-due-code")
    assert note.severity == "note" and "mixed operation" in note.message


def test_a_final_invoice_dated_before_its_supply_is_an_error(write):
    data = sample()
    data["invoicing"]["invoices"][2]["supplied"] = "2026-06-20"   # invoice of 2 June
    (d,) = of(diagnostics(write, data), "legal.invoice-supply-date")
    assert d.is_error and "before the supply" in d.message and "L441-9" in d.message


def test_an_advance_may_precede_the_supply(write):
    data = sample()
    data["invoicing"]["invoices"][0]["supplied"] = {"from": "2026-03-10", "to": "2026-05-29"}
    assert of(diagnostics(write, data), "legal.invoice-supply-date") == []


@pytest.mark.parametrize("nature, debits", [("goods", False), ("services", False),
                                            ("services", True), ("mixed", True)])
def test_no_note_when_one_code_says_it_all(write, nature, debits):
    data = sample()
    data["document"]["nature"] = nature
    data["provider"]["vat_on_debits"] = debits
    assert of(diagnostics(write, data), "legal.vat-due-code") == []


def test_an_escrowed_tranche_invoiced_needs_the_escrow_account(write):
    data = sample()
    data["payment"]["escrow"] = {k: v for k, v in ESCROW.items() if k != "iban"}
    (d,) = of(diagnostics(write, data), "legal.escrow-payee")
    assert d.is_error and "IBAN" in d.message and "1955" in d.message


def test_an_escrow_of_a_tranche_that_does_not_exist_is_an_error(write):
    data = sample()
    data["payment"]["escrow"] = {**ESCROW, "tranches": [4]}
    (d,) = of(diagnostics(write, data), "legal.escrow-payee")
    assert "tranche 4 does not exist" in d.message


def test_a_billing_address_equal_to_the_address_is_noted(write):
    data = sample()
    data["client"]["billing_address"] = data["client"]["address"]
    (d,) = of(diagnostics(write, data), "legal.order-reference")
    assert d.severity == "note"


def test_check_reports_a_credit_note_of_an_unknown_invoice(write):
    data = sample()
    data["invoicing"]["credit_notes"] = [
        {"number": "AV-1", "date": "2026-06-10", "cancels": "FA-2026-9999", "reason": "x"}]
    (d,) = of(diagnostics(write, data), "invoice.credit-note")
    assert d.is_error and "FA-2026-9999" in d.message


def test_a_public_purchaser_without_order_reference_is_warned(write):
    data = sample()
    data["client"]["kind"] = "public"
    data["clauses"] = []
    (d,) = of(diagnostics(write, data), "legal.order-reference")
    assert d.severity == "warning" and "Chorus Pro" in d.message
    data["client"]["order_reference"] = "EJ-1000234"
    assert of(diagnostics(write, data), "legal.order-reference") == []


def test_a_progress_invoice_among_tranche_invoices_is_a_located_error(write):
    # situations are built (docs/BUILDING.md); mixed with tranche invoices they are refused
    data = sample()
    data["invoicing"]["invoices"].append(
        {"situation": 1, "number": "FS-1", "date": "2026-06-30", "progress": {1: 50}})
    found = of(diagnostics(write, data), "legal.progress-invoices")
    assert found and all(d.is_error and "no tranche invoice" in d.message for d in found)
