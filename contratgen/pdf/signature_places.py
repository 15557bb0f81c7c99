"""Where each signature field goes: at the template's bookmarks.

The templates carry a Word bookmark per signatory, named as its field
(``provider_signature``, ``client_signature``), in the empty paragraph where the
signature goes; LibreOffice exports them as named destinations (``/XYZ left top``,
``ExportBookmarksToPDFDestination`` in ``uno_worker.export_filter``). Each field is
placed on its destination's page, its top at the destination's top, ``FIELD_HEIGHT``
high. It runs to the right margin, or stops short of another signature destination
that stands beside it on the same page (two blocks side by side), so blocks stacked
one under the other, side by side or on different pages all get their own field.

A letterhead without the bookmarks, or with only one of them, is refused by a PDF build
with a located error naming the bookmark to add (``contratgen lint --templates`` warns of
it beforehand; a DOCX-only build does not need them). There is no guessing from the
PDF's text: a guess put both fields at 0:0 when a letterhead stacked the blocks.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from pypdf import PdfReader
from pypdf.errors import PdfReadError

from .signature_fields import COLUMN_GUTTER, FIELD_HEIGHT, MIN_FIELD_HEIGHT, PAGE_MARGIN, \
    AnchorNotFound, Placement, SignatureSlot

_ABOVE = 2.0  # pt between the destination's top and the field's


@dataclass(frozen=True)
class Destination:
    """A named destination of the PDF: its page (0-based) and its top-left point."""

    name: str
    page: int
    left: float
    top: float


def place_fields(reader: PdfReader, slots: Sequence[SignatureSlot]) -> list[Placement]:
    """A placement for each slot, at its bookmark's destination; :class:`AnchorNotFound`
    naming every bookmark the template lacks."""
    if not slots:
        return []
    found = destinations(reader, [slot.field_name for slot in slots])
    missing = [slot.field_name for slot in slots if slot.field_name not in found]
    if missing:
        names = " and ".join(f"'{name}'" for name in missing)
        raise AnchorNotFound(
            f"the template has no bookmark {names} where the signature goes: the PDF's "
            "signature field cannot be placed. In Word or LibreOffice, put the cursor in "
            "the empty paragraph under each signature block and insert a bookmark named "
            "provider_signature (the provider's) or client_signature (the client's): "
            "Insert > Bookmark (docs/TEMPLATES.md)")
    return [_at(reader, found[slot.field_name], found.values()) for slot in slots]


def destinations(reader: PdfReader, names: Sequence[str]) -> dict[str, Destination]:
    """The named destinations among ``names`` that the PDF has, by name. LibreOffice
    writes a bookmark's name with its other characters than letters and digits as hex
    (``provider5Fsignature``): both spellings are accepted."""
    wanted = {}
    for name in names:
        wanted[name] = name
        wanted[_escaped(name)] = name
    found = {}
    try:
        named = reader.named_destinations
    except (PdfReadError, KeyError, TypeError, ValueError):  # a damaged name tree
        return {}
    for key, dest in sorted(named.items()):
        name = wanted.get(str(key).lstrip("/"))
        if name is None or name in found or dest.get("/Type") != "/XYZ":
            continue
        page, left, top = reader.get_destination_page_number(dest), dest.get("/Left"), \
            dest.get("/Top")
        if page is None or page < 0 or left is None or top is None:
            continue
        found[name] = Destination(name, page, float(left), float(top))
    return found


def _escaped(name: str) -> str:
    return "".join(c if c.isascii() and c.isalnum() else f"{ord(c):02X}" for c in name)


def _at(reader: PdfReader, dest: Destination, others) -> Placement:
    """The field under ``dest``: to the right margin, or to a neighbour beside it."""
    box = reader.pages[dest.page].mediabox
    margin = max(min([d.left for d in others if d.page == dest.page] + [dest.left])
                 - float(box.left), PAGE_MARGIN)
    beside = [d.left for d in others if d.page == dest.page and d.left > dest.left + 1
              and abs(d.top - dest.top) < FIELD_HEIGHT]
    x0 = dest.left - 2
    x1 = min(beside) - COLUMN_GUTTER if beside else float(box.right) - margin
    top = min(dest.top - _ABOVE, float(box.top) - PAGE_MARGIN)
    bottom = max(top - FIELD_HEIGHT, float(box.bottom) + PAGE_MARGIN)
    bottom = min(bottom, top - MIN_FIELD_HEIGHT)
    rect = tuple(round(v, 2) for v in (x0, bottom, x1, top))
    return Placement(dest.name, dest.page, rect)
