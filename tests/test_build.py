"""client.yaml → DOCX, end to end, checked by reopening the DOCX with python-docx."""
import io
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import docx
import pytest
from click.testing import CliRunner

from contratgen.pipeline import build as build_outputs, prepare, render_document
from contratgen.output import safe_name, write_atomic
from contratgen.cli import main
from contratgen.render.docx import read_properties
from conftest import MINIMAL_PATH, SAMPLES, docx_text

NNBSP, NBSP = "\u202f", "\u00a0"


@pytest.fixture(scope="module")
def contract_text():
    return docx_text(render_document(prepare(SAMPLES / "contract-b2b.yaml")))


def test_contract_shows_both_parties_with_legal_mentions(contract_text):
    assert "Atelier Dupont & Fils SARL" in contract_text
    assert "Boulangerie Martin SAS" in contract_text
    assert "732 829 320" in contract_text and "RCS Paris" in contract_text
    assert f"15{NNBSP}000,00{NBSP}€" in contract_text


def test_contract_shows_lines_vat_and_totals(contract_text):
    # 3 × 650 = 1 950,00 ; 500 × 0,42 − 10 % = 189,00 ; 1 867,17 — all at 20 % (printed
    # loyalty cards are not books: no 5,5 %)
    for amount in ("1\u202f950,00", "189,00", "1\u202f867,17"):
        assert amount + NBSP + "€" in contract_text
    assert f"4{NNBSP}006,17{NBSP}€" in contract_text          # total HT
    assert f"801,23{NBSP}€" in contract_text                 # VAT 20 % on 4 006,17 (801,234)
    assert f"5,5{NBSP}%" not in contract_text
    assert f"4{NNBSP}807,40{NBSP}€" in contract_text          # TTC
    assert "quatre mille huit cent sept euros et quarante centimes" in contract_text


def test_contract_shows_tranches_that_sum_to_the_total(contract_text):
    # 30 % and 40 % of 4 807,40 rounded half-up; the last takes the remainder
    assert f"1{NNBSP}442,22{NBSP}€" in contract_text
    assert f"1{NNBSP}922,96{NBSP}€" in contract_text
    assert "à la livraison partielle" in contract_text


def test_contract_shows_the_applied_penalty_rate(contract_text):
    assert f"12,15{NBSP}%" in contract_text
    assert f"40,00{NBSP}€" in contract_text


def test_contract_has_numbered_articles_with_conspicuous_clauses_in_bold():
    data = render_document(prepare(SAMPLES / "contract-b2b.yaml"))
    document = docx.Document(io.BytesIO(data))
    headings = [p.text for p in document.paragraphs if p.style.name.startswith("Heading 2")]
    titles = [h for h in headings if h.startswith("Article ")]
    assert titles == [f"Article {n} – {t.split(' – ', 1)[1]}" for n, t in
                      enumerate(titles, start=1)] and len(titles) >= 6
    retention = next(i for i, p in enumerate(document.paragraphs)
                     if p.text.startswith("Article ") and "Réserve de propriété" in p.text)
    body = document.paragraphs[retention + 1]
    assert "complet paiement" in body.text
    assert all(run.bold for run in body.runs if run.text.strip())
    billing = document.paragraphs[next(i for i, p in enumerate(document.paragraphs)
                                       if p.text.startswith("Article ")
                                       and "facturation" in p.text) + 1]
    assert not all(run.bold for run in billing.runs if run.text.strip())


def test_signature_block(contract_text):
    assert contract_text.count("Bon pour accord") == 2
    assert "Jeanne Dupont" in contract_text and "Paul Martin" in contract_text
    assert "À Paris, le 2 mars 2026" in contract_text
    assert "2 exemplaires originaux" in contract_text


def test_english_document(sample, tmp_path):
    path = sample("contract-b2b.yaml")
    path.write_text(path.read_text().replace("language: fr", "language: en"))
    text = docx_text(render_document(prepare(path)))
    assert "€4,807.40" in text and "2 March 2026" in text
    assert "four thousand, eight hundred and seven euro, forty cents" in text
    assert "Agreed and accepted" in text


def test_quote_shows_validity_and_deposit():
    text = docx_text(render_document(prepare(SAMPLES / "quote-b2b.yaml")))
    assert "1 avril 2026" in text or "1er avril 2026" in text
    assert "Acompte à la commande" in text


def test_user_data_is_escaped_and_the_docx_opens(write, tmp_path):
    hostile = "Dupont & Fils <SARL> \"L'Atelier\""
    path = write("c.yaml", MINIMAL_PATH.read_text().replace(
        "name: Atelier Dupont", f"name: '{hostile.replace(chr(39), chr(39) * 2)}'"))
    data = render_document(prepare(path))
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        xml = package.read("word/document.xml").decode()
    assert "Dupont &amp; Fils &lt;SARL&gt;" in xml
    assert hostile in docx_text(data)


