#!/usr/bin/env python3
"""Build the DOCX templates of contratgen: templates/quote.docx and templates/contract.docx.

**An example, not the source.** The committed ``templates/*.docx`` are the templates:
they are edited in Word or LibreOffice and checked by ``contratgen lint --templates
templates`` (tests/test_templates_are_word_files.py), never compared with this script's
output. Running it overwrites any edit made in Word since; it is kept to show how such a
template can be made with python-docx (styles, a signature table with its bookmarks).

This script first made the two templates, reproducibly and reviewable as code.

    python tools/make_templates.py              # writes templates/quote.docx, templates/contract.docx
    python tools/make_templates.py -o DIR       # writes them into DIR
    python tools/make_templates.py --check      # whether the committed files are still this output

The output is byte-identical from one run to the next (fixed document properties, fixed ZIP
timestamps, no clock or random ids).

Rules the templates follow (see docs/TEMPLATES.md):
- only the context variables documented in docs/TEMPLATES.md are used, and every fixed word
  of the layout is a ``labels.<key>`` from contratgen/data/labels.yaml (checked at the end of
  the build: every key used here must exist in both ``fr`` and ``en``);
- every ``{{ ... }}`` / ``{% ... %}`` tag is written whole in a single run;
- paragraph-level tags (``{%p if ... %}``) and row-level tags (``{%tr for ... %}``) stand alone
  in their own paragraph / row, as docxtpl requires;
- the styles ``Normal``, ``Heading2`` and ``ListBullet`` (used by the ready-made ``articles``
  paragraphs) are defined with those style ids;
- the signature block is the last thing in the body: a borderless two-column table, provider on
  the left, client on the right, each cell holding in this order: role, ``labels.agreed``
  ("Bon pour accord" / "Agreed and accepted"), signatory name, signatory title (if any),
  place and date, ``labels.signature``, then an empty area about 3 cm high where the PDF step
  puts the signature field, holding the bookmark ``provider_signature`` / ``client_signature``
  (LibreOffice exports it as a named destination; the field goes under its top).
  ``labels.agreed`` appears nowhere else (it places the fields of letterheads without bookmarks).
"""

from __future__ import annotations

import argparse
import datetime as _dt
import io
import re
import sys
import zipfile
from pathlib import Path

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor
from lxml import etree

ROOT = Path(__file__).resolve().parent.parent
LABELS_FILE = ROOT / "contratgen" / "data" / "labels.yaml"

FONT = "Liberation Sans"
ACCENT = "1F3A5F"  # dark navy: title, section headings
GREY = "595959"  # secondary text (header, footer, small captions)
RULE = "A6A6A6"  # table rules
LIGHT_RULE = "D0D4DA"
HEAD_FILL = "E9EDF2"  # table header rows
TOTAL_FILL = "DCE3EC"  # the TTC total row

TEXT_WIDTH_CM = 17.0  # A4 (21 cm) minus 2 x 2 cm margins

FIXED_DATE = _dt.datetime(2026, 1, 1, 0, 0, 0)
ZIP_DATE = (2026, 1, 1, 0, 0, 0)


# --------------------------------------------------------------------------------------------
# Low-level XML helpers
# --------------------------------------------------------------------------------------------

def w_el(tag: str, **attrs: str):
    """An OxmlElement ``w:tag`` with ``w:`` attributes (``val="x"`` -> ``w:val="x"``)."""
    el = OxmlElement(f"w:{tag}")
    for key, value in attrs.items():
        el.set(qn(f"w:{key}"), str(value))
    return el


def twips(cm: float) -> int:
    return int(round(cm * 1440 / 2.54))


def remove_children(el, *tags: str) -> None:
    for tag in tags:
        for child in el.findall(qn(f"w:{tag}")):
            el.remove(child)


def set_child(parent, child, order: tuple[str, ...] = ()):
    """Replace any existing child with the same tag, keeping a sensible schema order."""
    remove_children(parent, child.tag.split("}")[1])
    if order:
        name = child.tag.split("}")[1]
        after = order[order.index(name) + 1:] if name in order else ()
        for i, existing in enumerate(parent):
            if existing.tag.split("}")[1] in after:
                parent.insert(i, child)
                return child
    parent.append(child)
    return child


def borders_el(tag: str, spec: dict[str, tuple[str, int, str] | None]):
    """``<w:tag>`` holding one border per side; spec side -> (val, size in 1/8 pt, colour)."""
    el = w_el(tag)
    for side in ("top", "left", "bottom", "right", "insideH", "insideV"):
        if side not in spec:
            continue
        value = spec[side]
        if value is None:
            el.append(w_el(side, val="nil"))
        else:
            val, size, color = value
            el.append(w_el(side, val=val, sz=size, space=0, color=color))
    return el


# --------------------------------------------------------------------------------------------
# Styles
# --------------------------------------------------------------------------------------------

def fonts_el():
    return w_el("rFonts", ascii=FONT, hAnsi=FONT, eastAsia=FONT, cs=FONT)


def make_rpr(size: float | None = None, bold: bool = False, italic: bool = False,
             color: str | None = None, caps: bool = False):
    rpr = w_el("rPr")
    rpr.append(fonts_el())
    if bold:
        rpr.append(w_el("b"))
        rpr.append(w_el("bCs"))
    if italic:
        rpr.append(w_el("i"))
        rpr.append(w_el("iCs"))
    if caps:
        rpr.append(w_el("caps"))
    if color:
        rpr.append(w_el("color", val=color))
    if size:
        rpr.append(w_el("sz", val=int(size * 2)))
        rpr.append(w_el("szCs", val=int(size * 2)))
    return rpr


