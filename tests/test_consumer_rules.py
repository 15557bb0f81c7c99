"""The Version 2 rules of LEGAL_FR.md (consumers, trades, VAT, signing): for each rule a
document on each side of its boundary, run through the real pipeline, its diagnostic
located at the YAML node, and the text the documents print (DOCX text)."""
from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest

from contratgen.pipeline import prepare, render_document
from conftest import docx_text
from support.rules import (CLIENT, CONSUMER_PROVIDER, DOCUMENT, ITEMS, LIBRARY, PAYMENT,
                        PROVIDER, at, client_yaml, consumer_yaml, diagnostics, of, only,
                        own_clause)

NBSP = "\u00a0"


def built_text(tmp_path: Path, text: str) -> str:
    path = tmp_path / "doc.yaml"
    path.write_text(text, encoding="utf-8")
    return docx_text(render_document(prepare(path))).replace(NBSP, " ").replace("\u202f", " ")


def items(rate: str, price: str = "1000") -> str:
    return ("items:\n  - {description: Travaux, quantity: 1, "
            f"unit_price: {price}, vat_rate: {rate}}}\n")


def without_slot(tmp_path: Path, slot: str) -> str:
    """A copy of the shipped contract template whose ``{{p slot }}`` paragraph is gone."""
    from contratgen.render.docx import SHIPPED_TEMPLATES
    source = Path(SHIPPED_TEMPLATES) / "contract.docx"
    target = tmp_path / "firm.docx"
    with zipfile.ZipFile(source) as src, zipfile.ZipFile(target, "w") as dst:
        for info in src.infolist():
            data = src.read(info)
            if info.filename == "word/document.xml":
                data = data.replace(("{{p %s }}" % slot).encode(), b"")
            dst.writestr(info, data)
    return "firm.docx"


# --- legal.consumer-information ----------------------------------------------------------

def test_a_consumer_document_without_performance_dates_is_an_error(tmp_path):
    text = consumer_yaml(performance="")
    d = only(diagnostics(tmp_path, text), "legal.consumer-information")
    assert d.is_error and at(d, text, "document:") and "L111-1" in d.message


def test_a_consumer_document_with_performance_dates_passes_and_prints_them(tmp_path):
    text = consumer_yaml()
    assert not of(diagnostics(tmp_path, text), "legal.consumer-information")
    printed = built_text(tmp_path, text)
    assert "Exécution : à partir du 1er avril 2026, achèvement au plus tard le 15 avril 2026" \
        in printed


@pytest.mark.parametrize("field", ["phone", "email"])
def test_the_provider_phone_and_email_are_owed_to_a_consumer(tmp_path, field):
    provider = "".join(line + "\n" for line in CONSUMER_PROVIDER.splitlines()
                       if not line.startswith(f"  {field}:"))
    text = consumer_yaml(provider=provider)
    d = only(diagnostics(tmp_path, text), "legal.consumer-information")
    assert at(d, text, "provider:") and f"provider.{field}" in d.message


def test_a_business_client_needs_no_performance_dates(tmp_path):
    assert not of(diagnostics(tmp_path, client_yaml()), "legal.consumer-information")


# --- legal.mediator ------------------------------------------------------------------------

def test_a_consumer_document_without_mediator_is_an_error(tmp_path):
    provider = CONSUMER_PROVIDER.replace('  mediator: {name: CM2C, url: "https://www.cm2c.net"}\n',
                                         "")
    text = consumer_yaml(provider=provider)
    d = only(diagnostics(tmp_path, text), "legal.mediator")
    assert d.is_error and at(d, text, "provider:") and "L616-1" in d.message


def test_the_mediator_is_printed_for_the_consumer(tmp_path):
    text = consumer_yaml()
    assert not of(diagnostics(tmp_path, text), "legal.mediator")
    printed = built_text(tmp_path, text)
    assert "médiateur de la consommation CM2C (https://www.cm2c.net)" in printed


# --- legal.legal-guarantee -------------------------------------------------------------------

