"""The WordprocessingML a redline reads and writes: the package, the body, revision marks.

Only ``word/document.xml`` is compared and rewritten; every other part of NEW's package
is copied as it is. Revision marks (ECMA-376 Part 1, 17.13.5) are built with lxml:
``w:ins`` / ``w:del`` around runs, ``w:delText`` for deleted text, and the same
elements inside ``w:pPr/w:rPr`` (a paragraph mark) or ``w:trPr`` (a table row).
"""
from __future__ import annotations

import copy
import datetime
import io
import itertools
import zipfile
import zlib
from dataclasses import dataclass, field

from lxml import etree

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
W = "{%s}" % W_NS
XML_SPACE = "{http://www.w3.org/XML/1998/namespace}space"
DOCUMENT = "word/document.xml"
_CORE = "docProps/core.xml"
_DCTERMS = "{http://purl.org/dc/terms/}"
_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False,
                          remove_blank_text=False)
AUTHOR = "contratgen"
MAX_PACKAGE = 200 * 1024 * 1024   # bytes a DOCX may unpack to


class NotADocx(ValueError):
    """The bytes are not a Word document (no readable word/document.xml), or one we
    refuse (``code``: the rule that refused it)."""

    def __init__(self, message: str, code: str = "diff.input"):
        super().__init__(message)
        self.code = code


# a DOCTYPE brings a DTD or entities (entity expansion, external fetches): Word never
# writes one, so a part that has one is refused, in UTF-8 or UTF-16
_DOCTYPES = tuple(marker.encode(encoding) for marker in ("<!DOCTYPE", "<!ENTITY")
                  for encoding in ("utf-8", "utf-16-le", "utf-16-be"))


def doctype_part(entries) -> str | None:
    """The first XML part of ``entries`` (name, bytes) that has a DOCTYPE, if any."""
    for name, data in entries:
        if name.lower().endswith((".xml", ".rels")) and any(m in data for m in _DOCTYPES):
            return name
    return None


def w(name: str) -> str:
    """The Clark name of a WordprocessingML element or attribute."""
    return W + name


@dataclass(frozen=True)
class Package:
    """A DOCX package: its parts in zip order, and the parsed main document."""

    entries: tuple[tuple[str, bytes], ...]

    @classmethod
    def read(cls, data: bytes) -> "Package":
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as archive:
                infos = archive.infolist()
                size = sum(i.file_size for i in infos)
                if size > MAX_PACKAGE:   # a zip bomb, or not a contract
                    raise NotADocx(f"the package unpacks to {size} bytes, more than the "
                                   f"limit of {MAX_PACKAGE}")
                entries = tuple((i.filename, archive.read(i)) for i in infos)
        except (zipfile.BadZipFile, OSError, KeyError, EOFError, ValueError,
                NotImplementedError, zlib.error) as exc:
            if isinstance(exc, NotADocx):
                raise
            raise NotADocx(f"not a DOCX file ({exc})") from None
        if DOCUMENT not in dict(entries):
            raise NotADocx("not a Word document (no word/document.xml)")
        hostile = doctype_part(entries)
        if hostile:
            raise NotADocx(f"{hostile} has a DOCTYPE (a DTD or entities): refused, Word "
                           "documents never need one", "docx.doctype")
        return cls(entries)

    def part(self, name: str) -> bytes | None:
        return dict(self.entries).get(name)

    def document(self) -> etree._Element:
        """A fresh parse of word/document.xml (callers may change it)."""
        try:
            return etree.fromstring(self.part(DOCUMENT), _PARSER)
        except etree.XMLSyntaxError as exc:
            raise NotADocx(f"word/document.xml is not well-formed XML ({exc})") from None

    def created(self) -> datetime.date | None:
        """The document's date: ``dcterms:created`` of docProps/core.xml (contratgen
        writes ``document.date`` there)."""
        core = self.part(_CORE)
        if not core:
            return None
        try:
            node = etree.fromstring(core, _PARSER).find(_DCTERMS + "created")
            return datetime.date.fromisoformat((node.text or "")[:10])
        except (etree.XMLSyntaxError, AttributeError, ValueError):
            return None

    def with_document(self, root: etree._Element, day: datetime.date) -> bytes:
        """NEW's package with word/document.xml replaced; every member stamped with
        ``day`` so the same inputs give the same bytes."""
        xml = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)
        stamp = (min(max(day.year, 1980), 2107), day.month, day.day, 0, 0, 0)
        out = io.BytesIO()
        with zipfile.ZipFile(out, "w") as archive:
            for name, data in self.entries:
                info = zipfile.ZipInfo(name, date_time=stamp)
                info.compress_type = zipfile.ZIP_DEFLATED
                info.external_attr = 0o644 << 16
                archive.writestr(info, xml if name == DOCUMENT else data)
        return out.getvalue()


def body(root: etree._Element) -> etree._Element:
    found = root.find(w("body"))
    if found is None:
        raise NotADocx("word/document.xml has no w:body")
    return found