def make_ppr(before: float = 0, after: float = 0, line: float | None = None,
             keep_next: bool = False, keep_lines: bool = False, jc: str | None = None,
             border_bottom: tuple[str, int, str] | None = None, ind_left: float | None = None,
             hanging: float | None = None, num_id: int | None = None, tabs=None,
             outline: int | None = None, contextual: bool = False):
    ppr = w_el("pPr")
    if keep_next:
        ppr.append(w_el("keepNext"))
    if keep_lines:
        ppr.append(w_el("keepLines"))
    if num_id is not None:
        num_pr = w_el("numPr")
        num_pr.append(w_el("ilvl", val=0))
        num_pr.append(w_el("numId", val=num_id))
        ppr.append(num_pr)
    if border_bottom:
        pbdr = w_el("pBdr")
        val, size, color = border_bottom
        pbdr.append(w_el("bottom", val=val, sz=size, space=1, color=color))
        ppr.append(pbdr)
    tabs_el = w_el("tabs")
    for pos, kind in tabs or ():
        tabs_el.append(w_el("tab", val=kind, pos=pos))
    if tabs is not None:
        ppr.append(tabs_el)
    spacing = w_el("spacing", before=int(before * 20), after=int(after * 20))
    if line:
        spacing.set(qn("w:line"), str(int(line * 240)))
        spacing.set(qn("w:lineRule"), "auto")
    ppr.append(spacing)
    if ind_left is not None:
        ind = w_el("ind", left=twips(ind_left))
        if hanging:
            ind.set(qn("w:hanging"), str(twips(hanging)))
        ppr.append(ind)
    if contextual:  # no spacing between paragraphs of the same style (list items)
        ppr.append(w_el("contextualSpacing"))
    if jc:
        ppr.append(w_el("jc", val=jc))
    if outline is not None:
        ppr.append(w_el("outlineLvl", val=outline))
    return ppr


def boxed(ppr, spec):
    """A paragraph property with a border on each side of ``spec``, in schema order."""
    pbdr = w_el("pBdr")
    for side in ("top", "left", "bottom", "right"):
        val, size, color = spec[side]
        pbdr.append(w_el(side, val=val, sz=size, space=4, color=color))
    after = ("shd", "tabs", "spacing", "ind", "contextualSpacing", "jc", "outlineLvl")
    for i, child in enumerate(ppr):
        if child.tag.split("}")[1] in after:
            ppr.insert(i, pbdr)
            return ppr
    ppr.append(pbdr)
    return ppr


def redefine_style(styles_el, style_id: str, name: str, *, based_on: str | None = "Normal",
                   next_style: str | None = None, ppr=None, rpr=None, ui_priority: int = 1):
    """(Re)define a paragraph style with exactly the given formatting."""
    style = None
    for candidate in styles_el.findall(qn("w:style")):
        if candidate.get(qn("w:styleId")) == style_id:
            style = candidate
            break
    if style is None:
        style = w_el("style", type="paragraph", styleId=style_id)
        styles_el.append(style)
    for child in list(style):
        style.remove(child)
    style.append(w_el("name", val=name))
    if based_on:
        style.append(w_el("basedOn", val=based_on))
    if next_style:
        style.append(w_el("next", val=next_style))
    style.append(w_el("uiPriority", val=ui_priority))
    style.append(w_el("qFormat"))
    if ppr is not None:
        style.append(ppr)
    if rpr is not None:
        style.append(rpr)
    return style


def setup_styles(doc) -> None:
    styles_el = doc.styles.element

    # Document defaults: Liberation Sans 10 pt everywhere, including tables.
    defaults = styles_el.find(qn("w:docDefaults"))
    rpr_default = defaults.find(qn("w:rPrDefault"))
    for child in list(rpr_default):
        rpr_default.remove(child)
    rpr = make_rpr(size=10)
    rpr.append(w_el("lang", val="fr-FR", eastAsia="en-US", bidi="ar-SA"))
    rpr_default.append(rpr)
    ppr_default = defaults.find(qn("w:pPrDefault"))
    for child in list(ppr_default):
        ppr_default.remove(child)
    ppr_default.append(make_ppr(after=0, line=1.0))

    # Table Normal: no theme font, no spacing.
    for style in styles_el.findall(qn("w:style")):
        if style.get(qn("w:styleId")) == "TableNormal":
            remove_children(style, "rPr", "pPr")

    # Body text (also used by the ready-made article paragraphs).
    redefine_style(styles_el, "Normal", "Normal", based_on=None, ui_priority=0,
                   ppr=make_ppr(after=5, line=1.1, jc="both"), rpr=make_rpr(size=10))
    redefine_style(styles_el, "Title", "Title", next_style="Normal", ui_priority=10,
                   ppr=make_ppr(before=0, after=3, line=1.0, jc="left", keep_next=True),
                   rpr=make_rpr(size=18, bold=True, color=ACCENT))
    # Section headings of the layout ("Payment terms", ...).
    redefine_style(styles_el, "Heading1", "heading 1", next_style="Normal", ui_priority=9,
                   ppr=make_ppr(before=14, after=5, line=1.0, keep_next=True, keep_lines=True,
                                jc="left", border_bottom=("single", 6, ACCENT), outline=0),
                   rpr=make_rpr(size=11, bold=True, color=ACCENT))
    # Article titles ("Article 1 – Facturation"), produced by contratgen.
    redefine_style(styles_el, "Heading2", "heading 2", next_style="Normal", ui_priority=9,
                   ppr=make_ppr(before=10, after=3, line=1.0, keep_next=True, keep_lines=True,
                                jc="left", outline=1),
                   rpr=make_rpr(size=11, bold=True))
    redefine_style(styles_el, "ListBullet", "List Bullet", ui_priority=36,
                   ppr=make_ppr(after=5, line=1.1, num_id=1, ind_left=0.9, hanging=0.45,
                                contextual=True),
                   rpr=None)
    redefine_style(styles_el, "Header", "header", ui_priority=99,
                   ppr=make_ppr(after=0, line=1.0, jc="left"), rpr=make_rpr(size=8.5, color=GREY))
    redefine_style(styles_el, "Footer", "footer", ui_priority=99,
                   ppr=make_ppr(after=0, line=1.0, jc="left",
                                tabs=[(twips(TEXT_WIDTH_CM), "right")]),
                   rpr=make_rpr(size=8, color=GREY))

    # Styles of the layout itself (not used by contratgen's code).
    redefine_style(styles_el, "DocMeta", "Document meta", ui_priority=20,
                   ppr=make_ppr(after=1, line=1.0, jc="left"), rpr=make_rpr(size=9.5, color=GREY))
    redefine_style(styles_el, "TableText", "Table text", ui_priority=20,
                   ppr=make_ppr(before=0, after=0, line=1.0, jc="left"), rpr=make_rpr(size=9))
    redefine_style(styles_el, "TableHeading", "Table heading", based_on="TableText",
                   ui_priority=20, ppr=make_ppr(before=0, after=0, line=1.0, jc="left"),
                   rpr=make_rpr(size=8.5, bold=True))
    redefine_style(styles_el, "PartyText", "Party text", ui_priority=20,
                   ppr=make_ppr(after=1, line=1.0, jc="left"), rpr=make_rpr(size=9))
    redefine_style(styles_el, "Caption", "caption", ui_priority=35,
                   ppr=make_ppr(after=3, line=1.0, jc="left"),
                   rpr=make_rpr(size=8, bold=True, color=GREY, caps=True))
    redefine_style(styles_el, "Field", "Field", ui_priority=20,
                   ppr=make_ppr(after=3, line=1.1, jc="left"), rpr=make_rpr(size=10))
    redefine_style(styles_el, "SignatureText", "Signature text", ui_priority=20,
                   ppr=make_ppr(after=2, line=1.0, jc="left", keep_next=True, keep_lines=True),
                   rpr=make_rpr(size=10))
    # Mandatory texts (contratgen/mentions.py writes paragraphs in these styles). Adjacent
    # paragraphs with the same borders make one box in Word and LibreOffice.
    box = {side: ("single", 6, ACCENT) for side in ("top", "left", "bottom", "right")}
    redefine_style(styles_el, "Notice", "Notice", ui_priority=20,
                   ppr=make_ppr(after=3, line=1.05, jc="both"), rpr=make_rpr(size=9))
    redefine_style(styles_el, "NoticeBox", "Notice box", ui_priority=20,
                   ppr=boxed(make_ppr(after=2, line=1.0, jc="both", keep_lines=True), box),
                   rpr=make_rpr(size=8))
    # arrêté du 2 décembre 2014: the fair box at the head, in characters of at least 12 pt
    redefine_style(styles_el, "FairNotice", "Fair notice", ui_priority=20,
                   ppr=boxed(make_ppr(before=4, after=8, line=1.0, jc="center",
                                      keep_lines=True), box),
                   rpr=make_rpr(size=12, bold=True))
    redefine_style(styles_el, "StatementHeading", "Statement heading", ui_priority=20,
                   ppr=make_ppr(before=6, after=3, line=1.0, jc="left", keep_next=True),
                   rpr=make_rpr(size=10, bold=True, color=ACCENT))
    redefine_style(styles_el, "Statement", "Statement", ui_priority=20,
                   ppr=boxed(make_ppr(after=2, line=1.05, jc="both", keep_next=True,
                                      keep_lines=True), box),
                   rpr=make_rpr(size=9))
    redefine_style(styles_el, "StatementSign", "Statement signature", ui_priority=20,
                   ppr=boxed(make_ppr(before=4, after=14, line=1.0, jc="left",
                                      keep_lines=True), box),
                   rpr=make_rpr(size=9, bold=True))
    redefine_style(styles_el, "Tiny", "Tiny", ui_priority=99,
                   ppr=make_ppr(after=0, line=1.0), rpr=make_rpr(size=1))