GUARANTEE = "Le consommateur dispose d'un délai de deux ans à compter de la délivrance du bien"


def test_goods_sold_to_a_consumer_carry_the_d211_2_box(tmp_path):
    text = consumer_yaml(document=DOCUMENT + "  nature: goods\n")
    printed = built_text(tmp_path, text)
    assert GUARANTEE in printed and "articles 1641 à 1649 du code civil" in printed
    assert "Le vendeur" in printed and "Détail des biens" in printed
    assert "Contrat de vente" in printed and "Le prestataire" not in printed


def test_services_carry_no_guarantee_box(tmp_path):
    printed = built_text(tmp_path, consumer_yaml())
    assert GUARANTEE not in printed and "Le prestataire" in printed


def test_a_template_without_the_mentions_slot_cannot_sell_goods_to_a_consumer(tmp_path):
    name = without_slot(tmp_path, "mentions")
    text = consumer_yaml(document=DOCUMENT + f"  nature: goods\n  template: {name}\n")
    d = only(diagnostics(tmp_path, text), "legal.legal-guarantee")
    assert d.is_error and "{{p mentions }}" in d.message and at(d, text, name)


# --- legal.building-insurance ---------------------------------------------------------------

INSURANCE = ("  insurance: {insurer: MAAF Assurances, policy: DEC-1, kind: decennale, "
             "territory: France, certificate: cert.pdf}\n")


@pytest.fixture(autouse=True)
def certificate(tmp_path):
    """The décennale certificate INSURANCE names, next to the client file (it is annexed,
    legal.decennale-certificate)."""
    sample = Path(__file__).resolve().parent.parent / "samples/attestations/decennale-2026.pdf"
    (tmp_path / "cert.pdf").write_bytes(sample.read_bytes())


def test_a_building_trade_without_insurance_is_an_error(tmp_path):
    text = client_yaml(provider=PROVIDER + "  building_trade: true\n")
    d = only(diagnostics(tmp_path, text), "legal.building-insurance")
    assert d.is_error and at(d, text, "provider:") and "96-603" in d.message


def test_a_building_trade_prints_its_insurance(tmp_path):
    text = client_yaml(provider=PROVIDER + "  building_trade: true\n" + INSURANCE)
    assert not of(diagnostics(tmp_path, text), "legal.building-insurance")
    assert ("Assurance de responsabilité civile décennale : MAAF Assurances, contrat n° DEC-1, "
            "couverture géographique : France") in built_text(tmp_path, text)


def test_other_trades_need_no_insurance_mention(tmp_path):
    assert not of(diagnostics(tmp_path, client_yaml()), "legal.building-insurance")


# --- legal.reduced-rate-certification -------------------------------------------------------

BUILDER = CONSUMER_PROVIDER + "  building_trade: true\n" + INSURANCE
CERTIFY = "Je soussigné(e) Sophie Moreau certifie, en qualité de preneur de la prestation"


@pytest.mark.parametrize("rate, energy", [("10", False), ("5.5", True)])
def test_reduced_rate_works_print_the_certification_and_warn(tmp_path, rate, energy):
    text = consumer_yaml(provider=BUILDER, items=items(rate))
    d = only(diagnostics(tmp_path, text), "legal.reduced-rate-certification")
    assert d.severity == "warning" and at(d, text, f"vat_rate: {rate}", 10)
    printed = built_text(tmp_path, text)
    assert CERTIFY in printed and "Signature du client" in printed
    assert ("travaux de rénovation énergétique" in printed) is energy
    assert printed.index(CERTIFY) < printed.index("Bon pour accord")


def test_works_at_20_percent_need_no_certification(tmp_path):
    text = consumer_yaml(provider=BUILDER, items=items("20"))
    assert not of(diagnostics(tmp_path, text), "legal.reduced-rate-certification")
    assert CERTIFY[:20] not in built_text(tmp_path, text)


def test_a_business_client_certifies_nothing(tmp_path):
    text = client_yaml(provider=PROVIDER + "  building_trade: true\n" + INSURANCE,
                       items=items("10"))
    assert not of(diagnostics(tmp_path, text), "legal.reduced-rate-certification")


