"""A contract opens with its object and its time limits, which define the deliveries that
trigger tranches; a quote prints its object above the items."""
import io

import docx
import pytest

from contratgen.pipeline import prepare, render_document
from conftest import MINIMAL_PATH, docx_text

MINIMAL = MINIMAL_PATH.read_text()
OBJECT = ("  object: |\n    Refonte du site **vitrine** de la boulangerie.\n")
PERFORMANCE = ("  performance:\n    start: 2026-04-01\n    end: 2026-05-15\n"
               "    site: \"3 place du Marché, 69002 Lyon\"\n")
SCHEDULE = """\
  schedule:
    - {label: Acompte, percent: 30, due: signature}
    - {label: Livraison partielle, percent: 40, due: partial_delivery}
    - {label: Solde, percent: 30, due: final_delivery}
"""


def document(write, head: str = OBJECT + PERFORMANCE, extra: str = "", schedule: str = SCHEDULE,
             replace: tuple = ()) -> tuple[str, docx.document.Document]:
    text = MINIMAL.replace("  place: Paris\n", "  place: Paris\n" + head) + schedule + extra
    for old, new in replace:
        text = text.replace(old, new)
    data = render_document(prepare(write("c.yaml", text)))
    text = docx_text(data).replace("\u00a0", " ").replace("\u202f", " ")
    return text, docx.Document(io.BytesIO(data))


def articles(doc) -> list[str]:
    return [p.text for p in doc.paragraphs if p.text.startswith("Article ")]


def body_of(doc, title: str) -> list:
    paragraphs = doc.paragraphs
    start = next(i for i, p in enumerate(paragraphs) if p.text.endswith(f"– {title}"))
    end = next((i for i, p in enumerate(paragraphs[start + 1:], start + 1)
                if p.text.startswith("Article ")), len(paragraphs))
    return paragraphs[start + 1:end]


def test_the_object_and_the_time_limits_are_the_first_articles_of_a_contract(write):
    _, doc = document(write, extra="clauses: [billing, late_payment]\n")
    assert articles(doc) == ["Article 1 – Objet", "Article 2 – Délais",
                             "Article 3 – Prix, facturation et modalités de paiement",
                             "Article 4 – Retard de paiement"]
    (obj,) = body_of(doc, "Objet")
    assert obj.text == "Refonte du site vitrine de la boulangerie."
    assert [r.text for r in obj.runs if r.bold] == ["vitrine"]     # the object's markup
    limits = " ".join(p.text for p in body_of(doc, "Délais"))
    assert "commence le 1er avril 2026 et s'achève au plus tard le 15 mai 2026" in limits
    assert "3 place du Marché, 69002 Lyon" in limits


def test_the_time_limits_define_the_deliveries_that_trigger_tranches(write):
    _, doc = document(write)
    items = [p.text for p in body_of(doc, "Délais") if p.style.name == "List Bullet"]
    assert items[0].startswith("la livraison partielle s'entend de la remise")
    assert items[1].startswith("la livraison finale s'entend de la remise de l'ensemble")
    assert "procès-verbal de réception" in items[1] and "8\u00a0jours" in items[1]


def test_only_the_delivery_events_the_schedule_uses_are_defined(write):
    text, _ = document(write, schedule="  schedule:\n    - {label: Solde, percent: 100, "
                                       "due: {days_after: final_delivery, days: 10}}\n")
    assert "la livraison finale s'entend" in text
    assert "livraison partielle" not in text


def test_without_time_limits_the_deliveries_get_their_own_article(write):
    # no schedule: the whole price is due on final delivery, which must be defined
    _, doc = document(write, head="", schedule="")
    assert articles(doc) == ["Article 1 – Livraison"]
    assert "la livraison finale s'entend" in " ".join(p.text for p in body_of(doc, "Livraison"))