def setup_bullets(doc) -> None:
    """List Bullet uses numId 1: make it a plain '•' in Liberation Sans (no Symbol font)."""
    numbering = doc.part.numbering_part.element
    abstract_id = None
    for num in numbering.findall(qn("w:num")):
        if num.get(qn("w:numId")) == "1":
            abstract_id = num.find(qn("w:abstractNumId")).get(qn("w:val"))
    for abstract in numbering.findall(qn("w:abstractNum")):
        if abstract.get(qn("w:abstractNumId")) != abstract_id:
            continue
        for lvl in abstract.findall(qn("w:lvl")):
            abstract.remove(lvl)
        lvl = w_el("lvl", ilvl=0)
        lvl.append(w_el("start", val=1))
        lvl.append(w_el("numFmt", val="bullet"))
        lvl.append(w_el("pStyle", val="ListBullet"))
        lvl.append(w_el("lvlText", val="\u2022"))
        lvl.append(w_el("lvlJc", val="left"))
        ppr = w_el("pPr")
        ppr.append(w_el("ind", left=twips(0.9), hanging=twips(0.45)))
        lvl.append(ppr)
        lvl.append(make_rpr())
        abstract.append(lvl)


# --------------------------------------------------------------------------------------------
# Content helpers
# --------------------------------------------------------------------------------------------

# Cells whose initial empty paragraph has been used (the lxml elements themselves: holding
# them keeps their identity stable).
_USED_CELLS: list = []


def set_style(p, style_id: str | None) -> None:
    """Set a paragraph style by its style id (python-docx looks styles up by name)."""
    if not style_id:
        return
    ppr = p._p.get_or_add_pPr()
    remove_children(ppr, "pStyle")
    ppr.insert(0, w_el("pStyle", val=style_id))


def cell_paragraph(cell, style: str | None = None):
    """A new paragraph in a cell (the cell's initial empty paragraph is used first)."""
    tc = cell._tc
    used = any(tc is other for other in _USED_CELLS)
    if not used:
        _USED_CELLS.append(tc)
        if len(cell.paragraphs) == 1 and not cell.paragraphs[0].runs:
            p = cell.paragraphs[0]
            set_style(p, style)
            return p
    p = cell.add_paragraph()
    set_style(p, style)
    return p


def add_runs(p, *parts):
    """Add runs to p; a part is a string, or (text, {"bold": True, ...})."""
    for part in parts:
        if isinstance(part, tuple):
            text, fmt = part
        else:
            text, fmt = part, {}
        run = p.add_run(text)
        if fmt.get("bold"):
            run.bold = True
        if fmt.get("italic"):
            run.italic = True
        if fmt.get("size"):
            run.font.size = Pt(fmt["size"])
        if fmt.get("color"):
            run.font.color.rgb = RGBColor.from_string(fmt["color"])
    return p


def bookmark(p, name: str, number: int) -> None:
    """A Word bookmark ``name`` around the (empty) content of paragraph ``p``."""
    start = w_el("bookmarkStart", id=str(number), name=name)
    p._p.append(start)
    p._p.append(w_el("bookmarkEnd", id=str(number)))


def para(container, *parts, style: str | None = None, align=None, keep_next: bool = False,
         after: float | None = None, before: float | None = None):
    if hasattr(container, "_tc"):
        p = cell_paragraph(container, style)
    else:
        p = container.add_paragraph()
        set_style(p, style)
    add_runs(p, *parts)
    if align is not None:
        p.alignment = align
    if keep_next:
        p.paragraph_format.keep_with_next = True
    if after is not None:
        p.paragraph_format.space_after = Pt(after)
    if before is not None:
        p.paragraph_format.space_before = Pt(before)
    return p


