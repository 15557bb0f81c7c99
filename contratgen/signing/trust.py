"""Whom signatures are checked against: the system's certificate store (the one OpenSSL
uses) plus the certificates the user trusts; and the time zone signature dates are given in."""
from __future__ import annotations

import os
from typing import Sequence
from zoneinfo import ZoneInfo

PARIS = ZoneInfo("Europe/Paris")


def certs_of(data: bytes):
    """Every certificate of a PEM bundle (or one DER certificate)."""
    from asn1crypto import pem
    if pem.detect(data):
        return [der for _, _, der in pem.unarmor(data, multiple=True)]
    return [data]


def system_roots() -> list[bytes]:
    """The certificates of the system's trust store (DER), as OpenSSL finds them."""
    import ssl
    paths = ssl.get_default_verify_paths()
    found = []
    for bundle in (paths.cafile, paths.openssl_cafile):
        if bundle and os.path.isfile(bundle):
            with open(bundle, "rb") as handle:
                found.extend(certs_of(handle.read()))
            break
    return found


def trust_roots(trust: Sequence[bytes]):
    """The system's roots plus the certificates of ``trust`` (PEM bundles or DER)."""
    from asn1crypto import x509
    roots = []
    for der in system_roots() + [c for bundle in trust for c in certs_of(bundle)]:
        try:
            roots.append(x509.Certificate.load(der))
        except ValueError:   # a malformed entry of a bundle is skipped, not fatal
            continue
    return roots


MAX_PDF = 256 * 1024 * 1024   # a signed contract is far smaller; /dev/zero is refused


def read_pdf(path, what: str = "PDF") -> bytes:
    """A regular file of at most :data:`MAX_PDF` bytes: a FIFO, a device or a folder is
    refused without blocking (a located error naming the file)."""
    from pathlib import Path
    from ..diagnostics import Diagnostic, ERROR, UserError
    from ..render.template_guard import TemplateRefused, read_regular_file
    try:
        return read_regular_file(Path(path), MAX_PDF, what)
    except TemplateRefused as exc:
        raise UserError([Diagnostic(str(path), 0, 0, ERROR, exc.reason, exc.code)]) from None
