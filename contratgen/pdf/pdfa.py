"""PDF/A output that is reproducible to the byte.

LibreOffice embeds an sRGB ICC profile in the PDF/A output intent that it makes with
LittleCMS at conversion time, so its header carries the clock (ICC.1 §7.2.1, bytes
24–35). This stage gives every embedded profile a fixed date and, when the profile
has an ID (an MD5 of the profile, §7.2.18), the ID of the fixed bytes.
"""
from __future__ import annotations

import hashlib
import struct

from pypdf import PdfWriter
from pypdf.generic import DecodedStreamObject, IndirectObject, NameObject, StreamObject

# the profile's "date and time this profile was first created": a fixed instant
PROFILE_DATE = struct.pack(">6H", 2000, 1, 1, 0, 0, 0)
_DATE = slice(24, 36)
_FLAGS, _INTENT, _ID = slice(44, 48), slice(64, 68), slice(84, 100)


def fixed_profile(icc: bytes) -> bytes:
    """An ICC profile with a fixed creation date (and its MD5 profile ID recomputed when
    it had one); other bytes unchanged. Not a profile (too short, no 'acsp'): as it is."""
    if len(icc) < 128 or icc[36:40] != b"acsp":
        return icc
    data = bytearray(icc)
    data[_DATE] = PROFILE_DATE
    if any(icc[_ID]):
        # the ID is the MD5 of the profile with flags, rendering intent and ID zeroed
        hashed = bytearray(data)
        hashed[_FLAGS], hashed[_INTENT], hashed[_ID] = bytes(4), bytes(4), bytes(16)
        data[_ID] = hashlib.md5(bytes(hashed)).digest()
    return bytes(data)


def fix_output_intents(writer: PdfWriter) -> int:
    """Give each output intent's ICC profile a fixed date; returns how many it fixed."""
    intents = writer.root_object.get("/OutputIntents")
    fixed = 0
    for intent in (intents.get_object() if intents is not None else []):
        profile = intent.get_object().get("/DestOutputProfile")
        stream = profile.get_object() if profile is not None else None
        if not isinstance(stream, StreamObject):
            continue
        data = stream.get_data()
        new = fixed_profile(data)
        if new != data:
            stream.set_data(new)
            fixed += 1
    return fixed


def fix_copied_intents(edit, root) -> int:
    """:func:`fix_output_intents` for a document rewritten by copying
    (:class:`~contratgen.pdf.copy_writer.CopyEdit`): each fixed profile is a changed
    object, and its former indirect ``/Length`` is dropped (it is written directly)."""
    intents = root.get("/OutputIntents")
    fixed = 0
    for intent in (intents.get_object() if intents is not None else []):
        reference = intent.get_object().raw_get("/DestOutputProfile") \
            if "/DestOutputProfile" in intent.get_object() else None
        stream = reference.get_object() if isinstance(reference, IndirectObject) else None
        if not isinstance(stream, StreamObject):
            continue
        data = stream.get_data()
        new = fixed_profile(data)
        if new == data:
            continue
        fresh = DecodedStreamObject()
        fresh.update({key: value for key, value in stream.items()
                      if key not in ("/Length", "/Filter", "/DecodeParms")})
        fresh.set_data(new)
        edit.replace(reference, fresh.flate_encode())
        length = edit.length_of(reference)
        if length is not None:
            edit.blank(length)   # it said the old stream's length, which may vary
        fixed += 1
    return fixed


def set_language(writer: PdfWriter, lang: str | None) -> None:
    """The document language in the catalog (/Lang), for screen readers and PDF/A."""
    if lang:
        from pypdf.generic import TextStringObject
        writer.root_object[NameObject("/Lang")] = TextStringObject(lang)
