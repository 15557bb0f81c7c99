"""Where the signature fields go when the template has no bookmarks: PDF text heuristics.

The fallback for letterheads without the ``provider_signature`` / ``client_signature``
bookmarks (``contratgen lint --templates`` warns about them): each block is found by its
"Bon pour accord" line in its column (left: provider, right: client), and the field goes
under the block's last line. Two blocks stacked one under the other, rather than side by
side, defeat it: add the bookmarks (docs/TEMPLATES.md).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass

from pypdf import PdfReader

from .signature_fields import COLUMN_GUTTER, FIELD_HEIGHT, MIN_FIELD_HEIGHT, PAGE_MARGIN, \
    AnchorNotFound, Placement, SignatureSlot

_BLOCK_LINE_GAP = 2.6  # × font size: larger gaps end the signature block


@dataclass(frozen=True)
class _Line:
    """A run of text on one baseline, in content-stream order."""

    page: int
    x: float
    y: float
    size: float
    text: str


def place_by_text(reader: PdfReader, slots: Sequence[SignatureSlot]) -> list[Placement]:
    """A placement for each slot, below its signature block found by its anchor text."""
    if not slots:   # no signature field: nothing to look for, no page text to read
        return []
    lines = _lines_near_anchors(reader, slots)
    blocks = {slot.field_name: _signature_block(reader, lines, slot) for slot in slots}
    in_blocks = {line for block in blocks.values() for line in block}
    placements = []
    for slot in slots:
        block = blocks[slot.field_name]
        page = block[-1].page  # a block split by a page break is signed where it ends
        page_lines = [line for line in lines if line.page == page]
        rect = _field_rect(reader.pages[page], page_lines, block, in_blocks)
        placements.append(Placement(slot.field_name, page, rect))
    return placements


def _lines_near_anchors(reader: PdfReader, slots: Sequence[SignatureSlot]) -> list[_Line]:
    """Text lines of the pages that matter, read from the end: text extraction is the
    slow part of finalizing, and the signature blocks end the document. Pages are read
    backwards until every slot's anchor is seen, plus — when pages follow — the page
    before (headers and footers are told by their repetition); the page after, where a
    block cut by a page break continues, was read on the way."""
    wanted = {_normalize(slot.anchor) for slot in slots}
    by_page: dict[int, list[_Line]] = {}
    found: set[str] = set()
    for index in range(len(reader.pages) - 1, -1, -1):
        by_page[index] = _page_lines(reader, index)
        found |= {_normalize(line.text).rstrip(" :.") for line in by_page[index]} & wanted
        if found == wanted:
            # the page before only serves to tell headers and footers (by repetition)
            # from a block that a page break cut; on the last page nothing can be cut
            if 0 < index < len(reader.pages) - 1:
                by_page[index - 1] = _page_lines(reader, index - 1)
            break
    return [line for index in sorted(by_page) for line in by_page[index]]


def _page_lines(reader: PdfReader, index: int) -> list[_Line]:
    runs: list[_Line] = []

    def visit(text, cm, tm, font_dict, font_size):
        if not text.strip():
            return
        x = tm[4] * cm[0] + tm[5] * cm[2] + cm[4]
        y = tm[4] * cm[1] + tm[5] * cm[3] + cm[5]
        size = abs(font_size * tm[3] * cm[3]) or font_size or 10.0
        last = runs[-1] if runs else None
        if last and abs(last.y - y) < 0.5 and x >= last.x:  # same baseline, same run
            runs[-1] = _Line(index, last.x, last.y, last.size, last.text + text)
        else:
            runs.append(_Line(index, x, y, size, text))

    reader.pages[index].extract_text(visitor_text=visit)
    return runs


def _signature_block(reader: PdfReader, lines: list[_Line], slot: SignatureSlot) -> list[_Line]:
    """The anchor line and the lines under it in its column ("Bon pour accord"
    … "Signature"); the last occurrence wins, as the block ends the document.
    A block split by a page break continues at the top of the next page."""
    if slot.column not in ("left", "right"):
        raise ValueError(f"{slot.field_name}: column must be 'left' or 'right', not {slot.column!r}")
    wanted = _normalize(slot.anchor)
    anchors = [line for line in lines
               if _normalize(line.text).rstrip(" :.") == wanted
               and _column_of(reader, line) == slot.column]
    if not anchors:
        raise AnchorNotFound(
            f"no signature block for {slot.field_name}: the text {slot.anchor!r} was not "
            f"found in the {slot.column} column of the PDF (check the template's "
            f"signature table)")
    anchor = anchors[-1]
    block = [anchor]
    lines = _without_running_lines(lines)
    below = _column_lines(reader, lines, anchor.page, slot.column, under=anchor.y)
    block += _run_of_lines(anchor, below)
    if len(block) == len(below) + 1 and anchor.page + 1 < len(reader.pages) \
            and not _room_below(reader, lines, block[-1]):
        # nothing under the block in its column and no room for a field: a page break
        # cut it (pages after a complete block, e.g. annexes, are not its continuation)
        block += _continuation(reader, lines, anchor, slot.column)
    return block


def _room_below(reader, lines: list[_Line], last: _Line) -> bool:
    """Whether a field fits between ``last`` and the next text under it (or the page's
    bottom margin)."""
    box = reader.pages[last.page].mediabox
    floor = max([line.y + line.size for line in lines
                 if line.page == last.page and line.y < last.y - 1] + [float(box.bottom)])
    return last.y - 0.35 * last.size - floor >= FIELD_HEIGHT + PAGE_MARGIN


def _without_running_lines(lines: list[_Line]) -> list[_Line]:
    """Drop headers and footers: lines at the same place on several pages with
    the same text but for digits (page numbers)."""
    def key(line: _Line):
        return round(line.x), round(line.y), re.sub(r"\d+", "#", line.text.strip())
    pages: dict = {}
    for line in lines:
        pages.setdefault(key(line), set()).add(line.page)
    return [line for line in lines if len(pages[key(line)]) < 2]


def _column_lines(reader, lines, page, column, under=float("inf")) -> list[_Line]:
    """Lines of one column of a page under a height, top to bottom."""
    return sorted((line for line in lines if line.page == page and line.y < under
                   and _column_of(reader, line) == column), key=lambda line: -line.y)


def _run_of_lines(previous: _Line, candidates: list[_Line]) -> list[_Line]:
    """The lines that follow ``previous`` without a gap larger than a paragraph."""
    run = []
    for line in candidates:
        if previous.y - line.y > _BLOCK_LINE_GAP * previous.size:
            break
        run.append(line)
        previous = line
    return run


def _continuation(reader, lines, anchor: _Line, column: str) -> list[_Line]:
    """The rest of a block that a page break cut: the next page's top lines in
    the same column, at the anchor's indentation, with no text above them."""
    page = anchor.page + 1
    top = _column_lines(reader, lines, page, column)
    if not top or abs(top[0].x - anchor.x) > 2:
        return []
    if any(line.y > top[0].y + 1 for line in lines if line.page == page):
        return []  # something else starts the page: not the rest of the block
    return [top[0]] + _run_of_lines(top[0], top[1:])


