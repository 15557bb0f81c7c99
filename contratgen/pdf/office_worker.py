"""One LibreOffice worker: a UNO script (:mod:`contratgen.pdf.uno_worker`) and its soffice,
behind a private (or kept, :mod:`contratgen.pdf.office_profile`) profile, converting one
file at a time; or, without UNO, one ``soffice --convert-to`` process per document.
:class:`contratgen.pdf.workers.Converter` pools them, retries and reports."""
from __future__ import annotations

import collections
import json
import os
import queue
import shutil
import signal
import subprocess
import threading
import time
from pathlib import Path

from .. import office_pipes
from ..office_pipes import pipe_name, socket_dir
from ..lifeline import die_with_parent
from .office_profile import Lease, lease, lock_down, start_settings
from .uno_worker import SCRIPT as _UNO_WORKER, cli_export, export_filter

_STARTUP_TIMEOUT = 60.0  # a cold start with a fresh profile takes 1-3 s
PRIVATE_UMASK = 0o077  # what LibreOffice creates (pipes, profile, scratch) is ours alone
_LOG_TAIL = 300  # characters of a worker's stderr quoted in an error


class WorkerFailure(Exception):
    """A single attempt failed; the worker is no longer trusted."""


class Ticket:
    """One document sent to a warm worker: its reply line once it comes (None: the
    worker died first). ``head_since``: when it became the one LibreOffice is converting
    (the worker answers in order), from which its timeout counts."""

    def __init__(self):
        self.done = threading.Event()
        self.line: str | None = None
        self.head_since: float | None = None

    def answer(self, line: str | None) -> None:
        self.line = line
        self.done.set()


class _Generation:
    """What one started worker process answers: its ready line, then one reply per
    ticket, in the order they were sent. Its reader fails the tickets left when the
    process ends; a restarted worker has a new generation, so nothing is mixed up."""

    def __init__(self):
        self.ready: queue.Queue = queue.Queue()
        self.tickets: collections.deque[Ticket] = collections.deque()
        self.lock = threading.Lock()
        self.ended = threading.Event()   # its output closed: the worker exited

    def read(self, stream) -> None:
        with stream:
            first = True
            for line in stream:
                if first:
                    self.ready.put(line)
                    first = False
                    continue
                with self.lock:
                    ticket = self.tickets.popleft() if self.tickets else None
                    if self.tickets:
                        self.tickets[0].head_since = time.monotonic()
                if ticket is not None:
                    ticket.answer(line)
        self.ready.put(None)   # end of file: the worker died
        self.ended.set()
        with self.lock:
            left, self.tickets = list(self.tickets), collections.deque()
        for ticket in left:
            ticket.answer(None)

    def add(self, ticket: Ticket) -> None:
        with self.lock:
            if not self.tickets:
                ticket.head_since = time.monotonic()
            self.tickets.append(ticket)


