"""The legal rules of LEGAL_FR.md: for each rule, a document that breaks it and one that
does not, run through the real pipeline (``contratgen.pipeline.prepare``)."""
from __future__ import annotations

import dataclasses
import textwrap
from decimal import Decimal
from pathlib import Path

import pytest
from click.testing import CliRunner

from contratgen.pipeline import Options, prepare
from contratgen.cli import main
from contratgen.diagnostics import UserError
from contratgen.legal import list_rules
from contratgen.legal.catalog import BY_ID
from support.templates import edit_part, without_paragraph
from support.rules import (CLIENT, CONSUMER_PAYMENT, DOCUMENT, LIBRARY, PAYMENT,
                           PROVIDER, at, client_yaml, consumer_yaml, diagnostics, of, only,
                           own_clause, position, quote_doc)

ROOT = Path(__file__).resolve().parent.parent
NBSP = "\u00a0"      # Babel fr_FR: before % and €
NARROW = "\u202f"    # Babel fr_FR: between groups of digits



def test_the_sample_base_documents_pass(tmp_path):
    assert not any(d.is_error for d in diagnostics(tmp_path, client_yaml()))
    assert not any(d.is_error for d in diagnostics(tmp_path, consumer_yaml()))


# --- legal.payment-term-max ------------------------------------------------------------

def test_payment_term_of_61_days_is_an_error(tmp_path):
    text = client_yaml(payment=PAYMENT.replace("terms_days: 30", "terms_days: 61"))
    d = only(diagnostics(tmp_path, text), "legal.payment-term-max")
    assert d.severity == "error" and at(d, text, "61")
    assert "61 days exceeds the 60-day maximum" in d.message
    assert d.message.endswith("(C. com. L441-10 I)")


def test_payment_term_of_60_days_is_allowed(tmp_path):
    text = client_yaml(payment=PAYMENT.replace("terms_days: 30", "terms_days: 60"))
    assert not of(diagnostics(tmp_path, text), "legal.payment-term-max")


def test_45_days_end_of_month_is_allowed_46_is_not(tmp_path):
    ok = client_yaml(payment=PAYMENT.replace("terms_days: 30",
                                             "terms_days: 45\n  end_of_month: true"))
    assert not of(diagnostics(tmp_path, ok), "legal.payment-term-max")
    bad = client_yaml(payment=PAYMENT.replace("terms_days: 30",
                                              "terms_days: 46\n  end_of_month: true"))
    d = only(diagnostics(tmp_path, bad), "legal.payment-term-max")
    assert at(d, bad, "46") and "end of month" in d.message


def test_payment_term_max_does_not_apply_to_consumers(tmp_path):
    text = consumer_yaml(payment=CONSUMER_PAYMENT.replace("terms_days: 0", "terms_days: 90"))
    assert not of(diagnostics(tmp_path, text), "legal.payment-term-max")


# --- legal.penalty-rate-stated ---------------------------------------------------------

def test_missing_penalty_rate_is_an_error_at_payment(tmp_path):
    text = client_yaml(payment=PAYMENT.replace("  late_penalty_rate: legal_default\n", ""))
    d = only(diagnostics(tmp_path, text), "legal.penalty-rate-stated")
    assert d.severity == "error" and at(d, text, "payment:")
    assert "legal_default" in d.message and f"12,15{NBSP}%" in d.message


def test_stated_penalty_rate_passes(tmp_path):
    assert not of(diagnostics(tmp_path, client_yaml()), "legal.penalty-rate-stated")


def test_penalty_rate_is_not_required_from_consumers(tmp_path):
    text = consumer_yaml(payment="payment:\n  terms_days: 0\n")
    assert not of(diagnostics(tmp_path, text), "legal.penalty-rate-stated")


# --- legal.penalty-rate-floor ----------------------------------------------------------

def test_rate_below_three_times_legal_rate_is_an_error(tmp_path):
    text = client_yaml(payment=PAYMENT.replace("legal_default", "5"))
    d = only(diagnostics(tmp_path, text), "legal.penalty-rate-floor")
    assert d.severity == "error" and at(d, text, "late_penalty_rate: 5", 19)
    assert d.message.replace(NBSP, " ") == (
        "late penalty rate 5 % is below the legal floor of 7,86 % (3 × taux d'intérêt "
        "légal, 1st half 2026) (C. com. L441-10 II)")
    assert str(d).startswith(f"{tmp_path / 'client.yaml'}:{d.line}:{d.col}: error: ")


def test_7_85_percent_is_below_the_floor_in_march_2026(tmp_path):
    text = client_yaml(payment=PAYMENT.replace("legal_default", "7.85"))
    assert only(diagnostics(tmp_path, text), "legal.penalty-rate-floor").is_error


def test_7_86_percent_is_exactly_the_floor_in_march_2026(tmp_path):
    text = client_yaml(payment=PAYMENT.replace("legal_default", "7.86"))
    assert not of(diagnostics(tmp_path, text), "legal.penalty-rate-floor")