def _field_rect(page, page_lines: list[_Line], block: list[_Line],
                in_blocks: set[_Line]) -> tuple[float, float, float, float]:
    """Column width × FIELD_HEIGHT under the block's last line, shortened if
    other text (not a signature block) starts higher."""
    box = page.mediabox
    left_edge, right_edge = float(box.left), float(box.right)
    center = (left_edge + right_edge) / 2
    text_margin = min((line.x for line in page_lines), default=left_edge + 56) - left_edge
    last = block[-1]
    first = next(line for line in block if line.page == last.page)  # top on this page
    x0 = block[0].x - 2
    if block[0].x < center:
        others = [line.x for line in page_lines
                  if line.x >= center and last.y <= line.y <= first.y]  # the other block
        x1 = (min(others) if others else center) - COLUMN_GUTTER
    else:
        x1 = right_edge - max(text_margin, PAGE_MARGIN)
    top = last.y - 0.35 * last.size - 2  # below the descenders of "Signature"
    bottom = max(top - FIELD_HEIGHT, float(box.bottom) + PAGE_MARGIN)
    for line in page_lines:
        if line in in_blocks or line.x >= x1:
            continue
        if bottom < line.y + line.size < top:  # text would be covered: stop above it
            bottom = line.y + line.size + 2
    bottom = min(bottom, top - MIN_FIELD_HEIGHT)
    return tuple(round(v, 2) for v in (x0, bottom, x1, top))


def _column_of(reader: PdfReader, line: _Line) -> str:
    box = reader.pages[line.page].mediabox
    return "left" if line.x < (float(box.left) + float(box.right)) / 2 else "right"


def _normalize(text: str) -> str:
    text = unicodedata.normalize("NFC", text).replace("\u00a0", " ")
    return " ".join(text.split()).casefold()
