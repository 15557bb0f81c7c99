"""Every shipped clause renders in French and English, and says what the law needs it to say."""
import io
import zipfile

import pytest

from contratgen.pipeline import prepare, render_document
from contratgen.library.loader import SHIPPED, load_library
from contratgen.library.texts import render_blocks
from contratgen.library.lint import default_params, sample_context
from conftest import SAMPLES, docx_text

LIBRARY, _ = load_library([SHIPPED])
NBSP, NNBSP = "\u00a0", "\u202f"


def render(clause_id: str, lang: str = "fr", kind: str = "business", doc_type: str = "contract",
           context_update: dict | None = None, **params) -> tuple[str, list]:
    clause = LIBRARY.get(clause_id)
    context = sample_context(doc_type, kind, lang)
    for key, value in (context_update or {}).items():
        context[key] = value
    values = {**default_params(clause), **params}
    blocks = render_blocks(clause, lang, context, values)
    text = "\n".join(b.text for b in blocks).replace(NNBSP, " ").replace(NBSP, " ")
    return text, blocks


SHIPPED_IDS = ["billing", "late_payment", "penalty", "resolutory", "retention_of_title",
               "jurisdiction", "arbitration", "deposit", "escrow", "early_payment", "withdrawal"]


def test_the_library_ships_every_clause_of_the_spec():
    assert set(SHIPPED_IDS) <= set(LIBRARY.clauses)


@pytest.mark.parametrize("clause_id", SHIPPED_IDS)
@pytest.mark.parametrize("lang", ["fr", "en"])
def test_every_clause_renders_in_both_languages_for_each_allowed_use(clause_id, lang):
    spec = LIBRARY.get(clause_id).spec
    for doc_type in spec.documents:
        for kind in spec.parties:
            params = {"court": "Tribunal des activités économiques de Lyon"} if clause_id == "jurisdiction" else {}
            text, _ = render(clause_id, lang, kind, doc_type, **params)
            assert len(text) > 30 and text.rstrip().endswith((".", ":", ";")), (clause_id, lang, doc_type, kind)


def test_retention_of_title_is_bold_names_full_payment_and_passes_risk_on_delivery():
    text, blocks = render("retention_of_title")
    assert LIBRARY.get("retention_of_title").spec.conspicuous
    assert all(run.bold for block in blocks for run in block.runs if run.text.strip())
    assert "complet paiement du prix" in text
    assert "risques" in text and "livraison" in text
    assert "L624-16" in text or "2367" in " ".join(LIBRARY.get("retention_of_title").spec.legal_basis)


def test_jurisdiction_is_bold_names_the_court_and_is_for_traders_only():
    text, blocks = render("jurisdiction", court="Tribunal des activités économiques de Lyon")
    spec = LIBRARY.get("jurisdiction").spec
    assert spec.conspicuous and spec.parties == ["business"]
    assert "Tribunal des activités économiques de Lyon" in text
    assert all(run.bold for block in blocks for run in block.runs if run.text.strip())


def test_late_payment_b2b_states_the_applied_rate_and_the_40_euro_indemnity():
    text, _ = render("late_payment")
    assert "12,15 %" in text
    assert "40,00 €" in text
    assert "L441-10" in text


def test_late_payment_b2c_has_no_40_euro_indemnity_and_needs_a_formal_notice():
    text, _ = render("late_payment", kind="consumer")
    assert "40,00 €" not in text and "forfaitaire" not in text
    assert "mise en demeure" in text


def test_penalty_clause_states_its_amount_and_the_formal_notice():
    text, _ = render("penalty", amount=5000)
    assert "5 000,00 €" in text
    assert "mise en demeure" in text
    assert "1231-5" in text


def test_resolutory_clause_names_the_obligations_the_notice_and_the_clause_itself():
    text, _ = render("resolutory", notice_days=15)
    assert "paiement du prix" in text
    assert "15" in text
    assert "mise en demeure" in text and "expressément" in text


def test_arbitration_names_the_institution_and_how_arbitrators_are_appointed():
    text, _ = render("arbitration", arbitrators=3)
    assert "Centre de Médiation et d'Arbitrage de Paris" in text
    assert "trois arbitres" in text or "3 arbitres" in text
    assert LIBRARY.get("arbitration").spec.parties == ["business"]


def test_deposit_explains_acompte_and_arrhes_with_their_consequences():
    acompte, _ = render("deposit")
    assert "acompte" in acompte and "1 442,22 €" in acompte and "dédit" in acompte
    context = sample_context("contract", "consumer", "fr")
    payment = dict(context["payment"], advance_kind="arrhes", advance_kind_value="arrhes")
    deposit = dict(context["deposit"], kind="arrhes")
    arrhes, _ = render("deposit", kind="consumer",
                       context_update={"payment": payment, "deposit": deposit})
    assert "arrhes" in arrhes and "double" in arrhes


def test_escrow_names_the_holder_and_the_release():
    context = sample_context("contract", "business", "fr")
    payment = dict(context["payment"], escrow={"holder": "Maître Durand, notaire à Lyon",
                                               "release": "à la livraison finale"})
    text, _ = render("escrow", context_update={"payment": payment})
    assert "Maître Durand, notaire à Lyon" in text
    assert "livraison finale" in text


