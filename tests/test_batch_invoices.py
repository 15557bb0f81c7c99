"""contratgen batch --invoices: every invoice of many files, through the pipeline of
``contratgen invoice``, with the manifest, JUnit and --verify of a document batch — on
real files (the invoiced samples, renumbered), through the CLI."""
from __future__ import annotations

import json
from pathlib import Path
from xml.etree import ElementTree as ET

import facturx
import pytest
from click.testing import CliRunner

from contratgen.batch import shard_of
from contratgen.cli import main

ROOT = Path(__file__).resolve().parent.parent
INVOICED = (ROOT / "samples" / "contract-b2b-invoiced.yaml").read_text(encoding="utf-8")
LATE = (ROOT / "samples" / "contract-b2b-late.yaml").read_text(encoding="utf-8")
QUOTE = (ROOT / "samples" / "quote-b2b.yaml").read_text(encoding="utf-8")
A_NUMBERS = ["FA-2026-0107", "FA-2026-0131", "FA-2026-0190"]


@pytest.fixture
def clients(tmp_path, monkeypatch):
    """clients/: a.yaml (three invoices), b.yaml (two, renumbered), dup.yaml (FA-2026-0107
    again, as a.yaml has it, and FA-2026-0331), q.yaml (a quote: no invoicing)."""
    monkeypatch.chdir(tmp_path)
    folder = tmp_path / "clients"
    folder.mkdir()
    (folder / "a.yaml").write_text(INVOICED, encoding="utf-8")
    (folder / "b.yaml").write_text(LATE.replace("FA-2026-0107", "FA-2026-0207")
                                   .replace("FA-2026-0131", "FA-2026-0231"), encoding="utf-8")
    (folder / "dup.yaml").write_text(LATE.replace("FA-2026-0131", "FA-2026-0331"),
                                     encoding="utf-8")
    (folder / "q.yaml").write_text(QUOTE, encoding="utf-8")
    return folder


def batch(*args: str):
    result = CliRunner().invoke(main, ["batch", *args])
    assert result.exception is None or isinstance(result.exception, SystemExit), \
        result.exception
    return result


def manifest(out: str = "out") -> dict:
    return json.loads(Path(out, "manifest.json").read_text(encoding="utf-8"))


def entries(data: dict) -> dict[str, dict]:
    return {e["input"]: e for e in data["inputs"]}


def position(path: Path, text: str) -> tuple[int, int]:
    """line:col (1-based) where ``text`` first appears in the file."""
    for line, content in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if text in content:
            return line, content.index(text) + 1
    raise AssertionError(f"{text} not in {path}")


# --- DOCX: no LibreOffice needed -------------------------------------------------------

def test_each_input_gives_all_its_invoices_and_the_manifest_lists_them(clients):
    result = batch("clients", "--invoices", "--format", "docx", "-j", "1", "-o", "out")
    assert result.exit_code == 1, result.output        # dup.yaml fails
    data = manifest()
    assert data["built"] == "invoices" and data["status"] == "complete"
    assert data["summary"] == {"total": 4, "ok": 2, "error": 1, "skipped": 1}
    by_input = entries(data)
    a = by_input["clients/a.yaml"]
    assert a["status"] == "ok" and a["invoices"] == A_NUMBERS
    assert [o["file"] for o in a["outputs"]] == [f"{n}.docx" for n in A_NUMBERS]
    assert by_input["clients/b.yaml"]["invoices"] == ["FA-2026-0207", "FA-2026-0231"]
    for entry in (a, by_input["clients/b.yaml"]):
        for output in entry["outputs"]:
            assert Path("out", output["file"]).stat().st_size == output["size"]


