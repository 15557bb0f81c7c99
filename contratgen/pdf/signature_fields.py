"""Signature fields: the records saying which fields a document gets, and the PDF
objects — an empty AcroForm ``/Sig`` widget per signatory, read back by
:func:`read_signature_fields`. Where each field goes is ``signature_places.py``'s job.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from pypdf import PdfReader, PdfWriter
from pypdf.generic import ArrayObject, DecodedStreamObject, DictionaryObject, FloatObject, \
    IndirectObject, NameObject, NumberObject, PdfObject, TextStringObject

FIELD_HEIGHT = 70.0  # pt: room for a handwritten or visible e-signature
MIN_FIELD_HEIGHT = 24.0
COLUMN_GUTTER = 6.0  # pt kept free between the two fields
PAGE_MARGIN = 20.0  # pt: a field never runs into the page edge
_PRINT_FLAG = 4  # annotation flag: print the widget

Rect = tuple[float, float, float, float]


class AnchorNotFound(Exception):
    """The PDF has no signature block for a signatory."""


@dataclass(frozen=True)
class SignatureSlot:
    field_name: str  # "provider_signature", "client_signature": also the template's bookmark


NO_SIGNATURES: tuple[SignatureSlot, ...] = ()   # a letter: signed by its sender only


@dataclass(frozen=True)
class Placement:
    """Where one signature field goes: its page (0-based) and its rectangle."""

    field_name: str
    page: int
    rect: Rect


def add_signature_field(writer: PdfWriter, page_index: int, name: str,
                         rect: tuple[float, float, float, float]) -> None:
    """An empty, visible, printable /Sig widget (with an empty appearance,
    which PDF/A requires of every widget)."""
    page = writer.pages[page_index]
    add_field(page, page.indirect_reference, writer.root_object, writer._add_object, name, rect)


def add_field(page: DictionaryObject, page_ref: IndirectObject, root: DictionaryObject,
              add: Callable[[PdfObject], IndirectObject], name: str, rect: Rect) -> None:
    """The widget of :func:`add_signature_field` on ``page`` (whose reference is
    ``page_ref``), listed in ``root``'s AcroForm; ``add`` makes a new indirect object."""
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
        NameObject("/P"): page_ref,
        NameObject("/AP"): DictionaryObject({NameObject("/N"): add(appearance)}),
    })
    reference = add(field)

    if "/Annots" in page:
        page[NameObject("/Annots")].get_object().append(reference)
    else:
        page[NameObject("/Annots")] = ArrayObject([reference])
    if "/AcroForm" not in root:
        root[NameObject("/AcroForm")] = DictionaryObject({NameObject("/Fields"): ArrayObject()})
    form = root["/AcroForm"].get_object()
    form.setdefault(NameObject("/Fields"), ArrayObject()).get_object().append(reference)
    form[NameObject("/SigFlags")] = NumberObject(1)  # "signatures exist" (empty ones count)


def _numbers(values) -> ArrayObject:
    return ArrayObject(FloatObject(round(v, 2)) for v in values)


def read_signature_fields(reader: PdfReader) -> list[dict]:
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
