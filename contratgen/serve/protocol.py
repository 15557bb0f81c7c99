"""The wire format between ``contratgen serve`` and its clients.

One message each way per connection. A message is a fixed header — the magic ``CGS1``,
the length of a JSON object, the length of a byte body (both unsigned 32-bit, network
order) — then the JSON object (UTF-8), then the body. A request's object has ``op``
(``ping``, ``status``, ``stop``, ``convert``) and, for ``convert``, ``name`` and ``pdfa``;
its body is the DOCX. A reply's object has ``ok``; on success the body of a ``convert``
reply is the PDF; on failure ``error`` names the kind (``ConversionFailed``,
``ConverterMissing``, ``BadRequest``, ``Busy``, ``Internal``) and ``message`` says what.

Lengths are checked before anything is read into memory: a peer that announces more than
the limits is refused without reading its body.
"""
from __future__ import annotations

import functools
import hashlib
import json
import os
import socket
import struct

from .. import __version__
from ..pdf.soffice import find_soffice

MAGIC = b"CGS1"
PROTOCOL = 1
_HEADER = struct.Struct("!4sII")
MAX_META = 64 * 1024                 # bytes of the JSON object
MAX_BODY = 128 * 1024 * 1024         # bytes of a DOCX or a PDF
OPERATIONS = ("ping", "status", "stop", "convert")


class ProtocolError(Exception):
    """The peer sent something that is not a message of this protocol (or too much)."""


class Closed(ProtocolError):
    """The peer closed the connection before a whole message arrived."""


def send(sock: socket.socket, meta: dict, body: bytes = b"") -> None:
    data = json.dumps(meta, separators=(",", ":")).encode("utf-8")
    if len(data) > MAX_META or len(body) > MAX_BODY:
        raise ProtocolError("message too large")
    sock.sendall(_HEADER.pack(MAGIC, len(data), len(body)) + data)
    if body:
        sock.sendall(body)


def receive(sock: socket.socket, max_body: int = MAX_BODY) -> tuple[dict, bytes]:
    """One whole message; ProtocolError for anything malformed or over the limits."""
    magic, meta_size, body_size = _HEADER.unpack(_read(sock, _HEADER.size))
    if magic != MAGIC:
        raise ProtocolError("not a contratgen serve message")
    if meta_size > MAX_META or body_size > max_body:
        raise ProtocolError(f"message too large ({meta_size} + {body_size} bytes)")
    try:
        meta = json.loads(_read(sock, meta_size).decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError):
        raise ProtocolError("the message's header is not JSON") from None
    if not isinstance(meta, dict):
        raise ProtocolError("the message's header is not a JSON object")
    return meta, _read(sock, body_size)


def _read(sock: socket.socket, size: int) -> bytes:
    chunks, left = [], size
    while left:
        chunk = sock.recv(min(left, 1 << 20))
        if not chunk:
            raise Closed("connection closed mid-message")
        chunks.append(chunk)
        left -= len(chunk)
    return b"".join(chunks)


def peer_uid(sock: socket.socket) -> int | None:
    """The uid of the process at the other end of a Unix socket (SO_PEERCRED, Linux);
    None where the platform cannot say."""
    option = getattr(socket, "SO_PEERCRED", None)
    if option is None:
        return None
    credentials = sock.getsockopt(socket.SOL_SOCKET, option, struct.calcsize("3i"))
    _pid, uid, _gid = struct.unpack("3i", credentials)
    return uid


_CONVERSION_CODE = ("pdf/workers.py", "pdf/office_worker.py", "pdf/uno_worker.py",
                    "pdf/office_profile.py", "pdf/soffice.py")


def identity() -> dict:
    """What a client compares before using a server (the ping's reply): same protocol,
    same contratgen, same conversion code, same LibreOffice and UNO Python."""
    return {"protocol": PROTOCOL, "version": __version__, "code": conversion_code(),
            "soffice": find_soffice(), "uno_python": os.environ.get("CONTRATGEN_UNO_PYTHON")}


@functools.lru_cache(maxsize=1)
def conversion_code() -> str:
    """A digest of the modules that drive LibreOffice: a server started before they
    changed (a development checkout, an upgrade) is not used."""
    from importlib.resources import files
    digest = hashlib.sha256()
    for name in _CONVERSION_CODE:
        digest.update(files("contratgen").joinpath(name).read_bytes())
    return digest.hexdigest()[:16]