# --- legal.vat-rate -------------------------------------------------------------------------

@pytest.mark.parametrize("rate", ["20", "10", "5.5", "2.1"])
def test_mainland_rates_pass(tmp_path, rate):
    assert not of(diagnostics(tmp_path, client_yaml(items=items(rate))), "legal.vat-rate")


@pytest.mark.parametrize("rate, hint", [("19.6", "20 % since 2014"), ("0.2", "write 20"),
                                        ("33", ""), ("13", "vat.territory")])
def test_other_rates_are_errors(tmp_path, rate, hint):
    text = client_yaml(items=items(rate))
    d = only(diagnostics(tmp_path, text), "legal.vat-rate")
    assert d.is_error and at(d, text, f"vat_rate: {rate}", 10) and hint in d.message


def test_corsica_rates_need_the_territory(tmp_path):
    text = client_yaml(items=items("13"), extra="vat: {territory: Corse}\n")
    assert not of(diagnostics(tmp_path, text), "legal.vat-rate")


def test_an_unknown_territory_is_an_error(tmp_path):
    text = client_yaml(extra="vat: {territory: Atlantis}\n")
    assert at(only(diagnostics(tmp_path, text), "legal.vat-rate"), text, "Atlantis")


def test_a_franchise_provider_charges_no_vat(tmp_path):
    text = client_yaml(provider=PROVIDER + "  vat: franchise\n", items=items("20"))
    assert "293 B" in only(diagnostics(tmp_path, text), "legal.vat-rate").message


# --- legal.vat-mention ------------------------------------------------------------------------

def test_a_line_at_zero_without_a_regime_is_an_error(tmp_path):
    text = client_yaml(items=items("0"))
    d = only(diagnostics(tmp_path, text), "legal.vat-mention")
    assert d.is_error and at(d, text, "vat_rate: 0", 10) and "franchise" in d.message


def test_franchise_prints_the_mention_and_no_vat(tmp_path):
    text = client_yaml(provider=PROVIDER + "  vat: franchise\n", items=items("0"))
    assert not of(diagnostics(tmp_path, text), "legal.vat-mention")
    printed = built_text(tmp_path, text)
    assert "TVA non applicable, art. 293 B du CGI" in printed
    assert "TTC" not in printed and "Total : 1 000,00 €" in printed
    assert "Montant TVA" not in printed and "dont 0,00" not in printed
    assert " HT" not in printed and "Prix unitaire" in printed


REVERSE = 'vat: {regime: reverse_charge, ground: "art. 283-2 du CGI"}\n'


def test_reverse_charge_needs_the_client_vat_number(tmp_path):
    text = client_yaml(items=items("0"), extra=REVERSE)
    d = only(diagnostics(tmp_path, text), "legal.vat-mention")
    assert at(d, text, "client:") and "client.vat_number" in d.message


def test_reverse_charge_prints_autoliquidation_ground_and_number(tmp_path):
    text = client_yaml(client=CLIENT + "  vat_number: DE136695976\n", items=items("0"),
                       extra=REVERSE)
    assert not of(diagnostics(tmp_path, text), "legal.vat-mention")
    printed = built_text(tmp_path, text)
    assert ("Autoliquidation : art. 283-2 du CGI — N° de TVA intracommunautaire du client : "
            "DE136695976") in printed


def test_reverse_charge_towards_a_consumer_is_an_error(tmp_path):
    text = consumer_yaml(items=items("0"), extra=REVERSE)
    assert "consumer" in only(diagnostics(tmp_path, text), "legal.vat-mention").message


def test_vat_on_debits_is_printed(tmp_path):
    text = client_yaml(provider=PROVIDER + "  vat_on_debits: true\n")
    assert "Option pour le paiement de la taxe d'après les débits." in built_text(tmp_path, text)


