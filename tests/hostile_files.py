"""Builders of hostile DOCX templates and annex PDFs, shared by the hostile test suites.

Each starts from a real file (the shipped contract template, a PDF written by pypdf)
and adds one attack, so a refusal can only come from that attack.
"""
from __future__ import annotations

import io
import zipfile
from pathlib import Path
from typing import Callable, Mapping

from pypdf import PdfWriter
from pypdf.generic import (ArrayObject, DecodedStreamObject, DictionaryObject, FloatObject,
                           NameObject, NumberObject, TextStringObject)

from contratgen.render.docx import SHIPPED_TEMPLATES

MINIMAL = (Path(__file__).parent / "fixtures" / "minimal.yaml").read_text("utf-8")
REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"

# a paragraph showing an image by *link* (r:link), not embedded (r:embed)
LINKED_IMAGE = (
    '<w:p><w:r><w:drawing><wp:inline xmlns:wp="http://schemas.openxmlformats.org/'
    'drawingml/2006/wordprocessingDrawing"><wp:extent cx="914400" cy="914400"/>'
    '<wp:docPr id="99" name="linked"/><a:graphic xmlns:a="http://schemas.openxmlformats.org/'
    'drawingml/2006/main"><a:graphicData uri="http://schemas.openxmlformats.org/drawingml/'
    '2006/picture"><pic:pic xmlns:pic="http://schemas.openxmlformats.org/drawingml/2006/'
    'picture"><pic:nvPicPr><pic:cNvPr id="99" name="linked.png"/><pic:cNvPicPr/>'
    '</pic:nvPicPr><pic:blipFill><a:blip r:link="rIdHostile"/><a:stretch><a:fillRect/>'
    '</a:stretch></pic:blipFill><pic:spPr><a:xfrm><a:off x="0" y="0"/><a:ext cx="914400" '
    'cy="914400"/></a:xfrm><a:prstGeom prst="rect"><a:avLst/></a:prstGeom></pic:spPr>'
    '</pic:pic></a:graphicData></a:graphic></wp:inline></w:drawing></w:r></w:p>')


def relationship(kind: str, target: str, external: bool = True, rid: str = "rIdHostile") -> bytes:
    mode = ' TargetMode="External"' if external else ""
    return (f'<Relationship Id="{rid}" Type="{REL}/{kind}" Target="{target}"{mode}/>').encode()


def add_relationship(rels: bytes, rel: bytes) -> bytes:
    return rels.replace(b"</Relationships>", rel + b"</Relationships>")


def in_body(document: bytes, xml: bytes) -> bytes:
    """Insert ``xml`` as the first element of the body."""
    return document.replace(b"<w:body>", b"<w:body>" + xml, 1)