def tag_para(container, tag: str, style: str | None = None):
    """A paragraph that holds only a docxtpl paragraph-level tag ({%p ... %} / {{p ... }})."""
    return para(container, tag, style=style)


def field_run(p, instr: str, placeholder: str) -> None:
    fld = w_el("fldSimple", instr=f" {instr} ")
    run = OxmlElement("w:r")
    text = OxmlElement("w:t")
    text.text = placeholder
    run.append(text)
    fld.append(run)
    p._p.append(fld)


def make_table(container, rows: int, widths_cm: list[float], *, align: str = "left",
               borders: dict | None = None, margins_cm=(0.06, 0.12, 0.06, 0.12)):
    """A fixed-layout table with explicit column widths, borders and cell margins."""
    if hasattr(container, "_tc"):
        table = container.add_table(rows=rows, cols=len(widths_cm))
    else:
        table = container.add_table(rows=rows, cols=len(widths_cm))
    tbl = table._tbl
    tbl_pr = tbl.tblPr
    for tag in ("tblStyle", "tblW", "tblLook", "tblLayout", "tblBorders", "tblCellMar", "jc"):
        remove_children(tbl_pr, tag)
    total = sum(widths_cm)
    tbl_pr.append(w_el("tblW", w=twips(total), type="dxa"))
    tbl_pr.append(w_el("jc", val=align))
    tbl_pr.append(borders_el("tblBorders", borders or {
        side: None for side in ("top", "left", "bottom", "right", "insideH", "insideV")}))
    tbl_pr.append(w_el("tblLayout", type="fixed"))
    mar = w_el("tblCellMar")
    top, left, bottom, right = margins_cm
    mar.append(w_el("top", w=twips(top), type="dxa"))
    mar.append(w_el("left", w=twips(left), type="dxa"))
    mar.append(w_el("bottom", w=twips(bottom), type="dxa"))
    mar.append(w_el("right", w=twips(right), type="dxa"))
    tbl_pr.append(mar)
    tbl_pr.append(w_el("tblLook", val="0000", firstRow=0, lastRow=0, firstColumn=0,
                       lastColumn=0, noHBand=1, noVBand=1))
    grid = tbl.tblGrid
    for i, col in enumerate(grid.findall(qn("w:gridCol"))):
        col.set(qn("w:w"), str(twips(widths_cm[i])))
    for row in table.rows:
        for i, cell in enumerate(row.cells):
            cell.width = Cm(widths_cm[i])
    return table


def nested_cell_cleanup(cell) -> None:
    """A cell holding a nested table: drop the empty paragraph before the table, and make the
    paragraph python-docx adds after it (Word requires one) tiny."""
    tc = cell._tc
    first = tc.find(qn("w:p"))
    if first is not None and tc.index(first) < tc.index(tc.find(qn("w:tbl"))):
        tc.remove(first)
    set_style(cell.paragraphs[-1], "Tiny")


def row_props(row, *, header: bool = False, cant_split: bool = True) -> None:
    tr_pr = row._tr.get_or_add_trPr()
    if cant_split:
        tr_pr.append(w_el("cantSplit"))
    if header:
        tr_pr.append(w_el("tblHeader"))


def cell_fill(cell, fill: str) -> None:
    tc_pr = cell._tc.get_or_add_tcPr()
    set_child(tc_pr, w_el("shd", val="clear", color="auto", fill=fill),
              order=("tcW", "gridSpan", "vMerge", "tcBorders", "shd", "noWrap", "tcMar",
                     "vAlign"))


def cell_borders(cell, spec) -> None:
    tc_pr = cell._tc.get_or_add_tcPr()
    set_child(tc_pr, borders_el("tcBorders", spec),
              order=("tcW", "gridSpan", "vMerge", "tcBorders", "shd", "noWrap", "tcMar",
                     "vAlign"))


def cell_valign(cell, val: str) -> None:
    tc_pr = cell._tc.get_or_add_tcPr()
    set_child(tc_pr, w_el("vAlign", val=val),
              order=("tcW", "gridSpan", "vMerge", "tcBorders", "shd", "noWrap", "tcMar",
                     "vAlign"))


def cell_margins(cell, top=None, left=None, bottom=None, right=None) -> None:
    tc_pr = cell._tc.get_or_add_tcPr()
    mar = w_el("tcMar")
    for side, value in (("top", top), ("left", left), ("bottom", bottom), ("right", right)):
        if value is not None:
            mar.append(w_el(side, w=twips(value), type="dxa"))
    set_child(tc_pr, mar, order=("tcW", "gridSpan", "vMerge", "tcBorders", "shd", "noWrap",
                                 "tcMar", "vAlign"))


RIGHT = WD_ALIGN_PARAGRAPH.RIGHT
CENTER = WD_ALIGN_PARAGRAPH.CENTER

# Horizontal rules only, the usual look of a French quote / invoice table.
LINE_TABLE_BORDERS = {
    "top": ("single", 6, RULE), "bottom": ("single", 6, RULE),
    "insideH": ("single", 2, LIGHT_RULE), "left": None, "right": None, "insideV": None,
}


def loop_table(container, widths, headers, aligns, cells, loop_tag, *, align="left"):
    """A table with a repeated header row and one ``{%tr for %}`` data row.

    headers: label tags for the header row; cells: the data cell texts (tags).
    """
    table = make_table(container, rows=4, widths_cm=widths, align=align,
                       borders=LINE_TABLE_BORDERS)
    head, start, data, end = table.rows
    row_props(head, header=True)
    for i, text in enumerate(headers):
        cell = head.cells[i]
        cell_fill(cell, HEAD_FILL)
        cell_valign(cell, "bottom")
        para(cell, text, style="TableHeading", align=aligns[i])
    para(start.cells[0], loop_tag, style="TableText")
    row_props(data)
    for i, text in enumerate(cells):
        para(data.cells[i], *(text if isinstance(text, tuple) else (text,)),
             style="TableText", align=aligns[i])
    para(end.cells[0], "{%tr endfor %}", style="TableText")
    return table


# --------------------------------------------------------------------------------------------
# The document parts
# --------------------------------------------------------------------------------------------

def setup_page(doc) -> None:
    section = doc.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width = Cm(21.0)
    section.page_height = Cm(29.7)
    section.left_margin = Cm(2.0)
    section.right_margin = Cm(2.0)
    section.top_margin = Cm(3.2)
    section.bottom_margin = Cm(2.2)
    section.header_distance = Cm(1.0)
    section.footer_distance = Cm(1.0)