def test_an_exemption_prints_its_ground(tmp_path):
    text = client_yaml(items=items("0"), extra='vat: {regime: exempt}\n')
    d = only(diagnostics(tmp_path, text), "legal.vat-mention")
    assert at(d, text, "vat:") and "vat.ground" in d.message
    text = client_yaml(items=items("0"),
                       extra='vat: {regime: exempt, ground: "art. 261-4-4° du CGI"}\n')
    assert not of(diagnostics(tmp_path, text), "legal.vat-mention")
    assert "Exonération de TVA : art. 261-4-4° du CGI" in built_text(tmp_path, text)


# --- legal.consumer-language -----------------------------------------------------------------

def test_a_consumer_document_in_english_is_an_error(tmp_path):
    text = consumer_yaml(document=DOCUMENT + "  language: en\n")
    d = only(diagnostics(tmp_path, text), "legal.consumer-language")
    assert d.is_error and at(d, text, "language: en", 10) and "94-665" in d.message


def test_a_business_document_may_be_in_english(tmp_path):
    text = client_yaml(document=DOCUMENT + "  language: en\n")
    assert not of(diagnostics(tmp_path, text), "legal.consumer-language")


# --- legal.fair-notice ----------------------------------------------------------------------

FAIR_BOX = ("Le consommateur ne bénéficie pas d'un droit de rétractation pour un achat "
            "effectué dans une foire ou dans un salon.")


def fair_docx(tmp_path, context="fair") -> bytes:
    path = tmp_path / "fair.yaml"
    path.write_text(consumer_yaml(context=context), encoding="utf-8")
    return render_document(prepare(path))


def test_at_a_fair_the_box_is_at_the_head_in_12_point(tmp_path):
    data = fair_docx(tmp_path)
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        xml = package.read("word/document.xml").decode()
        styles = package.read("word/styles.xml").decode()
    at_box = xml.index(FAIR_BOX.replace("'", "&apos;") if "&apos;" in xml else FAIR_BOX)
    assert at_box < xml.index("Entre les soussignés")
    assert 'w:pStyle w:val="FairNotice"' in xml[xml.rfind("<w:p>", 0, at_box):at_box]
    fair_style = styles[styles.index('w:styleId="FairNotice"'):]
    fair_style = fair_style[:fair_style.index("</w:style>")]
    assert '<w:sz w:val="24"/>' in fair_style and "<w:pBdr>" in fair_style


def test_no_fair_box_elsewhere(tmp_path):
    assert FAIR_BOX not in docx_text(fair_docx(tmp_path, "on_premises"))


def test_a_template_without_a_head_slot_cannot_serve_a_fair(tmp_path):
    name = without_slot(tmp_path, "head_notice")
    text = consumer_yaml(context="fair", document=DOCUMENT + f"  template: {name}\n")
    assert "{{p head_notice }}" in only(diagnostics(tmp_path, text), "legal.fair-notice").message


def test_the_withdrawal_clause_says_there_is_no_right_at_a_fair(tmp_path):
    text = consumer_yaml(context="fair", clauses="clauses:\n  - withdrawal\n")
    printed = built_text(tmp_path, text)
    assert "conclu dans une foire ou un salon, le client ne bénéficie pas" in printed
    assert "Formulaire de rétractation" not in printed


# --- legal.early-start ----------------------------------------------------------------------

def away(start: str, request: str = "", extra_doc: str = "") -> str:
    performance = f"  performance: {{start: {start}, duration_days: 3{request}}}\n"
    return consumer_yaml(context="off_premises", performance=performance,
                         document=DOCUMENT + extra_doc,
                         clauses="clauses:\n  - billing\n  - withdrawal\n")


@pytest.mark.parametrize("start", ["2026-03-10", "2026-03-16",
                                   "{days_after: signature, days: 14}"])
def test_work_starting_within_14_days_without_a_request_is_an_error(tmp_path, start):
    text = away(start)
    d = only(diagnostics(tmp_path, text), "legal.early-start")
    assert d.is_error and at(d, text, start) and "early_start_request" in d.message


@pytest.mark.parametrize("start", ["2026-03-17", "{days_after: signature, days: 15}"])
def test_work_starting_after_the_14_days_passes(tmp_path, start):
    assert not of(diagnostics(tmp_path, away(start)), "legal.early-start")


