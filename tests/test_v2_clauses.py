"""The Version 2 clauses (SPEC.md): each renders in French and English in every use its
file allows, and says what the law needs it to say."""
import pytest

from contratgen.library.loader import SHIPPED, load_library
from contratgen.library.texts import render_blocks
from contratgen.clause_lint import sample_context
from contratgen.library.lint import default_params

LIBRARY, _ = load_library([SHIPPED])
NBSP, NNBSP = "\u00a0", "\u202f"
V2_IDS = ["ip_assignment", "liability", "force_majeure", "hardship", "confidentiality",
          "data_protection", "subcontracting", "assignment", "governing_law", "notices",
          "entire_agreement", "insurance"]


def render(clause_id: str, lang: str = "fr", kind: str = "business",
           doc_type: str = "contract", variant: str = "", **params) -> tuple[str, list]:
    clause = LIBRARY.get(clause_id)
    context = sample_context(doc_type, kind, lang, "on_premises", variant)
    blocks = render_blocks(clause, lang, context, {**default_params(clause), **params})
    text = "\n".join(b.text for b in blocks).replace(NNBSP, " ").replace(NBSP, " ")
    return text, blocks


def uses(clause_id: str):
    spec = LIBRARY.get(clause_id).spec
    return [(d, k) for d in spec.documents for k in spec.parties]


def test_the_library_ships_every_clause_of_version_2():
    assert set(V2_IDS) <= set(LIBRARY.clauses)


@pytest.mark.parametrize("clause_id", V2_IDS)
def test_each_has_a_legal_basis_a_bilingual_title_and_described_params(clause_id):
    spec = LIBRARY.get(clause_id).spec
    assert spec.legal_basis and spec.title.fr and spec.title.en
    for name, param in spec.params.items():
        assert param.default is not None, name        # every param has a default
        assert param.description and param.description.fr and param.description.en, name


@pytest.mark.parametrize("clause_id", V2_IDS)
@pytest.mark.parametrize("lang", ["fr", "en"])
def test_each_renders_in_both_languages_in_every_allowed_use(clause_id, lang):
    for doc_type, kind in uses(clause_id):
        text, _ = render(clause_id, lang, kind, doc_type)
        assert len(text) > 150 and text.rstrip().endswith((".", ";")), (doc_type, kind)
        assert "{{" not in text and "{%" not in text
        other = "présent" if lang == "en" else " the client "
        assert other not in text, (lang, doc_type, kind)   # no text of the other language


@pytest.mark.parametrize("lang, contract, quote", [
    ("fr", "présent contrat", "acceptation du présent devis"),
    ("en", "this contract", "acceptance of this quote")])
@pytest.mark.parametrize("clause_id", ["liability", "force_majeure", "hardship",
                                       "confidentiality", "assignment", "entire_agreement"])
def test_a_quote_speaks_of_the_contract_its_acceptance_forms(clause_id, lang, contract, quote):
    assert contract in render(clause_id, lang)[0]
    assert quote in render(clause_id, lang, doc_type="quote")[0]


# --- ip_assignment: CPI L131-3 ------------------------------------------------------------

def test_ip_assignment_lists_each_right_and_the_field_of_exploitation():
    text, blocks = render("ip_assignment")
    for right in ("droit de reproduction", "droit de représentation", "droit d'adaptation",
                  "droit de mise en circulation", "droit de dépôt"):
        assert right in text
    items = [b for b in blocks if b.kind == "item"]
    assert len(items) == 6                                  # one mention per right
    assert "L131-3" in text and "(destination)" in text and "le monde entier (territoire)" \
        in text and "durée de la protection légale" in text
    assert "compris dans le prix total du présent contrat" in text
    assert "Le transfert des droits n'intervient qu'au complet paiement du prix." in text
    assert "droit moral" in text and "inaliénable" in text


def test_ip_assignment_params_change_scope_territory_duration_and_price():
    text, _ = render("ip_assignment", adaptation=False, registration=False, exclusive=False,
                     territory="france", duration_years=10, price=1500,
                     works="le logotype", field="la communication commerciale du client")
    assert "droit d'adaptation" not in text and "droit de dépôt" not in text
    assert "à titre non exclusif" in text and "sur le logotype (ci-après" in text
    assert "le territoire français (territoire)" in text and "10 ans" in text
    assert "1 500,00 € hors taxes" in text
    assert "la communication commerciale du client (destination)" in text


def test_ip_assignment_in_english():
    text, _ = render("ip_assignment", "en", territory="eu", price=800)
    assert "right of reproduction" in text and "right of representation" in text
    assert "Member States of the European Union" in text and "€800.00" in text
    assert "only upon full payment of the price" in text and "Article L131-3" in text


# --- liability: never towards a consumer -------------------------------------------------

def test_liability_is_for_business_clients_only():
    assert LIBRARY.get("liability").spec.parties == ["business"]


@pytest.mark.parametrize("lang, words", [
    ("fr", ("1231-3", "1170", "faute lourde ou dolosive", "dommages corporels",
            "4 029,00 €", "préjudices indirects")),
    ("en", ("1231-3", "1170", "gross negligence or wilful misconduct", "personal injury",
            "€4,029.00", "indirect losses"))])
def test_liability_caps_at_the_price_and_never_for_gross_fault_or_injury(lang, words):
    text, blocks = render("liability", lang)
    for word in words:
        assert word in text, word
    assert any(run.bold and ("limitée" in run.text or "limited" in run.text)
               for block in blocks for run in block.runs)


def test_liability_cap_amount_and_reciprocity():
    text, _ = render("liability", cap_amount=10000, reciprocal=True, indirect=False)
    assert "10 000,00 €" in text and "chacune des parties" in text
    assert "payer le prix" in text and "préjudices indirects" not in text


