"""The Version 3 rules of LEGAL_FR.md: for each, documents on both sides of its boundary,
through the real pipeline, with the diagnostic located at the node at fault."""
from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from support.rules import (CLIENT, CONSUMER_PAYMENT, CONSUMER_PROVIDER, DOCUMENT, PAYMENT,
                           PERFORMANCE, PROVIDER, at, client_yaml, consumer_yaml, diagnostics, of, only)

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "samples"


def schedule(*tranches: str, payment: str = PAYMENT) -> str:
    """PAYMENT with a schedule of these tranches (YAML flow mappings)."""
    return payment + "  schedule:\n" + "".join(f"    - {t}\n" for t in tranches)


def one_tranche(due: str, payment: str = PAYMENT) -> str:
    return schedule(f"{{label: Solde, percent: 100, due: {due}}}", payment=payment)


# --- legal.tranche-term ------------------------------------------------------------------

def test_a_b2b_tranche_due_120_days_after_the_order_is_an_error(tmp_path):
    text = client_yaml(payment=one_tranche("{days_after: order, days: 120}"))
    d = only(diagnostics(tmp_path, text), "legal.tranche-term")
    assert d.is_error and at(d, text, "{days_after: order, days: 120}")
    assert "falls due 120 days after its order, when its invoice must be issued" in d.message
    assert "at most 60 days from the invoice date" in d.message
    assert d.message.endswith("(C. com. L441-10 I, L441-11)")


@pytest.mark.parametrize("days, fails", [(60, False), (61, True)])
def test_a_tranche_may_fall_due_60_days_after_its_invoice(tmp_path, days, fails):
    text = client_yaml(payment=one_tranche(f"{{days_after: order, days: {days}}}"))
    assert bool(of(diagnostics(tmp_path, text), "legal.tranche-term")) is fails


# invoiced on 2 March 2026 (the order, the document's date): 45 days end of month read
# "end of month, then 45 days" is 15 May (74 days); read "45 days, then end of month" it
# is 30 April. The later reading holds.
@pytest.mark.parametrize("days, fails", [(74, False), (75, True)])
def test_45_days_end_of_month_accepts_the_later_reading(tmp_path, days, fails):
    payment = PAYMENT + "  end_of_month: true\n"
    text = client_yaml(payment=one_tranche(f"{{days_after: order, days: {days}}}", payment))
    assert bool(of(diagnostics(tmp_path, text), "legal.tranche-term")) is fails


@pytest.mark.parametrize("due, fails", [("2026-05-31", False), ("2026-06-01", True)])
def test_a_dated_tranche_counts_from_its_invoice_in_the_ledger(tmp_path, due, fails):
    ledger = "invoicing:\n  invoices:\n    - {tranche: 1, number: FA-1, date: 2026-04-01}\n"
    text = client_yaml(payment=one_tranche(due), extra=ledger)
    found = of(diagnostics(tmp_path, text), "legal.tranche-term")
    assert bool(found) is fails
    if fails:
        assert at(found[0], text, due) and "61 days after its invoice of 2026-04-01" \
            in found[0].message


def test_a_dated_tranche_without_its_invoice_is_not_judged(tmp_path):
    text = client_yaml(payment=one_tranche("2026-12-31"))
    assert not of(diagnostics(tmp_path, text), "legal.tranche-term")


@pytest.mark.parametrize("days, fails", [(45, False), (46, True)])
def test_periodic_invoices_are_due_within_45_days(tmp_path, days, fails):
    text = client_yaml(document=DOCUMENT + "  sector: periodic\n",
                       payment=one_tranche(f"{{days_after: order, days: {days}}}"))
    found = of(diagnostics(tmp_path, text), "legal.tranche-term")
    assert bool(found) is fails
    if fails:
        assert "periodic invoice" in found[0].message


DELIVERED = "  performance: {end: 2026-04-15}\n"


