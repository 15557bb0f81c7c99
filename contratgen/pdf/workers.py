"""DOCX → PDF with LibreOffice, through a small pool of warm workers.

Starting LibreOffice costs about a second and a half; converting one contract
once it runs costs about a tenth of that. So a :class:`Converter` keeps up to
``workers`` LibreOffice processes alive and hands them documents one at a time.

Each worker is a short script (:mod:`contratgen.pdf.uno_worker`) run by a Python that has
LibreOffice's UNO bridge — on Debian ``/usr/bin/python3`` with ``python3-uno``,
whatever Python contratgen itself runs on. The script starts its own headless
``soffice`` with a private profile, connects to it through a named pipe, then
reads one JSON job a line on stdin (``{"in", "out", "pdfa"}``) and answers one
JSON line on stdout. Without a UNO-capable Python the converter falls back to one
``soffice --convert-to`` process per document: same output, about ten times
slower.

A worker that crashes, hangs past the timeout or produces no file is killed with
its whole process group and the document is retried once on a fresh worker;
then :class:`ConversionFailed` is raised for that document only.

Workers die with the process that started them, however it dies; a later converter
removes what a killed one left (:mod:`contratgen.leftovers`). Every PDF is tagged.

Nothing else in contratgen starts processes or knows about UNO.
"""

from __future__ import annotations

import collections
import shutil
import tempfile
import threading
import weakref
from collections.abc import Iterable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path

from ..diagnostics import ExternalError
from ..leftovers import remove_dead_runs, run_prefix
from .office_worker import OfficeWorker, WorkerFailure
from .soffice import find_soffice, find_uno_python, is_executable as _is_executable  # noqa: F401

INSTALL_HINT = "apt-get install libreoffice-writer-nogui"


class ConverterMissing(Exception):
    """LibreOffice is not installed (or not where we were told)."""

    def __init__(self, detail: str = "LibreOffice (soffice) not found"):
        super().__init__(f"{detail}; install it with: {INSTALL_HINT}")


class ConversionFailed(Exception):
    """One document could not be converted, even after one retry."""


def convert_for(converter, docx: bytes, stem: str, source) -> bytes:
    """``converter.convert(docx, stem)``, its failures as the user-facing ExternalError
    (exit 3): LibreOffice missing, or this document's conversion failed (``source`` names
    the input in the message)."""
    try:
        return converter.convert(docx, stem)
    except ConverterMissing as exc:
        raise ExternalError(str(exc)) from None
    except ConversionFailed as exc:
        raise ExternalError(f"{source}: PDF conversion of {stem} failed: {exc}") from None


