"""DOCX → PDF with LibreOffice, through a small pool of warm workers.

Starting LibreOffice costs a few tenths of a second (more on a new profile), and
loading its Writer the first document pays again; converting one contract once it
runs costs about a tenth of a second. So a :class:`Converter` keeps up to
``workers`` LibreOffice processes alive and hands them documents, two at a time
(each converts one while the next waits in its pipe).

Each worker is a short script (:mod:`contratgen.pdf.uno_worker`) run by a Python that has
LibreOffice's UNO bridge — on Debian ``/usr/bin/python3`` with ``python3-uno``,
whatever Python contratgen itself runs on. The script starts its own headless
``soffice`` with a private profile, connects to it through a named pipe, then
reads one JSON job a line on stdin (``{"in", "out", "pdfa"}``) and answers one
JSON line on stdout. Without a UNO-capable Python the converter falls back to one
``soffice --convert-to`` process per document: same output, about ten times
slower.

A warm worker is sent its next document while it converts the current one (a queue
of ``QUEUE_DEPTH``), so it never waits for us between two. A worker that crashes, hangs
past the timeout or produces no file is killed with its whole process group, and every
document it had in flight is retried once, alone, on it restarted; then
:class:`ConversionFailed` is raised for that document only (a neighbour queued behind
a crashing document is converted on its retry).

Workers die with the process that started them, however it dies; a later converter
removes what a killed one left (:mod:`contratgen.leftovers`). Every PDF is tagged.

Nothing else in contratgen starts processes or knows about UNO.
"""

from __future__ import annotations

import collections
import shutil
import threading
import weakref
from collections.abc import Iterable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path

from ..diagnostics import ExternalError
from ..leftovers import new_run_dir, remove_dead_runs
from .office_worker import OfficeWorker, WorkerFailure
from .soffice import find_soffice, find_uno_python, is_executable as _is_executable  # noqa: F401

