"""The instalment agreement (document.type: installment_agreement): the plan exact to the
cent, the mentions of LEGAL_FR.md "Collecting payment" in the DOCX and the PDF (the real
LibreOffice, two signature fields), and its rules on both sides."""
import datetime
import io
import json
from decimal import Decimal as D

import pytest
from click.testing import CliRunner
from hypothesis import given, strategies as st
from pypdf import PdfReader

from conftest import SAMPLES, docx_text, needs_libreoffice
from contratgen.cli import main
from contratgen.domain.instalments import add_months, equal_amounts
from contratgen.pdf.finalize import read_pdf_info

B2B = SAMPLES / "installment-agreement-b2b.yaml"
B2C = SAMPLES / "installment-agreement-b2c.yaml"
SPACES = str.maketrans({"\u202f": " ", "\u00a0": " "})


def run(*args):
    return CliRunner().invoke(main, [*map(str, args)])


def flat(text: str) -> str:
    return " ".join(text.translate(SPACES).split())


def built_text(path, tmp_path) -> str:
    result = run("build", path, "-o", tmp_path, "--format", "docx")
    assert result.exit_code == 0, result.output
    (docx,) = tmp_path.glob("*.docx")
    return flat(docx_text(docx.read_bytes()))


# --- the plan ---------------------------------------------------------------------------

def test_six_instalments_of_the_b2b_debt_by_hand():
    # 922,96 + 15,93 + 40 = 978,89; 978,89 / 6 = 163,148… → 163,15 (half-up);
    # 5 × 163,15 = 815,75; the last takes the remainder: 978,89 − 815,75 = 163,14
    assert equal_amounts(D("978.89"), 6) == [D("163.15")] * 5 + [D("163.14")]


@given(st.integers(min_value=1, max_value=10**9), st.integers(min_value=1, max_value=120))
def test_the_instalments_always_sum_to_the_debt(cents, count):
    total = D(cents) / 100
    amounts = equal_amounts(total, count)
    assert sum(amounts) == total and len(amounts) == count
    assert len(set(amounts[:-1])) <= 1      # equal but the last
    assert all(a == a.quantize(D("0.01")) for a in amounts)


def test_a_monthly_plan_keeps_its_day_or_the_month_end():
    assert add_months(datetime.date(2026, 1, 31), 1) == datetime.date(2026, 2, 28)
    assert add_months(datetime.date(2026, 11, 5), 3) == datetime.date(2027, 2, 5)


# --- the document -----------------------------------------------------------------------

def test_the_b2b_agreement_has_every_mention(tmp_path):
    text = built_text(B2B, tmp_path)
    assert "Atelier Dupont & Fils SARL" in text and "Boulangerie Martin SAS" in text
    assert "reconnaît devoir à Atelier Dupont & Fils SARL" in text          # acknowledgement
    assert "978,89 € (neuf cent soixante-dix-huit euros et quatre-vingt-neuf centimes)" in text
    assert "Mention manuscrite du débiteur (la somme en toutes lettres et en chiffres)" in text
    assert "C. civ. art. 1376" in text
    for day in ("5 juillet", "5 août", "5 septembre", "5 octobre", "5 novembre"):
        assert f"{day} 2026 163,15 €" in text
    assert "6 5 décembre 2026 163,14 €" in text and "Total : 978,89 €" in text
    assert "Indemnité forfaitaire pour frais de recouvrement 40,00 €" in text
    assert "Les intérêts échus ne sont pas capitalisés" in text and "1343-2" in text
    assert "Déchéance du terme" in text and "déchu du bénéfice du terme" in text
    assert "interrompt le délai de prescription (C. civ. art. 2240)" in text
    assert "Fait en 2 exemplaires originaux" in text and "À Paris, le 30 juin 2026" in text
    assert "Le créancier" in text and "Le débiteur" in text


def test_the_debt_is_what_dues_says_on_the_agreement_date():
    # the 1 000 € of 30 May paid the interest first (C. civ. 1343-1): 929,36 + 9,59 + 40
    result = run("dues", SAMPLES / "contract-b2b-late.yaml", "--on", "2026-06-30", "--json")
    (doc,) = json.loads(result.stdout)["documents"]
    assert doc["totals"]["claimable"] == "978.95"
    result = run("dues", SAMPLES / "quote-b2c-late.yaml", "--on", "2026-06-30", "--json")
    (doc,) = json.loads(result.stdout)["documents"]
    assert doc["totals"]["claimable"] == "1102.43"       # 1 099,20 + 3,23, no 40 €