def test_goods_delivered_early_need_no_request(tmp_path):
    # for goods the withdrawal period runs from delivery (L221-18): nothing is lost
    text = away("2026-03-10", extra_doc="  nature: goods\n")
    assert not of(diagnostics(tmp_path, text), "legal.early-start")


def test_the_express_request_is_printed_for_the_client_to_sign(tmp_path):
    text = away("2026-03-10", ", early_start_request: true")
    assert not of(diagnostics(tmp_path, text), "legal.early-start")
    printed = built_text(tmp_path, text)
    request = "Je demande expressément à Atelier Dupont de commencer l'exécution"
    assert request in printed and "je perds mon droit de rétractation" in printed
    assert printed.index(request) < printed.index("Bon pour accord")


def test_the_14_days_run_from_the_recorded_signature(tmp_path):
    # signed on 5 March: 18 March is day 13
    text = away("2026-03-18", extra_doc="  accepted: {date: 2026-03-05, place: Lyon}\n")
    assert "2026-03-05" in only(diagnostics(tmp_path, text), "legal.early-start").message


# --- legal.signatory --------------------------------------------------------------------------

NO_SIGNATORY = PROVIDER.replace("  signatory: {name: Jeanne Dupont, title: Gérante}\n", "")


def test_a_contract_without_the_provider_signatory_is_an_error(tmp_path):
    text = client_yaml(provider=NO_SIGNATORY)
    d = only(diagnostics(tmp_path, text), "legal.signatory")
    assert d.is_error and at(d, text, "provider:") and "1367" in d.message


def test_a_quote_without_signatory_is_a_warning_and_leaves_a_line(tmp_path):
    document = DOCUMENT.replace("type: contract", "type: quote") + \
        "  validity_days: 30\n  free_of_charge: true\n"
    text = client_yaml(document=document, provider=NO_SIGNATORY)
    assert only(diagnostics(tmp_path, text), "legal.signatory").severity == "warning"
    printed = built_text(tmp_path, text)
    block = printed[printed.index("Pour le prestataire"):]
    assert "Nom et qualité du signataire : ……" in block
    assert "Atelier Dupont\n" not in block[:200]


def test_a_consumer_signs_in_person(tmp_path):
    assert not of(diagnostics(tmp_path, consumer_yaml()), "legal.signatory")


def test_the_client_date_and_place_are_blank_until_accepted(tmp_path):
    printed = built_text(tmp_path, client_yaml())
    assert "À ………………………, le ………………………" in printed
    assert "À Paris, le 2 mars 2026" in printed          # the provider's side
    text = client_yaml(document=DOCUMENT + "  accepted: {date: 2026-03-05, place: Lyon}\n")
    assert "À Lyon, le 5 mars 2026" in built_text(tmp_path, text)


def test_days_after_signature_becomes_a_date_once_accepted(tmp_path):
    performance = "  performance: {start: {days_after: signature, days: 21}}\n"
    text = consumer_yaml(performance=performance)
    assert "à partir de 21 jours après la signature du client" in built_text(tmp_path, text)
    text = consumer_yaml(performance=performance,
                         document=DOCUMENT + "  accepted: {date: 2026-03-05, place: Lyon}\n")
    assert "à partir du 26 mars 2026" in built_text(tmp_path, text)


# --- legal.penalty-clause-consumer ------------------------------------------------------------

def penalty(params: str) -> str:
    return f"clauses:\n  - id: penalty\n    params: {{{params}}}\n"


def test_a_penalty_that_caps_the_professional_is_an_error(tmp_path):
    text = consumer_yaml(clauses=penalty("amount: 100, consumer_full_damages: false"))
    d = only(diagnostics(tmp_path, text), "legal.penalty-clause-consumer")
    assert d.is_error and at(d, text, "consumer_full_damages: false", 23) and "R212-1" in d.message