def test_floor_follows_the_half_year_of_the_document(tmp_path):
    # 2nd half 2025: 3 × 2,76 % = 8,28 %, so 7,86 % is too low
    text = client_yaml(document=DOCUMENT.replace("2026-03-02", "2025-09-01"),
                       payment=PAYMENT.replace("legal_default", "7.86"))
    d = only(diagnostics(tmp_path, text), "legal.penalty-rate-floor")
    assert f"8,28{NBSP}%" in d.message and "2nd half 2025" in d.message


def test_legal_default_rate_is_always_above_the_floor(tmp_path):
    assert not of(diagnostics(tmp_path, client_yaml()), "legal.penalty-rate-floor")


# --- legal.recovery-indemnity ----------------------------------------------------------

def test_missing_recovery_indemnity_is_an_error(tmp_path):
    text = client_yaml(payment=PAYMENT.replace("  recovery_indemnity: 40\n", ""))
    d = only(diagnostics(tmp_path, text), "legal.recovery-indemnity")
    assert d.severity == "error" and at(d, text, "payment:")


def test_recovery_indemnity_below_40_euros_is_an_error(tmp_path):
    text = client_yaml(payment=PAYMENT.replace("recovery_indemnity: 40",
                                               "recovery_indemnity: 39.99"))
    d = only(diagnostics(tmp_path, text), "legal.recovery-indemnity")
    assert at(d, text, "39.99") and f"40,00{NBSP}€" in d.message


def test_recovery_indemnity_of_40_euros_passes(tmp_path):
    assert not of(diagnostics(tmp_path, client_yaml()), "legal.recovery-indemnity")


# --- legal.early-payment-stated --------------------------------------------------------

def template_without_discount_terms(tmp_path: Path) -> str:
    """The shipped contract template without its "Escompte : …" line."""
    from contratgen.render.docx import SHIPPED_TEMPLATES
    edit_part(Path(SHIPPED_TEMPLATES) / "contract.docx", tmp_path / "firm.docx",
              "word/document.xml", without_paragraph("{{ labels.early_payment }}"))
    return "firm.docx"


SILENT_DISCOUNT = PAYMENT.replace("  early_payment_discount: null\n", "")


def test_silent_discount_warns_when_nothing_prints_the_terms(tmp_path):
    name = template_without_discount_terms(tmp_path)
    text = client_yaml(document=DOCUMENT + f"  template: {name}\n", payment=SILENT_DISCOUNT)
    d = only(diagnostics(tmp_path, text), "legal.early-payment-stated")
    assert d.severity == "warning" and at(d, text, "payment:")


def test_a_file_that_prints_pas_d_escompte_states_the_discount_terms(tmp_path):
    # the shipped templates print "Escompte : pas d'escompte pour paiement anticipé"
    text = client_yaml(payment=SILENT_DISCOUNT)
    assert not of(diagnostics(tmp_path, text), "legal.early-payment-stated")


@pytest.mark.parametrize("clause", ["late_payment", "early_payment"])
def test_a_clause_that_prints_the_discount_terms_states_them(tmp_path, clause):
    name = template_without_discount_terms(tmp_path)
    text = client_yaml(document=DOCUMENT + f"  template: {name}\n", payment=SILENT_DISCOUNT,
                       clauses=f"clauses:\n  - billing\n  - {clause}\n")
    assert not of(diagnostics(tmp_path, text), "legal.early-payment-stated")


def test_explicit_null_means_no_discount_and_passes(tmp_path):
    assert not of(diagnostics(tmp_path, client_yaml()), "legal.early-payment-stated")


def test_stated_discount_passes(tmp_path):
    text = client_yaml(payment=PAYMENT.replace(
        "early_payment_discount: null", "early_payment_discount: {rate: 2, within_days: 10}"))
    assert not of(diagnostics(tmp_path, text), "legal.early-payment-stated")


# --- legal.schedule-total --------------------------------------------------------------

SCHEDULE = """\
  schedule:
    - {label: Acompte, percent: 30, due: signature}
    - {label: Solde, percent: 70, due: final_delivery}
"""


def test_tranches_that_do_not_sum_to_100_are_an_error(tmp_path):
    text = client_yaml(payment=PAYMENT + SCHEDULE.replace("70", "60"))
    d = only(diagnostics(tmp_path, text), "legal.schedule-total")
    assert d.severity == "error" and at(d, text, "- {label: Acompte")


def test_tranches_that_sum_to_100_pass(tmp_path):
    assert not of(diagnostics(tmp_path, client_yaml(payment=PAYMENT + SCHEDULE)),
                  "legal.schedule-total")


def test_schedule_rule_rechecks_the_computed_tranches(tmp_path):
    path = tmp_path / "client.yaml"
    path.write_text(client_yaml(payment=PAYMENT + SCHEDULE), encoding="utf-8")
    prepared = prepare(path)
    rule = BY_ID["legal.schedule-total"]
    assert rule.run(prepared) == []
    first, last = prepared.computed.tranches
    broken = dataclasses.replace(prepared.computed, tranches=(
        dataclasses.replace(first, amount=Decimal("-1")), last))
    found = rule.run(dataclasses.replace(prepared, computed=broken))
    assert {d.code for d in found} == {"legal.schedule-total"} and len(found) == 2


