"""The client side of ``contratgen serve``: what the commands call to get a converter.

:func:`converter_for_cli` returns a :class:`RemoteConverter` when a server of the same
contratgen, with the same LibreOffice, answers a ping quickly in a folder that can be
trusted; else a local :class:`contratgen.pdf.workers.Converter`, as before.
``CONTRATGEN_SERVE=off`` never uses a server.

A :class:`RemoteConverter` has the converter's interface (``convert(docx, name)``,
``close``, a context manager). The server's failures come back as the same exceptions
(``ConversionFailed``, ``ConverterMissing``) with the same messages, so the commands' exit
codes and messages do not change. A server that has gone away meanwhile (stopped, idle,
killed) or is busy is not an error: that document, and the next, are converted locally.
"""
from __future__ import annotations

import os
import socket

from ..pdf import workers as pdf_workers
from ..pdf.workers import INSTALL_HINT, ConversionFailed, ConverterMissing
from . import protocol
from .place import Place, UnsafeFolder, check, runtime_place

PING_SECONDS = 1.0          # a live server answers in milliseconds, even when busy
CONVERT_SECONDS = 600.0     # a conversion: the server's own timeouts come first
_FALL_BACK = ("Busy", "Unavailable")


class Unavailable(Exception):
    """No usable server there (none, stale socket, unsafe folder, other build, gone)."""


def request(place: Place, meta: dict, body: bytes = b"", timeout: float = PING_SECONDS
            ) -> tuple[dict, bytes]:
    """One request, one reply; Unavailable when no trusted server answers."""
    try:
        check(place)
    except UnsafeFolder as exc:
        raise Unavailable(str(exc)) from None
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    try:
        sock.settimeout(timeout)
        sock.connect(str(place.socket))
        uid = protocol.peer_uid(sock)
        if uid is not None and uid != os.getuid():
            raise Unavailable(f"{place.socket}: served by uid {uid}, not by you")
        protocol.send(sock, meta, body)
        return protocol.receive(sock)
    except (OSError, protocol.ProtocolError) as exc:   # timeouts are OSErrors
        raise Unavailable(f"{place.socket}: {exc}") from None
    finally:
        sock.close()


def stopped(place: Place) -> bool:
    """Whether no server holds the place's lock (released once its LibreOffice is gone)."""
    import fcntl
    try:
        fd = os.open(place.lock, os.O_RDONLY | os.O_NOFOLLOW)
    except FileNotFoundError:
        return True
    try:
        fcntl.flock(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
        return True
    except BlockingIOError:
        return False
    finally:
        os.close(fd)


def ping(place: Place | None = None) -> dict | None:
    """The server's identity (pid, version, LibreOffice) if one is live, else None."""
    try:
        meta, _ = request(place or runtime_place(), {"op": "ping"})
    except Unavailable:
        return None
    return meta if meta.get("ok") else None


def usable(answer: dict | None) -> bool:
    """A server of this contratgen with the LibreOffice this process would use."""
    return answer is not None and all(answer.get(k) == v
                                      for k, v in protocol.identity().items())


class RemoteConverter:
    """``Converter``'s interface, converting on the server at ``place``."""

    def __init__(self, place: Place, workers: int = 1, pdfa: bool = False):
        self.place, self.workers, self.pdfa = place, workers, pdfa
        self.remote = True          # False once a conversion had to fall back
        self._local: pdf_workers.Converter | None = None

    def __enter__(self) -> RemoteConverter:
        return self

    def __exit__(self, *exc_info) -> None:
        self.close()

    def convert(self, docx: bytes, name: str = "document") -> bytes:
        if self.remote:
            try:
                return self._convert_remote(docx, name)
            except Unavailable:
                self.remote = False
        if self._local is None:
            self._local = pdf_workers.Converter(workers=self.workers, pdfa=self.pdfa)
        return self._local.convert(docx, name)

    def _convert_remote(self, docx: bytes, name: str) -> bytes:
        meta, pdf = request(self.place, {"op": "convert", "name": name, "pdfa": self.pdfa},
                            docx, timeout=CONVERT_SECONDS)
        if meta.get("ok") and pdf:
            return pdf
        kind, message = meta.get("error"), str(meta.get("message", ""))
        if kind == "ConverterMissing":
            raise ConverterMissing(message.removesuffix(f"; install it with: {INSTALL_HINT}"))
        if kind in _FALL_BACK:
            raise Unavailable(message)
        if kind == "ConversionFailed":
            raise ConversionFailed(message)
        raise ConversionFailed(f"{name}: the contratgen server refused it: {message}")

    def warm_up(self) -> None:
        """Nothing to do: the server's workers are warm already."""

    def close(self) -> None:
        if self._local is not None:
            self._local.close()
            self._local = None


def converter_for_cli(workers: int = 1, pdfa: bool = False):
    """A RemoteConverter when a usable server answers quickly, else a local Converter."""
    wanted = os.environ.get("CONTRATGEN_SERVE", "").lower() != "off"
    if wanted and hasattr(socket, "AF_UNIX"):   # no Unix sockets (Windows): never
        place = runtime_place()
        if usable(ping(place)):
            return RemoteConverter(place, workers=workers, pdfa=pdfa)
    return pdf_workers.Converter(workers=workers, pdfa=pdfa, warm=True)
