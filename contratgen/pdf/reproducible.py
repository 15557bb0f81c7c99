"""Writing a PDF reproducibly: no orphaned objects, a trailer /ID hashed from the content."""

from __future__ import annotations

import hashlib
import io

from pypdf import PdfWriter
from pypdf.generic import ArrayObject, ByteStringObject


def write_reproducibly(writer: PdfWriter) -> bytes:
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
