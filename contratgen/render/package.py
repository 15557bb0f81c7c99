"""A rendered document's package: core and custom properties, the language of its
styles, and a reproducible zip (every member stamped with the document's date).

The template's unchanged parts are compressed once per process and template, not once
per document; the parts rendered for this document are compressed each time.
"""
from __future__ import annotations

from dataclasses import dataclass

import datetime
import io
import json
import re
import struct
import zipfile
import zlib
from typing import Any, Mapping, Sequence

from lxml import etree

from .template_guard import parse_xml

CUSTOM_PROPS = "docProps/custom.xml"
_CUSTOM_TYPE = "application/vnd.openxmlformats-officedocument.custom-properties+xml"
_CUSTOM_REL = ("http://schemas.openxmlformats.org/officeDocument/2006/relationships/"
               "custom-properties")


@dataclass(frozen=True, slots=True)
class DocProperties:
    title: str
    author: str
    subject: str
    keywords: str
    language: str
    created: datetime.date
    custom: Mapping[str, str]   # provenance: name → text


_DECLARATION = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
_CP = "http://schemas.openxmlformats.org/package/2006/metadata/core-properties"
_DC, _DCTERMS = "http://purl.org/dc/elements/1.1/", "http://purl.org/dc/terms/"
_XSI = "http://www.w3.org/2001/XMLSchema-instance"
_CORE_NS = {"cp": _CP, "dc": _DC, "dcterms": _DCTERMS,
            "dcmitype": "http://purl.org/dc/dcmitype/", "xsi": _XSI}
_CUSTOM_NS = "http://schemas.openxmlformats.org/officeDocument/2006/custom-properties"
_VT = "http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes"
_FMTID = "{D5CDD505-2E9C-101B-9397-08002B2CF9AE}"   # the custom properties' format id


def _part(root: etree._Element) -> bytes:
    return (_DECLARATION + etree.tostring(root, encoding="unicode")).encode("utf-8")


def _text(parent: etree._Element, name: str, text: str, **attributes: str) -> None:
    child = etree.SubElement(parent, name, attributes)
    child.text = text


def _core_xml(p: DocProperties) -> bytes:
    """``docProps/core.xml``: title, subject, author, keywords, language, dated by the
    document (OPC part 2, core properties, in the order Word writes them)."""
    stamp = f"{p.created.isoformat()}T00:00:00Z"
    root = etree.Element(f"{{{_CP}}}coreProperties", nsmap=_CORE_NS)
    for name, text in ((f"{{{_DC}}}title", p.title), (f"{{{_DC}}}subject", p.subject),
                       (f"{{{_DC}}}creator", p.author), (f"{{{_CP}}}keywords", p.keywords),
                       (f"{{{_DC}}}language", p.language),
                       (f"{{{_CP}}}lastModifiedBy", "contratgen"),
                       (f"{{{_CP}}}revision", "1")):
        _text(root, name, text)
    for name in ("created", "modified"):
        _text(root, f"{{{_DCTERMS}}}{name}", stamp, **{f"{{{_XSI}}}type": "dcterms:W3CDTF"})
    return _part(root)


def _custom_xml(custom: Mapping[str, str]) -> bytes:
    """``docProps/custom.xml``: each property a text (``vt:lpwstr``), pids from 2."""
    root = etree.Element(f"{{{_CUSTOM_NS}}}Properties", nsmap={None: _CUSTOM_NS, "vt": _VT})
    for pid, (name, value) in enumerate(custom.items(), start=2):
        prop = etree.SubElement(root, f"{{{_CUSTOM_NS}}}property",
                                {"fmtid": _FMTID, "pid": str(pid), "name": name})
        _text(prop, f"{{{_VT}}}lpwstr", value)
    return _part(root)