def build_header_footer(doc) -> None:
    section = doc.sections[0]
    header = section.header
    header.is_linked_to_previous = False
    p = header.paragraphs[0]
    set_style(p, "Header")
    add_runs(p, ("{{ provider.display_name }}", {"bold": True, "size": 11, "color": ACCENT}))
    para(header, "{{ provider.address }}", style="Header")
    tag_para(header, "{%p if provider.email or provider.phone %}", style="Header")
    para(header, "{% if provider.email %}{{ provider.email }}{% endif %}"
                 "{% if provider.email and provider.phone %}  ·  {% endif %}"
                 "{% if provider.phone %}{{ provider.phone }}{% endif %}", style="Header")
    tag_para(header, "{%p endif %}", style="Header")
    last = para(header, ("{{ provider.identity }}", {"size": 8}), style="Header")
    ppr = last._p.get_or_add_pPr()
    pbdr = w_el("pBdr")
    pbdr.append(w_el("bottom", val="single", sz=4, space=4, color=RULE))
    ppr.insert(1, pbdr)

    footer = section.footer
    footer.is_linked_to_previous = False
    p = footer.paragraphs[0]
    set_style(p, "Footer")
    ppr = p._p.get_or_add_pPr()
    pbdr = w_el("pBdr")
    pbdr.append(w_el("top", val="single", sz=4, space=4, color=RULE))
    ppr.insert(1, pbdr)
    add_runs(p, "{{ document.number }}", "  ·  ", "{{ provider.display_name }}", "\t",
             "{{ labels.page }} ")
    field_run(p, "PAGE", "1")
    add_runs(p, " / ")
    field_run(p, "NUMPAGES", "1")


def build_title(doc, kind: str) -> None:
    para(doc, "{{ document.title }}", style="Title")
    para(doc, ("{{ labels.number }} {{ document.number }}", {"bold": True}),
         "     ", "{{ labels.date }}{{ labels.colon }} {{ document.date }}", style="DocMeta")
    if kind == "quote":
        para(doc, "{{ labels.valid_until }} {{ document.valid_until }}", style="DocMeta")
        tag_para(doc, "{%p if document.free_of_charge %}", style="DocMeta")
        para(doc, "{{ labels.quote_free }}", style="DocMeta")
        tag_para(doc, "{%p elif document.quote_price %}", style="DocMeta")
        para(doc, "{{ labels.quote_paid }}{{ labels.colon }} {{ document.quote_price }}",
             style="DocMeta")
        tag_para(doc, "{%p endif %}", style="DocMeta")
    # the fair box (C. conso. L224-60): at the head of the document
    tag_para(doc, "{{p head_notice }}")


def party_cell(cell, who: str, heading_label: str) -> None:
    x = who
    para(cell, "{{ labels.%s }}" % heading_label, style="Caption")
    para(cell, ("{{ %s.display_name }}" % x, {"bold": True, "size": 10.5}), style="PartyText",
         after=2)
    para(cell, "{{ %s.address }}" % x, style="PartyText")
    tag_para(cell, "{%%p if %s.legal_form %%}" % x, style="PartyText")
    para(cell, "{{ labels.legal_form }}{{ labels.colon }} {{ %s.legal_form }}"
               "{%% if %s.capital %%}, {{ labels.capital_of }} {{ %s.capital }}{%% endif %%}"
         % (x, x, x), style="PartyText")
    tag_para(cell, "{%p endif %}", style="PartyText")
    for key in ("siren", "siret", "registry", "vat_number"):
        tag_para(cell, "{%%p if %s.%s %%}" % (x, key), style="PartyText")
        para(cell, "{{ labels.%s }}{{ labels.colon }} {{ %s.%s }}" % (key, x, key),
             style="PartyText")
        tag_para(cell, "{%p endif %}", style="PartyText")
    tag_para(cell, "{%%p if %s.email or %s.phone %%}" % (x, x), style="PartyText")
    para(cell, "{%% if %s.email %%}{{ %s.email }}{%% endif %%}"
               "{%% if %s.email and %s.phone %%}  ·  {%% endif %%}"
               "{%% if %s.phone %%}{{ %s.phone }}{%% endif %%}" % (x, x, x, x, x, x),
         style="PartyText")
    tag_para(cell, "{%p endif %}", style="PartyText")
    cond = "%s.signatory" % x if who == "provider" else \
        "client.kind == 'business' and client.signatory"
    tag_para(cell, "{%%p if %s %%}" % cond, style="PartyText")
    para(cell, "{{ labels.signatory }}{{ labels.colon }} {{ %s.signatory.name }}"
               "{%% if %s.signatory.title %%}, {{ %s.signatory.title }}{%% endif %%}"
         % (x, x, x), style="PartyText", before=3)
    tag_para(cell, "{%p endif %}", style="PartyText")


def build_parties(doc, kind: str) -> None:
    if kind == "contract":
        para(doc, "{{ labels.between_parties }}", style="Heading1")
    else:
        para(doc, "", style="Tiny", after=6)
    table = make_table(doc, rows=1, widths_cm=[8.1, 0.8, 8.1], margins_cm=(0.15, 0.25, 0.15, 0.25))
    row = table.rows[0]
    row_props(row)
    box = {side: ("single", 4, RULE) for side in ("top", "left", "bottom", "right")}
    for idx, (who, label) in ((0, ("provider", "provider_heading")),
                              (2, ("client", "client_heading"))):
        cell = row.cells[idx]
        cell_borders(cell, box)
        party_cell(cell, who, label)
    para(row.cells[1], "", style="TableText")
    if kind == "contract":
        para(doc, "{{ labels.contract_preamble }}", style="Normal", before=10,
             keep_next=True)


def build_object(doc) -> None:
    """Quotes: the object (document.object) above the items, heading included; nothing
    when there is none. (A contract prints it as its first article.)"""
    tag_para(doc, "{{p object }}")


def build_items(doc) -> None:
    para(doc, "{{ labels.items_heading }}", style="Heading1")
    # without VAT (franchise en base) the table has no VAT column
    tag_para(doc, "{%p if vat.show_rates %}", style="TableText")
    items_table(doc, with_vat=True)
    tag_para(doc, "{%p else %}", style="TableText")
    items_table(doc, with_vat=False)
    tag_para(doc, "{%p endif %}", style="TableText")


