"""A DOCX template opened safely, before docxtpl, Jinja or LibreOffice see it.

A template is semi-trusted at best (anyone with Word makes one, and a client file can
bring its own), so the package is checked as an attacker's file:

- only a regular file is opened (``O_NONBLOCK`` then ``fstat``: a FIFO cannot hang us),
  and never more than :data:`MAX_TEMPLATE_BYTES` of it is read;
- zip members are checked for count, names, declared size and compression ratio *before*
  any is decompressed, and read in bounded chunks (a member that inflates past its
  declared size is refused, whatever its header says);
- every XML part must be UTF-8 and well-formed, and is parsed with lxml with DTDs,
  entities and the network off; a ``<!DOCTYPE`` is refused outright;
- external relationships (``TargetMode="External"``: linked images, remote OLE objects,
  attached templates, frames, ``file:`` hyperlinks), ``w:altChunk`` and sub-documents,
  and fields that fetch content (``INCLUDEPICTURE``, ``INCLUDETEXT``, ``LINK``, ``DDE``)
  are refused, so LibreOffice never reads anything but the package;
- the macro-enabled content type and VBA projects are refused.

Each refusal is a :class:`TemplateRefused` naming the part; the caller locates it.
"""
from __future__ import annotations

import io
import os
import posixpath
import re
import stat
import zipfile
import zlib
from pathlib import Path

from lxml import etree


MAX_TEMPLATE_BYTES = 20 * 1024 * 1024        # the .docx file itself
MAX_MEMBERS = 1_000                          # parts in the package
MAX_MEMBER_BYTES = 32 * 1024 * 1024          # one part, uncompressed
MAX_TOTAL_BYTES = 64 * 1024 * 1024           # every part, uncompressed
MAX_RATIO = 200                              # uncompressed / compressed, for large parts
_RATIO_FLOOR = 1024 * 1024                   # small parts may compress as they like
_CHUNK = 64 * 1024

_REQUIRED = ("[Content_Types].xml", "_rels/.rels", "word/document.xml")
_REL_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
_WEB_SCHEMES = ("http://", "https://", "mailto:")
_REFUSED_TYPES = {"aFChunk": "an alternative-format chunk (w:altChunk)",
                  "subDocument": "a sub-document", "attachedTemplate": "an attached template",
                  "oleObject": "an OLE object link", "frame": "a frame",
                  "image": "a linked image", "hyperlink": "a hyperlink"}
_FETCHING_FIELD = re.compile(r"^\s*(INCLUDEPICTURE|INCLUDETEXT|LINK|DDE|DDEAUTO|IMPORT)\b",
                             re.I)
_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False,
                          dtd_validation=False, huge_tree=False, remove_pis=False)


class TemplateRefused(Exception):
    """The template is not a package we will hand to docxtpl and LibreOffice."""

    def __init__(self, message: str, part: str | None = None, code: str = "template.unsafe"):
        super().__init__(f"{part}: {message}" if part else message)
        self.part, self.code, self.reason = part, code, message


