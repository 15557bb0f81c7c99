"""Table columns as wide as their numbers: a quantity or an amount never wraps.

LibreOffice lays a DOCX table out with the widths of its grid (it ignores Word's
"autofit"), and breaks a number that does not fit its cell anywhere, even between two
digits: "125 000" printed as "125 00" over "0". A template marks the cells that must stay
on one line as Word does, "Wrap text" unticked (``<w:noWrap/>``: the shipped templates
mark every number cell); once a document is rendered, :func:`fit_columns` measures the
text of those cells with the advance widths of Liberation Sans (Arial's metrics) and,
where a column is too narrow, widens it, taking the room from the columns that may wrap,
widest first (the description), never below the longest word those hold. A table with no
such cell, or whose numbers fit, is left byte for byte as it was.
"""
from __future__ import annotations

import html
import re
from functools import lru_cache
from typing import Iterator, Optional

# advance widths in thousandths of an em (Liberation Sans = Arial's metrics, regular and
# bold alike for these); U+202F is drawn from a fallback font: counted wide
_ADVANCE = {**dict.fromkeys("0123456789€$£", 556), **dict.fromkeys(" ,.:;'\u00a0", 278),
            "\u202f": 350, "\u2009": 350, "%": 889, "-": 333, "−": 584, "+": 584,
            "(": 333, ")": 333, "/": 278, "i": 222, "l": 222, "j": 222, "I": 278,
            "m": 889, "w": 778, "M": 833, "W": 944}
_OTHER = 667                  # any other character: a wide letter
SLACK = 60                    # twips: rounding in the layout, and the font's side bearing
DEFAULT_MARGIN = 108          # twips each side: Word's default cell margin
MIN_DONOR = 851               # twips (1.5 cm): a column that wraps keeps at least this

_TABLE_OPEN = re.compile(r"<w:tbl>")
_ROW = re.compile(r"<w:tr[ >].*?</w:tr>", re.S)
_CELL = re.compile(r"<w:tc[ >].*?</w:tc>", re.S)
_PARAGRAPH = re.compile(r"<w:p[ >].*?</w:p>", re.S)
_RUN = re.compile(r"<w:r[ >].*?</w:r>", re.S)
_TEXT = re.compile(r"<w:t(?: [^>]*)?>([^<]*)</w:t>|<w:(br|cr)\b[^>]*/>|<w:tab/>")
_PLAIN_TEXT = re.compile(r"<w:t(?: [^>]*)?>([^<]*)</w:t>")
_SIZE = re.compile(r'<w:sz w:val="(\d+)"/>')
_STYLE = re.compile(r'<w:pStyle w:val="([^"]+)"/>')
_GRID = re.compile(r"<w:tblGrid>(.*?)</w:tblGrid>", re.S)
_GRID_COL = re.compile(r'<w:gridCol w:w="(\d+)"(/>| [^>]*/>)')
_SPAN = re.compile(r'<w:gridSpan w:val="(\d+)"/>')
_TCW = re.compile(r'<w:tcW w:type="dxa" w:w="\d+"/>|<w:tcW w:w="\d+" w:type="dxa"/>')
_SIDES = (re.compile(r'<w:(?:left|start) w:w="(\d+)"'), re.compile(r'<w:(?:right|end) w:w="(\d+)"'))
_MARGIN = re.compile(r"<w:tblCellMar>(.*?)</w:tblCellMar>", re.S)


def text_width(text: str, half_points: int) -> int:
    """Twips ``text`` takes at ``half_points`` (Word's w:sz) in Liberation Sans."""
    em = sum(_ADVANCE.get(c, _OTHER) for c in text)
    return (em * half_points + 99) // 100         # em/1000 × pt × 20, pt = half_points / 2


@lru_cache(maxsize=16)
def style_sizes(styles_xml: bytes) -> tuple[int, tuple[tuple[str, int], ...]]:
    """The default font size and each paragraph style's (``basedOn`` followed), in
    half-points, from ``word/styles.xml``."""
    text = styles_xml.decode("utf-8", "replace")
    defaults = re.search(r"<w:rPrDefault>.*?</w:rPrDefault>", text, re.S)
    size = _SIZE.search(defaults.group()) if defaults else None
    default = int(size.group(1)) if size else 20
    own, parent = {}, {}
    for style in re.finditer(r'<w:style [^>]*w:styleId="([^"]+)"[^>]*>(.*?)</w:style>', text,
                             re.S):
        name, body = style.groups()
        found = _SIZE.search(re.sub(r"<w:pPr>.*?</w:pPr>", "", body, flags=re.S))
        if found:
            own[name] = int(found.group(1))
        based = re.search(r'<w:basedOn w:val="([^"]+)"/>', body)
        if based:
            parent[name] = based.group(1)

    def resolved(name: str) -> int:
        for _ in range(32):           # a loop of basedOn ends somewhere
            if name in own:
                return own[name]
            if name not in parent:
                break
            name = parent[name]
        return default
    return default, tuple((name, resolved(name)) for name in set(own) | set(parent))


def _innermost(xml: str) -> Iterator[tuple[int, int]]:
    """(start, end) of each table holding no other table, last first."""
    spans = []
    for match in _TABLE_OPEN.finditer(xml):
        end = xml.find("</w:tbl>", match.start())
        if end > 0 and xml.find("<w:tbl>", match.end(), end) < 0:
            spans.append((match.start(), end))
    return reversed(spans)


