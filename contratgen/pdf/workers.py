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
import json
import os
import queue
import shutil
import signal
import subprocess
import tempfile
import threading
import weakref
from collections.abc import Iterable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path

from ..diagnostics import ExternalError
from ..lifeline import die_with_parent
from ..leftovers import office_sockets, pipe_name, remove_dead_runs, run_prefix
from .uno_worker import SCRIPT as _UNO_WORKER, cli_export, export_filter
from .office_profile import lock_down
from .soffice import find_soffice, find_uno_python, is_executable as _is_executable  # noqa: F401

INSTALL_HINT = "apt-get install libreoffice-writer-nogui"

_STARTUP_TIMEOUT = 60.0  # a cold start with a fresh profile takes 1-3 s
_LOG_TAIL = 300  # characters of a worker's stderr quoted in an error


class ConverterMissing(Exception):
    """LibreOffice is not installed (or not where we were told)."""

    def __init__(self, detail: str = "LibreOffice (soffice) not found"):
        super().__init__(f"{detail}; install it with: {INSTALL_HINT}")


class ConversionFailed(Exception):
    """One document could not be converted, even after one retry."""


class _WorkerFailure(Exception):
    """A single attempt failed; the worker is no longer trusted."""


class _Worker:
    """One LibreOffice behind a private profile; converts one file at a time."""

    def __init__(self, soffice: str, python: str | None, home: Path, timeout: float):
        self.soffice, self.python, self.home, self.timeout = soffice, python, home, timeout
        self.owner = os.getpid()   # the worker watches this pid and dies with it
        self.process: subprocess.Popen | None = None
        self.soffice_pid: int | None = None
        self._replies: queue.Queue = queue.Queue()

    @property
    def profile(self) -> Path:
        return self.home / "profile"

    @property
    def log(self) -> Path:
        return self.home / "worker.log"

    @property
    def pipe(self) -> str:
        return pipe_name(self.owner, self.home)

    def _environment(self) -> dict[str, str]:
        """LibreOffice's own temporary files go inside the worker's directory."""
        scratch = self.home / "tmp"
        scratch.mkdir(parents=True, exist_ok=True)
        lock_down(self.profile)  # no macro, no link update, no linked image fetched
        return {**os.environ, "TMPDIR": str(scratch)}

    def convert(self, source: Path, target: Path, pdfa: bool) -> None:
        """Write ``target``; raise _WorkerFailure (and leave a dead worker) if not."""
        if self.python is None:
            self._convert_once(source, target, pdfa)
        else:
            self._convert_warm(source, target, pdfa)
        if not target.is_file() or target.stat().st_size == 0:
            self.kill()
            raise _WorkerFailure("LibreOffice produced no output")

    def _convert_warm(self, source: Path, target: Path, pdfa: bool) -> None:
        if self.process is None:
            self._start()
        job = {"in": str(source), "out": str(target), "filter": export_filter(pdfa)}
        try:
            self.process.stdin.write(json.dumps(job) + "\n")
            self.process.stdin.flush()
        except OSError:
            self.kill()
            raise _WorkerFailure(f"LibreOffice crashed{self._log_tail()}") from None
        answer = self._next_reply(self.timeout)
        if not answer.get("ok"):
            self.kill()
            raise _WorkerFailure(answer.get("error", "LibreOffice failed"))

    def _start(self) -> None:
        shutil.rmtree(self.home, ignore_errors=True)  # a crashed profile is not reused
        self.profile.mkdir(parents=True)
        with open(self.log, "wb") as log:
            self.process = subprocess.Popen(
                [self.python, "-I", "-c", _UNO_WORKER, self.soffice,
                 self.profile.as_uri(), self.pipe, str(self.owner)],
                stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=log,
                env=self._environment(), text=True,
                start_new_session=True,  # own process group, killed as one
            )
        self._replies = queue.Queue()
        threading.Thread(
            target=_pump, args=(self.process.stdout, self._replies), daemon=True
        ).start()
        ready = self._next_reply(max(self.timeout, _STARTUP_TIMEOUT), starting=True)
        self.soffice_pid = ready.get("soffice_pid")

    def _next_reply(self, timeout: float, starting: bool = False) -> dict:
        what = "starting LibreOffice" if starting else "converting"
        try:
            line = self._replies.get(timeout=timeout)
        except queue.Empty:
            self.kill()
            raise _WorkerFailure(f"timed out after {timeout:g} s {what}") from None
        if line is None:
            self.kill()
            raise _WorkerFailure(f"LibreOffice crashed while {what}{self._log_tail()}")
        return json.loads(line)

    def _convert_once(self, source: Path, target: Path, pdfa: bool) -> None:
        """Fallback without UNO: one ``soffice --convert-to`` process per document."""
        self.profile.mkdir(parents=True, exist_ok=True)
        export = cli_export(pdfa)
        command = [self.soffice, "--headless", "--invisible", "--nologo", "--norestore",
                   "--nolockcheck", f"-env:UserInstallation={self.profile.as_uri()}",
                   "--convert-to", export, "--outdir", str(target.parent), str(source)]
        with open(self.log, "wb") as log:
            self.process = subprocess.Popen(
                command, stdin=subprocess.DEVNULL, stdout=log, stderr=log,
                env=self._environment(), start_new_session=True,
                preexec_fn=die_with_parent,  # the CLI engine has no watching script
            )
        try:
            status = self.process.wait(timeout=self.timeout)
        except subprocess.TimeoutExpired:
            self.kill()
            raise _WorkerFailure(f"timed out after {self.timeout:g} s converting") from None
        self.kill()  # reaps anything the launcher left behind
        produced = target.parent / (source.stem + ".pdf")
        if status != 0:
            raise _WorkerFailure(f"soffice exited with status {status}{self._log_tail()}")
        if produced != target and produced.exists():
            produced.replace(target)

    def _log_tail(self) -> str:
        try:
            text = self.log.read_text(errors="replace").strip()
        except OSError:
            return ""
        return f": {text[-_LOG_TAIL:]}" if text else ""

    def kill(self) -> None:
        """Kill the worker and everything it started (its process group)."""
        process, self.process, self.soffice_pid = self.process, None, None
        if process is None:
            return
        _kill_group(process.pid)
        try:
            if process.stdin:
                process.stdin.close()
        except OSError:  # broken pipe on flush: it is dead anyway
            pass
        process.wait()  # stdout is closed by its reader thread at end of file
        for socket in office_sockets(self.profile, self.pipe):  # a killed soffice leaves them
            socket.unlink(missing_ok=True)

    def stop(self) -> None:
        """Ask LibreOffice to quit cleanly (it writes its profile), then make sure the
        whole group is gone."""
        process = self.process
        if process is not None and self.python is not None:
            try:
                process.stdin.close()
                process.wait(timeout=10)
            except (OSError, subprocess.TimeoutExpired):
                pass
        self.kill()


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