class OfficeWorker:
    """One LibreOffice behind a private profile. Warm, it takes a document while it
    converts another (:meth:`send`, then :meth:`wait`): the next job is in its pipe when
    it finishes the current one; it still converts one at a time."""

    def __init__(self, soffice: str, python: str | None, home: Path, timeout: float):
        self.soffice, self.python, self.home, self.timeout = soffice, python, home, timeout
        self.owner = os.getpid()   # the worker watches this pid and dies with it
        self.process: subprocess.Popen | None = None
        self.soffice_pid: int | None = None
        self.lease: Lease | None = None   # a kept profile (office_profile.lease), or none
        self.failures = 0                 # processes killed after a failure
        self._generation = _Generation()
        self._lock = threading.RLock()    # starting, sending, killing

    @property
    def profile(self) -> Path:
        return self.lease.path if self.lease is not None else self.home / "profile"

    @property
    def sockets(self) -> Path:
        """The private folder of this worker's UNO pipes (``OSL_SOCKET_PATH``)."""
        return socket_dir()

    @property
    def log(self) -> Path:
        return self.home / "worker.log"

    @property
    def pipe(self) -> str:
        return pipe_name(self.home)

    @property
    def in_flight(self) -> int:
        """Documents sent to this worker and not answered yet."""
        with self._generation.lock:
            return len(self._generation.tickets)

    def _environment(self) -> dict[str, str]:
        """LibreOffice's own temporary files go inside the worker's directory; its pipes
        into the private run folder where /tmp and /var/tmp are not writable
        (``OSL_SOCKET_PATH``: :mod:`contratgen.office_pipes` says why they stay ours in
        /tmp)."""
        scratch = self.home / "tmp"
        scratch.mkdir(parents=True, exist_ok=True)
        # no macro, no link update, no linked image fetched; no first-start work
        lock_down(self.profile, start_settings(self.soffice))
        return {**os.environ, "TMPDIR": str(scratch), "OSL_SOCKET_PATH": str(self.sockets)}

    def convert(self, source: Path, target: Path, pdfa: bool) -> None:
        """Write ``target``; raise WorkerFailure (and leave a dead worker) if not."""
        if self.python is None:
            self._convert_once(source, target, pdfa)
        else:
            self.wait(self.send(source, target, pdfa))
        self.check_output(target)

    def check_output(self, target: Path) -> None:
        if not target.is_file() or target.stat().st_size == 0:
            self.kill()
            raise WorkerFailure("LibreOffice produced no output")

    def ensure_started(self) -> None:
        with self._lock:
            if self.process is None:
                self._start()

    def send(self, source: Path, target: Path, pdfa: bool) -> Ticket:
        """Queue one conversion on this (warm) worker, started if need be."""
        job = {"in": str(source), "out": str(target), "filter": export_filter(pdfa)}
        ticket = Ticket()
        with self._lock:
            if self.process is None:
                self._start()
            self._generation.add(ticket)
            try:
                self.process.stdin.write(json.dumps(job) + "\n")
                self.process.stdin.flush()
            except OSError:
                self.kill()
                raise WorkerFailure(f"LibreOffice crashed{self._log_tail()}") from None
        return ticket

    def wait(self, ticket: Ticket) -> None:
        """The reply to ``ticket``; WorkerFailure (the worker killed) if it failed,
        crashed, or took longer than the timeout once LibreOffice started on it."""
        while not ticket.done.wait(self._left(ticket)):
            if ticket.head_since is not None and \
                    time.monotonic() - ticket.head_since >= self.timeout:
                self.kill()
                raise WorkerFailure(f"timed out after {self.timeout:g} s converting")
        if ticket.line is None:
            self.kill()
            raise WorkerFailure(f"LibreOffice crashed while converting{self._log_tail()}")
        answer = json.loads(ticket.line)
        if not answer.get("ok"):
            self.kill()
            raise WorkerFailure(answer.get("error", "LibreOffice failed"))

    def _left(self, ticket: Ticket) -> float:
        """How long to wait before looking at ``ticket``'s clock again."""
        since = ticket.head_since
        if since is None:   # queued behind another: its own clock has not started
            return min(self.timeout, 1.0)
        return max(self.timeout - (time.monotonic() - since), 0.0) + 0.001

    def _start(self) -> None:
        self._let_profile_go(failed=False)
        shutil.rmtree(self.home, ignore_errors=True)
        self.home.mkdir(parents=True)
        self.lease = lease(self.soffice)   # a failed LibreOffice's profile was deleted
        self.profile.mkdir(parents=True, exist_ok=True)
        (self.home / "profile-path").write_text(str(self.profile), "utf-8")  # leftovers
        lock = self.lease.fd if self.lease is not None else -1
        self._claim_pipes()
        with open(self.log, "wb") as log:
            self.process = subprocess.Popen(
                [self.python, "-I", "-c", _UNO_WORKER, self.soffice,
                 self.profile.as_uri(), self.pipe, str(self.owner), str(lock),
                 str(self.home)],
                stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=log,
                env=self._environment(), text=True,
                pass_fds=(lock,) if lock >= 0 else (),  # the profile's lock lives with them
                start_new_session=True,  # own process group, killed as one
                umask=PRIVATE_UMASK,     # soffice inherits it: its files are ours alone
            )
        self._generation = generation = _Generation()
        threading.Thread(target=generation.read, args=(self.process.stdout,),
                         daemon=True).start()
        try:
            line = generation.ready.get(timeout=max(self.timeout, _STARTUP_TIMEOUT))
        except queue.Empty:
            self.kill()
            raise WorkerFailure(f"timed out after {max(self.timeout, _STARTUP_TIMEOUT):g} s "
                                "starting LibreOffice") from None
        if line is None:
            self.kill()
            raise WorkerFailure(f"LibreOffice crashed while starting LibreOffice"
                                f"{self._log_tail()}")
        self.soffice_pid = json.loads(line).get("soffice_pid")

    def _convert_once(self, source: Path, target: Path, pdfa: bool) -> None:
        """Fallback without UNO: one ``soffice --convert-to`` process per document."""
        self.profile.mkdir(parents=True, exist_ok=True)
        self._claim_pipes()
        export = cli_export(pdfa)
        command = [self.soffice, "--headless", "--invisible", "--nologo", "--norestore",
                   "--nolockcheck", f"-env:UserInstallation={self.profile.as_uri()}",
                   "--convert-to", export, "--outdir", str(target.parent), str(source)]
        with open(self.log, "wb") as log:
            self.process = subprocess.Popen(
                command, stdin=subprocess.DEVNULL, stdout=log, stderr=log,
                env=self._environment(), start_new_session=True, umask=PRIVATE_UMASK,
                preexec_fn=die_with_parent,  # the CLI engine has no watching script
            )
        try:
            status = self.process.wait(timeout=self.timeout)
        except subprocess.TimeoutExpired:
            self.kill()
            raise WorkerFailure(f"timed out after {self.timeout:g} s converting") from None
        self.kill(failed=False)  # reaps anything the launcher left behind
        produced = target.parent / (source.stem + ".pdf")
        if status != 0:
            raise WorkerFailure(f"soffice exited with status {status}{self._log_tail()}")
        if produced != target and produced.exists():
            produced.replace(target)

    def _claim_pipes(self) -> None:
        """Our stale sockets removed; another account's at their names refused."""
        try:
            office_pipes.prepare(self.profile, self.pipe, self.sockets)
        except office_pipes.ForeignSocket as exc:
            self._let_profile_go(failed=False)   # nothing started: the profile is sound
            raise WorkerFailure(str(exc)) from None

    def _log_tail(self) -> str:
        try:
            text = self.log.read_text(errors="replace").strip()
        except OSError:
            return ""
        return f": {text[-_LOG_TAIL:]}" if text else ""

    def kill(self, failed: bool = True) -> None:
        """Kill the worker and everything it started (its process group). After a
        failure (the default) its kept profile is deleted, not reused."""
        with self._lock:
            process, self.process, self.soffice_pid = self.process, None, None
            if process is None:
                self._let_profile_go(failed)
                return
            self.failures += failed
            self._kill_process(process, failed)

    def _kill_process(self, process: subprocess.Popen, failed: bool) -> None:
        kill_group(process.pid)
        try:
            if process.stdin:
                process.stdin.close()
        except OSError:  # broken pipe on flush: it is dead anyway
            pass
        process.wait()  # stdout is closed by its reader thread at end of file
        office_pipes.remove(self.profile, self.pipe, self.sockets)  # a killed soffice's
        self._let_profile_go(failed)

    def _let_profile_go(self, failed: bool) -> None:
        if self.lease is not None:
            self.lease.release(discard=failed)
            self.lease = None

    def request_stop(self) -> None:
        """Ask LibreOffice to quit cleanly (it writes its kept profile, and the worker
        reaps soffice: a killed one lingers as a zombie); :meth:`stop` waits for it."""
        if self.process is not None and self.python is not None:
            try:
                self.process.stdin.close()
            except OSError:
                pass

    def stop(self) -> None:
        """Quit cleanly (:meth:`request_stop`), then make sure the whole group is gone."""
        process, generation = self.process, self._generation
        self.request_stop()
        if process is not None and self.python is not None:
            # woken by its end of file, not by polling (Popen.wait polls every 50 ms;
            # LibreOffice quits in ~80 ms)
            if generation.ended.wait(10):
                try:
                    process.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    pass
        self.kill(failed=False)


def kill_group(pgid: int) -> None:
    try:
        os.killpg(pgid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass
