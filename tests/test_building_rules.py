"""The building trades' rules (contratgen/legal/building.py, LEGAL_FR.md Version 3): each
one on both sides of its boundary, through the real pipeline, its diagnostic located at
the YAML node; and what the documents print."""
from __future__ import annotations

from pathlib import Path

import pytest

from contratgen.pipeline import prepare, render_document
from conftest import docx_text
from support.rules import (CONSUMER_PROVIDER, PAYMENT, PROVIDER, at, client_yaml,
                           consumer_yaml, diagnostics, of, only)

CERTIFICATE = Path(__file__).resolve().parent.parent / "samples/attestations/decennale-2026.pdf"
INSURANCE = ("  insurance: {insurer: SMABTP, policy: DEC-1, kind: decennale, territory: France,"
             " certificate: cert.pdf}\n")
BUILDER = PROVIDER + "  building_trade: true\n" + INSURANCE
RETENTION = "  retention: {percent: 5, consignee: Caisse des dépôts}\n"
WITH_CLAUSE = "clauses:\n  - billing\n  - retention_guarantee\n"
NBSP = "\u00a0"


@pytest.fixture(autouse=True)
def certificate(tmp_path):
    (tmp_path / "cert.pdf").write_bytes(CERTIFICATE.read_bytes())


def works(payment=PAYMENT + RETENTION, clauses=WITH_CLAUSE, **kw) -> str:
    return client_yaml(provider=kw.pop("provider", BUILDER), payment=payment, clauses=clauses,
                       **kw)


def printed(tmp_path: Path, text: str) -> str:
    path = tmp_path / "doc.yaml"
    path.write_text(text, encoding="utf-8")
    return docx_text(render_document(prepare(path))).replace(NBSP, " ").replace("\u202f", " ")


# --- legal.retention-guarantee ---------------------------------------------------------------

def test_a_5_percent_retention_consigned_with_its_clause_passes(tmp_path):
    assert not of(diagnostics(tmp_path, works()), "legal.retention-guarantee")


@pytest.mark.parametrize("written, needle, words", [
    ("{percent: 5.01, consignee: Caisse des dépôts}", "5.01", "at most 5 %"),
    ("{percent: 5, release_days: 366, consignee: Caisse des dépôts}", "366", "at most a year"),
])
def test_a_retention_past_its_limit_is_an_error_at_the_value(tmp_path, written, needle, words):
    text = works(payment=PAYMENT + f"  retention: {written}\n")
    d = only(diagnostics(tmp_path, text), "legal.retention-guarantee")
    assert d.is_error and at(d, text, needle) and words in d.message.replace(NBSP, " ")
    assert "71-584" in d.message


def test_a_retention_neither_consigned_nor_bonded_is_an_error(tmp_path):
    text = works(payment=PAYMENT + "  retention: {percent: 5}\n")
    d = only(diagnostics(tmp_path, text), "legal.retention-guarantee")
    assert d.is_error and at(d, text, "retention:") and "consigned" in d.message


def test_a_bond_replaces_the_consignee(tmp_path):
    text = works(payment=PAYMENT + "  retention: {percent: 5, bond: true}\n")
    assert not of(diagnostics(tmp_path, text), "legal.retention-guarantee")


def test_a_retention_without_its_clause_is_an_error(tmp_path):
    text = works(clauses="clauses:\n  - billing\n")
    d = only(diagnostics(tmp_path, text), "legal.retention-guarantee")
    assert at(d, text, "{percent: 5, consignee") and "retention_guarantee" in d.message


def test_a_retention_written_as_a_late_tranche_is_an_error_at_its_label(tmp_path):
    schedule = ("  schedule:\n"
                "    - {label: Travaux, percent: 95, due: final_delivery}\n"
                "    - {label: Retenue de garantie, percent: 5, due: {days_after: final_delivery,"
                " days: 425}}\n")
    text = works(payment=PAYMENT + schedule, clauses="clauses:\n  - billing\n")
    d = only(diagnostics(tmp_path, text), "legal.retention-guarantee")
    assert at(d, text, "Retenue de garantie") and "payment.retention" in d.message


LEDGER = ("invoicing:\n  invoices:\n"
          "    - {tranche: 1, number: FA-1, date: 2026-03-20}\n")


@pytest.mark.parametrize("asked, accepted, severity", [
    ("2027-04-16", "2026-04-15", None), ("2027-04-14", "2026-04-15", "warning")])