def docx_with(target: Path, edits: Mapping[str, Callable[[bytes], bytes]] | None = None,
              extra: Mapping[str, bytes] | None = None,
              source: Path = SHIPPED_TEMPLATES / "contract.docx") -> Path:
    """A copy of ``source`` with parts edited (name → function of the bytes) or added."""
    edits = dict(edits or {})
    with zipfile.ZipFile(source) as zin, zipfile.ZipFile(target, "w",
                                                         zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            data = zin.read(info)
            if info.filename in edits:
                data = edits.pop(info.filename)(data)
            zout.writestr(info.filename, data)
        for name, data in (extra or {}).items():
            zout.writestr(name, data)
    assert not edits, f"parts not in the template: {list(edits)}"
    return target


def linked_image_docx(target: Path, url: str) -> Path:
    return docx_with(target, {
        "word/document.xml": lambda d: in_body(d, LINKED_IMAGE.encode()),
        "word/_rels/document.xml.rels": lambda d: add_relationship(
            d, relationship("image", url))})


def client_with_template(folder: Path, template: str = "letterhead.docx",
                         number: str = "T-1") -> Path:
    path = folder / f"client-{number}.yaml"
    text = MINIMAL.replace("place: Paris", f"place: Paris\n  template: {template}")
    path.write_text(text.replace("number: T-1", f"number: {number}"), "utf-8")
    return path


def client_with_annexes(folder: Path, *paths: str) -> Path:
    path = folder / "client.yaml"
    annexes = "".join(f"  - {{path: {p}, title: Annexe {i}}}\n" for i, p in enumerate(paths))
    path.write_text(MINIMAL + ("annexes:\n" + annexes if paths else ""), "utf-8")
    return path


# --- PDFs ------------------------------------------------------------------------------

def _name(value: str) -> NameObject:
    return NameObject(value)


def js_action(code: str) -> DictionaryObject:
    return DictionaryObject({_name("/S"): _name("/JavaScript"),
                             _name("/JS"): TextStringObject(code)})


def plain_pdf(pages: int = 1) -> PdfWriter:
    writer = PdfWriter()
    for _ in range(pages):
        writer.add_blank_page(595, 842)
    return writer


def hostile_pdf() -> bytes:
    """One PDF with every kind of active content an annex may try to carry."""
    writer = plain_pdf(2)
    root = writer.root_object
    root[_name("/OpenAction")] = writer._add_object(js_action("app.alert('open')"))
    root[_name("/AA")] = DictionaryObject({_name("/WC"): js_action("app.alert('close')")})
    root[_name("/Names")] = DictionaryObject({_name("/JavaScript"): DictionaryObject({
        _name("/Names"): ArrayObject([TextStringObject("init"),
                                      writer._add_object(js_action("app.alert('names')"))])})})
    writer.add_attachment("payload.exe", b"MZ\x90\x00 not really")  # /EmbeddedFiles
    page = writer.pages[0]
    page[_name("/AA")] = DictionaryObject({_name("/O"): js_action("app.alert('page')")})
    launch = DictionaryObject({_name("/S"): _name("/Launch"),
                               _name("/F"): TextStringObject("/bin/sh"),
                               _name("/Win"): DictionaryObject({
                                   _name("/F"): TextStringObject("cmd.exe")})})
    uri = DictionaryObject({_name("/S"): _name("/URI"),
                            _name("/URI"): TextStringObject("http://127.0.0.1:9/x")})
    submit = DictionaryObject({_name("/S"): _name("/SubmitForm"),
                               _name("/F"): TextStringObject("http://127.0.0.1:9/s")})
    gotor = DictionaryObject({_name("/S"): _name("/GoToR"),
                              _name("/F"): TextStringObject("../secret.pdf"),
                              _name("/D"): ArrayObject([NumberObject(0)])})
    annots = ArrayObject()
    for i, action in enumerate((launch, uri, submit, gotor)):
        annots.append(writer._add_object(DictionaryObject({
            _name("/Type"): _name("/Annot"), _name("/Subtype"): _name("/Link"),
            _name("/Rect"): ArrayObject([FloatObject(v) for v in (10, 10 + 30 * i, 100,
                                                                  30 + 30 * i)]),
            _name("/A"): action})))
    field = writer._add_object(DictionaryObject({
        _name("/Type"): _name("/Annot"), _name("/Subtype"): _name("/Widget"),
        _name("/FT"): _name("/Tx"), _name("/T"): TextStringObject("name"),
        _name("/Rect"): ArrayObject([FloatObject(v) for v in (10, 200, 200, 220)]),
        _name("/A"): js_action("app.alert('field')"),
        _name("/AA"): DictionaryObject({_name("/K"): js_action("app.alert('key')")})}))
    annots.append(field)
    page[_name("/Annots")] = annots
    root[_name("/AcroForm")] = DictionaryObject({_name("/Fields"): ArrayObject([field])})
    rich = DecodedStreamObject()
    rich.set_data(b"flash")
    page2 = writer.pages[1]
    page2[_name("/Annots")] = ArrayObject([writer._add_object(DictionaryObject({
        _name("/Type"): _name("/Annot"), _name("/Subtype"): _name("/RichMedia"),
        _name("/Rect"): ArrayObject([FloatObject(v) for v in (0, 0, 10, 10)]),
        _name("/RichMediaContent"): writer._add_object(rich)}))])
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def pdf_bytes(writer: PdfWriter) -> bytes:
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


ACTIVE_KEYS = {"/JS", "/JavaScript", "/AA", "/EmbeddedFiles", "/EF", "/AF",
               "/URI", "/RichMediaContent", "/XFA", "/Launch"}
ACTIVE_ACTIONS = {"/JavaScript", "/Launch", "/URI", "/SubmitForm", "/ImportData", "/GoToR",
                  "/GoToE", "/Rendition", "/Movie", "/Sound", "/RichMediaExecute"}
MEDIA = {"/RichMedia", "/Screen", "/Movie", "/Sound", "/FileAttachment", "/3D"}


def every_object(pdf: bytes):
    """Every object of a PDF, as pypdf reads it: each numbered object (from every xref
    section and object stream) and everything directly inside it."""
    from pypdf import PdfReader
    from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject
    reader = PdfReader(io.BytesIO(pdf))
    numbers = {num for section in reader.xref.values() for num in section}
    numbers |= set(reader.xref_objStm)
    for num in sorted(numbers):
        stack = [reader.get_object(num)]
        while stack:
            item = stack.pop()
            yield item
            if isinstance(item, DictionaryObject):
                stack.extend(v for v in item.values() if not isinstance(v, IndirectObject))
            elif isinstance(item, ArrayObject):
                stack.extend(v for v in item if not isinstance(v, IndirectObject))


def active_content(pdf: bytes) -> list[str]:
    """What in a PDF could run, launch, fetch or carry a file (empty: nothing)."""
    from pypdf.generic import ArrayObject, DictionaryObject
    found = []
    for item in every_object(pdf):
        if not isinstance(item, DictionaryObject):
            continue
        found += [f"key {key}" for key in item if key in ACTIVE_KEYS]
        if "/OpenAction" in item and not isinstance(item["/OpenAction"].get_object(),
                                                    ArrayObject):
            found.append("key /OpenAction")   # an action, not a plain destination
        if item.get("/S") in ACTIVE_ACTIONS:
            found.append(f"action {item['/S']}")
        if item.get("/Subtype") in MEDIA:
            found.append(f"annotation {item['/Subtype']}")
        if "/A" in item and item.get("/Type") == "/Annot":
            found.append("annotation action /A")
    return found


def raw_pdf(objects: Mapping[int, bytes], root: int = 1) -> bytes:
    """A PDF written by hand (for structures no library would write): objects by
    number, a correct cross-reference table, the catalog at ``root``."""
    out = bytearray(b"%PDF-1.7\n")
    offsets = {}
    for num in sorted(objects):
        offsets[num] = len(out)
        out += b"%d 0 obj\n" % num + objects[num] + b"\nendobj\n"
    size = max(objects) + 1
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % size
    for num in range(1, size):
        out += (b"%010d 00000 n \n" % offsets[num]) if num in offsets else \
            b"0000000000 65535 f \n"
    out += b"trailer\n<< /Size %d /Root %d 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (size, root, xref)
    return bytes(out)


PAGE = b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>"


def page_tree_loop() -> bytes:
    """A /Pages node that is its own kid."""
    return raw_pdf({1: b"<< /Type /Catalog /Pages 2 0 R >>",
                    2: b"<< /Type /Pages /Kids [3 0 R 2 0 R] /Count 2 >>", 3: PAGE})


def page_tree_bomb(levels: int = 40) -> bytes:
    """Each level's node lists the next one twice: 2**levels pages from 40 objects."""
    objects = {1: b"<< /Type /Catalog /Pages 2 0 R >>"}
    for level in range(levels):
        kid = 3 + level
        objects[2 + level] = b"<< /Type /Pages /Kids [%d 0 R %d 0 R] /Count %d >>" % (
            kid, kid, 2 ** (levels - level))
    objects[2 + levels] = PAGE
    return raw_pdf(objects)


def self_referencing_length() -> bytes:
    """A content stream whose /Length is the stream itself."""
    return raw_pdf({1: b"<< /Type /Catalog /Pages 2 0 R >>",
                    2: b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
                    3: b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] "
                       b"/Contents 4 0 R >>",
                    4: b"<< /Length 4 0 R >>\nstream\nBT ET\nendstream"})


def deep_nesting(depth: int = 100_000) -> bytes:
    """A page whose resources nest arrays 100 000 deep."""
    return raw_pdf({1: b"<< /Type /Catalog /Pages 2 0 R >>",
                    2: b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
                    3: b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /X " +
                       b"[" * depth + b"]" * depth + b" >>"})