class Converter:
    """DOCX bytes → PDF bytes. Thread-safe; use as a context manager.

    Up to ``workers`` LibreOffice processes are started on demand and kept warm
    until :meth:`close`. ``pdfa=True`` exports PDF/A-2b. ``engine`` is "auto"
    (warm UNO workers when a UNO-capable Python exists), "uno" or "cli" (one
    soffice process per document).
    """

    def __init__(self, workers: int = 1, timeout: float = 120.0, pdfa: bool = False,
                 *, soffice: str | None = None, engine: str = "auto"):
        if workers < 1:
            raise ValueError("workers must be at least 1")
        if engine not in ("auto", "uno", "cli"):
            raise ValueError(f"unknown engine {engine!r}")
        if soffice is not None and not _is_executable(soffice):
            raise ConverterMissing(f"LibreOffice not found at {soffice}")
        self.soffice = soffice or find_soffice()
        if self.soffice is None:
            raise ConverterMissing()
        python = None if engine == "cli" else find_uno_python(self.soffice)
        if engine == "uno" and python is None:
            raise ConverterMissing("no Python with LibreOffice's UNO bridge (python3-uno)")
        self.engine = "uno" if python else "cli"
        self.workers, self.timeout, self.pdfa = workers, timeout, pdfa
        self.restarts = 0  # workers replaced after a failure, for reports
        self._python = python
        remove_dead_runs()  # what converters killed before us left (processes, files)
        self._tmp = Path(tempfile.mkdtemp(prefix=run_prefix()))
        self._all: list[OfficeWorker] = []
        self._idle: list[OfficeWorker] = []
        self._available = threading.Condition()
        self._jobs = 0
        self._closed = False
        self._starting: list[threading.Thread] = []   # warm_up's
        self._finalizer = weakref.finalize(self, _shutdown, self._all, self._tmp)

    def __enter__(self) -> Converter:
        return self

    def __exit__(self, *exc_info) -> None:
        self.close()

    def convert(self, docx: bytes, name: str = "document") -> bytes:
        """The PDF for one DOCX; ConversionFailed after one retry."""
        worker = self._acquire()
        try:
            with self._available:
                self._jobs += 1
                stem = f"job{self._jobs:06d}"
            source, target = worker.home.parent / f"{stem}.docx", worker.home.parent / f"{stem}.pdf"
            try:
                source.write_bytes(docx)
                return self._convert_with_retry(worker, source, target, name)
            finally:
                source.unlink(missing_ok=True)
                target.unlink(missing_ok=True)
        finally:
            self._release(worker)

    def _convert_with_retry(self, worker: OfficeWorker, source: Path, target: Path, name: str) -> bytes:
        failure = None
        for _ in range(2):
            target.unlink(missing_ok=True)
            try:
                worker.convert(source, target, self.pdfa)
                return target.read_bytes()
            except WorkerFailure as error:
                failure = error
                with self._available:
                    self.restarts += 1
        raise ConversionFailed(f"{name}: {failure} (failed twice)")

    def convert_many(self, docs: Iterable[tuple[str, bytes]]
                     ) -> Iterator[tuple[str, bytes | ConversionFailed]]:
        """Convert a batch on all workers; results come back in input order."""
        def one(name: str, docx: bytes) -> bytes | ConversionFailed:
            try:
                return self.convert(docx, name)
            except ConversionFailed as failure:
                return failure

        pending: collections.deque[tuple[str, Future]] = collections.deque()
        with ThreadPoolExecutor(self.workers, thread_name_prefix="contratgen-pdf") as pool:
            for name, docx in docs:
                pending.append((name, pool.submit(one, name, docx)))
                if len(pending) >= 2 * self.workers:  # bounded: docs may be a generator
                    done_name, future = pending.popleft()
                    yield done_name, future.result()
            while pending:
                done_name, future = pending.popleft()
                yield done_name, future.result()

    def office_pids(self) -> list[int]:
        """Process ids of the running soffice launchers (for monitoring and tests)."""
        with self._available:
            return [w.soffice_pid for w in self._all if w.soffice_pid is not None]

    def warm_up(self) -> None:
        """Start every LibreOffice now, in the background, while the caller prepares its
        first documents (a conversion waits for the worker it needs, not for all)."""
        if self.engine != "uno":
            return
        for _ in range(self.workers - len(self._all)):
            worker = self._acquire()
            thread = threading.Thread(target=self._start_idle, args=(worker,), daemon=True,
                                      name="contratgen-pdf-start")
            self._starting.append(thread)
            thread.start()

    def _start_idle(self, worker: OfficeWorker) -> None:
        try:
            if worker.process is None:
                worker._start()
        except Exception:   # noqa: BLE001 - the first conversion starts it again, and reports
            worker.kill()
        finally:
            self._release(worker)

    def close(self) -> None:
        """Stop every worker and remove every temporary file."""
        with self._available:
            self._closed = True
        for thread in self._starting:   # a LibreOffice still starting is stopped too
            thread.join()
        self._finalizer()

    def _acquire(self) -> OfficeWorker:
        with self._available:
            while True:
                if self._closed:
                    raise RuntimeError("Converter is closed")
                if self._idle:
                    return self._idle.pop()
                if len(self._all) < self.workers:
                    home = self._tmp / f"worker{len(self._all)}"
                    worker = OfficeWorker(self.soffice, self._python, home, self.timeout)
                    self._all.append(worker)
                    return worker
                self._available.wait()

    def _release(self, worker: OfficeWorker) -> None:
        with self._available:
            self._idle.append(worker)
            self._available.notify()


def _shutdown(workers: list[OfficeWorker], tmp: Path) -> None:
    """Stop every worker, all asked at once (a clean quit takes ~0.1 s now that the
    profiles are kept, not deleted), then remove ``tmp``."""
    for worker in workers:
        worker.request_stop()
    for worker in workers:
        worker.stop()
    shutil.rmtree(tmp, ignore_errors=True)