def test_the_shipped_penalty_keeps_the_consumer_full_damages(tmp_path):
    text = consumer_yaml(clauses=penalty("amount: 100"))
    assert not of(diagnostics(tmp_path, text), "legal.penalty-clause-consumer")
    assert "réclamer la pénalité ou la réparation intégrale" in built_text(tmp_path, text)


def test_3000_euros_on_a_3249_euro_contract_is_flagged(tmp_path):
    text = consumer_yaml(items=items("10", "2953.64"), clauses=penalty("amount: 3000"))
    d = only(diagnostics(tmp_path, text), "legal.penalty-clause-consumer")
    assert d.severity == "warning" and "92 %" in d.message and at(d, text, "amount: 3000", 8)


@pytest.mark.parametrize("amount, flagged", [("300", False), ("301", True)])
def test_a_quarter_of_the_price_is_the_boundary(tmp_path, amount, flagged):
    text = consumer_yaml(clauses=penalty(f"amount: {amount}"))   # TTC 1 200 €
    assert bool(of(diagnostics(tmp_path, text), "legal.penalty-clause-consumer")) is flagged


# --- legal.liability-consumer ------------------------------------------------------------------

def test_a_liability_limit_against_a_consumer_is_an_error(tmp_path):
    own_clause(tmp_path / "lib", "our_liability", "liability")
    text = consumer_yaml(clauses="clauses:\n  - our_liability\n", extra=LIBRARY)
    d = only(diagnostics(tmp_path, text), "legal.liability-consumer")
    assert d.is_error and at(d, text, "our_liability") and "R212-1 6°" in d.message


def test_a_liability_limit_between_businesses_passes(tmp_path):
    own_clause(tmp_path / "lib", "our_liability", "liability")
    text = client_yaml(clauses="clauses:\n  - our_liability\n", extra=LIBRARY)
    assert not of(diagnostics(tmp_path, text), "legal.liability-consumer")


# --- legal.deposit-withdrawal ------------------------------------------------------------------

ADVANCE = """\
payment:
  terms_days: 0
  advance_kind: acompte
  schedule:
    - {label: Acompte, percent: 30, due: {days_after: signature, days: 8}}
    - {label: Solde, percent: 70, due: final_delivery}
"""


def test_the_shipped_deposit_keeps_the_right_of_withdrawal_off_premises(tmp_path):
    text = consumer_yaml(context="off_premises", payment=ADVANCE,
                         clauses="clauses:\n  - deposit\n  - withdrawal\n")
    assert not of(diagnostics(tmp_path, text), "legal.deposit-withdrawal")
    printed = built_text(tmp_path, text)
    assert "sous réserve du droit de rétractation du client" in printed
    assert "sans préjudice du droit de rétractation" in printed


def test_a_firm_deposit_text_silent_on_withdrawal_is_an_error(tmp_path):
    own_clause(tmp_path / "lib", "our_deposit", "deposit")
    text = consumer_yaml(context="off_premises", payment=ADVANCE, extra=LIBRARY,
                         clauses="clauses:\n  - our_deposit\n  - withdrawal\n")
    d = only(diagnostics(tmp_path, text), "legal.deposit-withdrawal")
    assert d.is_error and at(d, text, "our_deposit") and "L242-3" in d.message


def test_on_premises_a_deposit_needs_no_withdrawal_words(tmp_path):
    own_clause(tmp_path / "lib", "our_deposit", "deposit")
    text = consumer_yaml(payment=ADVANCE, extra=LIBRARY, clauses="clauses:\n  - our_deposit\n")
    assert not of(diagnostics(tmp_path, text), "legal.deposit-withdrawal")


def test_the_english_dedit_is_not_called_a_right_of_withdrawal():
    from contratgen.library.loader import SHIPPED, load_library
    library, _ = load_library([SHIPPED])
    english = library.get("deposit").spec.text["en"]
    assert "this right of withdrawal" not in english and "faculté de dédit" in english


# --- legal.off-premises-payment, extended ------------------------------------------------------

