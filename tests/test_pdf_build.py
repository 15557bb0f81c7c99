"""contratgen build → PDF ready for signature, end to end, with the real LibreOffice."""
import io
import json
import shutil
import subprocess

import pytest
from click.testing import CliRunner
from pypdf import PdfReader

from contratgen.cli import main
from conftest import SAMPLES
from support.signing import lines_named, sign, signature_statuses

pytestmark = pytest.mark.libreoffice
NNBSP, NBSP = "\u202f", "\u00a0"


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """The B2B contract built twice to PDF, the second time with an annex appended."""
    root = tmp_path_factory.mktemp("pdf")
    runner = CliRunner()
    out = [root / "a", root / "b"]
    for target in out:
        result = runner.invoke(main, ["build", str(SAMPLES / "contract-b2b.yaml"), "-o",
                                      str(target), "--format", "both"])
        assert result.exit_code == 0, result.output
    # a client file with an annex: the first PDF plays the CGV
    folder = root / "with-annex"
    folder.mkdir()
    shutil.copy(out[0] / "CT-2026-0042.pdf", folder / "cgv.pdf")
    text = (SAMPLES / "contract-b2b.yaml").read_text().replace(
        "number: CT-2026-0042", "number: CT-2026-0043")
    (folder / "c.yaml").write_text(text + "\nannexes:\n  - {path: cgv.pdf, title: "
                                          "Conditions générales de vente}\n")
    result = runner.invoke(main, ["build", str(folder / "c.yaml"), "-o", str(root / "c"),
                                  "--format", "pdf"])
    assert result.exit_code == 0, result.output
    return {"a": out[0] / "CT-2026-0042.pdf", "b": out[1] / "CT-2026-0042.pdf",
            "annexed": root / "c" / "CT-2026-0043.pdf", "root": root}


def pdf_text(path) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(path).pages)


def test_pdf_shows_amounts_tranches_and_clauses(built):
    text = pdf_text(built["a"])
    for expected in ("4 807,40", "1 442,22", "1 922,96", "12,15", "Réserve de propriété",
                     "Boulangerie Martin", "quatre mille huit cent sept euros"):
        assert expected in text.replace(NNBSP, " ").replace(NBSP, " "), expected


def test_qpdf_check_passes(built):
    for key in ("a", "annexed"):
        result = subprocess.run(["qpdf", "--check", str(built[key])], capture_output=True,
                                text=True)
        assert result.returncode == 0, result.stdout + result.stderr


def test_two_builds_give_identical_pdf_bytes(built):
    assert built["a"].read_bytes() == built["b"].read_bytes()


def test_signature_fields_sit_over_each_partys_block(built):
    pdf = built["a"].read_bytes()
    reader = PdfReader(io.BytesIO(pdf))
    fields = {}
    for number, page in enumerate(reader.pages, start=1):
        for annot in page.get("/Annots") or []:
            annot = annot.get_object()
            if annot.get("/FT") == "/Sig":
                fields[annot["/T"]] = (number, [float(v) for v in annot["/Rect"]])
    assert set(fields) == {"provider_signature", "client_signature"}
    anchors = sorted(lines_named(pdf, "Bon pour accord"), key=lambda a: a[1])
    (p_page, p_rect), (c_page, c_rect) = fields["provider_signature"], fields["client_signature"]
    assert p_page == c_page == anchors[0][0] == len(reader.pages)
    assert p_rect[2] <= c_rect[0]                    # provider left of client
    assert p_rect[3] < anchors[0][2] and c_rect[3] < anchors[1][2]   # below "Bon pour accord"
    assert p_rect[0] <= anchors[0][1] + 5 and c_rect[0] <= anchors[1][1] + 5


def test_pyhanko_signs_one_field_and_the_other_stays_fillable(built, signer):  # noqa: F811
    cert, simple_signer = signer
    signed = sign(built["a"].read_bytes(), "provider_signature", simple_signer)
    statuses = signature_statuses(signed, cert)
    assert list(statuses) == ["provider_signature"]
    assert statuses["provider_signature"].intact and statuses["provider_signature"].valid
    both = sign(signed, "client_signature", simple_signer)
    assert set(signature_statuses(both, cert)) == {"provider_signature", "client_signature"}