def test_the_folder_verifies_and_a_changed_invoice_does_not(clients):
    batch("clients", "--invoices", "--format", "docx", "-j", "1", "-o", "out")
    result = batch("--verify", "out")
    assert result.exit_code == 0, result.output
    assert "5 of 5 outputs match" in result.output
    Path("out/FA-2026-0131.docx").write_bytes(b"not the invoice")
    result = batch("--verify", "out")
    assert result.exit_code == 1
    assert "out/FA-2026-0131.docx" in result.output and "manifest.mismatch" in result.output


def test_a_number_of_another_file_fails_that_input_only_at_its_number(clients):
    result = batch("clients", "--invoices", "--format", "docx", "-j", "1", "-o", "out")
    line, col = position(clients / "dup.yaml", "FA-2026-0107")
    assert (f"clients/dup.yaml:{line}:{col}: error: invoice number FA-2026-0107 is also an "
            "invoice of clients/a.yaml: numbers are unique across a batch "
            "[invoice.number-duplicate]") in result.output
    dup = entries(manifest())["clients/dup.yaml"]
    assert dup["status"] == "error" and dup["outputs"] == []
    assert not Path("out/FA-2026-0331.docx").exists()   # nothing of that input is written
    assert Path("out/FA-2026-0107.docx").exists()       # a.yaml's is


def test_the_first_input_keeps_its_numbers_whatever_the_shard(clients):
    count = next(n for n in range(2, 20)
                 if shard_of("clients/a.yaml", n) != shard_of("clients/dup.yaml", n))
    shard = f"{shard_of('clients/dup.yaml', count)}/{count}"
    result = batch("clients", "--invoices", "--format", "docx", "-j", "1", "-o", "out",
                   "--shard", shard)
    assert "clients/a.yaml" not in entries(manifest())
    assert entries(manifest())["clients/dup.yaml"]["status"] == "error"
    assert "is also an invoice of clients/a.yaml" in result.output


def test_an_input_without_invoicing_is_skipped_not_failed(clients):
    result = batch("clients/q.yaml", "clients/a.yaml", "--invoices", "--format", "docx",
                   "-j", "1", "-o", "out", "--fail-fast")
    assert result.exit_code == 0, result.output
    q = entries(manifest())["clients/q.yaml"]
    assert q["status"] == "skipped" and q["outputs"] == []
    assert q["reason"] == "no invoice to build: invoicing.invoices is empty or missing"
    assert entries(manifest())["clients/a.yaml"]["status"] == "ok"   # --fail-fast went on


def test_an_invalid_input_is_an_error_not_skipped(clients):
    Path("clients/bad.yaml").write_text(QUOTE.replace("type: quote", "type: qoute"),
                                        encoding="utf-8")
    batch("clients/bad.yaml", "--invoices", "--format", "docx", "-j", "1", "-o", "out")
    assert entries(manifest())["clients/bad.yaml"]["status"] == "error"


def test_junit_has_one_case_per_input(clients):
    batch("clients", "--invoices", "--format", "docx", "-j", "1", "-o", "out",
          "--junit", "junit.xml")
    suite = ET.parse("junit.xml").getroot().find("testsuite")
    cases = {case.get("name"): case for case in suite.findall("testcase")}
    assert sorted(cases) == ["clients/a.yaml", "clients/b.yaml", "clients/dup.yaml",
                             "clients/q.yaml"]
    assert (suite.get("tests"), suite.get("failures"), suite.get("skipped")) == ("4", "1", "1")
    failure = cases["clients/dup.yaml"].find("failure")
    assert failure.get("type") == "invoice.number-duplicate"
    assert failure.get("message").startswith("clients/dup.yaml:")
    assert cases["clients/q.yaml"].find("skipped") is not None
    assert cases["clients/a.yaml"].find("failure") is None


def test_the_invoices_are_those_contratgen_invoice_writes(clients):
    batch("clients", "--invoices", "--format", "docx", "-j", "1", "-o", "out")
    result = CliRunner().invoke(main, ["invoice", "clients/a.yaml", "--format", "docx",
                                       "-o", "alone"])
    assert result.exit_code == 0, result.output
    for number in A_NUMBERS:
        assert Path("out", f"{number}.docx").read_bytes() == \
            Path("alone", f"{number}.docx").read_bytes()