# --- legal.jurisdiction-traders --------------------------------------------------------

JURISDICTION = """\
clauses:
  - billing
  - id: jurisdiction
    params: {court: Tribunal des activités économiques de Lyon}
"""


def test_jurisdiction_clause_between_two_traders_passes(tmp_path):
    assert not of(diagnostics(tmp_path, client_yaml(clauses=JURISDICTION)),
                  "legal.jurisdiction-traders")


def test_jurisdiction_clause_against_a_craftsman_is_an_error(tmp_path):
    client = CLIENT.replace("legal_form: SAS", "legal_form: EI") + "  craftsman: true\n"
    text = client_yaml(client=client, clauses=JURISDICTION)
    d = only(diagnostics(tmp_path, text), "legal.jurisdiction-traders")
    assert d.severity == "error" and at(d, text, "id: jurisdiction")
    assert "the client is a craftsman" in d.message and "CPC art. 48" in d.message


def test_jurisdiction_clause_from_a_liberal_profession_is_an_error(tmp_path):
    # a société d'exercice libéral is civil by its object, not commercial by its form
    provider = PROVIDER.replace("legal_form: SARL", "legal_form: SELARL")
    text = client_yaml(provider=provider + "  liberal_profession: true\n",
                       clauses=JURISDICTION)
    d = only(diagnostics(tmp_path, text), "legal.jurisdiction-traders")
    assert "the provider is a liberal profession" in d.message


def test_jurisdiction_clause_with_a_non_trader_is_an_error(tmp_path):
    client = CLIENT.replace("trader: true", "trader: false").replace("SAS", "SCI")
    text = client_yaml(client=client, clauses=JURISDICTION)
    assert "client.trader is false" in only(diagnostics(tmp_path, text),
                                            "legal.jurisdiction-traders").message


@pytest.mark.parametrize("form", ["SARL", "SAS", "SA", "SNC", "SCS", "SCA", "EURL", "SASU",
                                  "S.A.R.L."])
def test_a_commercial_company_by_form_is_a_trader_even_at_the_rm(tmp_path, form):
    # C. com. L210-1: an artisan trading as a SARL or SAS is commercial by its form
    client = (CLIENT.replace("legal_form: SAS", f"legal_form: {form}")
              .replace("trader: true", "trader: false") + "  craftsman: true\n"
              "  registry: RM 69\n")
    text = client_yaml(client=client, clauses=JURISDICTION)
    assert not of(diagnostics(tmp_path, text), "legal.jurisdiction-traders")


def test_a_client_established_in_another_eu_state_relies_on_brussels_i_bis(tmp_path):
    # Brussels I bis art. 25 governs the clause and does not ask for traders
    client = (CLIENT.replace("legal_form: SAS", "legal_form: GmbH")
              .replace("trader: true", "trader: false")
              .replace('  siren: "552100554"\n', '  vat_number: DE136695976\n'))
    text = client_yaml(client=client, clauses=JURISDICTION)
    assert not of(diagnostics(tmp_path, text), "legal.jurisdiction-traders")


def test_jurisdiction_clause_against_a_consumer_is_an_error(tmp_path):
    text = consumer_yaml(clauses=JURISDICTION)
    d = only(diagnostics(tmp_path, text), "legal.jurisdiction-traders")
    assert "the client is a consumer" in d.message and at(d, text, "id: jurisdiction")


# --- legal.arbitration-consumer / legal.arbitration-appointment ------------------------

ARBITRATION = "clauses:\n  - billing\n  - arbitration\n"


def test_arbitration_against_a_consumer_is_an_error(tmp_path):
    text = consumer_yaml(clauses=ARBITRATION)
    d = only(diagnostics(tmp_path, text), "legal.arbitration-consumer")
    assert d.severity == "error" and at(d, text, "arbitration")


def test_arbitration_between_businesses_is_allowed(tmp_path):
    diags = diagnostics(tmp_path, client_yaml(clauses=ARBITRATION))
    assert not of(diags, "legal.arbitration-consumer")
    assert not of(diags, "legal.arbitration-appointment")  # shipped: 1 arbitrator, CMAP


def test_arbitration_naming_no_arbitrator_is_a_warning(tmp_path):
    # CPC 1451-1454 supply the appointment (the juge d'appui): not a validity rule
    own_clause(tmp_path / "lib", "our_arbitration", "arbitration",
               params="{arbitrator: {type: string, default: ''}}", parties="[business]")
    text = client_yaml(clauses="clauses:\n  - our_arbitration\n", extra=LIBRARY)
    d = only(diagnostics(tmp_path, text), "legal.arbitration-appointment")
    assert d.severity == "warning" and at(d, text, "our_arbitration")
    assert "1451-1454" in d.message


def test_arbitration_clause_without_appointment_param_is_a_warning(tmp_path):
    own_clause(tmp_path / "lib", "our_arbitration", "arbitration", parties="[business]")
    text = client_yaml(clauses="clauses:\n  - our_arbitration\n", extra=LIBRARY)
    assert only(diagnostics(tmp_path, text), "legal.arbitration-appointment").severity \
        == "warning"


def test_arbitration_naming_the_arbitrator_passes(tmp_path):
    own_clause(tmp_path / "lib", "our_arbitration", "arbitration",
               params="{arbitrator: {type: string, default: ''}}", parties="[business]")
    text = client_yaml(clauses="clauses:\n  - id: our_arbitration\n"
                               "    params: {arbitrator: Me Durand}\n", extra=LIBRARY)
    assert not of(diagnostics(tmp_path, text), "legal.arbitration-appointment")


# --- legal.conspicuous -----------------------------------------------------------------

def test_shipped_jurisdiction_and_retention_clauses_are_conspicuous(tmp_path):
    text = client_yaml(clauses=JURISDICTION + "  - retention_of_title\n")
    assert not of(diagnostics(tmp_path, text), "legal.conspicuous")


def test_retention_of_title_not_conspicuous_is_an_error(tmp_path):
    own_clause(tmp_path / "lib", "retention_of_title", "retention_of_title")
    text = client_yaml(document=DOCUMENT + "  nature: goods\n",
                       clauses="clauses:\n  - billing\n  - retention_of_title\n",
                       extra=LIBRARY)
    d = only(diagnostics(tmp_path, text), "legal.conspicuous")
    assert d.severity == "error" and at(d, text, "retention_of_title")
    assert "conspicuous: false" in d.message


def test_conspicuous_cites_cpc_48_only():
    # L624-16 asks a retention of title agreed in writing by delivery, not bold print
    assert BY_ID["legal.conspicuous"].source == "CPC 48"


def test_quote_validity_is_a_house_rule_but_for_the_trades_of_the_2017_arrete():
    source = BY_ID["legal.quote-validity"].source
    assert "1116" not in source and "house rule" in source and "24 janvier 2017" in source


# --- legal.resolutory-obligations ------------------------------------------------------

def test_resolutory_clause_with_no_obligations_is_an_error(tmp_path):
    text = client_yaml(clauses='clauses:\n  - id: resolutory\n    params: {obligations: ""}\n')
    d = only(diagnostics(tmp_path, text), "legal.resolutory-obligations")
    assert d.severity == "error" and at(d, text, '""')


def test_resolutory_clause_with_default_obligations_passes(tmp_path):
    text = client_yaml(clauses="clauses:\n  - resolutory\n")
    assert not of(diagnostics(tmp_path, text), "legal.resolutory-obligations")


# --- legal.advance-kind ----------------------------------------------------------------

def test_consumer_advance_without_kind_is_a_warning(tmp_path):
    text = consumer_yaml(payment=CONSUMER_PAYMENT + SCHEDULE)
    d = only(diagnostics(tmp_path, text), "legal.advance-kind")
    assert d.severity == "warning" and at(d, text, "- {label: Acompte", 2)
    assert "silent means arrhes" in d.message


def test_consumer_advance_with_kind_passes(tmp_path):
    text = consumer_yaml(payment=CONSUMER_PAYMENT + "  advance_kind: acompte\n" + SCHEDULE)
    assert not of(diagnostics(tmp_path, text), "legal.advance-kind")


def test_consumer_without_advance_passes(tmp_path):
    assert not of(diagnostics(tmp_path, consumer_yaml()), "legal.advance-kind")


def test_advance_kind_is_not_asked_of_businesses(tmp_path):
    assert not of(diagnostics(tmp_path, client_yaml(payment=PAYMENT + SCHEDULE)),
                  "legal.advance-kind")


# --- legal.off-premises-payment / legal.withdrawal-notice ------------------------------

WITHDRAWAL = "clauses:\n  - billing\n  - our_withdrawal\n"


def off_premises(tmp_path, due: str, context="off_premises") -> str:
    own_clause(tmp_path / "lib", "our_withdrawal", "withdrawal", parties="[consumer]")
    payment = CONSUMER_PAYMENT + "  advance_kind: arrhes\n  schedule:\n" \
        f"    - {{label: Arrhes, percent: 20, due: {due}}}\n" \
        "    - {label: Solde, percent: 80, due: final_delivery}\n"
    return consumer_yaml(context=context, payment=payment, clauses=WITHDRAWAL, extra=LIBRARY)


def test_payment_7_days_after_an_off_premises_signature_is_an_error(tmp_path):
    text = off_premises(tmp_path, "{days_after: signature, days: 7}")
    d = only(diagnostics(tmp_path, text), "legal.off-premises-payment")
    assert d.severity == "error" and at(d, text, "{days_after")
    assert "7 days after signature" in d.message and "L221-10" in d.message


def test_payment_8_days_after_an_off_premises_signature_passes(tmp_path):
    text = off_premises(tmp_path, "{days_after: signature, days: 8}")
    assert not any(d.is_error for d in diagnostics(tmp_path, text))


