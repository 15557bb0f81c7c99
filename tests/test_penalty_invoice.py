"""The penalty invoice (contratgen invoice FILE --penalties INVOICE): the late interest and
the 40 € indemnity of the late tranche of the B2B sample, outside the scope of VAT
(EN 16931 category O), valid against the Factur-X XSD and the EN 16931 schematron."""
import datetime
import io
from decimal import Decimal as D

import facturx
from click.testing import CliRunner
from pypdf import PdfReader

from conftest import SAMPLES, docx_text, needs_libreoffice
from contratgen.cli import main
from contratgen.collection.penalty import prepare_penalty
from contratgen.invoicing.cii import NSMAP
from contratgen.invoicing.document import xml_for
from contratgen.invoicing.facturx import embedded_xml
from support.einvoice import values

B2B = SAMPLES / "contract-b2b-late.yaml"
ON = datetime.date(2026, 6, 30)
SPACES = str.maketrans({"\u202f": " ", "\u00a0": " "})


def penalty_xml(on=ON):
    penalty = prepare_penalty(B2B, "FA-2026-0131", "FA-2026-0201", on)
    return xml_for(penalty.prepared, penalty.invoice), penalty.invoice


def run(tmp_path, *args):
    return CliRunner().invoke(main, ["invoice", str(B2B), "-o", str(tmp_path), *args])


def test_the_penalty_invoice_claims_the_interest_and_the_indemnity_of_dues():
    xml, invoice = penalty_xml()
    # docs/COLLECTION.md, worked example 2: the 1 000 € of 30 May paid the 6,40 € of
    # interest accrued then (C. civ. 1343-1); 9,59 € of interest on the 929,36 € left run
    # from 31 May to 30 June; with the 40 € indemnity: 49,59 € (before: 15,93 + 40, the
    # interest already paid claimed again)
    assert [line.net for line in invoice.lines] == [D("9.59"), D("40.00")]
    assert "du 31 mai 2026 au 30 juin 2026" in invoice.lines[0].description
    assert values(xml, "//ram:GrandTotalAmount") == ["49.59"]
    assert values(xml, "//ram:DuePayableAmount") == ["49.59"]
    assert values(xml, "//ram:TaxTotalAmount") == ["0.00"]


def test_it_is_outside_the_scope_of_vat():
    xml, _ = penalty_xml()
    assert set(values(xml, "//ram:CategoryCode")) == {"O"}
    assert values(xml, "//ram:ExemptionReasonCode") == ["VATEX-EU-O"]
    assert values(xml, "//ram:ExemptionReason") == ["Indemnités de retard, hors champ de la TVA"]
    assert values(xml, "//ram:RateApplicablePercent") == []                    # BR-O-05
    assert values(xml, "//ram:SpecifiedTaxRegistration/ram:ID[@schemeID='VA']") == []  # BR-O-02


def test_the_xml_is_valid_against_the_xsd_and_the_en16931_schematron(schematron):  # noqa: F811
    xml, _ = penalty_xml()
    assert facturx.xml_check_xsd(xml, flavor="factur-x", level="en16931")
    assert schematron(xml) == []


def test_the_schematron_would_refuse_a_vat_number_on_it(schematron):  # noqa: F811
    xml, _ = penalty_xml()
    broken = xml.replace(b"<ram:URIUniversalCommunication>",
                         b"<ram:SpecifiedTaxRegistration><ram:ID schemeID=\"VA\">FR44732829320"
                         b"</ram:ID></ram:SpecifiedTaxRegistration>"
                         b"<ram:URIUniversalCommunication>", 1)
    assert "BR-O-02" in {rule for rule, _ in schematron(broken)} or \
        not facturx.xml_check_xsd(broken, flavor="factur-x", level="en16931")


