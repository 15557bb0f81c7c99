"""DOCX templates edited for a test: one XML part changed, a paragraph found or removed."""
from __future__ import annotations

import io
import zipfile

from lxml import etree

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def edit_part(source, target, part, change):
    """Copy the DOCX ``source`` to ``target`` with ``change(root)`` applied to ``part``."""
    with zipfile.ZipFile(source) as package:
        entries = [(info, package.read(info)) for info in package.infolist()]
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as package:
        for info, data in entries:
            if info.filename == part:
                root = etree.fromstring(data)
                change(root)
                data = etree.tostring(root, xml_declaration=True, encoding="UTF-8",
                                      standalone=True)
            package.writestr(info, data)
    target.write_bytes(out.getvalue())


def paragraph_with(root, text):
    return next(p for p in root.iter(f"{W}p")
                if text in "".join(t.text or "" for t in p.iter(f"{W}t")))


def without_paragraph(text):
    def change(root):
        p = paragraph_with(root, text)
        p.getparent().remove(p)
    return change


def with_text_after(text, extra):
    def change(root):
        last = list(paragraph_with(root, text).iter(f"{W}t"))[-1]
        last.text += extra
    return change
