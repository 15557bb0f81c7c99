"""The Factur-X PDF of an invoice: the DOCX converted by LibreOffice to PDF/A, the CII XML
embedded as ``factur-x.xml`` by the ``factur-x`` library (PDF/A-3, EN 16931 profile).

The library stamps the clock in three places (the document info, the XMP packet, the
attachment's /ModDate); they are set back to the invoice's date here, and the file is
written as :mod:`contratgen.pdf.finalize` writes contracts, so the bytes are reproducible.
"""
from __future__ import annotations

import datetime
import io
import json
import re
import struct

import facturx
from pypdf import PdfReader, PdfWriter
from pypdf.generic import DecodedStreamObject, NameObject, TextStringObject

from ..document import Prepared
from ..diagnostics import UserError
from ..pdf.metadata import PROVENANCE_KEY
from ..pdf.reproducible import write_reproducibly
from .document import certificate_file, invoice_context, provenance, xml_for
from .plan import Invoice

LEVEL = "en16931"
XMP_DATES = re.compile(rb"(<xmp:(?:CreateDate|ModifyDate|MetadataDate)>)[^<]*(</xmp:)")
XMP_PRODUCER = re.compile(rb"(<pdf:Producer>)[^<]*(</pdf:Producer>)")
PRODUCER = "contratgen"


def invoice_pdf(prepared: Prepared, invoice: Invoice, docx: bytes, converter,
                xml: bytes | None = None) -> bytes:
    """The PDF/A-3 of one invoice with its CII XML attached (``xml``, already validated,
    or made here); ``converter`` must export PDF/A (``pdf.Converter(pdfa=True)``)."""
    from ..pdf.workers import convert_for
    if converter is None or not getattr(converter, "pdfa", False):
        raise ValueError("a Factur-X invoice needs a PDF/A converter: Converter(pdfa=True)")
    visual = convert_for(converter, docx, invoice.number, prepared.path)
    context = invoice_context(prepared, invoice)
    xml = xml or xml_for(prepared, invoice, context)
    title = f"{context['invoice']['title']} {invoice.number}"
    metadata = {"author": prepared.client.provider.name, "title": title,
                "subject": f"{title} – {prepared.client.client.name}"}
    try:
        embedded = _embed(visual, xml, metadata, prepared.lang,
                          certificate_attachment(prepared, invoice))
    except Exception as exc:  # factur-x says "invalid against the XSD" with a bare Exception
        where = ("invoicing", "invoices", invoice.entry_index, "number")
        raise UserError([prepared.source.diagnostic(
            where, f"the Factur-X XML of invoice {invoice.number} was refused by factur-x "
                   f"({exc}); nothing is written", "invoice.facturx")]) from None
    return _reproducible(embedded, invoice, provenance(prepared, invoice))


def _embed(visual: bytes, xml: bytes, metadata: dict, lang: str,
           attachments: dict | None = None) -> bytes:
    """``facturx.generate_from_binary`` in memory: the library's own version writes the
    PDF to a ``facturx-*.pdf`` file in the shared temporary folder, which a killed run
    leaves behind and another account can watch. It reads and rewrites a seekable
    stream the same way (written, then rewritten from where the reading left it)."""
    stream = io.BytesIO()
    stream.write(visual)
    facturx.generate_from_file(stream, xml, flavor="factur-x", level=LEVEL, check_xsd=True,
                               pdf_metadata=metadata, lang=lang, xmp_compression=False,
                               attachments=attachments)
    return stream.getvalue()


def certificate_attachment(prepared: Prepared, invoice: Invoice) -> dict | None:
    """The insurance certificate a building trade joins to its invoices (C. assur.
    L243-2), embedded as a supplement of the PDF/A-3 (an insurer's certificate is seldom
    PDF/A, so it travels as an attachment, not as pages)."""
    found = None if invoice.credit_note else certificate_file(prepared)
    if found is None:
        return None
    name, title, data = found
    stamp = datetime.datetime.combine(invoice.date, datetime.time(), datetime.timezone.utc)
    return {name: {"filedata": data, "description": title, "afrelationship": "supplement",
                   "modification_datetime": stamp, "creation_datetime": stamp}}


def _reproducible(pdf: bytes, invoice: Invoice, stamp: dict) -> bytes:
    reader = PdfReader(io.BytesIO(pdf))
    writer = PdfWriter(clone_from=reader)
    writer.pdf_header = reader.pdf_header
    day = invoice.date
    pdf_date = f"D:{day:%Y%m%d}000000+00'00'"
    # PDF/A: every info entry with an XMP twin must equal it (factur-x's XMP has no
    # pdf:Keywords; the producer is set in both)
    info = {key: value for key, value in (writer.metadata or {}).items()
            if key != "/Keywords"}
    info.update({"/CreationDate": pdf_date, "/ModDate": pdf_date, "/Producer": PRODUCER,
                 PROVENANCE_KEY: json.dumps(stamp, sort_keys=True, ensure_ascii=False,
                                            separators=(",", ":"))})
    writer.metadata = None
    writer.add_metadata(info)
    _set_attachment_date(writer, pdf_date)
    _set_profile_dates(writer, day)
    _set_xmp_dates(writer, f"{day:%Y-%m-%d}T00:00:00+00:00".encode())
    return write_reproducibly(writer)


def _set_attachment_date(writer: PdfWriter, pdf_date: str) -> None:
    names = writer.root_object["/Names"]["/EmbeddedFiles"]["/Names"]
    for spec in names[1::2]:
        params = spec.get_object()["/EF"]["/F"].get_object()["/Params"]
        params[NameObject("/ModDate")] = TextStringObject(pdf_date)


def _set_profile_dates(writer: PdfWriter, day) -> None:
    """LibreOffice writes the clock into the header of the PDF/A colour profile (ICC.1
    bytes 24-35, the profile's dateTime): the invoice's date at midnight instead."""
    stamp = struct.pack(">6H", day.year, day.month, day.day, 0, 0, 0)
    for intent in writer.root_object.get("/OutputIntents", []):
        profile = intent.get_object().get("/DestOutputProfile")
        if profile is None:
            continue
        stream = profile.get_object()
        data = stream.get_data()
        stream.set_data(data[:24] + stamp + data[36:])


def _set_xmp_dates(writer: PdfWriter, stamp: bytes) -> None:
    metadata = writer.root_object["/Metadata"].get_object()
    data = XMP_DATES.sub(rb"\g<1>" + stamp + rb"\g<2>", metadata.get_data())
    data = XMP_PRODUCER.sub(rb"\g<1>" + PRODUCER.encode() + rb"\g<2>", data)
    stream = DecodedStreamObject()
    stream.update({NameObject("/Type"): NameObject("/Metadata"),
                   NameObject("/Subtype"): NameObject("/XML")})
    stream.set_data(data)
    writer.root_object[NameObject("/Metadata")] = writer._add_object(stream)


def embedded_xml(pdf: bytes) -> bytes:
    """The ``factur-x.xml`` a Factur-X PDF carries."""
    _, xml = facturx.get_xml_from_pdf(pdf, check_xsd=False)
    return xml
