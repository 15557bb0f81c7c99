"""PDF post-processing: signature fields, metadata and provenance, annexes.

LibreOffice gives us a PDF of the contract; this stage makes it "ready for
signature" (SPEC): one empty AcroForm ``/Sig`` field per signatory, placed
over that party's signature block (``signature_places.py``); document info and XMP
carrying the title, the dates of ``document.date`` and the provenance JSON
(``metadata.py``); annex PDFs appended (``annexes.py``).

The output is byte-reproducible: LibreOffice writes the clock and a random id
into every PDF, so the info dictionary and the XMP packet are rebuilt from
``PdfMeta`` only, the objects they replace are dropped, and the trailer ``/ID`` is a
hash of the written content.

A document without annexes is rewritten by copying (``copy_writer.py``): the few
objects that change are parsed and written, the others copied as LibreOffice wrote
them — ten times faster than cloning the whole document into pypdf's writer, which
the annexes (pages of other files) still take (``reproducible.py``).

Only the ``pdf/`` stage touches pypdf or PDF objects.
"""

from __future__ import annotations

import io
from collections.abc import Sequence

from pypdf import PdfReader, PdfWriter
from pypdf.errors import PdfReadError

from . import pdfa as pdfa_stage
from pypdf.generic import ArrayObject, NameObject, TextStringObject

from .annexes import Annex, open_annex
from .copy_writer import CopyEdit
from .metadata import PdfMeta, declares_pdfa, info_dictionary, read_metadata, set_metadata, \
    xmp_stream
from .reproducible import write_reproducibly
from .signature_fields import Placement, SignatureSlot, add_field, add_signature_field, \
    read_signature_fields
from .signature_places import place_fields

# build.py (owned by another helper this round) still reaches these through this module
# (``finalize.AnchorNotFound``…); point it at signature_fields / annexes, then drop this line.
from .annexes import AnnexUnreadable  # noqa: F401,E402
from .signature_fields import AnchorNotFound  # noqa: F401,E402


def finalize(pdf: bytes, meta: PdfMeta, slots: Sequence[SignatureSlot],
             annexes: Sequence[Annex] = (), pdfa: bool = False) -> bytes:
    """The contract PDF, ready for signature, reproducible to the byte."""
    if not annexes:
        copied = _finalize_by_copy(pdf, meta, slots, pdfa)
        if copied is not None:
            return copied
    reader = PdfReader(io.BytesIO(pdf))
    _check_pdfa(reader, pdfa)
    placements = place_fields(reader, slots)
    annex_readers = [open_annex(annex) for annex in annexes]
    writer = PdfWriter(clone_from=reader)
    writer.pdf_header = reader.pdf_header  # pypdf would write %PDF-1.3
    for placement in placements:
        add_signature_field(writer, placement.page, placement.field_name, placement.rect)
    for annex_reader in annex_readers:
        writer.append(annex_reader, import_outline=False)
    set_metadata(writer, meta, pdfa)
    pdfa_stage.fix_output_intents(writer)   # LibreOffice's ICC profile carries the clock
    pdfa_stage.set_language(writer, meta.language)
    return write_reproducibly(writer)


def _check_pdfa(reader: PdfReader, pdfa: bool) -> None:
    if pdfa and not declares_pdfa(reader):
        raise ValueError("pdfa=True needs a PDF/A input: convert with Converter(pdfa=True)")


def _finalize_by_copy(pdf: bytes, meta: PdfMeta, slots: Sequence[SignatureSlot],
                      pdfa: bool) -> bytes | None:
    """:func:`finalize` for a document without annexes, rewritten by copying; None when
    the file is not laid out as LibreOffice writes it. Read strictly: pypdf's lenient
    reader checks the header of every object at opening (most of the time finalize
    took), where the copier checks their offsets itself; a file the strict reader
    refuses takes the lenient path."""
    try:
        reader = PdfReader(io.BytesIO(pdf), strict=True)
        edit = CopyEdit.open(pdf, reader)
        if edit is None:
            return None
        _check_pdfa(reader, pdfa)
        return _by_copy(edit, place_fields(reader, slots), meta, pdfa)
    except PdfReadError:
        return None


def _by_copy(edit: CopyEdit, placements: Sequence[Placement], meta: PdfMeta,
             pdfa: bool) -> bytes:
    reader = edit.reader
    root_ref = reader.trailer.raw_get("/Root")
    root = edit.editable(root_ref)
    if "/AcroForm" in root:   # the fields are appended to a copy, not to the reader's
        form = _own(root, "/AcroForm")
        if "/Fields" in form:
            _own(form, "/Fields")
    for placement in placements:
        page_ref = reader.pages[placement.page].indirect_reference
        page = edit.editable(page_ref)
        if "/Annots" in page:
            _own(page, "/Annots")
        add_field(page, page_ref, root, edit.add, placement.field_name, placement.rect)
    old_info = reader.trailer.raw_get("/Info") if "/Info" in reader.trailer else None
    if old_info is not None:
        edit.blank(old_info)   # LibreOffice's, with its clock
    info = edit.add(info_dictionary(meta))
    old_xmp = root.raw_get("/Metadata") if "/Metadata" in root else None
    if old_xmp is not None and hasattr(old_xmp, "idnum"):
        edit.blank(old_xmp)
    root[NameObject("/Metadata")] = edit.add(xmp_stream(meta, pdfa))
    pdfa_stage.fix_copied_intents(edit, root)
    if meta.language:
        root[NameObject("/Lang")] = TextStringObject(meta.language)
    return edit.write(root_ref, info)


def _own(parent, key: str):
    """``parent[key]`` made a direct copy in ``parent``, free to modify."""
    value = parent[key].get_object()
    value = ArrayObject(value) if isinstance(value, list) else value.__class__(value)
    parent[NameObject(key)] = value
    return value


def read_pdf_info(pdf: bytes) -> dict:
    """What a finalized PDF embeds: metadata, provenance, signature fields."""
    reader = PdfReader(io.BytesIO(pdf))
    return {**read_metadata(reader), "pages": len(reader.pages),
            "signature_fields": read_signature_fields(reader)}
