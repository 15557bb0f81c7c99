"""The signatures of a PDF, checked with pyHanko against the system's trust store plus the
certificates the user trusts: who signed, when (Europe/Paris), whether the signed bytes
are intact, the certificate trusted, and whether the document changed after."""
from __future__ import annotations

import contextlib
import datetime
import io
import logging
from dataclasses import dataclass
from typing import Optional, Sequence

from .trust import PARIS, trust_roots


class UnreadablePdf(ValueError):
    """The PDF's structure or its signatures cannot be read."""


@dataclass(frozen=True)
class Signature:
    """One signature of a PDF, as checked."""
    field: str
    signer: str
    time: Optional[datetime.datetime]       # the time-stamp's, else the signer's claim
    timestamped: bool
    intact: bool                            # the signed bytes are unchanged
    valid: bool                             # intact and the cryptography checks
    trusted: bool                           # the certificate chains to a trusted root
    changed_after: bool                     # the document was changed after it (beyond
                                            # signatures, form filling, validation data)
    covers_all: bool                        # it signs every byte of the file
    certificate: str = ""                   # SHA-256 of the signer's certificate

    @property
    def status(self) -> str:
        if not self.intact or not self.valid:
            return "INVALID (the signed content was changed)"
        if self.changed_after:
            return "valid, but the document was changed after it"
        if not self.trusted:
            return "intact, signer NOT TRUSTED (give --trust CA.pem)"
        return "valid, trusted"

    @property
    def paris_date(self) -> Optional[datetime.date]:
        return self.time.astimezone(PARIS).date() if self.time else None


@contextlib.contextmanager
def _quiet():
    """pyHanko logs each failed path and each change it analyses, tracebacks included:
    the report says what matters, the log would bury it."""
    loggers = [logging.getLogger(name) for name in ("pyhanko", "pyhanko_certvalidator")]
    levels = [logger.level for logger in loggers]
    for logger in loggers:
        logger.setLevel(logging.CRITICAL + 1)
    try:
        yield
    finally:
        for logger, level in zip(loggers, levels):
            logger.setLevel(level)


def signatures(pdf: bytes, trust: Sequence[bytes] = ()) -> list[Signature]:
    """Every signature of ``pdf``, in the file's order. ``trust``: PEM or DER files whose
    certificates are trusted besides the system's store."""
    with _quiet():
        return _signatures(pdf, trust_roots(trust))


def _signatures(pdf: bytes, roots) -> list[Signature]:
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.diff_analysis import ModificationLevel
    from pyhanko.sign.validation.errors import SignatureValidationError
    from pyhanko.sign.validation import validate_pdf_signature
    from pyhanko.sign.validation.status import SignatureCoverageLevel
    from pyhanko_certvalidator import ValidationContext
    try:
        reader = PdfFileReader(io.BytesIO(pdf), strict=False)
        embedded_signatures = list(reader.embedded_signatures)
    except Exception as exc:   # pyHanko's reader raises many kinds on a damaged file
        raise UnreadablePdf(f"not a readable PDF ({type(exc).__name__}: {exc})") from None
    found = []
    for embedded in embedded_signatures:
        context = ValidationContext(trust_roots=roots, allow_fetching=False)
        try:
            status = validate_pdf_signature(embedded, context)
        except (SignatureValidationError, ValueError, KeyError):
            found.append(Signature(embedded.field_name, "?", None, False, False, False,
                                   False, True, False))
            continue
        stamp = status.timestamp_validity
        time = stamp.timestamp if stamp is not None else status.signer_reported_dt
        level = status.modification_level
        found.append(Signature(
            field=embedded.field_name,
            signer=_common_name(status.signing_cert),
            time=time, timestamped=stamp is not None,
            intact=status.intact, valid=status.valid, trusted=status.trusted,
            changed_after=level is not None and level > ModificationLevel.FORM_FILLING,
            covers_all=status.coverage == SignatureCoverageLevel.ENTIRE_FILE,
            certificate=status.signing_cert.sha256.hex()))
    return found


def _common_name(cert) -> str:
    subject = cert.subject.native
    return subject.get("common_name") or cert.subject.human_friendly