def test_payment_at_signature_off_premises_is_an_error(tmp_path):
    text = off_premises(tmp_path, "signature")
    assert at(only(diagnostics(tmp_path, text), "legal.off-premises-payment"), text,
              "signature}")


def test_payment_dated_7_or_8_days_after_an_off_premises_signature(tmp_path):
    assert of(diagnostics(tmp_path, off_premises(tmp_path, "2026-03-09")),
              "legal.off-premises-payment")
    assert not of(diagnostics(tmp_path, off_premises(tmp_path, "2026-03-10")),
                  "legal.off-premises-payment")


def test_payment_at_signature_on_premises_passes(tmp_path):
    text = off_premises(tmp_path, "signature", context="on_premises")
    assert not of(diagnostics(tmp_path, text), "legal.off-premises-payment")


def test_off_premises_consumer_contract_without_withdrawal_is_an_error(tmp_path):
    text = consumer_yaml(context="off_premises")
    d = only(diagnostics(tmp_path, text), "legal.withdrawal-notice")
    assert d.severity == "error" and at(d, text, "clauses:")
    assert "14-day right of withdrawal" in d.message


def test_distance_consumer_contract_without_withdrawal_is_an_error(tmp_path):
    assert of(diagnostics(tmp_path, consumer_yaml(context="distance")),
              "legal.withdrawal-notice")


def test_off_premises_contract_with_withdrawal_clause_passes(tmp_path):
    text = off_premises(tmp_path, "final_delivery")
    assert not of(diagnostics(tmp_path, text), "legal.withdrawal-notice")


def test_shipped_withdrawal_clause_satisfies_the_rule(tmp_path):
    text = consumer_yaml(context="distance", clauses="clauses:\n  - billing\n  - withdrawal\n")
    assert not of(diagnostics(tmp_path, text), "legal.withdrawal-notice")


def test_withdrawal_is_not_required_on_premises(tmp_path):
    assert not of(diagnostics(tmp_path, consumer_yaml()), "legal.withdrawal-notice")


# --- legal.quote-validity / legal.quote-price-of-quote ---------------------------------

def test_quote_without_validity_is_an_error(tmp_path):
    text = client_yaml(document=quote_doc("  free_of_charge: true\n"))
    d = only(diagnostics(tmp_path, text), "legal.quote-validity")
    assert d.severity == "error" and at(d, text, "document:")
    assert "a house rule" in d.message and "arrêté" not in d.message.split("(house")[0]


def test_a_building_trade_quote_to_a_consumer_states_its_validity_by_law(tmp_path):
    from support.rules import consumer_yaml
    provider = PROVIDER.replace("  trader: true\n", "  trader: true\n  building_trade: true\n")
    text = consumer_yaml(document=quote_doc("  free_of_charge: true\n"), provider=provider)
    d = only(diagnostics(tmp_path, text), "legal.quote-validity")
    assert "the arrêté of 24 January 2017 requires it" in d.message


def test_quote_with_validity_days_passes(tmp_path):
    text = client_yaml(document=quote_doc("  validity_days: 30\n  free_of_charge: true\n"))
    diags = diagnostics(tmp_path, text)
    assert not of(diags, "legal.quote-validity") and not of(diags, "legal.quote-price-of-quote")


def test_quote_valid_until_before_its_date_is_an_error(tmp_path):
    text = client_yaml(document=quote_doc("  valid_until: 2026-03-01\n  free_of_charge: true\n"))
    assert at(only(diagnostics(tmp_path, text), "legal.quote-validity"), text, "2026-03-01")


def test_contract_needs_no_validity(tmp_path):
    assert not of(diagnostics(tmp_path, client_yaml()), "legal.quote-validity")


def test_quote_silent_on_its_price_is_a_warning(tmp_path):
    text = client_yaml(document=quote_doc("  validity_days: 30\n"))
    d = only(diagnostics(tmp_path, text), "legal.quote-price-of-quote")
    assert d.severity == "warning" and at(d, text, "document:")


def test_paid_quote_without_price_is_an_error(tmp_path):
    text = client_yaml(document=quote_doc("  validity_days: 30\n  free_of_charge: false\n"))
    d = only(diagnostics(tmp_path, text), "legal.quote-price-of-quote")
    assert d.severity == "error" and at(d, text, "false")


def test_paid_quote_with_price_passes(tmp_path):
    text = client_yaml(document=quote_doc("  validity_days: 30\n  free_of_charge: false\n"
                                          "  quote_price: 80\n"))
    assert not of(diagnostics(tmp_path, text), "legal.quote-price-of-quote")


# --- legal.seller-identity -------------------------------------------------------------

def test_complete_seller_identity_passes(tmp_path):
    assert not of(diagnostics(tmp_path, client_yaml()), "legal.seller-identity")


def test_siren_with_a_wrong_check_digit_is_an_error(tmp_path):
    text = client_yaml(provider=PROVIDER.replace("732829320", "732829321"))
    d = only(diagnostics(tmp_path, text), "legal.seller-identity")
    assert at(d, text, '"732829321"') and "check digit" in d.message


