"""PDF post-processing: signature fields, metadata and provenance, annexes.

LibreOffice gives us a PDF of the contract; this stage makes it "ready for
signature" (SPEC): one empty AcroForm ``/Sig`` field per signatory, placed
over that party's signature block; document info and XMP carrying the title,
the dates of ``document.date`` and the provenance JSON; annex PDFs appended.

The output is byte-reproducible: LibreOffice writes the clock and a random id
into every PDF, so the info dictionary and the XMP packet are rebuilt from
``PdfMeta`` only, orphaned objects are dropped, and the trailer ``/ID`` is a
hash of the written content.

Nothing else in contratgen touches pypdf or PDF objects.
"""

from __future__ import annotations

import datetime
import hashlib
import io
import json
import pathlib
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from xml.sax.saxutils import escape

from pypdf import PdfReader, PdfWriter

from . import pdfa as pdfa_stage
from pypdf.errors import PdfReadError
from pypdf.generic import (
    ArrayObject,
    ByteStringObject,
    DecodedStreamObject,
    DictionaryObject,
    FloatObject,
    NameObject,
    NumberObject,
    TextStringObject,
)

PRODUCER = "contratgen"
PROVENANCE_KEY = "/ContratgenProvenance"
XMP_NAMESPACE = "http://ns.contratgen.org/provenance/1.0/"

FIELD_HEIGHT = 70.0  # pt: room for a handwritten or visible e-signature
_MIN_FIELD_HEIGHT = 24.0
_COLUMN_GUTTER = 6.0  # pt kept free between the two fields
_PAGE_MARGIN = 20.0  # pt: a field never runs into the page edge
_BLOCK_LINE_GAP = 2.6  # × font size: larger gaps end the signature block
_PRINT_FLAG = 4  # annotation flag: print the widget


class AnchorNotFound(Exception):
    """The PDF has no signature block for a signatory."""


class AnnexUnreadable(Exception):
    """An annex PDF is missing or is not a readable PDF."""


@dataclass(frozen=True)
class SignatureSlot:
    field_name: str  # "provider_signature", "client_signature"
    anchor: str  # the "Bon pour accord" line ("Agreed and accepted" in English)
    column: str  # "left" (provider) or "right" (client)


NO_SIGNATURES: tuple[SignatureSlot, ...] = ()   # a letter: signed by its sender only


@dataclass(frozen=True)
class PdfMeta:
    title: str
    author: str
    subject: str
    keywords: str
    created: datetime.date
    provenance: dict  # contratgen version, document number, clauses [{id, version, hash}]
    language: str | None = None  # BCP 47 tag for the catalog's /Lang ("fr-FR")


@dataclass(frozen=True)
class Annex:
    title: str
    path: pathlib.Path


@dataclass(frozen=True)
class _Line:
    """A run of text on one baseline, in content-stream order."""

    page: int
    x: float
    y: float
    size: float
    text: str


def finalize(pdf: bytes, meta: PdfMeta, slots: Sequence[SignatureSlot],
             annexes: Sequence[Annex] = (), pdfa: bool = False) -> bytes:
    """The contract PDF, ready for signature, reproducible to the byte."""
    reader = PdfReader(io.BytesIO(pdf))
    if pdfa and not _declares_pdfa(reader):
        raise ValueError("pdfa=True needs a PDF/A input: convert with Converter(pdfa=True)")
    placements = _place_fields(reader, slots)
    annex_readers = [_open_annex(annex) for annex in annexes]

    writer = PdfWriter(clone_from=reader)
    writer.pdf_header = reader.pdf_header  # pypdf would write %PDF-1.3
    for name, page_index, rect in placements:
        _add_signature_field(writer, page_index, name, rect)
    for annex_reader in annex_readers:
        writer.append(annex_reader, import_outline=False)
    _set_metadata(writer, meta, pdfa)
    pdfa_stage.fix_output_intents(writer)   # LibreOffice's ICC profile carries the clock
    pdfa_stage.set_language(writer, meta.language)
    return _write_reproducibly(writer)


def read_pdf_info(pdf: bytes) -> dict:
    """What a finalized PDF embeds: metadata, provenance, signature fields."""
    reader = PdfReader(io.BytesIO(pdf))
    info = reader.metadata or {}
    xmp = _xmp_text(reader)
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
        "pages": len(reader.pages),
        "signature_fields": _signature_fields(reader),
    }


# --- where the signature fields go ------------------------------------------