@pytest.mark.parametrize("number,expected", [
    ("CT-2026-0042", "CT-2026-0042"), ("../../etc/passwd", "etc_passwd"),
    ("a/b\\c", "a_b_c"), ("..", "document"), ("CON", "_CON"), ("Devis n° 7", "Devis_n_7"),
    ("x" * 300, "x" * 120)])
def test_file_names_are_safe(number, expected):
    assert safe_name(number) == expected


def test_a_hostile_number_cannot_write_outside_the_output_folder(write, tmp_path):
    path = write("c.yaml", MINIMAL_PATH.read_text().replace("number: T-1", "number: ../../escape"))
    out = tmp_path / "out"
    written, _ = build_outputs(path, out, ["docx"])
    assert [p.parent for p in written] == [out]
    assert not (tmp_path / "escape.docx").exists()


def test_two_builds_give_the_same_bytes(tmp_path):
    a, _ = build_outputs(SAMPLES / "contract-b2b.yaml", tmp_path / "a", ["docx"])
    b, _ = build_outputs(SAMPLES / "contract-b2b.yaml", tmp_path / "b", ["docx"])
    assert a[0].read_bytes() == b[0].read_bytes()


def test_builds_in_separate_processes_give_the_same_bytes(tmp_path):
    code = ("import sys; from pathlib import Path; from contratgen.pipeline import build; "
            "build(Path(sys.argv[1]), Path(sys.argv[2]), ['docx'])")
    for name in ("a", "b"):
        subprocess.run([sys.executable, "-c", code, str(SAMPLES / "quote-b2b.yaml"),
                        str(tmp_path / name)], check=True, env={**os.environ,
                                                                "PYTHONHASHSEED": name == "a" and "1" or "2"})
    assert (tmp_path / "a" / "DV-2026-0107.docx").read_bytes() == \
        (tmp_path / "b" / "DV-2026-0107.docx").read_bytes()


def test_zip_timestamps_come_from_the_document_date():
    data = render_document(prepare(SAMPLES / "contract-b2b.yaml"))
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        assert {i.date_time for i in package.infolist()} == {(2026, 3, 2, 0, 0, 0)}
        core = package.read("docProps/core.xml").decode()
    assert "2026-03-02T00:00:00Z" in core


def test_docx_carries_provenance():
    data = render_document(prepare(SAMPLES / "contract-b2b.yaml"))
    props = read_properties(data)
    assert props["contratgen.document"] == "CT-2026-0042"
    assert props["contratgen.clause.retention_of_title"].startswith("v")
    assert "sha256:" in props["contratgen.clause.jurisdiction"]


def test_atomic_write_leaves_the_old_file_when_writing_fails(tmp_path):
    target = tmp_path / "doc.docx"
    target.write_bytes(b"good")


    with pytest.raises(TypeError):
        write_atomic(target, object())  # type: ignore[arg-type]
    assert target.read_bytes() == b"good"
    assert [p.name for p in tmp_path.iterdir()] == ["doc.docx"]


def test_outputs_are_ordinary_readable_files(tmp_path):
    written, _ = build_outputs(SAMPLES / "quote-b2b.yaml", tmp_path, ["docx"])
    assert written[0].stat().st_mode & 0o044 == 0o044


def test_cli_build_writes_docx_and_reports_paths(tmp_path):
    result = CliRunner().invoke(main, ["build", str(SAMPLES / "quote-b2b.yaml"), "-o",
                                       str(tmp_path), "--format", "docx"])
    assert result.exit_code == 0, result.output
    assert f"wrote {tmp_path / 'DV-2026-0107.docx'}" in result.output
    assert "Menuiserie Lefèvre" in docx_text((tmp_path / "DV-2026-0107.docx").read_bytes())


