"""The server of ``contratgen serve``: warm LibreOffice workers behind a Unix socket.

:class:`Server` holds a lock file for its whole life (so a second server knows one is
alive, and a socket left by a killed one is known to be stale and replaced), listens on
the socket of :mod:`contratgen.serve.place`, and answers each connection in a thread of
its own: one request, one reply (:mod:`contratgen.serve.protocol`). Conversions go to a
:class:`contratgen.pdf.workers.Converter` per flavour — plain PDF, started with the server
(and primed with one small document, :mod:`contratgen.serve.primer`) so the first build is
already warm, and PDF/A, created at its first request.

It stops after ``idle`` seconds without a request, on SIGTERM/SIGINT/SIGHUP, or on a ``stop``
request; it then removes its socket, waits for the conversions in flight, and closes its
converters (no soffice left). One bad request never ends it: a malformed, oversized,
foreign (another uid) or failing request gets an error reply, or none, and the server
goes on.
"""
from __future__ import annotations

import fcntl
import os
import selectors
import signal
import socket
import threading
import time
from typing import Callable

from ..pdf.workers import ConversionFailed, Converter, ConverterMissing
from . import protocol
from .place import Place, prepare
from .primer import primer_docx

REQUEST_SECONDS = 30.0      # to send a whole request once connected
REPLY_SECONDS = 60.0        # to read a whole reply
MAX_CONNECTIONS = 32        # in flight at once; more get a "Busy" reply
MAX_NAME = 255              # characters of a document's name
_REQUEST, _PRIMER = "contratgen-serve-request", "contratgen-serve-prime"   # thread names


class AlreadyRunning(Exception):
    """Another server holds the lock of this place."""


