"""PDF metadata: the info dictionary and the XMP packet, rebuilt from ``PdfMeta`` only.

LibreOffice writes the clock and a random id into every PDF; what a finalized PDF says
about itself (title, dates of ``document.date``, provenance JSON, PDF/A claim) comes from
here, and :func:`read_metadata` reads it back.
"""

from __future__ import annotations

import datetime
import json
import re
from dataclasses import dataclass
from xml.sax.saxutils import escape

from pypdf import PdfReader, PdfWriter
from pypdf.generic import DecodedStreamObject, DictionaryObject, NameObject, create_string_object

PRODUCER = "contratgen"
PROVENANCE_KEY = "/ContratgenProvenance"
XMP_NAMESPACE = "http://ns.contratgen.org/provenance/1.0/"


@dataclass(frozen=True)
class PdfMeta:
    title: str
    author: str
    subject: str
    keywords: str
    created: datetime.date
    provenance: dict  # contratgen version, document number, clauses [{id, version, hash}]
    language: str | None = None  # BCP 47 tag for the catalog's /Lang ("fr-FR")


def read_metadata(reader: PdfReader) -> dict:
    """What the info dictionary and the XMP packet say: provenance, title … PDF/A level."""
    info = reader.metadata or {}
    xmp = xmp_text(reader)
    provenance = info.get(PROVENANCE_KEY)
    if provenance is None and xmp:
        match = re.search(r"<contratgen:provenance>(.*?)</contratgen:provenance>", xmp, re.S)
        provenance = _unescape(match.group(1)) if match else None
    # as an element (ours) or an attribute (XMP rewritten by a signer, e.g. pyHanko)
    part = re.search(r"pdfaid:part(?:>|=[\"'])(\d)", xmp or "")
    level = re.search(r"pdfaid:conformance(?:>|=[\"'])(\w)", xmp or "")
    return {
        "provenance": json.loads(provenance) if provenance else None,
        "title": info.get("/Title"),
        "author": info.get("/Author"),
        "subject": info.get("/Subject"),
        "keywords": info.get("/Keywords"),
        "created": info.get("/CreationDate"),
        "producer": info.get("/Producer"),
        "pdfa": f"{part.group(1)}{level.group(1) if level else ''}" if part else None,
    }


def set_metadata(writer: PdfWriter, meta: PdfMeta, pdfa: bool) -> None:
    """Info dictionary and XMP from ``meta`` only: no clock, nothing left from LibreOffice."""
    writer.metadata = None
    writer.add_metadata(info_entries(meta))
    writer.root_object[NameObject("/Metadata")] = writer._add_object(xmp_stream(meta, pdfa))


def info_entries(meta: PdfMeta) -> dict[str, str]:
    """The document info dictionary's entries."""
    pdf_date = f"D:{_day(meta):%Y%m%d}000000+00'00'"
    return {
        "/Title": meta.title,
        "/Author": meta.author,
        "/Subject": meta.subject,
        "/Keywords": meta.keywords,
        "/Creator": PRODUCER,
        "/Producer": PRODUCER,
        "/CreationDate": pdf_date,
        "/ModDate": pdf_date,
        PROVENANCE_KEY: _provenance(meta),
    }


def info_dictionary(meta: PdfMeta) -> DictionaryObject:
    """:func:`info_entries` as a PDF dictionary (as pypdf's ``add_metadata`` makes it)."""
    return DictionaryObject({NameObject(key): create_string_object(value)
                             for key, value in info_entries(meta).items()})


def xmp_stream(meta: PdfMeta, pdfa: bool) -> DecodedStreamObject:
    """The XMP packet (``/Metadata`` of the catalog)."""
    stream = DecodedStreamObject()
    stream.update({NameObject("/Type"): NameObject("/Metadata"),
                   NameObject("/Subtype"): NameObject("/XML")})
    date = f"{_day(meta):%Y-%m-%d}T00:00:00+00:00"
    stream.set_data(_xmp(meta, date, _provenance(meta), pdfa).encode())
    return stream


