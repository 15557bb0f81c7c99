"""contratgen remind: reminder, second reminder and formal notice for a late invoice of the
B2B sample (tranche 2, 1 922,96 €, due 20 May 2026, 1 000 € paid on 30 May), DOCX and PDF
(the real LibreOffice); the amounts are those of `contratgen dues --json` on the same day.
"""
import io
import json
from decimal import Decimal as D

import pytest
from click.testing import CliRunner
from pypdf import PdfReader

from conftest import FIXTURES, SAMPLES, docx_text, needs_libreoffice
from contratgen.domain import formatting as fmt
from contratgen.cli import main
from contratgen.pdf.finalize import read_pdf_info

B2B = SAMPLES / "contract-b2b-late.yaml"
LATE = "FA-2026-0131"
SPACES = str.maketrans({"\u202f": " ", "\u00a0": " "})


def run(*args):
    return CliRunner().invoke(main, [*map(str, args)])


def flat(text: str) -> str:
    return " ".join(text.translate(SPACES).split())


def dues_json(path, on: str, number: str) -> dict:
    result = run("dues", path, "--on", on, "--json")
    (doc,) = json.loads(result.stdout)["documents"]
    return next(t for t in doc["tranches"] if t["invoice"] == number)


def euros(value: str, lang: str = "fr") -> str:
    return flat(fmt.money(D(value), lang))


def letter(tmp_path, *args, fmt_="docx", path=B2B, number=LATE):
    result = run("remind", path, "--invoice", number, "-o", tmp_path, "--format", fmt_,
                 *args)
    return result


def test_the_formal_notice_states_the_amounts_of_dues_on_the_same_day(tmp_path):
    result = letter(tmp_path, "--level", "formal-notice", "--on", "2026-06-30")
    assert result.exit_code == 0, result.output
    text = flat(docx_text((tmp_path / f"{LATE}-formal-notice.docx").read_bytes()))
    row = dues_json(B2B, "2026-06-30", LATE)
    # by hand (docs/COLLECTION.md, worked example 2): the 1 000 € paid the 6,40 € of
    # interest first (C. civ. 1343-1): 929,36 + 9,59 + 40 = 978,95
    assert (row["outstanding"], row["interest"], row["indemnity"], row["claimable"]) == \
        ("929.36", "9.59", "40.00", "978.95")
    for name in ("outstanding", "interest", "indemnity", "claimable"):
        assert euros(row[name]) in text
    assert f"Total dû {euros(row['claimable'])}" in text


def test_the_formal_notice_has_every_mention_the_law_asks(tmp_path):
    letter(tmp_path, "--level", "formal-notice", "--on", "2026-06-30")
    text = flat(docx_text((tmp_path / f"{LATE}-formal-notice.docx").read_bytes()))
    assert "Mise en demeure de payer" in text                      # the heading
    assert "Paris, le 30 juin 2026" in text                        # date and place
    assert "Atelier Dupont & Fils SARL" in text and "Boulangerie Martin SAS" in text
    assert "FA-2026-0131" in text and "émise le 20 avril 2026" in text
    assert "échue le 20 mai 2026" in text
    assert "dans un délai de 8 jours, soit au plus tard le 8 juillet 2026" in text
    assert "action en justice" in text
    # the contract's resolutory clause, named with its article number (C. civ. 1225)
    assert "clause résolutoire stipulée à l'article 5 (« Clause résolutoire »)" in text
    assert "Lettre recommandée avec accusé de réception" in text
    assert "IBAN FR76 3000 6000 0112 3456 7890 189" in text


def test_the_deadline_can_be_chosen(tmp_path):
    letter(tmp_path, "--level", "formal-notice", "--on", "2026-06-30", "--deadline-days", "15")
    text = flat(docx_text((tmp_path / f"{LATE}-formal-notice.docx").read_bytes()))
    assert "dans un délai de 15 jours, soit au plus tard le 15 juillet 2026" in text


def test_a_reminder_is_courteous_and_imitates_no_official_act(tmp_path):
    result = letter(tmp_path, "--on", "2026-06-01")
    assert result.exit_code == 0, result.output
    text = flat(docx_text((tmp_path / f"{LATE}-reminder.docx").read_bytes()))
    row = dues_json(B2B, "2026-06-01", LATE)
    assert euros(row["outstanding"]) in text and euros(row["claimable"]) in text
    assert "Relance – facture impayée" in text and "simple oubli" in text
    assert "mise en demeure" not in text.lower()
    assert "Lettre recommandée" not in text
    for word in ("huissier", "commissaire de justice", "commandement", "tribunal",
                 "sommation", "saisie"):     # C. pén. 433-13
        assert word not in text.lower()


def test_a_second_reminder_announces_the_formal_notice(tmp_path):
    result = letter(tmp_path, "--level", "second-reminder", "--on", "2026-06-15")
    assert result.exit_code == 0, result.output
    text = flat(docx_text((tmp_path / f"{LATE}-second-reminder.docx").read_bytes()))
    assert "Seconde relance" in text and "26 jours" in text       # 20 May → 15 June
    assert "vous adresser une mise en demeure" in text
    assert "huissier" not in text.lower() and "tribunal" not in text.lower()


def test_no_formal_notice_for_an_invoice_not_yet_due(tmp_path):
    result = letter(tmp_path, "--level", "formal-notice", "--on", "2026-05-10")
    assert result.exit_code == 1
    assert "contract-b2b-late.yaml:" in result.output
    assert "is not yet due on 2026-05-10 (due 2026-05-20)" in result.output
    assert "[remind.not-due]" in result.output
    assert not list(tmp_path.iterdir())


def test_no_letter_for_an_unknown_or_a_paid_invoice(tmp_path):
    result = letter(tmp_path, "--on", "2026-06-30", number="FA-2099-0001")
    assert result.exit_code == 1
    assert "no invoice FA-2099-0001 in invoicing.invoices (known: FA-2026-0107, " \
           "FA-2026-0131)" in result.output
    result = letter(tmp_path, "--on", "2026-06-30", number="FA-2026-0107")
    assert result.exit_code == 1
    assert "invoice FA-2026-0107 is fully paid on 2026-06-30" in result.output
    assert not list(tmp_path.iterdir())


def test_a_notice_already_sent_is_said_with_its_date(tmp_path):
    path = FIXTURES / "dues" / "b2b.yaml"      # the same ledger, notice sent 10 June
    result = letter(tmp_path, "--level", "formal-notice", "--on", "2026-06-30", path=path)
    assert result.exit_code == 0, result.output
    assert "a formal notice for invoice FA-2026-0131 was already sent on 2026-06-10" \
        in result.output
    text = flat(docx_text((tmp_path / f"{LATE}-formal-notice.docx").read_bytes()))
    assert "Faisant suite à notre mise en demeure du 10 juin 2026" in text


@needs_libreoffice
def test_the_formal_notice_pdf_says_the_same_and_has_no_signature_field(tmp_path):
    result = letter(tmp_path, "--level", "formal-notice", "--on", "2026-06-30",
                    fmt_="both")
    assert result.exit_code == 0, result.output
    pdf = (tmp_path / f"{LATE}-formal-notice.pdf").read_bytes()
    text = flat(" ".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages))
    for words in ("Mise en demeure de payer", "Lettre recommandée avec accusé de réception",
                  "929,36 €", "9,59 €", "40,00 €", "978,95 €", "article 5",
                  "8 juillet 2026"):
        assert words in text
    info = read_pdf_info(pdf)
    assert info["signature_fields"] == []
    assert info["provenance"]["invoice"] == LATE
    assert info["provenance"]["clauses"][0]["id"] == "formal_notice"
    again = tmp_path / "again"
    letter(again, "--level", "formal-notice", "--on", "2026-06-30", fmt_="both")
    assert (again / f"{LATE}-formal-notice.pdf").read_bytes() == pdf


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_the_sample_letter_context_has_the_keys_of_the_real_one(lang, tmp_path):
    from contratgen.pipeline import Options
    from contratgen.collection.letters import letter_context, prepare_letter
    from contratgen.collection.samples import sample_letter
    import datetime
    real = letter_context(prepare_letter(B2B, LATE, "formal-notice",
                                         datetime.date(2026, 6, 30), Options()))["letter"]
    sample = sample_letter(lang, True, True)
    assert set(sample) == set(real) and set(sample["invoice"]) == set(real["invoice"])


# --- a consumer: no 40 €, the legal interest runs from the formal notice ----------------

B2C = SAMPLES / "quote-b2c-late.yaml"
BALANCE = "FA-2026-0355"