def test_changed_only_skips_what_is_up_to_date_and_rebuilds_an_edited_input(clients):
    args = ("clients/a.yaml", "clients/b.yaml", "--invoices", "--format", "docx", "-j", "1",
            "-o", "out", "--changed-only")
    assert batch(*args).exit_code == 0
    first = entries(manifest())
    result = batch(*args)
    assert result.exit_code == 0
    again = entries(manifest())
    assert {e["status"] for e in again.values()} == {"skipped"}
    assert {e["reason"] for e in again.values()} == {"up to date"}
    assert again["clients/a.yaml"]["outputs"] == first["clients/a.yaml"]["outputs"]
    assert batch("--verify", "out").exit_code == 0
    Path("clients/b.yaml").write_text(Path("clients/b.yaml").read_text(encoding="utf-8")
                                      .replace("2026-04-20", "2026-04-21"), encoding="utf-8")
    batch(*args)
    assert entries(manifest())["clients/b.yaml"]["status"] == "ok"
    assert entries(manifest())["clients/a.yaml"]["status"] == "skipped"


# --- PDF: Factur-X through the shared LibreOffice workers --------------------------------

@pytest.mark.libreoffice
def test_factur_x_invoices_from_worker_processes_verify_and_match_contratgen_invoice(clients):
    result = batch("clients/a.yaml", "clients/b.yaml", "clients/q.yaml", "--invoices",
                   "--format", "both", "-j", "2", "-o", "out", "--junit", "junit.xml")
    assert result.exit_code == 0, result.output
    data = manifest()
    assert data["pdfa"] is True
    a = entries(data)["clients/a.yaml"]
    assert [o["file"] for o in a["outputs"]] == [f"{n}.{ext}" for n in A_NUMBERS
                                                 for ext in ("docx", "pdf")]
    for number in A_NUMBERS + ["FA-2026-0207", "FA-2026-0231"]:
        _, xml = facturx.get_xml_from_pdf(Path("out", f"{number}.pdf").read_bytes(),
                                          check_xsd=True)
        assert f"<ram:ID>{number}</ram:ID>".encode() in xml
    assert batch("--verify", "out").exit_code == 0
    assert len(ET.parse("junit.xml").getroot().find("testsuite").findall("testcase")) == 3
    alone = CliRunner().invoke(main, ["invoice", "clients/a.yaml", "--format", "both",
                                      "-o", "alone"])
    assert alone.exit_code == 0, alone.output
    for number in A_NUMBERS:
        assert Path("out", f"{number}.pdf").read_bytes() == \
            Path("alone", f"{number}.pdf").read_bytes()


def test_processes_and_a_dask_cluster_write_the_same_invoices_as_one_process(clients):
    distributed = pytest.importorskip("distributed")
    from contratgen.batch import BatchConfig, run_invoice_batch

    def run(out: str, **kw) -> dict[str, bytes]:
        config = BatchConfig(inputs=("clients",), out_dir=Path(out), formats=("docx",), **kw)
        assert run_invoice_batch(config) == 1   # dup.yaml, whoever finishes first
        assert entries(manifest(out))["clients/dup.yaml"]["status"] == "error"
        return {p.name: p.read_bytes() for p in sorted(Path(out).glob("*.docx"))}
    one = run("one", jobs=1)
    assert len(one) == 5
    assert run("pool", jobs=2) == one
    with distributed.LocalCluster(n_workers=1, threads_per_worker=2, processes=False,
                                  protocol="tcp://", host="127.0.0.1",
                                  dashboard_address=None) as cluster:
        assert run("dask", jobs=2, scheduler=cluster.scheduler_address) == one
    assert manifest("dask")["inputs"] == manifest("pool")["inputs"] == manifest("one")["inputs"]