def test_refusals(tmp_path):
    result = run(tmp_path, "--penalties", "FA-2026-0107", "--penalty-number", "P-1",
                 "--on", "2026-06-30", "--format", "docx")
    assert result.exit_code == 1      # paid on time: 0 interest, no indemnity
    assert "invoice FA-2026-0107 owes no late interest nor indemnity on 2026-06-30" \
        in result.output
    result = run(tmp_path, "--penalties", "FA-2026-0131", "--penalty-number",
                 "FA-2026-0107", "--on", "2026-06-30", "--format", "docx")
    assert result.exit_code == 1 and "FA-2026-0107 is already used" in result.output
    result = run(tmp_path, "--penalties", "FA-2026-0131", "--on", "2026-06-30")
    assert result.exit_code == 2 and "--penalty-number" in result.output
    assert not list(tmp_path.iterdir())


@needs_libreoffice
def test_the_penalty_invoice_is_a_factur_x_pdf_with_the_figures(tmp_path):
    result = run(tmp_path, "--penalties", "FA-2026-0131", "--penalty-number", "FA-2026-0201",
                 "--on", "2026-06-30", "--format", "both")
    assert result.exit_code == 0, result.output
    pdf = (tmp_path / "FA-2026-0201.pdf").read_bytes()
    xml = embedded_xml(pdf)
    assert values(xml, "//ram:GrandTotalAmount") == ["49.59"]
    # a line may end after a hyphen of "FA-2026-0131" (the description column wraps)
    text = " ".join(" ".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages)
                    .replace("-\n", "-").translate(SPACES).split())
    docx = " ".join(docx_text((tmp_path / "FA-2026-0201.docx").read_bytes())
                    .translate(SPACES).split())
    for words in ("Pénalités de retard sur la facture FA-2026-0131, du 31 mai 2026 au "
                  "30 juin 2026", "9,59 €", "40,00 €", "49,59 €",
                  "Indemnités de retard, hors champ de la TVA"):
        assert words in text and words in docx
    assert NSMAP["ram"] in xml.decode()


def test_the_xml_passes_the_factur_x_schematron(validators):  # noqa: F811
    xml, _ = penalty_xml()
    assert validators["factur-x"](xml) == []


def test_an_invoice_paid_late_gets_its_penalties_to_the_day_of_payment(write, tmp_path):
    # payments imputed on the principal (the concession, payment.imputation)
    text = B2B.read_text().replace("  late_penalty_rate: legal_default\n",
                                   "  late_penalty_rate: legal_default\n"
                                   "  imputation: principal_first\n")
    text += "    - {invoice: FA-2026-0131, date: 2026-06-15, amount: 922.96}\n"
    path = write("paid-late.yaml", text)
    penalty = prepare_penalty(path, "FA-2026-0131", "FA-2026-0201", ON)
    # 21–30 May on 1 922,96 (6,401077… → 6,40) + 31 May–15 June, 16 days, on 922,96:
    # 922,96 × 12,15 × 16 / 36 500 = 4,915691… → 4,92; 11,32 €; and the 40 €
    assert [line.net for line in penalty.invoice.lines] == [D("11.32"), D("40.00")]
    assert "du 21 mai 2026 au 15 juin 2026" in penalty.invoice.lines[0].description
    result = CliRunner().invoke(main, ["remind", str(path), "--invoice", "FA-2026-0131",
                                       "--on", "2026-06-30", "-o", str(tmp_path / "o")])
    assert result.exit_code == 1 and "is fully paid on 2026-06-30" in result.output


def test_paying_the_principal_left_pays_the_interest_first_and_leaves_principal(write):
    # interest first: on 15 June the 922,96 € pay 929,36 × 12,15 × 16 / 36 500 = 4,9498 →
    # 4,95 € of interest, then 918,01 € of principal: 11,35 € of principal stay due, and
    # run 16–30 June: 11,35 × 12,15 × 15 / 36 500 = 0,0560 → 0,06 €
    text = B2B.read_text() + "    - {invoice: FA-2026-0131, date: 2026-06-15, amount: 922.96}\n"
    penalty = prepare_penalty(write("paid.yaml", text), "FA-2026-0131", "FA-2026-0201", ON)
    assert [line.net for line in penalty.invoice.lines] == [D("0.06"), D("40.00")]
    assert "du 16 juin 2026 au 30 juin 2026" in penalty.invoice.lines[0].description
