"""A warm LibreOffice worker is sent its next document while it converts one (a queue of
two, contratgen.pdf.workers.QUEUE_DEPTH); a crash must still fail only the document that
crashes LibreOffice, never its neighbour in the queue (real LibreOffice)."""

import io
import os
import signal
import threading
import time
from pathlib import Path

import pytest
from pypdf import PdfReader

from conftest import needs_libreoffice
from fixtures.pdf.contract_docx import contract_docx
from support.processes import descendants
from contratgen.pdf.workers import QUEUE_DEPTH, ConversionFailed, Converter

pytestmark = needs_libreoffice

CRASHER = contract_docx(title="Contrat qui plante", paragraphs=1500)   # ~1-2 s to convert


def text_of(pdf: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


def office_processes(converter: Converter) -> list[int]:
    return [p for pid in converter.office_pids() for p in [pid, *descendants(pid)]]


def opened_by(pid: int) -> set[str]:
    try:
        names = os.listdir(f"/proc/{pid}/fd")
    except OSError:
        return set()
    found = set()
    for name in names:
        try:
            found.add(os.readlink(f"/proc/{pid}/fd/{name}"))
        except OSError:
            pass
    return found


class CrashOn:
    """Kills LibreOffice whenever it has a document with these bytes open: a document
    that crashes LibreOffice every time it is converted. ``kills`` counts them."""

    def __init__(self, converter: Converter, docx: bytes, queued: int = 2):
        self.converter, self.docx, self.kills = converter, docx, 0
        self.queued = queued                  # the first kill waits for this many in flight
        self.in_flight_at_kills: list[int] = []
        self.converting = threading.Event()   # LibreOffice has it open (once at least)
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._watch, daemon=True)

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join()

    def _is_crasher(self, path: str) -> bool:
        try:
            return path.endswith(".docx") and Path(path).read_bytes() == self.docx
        except OSError:
            return False

    def _watch(self) -> None:
        while not self._stop.is_set():
            for pid in office_processes(self.converter):
                if any(self._is_crasher(path) for path in opened_by(pid)):
                    self.converting.set()
                    (worker,) = self.converter._all
                    waited = time.monotonic()
                    while not self.kills and worker.in_flight < self.queued and \
                            time.monotonic() - waited < 10:
                        time.sleep(0.01)   # the neighbour is being queued behind it
                    self.in_flight_at_kills.append(worker.in_flight)
                    os.killpg(os.getpgid(pid), signal.SIGKILL)
                    self.kills += 1
                    break
            time.sleep(0.02)


def test_a_warm_worker_gets_the_next_document_while_it_converts_one():
    assert QUEUE_DEPTH == 2
    with Converter(workers=1, timeout=60) as converter:
        converter.convert(contract_docx())
        (worker,) = converter._all
        seen = []
        long_one = threading.Thread(target=converter.convert, args=(CRASHER, "long"))
        long_one.start()
        while not worker.in_flight:
            time.sleep(0.01)
        short = threading.Thread(target=lambda: seen.append(
            converter.convert(contract_docx(title="Le suivant"), "next")))
        short.start()
        in_flight = 0
        while short.is_alive():
            in_flight = max(in_flight, worker.in_flight)
            time.sleep(0.005)
        long_one.join()

    assert in_flight == 2
    assert "Le suivant" in text_of(seen[0])


def _converting(converter, results):
    """A thread's target: convert ``docx`` as ``name`` into ``results`` (its PDF, or the
    ConversionFailed)."""
    def convert(name, docx):
        try:
            results[name] = converter.convert(docx, name)
        except ConversionFailed as failure:
            results[name] = failure
    return convert


def test_a_document_crashing_libreoffice_fails_alone_and_its_queued_neighbour_is_built():
    with Converter(workers=1, timeout=60) as converter:
        converter.convert(contract_docx())
        outcome = {}
        convert = _converting(converter, outcome)

        with CrashOn(converter, CRASHER) as crash:
            crasher = threading.Thread(target=convert, args=("crasher", CRASHER))
            crasher.start()
            assert crash.converting.wait(30)
            neighbour = threading.Thread(target=convert, args=(
                "neighbour", contract_docx(title="Le voisin innocent")))
            neighbour.start()   # queued behind the crasher on the only worker
            crasher.join()
            neighbour.join()

        assert isinstance(outcome["crasher"], ConversionFailed)
        assert "crasher" in str(outcome["crasher"]) and "failed twice" in str(
            outcome["crasher"])
        assert "Le voisin innocent" in text_of(outcome["neighbour"])
        assert crash.kills == 2
        assert crash.in_flight_at_kills == [2, 1]   # with its neighbour queued, then alone
        assert converter.restarts == 2
        assert "Après" in text_of(converter.convert(contract_docx(title="Après"), "after"))


def test_a_document_past_the_timeout_fails_alone_and_its_queued_neighbour_is_built():
    with Converter(workers=1, timeout=1.5) as hasty:
        hasty.convert(contract_docx())
        results = {}
        convert = _converting(hasty, results)

        slow = threading.Thread(target=convert, args=(
            "slow", contract_docx(title="Très long", paragraphs=5000)))
        slow.start()
        (worker,) = hasty._all
        while not worker.in_flight:
            time.sleep(0.01)
        quick = threading.Thread(target=convert, args=("quick", contract_docx(title="Vite")))
        quick.start()
        slow.join()
        quick.join()

    with pytest.raises(ConversionFailed, match="slow.*timed out"):
        raise results["slow"]
    assert "Vite" in text_of(results["quick"])