def items_table(doc, with_vat: bool) -> None:
    widths = [5.2, 1.2, 2.0, 2.4, 1.4, 1.9, 2.9]
    headers = ["{{ labels.description }}", "{{ labels.quantity }}", "{{ labels.unit }}",
               "{{ labels.unit_price }}", "{{ labels.vat_rate }}", "{{ labels.discount }}",
               "{{ labels.total_ht }}"]
    aligns = [None, RIGHT, None, RIGHT, RIGHT, RIGHT, RIGHT]
    cells = ["{{ item.description }}", "{{ item.quantity }}",
             "{% if item.unit %}{{ item.unit }}{% endif %}", "{{ item.unit_price }}",
             "{{ item.vat_rate }}", "{% if item.discount %}{{ item.discount }}{% endif %}",
             "{{ item.total_ht }}"]
    if not with_vat:
        del headers[4], aligns[4], cells[4]
        widths = [6.6, *widths[1:4], *widths[5:]]
    loop_table(doc, widths, headers, aligns, cells, "{%tr for item in items %}")


def build_totals(doc) -> None:
    """VAT breakdown (left) and totals (right), side by side, kept on one page; without
    VAT, the total alone; then the VAT mention (franchise, reverse charge, exemption)."""
    para(doc, "", style="Tiny", after=8)
    tag_para(doc, "{%p if vat.show_rates %}", style="Tiny")
    outer = make_table(doc, rows=1, widths_cm=[9.0, 8.0], margins_cm=(0, 0, 0, 0))
    row = outer.rows[0]
    row_props(row)
    left, right = row.cells

    # Left: VAT breakdown per rate.
    vat = make_table(left, rows=4, widths_cm=[2.4, 2.9, 2.9], align="left",
                     borders=LINE_TABLE_BORDERS)
    head, start, data, end = vat.rows
    row_props(head, header=True)
    for i, text in enumerate(["{{ labels.vat_rate_col }}", "{{ labels.vat_base }}",
                              "{{ labels.vat_amount }}"]):
        cell_fill(head.cells[i], HEAD_FILL)
        para(head.cells[i], text, style="TableHeading", align=RIGHT if i else None)
    para(start.cells[0], "{%tr for line in vat_lines %}", style="TableText")
    row_props(data)
    for i, text in enumerate(["{{ line.rate }}", "{{ line.base }}", "{{ line.amount }}"]):
        para(data.cells[i], text, style="TableText", align=RIGHT if i else None)
    para(end.cells[0], "{%tr endfor %}", style="TableText")
    nested_cell_cleanup(left)

    # Right: totals HT / TVA / TTC.
    totals = make_table(right, rows=3, widths_cm=[4.3, 3.2], align="right",
                        borders={"top": ("single", 6, RULE), "bottom": ("single", 6, RULE),
                                 "insideH": ("single", 2, LIGHT_RULE), "left": None,
                                 "right": None, "insideV": None},
                        margins_cm=(0.08, 0.15, 0.08, 0.15))
    rows = [("{{ labels.total_ht }}", "{{ totals.ht }}", False),
            ("{{ labels.total_vat }}", "{{ totals.vat }}", False),
            ("{{ labels.total_ttc }}", "{{ totals.ttc }}", True)]
    for r, (label, value, strong) in zip(totals.rows, rows):
        row_props(r)
        size = 10.5 if strong else 9.5
        para(r.cells[0], (label, {"bold": strong, "size": size}), style="TableText")
        para(r.cells[1], (value, {"bold": strong, "size": size}), style="TableText",
             align=RIGHT)
        if strong:
            cell_fill(r.cells[0], TOTAL_FILL)
            cell_fill(r.cells[1], TOTAL_FILL)
    nested_cell_cleanup(right)
    tag_para(doc, "{%p else %}", style="Field")
    para(doc, ("{{ labels.total_ttc }}{{ labels.colon }} {{ totals.ttc }}",
               {"bold": True, "size": 10.5}), style="Field", align=RIGHT)
    tag_para(doc, "{%p endif %}", style="Field")
    tag_para(doc, "{%p if vat.mention %}", style="Field")
    para(doc, ("{{ vat.mention }}", {"bold": True}), style="Field", before=4)
    tag_para(doc, "{%p endif %}", style="Field")
    tag_para(doc, "{%p if vat.on_debits %}", style="Field")
    para(doc, "{{ vat.on_debits }}", style="Field")
    tag_para(doc, "{%p endif %}", style="Field")

    para(doc, ("{{ labels.ttc_in_words }}{{ labels.colon }} ", {"bold": True}),
         ("{{ totals.ttc_words }}", {"italic": True}), style="Field", before=8)


def build_schedule(doc) -> None:
    para(doc, "{{ labels.schedule_heading }}", style="Heading1")
    widths = [1.1, 6.2, 5.0, 1.6, 3.1]
    headers = ["{{ labels.schedule_number }}", "{{ labels.schedule_label }}",
               "{{ labels.schedule_due }}", "{{ labels.schedule_percent }}",
               "{{ labels.schedule_amount }}"]
    aligns = [None, None, None, RIGHT, RIGHT]
    cells = ["{{ tranche.number }}", "{{ tranche.label }}", "{{ tranche.due }}",
             "{{ tranche.percent }}", "{{ tranche.amount }}"]
    loop_table(doc, widths, headers, aligns, cells, "{%tr for tranche in schedule %}")


def labelled(doc, label_key: str, *value_parts) -> None:
    para(doc, ("{{ labels.%s }}{{ labels.colon }} " % label_key, {"bold": True}), *value_parts,
         style="Field")