@pytest.mark.parametrize("sector, days, fails", [
    ("fresh_food", 30, False), ("fresh_food", 31, True),
    ("livestock", 20, False), ("livestock", 21, True),
    # alcohol: 30 days after the end of the month of delivery (30 April → 30 May)
    ("alcohol", 45, False), ("alcohol", 46, True),
])
def test_sector_caps_count_from_the_delivery(tmp_path, sector, days, fails):
    payment = PAYMENT.replace("terms_days: 30", "terms_days: 20")
    text = client_yaml(document=DOCUMENT + f"  sector: {sector}\n" + DELIVERED,
                       payment=one_tranche(f"{{days_after: final_delivery, days: {days}}}",
                                           payment))
    assert bool(of(diagnostics(tmp_path, text), "legal.tranche-term")) is fails


@pytest.mark.parametrize("terms, fails", [(20, False), (21, True)])
def test_payment_terms_respect_the_sector_cap(tmp_path, terms, fails):
    text = client_yaml(document=DOCUMENT + "  sector: livestock\n",
                       payment=PAYMENT.replace("terms_days: 30", f"terms_days: {terms}"))
    found = of(diagnostics(tmp_path, text), "legal.tranche-term")
    assert bool(found) is fails
    if fails:
        assert at(found[0], text, f"terms_days: {terms}", 12) and "livestock" in found[0].message


def test_transport_terms_of_30_days_end_of_month_exceed_30_days(tmp_path):
    payment = PAYMENT + "  end_of_month: true\n"
    text = client_yaml(document=DOCUMENT + "  sector: transport\n",
                       payment=payment.replace("terms_days: 30", "terms_days: 0"))
    assert not of(diagnostics(tmp_path, text), "legal.tranche-term")
    text = client_yaml(document=DOCUMENT + "  sector: transport\n", payment=payment)
    assert only(diagnostics(tmp_path, text), "legal.tranche-term").is_error


def test_tranche_term_does_not_apply_to_consumers(tmp_path):
    payment = one_tranche("{days_after: signature, days: 120}", CONSUMER_PAYMENT)
    text = consumer_yaml(payment=payment)
    assert not of(diagnostics(tmp_path, text), "legal.tranche-term")


# --- legal.advance-label -----------------------------------------------------------------

ARRHES_THEN_BALANCE = ("{label: Arrhes, percent: 30, due: signature}",
                       "{label: Solde, percent: 70, due: final_delivery}")


def test_a_tranche_labelled_arrhes_with_advance_kind_acompte_is_an_error(tmp_path):
    payment = schedule(*ARRHES_THEN_BALANCE, payment=PAYMENT + "  advance_kind: acompte\n")
    text = client_yaml(payment=payment)
    d = only(diagnostics(tmp_path, text), "legal.advance-label")
    assert d.is_error and at(d, text, "Arrhes")
    assert "labelled arrhes" in d.message and "advance_kind is acompte" in d.message


def test_a_tranche_labelled_arrhes_with_advance_kind_arrhes_passes(tmp_path):
    payment = schedule(*ARRHES_THEN_BALANCE, payment=PAYMENT + "  advance_kind: arrhes\n")
    assert not of(diagnostics(tmp_path, client_yaml(payment=payment)), "legal.advance-label")


def test_arrhes_between_businesses_silent_prints_acompte_and_is_an_error(tmp_path):
    text = client_yaml(payment=schedule(*ARRHES_THEN_BALANCE))
    d = only(diagnostics(tmp_path, text), "legal.advance-label")
    assert "silent, so the document says acompte" in d.message


def test_arrhes_towards_a_silent_consumer_agree_with_the_law(tmp_path):
    payment = schedule("{label: Arrhes, percent: 30, due: {days_after: signature, days: 8}}",
                       "{label: Solde, percent: 70, due: final_delivery}",
                       payment=CONSUMER_PAYMENT)
    assert not of(diagnostics(tmp_path, consumer_yaml(payment=payment)), "legal.advance-label")


