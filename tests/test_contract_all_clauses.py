"""A B2B contract holding every clause a business contract may hold: it builds, its DOCX
is what Word needs (every XML part parses strictly), and LibreOffice converts it."""
import io
import re
import zipfile
from pathlib import Path

import docx
import pytest
from click.testing import CliRunner
from lxml import etree
from pypdf import PdfReader

from contratgen.pipeline import prepare
from contratgen.cli import main
from contratgen.pdf.workers import find_soffice
from conftest import FIXTURES, needs_libreoffice

FIXTURE = FIXTURES / "contract_all_clauses.yaml"
NBSP, NNBSP = "\u00a0", "\u202f"


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("all")
    formats = "both" if find_soffice() else "docx"
    result = CliRunner().invoke(main, ["build", str(FIXTURE), "-o", str(out), "--format",
                                       formats])
    assert result.exit_code == 0, result.output
    return out


def strict_docx(data: bytes) -> docx.document.Document:
    parser = etree.XMLParser(recover=False, resolve_entities=False)
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        assert package.testzip() is None
        for name in package.namelist():
            if name.endswith((".xml", ".rels")):
                etree.fromstring(package.read(name), parser)
    return docx.Document(io.BytesIO(data))


def test_the_fixture_holds_every_business_clause_of_the_library():
    prepared = prepare(FIXTURE)
    listed = {s.clause.id for s in prepared.clauses}
    business = {cid for cid, c in prepared.library.clauses.items()
                if "business" in c.spec.parties and "contract" in c.spec.documents}
    # penalty, early_payment, deposit, escrow and arbitration have their own samples
    # withdrawal: a business has it only off premises, as a micro-business (C. conso. L221-3)
    # the building trades' clauses: contract-subcontractor.yaml, quote-builder-b2c.yaml
    assert business - listed <= {"penalty", "early_payment", "deposit", "escrow", "arbitration",
                                 "withdrawal", "subcontract", "works_guarantees",
                                 "retention_guarantee"}
    assert not [d for d in prepared.diagnostics if d.is_error]


def test_the_docx_parses_strictly_and_numbers_every_article(built):
    document = strict_docx((built / "CT-2026-0077.docx").read_bytes())
    titles = [p.text for p in document.paragraphs if p.text.startswith("Article ")]
    assert titles[:2] == ["Article 1 – Objet", "Article 2 – Délais"]
    assert [int(re.match(r"Article (\d+)", t).group(1)) for t in titles] == \
        list(range(1, len(titles) + 1))
    assert len(titles) == 2 + len(prepare(FIXTURE).clauses)


@needs_libreoffice
def test_libreoffice_converts_it_with_every_article(built):
    reader = PdfReader(built / "CT-2026-0077.pdf")
    text = "\n".join(page.extract_text() for page in reader.pages)
    text = re.sub(r"\s+", " ", text.replace(NNBSP, " ").replace(NBSP, " "))  # lines wrap
    for expected in ("Article 1 – Objet", "Article 2 – Délais",
                     "Cession des droits de propriété intellectuelle", "Force majeure",
                     "Imprévision", "Protection des données personnelles", "Sous-traitance",
                     "Droit applicable et langue", "Tribunal des activités économiques de Lyon",
                     "Hiscox", "HX-2026-118", "livraison finale"):
        assert expected in text, expected
    assert len(reader.pages) >= 5
    fields = {annot.get_object()["/T"] for page in reader.pages
              for annot in page.get("/Annots") or [] if annot.get_object().get("/FT") == "/Sig"}
    assert fields == {"provider_signature", "client_signature"}