def test_a_consumer_reminder_claims_no_indemnity(tmp_path):
    result = letter(tmp_path, "--on", "2026-05-12", path=B2C, number=BALANCE)
    assert result.exit_code == 0, result.output
    text = flat(docx_text((tmp_path / f"{BALANCE}-reminder.docx").read_bytes()))
    row = dues_json(B2C, "2026-05-12", BALANCE)
    assert (row["outstanding"], row["interest"], row["indemnity"]) == \
        ("2599.20", "0.00", "0.00")      # the 1 500 € come on 15 May; no notice, no interest
    assert euros(row["outstanding"]) in text and "Sophie Moreau" in text
    assert "indemnité forfaitaire" not in text.lower() and "40,00" not in text
    assert "devis n° DV-2026-0212" in text


@needs_libreoffice
def test_a_consumer_formal_notice_starts_the_legal_interest(tmp_path):
    result = letter(tmp_path, "--level", "formal-notice", "--on", "2026-05-20", fmt_="both",
                    path=B2C, number=BALANCE)
    assert result.exit_code == 0, result.output
    assert "already sent" not in result.output   # the ledger's notice of that day is this one
    row = dues_json(B2C, "2026-05-20", BALANCE)
    docx = flat(docx_text((tmp_path / f"{BALANCE}-formal-notice.docx").read_bytes()))
    pdf = (tmp_path / f"{BALANCE}-formal-notice.pdf").read_bytes()
    text = flat(" ".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages))
    for body in (docx, text):
        assert "Mise en demeure de payer" in body
        assert "Nantes, le 20 mai 2026" in body
        assert "fait courir les intérêts au taux légal" in body and "1231-6" in body
        assert f"Total dû {euros(row['claimable'])}" in body and "1 099,20 €" in body
        assert "Lettre recommandée avec accusé de réception" in body
        assert "Indemnité forfaitaire" not in body and "28 mai 2026" in body


@needs_libreoffice
@pytest.mark.parametrize("path, number, level, on, words", [
    (B2B, LATE, "reminder", "2026-06-01", ("Relance – facture impayée", "922,96 €",
                                           "simple oubli", "IBAN")),
    (B2B, LATE, "second-reminder", "2026-06-15", ("Seconde relance", "26 jours",
                                                  "23 juin 2026")),
    (B2C, BALANCE, "reminder", "2026-05-12", ("Relance – facture impayée", "2 599,20 €",
                                              "Sophie Moreau")),
], ids=["b2b reminder", "b2b second reminder", "b2c reminder"])
def test_every_sample_letter_pdf_states_its_figures(path, number, level, on, words,
                                                    tmp_path):
    result = letter(tmp_path, "--level", level, "--on", on, fmt_="pdf", path=path,
                    number=number)
    assert result.exit_code == 0, result.output
    pdf = (tmp_path / f"{number}-{level}.pdf").read_bytes()
    text = flat(" ".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages))
    row = dues_json(path, on, number)
    assert f"Total dû {euros(row['claimable'])}" in text
    for word in words:
        assert word in text
    assert "huissier" not in text.lower() and "Lettre recommandée" not in text


def test_dues_over_a_folder_skips_the_instalment_agreements(tmp_path):
    import shutil
    for name in ("contract-b2b-late.yaml", "installment-agreement-b2b.yaml"):
        shutil.copy(SAMPLES / name, tmp_path / name)
    result = run("dues", tmp_path, "--on", "2026-06-30", "--json")
    assert result.exit_code == 0, result.output
    entries = {e["file"].rsplit("/", 1)[-1]: e["status"]
               for e in json.loads(result.stdout)["documents"]}
    assert entries == {"contract-b2b-late.yaml": "ok",
                       "installment-agreement-b2b.yaml": "skipped"}


@pytest.mark.parametrize("args", [
    ("remind", "--invoice", LATE, "--format", "docx"),
    ("invoice", "--penalties", LATE, "--penalty-number", "P-1", "--format", "docx")])
def test_a_letter_or_penalty_invoice_in_a_missing_half_year_is_a_located_error(tmp_path,
                                                                                args):
    # before: a warning, and the days of July priced at the rates of 2026-H1
    command, *rest = args
    result = CliRunner().invoke(main, [command, str(B2B), *rest, "--on", "2026-07-15",
                                       "-o", str(tmp_path / "out")])
    assert result.exit_code == 1 and "Traceback" not in result.output
    line = next(i for i, text in enumerate(B2B.read_text().splitlines(), 1)
                if "number: FA-2026-0131" in text)
    assert f"contract-b2b-late.yaml:{line}:7: error: FA-2026-0131:" in result.output
    assert "2nd half 2026 (2026-H2)" in result.output and "[rates.missing]" in result.output
    assert not (tmp_path / "out").exists()