@pytest.mark.parametrize("label, kind, fails", [
    ("Down payment", "arrhes", True), ("Down payment", "acompte", False),
    ("Deposit", "acompte", True), ("Acompte à la commande", "acompte", False),
    ("Premier versement", "arrhes", False),
])
def test_english_and_french_labels_name_the_kind(tmp_path, label, kind, fails):
    payment = schedule(f"{{label: {label}, percent: 30, due: signature}}",
                       "{label: Solde, percent: 70, due: final_delivery}",
                       payment=PAYMENT + f"  advance_kind: {kind}\n")
    text = client_yaml(payment=payment)
    assert bool(of(diagnostics(tmp_path, text), "legal.advance-label")) is fails


# --- legal.retention-services ------------------------------------------------------------

RETENTION = "clauses:\n  - billing\n  - retention_of_title\n"


def test_retention_of_title_on_services_is_an_error(tmp_path):
    text = client_yaml(clauses=RETENTION)
    d = only(diagnostics(tmp_path, text), "legal.retention-services")
    assert d.is_error and at(d, text, "retention_of_title") and "services" in d.message


@pytest.mark.parametrize("nature", ["goods", "mixed"])
def test_retention_of_title_on_goods_passes(tmp_path, nature):
    text = client_yaml(document=DOCUMENT + f"  nature: {nature}\n", clauses=RETENTION)
    assert not of(diagnostics(tmp_path, text), "legal.retention-services")


def test_retention_of_title_on_building_works_is_a_warning(tmp_path):
    provider = PROVIDER.replace("  trader: true\n", "  trader: true\n  building_trade: true\n")
    text = client_yaml(provider=provider, clauses=RETENTION)
    d = only(diagnostics(tmp_path, text), "legal.retention-services")
    assert d.severity == "warning" and "incorporated" in d.message
    # a building firm that sells goods alone (materials delivered, not built in) may keep title
    text = client_yaml(document=DOCUMENT + "  nature: goods\n", provider=provider,
                       clauses=RETENTION)
    assert not of(diagnostics(tmp_path, text), "legal.retention-services")


# --- legal.penalty-proportion ------------------------------------------------------------

# the contract: 1 000 € HT at 20 %, 1 200 € TTC; 25 % is 300 €
@pytest.mark.parametrize("amount, fails", [("299.99", False), ("300", True), ("5000", True)])
def test_a_penalty_of_a_quarter_of_the_price_is_flagged(tmp_path, amount, fails):
    text = client_yaml(clauses=f"clauses:\n  - billing\n  - id: penalty\n"
                               f"    params: {{amount: {amount}}}\n")
    found = of(diagnostics(tmp_path, text), "legal.penalty-proportion")
    assert bool(found) is fails
    if fails:
        assert found[0].severity == "warning" and at(found[0], text, f"amount: {amount}", 8)
        assert found[0].message.endswith("(C. civ. 1231-5 al. 2)")


def test_penalty_proportion_is_the_b2b_rule(tmp_path):
    text = consumer_yaml(clauses="clauses:\n  - id: penalty\n    params: {amount: 5000}\n")
    assert not of(diagnostics(tmp_path, text), "legal.penalty-proportion")


# --- legal.court-name --------------------------------------------------------------------

def jurisdiction(court: str) -> str:
    return f"clauses:\n  - billing\n  - id: jurisdiction\n    params: {{court: \"{court}\"}}\n"


@pytest.mark.parametrize("court, current", [
    ("Tribunal de commerce de Lyon", "Tribunal des activités économiques de Lyon"),
    ("tribunal de commerce du Havre", "Tribunal des activités économiques du Havre"),
    ("Tribunal de commerce de Saint-Brieuc", "Tribunal des activités économiques de Saint-Brieuc"),
    ("Tribunal de commerce d'Auxerre", "Tribunal des activités économiques d'Auxerre"),
])
def test_a_court_of_the_trial_named_by_its_old_name_is_a_warning(tmp_path, court, current):
    text = client_yaml(clauses=jurisdiction(court))
    d = only(diagnostics(tmp_path, text), "legal.court-name")
    assert d.severity == "warning" and at(d, text, f'"{court}"') and current in d.message


