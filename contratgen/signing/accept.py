"""``contratgen accept``: the client's signature of a document recorded as the acceptance
of the deal. The PDF must be the one FILE builds (its provenance names FILE's document
and the SHA-256 of FILE's very bytes), the client's field must carry a signature that is
intact, trusted and not followed by changes; then ``document.accepted`` (the signature's
date in Europe/Paris, and the place) is written into FILE atomically, its comments kept.
"""
from __future__ import annotations

import datetime
import hashlib
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Optional, Sequence

from ..diagnostics import Diagnostic, ERROR, WARNING, UserError
from ..edit import set_entry
from ..load.model import parse_client
from ..load.source import load_bytes
from .trust import read_pdf
from .verify import Signature, UnreadablePdf, signatures

CLIENT_FIELD = "client_signature"


@dataclass(frozen=True)
class Acceptance:
    date: datetime.date
    place: str
    signature: Signature
    warnings: tuple[Diagnostic, ...] = ()


def _provenance(pdf: bytes) -> dict:
    from ..pdf.finalize import read_pdf_info
    try:
        raw = read_pdf_info(pdf).get("provenance")
        value = json.loads(raw) if isinstance(raw, str) else raw
    except Exception:   # pypdf raises many kinds on a damaged file
        value = None
    return value if isinstance(value, dict) else {}


def _problems(pdf_name: str, pdf: bytes, source, client, raw: bytes,
              trust: Sequence[bytes]) -> tuple[list[Diagnostic], Optional[Signature]]:
    at = ("document", "number")
    provenance = _provenance(pdf)
    if provenance.get("document") != client.document.number:
        return [source.diagnostic(at, f"{pdf_name} is not a document of this file (it is "
                f"{provenance.get('document') or 'not a contratgen PDF'}, this file builds "
                f"{client.document.number})", "accept.document")], None
    if provenance.get("input_sha256") != hashlib.sha256(raw).hexdigest():
        return [source.diagnostic(at, f"this file changed since {pdf_name} was built: the "
                "client signed another version; build it again and have it signed",
                "accept.document")], None
    if client.document.accepted is not None:
        return [source.diagnostic(("document", "accepted"), "the document is already "
                f"accepted ({client.document.accepted.date})", "accept.accepted")], None
    try:
        every = signatures(pdf, trust)
    except UnreadablePdf as exc:
        return [source.diagnostic(at, f"{pdf_name}: {exc}", "accept.signature")], None
    found = [s for s in every if s.field == CLIENT_FIELD]
    provider = {s.certificate for s in every if s.field != CLIENT_FIELD}
    if not found:
        return [source.diagnostic(at, f"{pdf_name} carries no signature in the client's "
                f"field ({CLIENT_FIELD})", "accept.signature")], None
    signature = found[-1]
    if not (signature.intact and signature.valid):
        problem = "the client's signature does not match the document: it was changed " \
                  "after signing"
    elif signature.changed_after or not signature.covers_all:
        problem = "the document was changed after the client's signature"
    elif signature.certificate in provider:
        problem = (f"the client's field is signed with the provider's own certificate "
                   f"({signature.signer}): the client must sign with theirs")
    elif not signature.trusted:
        problem = (f"the client's signature ({signature.signer}) is intact but its "
                   "certificate is not trusted: give the client's CA with --trust CA.pem")
    else:
        return [], signature
    return [source.diagnostic(at, f"{pdf_name}: {problem}", "accept.signature")], None


def accept(signed: Path, file: Path, place: str, trust: Sequence[bytes] = ()
           ) -> Acceptance:
    """Check ``signed`` against ``file`` and record the acceptance; raises
    :class:`UserError` (nothing written) when the signature does not prove it."""
    raw = Path(file).read_bytes()
    source = load_bytes(raw, str(file))
    client = parse_client(source)
    pdf = read_pdf(Path(signed))
    problems, signature = _problems(Path(signed).name, pdf, source, client, raw, trust)
    if problems:
        raise UserError(problems)
    day = signature.paris_date
    set_entry(Path(file), ("document", "accepted"), {"date": day, "place": place})
    return Acceptance(day, place, signature, _who(source, client, signature))


def _who(source, client, signature: Signature) -> tuple[Diagnostic, ...]:
    """A warning when the certificate's name is not the client's signatory (a colleague,
    a spelling): the signature stands, the user should know."""
    expected = client.client.signatory.name if client.client.signatory else None
    if expected and " ".join(expected.casefold().split()) != \
            " ".join(signature.signer.casefold().split()):
        return (source.diagnostic(("client", "signatory", "name"), f"the client's field is "
                f"signed by {signature.signer}, not by the signatory {expected}",
                "accept.signatory", severity=WARNING),)
    return ()
