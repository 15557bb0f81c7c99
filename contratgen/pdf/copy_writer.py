"""Rewriting a PDF by copying: the objects left alone are copied byte for byte, only the
few that change are parsed and written by pypdf.

Finalizing a contract changes a handful of objects (the catalog, the pages that get a
signature field, the info dictionary, the XMP packet, a PDF/A output intent) of the
~700 LibreOffice writes (a tagged PDF has one per structure element). Cloning the whole
document into a ``PdfWriter`` parses and re-serializes every one of them: 90 % of
finalize's time. :class:`CopyEdit` reads only what it is asked for (pypdf's reader is
lazy) and :meth:`CopyEdit.write` lays out a complete, single-section PDF: the header and
every untouched object as LibreOffice wrote them, then the changed and added objects,
then one cross-reference table and a trailer whose ``/ID`` is the hash of the rest (as
``reproducible.py`` does for the cloned path). An object nothing references any more
and which would carry LibreOffice's clock (the old info dictionary, the old XMP) is
written as ``null``: the output depends on the content only.

It takes only files laid out as LibreOffice writes them: one classic ``xref`` section,
no object streams, no encryption, generation 0 everywhere. :func:`CopyEdit.open`
returns None for anything else, and the caller clones as before.
"""
from __future__ import annotations

import hashlib
import io
import re

from pypdf import PdfReader
from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject, NullObject, \
    PdfObject, StreamObject, TextStringObject

_ZERO_ID = b"<" + b"0" * 32 + b">"
# how pypdf writes each byte of a text string: letters, digits and space as they are,
# any other as a three-digit octal escape
_STRING_BYTE = [bytes([b]) if bytes([b]).isalnum() or b == 32 else b"\\%03o" % b
                for b in range(256)]