class Server:
    def __init__(self, place: Place, idle: float = 900.0, workers: int = 1,
                 on_event: Callable[[str], None] = lambda message: None):
        self.place, self.idle, self.workers, self.on_event = place, idle, workers, on_event
        self.started = time.time()
        self.conversions = self.failures = 0
        self._converters: dict[bool, Converter] = {}
        self._state = threading.Lock()
        self._active: list[threading.Thread] = []
        self._reading: set[socket.socket] = set()   # connections still sending a request
        self._last = time.monotonic()
        self._stopping, self._stop_reason = False, ""
        self._signalled = False   # set by the signal handler, which takes no lock
        self._slots = threading.BoundedSemaphore(MAX_CONNECTIONS)
        self._lock_fd = self._listener = self._socket_id = None
        self._wake_r, self._wake_w = os.pipe()
        os.set_blocking(self._wake_w, False)

    # -- life ------------------------------------------------------------------------
    def start(self) -> None:
        """Take the lock, start the plain converter, listen. AlreadyRunning, UnsafeFolder,
        ConverterMissing, OSError — nothing is left behind when it raises."""
        prepare(self.place)
        self._lock_fd = os.open(self.place.lock, os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW, 0o600)
        try:
            fcntl.flock(self._lock_fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            self._release_lock()
            raise AlreadyRunning(str(self.place.socket)) from None
        try:
            self._prime()   # LibreOffice starts, and converts a first page, while we bind
            self._listen()
        except BaseException:
            self._close_converters()
            self._release_lock()
            raise

    def _prime(self) -> None:
        converter = self._converter(False)
        thread = threading.Thread(target=self._convert_primer, args=(converter,),
                                  daemon=True, name=_PRIMER)
        with self._state:
            self._active.append(thread)   # stopping waits for it, as for any conversion
        thread.start()

    def _convert_primer(self, converter: Converter) -> None:
        try:
            converter.convert(primer_docx(), "warm-up")
        except Exception as exc:   # noqa: BLE001 - the first real conversion will say
            self.on_event(f"warm-up conversion failed: {exc}")
        finally:
            with self._state:
                self._active.remove(threading.current_thread())
                self._last = time.monotonic()
            self._wake()

    def _listen(self) -> None:
        path = self.place.socket
        path.unlink(missing_ok=True)   # we hold the lock: whatever is there is stale
        listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        try:
            listener.bind(str(path))
            os.chmod(path, 0o600)
            listener.listen(MAX_CONNECTIONS)
        except BaseException:
            listener.close()
            raise
        info = os.stat(path)
        self._listener, self._socket_id = listener, (info.st_dev, info.st_ino)

    def run(self) -> str:
        """Serve until stopped; returns why ("idle", "signal", "stop"). Call after start,
        from the main thread (it handles SIGTERM, SIGINT and SIGHUP meanwhile)."""
        previous = {sig: signal.signal(sig, self._on_signal)
                    for sig in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP)}
        reason = "stop"
        try:
            reason = self._loop()
        finally:
            try:
                self._shutdown()   # a second Ctrl-C meanwhile must not leave LibreOffice
            finally:
                for sig, handler in previous.items():
                    signal.signal(sig, handler)
        return reason

    def _loop(self) -> str:
        with selectors.DefaultSelector() as selector:
            selector.register(self._listener, selectors.EVENT_READ)
            selector.register(self._wake_r, selectors.EVENT_READ)
            while True:
                if self._signalled:
                    self.request_stop("signal")
                with self._state:
                    if self._stopping:
                        return self._stop_reason
                    left = None if self._active else self.idle - (time.monotonic() - self._last)
                if left is not None and left <= 0:
                    return "idle"
                for key, _ in selector.select(left):
                    if key.fileobj is self._listener:
                        self._accept()
                    else:
                        os.read(self._wake_r, 512)

    def request_stop(self, reason: str = "stop") -> None:
        with self._state:
            if not self._stopping:
                self._stopping, self._stop_reason = True, reason
        self._wake()

    def _on_signal(self, signum, frame) -> None:
        # runs in the main thread, maybe while it holds self._state: no lock here
        self._signalled = True
        self._wake()

    def _wake(self) -> None:
        try:
            os.write(self._wake_w, b"x")
        except BlockingIOError:   # the pipe is full: the loop wakes anyway
            pass

    def _shutdown(self) -> None:
        self._listener.close()
        try:
            info = os.stat(self.place.socket)
            if (info.st_dev, info.st_ino) == self._socket_id:
                self.place.socket.unlink()
        except FileNotFoundError:
            pass
        with self._state:   # a request still being sent is not waited for
            for connection in self._reading:
                try:
                    connection.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass
        while True:   # conversions in flight finish (bounded by the converter's timeouts)
            with self._state:
                active = list(self._active)
            if not active:
                break
            for thread in active:
                thread.join()
        self._close_converters()
        self._release_lock()
        os.close(self._wake_r)
        os.close(self._wake_w)

    def _close_converters(self) -> None:
        with self._state:
            converters, self._converters = list(self._converters.values()), {}
        for converter in converters:
            converter.close()

    def _release_lock(self) -> None:
        if self._lock_fd is not None:
            os.close(self._lock_fd)   # the lock goes with it; the file stays, harmless
            self._lock_fd = None

    # -- requests --------------------------------------------------------------------
    def _accept(self) -> None:
        try:
            connection, _ = self._listener.accept()
        except OSError:
            return
        if not self._slots.acquire(blocking=False):
            with connection:
                self._reply(connection, _error("Busy", "too many requests at once"))
            return
        thread = threading.Thread(target=self._handle, args=(connection,), daemon=True,
                                  name=_REQUEST)
        with self._state:
            self._active.append(thread)
        thread.start()

    def _handle(self, connection: socket.socket) -> None:
        try:
            with connection:
                self._serve_one(connection)
        except Exception as exc:   # noqa: BLE001 - one request never ends the server
            self.on_event(f"request failed: {type(exc).__name__}: {exc}")
        finally:
            self._slots.release()
            with self._state:
                self._active.remove(threading.current_thread())
            self._wake()

    def _serve_one(self, connection: socket.socket) -> None:
        uid = protocol.peer_uid(connection)
        if uid is not None and uid != os.getuid():
            self.on_event(f"refused a connection from uid {uid}")
            return
        connection.settimeout(REQUEST_SECONDS)
        with self._state:
            if self._stopping:
                return
            self._reading.add(connection)
        try:
            meta, body = protocol.receive(connection)
        except protocol.ProtocolError as exc:
            self.on_event(f"bad request: {exc}")
            self._reply(connection, _error("BadRequest", str(exc)))
            _drain(connection)
            return
        finally:
            with self._state:
                self._reading.discard(connection)
        if meta.get("op") in ("ping", "convert"):
            with self._state:
                self._last = time.monotonic()   # a build is coming: not idle
        answer = self._answer(meta, body)
        with self._state:
            self._last = time.monotonic()
        self._reply(connection, answer)

    def _reply(self, connection: socket.socket, answer: tuple[dict, bytes]) -> None:
        connection.settimeout(REPLY_SECONDS)
        try:
            protocol.send(connection, *answer)
        except OSError:   # the client went away: nothing to tell it
            pass

    def _answer(self, meta: dict, body: bytes) -> tuple[dict, bytes]:
        op = meta.get("op")
        if op == "ping":
            return {"ok": True, "pid": os.getpid(), **protocol.identity()}, b""
        if op == "status":
            return {"ok": True, **self.status()}, b""
        if op == "stop":
            self.request_stop("stop")
            return {"ok": True, "pid": os.getpid()}, b""
        if op == "convert":
            return self._convert(meta, body)
        return _error("BadRequest", f"unknown operation {op!r}")

    def _convert(self, meta: dict, body: bytes) -> tuple[dict, bytes]:
        name, pdfa = meta.get("name"), meta.get("pdfa")
        if not isinstance(name, str) or not 0 < len(name) <= MAX_NAME or "\0" in name:
            return _error("BadRequest", "convert needs a name (1 to 255 characters)")
        if not isinstance(pdfa, bool) or not body:
            return _error("BadRequest", "convert needs pdfa (true/false) and a DOCX body")
        try:
            pdf = self._converter(pdfa).convert(body, name)
        except ConversionFailed as exc:
            self._count(failed=True)
            return _error("ConversionFailed", str(exc))
        except ConverterMissing as exc:
            return _error("ConverterMissing", str(exc))
        except RuntimeError as exc:   # the converter was closed: we are stopping
            return _error("Unavailable", str(exc))
        self._count(failed=False)
        return {"ok": True}, pdf

    def _converter(self, pdfa: bool) -> Converter:
        with self._state:
            if self._stopping:
                raise RuntimeError("the server is stopping")
            if pdfa not in self._converters:
                self._converters[pdfa] = Converter(workers=self.workers, pdfa=pdfa)
            return self._converters[pdfa]

    def _count(self, failed: bool) -> None:
        with self._state:
            self.conversions += 1
            self.failures += failed

    def status(self) -> dict:
        with self._state:
            converters = list(self._converters.items())
            served, failed = self.conversions, self.failures
            in_flight = sum(t.name == _REQUEST for t in self._active) - 1   # not this one
            primed = not any(t.name == _PRIMER for t in self._active)
        return {"pid": os.getpid(), "uptime": round(time.time() - self.started, 1),
                "conversions": served, "failures": failed, "in_flight": in_flight,
                "primed": primed,
                "workers": self.workers,
                "idle": self.idle, "socket": str(self.place.socket),
                "office_pids": sorted(pid for _, c in converters for pid in c.office_pids()),
                "converters": sorted("pdfa" if flavour else "pdf" for flavour, _ in converters)}


def _drain(connection: socket.socket, limit: int = 1 << 20) -> None:
    """Read what the peer sent past a refused header (up to ``limit``): closing with
    unread data would reset the connection and lose the reply we just sent."""
    try:
        connection.shutdown(socket.SHUT_WR)
        connection.settimeout(1.0)
        while limit > 0 and (chunk := connection.recv(min(limit, 65536))):
            limit -= len(chunk)
    except OSError:
        pass


def _error(kind: str, message: str) -> tuple[dict, bytes]:
    return {"ok": False, "error": kind, "message": message}, b""
