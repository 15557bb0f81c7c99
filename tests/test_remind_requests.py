"""remind --level injunction | small-claims: after a formal notice, the request for an
injonction de payer (CPC 1405-1407) and the small-claims request (CPCE L125-1); refused
with a located error when no formal notice was sent (CPC 750-1). And --level courtesy.

The B2B sample's late invoice FA-2026-0131 on 30 June 2026 (docs/COLLECTION.md, worked
example 2), payments imputed on interest first (C. civ. 1343-1): 929,36 € principal +
9,59 € penalties still due + 40 € = 978,95 €.
"""
import re

import pytest
from click.testing import CliRunner

from conftest import SAMPLES, docx_text
from contratgen.cli import main
from support.portfolio import write_deal

LATE = "FA-2026-0131"
SPACES = str.maketrans({"\u202f": " ", "\u00a0": " "})


def flat(text: str) -> str:
    return " ".join(text.translate(SPACES).split())


def with_ledger(tmp_path, extra: str):
    text = (SAMPLES / "contract-b2b-late.yaml").read_text("utf-8")
    path = tmp_path / "deal.yaml"
    path.write_text(text + extra, "utf-8")
    return path


NOTICE = "  notices:\n    - {invoice: FA-2026-0131, date: 2026-06-10}\n"
SENT = ("  sent:\n    - {invoice: FA-2026-0131, level: reminder, date: 2026-05-27, "
        "channel: email}\n    - {invoice: FA-2026-0131, level: formal-notice, date: "
        "2026-06-19, channel: registered-post}\n")


def remind(path, level, on="2026-06-30", out=None):
    out = out or path.parent / "out"
    result = CliRunner().invoke(main, ["remind", str(path), "--invoice", LATE, "--level",
                                       level, "--on", on, "-o", str(out), "--format", "docx"])
    return result, out / f"{LATE}-{level}.docx"


@pytest.mark.parametrize("level", ["injunction", "small-claims"])
def test_a_request_without_a_formal_notice_is_refused_where_the_invoice_is(tmp_path, level):
    path = with_ledger(tmp_path, "")
    result, file = remind(path, level)
    assert result.exit_code == 1
    line = path.read_text().splitlines().index(
        "    - {tranche: 2, number: FA-2026-0131, date: 2026-04-20}") + 1
    assert re.search(rf"deal\.yaml:{line}:\d+: error: no formal notice was sent for invoice "
                     rf"FA-2026-0131 .* \[remind\.no-formal-notice\]", result.output)
    assert not file.exists()


@pytest.mark.parametrize("extra", [NOTICE, SENT])
def test_a_formal_notice_in_notices_or_in_sent_opens_the_request(tmp_path, extra):
    result, file = remind(with_ledger(tmp_path, extra), "injunction")
    assert result.exit_code == 0, result.output
    assert file.exists()


def test_the_injunction_request_has_every_element_of_cpc_1407(tmp_path):
    result, file = remind(with_ledger(tmp_path, SENT), "injunction")
    assert result.exit_code == 0, result.output
    text = flat(docx_text(file.read_bytes()))
    assert "Requête en injonction de payer" in text
    # the court (CPC 1406): both parties are traders
    assert "Président du tribunal de commerce" in text and "(C. proc. civ. art. 1406)" in text
    # the parties: the applicant and the debtor, identified
    assert "Requérant (créancier) Atelier Dupont & Fils SARL" in text
    assert "Débiteur Boulangerie Martin SAS" in text and "SIREN : 552 100 554" in text
    # the amount and its breakdown: principal, interest, 40 €
    assert "d'une somme de 978,95 €, arrêtée au 30 juin 2026" in text
    assert "principal restant dû : 929,36 €" in text
    assert "courues depuis le 21 mai 2026 et restant dues après imputation des paiements " \
           "(C. civ. art. 1343-1) : 9,59 €" in text
    assert "(C. com. art. L441-10 et D441-5) : 40,00 €" in text and "total : 978,95 €" in text
    # the ground
    assert "La créance est contractuelle : elle résulte du contrat n° CT-2026-0042 du " \
           "2 mars 2026" in text
    assert "malgré la mise en demeure du 19 juin 2026" in text
    # the documents
    bordereau = text[text.index("Bordereau des pièces"):]
    for document in ("le contrat n° CT-2026-0042 du 2 mars 2026",
                     "la facture n° FA-2026-0131 du 20 avril 2026",
                     "Relance – facture impayée du 27 mai 2026 (courriel)",
                     "la mise en demeure du 19 juin 2026 et l'avis de réception"):
        assert document in bordereau
    assert "Lettre recommandée" not in text      # a request, not a letter to the debtor


def test_a_notice_whose_deadline_has_not_run_out_is_a_warning(tmp_path):
    result, file = remind(with_ledger(tmp_path, SENT), "injunction", on="2026-06-22")
    assert result.exit_code == 0
    assert "[remind.notice-deadline]" in result.output and file.exists()


def test_the_small_claims_request_names_the_procedure_and_its_limit(tmp_path):
    result, file = remind(with_ledger(tmp_path, NOTICE), "small-claims")
    assert result.exit_code == 0, result.output
    text = flat(docx_text(file.read_bytes()))
    assert "Demande de recouvrement d'une petite créance" in text
    assert "procédure simplifiée de recouvrement des petites créances (CPCE art. L125-1)" \
        in text
    assert "n'excède pas 5 000 €" in text and "total : 978,95 €" in text
    assert "dans un délai d'un mois" in text and "titre exécutoire" in text


def test_a_claim_over_5000_euros_goes_to_the_injunction_not_small_claims(tmp_path):
    # 4 200 € + 20 % VAT = 5 040 € of principal, due 1 April 2026
    path = write_deal(tmp_path, 1, __import__("datetime").date(2026, 3, 2),
                      __import__("decimal").Decimal("4200"))
    path.write_text(path.read_text() + "  notices:\n    - {invoice: FA-2026-0001, "
                    "date: 2026-05-04}\n")
    result = CliRunner().invoke(main, ["remind", str(path), "--invoice", "FA-2026-0001",
                                       "--level", "small-claims", "--on", "2026-05-20",
                                       "-o", str(tmp_path / "out"), "--format", "docx"])
    assert result.exit_code == 1
    assert "exceeds the 5000.00 of the small-claims procedure" in result.output
    assert "[remind.small-claims-limit]" in result.output
    result = CliRunner().invoke(main, ["remind", str(path), "--invoice", "FA-2026-0001",
                                       "--level", "injunction", "--on", "2026-05-20",
                                       "-o", str(tmp_path / "out"), "--format", "docx"])
    assert result.exit_code == 0, result.output


def test_a_courtesy_reminder_before_the_due_date_is_no_claim(tmp_path):
    path = with_ledger(tmp_path, "")
    result, file = remind(path, "courtesy", on="2026-05-17")
    assert result.exit_code == 0, result.output
    assert "not yet due" not in result.output
    text = flat(docx_text(file.read_bytes()))
    assert "Rappel d'échéance" in text and "arrive à échéance le 20 mai 2026" in text
    assert "mise en demeure" not in text.lower()
    body = text[text.index("Madame, Monsieur"):text.index("Coordonnées bancaires")]
    assert "pénalités" not in body.lower() and "indemnité" not in body.lower()