class CopyEdit:
    """The objects of ``raw`` to replace, to add and to blank, then :meth:`write`."""

    def __init__(self, raw: bytes, reader: PdfReader, offsets: dict[int, int], end: int):
        self.raw, self.reader = raw, reader
        self._offsets = offsets     # object number → offset of "N 0 obj"
        self._end = end             # where the last object ends (the "xref" keyword)
        self._size = int(reader.trailer["/Size"])
        self._changed: dict[int, PdfObject] = {}
        self._added: list[PdfObject] = []

    @classmethod
    def open(cls, raw: bytes, reader: PdfReader) -> CopyEdit | None:
        """An editor for ``raw`` (already opened by ``reader``), or None when its layout
        is not the simple one this copier handles."""
        try:
            tail = raw.rindex(b"startxref")
            start = int(raw[tail + len(b"startxref"):].split(None, 1)[0])
            if reader.is_encrypted or raw[start:start + 4] != b"xref" \
                    or "/Prev" in reader.trailer or reader.xref_objStm \
                    or set(reader.xref) - {0, 65535}:   # 65535: the free object 0
                return None
            offsets = {number: offset for number, offset in reader.xref[0].items()}
            if set(reader.xref.get(65535, {})) - {0}:
                return None
        except (IndexError, KeyError, TypeError, ValueError):
            return None
        for number, offset in offsets.items():
            if not raw.startswith(f"{number} 0 obj".encode(), offset):
                return None
        if not offsets or max(offsets.values()) >= start or max(offsets) >= int(
                reader.trailer["/Size"]):
            return None
        return cls(raw, reader, offsets, start)

    # --- what changes ---------------------------------------------------------------

    def get_object(self, reference) -> PdfObject | None:
        """What a reference points to, edits included (IndirectObject calls this)."""
        number = reference.idnum if isinstance(reference, IndirectObject) else int(reference)
        if number in self._changed:
            return self._changed[number]
        if number >= self._size:
            return self._added[number - self._size]
        return self.reader.get_object(number)

    def editable(self, reference: IndirectObject) -> DictionaryObject:
        """The dictionary behind ``reference`` (not a stream: :meth:`replace` those),
        a copy to modify in place, written anew."""
        number = reference.idnum
        if number not in self._changed:
            original = self.reader.get_object(number)
            if not isinstance(original, DictionaryObject) or isinstance(original,
                                                                        StreamObject):
                raise TypeError(f"object {number} is not a dictionary")
            copied = DictionaryObject()
            copied.update(original)
            self._changed[number] = copied
        return self._changed[number]

    def length_of(self, reference: IndirectObject) -> IndirectObject | None:
        """A stream's ``/Length`` when it is an indirect object, as LibreOffice wrote it
        (pypdf's parsed stream no longer has the entry)."""
        offset = self._offsets.get(reference.idnum)
        if offset is None:
            return None
        head = self.raw[offset:self.raw.find(b"stream", offset)]
        found = re.search(rb"/Length\s+(\d+)\s+0\s+R", head)
        return IndirectObject(int(found.group(1)), 0, self) if found else None

    def replace(self, reference: IndirectObject, value: PdfObject) -> None:
        self._changed[reference.idnum] = value

    def blank(self, reference: IndirectObject) -> None:
        """The object is no longer referenced: written as ``null``."""
        self._changed[reference.idnum] = NullObject()

    def add(self, value: PdfObject) -> IndirectObject:
        """A new object; its reference."""
        self._added.append(value)
        return IndirectObject(self._size + len(self._added) - 1, 0, self)

    # --- writing ----------------------------------------------------------------------

    def write(self, root: IndirectObject, info: IndirectObject) -> bytes:
        """The whole new file, its ``/ID`` the hash of everything else in it."""
        out = io.BytesIO()
        positions = self._copy_untouched(out)
        fresh = list(self._changed.items()) + [
            (self._size + i, value) for i, value in enumerate(self._added)]
        for number, value in sorted(fresh, key=lambda item: item[0]):
            positions[number] = out.tell()
            out.write(f"{number} 0 obj\n".encode())
            write_object(value, out)
            out.write(b"\nendobj\n")
        size = self._size + len(self._added)
        xref = out.tell()
        out.write(f"xref\n0 {size}\n".encode())
        out.write(b"".join(b"%010d 00000 n \n" % positions[n] if n in positions
                           else b"0000000000 65535 f \n" for n in range(size)))
        out.write(f"trailer\n<</Size {size}/Root {root.idnum} 0 R/Info {info.idnum} 0 R"
                  f"/ID [{_ZERO_ID.decode()} {_ZERO_ID.decode()}]>>\n"
                  f"startxref\n{xref}\n%%EOF\n".encode())
        data = out.getvalue()
        digest = b"<" + hashlib.sha256(data).digest()[:16].hex().upper().encode() + b">"
        at = data.rindex(b"/ID [")
        return data[:at] + data[at:].replace(_ZERO_ID, digest)

    def _copy_untouched(self, out: io.BytesIO) -> dict[int, int]:
        """The header and every object not changed, as LibreOffice wrote them (each run
        of them in one piece); where each lands in ``out``, by number."""
        ordered = sorted(self._offsets.items(), key=lambda item: item[1])
        out.write(self.raw[:ordered[0][1]])     # the header LibreOffice wrote
        positions: dict[int, int] = {}
        run, shift = ordered[0][1], 0   # raw bytes not written yet from run; out - raw
        for (number, offset), (_, end) in zip(ordered, ordered[1:] + [(None, self._end)]):
            if number in self._changed:
                out.write(self.raw[run:offset])
                run, shift = end, out.tell() - end
            else:
                positions[number] = offset + shift
        out.write(self.raw[run:self._end])
        return positions


def write_object(value: PdfObject, out: io.BytesIO) -> None:
    """``value.write_to_stream(out)``, the same bytes, its text strings written in one
    piece (pypdf writes them a byte at a time: a third of finalize's writing)."""
    kind = type(value)
    if kind is TextStringObject:
        out.write(b"(" + b"".join([_STRING_BYTE[b] for b in value.get_encoded_bytes()]) + b")")
    elif kind is DictionaryObject:
        out.write(b"<<\n")
        for key, item in value.items():
            if len(key) > 2 and key[1] == "%" and key[-1] == "%":   # as pypdf skips them
                continue
            key.write_to_stream(out)
            out.write(b" ")
            write_object(item, out)
            out.write(b"\n")
        out.write(b">>")
    elif kind is ArrayObject:
        out.write(b"[")
        for item in value:
            out.write(b" ")
            write_object(item, out)
        out.write(b" ]")
    else:
        value.write_to_stream(out)

