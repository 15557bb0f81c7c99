"""contratgen batch: shards, keep-going / fail-fast, manifest, JUnit, changed-only,
executors (processes, Dask) and flat memory — on real files, through the CLI."""
from __future__ import annotations

import hashlib
import json
import subprocess
import sys
import textwrap
from pathlib import Path
from xml.etree import ElementTree as ET

import pytest
from click.testing import CliRunner

from contratgen.batch import BatchConfig, parse_shard, run_batch, shard_of
from contratgen.batch.inputs import expand_inputs
from contratgen.cli import main

ROOT = Path(__file__).resolve().parent.parent
CONTRACT = (ROOT / "samples" / "contract-b2b.yaml").read_text(encoding="utf-8")


def contract(number: int, price: int = 650) -> str:
    """The sample B2B contract with another number and day rate."""
    return (CONTRACT.replace("number: CT-2026-0042", f"number: CT-2026-{number:04d}")
            .replace("unit_price: 650", f"unit_price: {price}"))


@pytest.fixture
def clients(tmp_path, monkeypatch):
    """clients(n) → a folder 'clients/' of n valid contracts; the test runs in tmp_path."""
    monkeypatch.chdir(tmp_path)

    def make(n: int, folder: str = "clients") -> Path:
        directory = tmp_path / folder
        directory.mkdir(exist_ok=True)
        for i in range(n):
            (directory / f"c{i:03d}.yaml").write_text(contract(i + 1, 600 + i),
                                                      encoding="utf-8")
        return directory
    return make


def batch(*args: str):
    result = CliRunner().invoke(main, ["batch", *args])
    assert not isinstance(result.exception, Exception) or isinstance(result.exception,
                                                                      SystemExit), \
        result.exception
    return result


def manifest(out: str = "out") -> dict:
    return json.loads(Path(out, "manifest.json").read_text(encoding="utf-8"))


def statuses(data: dict) -> dict[str, str]:
    return {e["input"]: e["status"] for e in data["inputs"]}


# --- inputs and shards -------------------------------------------------------------------

def test_a_folder_is_its_yaml_files_sorted_and_each_input_counts_once(clients):
    clients(3)
    Path("clients/notes.txt").write_text("not an input")
    assert expand_inputs(["clients", "clients/c001.yaml", "clients/*.yaml"]) == [
        "clients/c000.yaml", "clients/c001.yaml", "clients/c002.yaml"]


def test_a_glob_matching_nothing_is_a_usage_error(clients):
    result = batch("nothing/*.yaml")
    assert result.exit_code == 2
    assert "no file matches" in result.output


@pytest.mark.parametrize("spec", ["0/3", "4/3", "1/0", "2", "a/b", "-1/3"])
def test_an_invalid_shard_is_a_usage_error(clients, spec):
    clients(1)
    result = batch("clients", "--shard", spec, "--format", "docx")
    assert result.exit_code == 2
    assert "--shard must be K/N" in result.output


def test_shards_are_disjoint_and_cover_the_batch(clients):
    clients(20)
    seen = []
    for k in (1, 2, 3):
        result = batch("clients", "--shard", f"{k}/3", "-o", f"out{k}", "-j", "1",
                       "--format", "docx")
        assert result.exit_code == 0, result.output
        built = [e["input"] for e in manifest(f"out{k}")["inputs"]]
        assert all(e["status"] == "ok" for e in manifest(f"out{k}")["inputs"])
        assert manifest(f"out{k}")["shard"] == f"{k}/3"
        seen.extend(built)
    assert sorted(seen) == [f"clients/c{i:03d}.yaml" for i in range(20)]   # complete, once
    assert len(set(seen)) == 20


def test_a_shard_depends_only_on_the_input_path():
    assert parse_shard("2/5") == (2, 5)
    names = [f"clients/c{i:03d}.yaml" for i in range(100)]
    assert [shard_of(n, 4) for n in names] == [shard_of(n, 4) for n in reversed(names)][::-1]
    assert {shard_of(n, 4) for n in names} == {1, 2, 3, 4}