def _day(meta: PdfMeta) -> datetime.date:
    return datetime.date(meta.created.year, meta.created.month, meta.created.day)


def _provenance(meta: PdfMeta) -> str:
    return json.dumps(meta.provenance, sort_keys=True, ensure_ascii=False,
                      separators=(",", ":"))


def _xmp(meta: PdfMeta, date: str, provenance: str, pdfa: bool) -> str:
    pdfa_id = ("<pdfaid:part>2</pdfaid:part><pdfaid:conformance>B</pdfaid:conformance>"
               if pdfa else "")
    # Custom properties must be declared in an extension schema to stay PDF/A.
    return f"""<?xpacket begin="\ufeff" id="W5M0MpCehiHzreSzNTczkc9d"?>
<x:xmpmeta xmlns:x="adobe:ns:meta/">
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">
<rdf:Description rdf:about=""
 xmlns:dc="http://purl.org/dc/elements/1.1/"
 xmlns:pdf="http://ns.adobe.com/pdf/1.3/"
 xmlns:xmp="http://ns.adobe.com/xap/1.0/"
 xmlns:pdfaid="http://www.aiim.org/pdfa/ns/id/"
 xmlns:pdfaExtension="http://www.aiim.org/pdfa/ns/extension/"
 xmlns:pdfaSchema="http://www.aiim.org/pdfa/ns/schema#"
 xmlns:pdfaProperty="http://www.aiim.org/pdfa/ns/property#"
 xmlns:contratgen="{XMP_NAMESPACE}">
<dc:format>application/pdf</dc:format>
<dc:title><rdf:Alt><rdf:li xml:lang="x-default">{escape(meta.title)}</rdf:li></rdf:Alt></dc:title>
<dc:creator><rdf:Seq><rdf:li>{escape(meta.author)}</rdf:li></rdf:Seq></dc:creator>
<dc:description><rdf:Alt><rdf:li xml:lang="x-default">{escape(meta.subject)}</rdf:li></rdf:Alt></dc:description>
<pdf:Keywords>{escape(meta.keywords)}</pdf:Keywords>
<pdf:Producer>{PRODUCER}</pdf:Producer>
<xmp:CreatorTool>{PRODUCER}</xmp:CreatorTool>
<xmp:CreateDate>{date}</xmp:CreateDate>
<xmp:ModifyDate>{date}</xmp:ModifyDate>
<xmp:MetadataDate>{date}</xmp:MetadataDate>
{pdfa_id}<contratgen:provenance>{escape(provenance)}</contratgen:provenance>
<pdfaExtension:schemas><rdf:Bag><rdf:li rdf:parseType="Resource">
<pdfaSchema:schema>contratgen provenance</pdfaSchema:schema>
<pdfaSchema:namespaceURI>{XMP_NAMESPACE}</pdfaSchema:namespaceURI>
<pdfaSchema:prefix>contratgen</pdfaSchema:prefix>
<pdfaSchema:property><rdf:Seq><rdf:li rdf:parseType="Resource">
<pdfaProperty:name>provenance</pdfaProperty:name>
<pdfaProperty:valueType>Text</pdfaProperty:valueType>
<pdfaProperty:category>external</pdfaProperty:category>
<pdfaProperty:description>contratgen version, document number and clause versions (JSON)</pdfaProperty:description>
</rdf:li></rdf:Seq></pdfaSchema:property>
</rdf:li></rdf:Bag></pdfaExtension:schemas>
</rdf:Description>
</rdf:RDF>
</x:xmpmeta>
<?xpacket end="w"?>"""


def _unescape(text: str) -> str:
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


def xmp_text(reader: PdfReader) -> str | None:
    metadata = reader.trailer["/Root"].get("/Metadata")
    if metadata is None:
        return None
    return metadata.get_object().get_data().decode("utf-8", errors="replace")


def declares_pdfa(reader: PdfReader) -> bool:
    return bool(re.search(r"pdfaid:part", xmp_text(reader) or ""))