@pytest.mark.parametrize("court", ["Tribunal des activités économiques de Lyon",
                                   "Tribunal de commerce de Bordeaux"])
def test_current_names_and_other_courts_pass(tmp_path, court):
    assert not of(diagnostics(tmp_path, client_yaml(clauses=jurisdiction(court))),
                  "legal.court-name")


@pytest.mark.parametrize("date, fails", [("2024-12-31", False), ("2025-01-01", True),
                                         ("2026-06-30", True)])
def test_the_new_name_holds_from_1_january_2025(tmp_path, date, fails):
    text = client_yaml(document=DOCUMENT.replace("2026-03-02", date),
                       clauses=jurisdiction("Tribunal de commerce de Paris"))
    assert bool(of(diagnostics(tmp_path, text), "legal.court-name")) is fails


# --- legal.public-purchaser --------------------------------------------------------------

PUBLIC = textwrap.dedent("""\
    client:
      kind: public
      name: Ville de Paris
      siren: "217500016"
      address: Place de l'Hôtel de Ville, 75004 Paris
      signatory: {name: Anne Martin, title: Adjointe au maire}
    """)


@pytest.mark.parametrize("terms, severity", [(30, None), (31, "warning"), (60, "warning"),
                                             (61, "error")])
def test_a_public_purchaser_pays_within_30_days(tmp_path, terms, severity):
    text = client_yaml(client=PUBLIC,
                       payment=PAYMENT.replace("terms_days: 30", f"terms_days: {terms}"))
    found = of(diagnostics(tmp_path, text), "legal.public-purchaser")
    assert [d.severity for d in found] == ([severity] if severity else [])
    if found:
        assert at(found[0], text, f"terms_days: {terms}", 12)


# ECB rate on 1 January 2026: 2,15 % → public late interest 10,15 %
@pytest.mark.parametrize("rate, fails", [("10.14", True), ("10.15", False)])
def test_public_late_interest_is_at_least_ecb_plus_8_points(tmp_path, rate, fails):
    text = client_yaml(client=PUBLIC, payment=PAYMENT.replace("legal_default", rate))
    found = of(diagnostics(tmp_path, text), "legal.public-purchaser")
    assert bool(found) is fails
    if fails:
        assert at(found[0], text, rate) and "ECB rate + 8 points" in found[0].message


def test_a_public_rate_is_not_judged_in_a_half_year_whose_ecb_rate_is_unknown(tmp_path):
    # 2026-H2: the ECB rate of 1 July 2026 is not in the table; no figure is lent
    text = client_yaml(client=PUBLIC, document=DOCUMENT.replace("2026-03-02", "2026-09-01"),
                       payment=PAYMENT.replace("legal_default", "5"))
    diags = diagnostics(tmp_path, text)
    assert not of(diags, "legal.public-purchaser")
    d = only(diags, "legal.rates-table")
    assert "without that figure" in d.message and "rates --missing" in d.message
    assert "are used" not in d.message


def test_a_business_client_is_not_a_public_purchaser(tmp_path):
    text = client_yaml(payment=PAYMENT.replace("terms_days: 30", "terms_days: 45"))
    assert not of(diagnostics(tmp_path, text), "legal.public-purchaser")


# --- legal.micro-business-off-premises ---------------------------------------------------

def micro(employees: int, outside: bool = True) -> str:
    return CLIENT + f"  employees: {employees}\n  outside_main_activity: {str(outside).lower()}\n"


OFF_PREMISES = DOCUMENT + "  context: off_premises\n" + PERFORMANCE


def test_a_micro_business_signing_off_premises_gets_the_consumer_rules(tmp_path):
    text = client_yaml(document=OFF_PREMISES, client=micro(5),
                       payment=one_tranche("signature"))
    found = of(diagnostics(tmp_path, text), "legal.micro-business-off-premises")
    messages = " ".join(d.message for d in found)
    assert all(d.is_error for d in found) and len(found) >= 3
    assert "14-day right of withdrawal" in messages and "within 7 days" in messages
    assert "provider's phone number" in messages
    assert all(d.message.endswith("(C. conso. L221-3)") for d in found)