def test_the_release_is_asked_a_year_after_acceptance(tmp_path, asked, accepted, severity):
    text = works(document=DOC_ACCEPTED.format(accepted=accepted),
                 extra=LEDGER + f"  retention_release: {{number: RG-1, date: {asked}}}\n")
    found = of(diagnostics(tmp_path, text), "legal.retention-guarantee")
    assert [d.severity for d in found] == ([severity] if severity else [])
    if severity:
        assert at(found[0], text, asked) and "2027-04-15" in found[0].message


DOC_ACCEPTED = ("document:\n  type: contract\n  number: T-1\n  date: 2026-03-02\n  place: Paris\n"
                "  performance: {{start: 2026-03-10, end: 2026-04-10, accepted_works: {accepted}}}\n")


def test_a_release_without_acceptance_of_the_works_is_an_error(tmp_path):
    text = works(extra=LEDGER + "  retention_release: {number: RG-1, date: 2027-04-16}\n")
    d = only(diagnostics(tmp_path, text), "legal.retention-guarantee")
    assert d.is_error and at(d, text, "{number: RG-1") and "accepted_works" in d.message


def test_a_release_under_a_bond_is_an_error(tmp_path):
    text = works(payment=PAYMENT + "  retention: {percent: 5, bond: true}\n",
                 extra=LEDGER + "  retention_release: {number: RG-1, date: 2027-04-16}\n")
    d = only(diagnostics(tmp_path, text), "legal.retention-guarantee")
    assert at(d, text, "{number: RG-1") and "nothing was withheld" in d.message


# --- legal.progress-invoices -------------------------------------------------------------------

def situations(*progress: str) -> str:
    return "invoicing:\n  invoices:\n" + "".join(
        f"    - {{situation: {n}, number: FS-{n}, date: 2026-04-{10 + n}, progress: {p}}}\n"
        for n, p in enumerate(progress, start=1))


def test_progress_going_forward_passes(tmp_path):
    text = works(extra=situations("{1: 40}", "{1: 100}"))
    assert not of(diagnostics(tmp_path, text), "legal.progress-invoices")


def test_progress_going_back_is_an_error_at_its_line(tmp_path):
    text = works(extra=situations("{1: 60}", "{1: 40}"))
    d = only(diagnostics(tmp_path, text), "legal.progress-invoices")
    assert d.is_error and at(d, text, "40}}") and "goes back from 60 % to 40 %" in d.message


def test_progress_past_100_percent_is_a_located_error(tmp_path):
    text = works(extra=situations("{1: 101}"))
    found = diagnostics(tmp_path, text)
    assert any(d.is_error and at(d, text, "101") for d in found), [str(d) for d in found]


def test_a_situation_of_an_unknown_line_is_an_error(tmp_path):
    text = works(extra=situations("{2: 10}"))
    d = only(diagnostics(tmp_path, text), "legal.progress-invoices")
    assert at(d, text, "10}}") and "item line 2 does not exist" in d.message


# --- legal.decennale-certificate -----------------------------------------------------------------

def test_a_decennale_without_its_certificate_is_an_error(tmp_path):
    text = works(provider=BUILDER.replace(", certificate: cert.pdf", ""))
    d = only(diagnostics(tmp_path, text), "legal.decennale-certificate")
    assert d.is_error and at(d, text, "insurance:") and "L243-2" in d.message


def test_professional_liability_needs_no_certificate(tmp_path):
    text = works(provider=BUILDER.replace(", certificate: cert.pdf", "").replace(
        "decennale", "rc_pro"))
    assert not of(diagnostics(tmp_path, text), "legal.decennale-certificate")


def test_a_missing_certificate_file_is_located_at_its_name(tmp_path):
    text = works(provider=BUILDER.replace("cert.pdf", "absent.pdf"))
    d = only(diagnostics(tmp_path, text), "annexes.missing")
    assert at(d, text, "absent.pdf")


def test_the_certificate_is_annexed_and_said_to_be(tmp_path):
    text = works()
    out = printed(tmp_path, text)
    assert "L'attestation d'assurance est jointe en annexe au présent document" in out
    assert "Attestation d'assurance de responsabilité civile décennale" in out   # annex list
    prepared = prepare(tmp_path / "doc.yaml")
    assert prepared.annexes == (tmp_path / "cert.pdf",)


# --- legal.subcontractor ---------------------------------------------------------------------------

