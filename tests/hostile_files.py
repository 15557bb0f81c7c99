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

from contratgen.render import SHIPPED_TEMPLATES

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
    path.write_text(MINIMAL + "annexes:\n" + annexes, "utf-8")
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
    writer.add_js("app.alert('names')")                       # /Names /JavaScript
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