def test_missing_siren_is_an_error(tmp_path):
    text = client_yaml(provider=PROVIDER.replace('  siren: "732829320"\n', ""))
    d = only(diagnostics(tmp_path, text), "legal.seller-identity")
    assert at(d, text, "provider:") and "R123-237" in d.message


def test_rcs_without_its_city_is_an_error(tmp_path):
    text = client_yaml(provider=PROVIDER.replace("RCS Paris", "RCS"))
    d = only(diagnostics(tmp_path, text), "legal.seller-identity")
    assert at(d, text, "RCS\n") and "city" in d.message


def test_company_without_capital_is_an_error(tmp_path):
    text = client_yaml(provider=PROVIDER.replace("  capital: 15000\n", ""))
    assert "share capital" in only(diagnostics(tmp_path, text), "legal.seller-identity").message


def test_sole_trader_needs_no_capital(tmp_path):
    text = client_yaml(provider=PROVIDER.replace("SARL", "EI").replace("  capital: 15000\n", ""))
    assert not of(diagnostics(tmp_path, text), "legal.seller-identity")


def test_craftsman_registry_passes(tmp_path):
    text = client_yaml(provider=PROVIDER.replace("RCS Paris", "RM 75"))
    assert not of(diagnostics(tmp_path, text), "legal.seller-identity")


# --- legal.sole-trader-name ------------------------------------------------------------

def test_a_micro_entreprise_is_printed_with_ei_so_the_rule_holds(tmp_path):
    # the renderer adds "EI" after a sole trader's name whatever spelling of the form
    # is used, so the document satisfies décret 2022-725 by construction
    from contratgen.pipeline import prepare, render_document
    from conftest import docx_text
    text = client_yaml(provider=PROVIDER.replace("SARL", "micro-entreprise")
                       .replace("  capital: 15000\n", ""))
    assert not of(diagnostics(tmp_path, text), "legal.sole-trader-name")
    path = tmp_path / "c.yaml"
    path.write_text(text)
    assert "Atelier Dupont EI" in docx_text(render_document(prepare(path)))


def test_sole_trader_rule_fires_when_the_printed_name_lacks_ei(tmp_path, monkeypatch):
    import contratgen.legal.identity as identity
    monkeypatch.setattr(identity, "display_name", lambda name, legal_form: name)
    text = client_yaml(provider=PROVIDER.replace("SARL", "micro-entreprise")
                       .replace("  capital: 15000\n", ""))
    d = only(diagnostics(tmp_path, text), "legal.sole-trader-name")
    assert d.severity == "error" and at(d, text, "Atelier Dupont")
    assert "décret 2022-725" in d.message


def test_sole_trader_with_legal_form_ei_is_shown_with_ei(tmp_path):
    text = client_yaml(provider=PROVIDER.replace("SARL", "EI").replace("  capital: 15000\n", ""))
    assert not of(diagnostics(tmp_path, text), "legal.sole-trader-name")


def test_sole_trader_with_ei_in_the_name_passes(tmp_path):
    text = client_yaml(provider=PROVIDER.replace("SARL", "micro-entreprise")
                       .replace("Atelier Dupont", "Jean Dupont EI")
                       .replace("  capital: 15000\n", ""))
    assert not of(diagnostics(tmp_path, text), "legal.sole-trader-name")


# --- legal.identifiers -----------------------------------------------------------------

GOOD_IDS = """\
  siret: "73282932000074"
  vat_number: FR44732829320
  iban: FR7630006000011234567890189
  bic: AGRIFRPP
"""


def test_valid_identifiers_pass(tmp_path):
    text = client_yaml(provider=PROVIDER + GOOD_IDS,
                       client=CLIENT + "  vat_number: FR96552100554\n")
    assert not of(diagnostics(tmp_path, text), "legal.identifiers")


def test_iban_with_a_wrong_check_digit_is_an_error(tmp_path):
    text = client_yaml(provider=PROVIDER + GOOD_IDS.replace("FR76300", "FR77300"))
    d = only(diagnostics(tmp_path, text), "legal.identifiers")
    assert d.severity == "error" and at(d, text, "FR773") and "IBAN" in d.message


def test_client_siren_with_a_wrong_check_digit_is_an_error(tmp_path):
    text = client_yaml(client=CLIENT.replace("552100554", "552100555"))
    assert at(only(diagnostics(tmp_path, text), "legal.identifiers"), text, '"552100555"')


def test_invalid_vat_number_is_an_error(tmp_path):
    text = client_yaml(client=CLIENT + "  vat_number: FR47552100554\n")
    assert at(only(diagnostics(tmp_path, text), "legal.identifiers"), text, "FR47552100554")


def test_vat_number_of_another_company_is_an_error(tmp_path):
    text = client_yaml(client=CLIENT + "  vat_number: FR44732829320\n")
    d = only(diagnostics(tmp_path, text), "legal.identifiers")
    assert "is not the one of SIREN 552100554" in d.message


