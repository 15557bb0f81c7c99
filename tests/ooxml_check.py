"""An ordering and structure check of WordprocessingML (ECMA-376 Part 1, transitional):
the child sequences Word's schema fixes for the properties we and our templates write,
and where paragraphs, runs, text and breaks may go. Word offers to "repair" a file
that breaks them; LibreOffice silently reads it. Returns problems, one a string."""
from __future__ import annotations

import io
import re
import zipfile

from lxml import etree

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"

_RPR = ("rStyle rFonts b bCs i iCs caps smallCaps strike dstrike outline shadow emboss "
        "imprint noProof snapToGrid vanish webHidden color spacing w kern position sz szCs "
        "highlight u effect bdr shd fitText vertAlign rtl cs em lang eastAsianLayout "
        "specVanish oMath").split()
SEQUENCES = {
    "pPr": ("pStyle keepNext keepLines pageBreakBefore framePr widowControl numPr "
            "suppressLineNumbers pBdr shd tabs suppressAutoHyphens kinsoku wordWrap "
            "overflowPunct topLinePunct autoSpaceDE autoSpaceDN bidi adjustRightInd "
            "snapToGrid spacing ind contextualSpacing mirrorIndents suppressOverlap jc "
            "textDirection textAlignment textboxTightWrap outlineLvl divId cnfStyle rPr "
            "sectPr pPrChange").split(),
    "rPr": ["ins", "del", "moveFrom", "moveTo", *_RPR, "rPrChange"],
    "tcPr": ("cnfStyle tcW gridSpan hMerge vMerge tcBorders shd noWrap tcMar textDirection "
             "tcFitText vAlign hideMark headers cellIns cellDel cellMerge tcPrChange").split(),
    "tblPr": ("tblStyle tblpPr tblOverlap bidiVisual tblStyleRowBandSize "
              "tblStyleColBandSize tblW jc tblCellSpacing tblInd tblBorders shd tblLayout "
              "tblCellMar tblLook tblCaption tblDescription tblPrChange").split(),
    "trPr": ("cnfStyle divId gridBefore gridAfter wBefore wAfter cantSplit trHeight "
             "tblHeader tblCellSpacing jc hidden ins del trPrChange").split(),
    "sectPr": ("headerReference footerReference footnotePr endnotePr type pgSz pgMar "
               "paperSrc pgBorders lnNumType pgNumType cols formProt vAlign noEndnote "
               "titlePg textDirection bidi rtlGutter docGrid printerSettings "
               "sectPrChange").split(),
}
_REPEATABLE = {"headerReference": "footerReference", "footerReference": "headerReference",
               "ins": None, "del": None}
_PART = re.compile(r"^word/(document|header\d*|footer\d*|footnotes|endnotes|styles)\.xml$")


def _local(element) -> str | None:
    if element is None:
        return None
    tag = element.tag
    if not isinstance(tag, str) or not tag.startswith("{" + W + "}"):
        return None
    return tag.split("}", 1)[1]


def _order(element, name: str, where: str) -> list[str]:
    sequence = SEQUENCES[name]
    problems, last = [], -1
    for child in element:
        local = _local(child)
        if local is None:
            continue
        if local not in sequence:
            problems.append(f"{where}: w:{local} is not allowed in w:{name}")
            continue
        rank = sequence.index(local)
        if name == "sectPr" and local in _REPEATABLE:
            rank = 0
        if rank < last or (rank == last and local not in _REPEATABLE):
            problems.append(f"{where}: w:{local} out of order in w:{name} "
                            f"(children: {[_local(c) for c in element]})")
        last = max(last, rank)
    return problems


def _structure(element, local: str, where: str) -> list[str]:
    children = [c for c in element if _local(c) is not None]
    names = [_local(c) for c in children]
    problems = []
    properties = {"p": "pPr", "r": "rPr", "tc": "tcPr", "tbl": "tblPr", "tr": "trPr"}
    if local in properties and properties[local] in names[1:]:
        problems.append(f"{where}: w:{properties[local]} must be the first child of w:{local}")
    if local == "t" and len(element):
        problems.append(f"{where}: w:t holds elements")
    parent = _local(element.getparent())
    if local in ("t", "br") and parent != "r" or local == "tab" and parent not in ("r", "tabs"):
        problems.append(f"{where}: w:{local} outside a run")
    if local == "p" and any(n in ("p", "tbl") for n in names):
        problems.append(f"{where}: a paragraph inside a paragraph")
    if local == "body" and "sectPr" in names[:-1]:
        problems.append(f"{where}: w:sectPr must end w:body")
    return problems


def check_part(xml: bytes, part: str) -> list[str]:
    root = etree.fromstring(xml, etree.XMLParser(resolve_entities=False))
    problems = []
    for element in root.iter():
        local = _local(element)
        if local is None:
            continue
        where = f"{part}:{element.sourceline}"
        if local in SEQUENCES:
            problems += _order(element, local, where)
        problems += _structure(element, local, where)
    return problems


def check_docx(data: bytes) -> list[str]:
    """Every problem of every WordprocessingML part of a DOCX."""
    problems = []
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        for name in package.namelist():
            if _PART.match(name):
                problems += check_part(package.read(name), name)
    return problems