# --- errors: keep-going, fail-fast, JUnit -----------------------------------------------------

def bad_contract() -> str:
    return contract(999).replace("  - billing\n", "  - billling\n")


def test_keep_going_writes_every_good_document_and_exits_1(clients):
    clients(4)
    Path("clients/c002.yaml").write_text(bad_contract(), encoding="utf-8")
    result = batch("clients", "-j", "1", "--format", "docx", "--junit", "junit.xml",
                   "--report", "report.json")
    assert result.exit_code == 1
    assert sorted(p.name for p in Path("out").glob("*.docx")) == [
        "CT-2026-0001.docx", "CT-2026-0002.docx", "CT-2026-0004.docx"]
    data = manifest()
    assert statuses(data)["clients/c002.yaml"] == "error"
    assert data["summary"] == {"total": 4, "ok": 3, "error": 1, "skipped": 0}
    error = next(e for e in data["inputs"] if e["status"] == "error")
    assert error["outputs"] == []
    assert error["diagnostics"][0]["code"] == "clauses.unknown"
    # the diagnostic is located, on stderr and in the JUnit failure
    line = CONTRACT.splitlines().index("  - billing") + 1
    where = f"clients/c002.yaml:{line}:5: error: unknown clause 'billling'"
    assert where in result.stderr
    cases = {c.get("name"): c for c in ET.parse("junit.xml").getroot().iter("testcase")}
    assert len(cases) == 4
    failure = cases["clients/c002.yaml"].find("failure")
    assert failure is not None and where in failure.get("message")
    assert where in failure.text
    assert all(cases[f"clients/c00{i}.yaml"].find("failure") is None for i in (0, 1, 3))
    assert json.loads(Path("report.json").read_text()) == data


def test_fail_fast_stops_at_the_first_error(clients):
    clients(5)
    Path("clients/c000.yaml").write_text(bad_contract(), encoding="utf-8")
    result = batch("clients", "-j", "1", "--format", "docx", "--fail-fast")
    assert result.exit_code == 1
    assert list(Path("out").glob("*.docx")) == []
    data = manifest()
    assert data["summary"] == {"total": 5, "ok": 0, "error": 1, "skipped": 4}
    assert all("fail-fast" in e["reason"] for e in data["inputs"][1:])


def test_two_inputs_with_the_same_number_do_not_overwrite_each_other(clients):
    clients(2)
    Path("clients/c001.yaml").write_text(contract(1, 999), encoding="utf-8")
    result = batch("clients", "-j", "1", "--format", "docx")
    assert result.exit_code == 1
    assert statuses(manifest()) == {"clients/c000.yaml": "ok", "clients/c001.yaml": "error"}
    assert "document number 'CT-2026-0001' is also the number of clients/c000.yaml" \
        in result.stderr
    assert "[batch.duplicate-number]" in result.stderr


def test_plain_progress_lines_when_not_on_a_terminal(clients):
    clients(2)
    result = batch("clients", "-j", "1", "--format", "docx")
    assert result.exit_code == 0
    assert "[1/2] ok CT-2026-0001" in result.stdout
    assert "[2/2] ok CT-2026-0002" in result.stdout


# --- manifest and --changed-only -----------------------------------------------------------

def test_the_manifest_records_outputs_clauses_and_hashes(clients):
    clients(2)
    assert batch("clients", "-j", "1", "--format", "docx").exit_code == 0
    for entry in manifest()["inputs"]:
        raw = Path(entry["input"]).read_bytes()
        assert entry["input_sha256"] == hashlib.sha256(raw).hexdigest()
        assert [c["id"] for c in entry["clauses"]] == [
            "billing", "late_payment", "ip_assignment", "liability", "force_majeure",
            "penalty", "resolutory", "retention_of_title", "notices", "entire_agreement",
            "governing_law", "jurisdiction"]
        assert all(isinstance(c["version"], int) for c in entry["clauses"])
        [output] = entry["outputs"]
        data = Path("out", output["file"]).read_bytes()
        assert output["sha256"] == hashlib.sha256(data).hexdigest()
        assert output["size"] == len(data)
    assert not list(Path("out").glob(".*.tmp"))   # atomic writes leave nothing behind


