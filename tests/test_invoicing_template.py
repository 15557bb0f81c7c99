"""templates/invoice.docx, checked as the contract templates are: every label it uses
exists in both languages, and it renders every kind of invoice in French and English."""
import re
import zipfile

import pytest

from conftest import FIXTURES, SAMPLES, docx_text
from contratgen.invoicing.document import render_invoice, template_path
from contratgen.invoicing.pipeline import prepare_invoices
from contratgen.invoicing.texts import invoice_labels

TEMPLATE = template_path()
NBSP = "\u00a0"


def used_labels() -> set[str]:
    keys = set()
    with zipfile.ZipFile(TEMPLATE) as package:
        for name in package.namelist():
            if name.startswith("word/") and name.endswith(".xml"):
                text = re.sub(r"<[^>]+>", "", package.read(name).decode("utf-8"))
                keys |= set(re.findall(r"labels\.(\w+)", text))
    return keys


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_every_label_of_the_template_exists(lang):
    assert used_labels() and used_labels() <= set(invoice_labels(lang))


def test_both_languages_have_the_same_invoice_labels():
    assert set(invoice_labels("fr")) == set(invoice_labels("en"))


@pytest.mark.parametrize("lang", ["fr", "en"])
@pytest.mark.parametrize("path", [SAMPLES / "contract-b2b-invoiced.yaml",
                                  FIXTURES / "invoicing" / "franchise.yaml",
                                  FIXTURES / "invoicing" / "reverse-charge.yaml"])
def test_every_invoice_renders(write, path, lang):
    text = re.sub(r"\n  language: \w+", "", path.read_text(encoding="utf-8"))
    text = text.replace("  place:", f"  language: {lang}\n  place:", 1)
    deal = prepare_invoices(write("deal.yaml", text))
    for invoice in deal.invoices:
        rendered = docx_text(render_invoice(deal.prepared, invoice))
        assert invoice.number in rendered and "{{" not in rendered and "{%" not in rendered


def test_a_franchise_invoice_prints_the_293_b_mention_and_no_ttc():
    deal = prepare_invoices(FIXTURES / "invoicing" / "franchise.yaml")
    text = docx_text(render_invoice(deal.prepared, deal.invoices[0]))
    assert "TVA non applicable, art. 293 B du CGI" in text
    assert "TTC\n" not in text and "Total TTC" not in text


def test_the_docx_is_reproducible():
    deal = prepare_invoices(SAMPLES / "contract-b2b-invoiced.yaml")
    invoice = deal.invoices[-1]
    assert render_invoice(deal.prepared, invoice) == render_invoice(deal.prepared, invoice)


def test_a_building_trade_invoice_states_its_insurance(write):
    text = (SAMPLES / "contract-b2b-invoiced.yaml").read_text(encoding="utf-8").replace(
        "  iban: FR76", "  insurance: {insurer: MAAF Assurances, policy: \"123456789\"}\n"
                       "  iban: FR76")
    deal = prepare_invoices(write("deal.yaml", text))
    rendered = docx_text(render_invoice(deal.prepared, deal.invoices[0]))
    assert "Assurance décennale : MAAF Assurances, contrat n° 123456789" in rendered