def test_the_consumer_agreement_has_no_indemnity(tmp_path):
    text = built_text(B2C, tmp_path)
    assert "Sophie Moreau" in text and "1 102,43 €" in text
    assert "Indemnité forfaitaire" not in text and "indemnité forfaitaire" not in text
    assert "4 10 octobre 2026 202,43 €" in text
    assert "au taux légal" in text                       # acceleration: legal interest


def test_without_acceleration_there_is_no_acceleration_clause(tmp_path, write):
    path = write("a.yaml", B2B.read_text().replace("acceleration: true", "acceleration: false"))
    text = built_text(path, tmp_path / "out")
    assert "Déchéance du terme" not in text and "Reconnaissance de dette" in text


@needs_libreoffice
def test_the_pdf_has_two_signature_fields_and_the_plan(tmp_path):
    result = run("build", B2B, "-o", tmp_path, "--format", "pdf")
    assert result.exit_code == 0, result.output
    pdf = (tmp_path / "AE-2026-0003.pdf").read_bytes()
    fields = read_pdf_info(pdf)["signature_fields"]
    assert [f["name"] for f in fields] == ["provider_signature", "client_signature"]
    text = flat(" ".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages))
    for words in ("Reconnaissance de dette", "978,89 €", "163,14 €", "Déchéance du terme",
                  "2240", "Mention manuscrite du débiteur"):
        assert words in text


# --- the rules, both sides --------------------------------------------------------------

def test_a_plan_that_does_not_sum_to_the_debt_is_an_error(tmp_path, write):
    path = write("a.yaml", B2C.read_text().replace("amount: 202.43", "amount: 202.40"))
    result = run("build", path, "-o", tmp_path / "out", "--format", "docx")
    assert result.exit_code == 1
    assert "a.yaml:37:3: error: the instalments sum to 1102.40, not to the debt 1102.43" \
        in result.output
    assert "[legal.agreement-total]" in result.output
    assert not (tmp_path / "out").exists()


def test_an_instalment_before_the_agreement_is_an_error(tmp_path, write):
    path = write("a.yaml", B2B.read_text().replace("first: 2026-07-05", "first: 2026-06-05"))
    result = run("build", path, "-o", tmp_path / "out", "--format", "docx")
    assert result.exit_code == 1
    assert "error: instalment 1 is dated 2026-06-05, before the agreement (2026-06-30)" \
        in result.output and "[legal.agreement-dates]" in result.output


def test_a_plan_beyond_two_years_is_a_warning_citing_1343_5(tmp_path, write):
    path = write("a.yaml", B2B.read_text().replace("count: 6", "count: 30"))
    result = run("build", path, "-o", tmp_path / "out", "--format", "docx")
    assert result.exit_code == 0, result.output
    assert "warning: instalment 25 (2028-07-05) and 5 more fall more than two years after " \
           "the agreement" in result.output
    assert "(C. civ. 1343-5) [legal.agreement-term]" in result.output
    strict = run("build", path, "-o", tmp_path / "out2", "--format", "docx", "--strict")
    assert strict.exit_code == 1


@pytest.mark.parametrize("path", [B2B, B2C], ids=["b2b", "b2c"])
def test_the_shipped_agreements_raise_nothing(path, tmp_path):
    result = run("build", path, "-o", tmp_path, "--format", "docx")
    assert result.exit_code == 0 and "warning" not in result.output, result.output


def test_the_contract_rules_do_not_apply_to_an_agreement():
    from contratgen.legal import list_rules
    ids = {r.id for r in list_rules() if "installment_agreement" in r.documents}
    assert ids == {"legal.seller-identity", "legal.sole-trader-name", "legal.identifiers",
                   "legal.agreement-total", "legal.agreement-dates", "legal.agreement-term",
                   "legal.debt-acknowledgement-consumer"}


