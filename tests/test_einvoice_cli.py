"""contratgen invoice --syntax cii|ubl: the XML a platform asks for, validated before
anything is written; a failure is a located error naming the rule and the field."""
import pytest
import yaml
from click.testing import CliRunner
from lxml import etree

from contratgen.cli import main
from support.einvoice_cases import B2B, CASES

NUMBERS = ("FA-2026-0107", "FA-2026-0131", "FA-2026-0190")


def run(*args):
    return CliRunner().invoke(main, ["invoice", *map(str, args)])


def sample(**changes) -> dict:
    data = yaml.safe_load(B2B.read_text("utf-8"))
    for path, value in changes.items():
        *parents, last = path.split("__")
        target = data
        for key in parents:
            target = target[key]
        target[last] = value
    return data


def write_yaml(path, data) -> str:
    text = yaml.safe_dump(data, allow_unicode=True, sort_keys=False)
    path.write_text(text, "utf-8")
    return text


def test_ubl_writes_one_xml_per_invoice(tmp_path):
    result = run(B2B, "-o", tmp_path / "out", "--syntax", "ubl")
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == [f"{n}.xml" for n in NUMBERS]
    root = etree.parse(str(tmp_path / "out" / "FA-2026-0190.xml")).getroot()
    assert root.tag == "{urn:oasis:names:specification:ubl:schema:xsd:Invoice-2}Invoice"


def test_cii_writes_the_cross_industry_invoice(tmp_path):
    result = run(B2B, "-o", tmp_path, "--syntax", "cii", "--number", "FA-2026-0107")
    assert result.exit_code == 0, result.output
    root = etree.parse(str(tmp_path / "FA-2026-0107.xml")).getroot()
    assert root.tag.endswith("}CrossIndustryInvoice")


def test_a_credit_note_is_built_in_ubl_as_a_credit_note(tmp_path):
    source = tmp_path / "deal.yaml"
    source.write_text(CASES["credit note of an advance"].text(), "utf-8")
    result = run(source, "-o", tmp_path / "out", "--syntax", "ubl", "--number", "AV-2026-0003")
    assert result.exit_code == 0, result.output
    root = etree.parse(str(tmp_path / "out" / "AV-2026-0003.xml")).getroot()
    assert root.tag.endswith("}CreditNote")


def test_a_rule_failure_is_located_at_its_field_and_nothing_is_written(tmp_path):
    source = tmp_path / "deal.yaml"
    text = write_yaml(source, sample(client__electronic_address="0225:999999999"))
    result = run(source, "-o", tmp_path / "out", "--syntax", "ubl")
    assert result.exit_code == 1
    line = next(i for i, row in enumerate(text.splitlines(), 1)
                if "electronic_address" in row)
    assert f"deal.yaml:{line}:" in result.output
    assert "BR-FR-21_BT-49" in result.output and "client.electronic_address" in result.output
    assert "[invoice.einvoice-invalid]" in result.output
    assert not (tmp_path / "out").exists() or not any((tmp_path / "out").iterdir())


def test_a_february_2026_invoice_to_a_business_without_siren_is_built(tmp_path):
    data = sample(document__date="2026-02-02")
    del data["client"]["siren"]
    data["invoicing"]["invoices"][0]["date"] = "2026-02-10"
    source = tmp_path / "deal.yaml"
    write_yaml(source, data)
    result = run(source, "-o", tmp_path / "out", "--syntax", "cii")
    assert result.exit_code == 0, result.output
    assert "SIREN" not in result.output


def test_a_german_buyer_without_siren_is_built(tmp_path):
    source = tmp_path / "deal.yaml"
    source.write_text(CASES["German buyer (no SIREN, out of BR-FR)"].text(), "utf-8")
    result = run(source, "-o", tmp_path / "out", "--syntax", "ubl")
    assert result.exit_code == 0, result.output
    assert len(list((tmp_path / "out").iterdir())) == 3