def build_payment(doc) -> None:
    para(doc, "{{ labels.payment_heading }}", style="Heading1")
    labelled(doc, "payment_terms", "{{ payment.terms }}")
    labelled(doc, "payment_methods", "{{ payment.methods_text }}")
    tag_para(doc, "{%p if deposit %}", style="Field")
    labelled(doc, "deposit", "{{ deposit.amount }} ({{ deposit.percent }}) – {{ deposit.kind }}")
    tag_para(doc, "{%p endif %}", style="Field")
    tag_para(doc, "{%p if payment.escrow %}", style="Field")
    labelled(doc, "escrow", "{{ payment.escrow.holder }}, {{ labels.escrow_release }} "
                            "{{ payment.escrow.release }}")
    tag_para(doc, "{%p endif %}", style="Field")
    tag_para(doc, "{%p if payment.late_penalty_rate %}", style="Field")
    labelled(doc, "late_penalty_rate", "{{ payment.late_penalty_rate }}"
                                       "{% if payment.late_penalty_basis %} – "
                                       "{{ payment.late_penalty_basis }}{% endif %}")
    tag_para(doc, "{%p endif %}", style="Field")
    tag_para(doc, "{%p if payment.recovery_indemnity %}", style="Field")
    labelled(doc, "recovery_indemnity", "{{ payment.recovery_indemnity }}")
    tag_para(doc, "{%p endif %}", style="Field")
    tag_para(doc, "{%p if payment.early_payment_text %}", style="Field")
    labelled(doc, "early_payment", "{{ payment.early_payment_text }}")
    tag_para(doc, "{%p endif %}", style="Field")
    tag_para(doc, "{%p if payment.iban %}", style="Field")
    labelled(doc, "bank_details", "{{ labels.iban }} {{ payment.iban }}"
                                  "{% if payment.bic %}  ·  {{ labels.bic }} {{ payment.bic }}"
                                  "{% endif %}")
    tag_para(doc, "{%p endif %}", style="Field")


def build_mentions(doc) -> None:
    """Consumer information, insurance, legal guarantees (contratgen/data/mentions.yaml)."""
    tag_para(doc, "{%p if has_mentions %}")
    para(doc, "{{ mentions_heading }}", style="Heading1")
    tag_para(doc, "{%p endif %}")
    tag_para(doc, "{{p mentions }}")


def build_articles(doc, kind: str) -> None:
    heading = "quote_terms_heading" if kind == "quote" else "contract_terms_heading"
    tag_para(doc, "{%p if articles %}")
    para(doc, "{{ labels.%s }}" % heading, style="Heading1")
    tag_para(doc, "{%p endif %}")
    tag_para(doc, "{{p articles }}")


def build_annexes(doc) -> None:
    tag_para(doc, "{%p if annexes %}")
    para(doc, "{{ labels.annexes_heading }}", style="Heading1")
    para(doc, "{{ labels.annexes_intro }}", style="Normal")
    tag_para(doc, "{%p for annex in annexes %}", style="ListBullet")
    para(doc, "{{ labels.annex }} {{ loop.index }} – {{ annex.title }}", style="ListBullet")
    tag_para(doc, "{%p endfor %}", style="ListBullet")
    tag_para(doc, "{%p endif %}")


def build_signatures(doc, kind: str) -> None:
    heading = "quote_acceptance_heading" if kind == "quote" else "signatures_heading"
    para(doc, "{{ labels.%s }}" % heading, style="Heading1")
    if kind == "contract":
        tag_para(doc, "{%p if document.copies %}", style="Normal")
        para(doc, "{{ labels.made_in }} {{ document.copies }} {{ labels.original_copies }}",
             style="Normal", keep_next=True, after=8)
        tag_para(doc, "{%p endif %}", style="Normal")

    # what the client signs apart (reduced-rate certification, early start), above the block
    tag_para(doc, "{{p client_statements }}")
    table = make_table(doc, rows=1, widths_cm=[8.5, 8.5], margins_cm=(0.05, 0.0, 0.05, 0.3))
    row = table.rows[0]
    row_props(row)
    # The client's column starts well right of the page centre: the PDF step tells the two
    # blocks apart by the side of the page their "Bon pour accord" line starts on.
    cell_margins(row.cells[1], left=0.7)
    # A business without a named signatory gets a line to fill, never its name as signer;
    # a consumer signs in person. The client's place and date are blank lines until
    # document.accepted records them (signature.client_place / client_date).
    sides = (
        ("sign_provider", "provider", "{{ document.place }}", "{{ document.date }}"),
        ("sign_client", "client", "{{ signature.client_place }}",
         "{{ signature.client_date }}"),
    )
    for cell, (role, who, place, date) in zip(row.cells, sides):
        para(cell, ("{{ labels.%s }}" % role, {"bold": True}), style="SignatureText", after=4)
        para(cell, "{{ labels.agreed }}", style="SignatureText")
        if who == "client":
            tag_para(cell, "{%p if client.kind == 'consumer' %}", style="SignatureText")
            para(cell, "{{ client.name }}", style="SignatureText")
            tag_para(cell, "{%p elif client.signatory.name %}", style="SignatureText")
        else:
            tag_para(cell, "{%p if provider.signatory.name %}", style="SignatureText")
        para(cell, "{{ %s.signatory.name }}{%% if %s.signatory.title %%}, "
                   "{{ %s.signatory.title }}{%% endif %%}" % (who, who, who),
             style="SignatureText")
        tag_para(cell, "{%p else %}", style="SignatureText")
        para(cell, "{{ labels.signatory_blank }} {{ signature.blank }}", style="SignatureText")
        tag_para(cell, "{%p endif %}", style="SignatureText")
        para(cell, "{{ labels.at_place }} %s, {{ labels.on_date }} %s" % (place, date),
             style="SignatureText")
        para(cell, ("{{ labels.signature }}", {"color": GREY}), style="SignatureText",
             before=4)
        # The empty signature area: one empty paragraph exactly 85 pt (3 cm) high.
        area = para(cell, "", style="SignatureText")
        spacing = area._p.get_or_add_pPr().find(qn("w:spacing"))
        if spacing is None:
            spacing = w_el("spacing")
            area._p.get_or_add_pPr().append(spacing)
        spacing.set(qn("w:before"), "0")
        spacing.set(qn("w:after"), "0")
        spacing.set(qn("w:line"), str(85 * 20))
        spacing.set(qn("w:lineRule"), "exact")
        area.paragraph_format.keep_with_next = False
        # The bookmark the PDF step places the signature field at (exported by LibreOffice
        # as a named destination): its top is the top of the empty area.
        bookmark(area, "%s_signature" % who, 1 if who == "provider" else 2)
    # Annex pages that clauses bring (the withdrawal form…), each on its own page after
    # the signatures; replaced by nothing when there is none.
    tag_para(doc, "{{p clause_annexes }}")
    # The body must end with a paragraph: make it tiny so it never adds a page.
    para(doc, "", style="Tiny")


# --------------------------------------------------------------------------------------------
# Package clean-up and reproducibility
# --------------------------------------------------------------------------------------------