@needs_libreoffice
def test_the_consumer_agreement_pdf_has_its_plan_and_two_signature_fields(tmp_path):
    result = run("build", B2C, "-o", tmp_path, "--format", "pdf")
    assert result.exit_code == 0, result.output
    pdf = (tmp_path / "AE-2026-0011.pdf").read_bytes()
    assert len(read_pdf_info(pdf)["signature_fields"]) == 2
    text = flat(" ".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages))
    for words in ("Sophie Moreau", "1 102,43 €", "mille cent deux euros et quarante-trois "
                  "centimes", "202,43 €", "Mention manuscrite du débiteur", "2240"):
        assert words in text
    assert "Indemnité forfaitaire" not in text


def test_an_agreed_capitalisation_is_stated_in_its_place(tmp_path, write):
    text = B2B.read_text() + ("clauses:\n  - {id: installment_plan, params: "
                              "{capitalisation: true}}\n")
    body = built_text(write("a.yaml", text), tmp_path / "out")
    assert "produiront eux-mêmes intérêt (C. civ. art. 1343-2)" in body
    assert body.index("Article 2 – Échéancier et intérêts") < \
        body.index("Article 3 – Déchéance du terme")


# --- debt.interest: auto (the function of dues), imputation in the text ------------------

AUTO = B2B.read_text().replace(
    "  invoices: [{number: FA-2026-0131, date: 2026-04-20, amount: 922.96}]\n"
    "  interest: 15.93\n",
    "  invoices: [{number: FA-2026-0131, date: 2026-04-20, amount: 1922.96}]\n"
    "  interest: auto\n") + """
invoicing:
  payments:
    - {invoice: FA-2026-0131, date: 2026-05-30, amount: 1000}
"""


def test_auto_interest_is_what_dues_computes_on_the_agreement_date(tmp_path, write):
    # before: the interest was copied by hand from dues (15,93 €, imputed on the
    # principal). FA-2026-0131, 1 922,96 € of 20 April, due 20 May (30 days); on 30 June:
    # 929,36 € of principal and 9,59 € of interest still due (docs/COLLECTION.md, worked
    # example 2), + 40 €: 978,95 €; / 6 = 163,158… → 163,16 × 5 = 815,80, last 163,15
    assert AUTO != B2B.read_text()
    text = built_text(write("auto.yaml", AUTO), tmp_path / "out")
    assert "n° FA-2026-0131 du 20 avril 2026 (929,36 € restant dus)" in text
    assert "des intérêts de retard arrêtés à 9,59 €" in text
    assert "978,95 € (neuf cent soixante-dix-huit euros et quatre-vingt-quinze centimes)" in text
    assert "6 5 décembre 2026 163,15 €" in text and "5 novembre 2026 163,16 €" in text


def test_auto_interest_on_a_day_the_rates_table_lacks_is_a_located_error(tmp_path, write):
    later = AUTO.replace("date: 2026-06-30", "date: 2026-09-01").replace(
        "first: 2026-07-05", "first: 2026-09-05")
    result = run("build", write("late.yaml", later), "-o", tmp_path / "out", "--format",
                 "docx")
    assert result.exit_code == 1 and "Traceback" not in result.output
    line = later.splitlines().index("  interest: auto") + 1
    assert f"late.yaml:{line}:13: error: debt.interest: auto on 2026-09-01" in result.output
    assert "2nd half 2026 (2026-H2)" in result.output and "[rates.missing]" in result.output
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize("imputation, words", [
    ("interest_first", "Les paiements s'imputent d'abord sur les intérêts, puis sur le "
                       "principal (C. civ. art. 1343-1)"),
    ("principal_first", "Par dérogation à l'article 1343-1 du Code civil, le créancier "
                        "consent à ce que les paiements s'imputent d'abord sur le principal"),
])
def test_the_plan_states_the_imputation_of_1343_1(tmp_path, write, imputation, words):
    # before: "Les paiements s'imputent d'abord sur le principal des factures les plus
    # anciennes", against C. civ. 1343-1
    text = B2B.read_text() + f"payment:\n  imputation: {imputation}\n"
    body = built_text(write("a.yaml", text), tmp_path / "out")
    assert words in body and "sur le principal des factures les plus anciennes" not in body


def test_a_consumer_acknowledges_the_amount_and_keeps_every_defence(tmp_path):
    # before: "il n'a à lui opposer aucune contestation", a waiver of every defence
    text = built_text(B2C, tmp_path)
    assert "aucune contestation" not in text
    assert "ne le prive d'aucun des moyens de défense et recours" in text
    assert "aucune contestation" in built_text(B2B, tmp_path / "b2b")