def dated(due: str, accepted: str = "") -> str:
    payment = ("payment:\n  terms_days: 0\n  advance_kind: arrhes\n  schedule:\n"
               f"    - {{label: Arrhes, percent: 20, due: {due}}}\n"
               "    - {label: Solde, percent: 80, due: final_delivery}\n")
    document = DOCUMENT + (f"  accepted: {{date: {accepted}, place: Lyon}}\n" if accepted else "")
    return consumer_yaml(context="off_premises", payment=payment, document=document,
                         clauses="clauses:\n  - withdrawal\n")


def test_the_7_days_run_from_the_recorded_signature(tmp_path):
    # signed on 5 March: 12 March is the 7th day, 13 March the first allowed
    text = dated("2026-03-12", accepted="2026-03-05")
    d = only(diagnostics(tmp_path, text), "legal.off-premises-payment")
    assert at(d, text, "2026-03-12") and "2026-03-05" in d.message
    assert not of(diagnostics(tmp_path, dated("2026-03-13", accepted="2026-03-05")),
                  "legal.off-premises-payment")


def test_a_cheque_taken_at_signing_is_a_warning(tmp_path):
    text = dated("2026-03-20").replace("  terms_days: 0\n",
                                       "  terms_days: 0\n  methods: [bank_transfer, check]\n")
    d = only(diagnostics(tmp_path, text), "legal.off-premises-payment")
    assert d.severity == "warning" and at(d, text, "check]") and "cheque" in d.message


# --- every problem of a file at once ---------------------------------------------------------

def test_a_schema_error_does_not_hide_the_legal_errors(tmp_path):
    text = client_yaml(provider=PROVIDER.replace('"732829320"', '"732829321"'),
                       items=ITEMS.replace("unit_price: 1000", 'unit_price: "1 200,50"'),
                       payment=PAYMENT.replace("terms_days: 30", "terms_days: 75"),
                       clauses="clauses:\n  - billing\n  - no_such_clause\n")
    codes = {d.code for d in diagnostics(tmp_path, text) if d.is_error}
    assert {"items[0].unit_price", "legal.seller-identity", "legal.payment-term-max",
            "clauses.unknown"} <= codes


def test_a_replaced_field_gives_no_second_error(tmp_path):
    text = client_yaml(payment=PAYMENT.replace("recovery_indemnity: 40",
                                               "recovery_indemnity: '40,00'"))
    diags = diagnostics(tmp_path, text)
    assert of(diags, "payment.recovery_indemnity")
    assert not of(diags, "legal.recovery-indemnity")   # the value is malformed, not missing


def test_a_missing_field_does_not_hide_the_legal_errors(tmp_path):
    text = client_yaml(document=DOCUMENT.replace("  place: Paris\n", ""),
                       payment=PAYMENT.replace("terms_days: 30", "terms_days: 75"))
    codes = {d.code for d in diagnostics(tmp_path, text)}
    assert {"document.place", "legal.payment-term-max"} <= codes


def test_a_file_that_cannot_be_salvaged_reports_its_schema_errors(tmp_path):
    text = client_yaml(document=DOCUMENT + "  valid_until: 2026-04-01\n  validity_days: 30\n")
    diags = diagnostics(tmp_path, text)
    assert diags and all(not d.code.startswith("legal.") for d in diags)
    assert any("not both" in d.message for d in diags)


def test_a_malformed_kind_of_client_is_never_guessed(tmp_path):
    # checking a consumer's document as a business one would report false errors
    text = client_yaml(client=CLIENT.replace("kind: business", "kind: company"),
                       payment=PAYMENT.replace("terms_days: 30", "terms_days: 75"))
    diags = diagnostics(tmp_path, text)
    assert of(diags, "client.kind") and not [d for d in diags if d.code.startswith("legal.")]


def test_a_quote_prints_its_object_above_its_items(tmp_path):
    document = DOCUMENT.replace("type: contract", "type: quote") + \
        "  validity_days: 30\n  free_of_charge: true\n  object: Refonte du **site** internet\n"
    printed = built_text(tmp_path, client_yaml(document=document))
    assert printed.index("Objet\nRefonte du site internet") < printed.index("Détail des")