def _with_custom_part(name: str, data: bytes) -> bytes:
    text = data.decode("utf-8")
    if name == "[Content_Types].xml" and "/docProps/custom.xml" not in text:
        text = text.replace("</Types>", f'<Override PartName="/docProps/custom.xml" '
                                         f'ContentType="{_CUSTOM_TYPE}"/></Types>')
    elif name == "_rels/.rels" and "docProps/custom.xml" not in text:
        text = text.replace("</Relationships>", f'<Relationship Id="rIdContratgenCustom" '
                                                f'Type="{_CUSTOM_REL}" '
                                                'Target="docProps/custom.xml"/></Relationships>')
    return text.encode("utf-8")


_LANG_TAGS = {"fr": "fr-FR", "en": "en-GB"}


def language_tag(lang: str) -> str:
    """The BCP 47 tag of a document language: fr → fr-FR (Word, PDF /Lang)."""
    return _LANG_TAGS.get(lang, lang)


def _with_language(styles: bytes, lang: str) -> bytes:
    """Tag the text with the document's language (spelling, screen readers, PDF/A)."""
    tag = _LANG_TAGS.get(lang, lang)
    return re.sub(rb'(<w:lang\b[^>]*?\bw:val=")[^"]*(")', rb"\g<1>" + tag.encode() + rb"\g<2>",
                  styles)


@dataclass(frozen=True, slots=True)
class _Deflated:
    """One zip member, compressed once: the template's unchanged parts are compressed
    once per process, not once per document (it was a quarter of the render time)."""
    name: bytes
    crc: int
    size: int
    data: bytes

    @classmethod
    def of(cls, name: str, data: bytes) -> "_Deflated":
        packer = zlib.compressobj(6, zlib.DEFLATED, -15)
        return cls(name.encode("utf-8"), zlib.crc32(data), len(data),
                   packer.compress(data) + packer.flush())

    @classmethod
    def same_as_before(cls, name: str, data: bytes) -> "_Deflated":
        """A small rendered part, compressed once per distinct content: a header or a
        footer printing the same provider is the same bytes in every document."""
        if len(data) > _SMALL_PART:
            return cls.of(name, data)
        key = (name, data)
        member = _RECENT.get(key)
        if member is None:
            member = cls.of(name, data)
            if len(_RECENT) >= 64:
                _RECENT.clear()
            _RECENT[key] = member
        return member


_SMALL_PART = 16 * 1024
_RECENT: dict[tuple[str, bytes], _Deflated] = {}   # (name, bytes) → the member


# (template key, part name, language) → (the template's entries, the member): a hit
# only for the very entries object it was made from, so a recycled id() cannot match
_STATIC_CACHE: dict[tuple, tuple[Any, _Deflated]] = {}


def _static(entries, template_key: tuple, name: str, data: bytes, language: str) -> _Deflated:
    """An unchanged part of the template (its custom-part references and its language
    added), transformed and compressed once per template and language."""
    key = (*template_key, name, language if name == "word/styles.xml" else None)
    cached = _STATIC_CACHE.get(key)
    if cached is not None and cached[0] is entries:
        return cached[1]
    if name in ("[Content_Types].xml", "_rels/.rels"):
        data = _with_custom_part(name, data)
    elif name == "word/styles.xml":
        data = _with_language(data, language)
    if len(_STATIC_CACHE) > 512:
        _STATIC_CACHE.clear()
    member = _Deflated.of(name, data)
    _STATIC_CACHE[key] = (entries, member)
    return member


def package(entries, rendered: Mapping[str, bytes], p: DocProperties,
            template_key: tuple = ()) -> bytes:
    """The DOCX bytes: the template's entries in their order, the rendered parts in
    place of theirs, the properties of ``p``."""
    members = []
    for name, data in entries:
        if name == CUSTOM_PROPS:
            continue
        if name in rendered:
            members.append(_Deflated.same_as_before(name, rendered[name]))
            continue
        if name == "docProps/core.xml":
            members.append(_Deflated.of(name, _core_xml(p)))
            continue
        members.append(_static(entries, template_key, name, data, p.language))
    members.append(_Deflated.of(CUSTOM_PROPS, _custom_xml(p.custom)))
    return _zip(members, p.created)