def test_siret_of_another_company_is_an_error(tmp_path):
    text = client_yaml(client=CLIENT + '  siret: "73282932000074"\n')
    assert "does not start with its SIREN" in only(diagnostics(tmp_path, text),
                                                   "legal.identifiers").message



def test_identifier_checks_memoized_answer_each_document_for_its_own_numbers(tmp_path):
    # the same numbers recur in a batch (memoized checks): a match, then a mismatch of
    # the same VAT number and SIRET with another SIREN, then the match again
    good = client_yaml(provider=PROVIDER + GOOD_IDS,
                       client=CLIENT + "  vat_number: FR96552100554\n")
    bad = client_yaml(client=CLIENT + "  vat_number: FR44732829320\n"
                                      '  siret: "73282932000074"\n')
    for _ in range(2):
        assert not of(diagnostics(tmp_path, good), "legal.identifiers")
        messages = [d.message for d in of(diagnostics(tmp_path, bad), "legal.identifiers")]
        assert any("is not the one of SIREN 552100554" in m for m in messages)
        assert any("does not start with its SIREN" in m for m in messages)

# --- legal.penalty-clause-consumer -----------------------------------------------------

def test_penalty_larger_than_the_total_against_a_consumer_is_a_warning(tmp_path):
    text = consumer_yaml(clauses="clauses:\n  - id: penalty\n    params: {amount: 5000}\n")
    d = only(diagnostics(tmp_path, text), "legal.penalty-clause-consumer")
    assert d.severity == "warning" and at(d, text, "amount: 5000", 8)
    assert f"1{NARROW}200,00{NBSP}€" in d.message



def test_penalty_within_the_total_against_a_consumer_passes(tmp_path):
    text = consumer_yaml(clauses="clauses:\n  - id: penalty\n    params: {amount: 300}\n")
    assert not of(diagnostics(tmp_path, text), "legal.penalty-clause-consumer")


def test_large_penalty_between_businesses_is_not_checked(tmp_path):
    text = client_yaml(clauses="clauses:\n  - id: penalty\n    params: {amount: 5000}\n")
    assert not of(diagnostics(tmp_path, text), "legal.penalty-clause-consumer")


# --- legal.rates-table -----------------------------------------------------------------

def test_date_outside_the_rates_table_is_a_warning(tmp_path):
    text = client_yaml(document=DOCUMENT.replace("2026-03-02", "2099-03-02"))
    d = only(diagnostics(tmp_path, text), "legal.rates-table")
    assert d.severity == "warning" and at(d, text, "2099-03-02") and "2099-H1" in d.message
    assert "1st half 2026" not in d.message      # no other half-year's rates are lent


def test_date_inside_the_rates_table_passes(tmp_path):
    assert not of(diagnostics(tmp_path, client_yaml()), "legal.rates-table")


# --- waivers ---------------------------------------------------------------------------

# a fixed penalty of 500 € on a 1 200 € contract: 42 %, a legal.penalty-proportion warning
HEAVY_PENALTY = "clauses:\n  - billing\n  - id: penalty\n    params: {amount: 500}\n"


def test_waived_warning_becomes_a_note_with_its_reason(tmp_path):
    text = client_yaml(clauses=HEAVY_PENALTY, extra=textwrap.dedent("""\
        waive:
          - {rule: legal.penalty-proportion, reason: agreed with the client's counsel}
        """))
    d = only(diagnostics(tmp_path, text), "legal.penalty-proportion")
    assert d.severity == "note" and not d.is_error
    assert d.message.startswith("waived: agreed with the client's counsel — penalty of")


def test_waived_warning_does_not_fail_strict(tmp_path):
    text = client_yaml(clauses=HEAVY_PENALTY, extra=(
        "waive:\n  - {rule: legal.penalty-proportion, reason: agreed}\n"))
    assert not any(d.is_error for d in diagnostics(tmp_path, text, Options(strict=True)))


def test_unwaived_warning_fails_strict(tmp_path):
    diags = diagnostics(tmp_path, client_yaml(clauses=HEAVY_PENALTY), Options(strict=True))
    assert only(diags, "legal.penalty-proportion").is_error


def test_waiving_an_error_rule_is_an_error_at_the_waiver(tmp_path):
    text = client_yaml(extra="waive:\n  - {rule: legal.payment-term-max, reason: agreed}\n")
    d = only(diagnostics(tmp_path, text), "legal.waive")
    assert d.severity == "error" and at(d, text, "legal.payment-term-max")


def test_waiving_an_unknown_rule_is_an_error(tmp_path):
    text = client_yaml(extra="waive:\n  - {rule: legal.no-such-rule, reason: why not}\n")
    d = only(diagnostics(tmp_path, text), "legal.waive")
    assert "unknown rule 'legal.no-such-rule'" in d.message


def test_waiver_does_not_hide_an_error_of_the_same_rule(tmp_path):
    text = client_yaml(document=quote_doc("  validity_days: 30\n  free_of_charge: false\n"),
                       extra="waive:\n  - {rule: legal.quote-price-of-quote, reason: x}\n")
    assert only(diagnostics(tmp_path, text), "legal.quote-price-of-quote").is_error


