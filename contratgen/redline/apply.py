"""Accept or reject every revision of a document, as Word's "Accept all" / "Reject all".

Used to check a redline (accepting gives NEW, rejecting gives OLD) and to read what a
document says once its revisions are settled. Accepting removes ``w:del`` content and
unwraps ``w:ins``; rejecting does the reverse. A paragraph whose mark is removed joins
the next paragraph; a row whose ``w:trPr`` mark is removed goes, and a table left with
no row goes too. Property changes (``w:pPrChange``) are kept or rolled back.
"""
from __future__ import annotations

from lxml import etree

from .ooxml import Package, body, text_of, w

_MARK_HOLDERS = (w("rPr"), w("trPr"))


def accept_all(docx: bytes) -> etree._Element:
    """word/document.xml of ``docx`` with every revision accepted."""
    return resolve(Package.read(docx).document(), keep="ins", drop="del")


def reject_all(docx: bytes) -> etree._Element:
    """word/document.xml of ``docx`` with every revision rejected."""
    return resolve(Package.read(docx).document(), keep="del", drop="ins")


_MOVES = {"ins": ("moveTo", "moveFrom"), "del": ("moveFrom", "moveTo")}
_RANGES = ("moveFromRangeStart", "moveFromRangeEnd", "moveToRangeStart", "moveToRangeEnd")
_PROPERTY_CHANGES = ("rPrChange", "sectPrChange", "tblPrChange", "tblGridChange",
                     "trPrChange", "tcPrChange", "tblPrExChange", "numberingChange")


def has_revisions(root: etree._Element) -> bool:
    names = ("ins", "del", "moveFrom", "moveTo", "pPrChange", *_PROPERTY_CHANGES)
    return next(root.iter(*(w(n) for n in names)), None) is not None


def resolve(root: etree._Element, keep: str, drop: str) -> etree._Element:
    """Every revision of ``root`` settled: ``keep`` ("ins" to accept, "del" to reject)."""
    moved, gone = _MOVES[keep]
    for element in list(root.iter(w(gone), *(w(r) for r in _RANGES))):
        element.getparent().remove(element)
    for element in list(root.iter(w(moved))):
        _unwrap(element, restore=False)
    for element in list(root.iter(*(w(n) for n in _PROPERTY_CHANGES))):
        element.getparent().remove(element)   # formatting, not text: kept as it is now
    _rows(root, drop)
    joined = _paragraph_marks(root, drop)
    for element in [e for e in root.iter(w(drop)) if e.getparent().tag not in _MARK_HOLDERS]:
        element.getparent().remove(element)
    for element in [e for e in root.iter(w(keep)) if e.getparent().tag not in _MARK_HOLDERS]:
        _unwrap(element, restore=keep == "del")
    _property_changes(root, rejecting=keep == "del")
    for paragraph in reversed(joined):
        _join_next(paragraph)
    return root


def _rows(root: etree._Element, drop: str) -> None:
    for row in list(root.iter(w("tr"))):
        trpr = row.find(w("trPr"))
        if trpr is None:
            continue
        if trpr.find(w(drop)) is not None:
            row.getparent().remove(row)
            continue
        for mark in trpr.findall(w("ins")) + trpr.findall(w("del")):
            trpr.remove(mark)
    for table in list(root.iter(w("tbl"))):
        if table.find(w("tr")) is None:
            table.getparent().remove(table)


def _paragraph_marks(root: etree._Element, drop: str) -> list[etree._Element]:
    joined = []
    for paragraph in root.iter(w("p")):
        rpr = paragraph.find(f"{w('pPr')}/{w('rPr')}")
        if rpr is None:
            continue
        if rpr.find(w(drop)) is not None:
            joined.append(paragraph)
        for mark in rpr.findall(w("ins")) + rpr.findall(w("del")):
            rpr.remove(mark)
    return joined


def _unwrap(element: etree._Element, restore: bool) -> None:
    parent = element.getparent()
    position = parent.index(element)
    for child in list(element):
        if restore:
            for node in child.iter(w("delText"), w("delInstrText")):
                node.tag = w("t") if node.tag == w("delText") else w("instrText")
        parent.insert(position, child)
        position += 1
    parent.remove(element)


def _property_changes(root: etree._Element, rejecting: bool) -> None:
    for change in list(root.iter(w("pPrChange"))):
        ppr = change.getparent()
        ppr.remove(change)
        if not rejecting:
            continue
        for child in [c for c in ppr if c.tag not in (w("rPr"), w("sectPr"))]:
            ppr.remove(child)
        before = change.find(w("pPr"))
        for position, child in enumerate(before if before is not None else ()):
            ppr.insert(position, child)


def _join_next(paragraph: etree._Element) -> None:
    """The paragraph's content moves to the start of the next paragraph; it goes."""
    content = [c for c in paragraph if c.tag != w("pPr")]
    following = paragraph.getnext()
    if following is not None and following.tag == w("p"):
        position = 1 if len(following) and following[0].tag == w("pPr") else 0
        for child in content:
            following.insert(position, child)
            position += 1
    elif text_of(paragraph):
        return  # nothing to join with: the paragraph stays, as Word keeps it
    paragraph.getparent().remove(paragraph)


def paragraph_texts(root: etree._Element) -> list[str]:
    """The text of every paragraph of the body, in order (inside tables too)."""
    return [text_of(p) for p in body(root).iter(w("p"))]