def _pump(stream, replies: queue.Queue) -> None:
    with stream:
        for line in stream:
            replies.put(line)
    replies.put(None)  # end of file: the worker died


def _kill_group(pgid: int) -> None:
    try:
        os.killpg(pgid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass


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
        self._all: list[_Worker] = []
        self._idle: list[_Worker] = []
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

    def _convert_with_retry(self, worker: _Worker, source: Path, target: Path, name: str) -> bytes:
        failure = None
        for _ in range(2):
            target.unlink(missing_ok=True)
            try:
                worker.convert(source, target, self.pdfa)
                return target.read_bytes()
            except _WorkerFailure as error:
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

    def _start_idle(self, worker: _Worker) -> None:
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

    def _acquire(self) -> _Worker:
        with self._available:
            while True:
                if self._closed:
                    raise RuntimeError("Converter is closed")
                if self._idle:
                    return self._idle.pop()
                if len(self._all) < self.workers:
                    home = self._tmp / f"worker{len(self._all)}"
                    worker = _Worker(self.soffice, self._python, home, self.timeout)
                    self._all.append(worker)
                    return worker
                self._available.wait()

    def _release(self, worker: _Worker) -> None:
        with self._available:
            self._idle.append(worker)
            self._available.notify()


def _shutdown(workers: list[_Worker], tmp: Path) -> None:
    """Kill every worker (a clean quit makes LibreOffice write its profile, which is
    thrown away with ``tmp``: 0.5-1.5 s at the end of every batch), then remove ``tmp``."""
    for worker in workers:
        worker.kill()
    shutil.rmtree(tmp, ignore_errors=True)
