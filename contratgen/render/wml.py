"""WordprocessingML paragraphs built as typed lxml elements, in the schema's order.

What contratgen writes into a template's ``{{p … }}`` slots: paragraphs (``w:p``) with a
style, made of runs (``w:r``) that are bold and/or italic. Elements are made in the
order ECMA-376 part 1 requires (a ``CT_PPr`` sequence: ``pStyle`` first,
``pageBreakBefore`` later; a ``CT_RPr``: ``b``, ``bCs``, ``i``, ``iCs``), and lxml
escapes the text, so no customer text can become markup.
"""
from __future__ import annotations

from typing import Iterable

from lxml import etree

from ..library.markup import LINE_BREAK

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_W = f"{{{W_NS}}}"
_XML_SPACE = "{http://www.w3.org/XML/1998/namespace}space"


def _element(parent: etree._Element, name: str, **attributes: str) -> etree._Element:
    child = etree.SubElement(parent, _W + name)
    for key, value in attributes.items():
        child.set(_W + key, value)
    return child


def run(text: str, bold: bool = False, italic: bool = False) -> etree._Element:
    """``<w:r>``: its properties (bold, italic), then its text, each LINE_BREAK of the
    text a ``<w:br/>`` between two ``<w:t>``."""
    element = etree.Element(_W + "r", nsmap={"w": W_NS})
    if bold or italic:
        properties = _element(element, "rPr")
        if bold:
            _element(properties, "b")
            _element(properties, "bCs")
        if italic:
            _element(properties, "i")
            _element(properties, "iCs")
    for i, line in enumerate(text.split(LINE_BREAK)):
        if i:
            _element(element, "br")
        t = _element(element, "t")
        t.set(_XML_SPACE, "preserve")
        t.text = line
    return element


def paragraph(style: str, runs: Iterable[etree._Element],
              page_break_before: bool = False) -> etree._Element:
    """``<w:p>`` in paragraph style ``style`` (its id), optionally starting a page."""
    element = etree.Element(_W + "p", nsmap={"w": W_NS})
    properties = _element(element, "pPr")
    _element(properties, "pStyle", val=style)
    if page_break_before:
        _element(properties, "pageBreakBefore")
    element.extend(runs)
    return element


def to_xml(paragraphs: Iterable[etree._Element]) -> str:
    """The paragraphs as the XML text of a slot (the ``w`` prefix declared by the part
    they go into)."""
    body = etree.Element(_W + "body", nsmap={"w": W_NS})
    body.extend(paragraphs)
    if not len(body):
        return ""
    text = etree.tostring(body, encoding="unicode")
    return text[text.index(">") + 1:-len("</w:body>")]
