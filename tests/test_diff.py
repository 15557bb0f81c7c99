"""contratgen diff: two versions of a document as a DOCX with Word tracked changes.

Accepting every revision gives NEW's text and rejecting every one gives OLD's, checked
by applying the marks in Python over every sample and in LibreOffice over UNO.
"""
from __future__ import annotations

import io
import json
import re
import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner
from lxml import etree

from conftest import FIXTURES, SAMPLES, needs_libreoffice
from contratgen.pipeline import Options
from contratgen.cli import main
from contratgen.library.loader import SHIPPED
from contratgen.redline import accept_all, compare, paragraph_texts, reject_all
from contratgen.redline.documents import diff, load_version
from contratgen.redline.ooxml import W_NS, Package, body, text_of, w

ALL_SAMPLES = sorted(SAMPLES.glob("*.yaml")) + sorted((SAMPLES / "batch").glob("*.yaml"))
# what variant() edits: the lines and the clauses (an instalment agreement has no lines)
WITH_ITEMS = [p for p in ALL_SAMPLES if "\nitems:" in p.read_text("utf-8")]
DELETED = ", même d'office,"


def texts(docx: bytes) -> list[str]:
    return paragraph_texts(Package.read(docx).document())


def edited_library(tmp_path: Path, clause: str, old: str, new: str) -> Path:
    """A library folder holding a copy of one shipped clause with one text edit."""
    folder = tmp_path / "library-new"
    folder.mkdir(exist_ok=True)
    text = (SHIPPED / f"{clause}.yaml").read_text("utf-8")
    assert old in text
    (folder / f"{clause}.yaml").write_text(text.replace(old, new), "utf-8")
    return folder


def variant(tmp_path: Path, sample: Path) -> Path:
    """The sample with its first price doubled, its first item renamed, its last item
    and its retention-of-title clause removed (and its ledger: a progress invoice would name
    the line removed); the insurance certificates the building samples annex beside it."""
    if (sample.parent / "attestations").is_dir():
        shutil.copytree(sample.parent / "attestations", tmp_path / "attestations",
                        dirs_exist_ok=True)
    data = yaml.safe_load(sample.read_text("utf-8"))
    data.pop("invoicing", None)
    data["items"][0]["unit_price"] = data["items"][0]["unit_price"] * 2
    data["items"][0]["description"] += " (version revue)"
    if len(data["items"]) > 1:
        data["items"].pop()
    data["clauses"] = [c for c in data["clauses"] if c != "retention_of_title"]
    target = tmp_path / f"variant-{sample.name}"
    target.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), "utf-8")
    return target


def billing_edit(tmp_path: Path) -> Path:
    """The billing clause with one word changed and a paragraph added at its end."""
    folder = edited_library(tmp_path, "billing", "dont {{ totals.vat }} de taxe",
                            "y compris {{ totals.vat }} de taxe")
    path = folder / "billing.yaml"
    data = yaml.safe_load(path.read_text("utf-8"))
    data["text"]["fr"] = data["text"]["fr"].rstrip("\n") + "\n\nLes prix sont fermes.\n"
    data["text"]["en"] = data["text"]["en"].rstrip("\n") + "\n\nPrices are fixed.\n"
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), "utf-8")
    return folder


# --- accept all = NEW, reject all = OLD --------------------------------------------------

@pytest.mark.parametrize("sample", WITH_ITEMS, ids=lambda p: p.stem)
def test_accepting_gives_new_and_rejecting_gives_old_for_an_edited_sample(sample, tmp_path):
    old = load_version(sample)
    new = load_version(variant(tmp_path, sample),
                       Options(library_dirs=(billing_edit(tmp_path),), allow_outside_paths=True))
    redline = compare(old.docx, new.docx)
    assert redline.revisions > 0
    assert paragraph_texts(accept_all(redline.docx)) == texts(new.docx)
    assert paragraph_texts(reject_all(redline.docx)) == texts(old.docx)


@pytest.mark.parametrize("pair", list(zip(ALL_SAMPLES, ALL_SAMPLES[1:])),
                         ids=lambda p: f"{p[0].stem}-vs-{p[1].stem}")
