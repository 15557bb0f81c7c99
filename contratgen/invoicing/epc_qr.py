"""The EPC QR code ("SEPA credit transfer" QR, EPC069-12 v3.0) of an invoice payable by
transfer: the payee, its IBAN and BIC, the amount due and the invoice number as the
reference, made with segno and put into the rendered DOCX at the template's slot (a
paragraph whose only text is :data:`SLOT`), so LibreOffice's PDF carries it too.

The payload (EPC069-12 §5.4), one element a line, UTF-8 (character set 1):
``BCD / 002 / 1 / SCT / BIC / name ≤ 70 / IBAN / EUR<amount> / purpose / structured
reference / unstructured remittance ≤ 140``; error correction M; at most version 13.
"""
from __future__ import annotations

import io
import re
import zipfile
from decimal import Decimal
from typing import Optional

from xml.sax.saxutils import escape

import segno

from .plan import Payee

SLOT = "EPC-QR-SLOT"     # the text the template's QR paragraph renders to
MEDIA = "word/media/epc-qr.png"
REL_ID = "rIdEpcQr"
SIZE_EMU = 1080000       # 3 cm
MIN_AMOUNT, MAX_AMOUNT = Decimal("0.01"), Decimal("999999999.99")


def payload(payee: Payee, amount: Decimal, reference: str) -> Optional[str]:
    """The EPC069-12 text, or None when the transfer cannot be encoded (no IBAN, an
    amount outside 0,01 – 999 999 999,99 €)."""
    if not payee.iban or not MIN_AMOUNT <= amount <= MAX_AMOUNT:
        return None
    lines = ["BCD", "002", "1", "SCT", (payee.bic or "").replace(" ", ""),
             payee.name[:70], payee.iban.replace(" ", "").upper(), f"EUR{amount:.2f}",
             "", "", reference[:140]]
    return "\n".join(lines)


def png(text: str) -> bytes:
    """The QR code of ``text`` as PNG (error correction M, 4-module quiet zone)."""
    code = segno.make(text, error="m", encoding="utf-8", micro=False, boost_error=False)
    if isinstance(code.version, int) and code.version > 13:
        raise ValueError("an EPC QR code is at most version 13")
    out = io.BytesIO()
    code.save(out, kind="png", scale=8, border=4)
    return out.getvalue()


_DRAWING = (
    '<w:r><w:drawing><wp:inline distT="0" distB="0" distL="0" distR="0" '
    'xmlns:wp="http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing">'
    '<wp:extent cx="{size}" cy="{size}"/><wp:docPr id="4242" name="EPC QR" descr="{descr}"/>'
    '<a:graphic xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main">'
    '<a:graphicData uri="http://schemas.openxmlformats.org/drawingml/2006/picture">'
    '<pic:pic xmlns:pic="http://schemas.openxmlformats.org/drawingml/2006/picture">'
    '<pic:nvPicPr><pic:cNvPr id="4242" name="epc-qr.png"/><pic:cNvPicPr/></pic:nvPicPr>'
    '<pic:blipFill><a:blip r:embed="{rel}" xmlns:r="http://schemas.openxmlformats.org/'
    'officeDocument/2006/relationships"/><a:stretch><a:fillRect/></a:stretch></pic:blipFill>'
    '<pic:spPr><a:xfrm><a:off x="0" y="0"/><a:ext cx="{size}" cy="{size}"/></a:xfrm>'
    '<a:prstGeom prst="rect"><a:avLst/></a:prstGeom></pic:spPr></pic:pic>'
    '</a:graphicData></a:graphic></wp:inline></w:drawing></w:r>')
_SLOT_RUN = re.compile(r"<w:r>(?:(?!</w:r>).)*?<w:t(?: [^>]*)?>" + SLOT +
                       r"</w:t>(?:(?!</w:r>).)*?</w:r>", re.S)


def with_image(docx: bytes, image: Optional[bytes], descr: str) -> bytes:
    """``docx`` with the run holding :data:`SLOT` replaced by ``image`` (None: the run
    removed). Entries keep their order and dates: the same input, the same bytes."""
    source = zipfile.ZipFile(io.BytesIO(docx))
    body = source.read("word/document.xml").decode("utf-8")
    if SLOT not in body:
        return docx
    drawing = "" if image is None else _DRAWING.format(
        size=SIZE_EMU, rel=REL_ID, descr=escape(descr, {'"': "&quot;"}))
    body = _SLOT_RUN.sub(lambda _: drawing, body, count=1)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            data = source.read(info)
            if info.filename == "word/document.xml":
                data = body.encode("utf-8")
            elif info.filename == "word/_rels/document.xml.rels" and image is not None:
                data = data.replace(b"</Relationships>", (
                    f'<Relationship Id="{REL_ID}" Type="http://schemas.openxmlformats.org/'
                    'officeDocument/2006/relationships/image" Target="media/epc-qr.png"/>'
                    "</Relationships>").encode())
            elif info.filename == "[Content_Types].xml" and image is not None and \
                    b'Extension="png"' not in data:
                data = data.replace(
                    b"</Types>", b'<Default Extension="png" ContentType="image/png"/></Types>')
            target.writestr(info, data)
        if image is not None:
            media = zipfile.ZipInfo(MEDIA, date_time=source.infolist()[0].date_time)
            media.compress_type = zipfile.ZIP_STORED
            target.writestr(media, image)
    return out.getvalue()