def text_of(element: etree._Element) -> str:
    """The visible text of a paragraph, row or table (tabs as \\t, breaks as \\n)."""
    parts = []
    for node in element.iter(w("t"), w("delText"), w("tab"), w("br"), w("cr")):
        if node.tag in (w("t"), w("delText")):
            parts.append(node.text or "")
        elif node.tag == w("tab"):
            if node.getparent() is not None and node.getparent().tag == w("r"):
                parts.append("\t")
        else:
            parts.append("\n")
    return "".join(parts)


def canonical(element: etree._Element | None) -> bytes:
    return b"" if element is None else etree.tostring(element)


@dataclass
class Revisions:
    """Makes revision marks: one author, one date (NEW's), a fresh w:id for each."""

    date: datetime.date
    author: str = AUTHOR
    first_id: int = 1
    count: int = 0
    coarse: int = 0   # tokens compared window by window (redline/matching.py)
    _ids: "itertools.count" = field(default=None, repr=False)

    def __post_init__(self):
        self._ids = itertools.count(self.first_id)

    def mark(self, kind: str) -> etree._Element:
        """An empty ``w:ins`` or ``w:del`` (``kind``) with id, author and date."""
        element = etree.Element(w(kind), nsmap={"w": W_NS})
        element.set(w("id"), str(next(self._ids)))
        element.set(w("author"), self.author)
        element.set(w("date"), f"{self.date.isoformat()}T00:00:00Z")
        self.count += 1
        return element

    def wrap(self, kind: str, runs: list[etree._Element]) -> etree._Element:
        """``runs`` (already placed, consecutive siblings) moved into one new mark."""
        mark = self.mark(kind)
        runs[0].addprevious(mark)
        for run in runs:
            if kind == "del":
                as_deleted(run)
            mark.append(run)
        return mark

    def mark_paragraph(self, paragraph: etree._Element, kind: str) -> None:
        """Mark a paragraph's mark inserted or deleted (``w:pPr/w:rPr/w:ins``)."""
        ppr = paragraph.find(w("pPr"))
        if ppr is None:
            ppr = etree.Element(w("pPr"))
            paragraph.insert(0, ppr)
        rpr = ppr.find(w("rPr"))
        if rpr is None:
            rpr = etree.Element(w("rPr"))
            tail = [c for c in ppr if c.tag in (w("sectPr"), w("pPrChange"))]
            (tail[0].addprevious(rpr) if tail else ppr.append(rpr))
        rpr.insert(0, self.mark(kind))

    def mark_row(self, row: etree._Element, kind: str) -> None:
        """Mark a table row inserted or deleted (``w:trPr/w:ins``)."""
        trpr = row.find(w("trPr"))
        if trpr is None:
            trpr = etree.Element(w("trPr"))
            row.insert(next((i for i, c in enumerate(row) if c.tag not in
                             (w("tblPrEx"),)), 0), trpr)
        if all(c.tag in (w("ins"), w("del"), w("trPrChange")) for c in trpr):
            # the schema wants one row property before the mark: "no cell skipped"
            # (w:gridBefore 0) is what every row has anyway
            etree.SubElement(trpr, w("gridBefore")).set(w("val"), "0")
            trpr.insert(0, trpr[-1])
        change = trpr.find(w("trPrChange"))
        (change.addprevious(self.mark(kind)) if change is not None
         else trpr.append(self.mark(kind)))

    def mark_content(self, element: etree._Element, kind: str) -> None:
        """Every run inside ``element`` inserted or deleted, consecutive runs in one mark."""
        parents = {id(r.getparent()): r.getparent() for r in element.iter(w("r"))}
        for parent in parents.values():
            for group in _run_groups(parent):
                self.wrap(kind, group)


def _run_groups(parent: etree._Element) -> list[list[etree._Element]]:
    """Consecutive runs of ``parent`` (with the bookmarks between them), group by group."""
    groups, current = [], []
    for child in parent:
        if child.tag == w("r") or (current and child.tag in _BETWEEN_RUNS):
            current.append(child)
            continue
        if current:
            groups.append(current)
        current = []
    if current:
        groups.append(current)
    return groups


_BETWEEN_RUNS = (w("bookmarkStart"), w("bookmarkEnd"), w("proofErr"))


def as_deleted(run: etree._Element) -> None:
    """Deleted text is ``w:delText`` (and field code ``w:delInstrText``)."""
    for node in run.iter(w("t"), w("instrText")):
        node.tag = w("delText") if node.tag == w("t") else w("delInstrText")


def highest_id(root: etree._Element) -> int:
    """The largest numeric w:id already in the document (bookmarks, comments…)."""
    ids = [int(v) for v in root.xpath("//@w:id", namespaces={"w": W_NS})
           if str(v).lstrip("-").isdigit()]
    return max(ids, default=0)


def clone(element: etree._Element) -> etree._Element:
    return copy.deepcopy(element)