def test_accepting_gives_new_and_rejecting_gives_old_for_two_different_documents(pair):
    old, new = (load_version(p) for p in pair)
    redline = compare(old.docx, new.docx)
    assert paragraph_texts(accept_all(redline.docx)) == texts(new.docx)
    assert paragraph_texts(reject_all(redline.docx)) == texts(old.docx)


def test_the_same_document_twice_has_no_revision():
    version = load_version(SAMPLES / "contract-b2b.yaml")
    redline = compare(version.docx, version.docx)
    assert (redline.revisions, redline.changes) == (0, ())
    assert texts(redline.docx) == texts(version.docx)


# --- the done-when case: one clause edited, one removed ------------------------------------

@pytest.fixture
def two_edits(tmp_path):
    """contract-b2b OLD; NEW = one clause's text edited (library copy), one removed."""
    library = edited_library(tmp_path, "penalty", "le juge peut, même d'office, modérer",
                             "le juge peut modérer")
    data = (SAMPLES / "contract-b2b.yaml").read_text("utf-8")
    new_yaml = tmp_path / "contract-b2b.yaml"
    jurisdiction = "  - id: jurisdiction\n    params: {court: Tribunal des activités économiques de Lyon}\n"
    assert jurisdiction in data   # the last clause: removing it renumbers nothing
    new_yaml.write_text(data.replace(jurisdiction, ""), "utf-8")
    old = load_version(SAMPLES / "contract-b2b.yaml")
    new = load_version(new_yaml, Options(library_dirs=(library,), allow_outside_paths=True))
    return old, new, diff(old, new)


def marked_paragraphs(docx: bytes) -> list[etree._Element]:
    return [p for p in body(Package.read(docx).document()).iter(w("p"))
            if p.find(f".//{w('ins')}") is not None or p.find(f".//{w('del')}") is not None]


def test_one_edited_and_one_removed_clause_show_exactly_those_two_edits(two_edits):
    old, new, result = two_edits
    changes = [(c.status, c.title) for c in result.redline.changes]
    assert changes == [("changed", "Clause pénale"), ("removed", "Attribution de compétence")]
    marked = marked_paragraphs(result.redline.docx)
    heading = next(t for t in texts(old.docx) if t.endswith("– Attribution de compétence"))
    old_article = [t for t in texts(old.docx)
                   if t == heading or t in _article_body(old.docx, heading)]
    edit, *removed = marked
    # 1. the edited sentence: one deletion, nothing inserted
    assert [text_of(d) for d in edit.iter(w("del"))] == [DELETED]
    assert list(edit.iter(w("ins"))) == []
    # 2. the removed article: every paragraph deleted whole, mark included
    assert [text_of(p) for p in removed] == old_article
    for paragraph in removed:
        assert paragraph.find(f".//{w('t')}") is None
        assert paragraph.find(f"{w('pPr')}/{w('rPr')}/{w('del')}") is not None
    assert result.amounts == ()


def _article_body(docx: bytes, heading: str) -> list[str]:
    paragraphs = body(Package.read(docx).document()).findall(w("p"))
    start = next(i for i, p in enumerate(paragraphs) if text_of(p) == heading)
    end = next(i for i, p in enumerate(paragraphs[start + 1:], start + 1)
               if p.find(f"{w('pPr')}/{w('pStyle')}") is not None
               and p.find(f"{w('pPr')}/{w('pStyle')}").get(w("val")).startswith("Heading"))
    return [text_of(p) for p in paragraphs[start + 1:end]]


def test_revisions_carry_author_contratgen_new_date_and_unique_ids(two_edits):
    _, new, result = two_edits
    root = Package.read(result.redline.docx).document()
    marks = list(root.iter(w("ins"), w("del"), w("pPrChange")))
    assert marks
    assert {m.get(w("author")) for m in marks} == {"contratgen"}
    assert {m.get(w("date")) for m in marks} == {f"{new.date.isoformat()}T00:00:00Z"}
    # a bookmarkEnd repeats its bookmarkStart's id (the templates' signature bookmarks)
    ids = [v for v in root.xpath("//@w:id[not(parent::w:bookmarkEnd)]", namespaces={"w": W_NS})]
    assert len(ids) == len(set(ids))
    assert {m.get(w("id")) for m in marks}.isdisjoint(
        root.xpath("//w:bookmarkStart/@w:id", namespaces={"w": W_NS}))