def read_regular_file(path: Path, limit: int, what: str = "file") -> bytes:
    """At most ``limit`` bytes of a regular file; a FIFO, a device or a directory is
    refused without blocking, a larger file is refused without reading it all."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    except FileNotFoundError:
        raise TemplateRefused(f"{what} not found", code="template.missing") from None
    except IsADirectoryError:
        raise TemplateRefused(f"the {what} is a folder, not a file", code="io.not-a-file") \
            from None
    except OSError as exc:
        raise TemplateRefused(f"cannot open the {what}: {exc.strerror}", code="io.unreadable") \
            from None
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise TemplateRefused(f"the {what} is not a regular file (a FIFO, a device or "
                                  "a folder)", code="io.not-a-file")
        if info.st_size > limit:
            raise TemplateRefused(f"the {what} is larger than {limit} bytes",
                                  code="template.too-large")
        os.set_blocking(fd, True)
        with os.fdopen(fd, "rb", closefd=False) as handle:
            data = handle.read(limit + 1)   # st_size may lie (a growing file)
    except OSError as exc:
        raise TemplateRefused(f"cannot read the {what}: {exc.strerror}",
                              code="io.unreadable") from None
    finally:
        os.close(fd)
    if len(data) > limit:
        raise TemplateRefused(f"the {what} is larger than {limit} bytes",
                              code="template.too-large")
    return data


def read_package(path: Path) -> tuple[tuple[str, bytes], ...]:
    """The checked parts of a DOCX template, in zip order."""
    data = read_regular_file(Path(path), MAX_TEMPLATE_BYTES, "template")
    try:
        package = zipfile.ZipFile(io.BytesIO(data))
        infos = package.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, EOFError) as exc:
        raise TemplateRefused(f"not a readable DOCX file ({exc})",
                              code="template.invalid") from None
    _check_directory(infos)
    entries = tuple((info.filename, _read_member(package, info)) for info in infos)
    names = {name for name, _ in entries}
    for required in _REQUIRED:
        if required not in names:
            raise TemplateRefused(f"not a Word document (no {required})",
                                  code="template.invalid")
    for name, part in entries:
        check_part(name, part, names)
    return entries


def _check_directory(infos: list[zipfile.ZipInfo]) -> None:
    if len(infos) > MAX_MEMBERS:
        raise TemplateRefused(f"the package has {len(infos)} parts (limit {MAX_MEMBERS})",
                              code="template.too-large")
    seen, total = set(), 0
    for info in infos:
        name = info.filename
        if (not name or name.startswith(("/", "\\")) or "\\" in name or "\x00" in name
                or any(p in ("", ".", "..") for p in name.rstrip("/").split("/"))
                or re.match(r"^[A-Za-z]:", name)):
            raise TemplateRefused(f"a part has an unsafe name {name!r}", code="template.invalid")
        if name.lower() in seen:
            raise TemplateRefused("two parts have this name", name, "template.invalid")
        seen.add(name.lower())
        if info.flag_bits & 0x1:
            raise TemplateRefused("the part is encrypted", name, "template.invalid")
        if info.file_size > MAX_MEMBER_BYTES:
            raise TemplateRefused(f"the part inflates to {info.file_size} bytes (limit "
                                  f"{MAX_MEMBER_BYTES}): a zip bomb?", name,
                                  "template.too-large")
        if info.file_size > _RATIO_FLOOR and info.file_size > MAX_RATIO * max(
                info.compress_size, 1):
            raise TemplateRefused(f"the part is compressed {info.file_size // max(info.compress_size, 1)} "
                                  f"to 1 (limit {MAX_RATIO}): a zip bomb?", name,
                                  "template.too-large")
        total += info.file_size
        if total > MAX_TOTAL_BYTES:
            raise TemplateRefused(f"the parts inflate to more than {MAX_TOTAL_BYTES} bytes",
                                  code="template.too-large")


def _read_member(package: zipfile.ZipFile, info: zipfile.ZipInfo) -> bytes:
    """A member read in chunks, never more than its declared size (headers can lie)."""
    chunks, size = [], 0
    try:
        with package.open(info) as member:
            while True:
                chunk = member.read(_CHUNK)
                if not chunk:
                    break
                size += len(chunk)
                if size > info.file_size or size > MAX_MEMBER_BYTES:
                    raise TemplateRefused("the part inflates past its declared size: a zip "
                                          "bomb?", info.filename, "template.too-large")
                chunks.append(chunk)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, EOFError, OSError,
            NotImplementedError, RuntimeError) as exc:
        raise TemplateRefused(f"the part cannot be read ({exc})", info.filename,
                              "template.invalid") from None
    except zlib.error as exc:
        raise TemplateRefused(f"the part cannot be inflated ({exc})", info.filename,
                              "template.invalid") from None
    return b"".join(chunks)


def _is_xml(name: str) -> bool:
    return name.endswith((".xml", ".rels")) or name == "[Content_Types].xml"


def parse_xml(name: str, data: bytes):
    """An XML part parsed with no DTD, no entity, no network; refused if it has any."""
    try:
        data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise TemplateRefused(f"the part is not UTF-8 (bad byte at offset {exc.start}); "
                              "save the template again with Word or LibreOffice", name,
                              "template.encoding") from None
    head = data.lstrip()[:200].lower()
    if head.startswith(b"<?xml") and b"encoding" in head and not re.search(
            rb"encoding\s*=\s*[\"']utf-?8[\"']", head):
        raise TemplateRefused("the part declares an encoding other than UTF-8", name,
                              "template.encoding")
    if b"<!DOCTYPE" in data or b"<!ENTITY" in data:
        raise TemplateRefused("the part has a DOCTYPE (a DTD or entities): refused, Word "
                              "documents never need one", name, "template.unsafe")
    try:
        root = etree.fromstring(data, _PARSER)
    except etree.XMLSyntaxError as exc:
        raise TemplateRefused(f"the part is not well-formed XML ({exc.msg})", name,
                              "template.invalid") from None
    if root.getroottree().docinfo.doctype:
        raise TemplateRefused("the part has a DOCTYPE", name, "template.unsafe")
    return root


def check_part(name: str, data: bytes, names: set[str] = frozenset()) -> None:
    lower = name.lower()
    if lower.endswith("vbaproject.bin") or lower.endswith("vbadata.xml"):
        raise TemplateRefused("the template carries macros (a VBA project): refused", name)
    if not _is_xml(name):
        return
    root = parse_xml(name, data)
    if name == "[Content_Types].xml" and b"macroenabled" in data.lower():
        raise TemplateRefused("the macro-enabled content type (.docm) is refused: save the "
                              "template as a plain .docx", name)
    if name.endswith(".rels"):
        _check_relationships(name, root, names)
    elif name.startswith("word/"):
        _check_fields(name, root)


def _part_of(rels: str, target: str) -> str:
    """The package part a relationship of ``rels`` (``word/_rels/document.xml.rels``)
    names by ``target`` (relative to ``word/``, or absolute)."""
    base = posixpath.dirname(posixpath.dirname(rels))
    path = target.lstrip("/") if target.startswith("/") else posixpath.join(base, target)
    return posixpath.normpath(path.split("#", 1)[0])


def _check_relationships(name: str, root, names) -> None:
    for rel in root.iter(f"{{{_REL_NS}}}Relationship"):
        kind = (rel.get("Type") or "").rsplit("/", 1)[-1]
        target = rel.get("Target") or ""
        external = (rel.get("TargetMode") or "").lower() == "external"
        if kind in ("aFChunk", "subDocument"):
            raise TemplateRefused(f"{_REFUSED_TYPES[kind]} ({target!r}) is refused: its "
                                  "content would be imported when the document is opened",
                                  name, "template.external")
        if not external:
            if names and _part_of(name, target) not in names:
                raise TemplateRefused(f"a relationship names the part {target!r}, which is "
                                      "not in the package (Word would not open the result)",
                                      name, "template.invalid")
            continue
        if kind == "hyperlink" and target.lower().startswith(_WEB_SCHEMES):
            continue   # a clickable web link is fetched by nobody but the reader
        what = _REFUSED_TYPES.get(kind, f"a relationship of type {kind!r}")
        raise TemplateRefused(f"{what} points outside the package ({target!r}): a template "
                              "may not make the converter fetch a URL or read a file; embed "
                              "the content instead", name, "template.external")


_LINK_ATTRIBUTES = ("{urn:schemas-microsoft-com:office:office}href", "src", "href")


def _check_fields(name: str, root) -> None:
    for element in root.iter():   # VML <v:imagedata o:href="http://…"> links without a rel
        for attribute in _LINK_ATTRIBUTES:
            value = element.get(attribute)
            if value and re.match(r"^\s*([a-z][a-z0-9+.-]*:|\\\\|//)", value, re.I):
                raise TemplateRefused(f"an element links to {value[:80]!r} outside the "
                                      "package: refused", name, "template.external")
    instructions = [el.text or "" for el in root.iter(f"{_W}instrText")]
    instructions += [el.get(f"{_W}instr") or "" for el in root.iter(f"{_W}fldSimple")]
    for instruction in instructions:
        match = _FETCHING_FIELD.match(instruction)
        if match:
            raise TemplateRefused(f"the field {match.group(1).upper()} fetches content from "
                                  "outside the document: refused", name, "template.external")


def check_rendered(name: str, xml: bytes) -> None:
    """A rendered part is still well-formed XML (a tag can cut an element in two)."""
    parse_rendered(name, xml)


def parse_rendered(name: str, xml: bytes):
    """The tree of a rendered part; :class:`TemplateRefused` if it is not well-formed."""
    try:
        return etree.fromstring(xml, _PARSER)
    except etree.XMLSyntaxError as exc:
        raise TemplateRefused(f"the rendered part is not well-formed XML ({exc.msg}): a "
                              "template tag probably cuts a Word element; keep tags inside "
                              "one run or use {%p %}", name, "template.invalid") from None
