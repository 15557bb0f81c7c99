"""contratgen.pdf: DOCX → PDF through warm LibreOffice workers (real LibreOffice)."""

import io
import os
import signal
import subprocess
import tempfile
import threading
import time
from pathlib import Path

import pytest
from pypdf import PdfReader

from conftest import needs_libreoffice
from fixtures.pdf.contract_docx import contract_docx
from support.processes import alive, office_tree
from contratgen.pdf.workers import ConversionFailed, Converter, ConverterMissing, find_soffice

pytestmark = needs_libreoffice


@pytest.fixture(scope="module")
def converter():
    with Converter(workers=2, timeout=60) as shared:
        yield shared


def text_of(pdf: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


def kill_office(pid: int) -> None:
    for process in office_tree(pid):
        try:
            os.kill(process, signal.SIGKILL)
        except ProcessLookupError:
            pass


def test_converts_a_docx_to_a_pdf_with_its_text(converter):
    pdf = converter.convert(contract_docx(), "CT-1")

    assert pdf.startswith(b"%PDF-")
    text = text_of(pdf)
    for words in ("Contrat de prestation de services", "Bon pour accord",
                  "Jeanne Dupont", "Paul Martin", "À Paris, le 22 novembre 2026"):
        assert words in text


def test_pdf_passes_qpdf_check(converter, tmp_path):
    path = tmp_path / "contract.pdf"
    path.write_bytes(converter.convert(contract_docx()))

    check = subprocess.run(["qpdf", "--check", str(path)], capture_output=True, text=True)

    assert check.returncode == 0, check.stdout + check.stderr


def test_batch_keeps_input_order_on_warm_workers(converter):
    converter.convert(contract_docx())  # at least one worker is warm
    docs = [(f"CT-{n}", contract_docx(title=f"Contrat numéro {n}")) for n in range(6)]

    results = list(converter.convert_many(docs))
    warm = set(converter.office_pids())
    again = list(converter.convert_many(docs[:2]))

    assert [name for name, _ in results] == [name for name, _ in docs]
    for (name, pdf), n in zip(results, range(6)):
        assert f"Contrat numéro {n}" in text_of(pdf), name
    assert len(warm) == 2 and set(converter.office_pids()) == warm  # no new soffice
    assert all(isinstance(pdf, bytes) for _, pdf in again)


def test_each_worker_has_its_own_profile(converter):
    barrier = threading.Barrier(2)

    def convert():
        barrier.wait()
        converter.convert(contract_docx())

    threads = [threading.Thread(target=convert) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    profiles = set()
    for pid in converter.office_pids():
        arguments = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
        profiles |= {a for a in arguments if a.startswith(b"-env:UserInstallation=file:///")}
    assert len(profiles) == 2


def test_a_crashed_worker_is_replaced(converter):
    converter.convert(contract_docx())
    restarts = converter.restarts
    for pid in converter.office_pids():
        kill_office(pid)

    pdf = converter.convert(contract_docx(title="Après le plantage"))

    assert "Après le plantage" in text_of(pdf)
    assert converter.restarts > restarts


def test_a_worker_killed_mid_conversion_is_replaced_and_the_document_retried():
    with Converter(workers=1, timeout=60) as single:
        single.convert(contract_docx())
        (pid,) = single.office_pids()
        long_docx = contract_docx(title="Long contrat", paragraphs=1500)  # ~2 s to convert
        killer = threading.Timer(0.5, kill_office, args=(pid,))
        killer.start()

        pdf = single.convert(long_docx, "long")
        killer.join()

        assert not alive(pid)
        assert single.restarts == 1
        assert "Long contrat" in text_of(pdf)


def test_a_document_past_the_timeout_fails_alone_and_leaves_nothing_behind(
        monkeypatch, tmp_path):
    runs = run_folder(monkeypatch, tmp_path)
    with Converter(workers=1, timeout=0.3) as hasty:
        with pytest.raises(ConversionFailed, match="long.*timed out"):
            hasty.convert(contract_docx(paragraphs=1500), "long")
        assert hasty.office_pids() == []  # killed, not left running

    assert list(runs.iterdir()) == []


def office_sockets(root: Path) -> set[Path]:
    """The sockets soffice made (in /tmp whatever TMPDIR says) for the converters of this
    process under the private run folder ``root`` — not those of other converters."""
    from contratgen.leftovers import run_prefix
    from contratgen.office_pipes import office_sockets as of_worker, pipe_name
    return {socket for home in root.glob(f"{run_prefix()}*/worker*")
            for socket in of_worker(home / "profile", pipe_name(home), root)
            if socket.exists()}


def run_folder(monkeypatch, tmp_path) -> Path:
    """The private run folder of converters made now, under ``tmp_path``."""
    monkeypatch.delenv("XDG_RUNTIME_DIR", raising=False)
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    return tmp_path / f"contratgen-{os.getuid()}"


def test_close_stops_libreoffice_and_removes_temporary_files(monkeypatch, tmp_path):
    runs = run_folder(monkeypatch, tmp_path)
    with Converter(workers=1) as converter:
        converter.convert(contract_docx())
        assert list(runs.iterdir())  # profile and job files live there
        pids = [p for launcher in converter.office_pids() for p in office_tree(launcher)]
        sockets = office_sockets(runs)

    time.sleep(0.2)
    assert pids and not any(alive(pid) for pid in pids)
    assert list(runs.iterdir()) == []
    assert list(tmp_path.iterdir()) == [runs]
    assert sockets and not any(socket.exists() for socket in sockets)


def test_a_killed_libreoffice_leaves_no_socket_behind(monkeypatch, tmp_path):
    runs = run_folder(monkeypatch, tmp_path)
    with Converter(workers=1) as converter:
        converter.convert(contract_docx())
        sockets = office_sockets(runs)
        for pid in converter.office_pids():
            kill_office(pid)  # SIGKILL: soffice cannot remove its sockets itself

    assert sockets and not any(socket.exists() for socket in sockets)


def test_pdfa_export_declares_pdfa_2b():
    with Converter(pdfa=True) as converter:
        pdf = converter.convert(contract_docx())

    reader = PdfReader(io.BytesIO(pdf))
    xmp = reader.trailer["/Root"]["/Metadata"].get_object().get_data()
    assert b"<pdfaid:part>2</pdfaid:part>" in xmp
    assert b"<pdfaid:conformance>B</pdfaid:conformance>" in xmp
    assert "/OutputIntents" in reader.trailer["/Root"]


def test_one_process_per_document_engine_gives_the_same_text():
    with Converter(engine="cli") as converter:
        pdf = converter.convert(contract_docx(title="Sans UNO"))

    assert converter.engine == "cli"
    assert "Sans UNO" in text_of(pdf)


def test_missing_soffice_path_raises_converter_missing():
    with pytest.raises(ConverterMissing, match="apt-get install libreoffice-writer-nogui"):
        Converter(soffice="/nonexistent/soffice")


def test_soffice_not_found_anywhere_raises_converter_missing(monkeypatch):
    monkeypatch.setenv("CONTRATGEN_SOFFICE", "/nonexistent/soffice")
    monkeypatch.setenv("PATH", "/nonexistent")

    assert find_soffice() is None
    with pytest.raises(ConverterMissing, match="libreoffice-writer-nogui"):
        Converter()