def test_deleted_text_is_deltext_and_inserted_text_is_plain(two_edits):
    root = Package.read(two_edits[2].redline.docx).document()
    for mark in root.iter(w("del")):
        assert mark.find(f".//{w('t')}") is None
    for mark in root.iter(w("ins")):
        assert mark.find(f".//{w('delText')}") is None
    assert all(t.getparent().getparent().tag == w("del") for t in root.iter(w("delText")))


def test_the_same_inputs_give_the_same_bytes(two_edits):
    old, new, result = two_edits
    assert compare(old.docx, new.docx).docx == result.redline.docx


def test_every_part_is_well_formed_xml_and_the_package_is_new_s(two_edits):
    _, new, result = two_edits
    with zipfile.ZipFile(io.BytesIO(result.redline.docx)) as out, \
            zipfile.ZipFile(io.BytesIO(new.docx)) as original:
        assert out.namelist() == original.namelist()
        for name in out.namelist():
            if name.endswith((".xml", ".rels")):
                etree.fromstring(out.read(name))
            if name != "word/document.xml":
                assert out.read(name) == original.read(name)


@pytest.fixture(scope="module")
def validator():
    """The Open XML SDK's schema and semantic checks, ported to Python (openxml-audit)."""
    audit = pytest.importorskip("openxml_audit")
    return audit.OpenXmlValidator()


def test_the_docx_passes_the_open_xml_sdk_schema_check(two_edits, validator, tmp_path):
    path = tmp_path / "diff.docx"
    path.write_bytes(two_edits[2].redline.docx)
    result = validator.validate(str(path))
    assert result.is_valid, [str(e) for e in result.errors]


def test_the_schema_check_catches_a_misplaced_text_in_a_deletion(two_edits, validator,
                                                                 tmp_path):
    package = Package.read(two_edits[2].redline.docx)
    root = package.document()
    etree.SubElement(next(root.iter(w("del"))), w("t")).text = "x"
    path = tmp_path / "broken.docx"
    path.write_bytes(package.with_document(root, two_edits[1].date))
    assert not validator.validate(str(path)).is_valid


# --- in LibreOffice ----------------------------------------------------------------------

def top_level(docx: bytes) -> list[str]:
    """The body's own paragraphs (LibreOffice enumerates tables apart)."""
    return [text_of(p) for p in body(Package.read(docx).document()).findall(w("p"))]


@needs_libreoffice
def test_libreoffice_accepts_into_new_and_rejects_into_old(two_edits, tmp_path):
    """In LibreOffice itself, over UNO: the done-when case and every edited sample."""
    from contratgen.pdf.workers import find_soffice, find_uno_python
    soffice = find_soffice()
    python = find_uno_python(soffice)
    if python is None:
        pytest.skip("no Python with LibreOffice's UNO bridge (apt-get install python3-uno)")
    cases = {"two-edits": two_edits[:2]}
    for sample in WITH_ITEMS:
        folder = tmp_path / sample.stem
        folder.mkdir()
        cases[sample.stem] = (load_version(sample), load_version(
            variant(folder, sample),
            Options(library_dirs=(billing_edit(folder),), allow_outside_paths=True)))
    files = {}
    for name, (old, new) in cases.items():
        files[name] = tmp_path / f"{name}.docx"
        files[name].write_bytes(compare(old.docx, new.docx).docx)
    run = subprocess.run([python, str(FIXTURES / "lo_redlines.py"), soffice,
                          *map(str, files.values())], capture_output=True, text=True,
                         timeout=600)
    assert run.returncode == 0, run.stderr
    reports = json.loads(run.stdout)
    for name, (old, new) in cases.items():
        report = reports[str(files[name])]
        assert report["redlines"] > 0 and report["authors"] == ["contratgen"], name
        assert report["accepted"] == top_level(new.docx), name
        assert report["rejected"] == top_level(old.docx), name