def test_inspect_reads_the_provenance_back(built):
    result = CliRunner().invoke(main, ["inspect", "--json", str(built["a"])])
    info = json.loads(result.output)
    prov = info["provenance"]
    assert prov["document"] == "CT-2026-0042"
    assert [c["id"] for c in prov["clauses"]] == [
        "billing", "late_payment", "ip_assignment", "liability", "force_majeure", "penalty",
        "resolutory", "retention_of_title", "notices", "entire_agreement", "governing_law",
        "jurisdiction"]
    assert all(len(c["sha256"]) == 64 and c["version"] >= 1 for c in prov["clauses"])
    assert {f["name"]: f["signed"] for f in info["signature_fields"]} == {
        "provider_signature": False, "client_signature": False}
    docx = CliRunner().invoke(main, ["inspect", "--json",
                                     str(built["a"].with_suffix(".docx"))])
    assert json.loads(docx.output)["provenance"] == prov


def test_pdf_metadata_comes_from_the_document(built):
    meta = PdfReader(built["a"]).metadata
    assert meta.author == "Atelier Dupont & Fils"
    assert "CT-2026-0042" in meta.title
    assert meta["/CreationDate"].startswith("D:20260302")


def test_annexes_are_appended_and_listed(built):
    base = len(PdfReader(built["a"]).pages)
    annexed = PdfReader(built["annexed"])
    assert len(annexed.pages) >= 2 * base
    assert "Conditions générales de vente" in pdf_text(built["annexed"])


def test_a_missing_annex_is_a_located_error_and_nothing_is_written(tmp_path):
    text = (SAMPLES / "contract-b2b.yaml").read_text()
    (tmp_path / "c.yaml").write_text(text + "\nannexes:\n  - {path: nope.pdf, title: CGV}\n")
    result = CliRunner().invoke(main, ["build", str(tmp_path / "c.yaml"), "-o",
                                       str(tmp_path / "out")])
    assert result.exit_code == 1
    line = len(text.splitlines()) + 3
    assert f"c.yaml:{line}:12: error: annex 'nope.pdf' not found [annexes.missing]" in result.output
    assert not (tmp_path / "out").exists()


def test_pdfa_output_is_identified_and_keeps_the_fields(tmp_path):
    result = CliRunner().invoke(main, ["build", str(SAMPLES / "quote-b2b.yaml"), "-o",
                                       str(tmp_path), "--format", "pdf", "--pdfa"])
    assert result.exit_code == 0, result.output
    info = json.loads(CliRunner().invoke(main, ["inspect", "--json",
                                                str(tmp_path / "DV-2026-0107.pdf")]).output)
    assert info["pdfa"] == "2B"
    assert len(info["signature_fields"]) == 2


def test_missing_libreoffice_exits_3_with_a_hint(tmp_path, monkeypatch):
    monkeypatch.setenv("PATH", str(tmp_path))
    monkeypatch.setenv("CONTRATGEN_SOFFICE", str(tmp_path / "no-soffice"))
    import contratgen.pdf.workers as pdf
    monkeypatch.setattr(pdf, "find_soffice", lambda: None)
    result = CliRunner().invoke(main, ["build", str(SAMPLES / "quote-b2b.yaml"), "-o",
                                       str(tmp_path / "out"), "--format", "pdf"])
    assert result.exit_code == 3
    assert "apt-get install libreoffice-writer-nogui" in result.output
    default = CliRunner().invoke(main, ["build", str(SAMPLES / "quote-b2b.yaml"), "-o",
                                        str(tmp_path / "out2")])
    assert default.exit_code == 0 and "DOCX only" in default.output
    assert (tmp_path / "out2" / "DV-2026-0107.docx").exists()


def test_signature_fields_stay_on_the_signature_page_when_an_annex_page_follows(tmp_path):
    result = CliRunner().invoke(main, ["build", str(SAMPLES / "quote-b2c.yaml"), "-o",
                                       str(tmp_path), "--format", "pdf"])
    assert result.exit_code == 0, result.output
    pdf = (tmp_path / "DV-2026-0212.pdf").read_bytes()
    reader = PdfReader(io.BytesIO(pdf))
    pages = {}
    for number, page in enumerate(reader.pages, start=1):
        for annot in page.get("/Annots") or []:
            if annot.get_object().get("/FT") == "/Sig":
                pages[annot.get_object()["/T"]] = number
    signature_page = lines_named(pdf, "Bon pour accord")[0][0]
    assert signature_page < len(reader.pages)        # the withdrawal form comes after
    assert pages == {"provider_signature": signature_page, "client_signature": signature_page}
    after = [page.extract_text() for page in reader.pages[signature_page:]]
    assert any("FORMULAIRE DE RÉTRACTATION" in text for text in after)
    assert "Attestation d'assurance" in after[-1]   # the décennale certificate, annexed last