def _margins(table: str) -> int:
    found = _MARGIN.search(table)
    total = 0
    for side in _SIDES:
        width = side.search(found.group(1)) if found else None
        total += int(width.group(1)) if width else DEFAULT_MARGIN
    return total


def _lines(cell: str, default: int, sizes: dict[str, int]) -> Iterator[tuple[str, int]]:
    """Each line of text of a cell with its widest font size."""
    for paragraph in _PARAGRAPH.findall(cell):
        style = _STYLE.search(paragraph)
        base = sizes.get(style.group(1), default) if style else default
        line, size = "", base
        for run in _RUN.findall(paragraph):
            own = _SIZE.search(run)
            run_size = int(own.group(1)) if own else base
            for piece in _TEXT.finditer(run):
                if piece.group(1) is not None:
                    line += html.unescape(piece.group(1))
                    size = max(size, run_size)
                elif piece.group(2):
                    yield line, size
                    line, size = "", base
                else:
                    line += "    "
        yield line, size


def _cells(table: str) -> Iterator[tuple[int, int, str]]:
    """(first column, span, cell XML) of every cell (plain string splits: the table holds
    no other table, so a cell ends at the first ``</w:tc>``)."""
    for row in table.split("</w:tr>")[:-1]:
        column = 0
        for piece in row.split("</w:tc>")[:-1]:
            at = max(piece.rfind("<w:tc>"), piece.rfind("<w:tc "))
            if at < 0:
                continue
            cell = piece[at:]
            span = _SPAN.search(cell) if "gridSpan" in cell else None
            count = int(span.group(1)) if span else 1
            yield column, count, cell
            column += count


def _need(cell: str, default: int, sizes: dict[str, int]) -> int:
    """Twips the widest line of a no-wrap cell takes (at the largest size it uses)."""
    style = _STYLE.search(cell)
    size = max([sizes.get(style.group(1), default) if style else default] +
               [int(v) for v in _SIZE.findall(cell)])
    if "<w:br" in cell or "<w:cr" in cell or cell.count("<w:p>") + cell.count("<w:p ") > 1:
        return max(text_width(line, size) for line, _ in _lines(cell, default, sizes))
    return text_width(html.unescape("".join(_PLAIN_TEXT.findall(cell))), size)


def _widths(table: str, grid: list[int], default: int, sizes: dict[str, int]
            ) -> Optional[list[int]]:
    """The new grid, or None when every number fits already."""
    margins = _margins(table) + SLACK
    needs = [0] * len(grid)
    fixed = [False] * len(grid)
    others = []
    for column, span, cell in _cells(table):
        if span != 1 or column >= len(grid):
            continue
        if "<w:noWrap/>" in cell:
            fixed[column] = True
            needs[column] = max(needs[column], _need(cell, default, sizes) + margins)
        else:
            others.append((column, cell))
    total = sum(grid)       # a text wider than the whole table wraps whatever is done
    needs = [min(need, total) for need in needs]
    deficit = sum(max(0, need - width) for need, width in zip(needs, grid))
    if not deficit:
        return None
    words = [0] * len(grid)           # the longest word of each column that may wrap
    for column, cell in others:
        words[column] = max([words[column]] + [text_width(w, s) + margins
                                               for t, s in _lines(cell, default, sizes)
                                               for w in t.split()])
    new = [max(width, need) for width, need in zip(grid, needs)]
    donors = sorted((c for c in range(len(grid)) if not fixed[c]), key=lambda c: -grid[c])
    for column in donors:
        room = new[column] - max(MIN_DONOR, words[column])
        given = min(max(room, 0), deficit)
        new[column] -= given
        deficit -= given
    return new      # what no column could give widens the table: better than a cut number


def _resized(table: str, new: list[int]) -> str:
    columns = iter(new)
    table = _GRID.sub(lambda m: "<w:tblGrid>" + _GRID_COL.sub(
        lambda c: f'<w:gridCol w:w="{next(columns)}"{c.group(2)}', m.group(1)) +
        "</w:tblGrid>", table, count=1)

    def row(match: re.Match) -> str:
        position = [0]

        def cell(found: re.Match) -> str:
            text = found.group()
            span = _SPAN.search(text)
            count = int(span.group(1)) if span else 1
            width = sum(new[position[0]:position[0] + count])
            position[0] += count
            return _TCW.sub(f'<w:tcW w:type="dxa" w:w="{width}"/>', text, count=1)
        return _CELL.sub(cell, match.group())
    return _ROW.sub(row, table)


def fit_columns(xml: str, styles_xml: Optional[bytes]) -> str:
    """``word/document.xml`` with every column of ``<w:noWrap/>`` cells wide enough for
    their text on one line (see the module's text)."""
    if "<w:noWrap/>" not in xml:
        return xml
    default, table_sizes = style_sizes(styles_xml or b"")
    sizes = dict(table_sizes)
    for start, end in _innermost(xml):
        table = xml[start:end]
        if "<w:noWrap/>" not in table:
            continue
        found = _GRID.search(table)
        grid = [int(w) for w, _ in _GRID_COL.findall(found.group(1))] if found else []
        new = _widths(table, grid, default, sizes) if grid else None
        if new is not None:
            xml = xml[:start] + _resized(table, new) + xml[end:]
    return xml