def _place_fields(reader: PdfReader, slots: Sequence[SignatureSlot]
                  ) -> list[tuple[str, int, tuple[float, float, float, float]]]:
    """(field name, page index, rect) for each slot, below its signature block."""
    if not slots:   # no signature field: nothing to look for, no page text to read
        return []
    lines = _lines_near_anchors(reader, slots)
    blocks = {slot.field_name: _signature_block(reader, lines, slot) for slot in slots}
    in_blocks = {line for block in blocks.values() for line in block}
    placements = []
    for slot in slots:
        block = blocks[slot.field_name]
        page = block[-1].page  # a block split by a page break is signed where it ends
        page_lines = [line for line in lines if line.page == page]
        rect = _field_rect(reader.pages[page], page_lines, block, in_blocks)
        placements.append((slot.field_name, page, rect))
    return placements


def _lines_near_anchors(reader: PdfReader, slots: Sequence[SignatureSlot]) -> list[_Line]:
    """Text lines of the pages that matter, read from the end: text extraction is the
    slow part of finalizing, and the signature blocks end the document. Pages are read
    backwards until every slot's anchor is seen, plus — when pages follow — the page
    before (headers and footers are told by their repetition); the page after, where a
    block cut by a page break continues, was read on the way."""
    wanted = {_normalize(slot.anchor) for slot in slots}
    by_page: dict[int, list[_Line]] = {}
    found: set[str] = set()
    for index in range(len(reader.pages) - 1, -1, -1):
        by_page[index] = _page_lines(reader, index)
        found |= {_normalize(line.text).rstrip(" :.") for line in by_page[index]} & wanted
        if found == wanted:
            # the page before only serves to tell headers and footers (by repetition)
            # from a block that a page break cut; on the last page nothing can be cut
            if 0 < index < len(reader.pages) - 1:
                by_page[index - 1] = _page_lines(reader, index - 1)
            break
    return [line for index in sorted(by_page) for line in by_page[index]]


def _page_lines(reader: PdfReader, index: int) -> list[_Line]:
    runs: list[_Line] = []

    def visit(text, cm, tm, font_dict, font_size):
        if not text.strip():
            return
        x = tm[4] * cm[0] + tm[5] * cm[2] + cm[4]
        y = tm[4] * cm[1] + tm[5] * cm[3] + cm[5]
        size = abs(font_size * tm[3] * cm[3]) or font_size or 10.0
        last = runs[-1] if runs else None
        if last and abs(last.y - y) < 0.5 and x >= last.x:  # same baseline, same run
            runs[-1] = _Line(index, last.x, last.y, last.size, last.text + text)
        else:
            runs.append(_Line(index, x, y, size, text))

    reader.pages[index].extract_text(visitor_text=visit)
    return runs


def _signature_block(reader: PdfReader, lines: list[_Line], slot: SignatureSlot) -> list[_Line]:
    """The anchor line and the lines under it in its column ("Bon pour accord"
    … "Signature"); the last occurrence wins, as the block ends the document.
    A block split by a page break continues at the top of the next page."""
    if slot.column not in ("left", "right"):
        raise ValueError(f"{slot.field_name}: column must be 'left' or 'right', not {slot.column!r}")
    wanted = _normalize(slot.anchor)
    anchors = [line for line in lines
               if _normalize(line.text).rstrip(" :.") == wanted
               and _column_of(reader, line) == slot.column]
    if not anchors:
        raise AnchorNotFound(
            f"no signature block for {slot.field_name}: the text {slot.anchor!r} was not "
            f"found in the {slot.column} column of the PDF (check the template's "
            f"signature table)")
    anchor = anchors[-1]
    block = [anchor]
    lines = _without_running_lines(lines)
    below = _column_lines(reader, lines, anchor.page, slot.column, under=anchor.y)
    block += _run_of_lines(anchor, below)
    if len(block) == len(below) + 1 and anchor.page + 1 < len(reader.pages) \
            and not _room_below(reader, lines, block[-1]):
        # nothing under the block in its column and no room for a field: a page break
        # cut it (pages after a complete block, e.g. annexes, are not its continuation)
        block += _continuation(reader, lines, anchor, slot.column)
    return block


def _room_below(reader, lines: list[_Line], last: _Line) -> bool:
    """Whether a field fits between ``last`` and the next text under it (or the page's
    bottom margin)."""
    box = reader.pages[last.page].mediabox
    floor = max([line.y + line.size for line in lines
                 if line.page == last.page and line.y < last.y - 1] + [float(box.bottom)])
    return last.y - 0.35 * last.size - floor >= FIELD_HEIGHT + _PAGE_MARGIN