def test_a_credit_note_over_what_the_invoice_charged_is_refused(tmp_path):
    data = sample()
    data["invoicing"]["credit_notes"] = [
        {"number": "AV-1", "date": "2026-06-10", "cancels": "FA-2026-0190",
         "reason": "Remise", "amount": 1000},
        {"number": "AV-2", "date": "2026-06-11", "cancels": "FA-2026-0190",
         "reason": "Remise", "amount": 442.23}]   # 1 442,23 > the 1 442,22 it charged
    source = tmp_path / "deal.yaml"
    write_yaml(source, data)
    result = run(source, "-o", tmp_path / "out", "--syntax", "cii")
    assert result.exit_code == 1
    assert "credit note AV-2 brings the credit on FA-2026-0190 to 1442.23, more than the " \
           "1442.22 it charged [invoice.credit-note]" in result.output
    assert not (tmp_path / "out").exists()


def test_a_credit_note_of_an_unknown_invoice_is_located(tmp_path):
    data = sample()
    data["invoicing"]["credit_notes"] = [
        {"number": "AV-1", "date": "2026-06-10", "cancels": "FA-2026-9999", "reason": "x"}]
    source = tmp_path / "deal.yaml"
    write_yaml(source, data)
    result = run(source, "-o", tmp_path / "out", "--syntax", "ubl")
    assert result.exit_code == 1 and "FA-2026-9999, which is not an invoice" in result.output


def test_a_validation_verdict_is_kept_only_in_a_private_cache(tmp_path, monkeypatch):
    import os
    shared = tmp_path / "shared-cache"
    shared.mkdir(mode=0o777)
    os.chmod(shared, 0o777)   # another account could plant a verdict here
    monkeypatch.setenv("CONTRATGEN_CACHE_DIR", str(shared))
    result = run(B2B, "-o", tmp_path / "out", "--syntax", "cii", "--number", "FA-2026-0107")
    # refused with a clear error (contratgen.private), never used
    assert result.exit_code == 3 and "refusing to use it" in result.output
    assert not any(shared.iterdir())
    private = tmp_path / "private-cache"
    monkeypatch.setenv("CONTRATGEN_CACHE_DIR", str(private))
    result = run(B2B, "-o", tmp_path / "out", "--syntax", "cii", "--number", "FA-2026-0107")
    assert result.exit_code == 0, result.output
    assert (private.stat().st_mode & 0o777) == 0o700
    (verdict,) = (private / "verdicts" / "einvoice-verdict").iterdir()
    assert verdict.suffix == ".json"   # plain data, never a pickle nor marshal


def test_format_goes_with_factur_x_only(tmp_path):
    result = run(B2B, "-o", tmp_path, "--syntax", "ubl", "--format", "docx")
    assert result.exit_code == 2 and "--syntax ubl writes <number>.xml alone" in result.output
    assert not any(tmp_path.iterdir())


def test_an_xsd_failure_names_the_element(tmp_path):
    from contratgen.invoicing.validation import validate
    xml = (b"<?xml version='1.0'?><Invoice xmlns='urn:oasis:names:specification:ubl:schema:"
           b"xsd:Invoice-2'><Oops/></Invoice>")
    (failure,) = validate(xml, "ubl", french=False)
    assert failure.check == "xsd" and "Oops" in failure.text


@pytest.mark.parametrize("rule, text, field", [
    ("BR-S-02", "An Invoice that contains an Invoice line (BG-25) where the Invoiced item "
     "VAT category code (BT-151) is \"Standard rated\" shall contain the Seller VAT "
     "Identifier (BT-31)", ("provider", "vat_number")),
    ("BR-FR-21_BT-49", "…", ("client", "electronic_address")),
    ("BR-FR-05_BT-22_PMT", "…", ("payment", "recovery_indemnity")),
    ("BR-CO-26", "the Seller identifier (BT-29), the Seller legal registration identifier "
     "(BT-30) and/or the Seller VAT identifier (BT-31) shall be present", ("provider", "siren")),
    ("BR-16", "An Invoice shall have at least one Invoice line (BG-25)",
     ("invoicing", "invoices", 0, "number")),
    ("BR-FR-03_BT-72", "…", ("invoicing", "invoices", 0, "supplied")),
])
def test_a_failure_is_located_at_the_field_behind_its_business_term(rule, text, field):
    from contratgen.invoicing.locate import field_of
    from contratgen.invoicing.pipeline import prepare_invoices
    from contratgen.invoicing.validation import Failure
    invoice = prepare_invoices(B2B).invoices[0]
    assert field_of(Failure("en16931", rule, text, "/"), invoice) == field