# --- the other clauses --------------------------------------------------------------------

def test_force_majeure_follows_article_1218():
    text, _ = render("force_majeure", notice_days=3, termination_days=90)
    assert "1218" in text and "raisonnablement prévu" in text and "mesures appropriées" in text
    assert "3 jours ouvrés" in text and "90 jours" in text and "1351" in text
    assert "ne dispense pas le client de payer" in text
    assert "Article 1218" in render("force_majeure", "en")[0]


def test_hardship_organises_or_excludes_article_1195():
    organise, _ = render("hardship")
    assert "1195" in organise and "renégociation" in organise and "30 jours" in organise
    assert "juge" in organise and "continue à exécuter" in organise
    exclude, _ = render("hardship", mode="exclude")
    assert "renonce" in exclude and "assumer le risque" in exclude
    assert "waives" in render("hardship", "en", mode="exclude")[0]
    assert LIBRARY.get("hardship").spec.parties == ["business"]


def test_confidentiality_lasts_after_the_contract_and_has_the_usual_exceptions():
    text, _ = render("confidentiality", years=3)
    assert "3 ans après sa cessation" in text and "L151-1" in text
    assert "publiques" in text and "décision de justice" in text
    assert "3 years after it ends" in render("confidentiality", "en", years=3)[0]


def test_data_protection_processor_terms_of_article_28():
    text, blocks = render("data_protection")
    assert "article 28 du RGPD" in text and "responsable de traitement" in text
    assert "instruction documentée" in text and "autorisation écrite préalable" in text
    assert "48 heures" in text and "CNIL" in text and "art. 13" in text
    assert sum(b.kind == "item" for b in blocks) == 8


def test_data_protection_for_a_consumer_is_the_article_13_information_only():
    text, blocks = render("data_protection", kind="consumer")
    assert "art. 13" in text and "CNIL" in text and "article 28" not in text
    assert not any(b.kind == "item" for b in blocks)
    english, _ = render("data_protection", "en", role="controller")
    assert "Article 13" in english and "Article 28" not in english


def test_subcontracting_keeps_the_provider_liable_and_names_loi_75_1334():
    text, _ = render("subcontracting")
    assert "accord écrit préalable" in text and "75-1334" in text and "art. 14-1" in text
    assert "seul responsable" in text
    assert "14-1" not in render("subcontracting", kind="consumer")[0]
    assert "s'interdit d'en sous-traiter" in render("subcontracting", consent="forbidden")[0]


def test_assignment_needs_consent_under_article_1216():
    text, _ = render("assignment")
    assert "1216" in text and "accord écrit et préalable" in text and "1216-1" in text
    assert "solidairement" in text and "affacturage" in text
    advance, _ = render("assignment", consent="provider_in_advance")
    assert "consent dès à présent" in advance and "fonds de commerce" in advance


def test_governing_law_is_french_law_and_language():
    text, _ = render("governing_law")
    assert "droit français" in text and "langue française, qui seule fait foi" in text
    assert "1215/2012" not in text and "Rome I" not in text
    english, _ = render("governing_law", "en")
    assert "French law" in english and "drawn up in English, which alone is authentic" in english


@pytest.mark.parametrize("how", [{"variant": "client in another EU state"},
                                 {"cross_border": True}])
def test_governing_law_names_brussels_i_bis_for_a_party_in_another_eu_state(how):
    text, _ = render("governing_law", **how)
    assert "règlement (UE) n° 1215/2012" in text and "Bruxelles I bis" in text
    assert "Rome I" in text and "Convention des Nations unies" in text


def test_governing_law_points_to_the_jurisdiction_clause_as_an_article_25_agreement():
    text, _ = render("governing_law", variant="arbitration and jurisdiction", cross_border=True)
    assert "clause attributive de juridiction de l'article 9" in text and "article 25" in text


def test_jurisdiction_relies_on_article_25_for_a_party_in_another_eu_state():
    clause = LIBRARY.get("jurisdiction")
    context = sample_context("contract", "business", "fr", "on_premises",
                             "client in another EU state")
    params = {**default_params(clause), "court": "Tribunal des activités économiques de Lyon"}
    text = " ".join(b.text for b in render_blocks(clause, "fr", context, params))
    assert "article 25 du règlement (UE) n° 1215/2012" in text
    assert "juridictions françaises" in text and "article 48" not in text


def test_notices_in_writing_by_registered_letter_and_email():
    text, _ = render("notices")
    assert "lettre recommandée avec demande d'avis de réception" in text
    assert "première présentation" in text and "contact@dupont.example" in text
    assert "courrier électronique" not in render("notices", email=False)[0]


def test_entire_agreement_keeps_the_duty_to_inform():
    text, _ = render("entire_agreement")
    assert "intégralité" in text and "1112-1" in text and "ni limiter ni exclure" in text
    assert "avenant écrit" in text and "1184" in text
    assert LIBRARY.get("entire_agreement").spec.parties == ["business"]


def test_insurance_uses_the_providers_insurance():
    text, _ = render("insurance", variant="insurance decennale")
    assert "MAAF Assurances" in text and "123456789" in text and "décennale" in text
    assert "96-603" in text and "France" in text and "attestation" in text
    rc, _ = render("insurance", variant="insurance rc_pro")
    assert "responsabilité civile professionnelle" in rc and "MAAF Assurances" in rc
    bare, _ = render("insurance", insurer="Hiscox", policy="HX-1")
    assert "Hiscox" in bare and "HX-1" in bare and "sur simple demande" in bare
    assert "certificate" in render("insurance", "en")[0]