def _without_running_lines(lines: list[_Line]) -> list[_Line]:
    """Drop headers and footers: lines at the same place on several pages with
    the same text but for digits (page numbers)."""
    def key(line: _Line):
        return round(line.x), round(line.y), re.sub(r"\d+", "#", line.text.strip())
    pages: dict = {}
    for line in lines:
        pages.setdefault(key(line), set()).add(line.page)
    return [line for line in lines if len(pages[key(line)]) < 2]


def _column_lines(reader, lines, page, column, under=float("inf")) -> list[_Line]:
    """Lines of one column of a page under a height, top to bottom."""
    return sorted((line for line in lines if line.page == page and line.y < under
                   and _column_of(reader, line) == column), key=lambda line: -line.y)


def _run_of_lines(previous: _Line, candidates: list[_Line]) -> list[_Line]:
    """The lines that follow ``previous`` without a gap larger than a paragraph."""
    run = []
    for line in candidates:
        if previous.y - line.y > _BLOCK_LINE_GAP * previous.size:
            break
        run.append(line)
        previous = line
    return run


def _continuation(reader, lines, anchor: _Line, column: str) -> list[_Line]:
    """The rest of a block that a page break cut: the next page's top lines in
    the same column, at the anchor's indentation, with no text above them."""
    page = anchor.page + 1
    top = _column_lines(reader, lines, page, column)
    if not top or abs(top[0].x - anchor.x) > 2:
        return []
    if any(line.y > top[0].y + 1 for line in lines if line.page == page):
        return []  # something else starts the page: not the rest of the block
    return [top[0]] + _run_of_lines(top[0], top[1:])


def _field_rect(page, page_lines: list[_Line], block: list[_Line],
                in_blocks: set[_Line]) -> tuple[float, float, float, float]:
    """Column width × FIELD_HEIGHT under the block's last line, shortened if
    other text (not a signature block) starts higher."""
    box = page.mediabox
    left_edge, right_edge = float(box.left), float(box.right)
    center = (left_edge + right_edge) / 2
    text_margin = min((line.x for line in page_lines), default=left_edge + 56) - left_edge
    last = block[-1]
    first = next(line for line in block if line.page == last.page)  # top on this page
    x0 = block[0].x - 2
    if block[0].x < center:
        others = [line.x for line in page_lines
                  if line.x >= center and last.y <= line.y <= first.y]  # the other block
        x1 = (min(others) if others else center) - _COLUMN_GUTTER
    else:
        x1 = right_edge - max(text_margin, _PAGE_MARGIN)
    top = last.y - 0.35 * last.size - 2  # below the descenders of "Signature"
    bottom = max(top - FIELD_HEIGHT, float(box.bottom) + _PAGE_MARGIN)
    for line in page_lines:
        if line in in_blocks or line.x >= x1:
            continue
        if bottom < line.y + line.size < top:  # text would be covered: stop above it
            bottom = line.y + line.size + 2
    bottom = min(bottom, top - _MIN_FIELD_HEIGHT)
    return tuple(round(v, 2) for v in (x0, bottom, x1, top))


def _column_of(reader: PdfReader, line: _Line) -> str:
    box = reader.pages[line.page].mediabox
    return "left" if line.x < (float(box.left) + float(box.right)) / 2 else "right"


def _normalize(text: str) -> str:
    text = unicodedata.normalize("NFC", text).replace("\u00a0", " ")
    return " ".join(text.split()).casefold()


# --- PDF objects --------------------------------------------------------------

def _add_signature_field(writer: PdfWriter, page_index: int, name: str,
                         rect: tuple[float, float, float, float]) -> None:
    """An empty, visible, printable /Sig widget (with an empty appearance,
    which PDF/A requires of every widget)."""
    page = writer.pages[page_index]
    width, height = rect[2] - rect[0], rect[3] - rect[1]
    appearance = DecodedStreamObject()
    appearance.update({
        NameObject("/Type"): NameObject("/XObject"),
        NameObject("/Subtype"): NameObject("/Form"),
        NameObject("/BBox"): _numbers((0, 0, width, height)),
        NameObject("/Resources"): DictionaryObject(),
    })
    appearance.set_data(b"")
    field = DictionaryObject({
        NameObject("/FT"): NameObject("/Sig"),
        NameObject("/T"): TextStringObject(name),
        NameObject("/Type"): NameObject("/Annot"),
        NameObject("/Subtype"): NameObject("/Widget"),
        NameObject("/F"): NumberObject(_PRINT_FLAG),
        NameObject("/Rect"): _numbers(rect),
        NameObject("/P"): page.indirect_reference,
        NameObject("/AP"): DictionaryObject({NameObject("/N"): writer._add_object(appearance)}),
    })
    reference = writer._add_object(field)

    if "/Annots" in page:
        page[NameObject("/Annots")].get_object().append(reference)
    else:
        page[NameObject("/Annots")] = ArrayObject([reference])
    root = writer.root_object
    if "/AcroForm" not in root:
        root[NameObject("/AcroForm")] = DictionaryObject({NameObject("/Fields"): ArrayObject()})
    form = root["/AcroForm"].get_object()
    form.setdefault(NameObject("/Fields"), ArrayObject()).get_object().append(reference)
    form[NameObject("/SigFlags")] = NumberObject(1)  # "signatures exist" (empty ones count)


