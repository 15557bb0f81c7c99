"""A PAdES signature (B-B, B-T with a time-stamp, B-LT with validation data) in one of the
signature fields contratgen places over the signature blocks, with pyHanko.

The signature is an incremental update: the bytes signed before stay as they were. A
PDF/A document stays PDF/A: the stamp's text is set in an embedded font (Liberation Sans
or DejaVu Sans, subset), our XMP namespace keeps its declared prefix, and the document
information's Producer is made the one pyHanko writes into the XMP, so the two agree
(ISO 19005-2, 6.6.2.3: the Info dictionary and the XMP must be equivalent).
"""
from __future__ import annotations

import datetime
import io
import logging
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Optional, Sequence

from lxml import etree

from ..diagnostics import Diagnostic, ERROR, ExternalError, UserError
from ..pdf.metadata import XMP_NAMESPACE
from .trust import PARIS, trust_roots

FONTS = ("/usr/share/fonts/truetype/liberation/LiberationSans-Regular.ttf",
         "/usr/share/fonts/truetype/liberation2/LiberationSans-Regular.ttf",
         "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")
FIELDS = ("provider_signature", "client_signature")


@dataclass(frozen=True)
class Request:
    """What to sign and how."""
    field: str = "provider_signature"
    reason: str = "Bon pour accord"
    location: Optional[str] = None
    tsa_url: Optional[str] = None           # B-T: an RFC 3161 time-stamp
    long_term: bool = False                 # B-LT: embed the validation data (DSS)
    trust: tuple[bytes, ...] = ()           # extra trust roots for B-LT's validation data


def _fail(path: str, message: str, code: str) -> UserError:
    return UserError([Diagnostic(path, 0, 0, ERROR, message, code)])


def stamp_font() -> str:
    """An OpenType font to embed in the signature's appearance (PDF/A embeds every font)."""
    chosen = os.environ.get("CONTRATGEN_SIGNATURE_FONT")
    for candidate in ((chosen,) if chosen else ()) + FONTS:
        if candidate and Path(candidate).is_file():
            return candidate
    raise _fail("sign", "no font to draw the signature with: install fonts-liberation, or "
                "set CONTRATGEN_SIGNATURE_FONT to a .ttf file", "sign.font")


def load_signer(p12: bytes, passphrase: Optional[bytes], name: str):
    """A pyHanko signer from a PKCS#12 file; a wrong passphrase or file is a clear error."""
    from pyhanko.sign import signers
    try:
        signer = signers.SimpleSigner.load_pkcs12_data(p12, other_certs=(),
                                                       passphrase=passphrase)
    except Exception as exc:   # cryptography says "Could not deserialize…" in many forms
        raise _fail(name, f"cannot open the PKCS#12 file: wrong passphrase, or not a "
                    f"PKCS#12 file ({type(exc).__name__})", "sign.p12") from None
    if signer is None:
        raise _fail(name, "cannot open the PKCS#12 file: wrong passphrase, or not a PKCS#12 "
                    "file", "sign.p12")
    return signer


def _fields(pdf: bytes) -> dict[str, bool]:
    """The signature fields of ``pdf``: name → already signed."""
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.fields import enumerate_sig_fields
    reader = PdfFileReader(io.BytesIO(pdf))
    return {name: value is not None for name, value, _ in enumerate_sig_fields(reader)}


def _producer_as_pyhanko(writer) -> None:
    """Make the Info dictionary's Producer the one pyHanko writes into the XMP."""
    from pyhanko.pdf_utils import generic
    from pyhanko.pdf_utils.metadata.model import VENDOR
    if "/Info" in writer.trailer:
        info_ref = writer.trailer.raw_get("/Info")
        info = info_ref.get_object()
        info["/Producer"] = generic.TextStringObject(VENDOR)
        writer.mark_update(info_ref)


def _validation_context(request: Request):
    from pyhanko_certvalidator import ValidationContext
    # B-LT: the revocation data must be found and embedded, not skipped when missing
    return ValidationContext(trust_roots=trust_roots(request.trust), allow_fetching=True,
                             revocation_mode="require")


def sign_pdf(pdf: bytes, signer, request: Request, name: str = "sign",
             now: Optional[datetime.datetime] = None) -> bytes:
    """``pdf`` with a PAdES signature of ``signer`` in ``request.field``."""
    from pyhanko.pdf_utils.font.opentype import GlyphAccumulatorFactory
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.pdf_utils.text import TextBoxStyle
    from pyhanko.sign import fields, signers, timestamps
    from pyhanko.stamp import TextStampStyle
    try:
        present = _fields(pdf)
    except Exception as exc:   # pyHanko's reader raises many kinds on a damaged file
        raise _fail(name, f"not a readable PDF ({type(exc).__name__})", "sign.pdf") from None
    if request.field not in present:
        raise _fail(name, f"the PDF has no signature field '{request.field}' (it has: "
                    f"{', '.join(present) or 'none'})", "sign.field")
    if present[request.field]:
        raise _fail(name, f"the field '{request.field}' is already signed", "sign.field")
    # fontTools says on stderr that it drops a table it cannot subset (FFTM): harmless
    logging.getLogger("fontTools.subset").setLevel(logging.ERROR)
    # our XMP namespace keeps its prefix when pyHanko rewrites the packet (lxml's registry)
    etree.register_namespace("contratgen", XMP_NAMESPACE)
    writer = IncrementalPdfFileWriter(io.BytesIO(pdf), strict=False)
    _producer_as_pyhanko(writer)
    when = (now or datetime.datetime.now(datetime.timezone.utc)).astimezone(PARIS)
    metadata = signers.PdfSignatureMetadata(
        field_name=request.field, reason=request.reason, location=request.location,
        subfilter=fields.SigSeedSubFilter.PADES, md_algorithm="sha256",
        embed_validation_info=request.long_term,
        validation_context=_validation_context(request) if request.long_term else None)
    style = TextStampStyle(
        stamp_text="Signé par %(signer)s\nle %(when)s",
        text_box_style=TextBoxStyle(font=GlyphAccumulatorFactory(stamp_font())))
    stamper = timestamps.HTTPTimeStamper(request.tsa_url) if request.tsa_url else None
    pdf_signer = signers.PdfSigner(metadata, signer=signer, stamp_style=style,
                                   timestamper=stamper)
    from pyhanko.sign.general import SigningError
    from pyhanko.sign.timestamps.common_utils import TimestampRequestError
    try:
        out = pdf_signer.sign_pdf(writer, appearance_text_params={
            "when": when.strftime("%d/%m/%Y %H:%M %Z")})
    except TimestampRequestError as exc:
        raise ExternalError(f"the time-stamp authority {request.tsa_url} did not answer "
                            f"with a time-stamp: {exc}") from None
    except SigningError as exc:
        hint = " (for --long-term, give the signer's CA with --trust CA.pem)" \
            if request.long_term else ""
        raise _fail(name, f"pyHanko could not sign: {exc}{hint}", "sign.signer") from None
    return out.getvalue()