# --- catalogue and command line --------------------------------------------------------

def test_catalogue_has_every_rule_of_legal_fr_once():
    ids = [r.id for r in list_rules()]
    legal_fr = (ROOT.parent / "shared" / "LEGAL_FR.md")
    expected = {"legal.payment-term-max", "legal.penalty-rate-stated",
                "legal.penalty-rate-floor", "legal.recovery-indemnity",
                "legal.early-payment-stated", "legal.schedule-total",
                "legal.jurisdiction-traders", "legal.arbitration-consumer",
                "legal.arbitration-appointment", "legal.conspicuous",
                "legal.resolutory-obligations", "legal.advance-kind",
                "legal.off-premises-payment", "legal.withdrawal-notice", "legal.quote-validity",
                "legal.quote-price-of-quote", "legal.seller-identity", "legal.sole-trader-name",
                "legal.identifiers", "legal.penalty-clause-consumer", "legal.rates-table",
                "legal.b2c-context",
                # Version 2
                "legal.consumer-information", "legal.mediator", "legal.legal-guarantee",
                "legal.building-insurance", "legal.reduced-rate-certification",
                "legal.vat-rate", "legal.vat-mention", "legal.consumer-language",
                "legal.fair-notice", "legal.early-start", "legal.signatory",
                "legal.liability-consumer", "legal.deposit-withdrawal",
                "legal.invoice-mentions",
                # Version 3
                "legal.tranche-term", "legal.advance-label", "legal.retention-services",
                "legal.penalty-proportion", "legal.court-name", "legal.public-purchaser",
                "legal.micro-business-off-premises", "legal.debt-acknowledgement-consumer",
                "legal.ledger-dates", "legal.second-hand-goods"}
    # the instalment agreement's rules (LEGAL_FR.md "Collecting payment", in prose)
    agreement = {"legal.agreement-total", "legal.agreement-dates", "legal.agreement-term"}
    # Version 3, e-invoicing (legal/einvoice.py)
    einvoicing = {"legal.invoice-supply-date", "legal.order-reference", "legal.vat-due-code",
                  "legal.escrow-payee"}
    # Version 3, the building trades (contratgen/legal/building.py)
    building = {"legal.retention-guarantee", "legal.decennale-certificate",
                "legal.subcontractor", "legal.works-guarantees"}
    expected |= einvoicing | building
    house = {"legal.progress-invoices"}   # not in the table
    assert len(ids) == len(set(ids)) and set(ids) == expected | agreement | house
    if legal_fr.exists():  # the spec, when the repository sits next to it
        for rule_id in expected - {"legal.rates-table", "legal.b2c-context"}:
            assert f"| {rule_id} |" in legal_fr.read_text("utf-8")


def test_check_reports_a_located_legal_error_and_exits_1(tmp_path):
    text = client_yaml(payment=PAYMENT.replace("terms_days: 30", "terms_days: 75"))
    bad = tmp_path / "bad.yaml"
    bad.write_text(text, encoding="utf-8")
    result = CliRunner().invoke(main, ["check", str(bad)])
    assert result.exit_code == 1
    line, col = position(text, "terms_days: 75", 12)
    assert (f"{bad}:{line}:{col}: error: payment term of 75 days exceeds the 60-day maximum"
            in result.stderr)
    assert result.stderr.rstrip().endswith("[legal.payment-term-max]")
    assert "Traceback" not in result.output


def test_check_rules_lists_every_rule():
    result = CliRunner().invoke(main, ["check", "--rules"])
    assert result.exit_code == 0
    for rule in list_rules():
        line = next(x for x in result.output.splitlines() if x.startswith(rule.id + " "))
        assert rule.severity in line and rule.applies in line and rule.source in line


SAMPLES = ROOT / "samples"


@pytest.mark.parametrize("sample", sorted([*SAMPLES.glob("*.yaml"), *SAMPLES.glob("batch/*.yaml")]),
                         ids=lambda p: p.relative_to(SAMPLES).as_posix())
def test_shipped_samples_have_no_legal_error(sample):
    try:
        prepared = prepare(sample)
    except UserError as exc:
        pytest.fail("\n".join(str(d) for d in exc.diagnostics))
    assert not any(d.is_error for d in prepared.diagnostics)


def test_a_consumer_document_must_say_where_it_is_concluded(tmp_path):
    from conftest import SAMPLES
    text = (SAMPLES / "quote-b2c.yaml").read_text().replace("  context: off_premises\n", "")
    d = only(diagnostics(tmp_path, text), "legal.b2c-context")
    assert d.severity == "error" and "document.context" in d.message


def test_a_b2b_document_needs_no_context(tmp_path):
    from conftest import SAMPLES
    text = (SAMPLES / "quote-b2b.yaml").read_text()
    assert "context:" not in text
    assert not of(diagnostics(tmp_path, text), "legal.b2c-context")