def test_changed_only_skips_what_is_up_to_date_and_rebuilds_what_changed(clients):
    clients(3)
    assert batch("clients", "-j", "1", "--format", "docx").exit_code == 0
    first = manifest()
    result = batch("clients", "-j", "1", "--format", "docx", "--changed-only")
    assert result.exit_code == 0
    assert set(statuses(manifest()).values()) == {"skipped"}
    assert "up to date" in result.stdout

    Path("clients/c001.yaml").write_text(contract(2, 777), encoding="utf-8")  # input edited
    Path("out/CT-2026-0003.docx").write_bytes(b"damaged")                      # output damaged
    assert batch("clients", "-j", "1", "--format", "docx", "--changed-only").exit_code == 0
    assert statuses(manifest()) == {"clients/c000.yaml": "skipped",
                                    "clients/c001.yaml": "ok", "clients/c002.yaml": "ok"}
    after = {e["input"]: e for e in manifest()["inputs"]}
    assert after["clients/c001.yaml"]["key"] != first["inputs"][1]["key"]
    assert after["clients/c002.yaml"]["outputs"] == first["inputs"][2]["outputs"]  # restored
    # a changed format is not up to date either
    batch("clients", "-j", "1", "--format", "docx", "--pdfa", "--changed-only")
    assert set(statuses(manifest()).values()) == {"ok"}


# --- executors -------------------------------------------------------------------------

def config(out: str, **kw) -> BatchConfig:
    return BatchConfig(inputs=("clients",), out_dir=Path(out), formats=("docx",), **kw)


def outputs(out: str) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(Path(out).glob("*.docx"))}


def test_processes_and_a_dask_cluster_build_the_same_bytes_as_one_process(clients):
    distributed = pytest.importorskip("distributed")
    clients(6)
    assert run_batch(config("one", jobs=1)) == 0
    assert run_batch(config("pool", jobs=2)) == 0
    with distributed.LocalCluster(n_workers=1, threads_per_worker=2, processes=False,
                                  protocol="tcp://", host="127.0.0.1",
                                  dashboard_address=None) as cluster:
        assert run_batch(config("dask", jobs=2, scheduler=cluster.scheduler_address)) == 0
    assert len(outputs("one")) == 6
    assert outputs("pool") == outputs("one") == outputs("dask")
    strip = [{k: v for k, v in e.items()} for e in manifest("one")["inputs"]]
    assert manifest("dask")["inputs"] == manifest("pool")["inputs"] == strip


def test_an_unreachable_scheduler_exits_3(clients, monkeypatch):
    monkeypatch.setattr("contratgen.batch.executors.SCHEDULER_TIMEOUT", "2s")
    clients(1)
    result = batch("clients", "--format", "docx", "--scheduler", "tcp://127.0.0.1:9")
    assert result.exit_code == 3
    assert "Dask scheduler" in result.stderr


def test_missing_libreoffice_for_pdf_exits_3(clients, monkeypatch):
    clients(1)
    monkeypatch.setenv("CONTRATGEN_SOFFICE", "/nonexistent/soffice")
    result = batch("clients", "--format", "pdf")
    assert result.exit_code == 3
    assert "LibreOffice" in result.stderr


@pytest.mark.libreoffice
def test_pdf_batch_shares_one_libreoffice_pool(clients):
    clients(3)
    result = batch("clients", "-j", "2", "--format", "both")
    assert result.exit_code == 0, result.stderr
    data = manifest()
    for entry in data["inputs"]:
        assert [o["format"] for o in entry["outputs"]] == ["docx", "pdf"]
        pdf = Path("out", entry["outputs"][1]["file"]).read_bytes()
        assert pdf.startswith(b"%PDF") and b"/Sig" in pdf
        assert hashlib.sha256(pdf).hexdigest() == entry["outputs"][1]["sha256"]