def _zip(members: Sequence[_Deflated], day: datetime.date) -> bytes:
    """A plain deflated zip (APPNOTE 4.3), every member stamped with ``day`` at 00:00:00,
    so the bytes depend on the content only."""
    # the zip format counts years 1980–2107; a date outside is stamped at the nearest end
    year = min(max(day.year, 1980), 2107)
    dos_date = ((year - 1980) << 9) | (day.month << 5) | day.day
    out, central, offset = [], [], 0
    for m in members:
        flags = 0x800 if any(b > 0x7F for b in m.name) else 0  # UTF-8 names
        fields = (20, flags, 8, 0, dos_date, m.crc, len(m.data), m.size, len(m.name))
        local = struct.pack("<IHHHHHIIIHH", 0x04034B50, *fields, 0) + m.name
        central.append(struct.pack("<IHHHHHHIIIHHHHHII", 0x02014B50, 20, *fields, 0, 0, 0,
                                   0, 0o644 << 16, offset) + m.name)
        out += [local, m.data]
        offset += len(local) + len(m.data)
    directory = b"".join(central)
    end = struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, len(members), len(members),
                      len(directory), offset, 0)
    return b"".join(out) + directory + end


def read_properties(docx: bytes) -> dict[str, str]:
    """The custom properties of a DOCX (for ``contratgen inspect``)."""
    with zipfile.ZipFile(io.BytesIO(docx)) as package:
        try:
            xml = package.read(CUSTOM_PROPS).decode("utf-8")
        except KeyError:
            return {}
    ns = {"p": "http://schemas.openxmlformats.org/officeDocument/2006/custom-properties",
          "vt": "http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes"}
    root = parse_xml(CUSTOM_PROPS, xml.encode("utf-8"))   # no DTD, no entity (a hostile file)
    return {prop.get("name"): "".join(prop.itertext()) for prop in root.findall("p:property", ns)}


MAX_PROPERTY = 255   # UTF-16 units of a custom property Word keeps (it truncates longer)


def _utf16_units(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def split_property(value: str, limit: int = MAX_PROPERTY) -> list[str]:
    """``value`` cut into parts of at most ``limit`` UTF-16 units each."""
    if not value or max(value) <= "\uffff":   # one unit per character: plain slices
        return [value[i:i + limit] for i in range(0, len(value), limit)] or [""]
    parts, current, units = [], [], 0
    for char in value:
        size = _utf16_units(char)
        if units + size > limit:
            parts.append("".join(current))
            current, units = [], 0
        current.append(char)
        units += size
    return parts + ["".join(current)] if current or not parts else parts


def provenance_properties(provenance: Mapping[str, Any]) -> dict[str, str]:
    """Custom properties Word keeps: none longer than 255 characters; the provenance JSON
    in parts ``contratgen.provenance.1``, ``.2``… (:func:`provenance_text` joins them)."""
    text = json.dumps(provenance, ensure_ascii=False, sort_keys=True)
    props = {"contratgen.version": provenance["contratgen"],
             "contratgen.document": split_property(provenance["document"])[0]}
    for number, part in enumerate(split_property(text), start=1):
        props[f"contratgen.provenance.{number}"] = part
    for clause in provenance["clauses"]:
        props[f"contratgen.clause.{clause['id']}"] = (f"v{clause['version']} "
                                                      f"sha256:{clause['sha256']}")
    return props


def provenance_text(props: Mapping[str, str]) -> str | None:
    """The provenance JSON of a DOCX's custom properties (in parts, or whole in files
    made before the parts)."""
    if "contratgen.provenance" in props:
        return props["contratgen.provenance"]
    parts = []
    while f"contratgen.provenance.{len(parts) + 1}" in props:
        parts.append(props[f"contratgen.provenance.{len(parts) + 1}"])
    return "".join(parts) or None