INSTALL_HINT = "apt-get install libreoffice-writer-nogui"
QUEUE_DEPTH = 2   # documents sent to a warm worker at once: the next one waits in its pipe


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
    soffice process per document). ``warm=True`` starts every LibreOffice at once
    (:meth:`warm_up`), before the leftovers of killed runs are looked for.
    """

    def __init__(self, workers: int = 1, timeout: float = 120.0, pdfa: bool = False,
                 *, soffice: str | None = None, engine: str = "auto", warm: bool = False):
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
        self._python = python
        self._tmp = new_run_dir()   # in the private run folder (contratgen.private)
        self._all: list[OfficeWorker] = []
        self._depth = QUEUE_DEPTH if self.engine == "uno" else 1
        self._load: dict[OfficeWorker, int] = {}       # documents in flight per worker
        self._retrying: dict[OfficeWorker, int] = {}   # retries waiting for it alone
        self._alone: set[OfficeWorker] = set()        # taken by a retry
        self._available = threading.Condition()
        self._jobs = 0
        self._closed = False
        self._starting: list[threading.Thread] = []   # warm_up's
        self._finalizer = weakref.finalize(self, _shutdown, self._all, self._tmp)
        if warm:
            self.warm_up()
        remove_dead_runs()  # what converters killed before us left (processes, files)

    def __enter__(self) -> Converter:
        return self

    def __exit__(self, *exc_info) -> None:
        self.close()

    def convert(self, docx: bytes, name: str = "document") -> bytes:
        """The PDF for one DOCX; ConversionFailed after one retry.

        A warm worker takes a second document while it converts one (``QUEUE_DEPTH``), so
        it never waits for us between two. When it fails, every document it had is retried
        alone on it (restarted): a neighbour of a crashing document is converted, and only
        a document that fails twice, the second time alone, is reported."""
        with self._available:
            self._jobs += 1
            stem = f"job{self._jobs:06d}"
        source, target = self._tmp / f"{stem}.docx", self._tmp / f"{stem}.pdf"
        try:
            source.write_bytes(docx)
            worker = self._acquire()
            try:
                return self._attempt(worker, source, target)
            except WorkerFailure:
                pass
            finally:
                self._release(worker)
            worker = self._acquire_alone(worker)
            try:
                return self._attempt(worker, source, target)
            except WorkerFailure as failure:
                raise ConversionFailed(f"{name}: {failure} (failed twice)") from None
            finally:
                self._release(worker, alone=True)
        finally:
            source.unlink(missing_ok=True)
            target.unlink(missing_ok=True)

    @property
    def restarts(self) -> int:
        """Workers replaced after a failure (for reports and tests)."""
        with self._available:
            return sum(worker.failures for worker in self._all)

    def _attempt(self, worker: OfficeWorker, source: Path, target: Path) -> bytes:
        target.unlink(missing_ok=True)
        worker.convert(source, target, self.pdfa)
        return target.read_bytes()

    def convert_many(self, docs: Iterable[tuple[str, bytes]]
                     ) -> Iterator[tuple[str, bytes | ConversionFailed]]:
        """Convert a batch on all workers; results come back in input order."""
        def one(name: str, docx: bytes) -> bytes | ConversionFailed:
            try:
                return self.convert(docx, name)
            except ConversionFailed as failure:
                return failure

        pending: collections.deque[tuple[str, Future]] = collections.deque()
        in_flight = (self._depth + 1) * self.workers   # a queue full, one more ready
        with ThreadPoolExecutor(in_flight, thread_name_prefix="contratgen-pdf") as pool:
            for name, docx in docs:
                pending.append((name, pool.submit(one, name, docx)))
                if len(pending) >= in_flight:  # bounded: docs may be a generator
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
            with self._available:   # a new worker each time, not a queue on the first
                worker = self._new_worker()
                self._load[worker] = 1
            thread = threading.Thread(target=self._start_idle, args=(worker,), daemon=True,
                                      name="contratgen-pdf-start")
            self._starting.append(thread)
            thread.start()

    def _start_idle(self, worker: OfficeWorker) -> None:
        try:
            worker.ensure_started()
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
        """The least busy worker with room in its queue (a new one before queueing behind
        a busy one), none that a retry waits for."""
        with self._available:
            while True:
                if self._closed:
                    raise RuntimeError("Converter is closed")
                room = [w for w in self._all if w not in self._retrying
                        and self._load[w] < self._depth]
                best = min(room, key=self._load.__getitem__, default=None)
                if (best is None or self._load[best]) and len(self._all) < self.workers:
                    best = self._new_worker()
                if best is not None:
                    self._load[best] += 1
                    return best
                self._available.wait()

    def _new_worker(self) -> OfficeWorker:
        """A worker not started yet, counted in (the lock held)."""
        worker = OfficeWorker(self.soffice, self._python, self._tmp / f"worker{len(self._all)}",
                              self.timeout)
        self._all.append(worker)
        self._load[worker] = 0
        return worker

    def _acquire_alone(self, worker: OfficeWorker) -> OfficeWorker:
        """``worker`` with nothing else in flight, and nothing sent to it until released
        (retries of the documents of a failed worker take it one after the other)."""
        with self._available:
            self._retrying[worker] = self._retrying.get(worker, 0) + 1
            while self._load[worker] or worker in self._alone:
                if self._closed:
                    self._retrying[worker] -= 1
                    raise RuntimeError("Converter is closed")
                self._available.wait()
            self._alone.add(worker)
            self._load[worker] = self._depth
            return worker

    def _release(self, worker: OfficeWorker, alone: bool = False) -> None:
        with self._available:
            if alone:
                self._alone.discard(worker)
                self._load[worker] = 0
                self._retrying[worker] -= 1
                if not self._retrying[worker]:
                    del self._retrying[worker]
            else:
                self._load[worker] -= 1
            self._available.notify_all()


def _shutdown(workers: list[OfficeWorker], tmp: Path) -> None:
    """Stop every worker, all asked at once (a clean quit takes ~0.1 s now that the
    profiles are kept, not deleted), then remove ``tmp``."""
    for worker in workers:
        worker.request_stop()
    for worker in workers:
        worker.stop()
    shutil.rmtree(tmp, ignore_errors=True)