def _numbers(values) -> ArrayObject:
    return ArrayObject(FloatObject(round(v, 2)) for v in values)


def _signature_fields(reader: PdfReader) -> list[dict]:
    fields = []
    for number, page in enumerate(reader.pages, start=1):
        for annotation in page.get("/Annots") or []:
            widget = annotation.get_object()
            field = widget if "/FT" in widget else widget.get("/Parent", widget).get_object()
            if field.get("/FT") != "/Sig":
                continue
            fields.append({
                "name": str(field.get("/T")),
                "page": number,
                "rect": [float(v) for v in widget["/Rect"]],
                "signed": field.get("/V") is not None,
            })
    return fields


def _open_annex(annex: Annex) -> PdfReader:
    from .annex_guard import AnnexRefused, clean_annex
    try:  # bounded, parsed once per file, active content removed (annex_guard.py)
        reader = PdfReader(io.BytesIO(clean_annex(pathlib.Path(annex.path))[0]))
        len(reader.pages)  # forces parsing the page tree now, not mid-write
    except AnnexRefused as error:
        raise AnnexUnreadable(f"annex {annex.title!r}: {annex.path} {error}") from None
    except (PdfReadError, ValueError, KeyError) as error:
        raise AnnexUnreadable(f"annex {annex.title!r}: {annex.path} is not a readable PDF: {error}") from None
    return reader


# --- metadata -------------------------------------------------------------------

def _set_metadata(writer: PdfWriter, meta: PdfMeta, pdfa: bool) -> None:
    """Info dictionary and XMP from ``meta`` only: no clock, nothing left from LibreOffice."""
    day = datetime.date(meta.created.year, meta.created.month, meta.created.day)
    provenance = json.dumps(meta.provenance, sort_keys=True, ensure_ascii=False,
                            separators=(",", ":"))
    pdf_date = f"D:{day:%Y%m%d}000000+00'00'"
    writer.metadata = None
    writer.add_metadata({
        "/Title": meta.title,
        "/Author": meta.author,
        "/Subject": meta.subject,
        "/Keywords": meta.keywords,
        "/Creator": PRODUCER,
        "/Producer": PRODUCER,
        "/CreationDate": pdf_date,
        "/ModDate": pdf_date,
        PROVENANCE_KEY: provenance,
    })
    stream = DecodedStreamObject()
    stream.update({NameObject("/Type"): NameObject("/Metadata"),
                   NameObject("/Subtype"): NameObject("/XML")})
    stream.set_data(_xmp(meta, f"{day:%Y-%m-%d}T00:00:00+00:00", provenance, pdfa).encode())
    writer.root_object[NameObject("/Metadata")] = writer._add_object(stream)


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


def _xmp_text(reader: PdfReader) -> str | None:
    metadata = reader.trailer["/Root"].get("/Metadata")
    if metadata is None:
        return None
    return metadata.get_object().get_data().decode("utf-8", errors="replace")


def _declares_pdfa(reader: PdfReader) -> bool:
    return bool(re.search(r"pdfaid:part", _xmp_text(reader) or ""))


# --- writing --------------------------------------------------------------------

def _write_reproducibly(writer: PdfWriter) -> bytes:
    """Drop what LibreOffice left unreferenced (old dates, old XMP), then write
    twice: the trailer /ID is the hash of the first pass."""
    try:
        writer.compress_identical_objects(remove_duplicates=False, remove_unreferenced=True)
    except TypeError:  # pypdf < 6 spells the options differently
        writer.compress_identical_objects(remove_identicals=False, remove_orphans=True)
    writer._ID = ArrayObject([ByteStringObject(bytes(16))] * 2)
    first = io.BytesIO()
    writer.write(first)
    digest = ByteStringObject(hashlib.sha256(first.getvalue()).digest()[:16])
    writer._ID = ArrayObject([digest, digest])
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def write_reproducibly(writer: PdfWriter) -> bytes:
    """The bytes of ``writer`` without orphans, its /ID a hash of its content (for the
    other PDF stages: Factur-X invoices)."""
    return _write_reproducibly(writer)