def test_early_payment_states_the_discount_or_its_absence():
    none, _ = render("early_payment")
    assert "Aucun escompte" in none or "pas d'escompte" in none
    context = sample_context("contract", "business", "fr")
    payment = dict(context["payment"], early_payment={"rate": "2 %", "within_days": 10,
                                                      "rate_value": 2},
                   early_payment_text="escompte de 2 % pour paiement sous 10 jours")
    given, _ = render("early_payment", context_update={"payment": payment})
    assert "2 %" in given and "10 jours" in given


def test_withdrawal_off_premises_gives_14_days_and_the_form():
    context = sample_context("quote", "consumer", "fr")
    context["document"] = dict(context["document"], context="off_premises")
    text, _ = render("withdrawal", kind="consumer", doc_type="quote",
                     context_update={"document": context["document"]})
    assert "quatorze jours" in text or "14 jours" in text
    assert "formulaire" in text
    assert LIBRARY.get("withdrawal").spec.parties == ["consumer"]


@pytest.mark.parametrize("sample", ["contract-b2b.yaml", "quote-b2b.yaml", "quote-b2c.yaml"])
def test_the_samples_build_with_every_clause_they_list(sample):
    prepared = prepare(SAMPLES / sample)
    text = docx_text(render_document(prepared))
    for selected in prepared.clauses:
        assert f"Article {selected.number} – {selected.clause.spec.title.fr}" in text


def test_the_b2c_sample_includes_withdrawal_and_arrhes():
    text = docx_text(render_document(prepare(SAMPLES / "quote-b2c.yaml")))
    assert "rétractation" in text and "arrhes" in text


def test_off_premises_b2c_document_carries_the_model_withdrawal_form_after_the_signatures():
    data = render_document(prepare(SAMPLES / "quote-b2c.yaml"))
    with zipfile.ZipFile(io.BytesIO(data)) as package:   # document order
        xml = package.read("word/document.xml").decode()
    assert xml.index("Formulaire de rétractation") > xml.rindex("Bon pour accord")
    text = docx_text(data)
    annex = text[text.index("Annexe 1 – Formulaire de rétractation"):]
    assert "MODÈLE DE FORMULAIRE DE RÉTRACTATION" in annex
    assert "Je/Nous (*) vous notifie/notifions (*)" in annex   # asterisks kept, not italics
    assert "(*) Rayez la mention inutile." in annex
    assert "Durand Rénovation, 5 rue de la Loire, 44000 Nantes" in annex


def test_the_english_form():
    # a consumer's document is in French (legal.consumer-language); the English model
    # form is the translation that may accompany it
    from contratgen.render.clauses import document_context
    from contratgen.library.texts import render_blocks
    prepared = prepare(SAMPLES / "quote-b2c.yaml")
    chosen = next(s for s in prepared.clauses if s.clause.id == "withdrawal")
    blocks = render_blocks(chosen.clause, "en", document_context(prepared), chosen.params,
                           "annex")
    text = "\n".join(b.text for b in blocks)
    assert "MODEL WITHDRAWAL FORM" in text and "(*) Delete as appropriate." in text


def test_no_withdrawal_form_on_premises(sample):
    path = sample("quote-b2c.yaml")
    path.write_text(path.read_text().replace("context: off_premises", "context: on_premises")
                    .replace("days: 8", "days: 0"))
    text = docx_text(render_document(prepare(path)))
    assert "Formulaire de rétractation" not in text
    assert "ne bénéficie pas du droit de rétractation" in text


def test_a_silent_b2c_advance_is_arrhes_as_the_law_presumes(sample):
    from contratgen.diagnostics import WARNING
    path = sample("quote-b2c.yaml")
    path.write_text(path.read_text().replace("  advance_kind: arrhes\n", ""))
    prepared = prepare(path)
    assert [d.code for d in prepared.diagnostics if d.severity == WARNING
            and d.code != "legal.reduced-rate-certification"] == ["legal.advance-kind"]
    text = docx_text(render_document(prepared))
    assert "arrhes" in text and "acompte" not in text.lower()


def test_b2c_late_interest_is_the_legal_rate_for_a_professional_creditor():
    # 1st half 2026: 2,62 % ("other cases"); 6,67 % is for creditors who are private persons
    text = docx_text(render_document(prepare(SAMPLES / "quote-b2c.yaml"))).replace(NBSP, " ")
    assert "soit 2,62 % l'an" in text and "6,67" not in text


def test_an_agreed_b2c_rate_is_printed_the_same_in_terms_and_clause(sample):
    path = sample("quote-b2c.yaml")
    path.write_text(path.read_text().replace("late_penalty_rate: legal_default",
                                             "late_penalty_rate: 5"))
    text = docx_text(render_document(prepare(path))).replace(NBSP, " ")
    assert "au taux annuel de 5 %" in text and "intérêt légal en vigueur" not in text


def test_arrhes_due_days_after_signature_are_the_deposit():
    prepared = prepare(SAMPLES / "quote-b2c.yaml")
    assert prepared.computed.deposit is prepared.computed.tranches[0]
    text = docx_text(render_document(prepared)).replace(NNBSP, " ").replace(NBSP, " ")
    assert "649,80 €" in text and "arrhes" in text