def test_a_micro_business_contract_that_follows_the_consumer_rules_passes(tmp_path):
    text = client_yaml(document=OFF_PREMISES, client=micro(5), provider=CONSUMER_PROVIDER,
                       payment=one_tranche("{days_after: signature, days: 8}"),
                       clauses="clauses:\n  - billing\n  - withdrawal\n")
    assert not of(diagnostics(tmp_path, text), "legal.micro-business-off-premises")


@pytest.mark.parametrize("client_block", [micro(6), micro(5, outside=False), CLIENT],
                         ids=["six employees", "main activity", "unknown size"])
def test_other_businesses_off_premises_are_not_protected(tmp_path, client_block):
    text = client_yaml(document=OFF_PREMISES, client=client_block,
                       payment=one_tranche("signature"))
    assert not of(diagnostics(tmp_path, text), "legal.micro-business-off-premises")


def test_on_premises_a_micro_business_is_not_protected(tmp_path):
    text = client_yaml(client=micro(2), payment=one_tranche("signature"))
    assert not of(diagnostics(tmp_path, text), "legal.micro-business-off-premises")


# --- legal.debt-acknowledgement-consumer -------------------------------------------------

def own_acknowledgement(lib: Path, text: str) -> None:
    lib.mkdir(exist_ok=True)
    (lib / "debt_acknowledgement.yaml").write_text(textwrap.dedent(f"""\
        id: debt_acknowledgement
        version: 1
        category: collection
        title: {{fr: Reconnaissance de dette, en: Acknowledgement of debt}}
        documents: [installment_agreement]
        parties: [business, consumer]
        conspicuous: false
        params: {{}}
        text: {{fr: "{text}", en: "{text}"}}
        """), encoding="utf-8")


AGREEMENT = (SAMPLES / "installment-agreement-b2c.yaml").read_text("utf-8")


def test_a_consumer_acknowledging_a_debt_keeps_every_defence(tmp_path):
    own_acknowledgement(tmp_path / "lib", "Le débiteur reconnaît devoir la somme et déclare "
                        "n'avoir à lui opposer aucune contestation (C. civ. art. 1376).")
    text = AGREEMENT + "library: lib\n"
    d = only(diagnostics(tmp_path, text), "legal.debt-acknowledgement-consumer")
    assert d.is_error and "aucune contestation" in d.message


@pytest.mark.parametrize("words", [
    "Le débiteur reconnaît devoir la somme, qu'il porte de sa main en lettres et en chiffres",
    "Le débiteur reconnaît le montant de cette somme ; la présente reconnaissance ne le prive "
    "d'aucun des moyens de défense et recours que la loi lui ouvre"])
def test_an_acknowledgement_without_a_waiver_passes(tmp_path, words):
    own_acknowledgement(tmp_path / "lib", words + " (C. civ. art. 1376).")
    text = AGREEMENT + "library: lib\n"
    assert not of(diagnostics(tmp_path, text), "legal.debt-acknowledgement-consumer")


def test_an_acknowledgement_without_the_1376_mention_is_an_error(tmp_path):
    own_acknowledgement(tmp_path / "lib", "Le débiteur reconnaît devoir la somme.")
    text = AGREEMENT + "library: lib\n"
    d = only(diagnostics(tmp_path, text), "legal.debt-acknowledgement-consumer")
    assert "1376" in d.message


def test_a_business_may_acknowledge_a_debt_without_dispute(tmp_path):
    own_acknowledgement(tmp_path / "lib",
                        "Le débiteur n'a à lui opposer aucune contestation (1376).")
    text = (SAMPLES / "installment-agreement-b2b.yaml").read_text("utf-8") + "library: lib\n"
    assert not of(diagnostics(tmp_path, text), "legal.debt-acknowledgement-consumer")


# --- legal.ledger-dates ------------------------------------------------------------------

def ledger(invoice_date: str, *more: str) -> str:
    return ("invoicing:\n  invoices:\n"
            f"    - {{tranche: 1, number: FA-1, date: {invoice_date}}}\n" + "".join(more))