SUB = BUILDER + "  subcontractor: true\n"
MAIN = "main_contract: {owner: SCI Les Tilleuls, accepted: 2026-03-01, guarantee: caution}\n"
REVERSE = "vat: {regime: reverse_charge, ground: \"CGI art. 283, 2 nonies\"}\n"
ITEMS_0 = "items:\n  - {description: Lot électricité, quantity: 1, unit_price: 1000, vat_rate: 0}\n"
CLIENT_VAT = "  vat_number: FR96552100554\n"


def subcontract(main=MAIN, vat=REVERSE, clauses="clauses:\n  - billing\n  - subcontract\n"):
    from support.rules import CLIENT
    return client_yaml(provider=SUB, client=CLIENT + CLIENT_VAT, items=ITEMS_0,
                       clauses=clauses, extra=main + vat)


def test_an_accepted_and_guaranteed_subcontract_passes(tmp_path):
    assert not of(diagnostics(tmp_path, subcontract()), "legal.subcontractor")


def test_a_subcontract_without_a_guarantee_is_void_an_error(tmp_path):
    text = subcontract(main=MAIN.replace(", guarantee: caution", ""))
    d = only(diagnostics(tmp_path, text), "legal.subcontractor")
    assert d.is_error and at(d, text, "main_contract:") and "void" in d.message


def test_a_subcontractor_not_yet_accepted_is_warned(tmp_path):
    text = subcontract(main=MAIN.replace("accepted: 2026-03-01, ", ""))
    d = only(diagnostics(tmp_path, text), "legal.subcontractor")
    assert d.severity == "warning" and "art. 3" in d.message


def test_a_subcontractor_names_its_main_contract(tmp_path):
    text = subcontract(main="")
    d = only(diagnostics(tmp_path, text), "legal.subcontractor")
    assert d.is_error and "main_contract" in d.message


def test_building_works_subcontracted_are_reverse_charged(tmp_path):
    text = subcontract(vat="")
    found = of(diagnostics(tmp_path, text), "legal.subcontractor")
    assert any("283-2 nonies" in d.message for d in found)


def test_the_main_contractors_clause_is_refused_to_a_subcontractor(tmp_path):
    text = subcontract(clauses="clauses:\n  - billing\n  - subcontracting\n")
    found = of(diagnostics(tmp_path, text), "legal.subcontractor")
    assert {("subcontracting" in d.message and "side" in d.message) for d in found} >= {True}
    assert any("direct action" in d.message for d in found)


def test_the_subcontract_recalls_acceptance_guarantee_direct_action_reverse_charge(tmp_path):
    out = printed(tmp_path, subcontract())
    for words in ("entrepreneur principal", "SCI Les Tilleuls", "caution personnelle et solidaire",
                  "action directe contre le maître de l'ouvrage", "283, 2 nonies"):
        assert words in out


# --- legal.works-guarantees -------------------------------------------------------------------------

CONSUMER_BUILDER = CONSUMER_PROVIDER + "  building_trade: true\n" + INSURANCE
WORKS_BOX = "Garanties légales des travaux"


def test_a_consumers_works_document_prints_the_three_guarantees(tmp_path):
    out = printed(tmp_path, consumer_yaml(provider=CONSUMER_BUILDER))
    assert WORKS_BOX in out
    for words in ("parfait achèvement, pendant un an", "au moins deux ans", "décennale, pendant dix ans"):
        assert words in out


@pytest.mark.parametrize("text", [
    lambda: client_yaml(provider=BUILDER),            # a business client
    lambda: consumer_yaml(),                          # not a building trade
])
def test_others_print_no_works_box(tmp_path, text):
    assert WORKS_BOX not in printed(tmp_path, text())


def test_a_template_without_the_mentions_paragraph_cannot_print_the_guarantees(tmp_path):
    import zipfile
    from contratgen.render.docx import SHIPPED_TEMPLATES
    with zipfile.ZipFile(Path(SHIPPED_TEMPLATES) / "contract.docx") as src, \
            zipfile.ZipFile(tmp_path / "firm.docx", "w") as dst:
        for info in src.infolist():
            data = src.read(info)
            if info.filename == "word/document.xml":
                data = data.replace(b"{{p mentions }}", b"")
            dst.writestr(info, data)
    from support.rules import DOCUMENT
    text = consumer_yaml(provider=CONSUMER_BUILDER,
                         document=DOCUMENT + "  template: firm.docx\n")
    d = only(diagnostics(tmp_path, text), "legal.works-guarantees")
    assert d.is_error and at(d, text, "firm.docx") and "mentions" in d.message