def test_a_schedule_without_delivery_needs_no_definition(write):
    text, doc = document(write, head=OBJECT, schedule="  schedule:\n    - {label: Tout, "
                                                       "percent: 100, due: signature}\n")
    assert articles(doc) == ["Article 1 – Objet"] and "s'entend" not in text


def test_towards_a_consumer_delivery_is_never_deemed_accepted(write):
    text, _ = document(write, replace=(("client:\n", "client:\n  kind: consumer\n"),
                                       # say what the "Acompte" tranche is (legal.advance-label)
                                       ("  schedule:\n", "  advance_kind: acompte\n  schedule:\n"),
                                       ("  trader: true\n  address: \"3", "  address: \"3"),
                                       ("  place: Paris\n", "  place: Paris\n  context: "
                                                            "on_premises\n"),
                                       # what a consumer must be told (legal.consumer-information)
                                       ("  address: \"12 rue", "  phone: \"+33 1 23 45 67 89\"\n"
                                        "  email: contact@atelier.example\n  mediator: {name: "
                                        "CM2C, url: \"https://www.cm2c.net\"}\n  address: \"12 rue")))
    assert "que le client constate par écrit" in text
    assert "est acquise à l'expiration de ce délai" not in text


def test_the_clauses_are_numbered_after_the_first_articles_and_cross_references_follow(write):
    _, doc = document(write, extra="clauses:\n  - billing\n  - arbitration\n"
                                   "  - {id: jurisdiction, params: {court: Tribunal des "
                                   "activités économiques de Lyon}}\n")
    assert articles(doc)[3] == "Article 4 – Clause compromissoire"
    assert "clause compromissoire stipulée à l'article 4" in \
        " ".join(p.text for p in body_of(doc, "Attribution de compétence"))


def test_english_titles(write):
    _, doc = document(write, replace=(("  place: Paris\n", "  place: Paris\n  language: en\n"),))
    assert articles(doc)[:2] == ["Article 1 – Object", "Article 2 – Time limits"]
    limits = " ".join(p.text for p in body_of(doc, "Time limits"))
    assert "begins on 1 April 2026 and ends at the latest on 15 May 2026" in limits
    assert "final delivery means" in limits


def test_a_relative_start_and_a_duration(write):
    head = "  performance: {start: {days_after: acceptance, days: 10}, duration_days: 30}\n"
    text, _ = document(write, head=head)
    assert ("commence dans un délai de 10 jours à compter de la signature du contrat et "
            "s'achève dans un délai de 30 jours à compter de son commencement") in text


def test_a_quote_prints_its_object_above_the_items_and_its_time_limits_first(write):
    text, doc = document(write, replace=(("type: contract", "type: quote"),
                                         ("  place: Paris\n", "  place: Paris\n"
                                          "  valid_until: 2026-04-01\n  free_of_charge: true\n")))
    headings = [p.text for p in doc.paragraphs if p.style.name == "Heading 1"]
    assert headings.index("Objet") < headings.index("Détail des prestations")
    assert "Refonte du site vitrine de la boulangerie." in text
    assert articles(doc)[0] == "Article 1 – Délais" and "Article 1 – Objet" not in text


@pytest.mark.parametrize("head, expected", [
    (OBJECT + PERFORMANCE, "dans les délais de l'article « Délais »"),
    (OBJECT, "décrites au présent document")])
def test_the_resolutory_clause_refers_to_time_limits_the_document_contains(write, head,
                                                                           expected):
    text, _ = document(write, head=head, extra="clauses: [resolutory]\n")
    assert expected in text and "délais convenus" not in text


def test_a_micro_entreprise_is_printed_as_an_ei(write):
    text, _ = document(write, replace=(("  legal_form: SARL\n  capital: 1000\n",
                                        "  legal_form: micro-entreprise\n"),
                                       ("name: Atelier Dupont\n", "name: Atelier Dupont EI\n")))
    assert "micro-entreprise" not in text.lower() and "Forme juridique : EI" in text
