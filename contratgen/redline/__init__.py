"""Redlines: two versions of a document as one DOCX with Word tracked changes.

:func:`compare` takes two DOCX packages (as contratgen renders them, or any Word file)
and gives NEW's package whose body reads NEW when every revision is accepted and OLD
when every revision is rejected, with what happened to each article. The marks carry
the author "contratgen" and NEW's document date, never the clock, so the same two
inputs always give the same bytes.
"""
from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Optional

from .apply import accept_all, has_revisions, paragraph_texts, reject_all, resolve
from .blocks import SectionChange, compare_sections, sections
from .ooxml import AUTHOR, NotADocx, Package, Revisions, body, highest_id, w

__all__ = ["AUTHOR", "NotADocx", "Redline", "SectionChange", "accept_all", "compare",
           "paragraph_texts", "reject_all"]

_NO_DATE = datetime.date(1980, 1, 1)


@dataclass(frozen=True)
class Redline:
    docx: bytes
    changes: tuple[SectionChange, ...]   # the sections (articles, headings) that changed
    revisions: int                       # revision marks written
    date: datetime.date                  # the date the marks carry
    coarse: int = 0                      # tokens compared window by window (too long and
                                         # too different to align exactly: matching.py)

    @property
    def changed(self) -> bool:
        return self.revisions > 0


def _as_it_reads(root):
    """A document that already has tracked changes is compared with them accepted."""
    return resolve(root, keep="ins", drop="del") if has_revisions(root) else root


def compare(old_docx: bytes, new_docx: bytes, date: Optional[datetime.date] = None) -> Redline:
    """OLD → NEW as tracked changes in NEW's package. ``date`` (default: NEW's
    ``dcterms:created``, which contratgen sets to ``document.date``) stamps every mark."""
    old, new = Package.read(old_docx), Package.read(new_docx)
    day = date or new.created() or _NO_DATE
    old_root, new_root = (_as_it_reads(p.document()) for p in (old, new))
    marks = Revisions(day, first_id=max(highest_id(old_root), highest_id(new_root)) + 1)
    new_body = body(new_root)
    blocks, changes = compare_sections(sections(body(old_root)), sections(new_body), marks)
    final = new_body.find(w("sectPr"))
    for child in list(new_body):
        new_body.remove(child)
    new_body.extend(blocks)
    if final is not None:
        new_body.append(final)
    return Redline(new.with_document(new_root, day), tuple(changes), marks.count, day,
                   marks.coarse)