@pytest.mark.parametrize("date, fails", [("2026-03-01", True), ("2026-03-02", False)])
def test_an_invoice_is_not_dated_before_its_document(tmp_path, date, fails):
    text = client_yaml(extra=ledger(date))
    found = of(diagnostics(tmp_path, text), "legal.ledger-dates")
    assert bool(found) is fails
    if fails:
        assert at(found[0], text, date) and "before the contract it invoices" in found[0].message


@pytest.mark.parametrize("date, fails", [("2026-03-09", True), ("2026-03-10", False)])
def test_an_invoice_is_not_dated_before_the_acceptance(tmp_path, date, fails):
    document = DOCUMENT + "  accepted: {date: 2026-03-10, place: Lyon}\n"
    text = client_yaml(document=document, extra=ledger(date))
    found = of(diagnostics(tmp_path, text), "legal.ledger-dates")
    assert bool(found) is fails
    if fails:
        assert "acceptance" in found[0].message


@pytest.mark.parametrize("section, entry", [
    ("payments", "{invoice: FA-1, date: DAY, amount: 100}"),
    ("notices", "{invoice: FA-1, date: DAY}"),
    ("disputes", "{invoice: FA-1, date: DAY, reason: Travaux non conformes}"),
    ("credit_notes", "{number: AV-1, date: DAY, cancels: FA-1, reason: Erreur}"),
    ("judgments", "{invoice: FA-1, date: DAY}"),
])
@pytest.mark.parametrize("day, fails", [("2026-04-09", True), ("2026-04-10", False)])
def test_what_follows_an_invoice_is_not_dated_before_it(tmp_path, section, entry, day, fails):
    text = client_yaml(extra=ledger("2026-04-10", f"  {section}:\n    - "
                                    f"{entry.replace('DAY', day)}\n"))
    found = of(diagnostics(tmp_path, text), "legal.ledger-dates")
    assert bool(found) is fails
    if fails:
        assert at(found[0], text, day) and "before invoice FA-1" in found[0].message


# --- the catalogue ------------------------------------------------------------------------

def test_the_version_3_rules_are_listed_in_the_order_of_legal_fr():
    from contratgen.legal import list_rules
    ids = [r.id for r in list_rules()]
    legal_fr = ROOT.parent / "shared" / "LEGAL_FR.md"
    if not legal_fr.exists():   # the spec, when the repository sits next to it
        pytest.skip("LEGAL_FR.md is not next to the repository")
    table = legal_fr.read_text("utf-8").split("## Version 3 rules", 1)[1]
    in_spec = [line.split("|")[1].strip() for line in table.splitlines()
               if line.startswith("| legal.")]
    ours = [i for i in in_spec if i in ids]
    assert ours == [i for i in ids if i in ours]
    assert {"legal.tranche-term", "legal.court-name", "legal.ledger-dates",
            "legal.second-hand-goods"} <= set(ours)


# --- the samples users copy ---------------------------------------------------------------

# the warnings a sample is meant to show; every other sample shows none
MEANT = {"quote-b2c.yaml": {"legal.reduced-rate-certification"},
         "quote-b2c-late.yaml": {"legal.reduced-rate-certification"},
         "quote-plumber-b2c.yaml": {"legal.reduced-rate-certification"},
         "quote-builder-b2c.yaml": {"legal.reduced-rate-certification"}}
ALL_SAMPLES = sorted([*SAMPLES.glob("*.yaml"), *SAMPLES.glob("batch/*.yaml")])


@pytest.mark.parametrize("sample", ALL_SAMPLES, ids=lambda p: p.relative_to(SAMPLES).as_posix())
def test_a_sample_shows_only_the_warnings_it_is_meant_to(sample):
    from contratgen.pipeline import prepare
    warned = {d.code for d in prepare(sample).diagnostics if d.severity == "warning"}
    assert warned == MEANT.get(sample.relative_to(SAMPLES).as_posix(), set())