@needs_libreoffice
def test_libreoffice_converts_the_redline_to_pdf_showing_both_versions(two_edits, office):
    from pypdf import PdfReader
    pdf = office.convert(two_edits[2].redline.docx, "diff")
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
    text = " ".join(text.split())
    assert "Réserve de propriété" in text       # the removed article, struck through
    assert "Attribution de compétence" in text
    assert "même d'office" in text


# --- amounts and the command line --------------------------------------------------------

def test_the_summary_gives_the_amounts_that_changed(tmp_path):
    new_yaml = tmp_path / "contract-b2b.yaml"
    new_yaml.write_text((SAMPLES / "contract-b2b.yaml").read_text("utf-8").replace(
        "unit_price: 650", "unit_price: 700"), "utf-8")
    result = diff(load_version(SAMPLES / "contract-b2b.yaml"), load_version(new_yaml))
    amounts = {c.label: (c.old, c.new) for c in result.amounts}
    assert set(amounts) == {"total HT", "TVA", "total TTC", "tranche 1 (Acompte à la signature)",
                            "tranche 2 (Livraison partielle)", "tranche 3 (Solde)"}
    old_ht, new_ht = amounts["total HT"]
    assert new_ht - old_ht == 150                     # 3 days × 50 €
    # the price and the liability cap (the price HT by default) changed, nothing else
    assert [c.title for c in result.redline.changes if c.article] == [
        "Prix, facturation et modalités de paiement", "Responsabilité"]


def test_cli_writes_the_redline_and_prints_the_summary(tmp_path, monkeypatch):
    new_yaml = tmp_path / "new.yaml"
    new_yaml.write_text((SAMPLES / "contract-b2b.yaml").read_text("utf-8").replace(
        "  - retention_of_title\n", "").replace("unit_price: 650", "unit_price: 700"), "utf-8")
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(main, ["diff", str(SAMPLES / "contract-b2b.yaml"), "new.yaml"])
    assert result.exit_code == 0, result.output
    removed = re.search(r"^  removed    Article (\d+) – Réserve de propriété$", result.output, re.M)
    assert removed, result.output
    after = int(removed.group(1)) + 1     # the next article takes its number
    assert f"renumbered Article {after} → {after - 1} – Notifications" in result.output
    # 3 × 650 → 3 × 700: 150 € more HT on 4 006,17 €
    assert "amount     total HT: 4\u202f006,17\xa0€ → 4\u202f156,17\xa0€" in result.output
    written = tmp_path / "CT-2026-0042-diff.docx"
    assert paragraph_texts(reject_all(written.read_bytes())) == \
        texts(load_version(SAMPLES / "contract-b2b.yaml").docx)