def strip_package(doc) -> None:
    """Drop parts of python-docx's default template that a template does not need."""
    pkg = doc.part.package
    for rid, rel in list(pkg.rels.items()):
        if rel.reltype.endswith("/thumbnail"):
            del pkg.rels[rid]
    for rid, rel in list(doc.part.rels.items()):
        if rel.reltype.endswith("/stylesWithEffects") or rel.reltype.endswith("/customXml"):
            del doc.part.rels[rid]


# Styles contratgen itself writes into a document (the clause articles), kept even when
# the template does not use them.
RENDERER_STYLES = ("Normal", "Heading2", "ListBullet", "Notice", "NoticeBox", "FairNotice",
                   "StatementHeading", "Statement", "StatementSign")


def prune_styles(doc) -> None:
    """Keep only the styles the template uses (and those they are based on, link to or
    are followed by): python-docx's default set has ~170, mostly table styles, and
    LibreOffice spends a fifth of a conversion importing them."""
    styles_el = doc.styles.element
    used = set(RENDERER_STYLES)
    for part in doc.part.package.iter_parts():
        element = getattr(part, "_element", None)
        if element is None or element is styles_el:
            continue
        xml = etree.tostring(element).decode("utf-8")
        used |= set(re.findall(r'w:(?:pStyle|rStyle|tblStyle|numStyle) w:val="([^"]+)"', xml))
    by_id = {s.get(qn("w:styleId")): s for s in styles_el.findall(qn("w:style"))}
    used |= {sid for sid, s in by_id.items() if s.get(qn("w:default")) == "1"}
    todo = list(used)
    while todo:
        style = by_id.get(todo.pop())
        for tag in ("w:basedOn", "w:link", "w:next"):
            ref = style.find(qn(tag)) if style is not None else None
            if ref is not None and ref.get(qn("w:val")) not in used:
                used.add(ref.get(qn("w:val")))
                todo.append(ref.get(qn("w:val")))
    for sid, style in by_id.items():
        if sid not in used:
            styles_el.remove(style)
    latent = styles_el.find(qn("w:latentStyles"))
    if latent is not None:
        styles_el.remove(latent)


def set_properties(doc, kind: str) -> None:
    props = doc.core_properties
    props.author = "contratgen"
    props.last_modified_by = "contratgen"
    props.title = "contratgen %s template" % kind
    props.subject = ""
    props.comments = "Generated by tools/make_templates.py"
    props.keywords = ""
    props.category = ""
    props.revision = 1
    props.created = FIXED_DATE
    props.modified = FIXED_DATE


def reproducible_bytes(doc) -> bytes:
    raw = io.BytesIO()
    doc.save(raw)
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(raw.getvalue())) as src, \
            zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        names = src.namelist()
        # [Content_Types].xml first, as Office writes it.
        names.sort(key=lambda n: (n != "[Content_Types].xml", n))
        for name in names:
            data = src.read(name)
            if name == "[Content_Types].xml":
                data = re.sub(rb'<Default Extension="jpeg"[^>]*/>', b"", data)
            info = zipfile.ZipInfo(name, date_time=ZIP_DATE)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            dst.writestr(info, data)
    return out.getvalue()


# --------------------------------------------------------------------------------------------
# Labels check
# --------------------------------------------------------------------------------------------

def used_labels(data: bytes) -> set[str]:
    keys: set[str] = set()
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        for name in z.namelist():
            if name.startswith("word/") and name.endswith(".xml"):
                keys |= set(re.findall(r"labels\.([A-Za-z_][A-Za-z0-9_]*)",
                                       z.read(name).decode("utf-8")))
    return keys


def check_labels(used: set[str]) -> list[str]:
    try:
        import yaml
    except ImportError:  # pragma: no cover - PyYAML is a dependency of contratgen
        return ["PyYAML is not installed: labels not checked"]
    data = yaml.safe_load(LABELS_FILE.read_text(encoding="utf-8"))
    problems = []
    langs = sorted(data)
    if langs != ["en", "fr"]:
        problems.append(f"{LABELS_FILE}: expected languages en and fr, got {langs}")
    for lang in langs:
        missing = sorted(used - set(data[lang]))
        if missing:
            problems.append(f"{LABELS_FILE}: {lang}: missing keys {', '.join(missing)}")
    if set(data.get("fr", {})) != set(data.get("en", {})):
        diff = sorted(set(data.get("fr", {})) ^ set(data.get("en", {})))
        problems.append(f"{LABELS_FILE}: fr and en differ on keys {', '.join(diff)}")
    agreed = {lang: data[lang].get("agreed") for lang in langs}
    if agreed != {"en": "Agreed and accepted", "fr": "Bon pour accord"}:
        problems.append(f"{LABELS_FILE}: 'agreed' must be 'Bon pour accord' / "
                        f"'Agreed and accepted', got {agreed}")
    return problems


# --------------------------------------------------------------------------------------------

def build(kind: str) -> bytes:
    _USED_CELLS.clear()
    doc = Document()
    strip_package(doc)
    body = doc.element.body
    for p in list(body.findall(qn("w:p"))):
        body.remove(p)
    setup_styles(doc)
    setup_bullets(doc)
    setup_page(doc)
    set_properties(doc, kind)
    build_header_footer(doc)
    build_title(doc, kind)
    build_parties(doc, kind)
    if kind == "quote":
        build_object(doc)
    build_items(doc)
    build_totals(doc)
    build_schedule(doc)
    build_payment(doc)
    build_mentions(doc)
    build_articles(doc, kind)
    build_annexes(doc)
    build_signatures(doc, kind)
    prune_styles(doc)
    return reproducible_bytes(doc)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("-o", "--out", type=Path, default=ROOT / "templates",
                        help="output folder (default: templates/)")
    parser.add_argument("--check", action="store_true",
                        help="do not write; exit 1 if the files in --out differ")
    args = parser.parse_args(argv)

    status = 0
    all_used: set[str] = set()
    for kind in ("quote", "contract"):
        data = build(kind)
        all_used |= used_labels(data)
        target = args.out / f"{kind}.docx"
        if args.check:
            if not target.exists() or target.read_bytes() != data:
                print(f"{target}: not up to date (run tools/make_templates.py)",
                      file=sys.stderr)
                status = 1
        else:
            args.out.mkdir(parents=True, exist_ok=True)
            tmp = target.with_suffix(".docx.tmp")
            tmp.write_bytes(data)
            tmp.replace(target)
            print(f"wrote {target}")
    for problem in check_labels(all_used):
        print(problem, file=sys.stderr)
        status = 1
    return status


if __name__ == "__main__":
    sys.exit(main())
