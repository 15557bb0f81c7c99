"""Invisible text anchors for signing services, under each signature block.

Signing services place their signature boxes by finding text patterns in the PDF's text:
Yousign's Smart Anchors (``{{s1|signature|width|height}}``, the signer's index, sizes in
px ≥ 85 × 37, ratio 2.3) and DocuSeal's field tags
(``{{Name;type=signature;role=Role;width=…;height=…}}``). contratgen writes them at the
top left of each signature field, in text rendering mode 3 (neither filled nor stroked:
nothing shows, nothing prints, the text is still there to be found), as an incremental
update of the finished PDF. A PDF/A stays PDF/A: a font used only in rendering mode 3
needs no embedding (ISO 19005-2, 6.2.11.4.1).
"""
from __future__ import annotations

import io
from typing import Callable

from pypdf import PdfReader, PdfWriter
from pypdf.generic import ArrayObject, DecodedStreamObject, DictionaryObject, NameObject

from .signature_fields import Rect, read_signature_fields

FONT = "/CgAnchor"
SIZE = 6   # pt, for the text's box only: it is never drawn
SIGNERS = {"provider_signature": (1, "Prestataire"), "client_signature": (2, "Client")}


def _yousign(field: str, rect: Rect) -> str:
    index, _ = SIGNERS[field]
    height = max(37, min(int(rect[3] - rect[1]), int((rect[2] - rect[0]) / 2.3)))
    return f"{{{{s{index}|signature|{max(85, round(height * 2.3))}|{height}}}}}"


def _docuseal(field: str, rect: Rect) -> str:
    _, role = SIGNERS[field]
    return (f"{{{{Signature {role};type=signature;role={role};"
            f"width={int(rect[2] - rect[0])};height={int(rect[3] - rect[1])}}}}}")


SERVICES: dict[str, Callable[[str, Rect], str]] = {"yousign": _yousign, "docuseal": _docuseal}


def _escape(text: str) -> bytes:
    return text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)").encode("ascii")


def _stream(writer: PdfWriter, data: bytes):
    stream = DecodedStreamObject()
    stream.set_data(data)
    return writer._add_object(stream)   # pypdf's way to make an indirect object


def add_anchors(pdf: bytes, service: str) -> bytes:
    """``pdf`` with the anchors of ``service`` under each signature field."""
    anchor = SERVICES[service]
    fields = [f for f in read_signature_fields(PdfReader(io.BytesIO(pdf)))
              if f["name"] in SIGNERS]
    writer = PdfWriter(io.BytesIO(pdf), incremental=True)
    for field in fields:
        page = writer.pages[field["page"] - 1]
        resources = page[NameObject("/Resources")].get_object()
        fonts = resources.setdefault(NameObject("/Font"), DictionaryObject()).get_object()
        fonts[NameObject(FONT)] = writer._add_object(DictionaryObject({
            NameObject("/Type"): NameObject("/Font"),
            NameObject("/Subtype"): NameObject("/Type1"),
            NameObject("/BaseFont"): NameObject("/Helvetica"),
            NameObject("/Encoding"): NameObject("/WinAnsiEncoding")}))
        x0, _, _, y1 = field["rect"]
        text = b"BT 3 Tr %s %d Tf %.2f %.2f Td (%s) Tj ET" % (
            FONT.encode(), SIZE, x0 + 2, y1 - SIZE - 2,
            _escape(anchor(field["name"], tuple(field["rect"]))))
        contents = page.raw_get("/Contents")
        old = contents.get_object()
        parts = list(old) if isinstance(old, ArrayObject) else [contents]
        # the page's own streams in q … Q, so the anchor is placed in default user space
        page[NameObject("/Contents")] = ArrayObject(
            [_stream(writer, b"q"), *parts, _stream(writer, b"Q\n" + text)])
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()