def test_cli_compares_two_docx_files(two_edits, tmp_path):
    old, new, _ = two_edits
    (tmp_path / "old.docx").write_bytes(old.docx)
    (tmp_path / "new.docx").write_bytes(new.docx)
    out = tmp_path / "out.docx"
    result = CliRunner().invoke(main, ["diff", str(tmp_path / "old.docx"),
                                       str(tmp_path / "new.docx"), "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert re.search(r"^  changed    Article \d+ – Clause pénale$", result.output, re.M)
    assert paragraph_texts(accept_all(out.read_bytes())) == texts(new.docx)


def test_cli_one_input_under_two_libraries(tmp_path):
    library = edited_library(tmp_path, "penalty", "le juge peut, même d'office, modérer",
                             "le juge peut modérer")
    out = tmp_path / "d.docx"
    result = CliRunner().invoke(main, ["diff", str(SAMPLES / "contract-b2b.yaml"),
                                       "--library-new", str(library), "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert "1 revision" in result.output and "Clause pénale" in result.output


def test_cli_over_a_folder_lists_the_documents_a_library_change_touches(tmp_path):
    library = edited_library(tmp_path, "penalty", "le juge peut, même d'office, modérer",
                             "le juge peut modérer")
    runner = CliRunner()
    args = ["diff", "--library-new", str(library), str(SAMPLES), str(SAMPLES / "batch")]
    result = runner.invoke(main, args)
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    touched = [line for line in lines if line.startswith("changed ")]
    uses_penalty = [p for p in ALL_SAMPLES if "id: penalty" in p.read_text("utf-8")
                    and "language: fr" in p.read_text("utf-8")]   # the edit is in French
    assert len(touched) == len(uses_penalty) > 0
    assert all("changed Clause pénale" in line for line in touched)
    assert lines[-1] == f"{len(uses_penalty)} of {len(ALL_SAMPLES)} documents changed by " \
                        "the library change"
    assert runner.invoke(main, args + ["--fail-on-change"]).exit_code == 1
    same = runner.invoke(main, ["diff", "--library-new", str(SHIPPED), str(SAMPLES),
                                "--fail-on-change"])
    assert same.exit_code == 0, same.output


def test_cli_folder_mode_writes_the_redlines_of_touched_documents(tmp_path):
    library = edited_library(tmp_path, "penalty", "le juge peut, même d'office, modérer",
                             "le juge peut modérer")
    out = tmp_path / "redlines"
    result = CliRunner().invoke(main, ["diff", "--library-new", str(library), str(SAMPLES),
                                       "-o", str(out)])
    assert result.exit_code == 0, result.output
    # one redline per document number among the French samples that hold the penalty clause
    # (contract-b2b and its invoiced and late versions share CT-2026-0042)
    touched = {re.search(r"number: (\S+)", p.read_text("utf-8")).group(1)
               for p in SAMPLES.glob("*.yaml")
               if "id: penalty" in p.read_text("utf-8") and "language: fr" in p.read_text("utf-8")}
    assert sorted(p.name for p in out.iterdir()) == sorted(f"{n}-diff.docx" for n in touched)


def _zip(**members: bytes) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for name, data in members.items():
            archive.writestr(name.replace("__", "/"), data)
    return out.getvalue()


BAD_FILES = {"bad.docx": b"not a zip", "cut.docx": _zip(word__document=b"x")[:30],
             "nobody.docx": _zip(word__styles=b"<w:styles/>"),
             "broken.docx": _zip(**{"word__document.xml": b"<w:document"})}


@pytest.mark.parametrize("args, code, message", [
    (["missing.yaml", "other.yaml"], 1, "missing.yaml: error: no such file [io.not-found]"),
    (["bad.docx", "bad.docx"], 1, "bad.docx: error: not a DOCX file"),
    (["cut.docx", "cut.docx"], 1, "cut.docx: error: not a DOCX file"),
    (["nobody.docx", "nobody.docx"], 1, "nobody.docx: error: not a Word document"),
    (["broken.docx", "broken.docx"], 1, "broken.docx: error: word/document.xml is not "
                                        "well-formed XML"),
    (["only-one.yaml"], 2, "give OLD and NEW"),
    (["--library-new", ".", "bad.docx", "cut.docx"], 2, "a DOCX cannot be rebuilt"),
])
def test_cli_bad_inputs_are_reported_and_nothing_is_written(args, code, message, tmp_path,
                                                            monkeypatch):
    monkeypatch.chdir(tmp_path)
    for name, data in BAD_FILES.items():
        (tmp_path / name).write_bytes(data)
    result = CliRunner().invoke(main, ["diff", *args])
    assert result.exit_code == code
    assert message in result.output
    assert "Traceback" not in result.output
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(BAD_FILES)


def test_a_docx_that_unpacks_past_the_limit_is_refused(two_edits, tmp_path, monkeypatch):
    from contratgen.redline import ooxml
    monkeypatch.setattr(ooxml, "MAX_PACKAGE", 10_000)   # instead of a 200 MB zip bomb
    path = tmp_path / "big.docx"
    path.write_bytes(two_edits[0].docx)
    result = CliRunner().invoke(main, ["diff", str(path), str(path)])
    assert result.exit_code == 1
    assert "more than the limit of 10000 [diff.input]" in result.output


def test_a_docx_with_tracked_changes_is_compared_as_it_reads_with_them_accepted(two_edits):
    old, new, result = two_edits
    assert compare(result.redline.docx, new.docx).revisions == 0
    again = compare(old.docx, result.redline.docx)
    assert again.docx == compare(old.docx, new.docx).docx
