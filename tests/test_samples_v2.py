"""The Version 2 samples, built by the CLI to DOCX and PDF (real LibreOffice): a fresh
reader of each finds every mandatory mention of its case, and none that is false."""
from __future__ import annotations

import pytest
from click.testing import CliRunner
from pypdf import PdfReader

from contratgen.cli import main
from conftest import SAMPLES, docx_text, needs_libreoffice

NUMBERS = {"quote-plumber-b2c.yaml": "DV-2026-0318", "quote-franchise.yaml": "DV-2026-0027",
           "contract-reverse-charge.yaml": "CT-2026-0150",
           "contract-fair-goods.yaml": "BC-2026-0412", "quote-b2c.yaml": "DV-2026-0212"}


def normal(text: str) -> str:
    """Spaces of every kind as one space, so phrases match across line breaks."""
    return " ".join(text.replace("\u202f", " ").replace("\u00a0", " ").split())


@pytest.fixture(scope="module")
def docx_texts(tmp_path_factory):
    out = tmp_path_factory.mktemp("docx")
    texts = {}
    for name, number in NUMBERS.items():
        result = CliRunner().invoke(main, ["build", str(SAMPLES / name), "-o", str(out),
                                           "--format", "docx"])
        assert result.exit_code == 0, result.output
        texts[name] = normal(docx_text((out / f"{number}.docx").read_bytes()))
    return texts


@pytest.fixture(scope="module")
def pdf_texts(tmp_path_factory):
    out = tmp_path_factory.mktemp("pdf")
    args = ["build", *(str(SAMPLES / name) for name in NUMBERS), "-o", str(out),
            "--format", "pdf"]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 0, result.output
    return {name: normal("\n".join(p.extract_text() for p in
                                   PdfReader(out / f"{number}.pdf").pages))
            for name, number in NUMBERS.items()}


PLUMBER = [
    "Assurance de responsabilité civile décennale : MAAF Assurances, contrat n° DEC-123456789, "
    "couverture géographique : France métropolitaine",
    "médiateur de la consommation CM2C (https://www.cm2c.net)",
    "Exécution : à partir de 10 jours après la signature du client, durée 2 jours",
    "Lieu d'exécution : 8 rue Francis de Pressensé, 69100 Villeurbanne",
    "+33 4 78 00 12 34",
    "Je soussigné(e) Claire Fontaine certifie, en qualité de preneur de la prestation",
    "Je demande expressément à Karim Benali de commencer l'exécution de la prestation avant "
    "la fin du délai de rétractation",
    "je perds mon droit de rétractation",
    "Le consommateur dispose d'un délai de deux ans à compter de la délivrance du bien",
    "MODÈLE DE FORMULAIRE DE RÉTRACTATION",
    "sans préjudice du droit de rétractation",
    "Karim Benali EI",
]
FRANCHISE = ["TVA non applicable, art. 293 B du CGI", "Total : 1 750,00 €",
             "Montant total en toutes lettres"]
REVERSE = ["Reverse charge (autoliquidation): art. 283-2 du CGI",
           "client's EU VAT number: DE136695976", "Reisewerk GmbH"]
FAIR = ["Le consommateur ne bénéficie pas d'un droit de rétractation pour un achat effectué "
        "dans une foire ou dans un salon.",
        "Le consommateur dispose d'un délai de deux ans à compter de la délivrance du bien",
        "articles 1641 à 1649 du code civil", "Contrat de vente", "Pour le vendeur",
        "Détail des biens", "Livraison : au plus tard le 15 mai 2026",
        "Lieu de livraison : 17 chemin des Vignes, 69290 Craponne",
        "conclu dans une foire ou un salon, le client ne bénéficie pas d'un droit de rétractation"]
EXPECTED = {"quote-plumber-b2c.yaml": PLUMBER, "quote-franchise.yaml": FRANCHISE,
            "contract-reverse-charge.yaml": REVERSE, "contract-fair-goods.yaml": FAIR}
# what would be a false statement of law in that case
ABSENT = {"quote-franchise.yaml": ["TTC", "Total TVA", "dont 0,00", "P.U. HT"],
          "contract-fair-goods.yaml": ["FORMULAIRE DE RÉTRACTATION",
                                       "quatorze jours pour exercer"],
          "contract-reverse-charge.yaml": ["of which €0.00 is value added tax",
                                           "Total incl. VAT"],
          "quote-plumber-b2c.yaml": ["Pour le prestataire", "TVA non applicable"]}


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_each_sample_docx_carries_its_mandatory_mentions(docx_texts, name):
    for phrase in EXPECTED[name]:
        assert normal(phrase) in docx_texts[name], phrase
    for phrase in ABSENT.get(name, []):
        assert phrase not in docx_texts[name], phrase


@needs_libreoffice
@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_each_sample_pdf_carries_its_mandatory_mentions(pdf_texts, name):
    for phrase in EXPECTED[name]:
        assert normal(phrase) in pdf_texts[name], phrase
    for phrase in ABSENT.get(name, []):
        assert phrase not in pdf_texts[name], phrase


@needs_libreoffice
def test_the_fair_box_is_on_the_first_page(tmp_path):
    result = CliRunner().invoke(main, ["build", str(SAMPLES / "contract-fair-goods.yaml"),
                                       "-o", str(tmp_path), "--format", "pdf"])
    assert result.exit_code == 0, result.output
    first = normal(PdfReader(tmp_path / "BC-2026-0412.pdf").pages[0].extract_text())
    assert "ne bénéficie pas d'un droit de rétractation pour un achat effectué" in first
    assert first.index("foire ou dans un salon") < first.lower().index("le vendeur")


def test_the_client_signs_the_date_and_place_by_hand(docx_texts):
    english = {"contract-reverse-charge.yaml": "In ………………………, on ………………………"}
    for name in EXPECTED:
        blank = english.get(name, "À ………………………, le ………………………")
        assert blank in docx_texts[name], name


def test_the_kitchen_quote_certifies_its_10_percent(docx_texts):
    text = docx_texts["quote-b2c.yaml"]
    assert "Je soussigné(e) Sophie Moreau certifie" in text
    assert "médiateur de la consommation" in text and "SMABTP" in text