# --- memory ---------------------------------------------------------------------------------

MEASURE = textwrap.dedent("""
    import resource, sys
    from pathlib import Path
    from contratgen.batch import BatchConfig, run_batch
    code = run_batch(BatchConfig(inputs=(sys.argv[1],), out_dir=Path(sys.argv[2]),
                                 formats=("docx",), jobs=1))
    # VmHWM: this address space's peak; ru_maxrss would survive execve and report the
    # pytest parent's peak, the same for both runs, and the test could not fail
    peak = next(l.split()[1] for l in open("/proc/self/status") if l.startswith("VmHWM"))
    print(int(peak) / 1024)  # MB
    sys.exit(code)
""")


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc/self/status")
def test_memory_stays_flat_as_the_batch_grows(clients, tmp_path):
    clients(50, "small")
    clients(200, "large")

    def peak_mb(folder: str) -> float:
        run = subprocess.run([sys.executable, "-c", MEASURE, folder, f"out-{folder}"],
                             capture_output=True, text=True, cwd=tmp_path)
        assert run.returncode == 0, run.stderr[-2000:]
        return float(run.stdout.strip().splitlines()[-1])

    small, large = peak_mb("small"), peak_mb("large")
    sizes = sorted(p.stat().st_size for p in Path("out-large").glob("*.docx"))
    assert len(sizes) == 200
    # Keeping the 150 extra documents would cost at least their bytes (~4 MB); streaming
    # them costs nothing (measured: the same peak to the MB).
    kept = sum(sizes[:150]) / 2**20
    assert large - small < 0.75 * kept, (small, large, kept)


def test_changed_only_follows_the_files_the_input_really_uses(clients):
    """The key is made of the files the build uses (its own template and library), found
    by the build's own rules: editing them rebuilds; editing a template it does not use
    does not."""
    import shutil
    from contratgen.render.docx import SHIPPED_TEMPLATES
    folder = clients(1)
    text = contract(1, 600).replace("document:\n", "document:\n  template: own.docx\n", 1)
    (folder / "c000.yaml").write_text(text + "library: lib\n", encoding="utf-8")
    shutil.copy(SHIPPED_TEMPLATES / "contract.docx", folder / "own.docx")
    shutil.copy(SHIPPED_TEMPLATES / "quote.docx", folder / "unused.docx")
    (folder / "lib").mkdir()
    assert batch("clients/c000.yaml", "-j", "1", "--format", "docx").exit_code == 0, \
        manifest()
    (folder / "unused.docx").write_bytes(b"edited")       # not this input's: still up to date
    batch("clients/c000.yaml", "-j", "1", "--format", "docx", "--changed-only")
    assert statuses(manifest()) == {"clients/c000.yaml": "skipped"}
    (folder / "lib" / "note.yaml").write_text(   # a clause added to its library: rebuilt
        "id: note\nversion: 1\ncategory: other\ntitle: {fr: Note, en: Note}\n"
        "documents: [contract]\nparties: [business]\ntext: {fr: Texte., en: Text.}\n")
    batch("clients/c000.yaml", "-j", "1", "--format", "docx", "--changed-only")
    assert statuses(manifest()) == {"clients/c000.yaml": "ok"}
    shutil.rmtree(folder / "lib")
    (folder / "lib").mkdir()
    batch("clients/c000.yaml", "-j", "1", "--format", "docx")
    with open(folder / "own.docx", "ab") as own:   # its template: rebuilt
        own.write(b"\0")
    batch("clients/c000.yaml", "-j", "1", "--format", "docx", "--changed-only")
    assert statuses(manifest()) != {"clients/c000.yaml": "skipped"}