def test_cli_check_writes_nothing(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(main, ["check", str(SAMPLES / "contract-b2b.yaml")])
    assert result.exit_code == 0, result.output
    assert "ok" in result.output and list(tmp_path.iterdir()) == []


def test_a_user_template_via_templates_dir(tmp_path):
    document = docx.Document()
    document.add_paragraph("MON EN-TÊTE {{ provider.name }} — {{ totals.ttc }}")
    document.add_paragraph("{{p articles }}")
    (tmp_path / "tpl").mkdir()
    document.save(tmp_path / "tpl" / "contract.docx")
    result = CliRunner().invoke(main, ["build", str(SAMPLES / "contract-b2b.yaml"), "-o",
                                       str(tmp_path / "out"), "--format", "docx",
                                       "--templates", str(tmp_path / "tpl")])
    assert result.exit_code == 0, result.output
    text = docx_text((tmp_path / "out" / "CT-2026-0042.docx").read_bytes())
    assert f"MON EN-TÊTE Atelier Dupont & Fils — 4{NNBSP}807,40{NBSP}€" in text
    assert "Article 5 – " in text


def test_a_template_with_a_misspelt_variable_is_a_clear_error(tmp_path):
    document = docx.Document()
    document.add_paragraph("{{ provider.nmae }}")
    document.add_paragraph("{{p articles }}")
    (tmp_path / "tpl").mkdir()
    document.save(tmp_path / "tpl" / "contract.docx")
    result = CliRunner().invoke(main, ["build", str(SAMPLES / "contract-b2b.yaml"), "-o",
                                       str(tmp_path / "out"), "--format", "docx",
                                       "--templates", str(tmp_path / "tpl")])
    assert result.exit_code == 1
    assert "nmae" in result.output and "[template]" in result.output
    assert "Traceback" not in result.output and not (tmp_path / "out").exists()


def test_english_documents_are_tagged_english(sample):
    path = sample("contract-b2b.yaml")
    path.write_text(path.read_text().replace("language: fr", "language: en"))
    with zipfile.ZipFile(io.BytesIO(render_document(prepare(path)))) as package:
        styles = package.read("word/styles.xml").decode()
    assert 'w:val="en-GB"' in styles and 'w:val="fr-FR"' not in styles


def test_a_date_beyond_the_zip_format_still_builds(write):
    path = write("c.yaml", MINIMAL_PATH.read_text().replace("date: 2026-03-02", "date: 2108-03-02"))
    data = render_document(prepare(path))
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        assert package.testzip() is None


def test_a_symlink_loop_is_a_located_error(write, tmp_path):
    from contratgen.diagnostics import UserError
    (tmp_path / "a").symlink_to(tmp_path / "b")
    (tmp_path / "b").symlink_to(tmp_path / "a")
    path = write("c.yaml", MINIMAL_PATH.read_text() + "annexes:\n  - {path: a, title: X}\n")
    with pytest.raises(UserError) as info:
        prepare(path)
    assert [d.code for d in info.value.diagnostics] == ["path.invalid"]


def test_two_inputs_with_one_number_are_an_error_not_an_overwrite(tmp_path):
    for name in ("a.yaml", "b.yaml"):
        (tmp_path / name).write_text((SAMPLES / "quote-b2b.yaml").read_text())
    result = CliRunner().invoke(main, ["build", str(tmp_path / "a.yaml"), str(tmp_path / "b.yaml"),
                                       "-o", str(tmp_path / "out"), "--format", "docx"])
    assert result.exit_code == 1 and "[build.duplicate-number]" in result.output


def test_a_long_non_ascii_number_fits_a_file_name(write, tmp_path):
    path = write("c.yaml", MINIMAL_PATH.read_text().replace("number: T-1", "number: " + "é" * 120))
    written, _ = build_outputs(path, tmp_path / "out", ["docx"])
    assert len(written[0].name.encode()) <= 160


def test_customer_asterisks_stay_literal_inside_clauses(write):
    path = write("c.yaml", MINIMAL_PATH.read_text().replace(
        "name: Boulangerie Martin", "name: 'Boulangerie **Martin**'")
        + "clauses:\n  - {id: jurisdiction, params: {court: Tribunal des activités économiques de Lyon}}\n")
    text = docx_text(render_document(prepare(path)))
    assert text.count("Boulangerie **Martin**") >= 2   # parties block and clause text


def test_a_template_resaved_by_libreoffice_still_works(tmp_path):
    from contratgen.pdf.workers import find_soffice
    if not find_soffice():
        pytest.skip("needs LibreOffice")
    subprocess.run([find_soffice(), "--headless", f"-env:UserInstallation=file://{tmp_path}/p",
                    "--convert-to", "docx:MS Word 2007 XML", "--outdir", str(tmp_path / "tpl"),
                    str(Path(__file__).parent.parent / "templates" / "contract.docx")],
                   check=True, capture_output=True, timeout=120)
    with zipfile.ZipFile(tmp_path / "tpl" / "contract.docx") as package:
        assert "&apos;" in package.read("word/document.xml").decode()   # what LO writes
    result = CliRunner().invoke(main, ["build", str(SAMPLES / "contract-b2b.yaml"), "-o",
                                       str(tmp_path / "out"), "--format", "docx",
                                       "--templates", str(tmp_path / "tpl")])
    assert result.exit_code == 0, result.output
    assert "Boulangerie Martin" in docx_text((tmp_path / "out" / "CT-2026-0042.docx").read_bytes())
