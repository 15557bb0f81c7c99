"""Two versions of one paragraph as one paragraph with word-level revision marks.

A paragraph made of plain runs (text, tabs, breaks) is cut into word, space and
punctuation tokens carrying their run's formatting, and the two token sequences are
compared with :mod:`difflib` (its work bounded: :mod:`.matching`). Deleted tokens come
back as OLD's runs inside ``w:del``, inserted ones as NEW's runs inside ``w:ins``; a token
whose formatting changed is deleted and inserted. A paragraph with anything else inside
(fields, hyperlinks, drawings) is replaced as a whole, still within one paragraph.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Sequence

from lxml import etree

from .matching import Matcher
from .ooxml import Revisions, XML_SPACE, clone, w

_TOKEN = re.compile(r"\w+|\s+|[^\w\s]")
_SKIPPED_IN_RUN = (w("rPr"), w("lastRenderedPageBreak"))


@dataclass(frozen=True)
class Token:
    kind: str          # "t" (text), "tab" or "br"
    text: str
    fmt: bytes         # the run's w:rPr, canonical (b"" for none)
    element: bytes = b""   # a w:br with its attributes


def fingerprint(element: etree._Element | None) -> bytes:
    """Canonical XML (exclusive C14N): equal for equal content whatever the nsmap."""
    if element is None:
        return b""
    return etree.tostring(element, method="c14n", exclusive=True)


def tokens(paragraph: etree._Element) -> tuple[Token, ...] | None:
    """The paragraph's tokens, or None when it holds more than plain runs."""
    out: list[Token] = []
    for child in paragraph:
        if child.tag == w("pPr"):
            continue
        if child.tag != w("r"):
            return None
        fmt = fingerprint(child.find(w("rPr")))
        for node in child:
            if node.tag in _SKIPPED_IN_RUN:
                continue
            if node.tag == w("t"):
                out.extend(Token("t", piece, fmt) for piece in _TOKEN.findall(node.text or ""))
            elif node.tag == w("tab"):
                out.append(Token("tab", "\t", fmt))
            elif node.tag == w("br"):
                out.append(Token("br", "\n", fmt, fingerprint(node)))
            else:
                return None
    return tuple(out)


def _runs(toks: Sequence[Token]) -> list[etree._Element]:
    """Tokens back into runs: one run for each stretch of one formatting (the text of a
    ``w:t`` joined once: adding to an element's text copies it, quadratic)."""
    runs: list[etree._Element] = []
    pending: list[str] = []          # the text of the run's open w:t
    last_fmt = None

    def close_text() -> None:
        if pending:
            text = etree.SubElement(runs[-1], w("t"))
            text.set(XML_SPACE, "preserve")
            text.text = "".join(pending)
            pending.clear()

    for token in toks:
        if token.fmt != last_fmt or not runs:
            close_text()
            run = etree.Element(w("r"))
            if token.fmt:
                run.append(etree.fromstring(token.fmt))
            runs.append(run)
            last_fmt = token.fmt
        if token.kind == "t":
            pending.append(token.text)
            continue
        close_text()
        if token.kind == "tab":
            etree.SubElement(runs[-1], w("tab"))
        else:
            runs[-1].append(etree.fromstring(token.element))
    close_text()
    return runs


def _opcodes(a: Sequence[Token], b: Sequence[Token],
             marks: Revisions) -> list[tuple[str, int, int, int, int]]:
    """difflib's opcodes (with bounded work: :mod:`.matching`), with the spaces alone
    between two changes taken into the change: "a b" → "x y" reads as one replacement,
    not three."""
    matcher = Matcher(a, b)
    marks.coarse += matcher.coarse
    ops = matcher.get_opcodes()
    merged: list[list] = []
    for index, (tag, i1, i2, j1, j2) in enumerate(ops):
        weak = (tag == "equal" and 0 < index < len(ops) - 1
                and all(t.kind == "t" and not t.text.strip() for t in a[i1:i2]))
        if merged and merged[-1][0] != "equal" and (tag != "equal" or weak):
            merged[-1][2], merged[-1][4] = i2, j2
            continue
        merged.append([tag, i1, i2, j1, j2])
    return [tuple(op) for op in merged]


def property_change(old: etree._Element, new: etree._Element, marks: Revisions) -> None:
    """A change of paragraph properties (style, alignment) as ``w:pPrChange``."""
    def props(p):
        ppr = p.find(w("pPr"))
        kept = [c for c in (ppr if ppr is not None else ())
                if c.tag not in (w("rPr"), w("sectPr"), w("pPrChange"))]
        return kept, b"".join(fingerprint(c) for c in kept)
    old_props, old_key = props(old)
    new_props, new_key = props(new)
    if old_key == new_key:
        return
    ppr = new.find(w("pPr"))
    if ppr is None:
        ppr = etree.Element(w("pPr"))
        new.insert(0, ppr)
    change = marks.mark("ins")
    change.tag = w("pPrChange")
    before = etree.SubElement(change, w("pPr"))
    before.extend(clone(c) for c in old_props)
    sect = ppr.find(w("sectPr"))
    (sect.addnext(change) if sect is not None else ppr.append(change))


def merged(old: etree._Element, new: etree._Element, marks: Revisions) -> etree._Element:
    """One paragraph that reads OLD when the marks are rejected and NEW when accepted."""
    a, b = tokens(old), tokens(new)
    if a is None or b is None:
        return _replaced(old, new, marks)
    out = clone(new)
    for child in [c for c in out if c.tag != w("pPr")]:
        out.remove(child)
    for tag, i1, i2, j1, j2 in _opcodes(a, b, marks):
        if tag == "equal":
            out.extend(_runs(b[j1:j2]))
            continue
        for kind, toks in (("del", a[i1:i2]), ("ins", b[j1:j2])):
            if toks:
                runs = _runs(toks)
                out.extend(runs)
                marks.wrap(kind, runs)
    property_change(old, out, marks)
    return out


def _replaced(old: etree._Element, new: etree._Element, marks: Revisions) -> etree._Element:
    out = clone(new)
    marks.mark_content(out, "ins")
    gone = clone(old)
    for mark in list(gone.iter(w("bookmarkStart"), w("bookmarkEnd"))):
        mark.getparent().remove(mark)
    marks.mark_content(gone, "del")
    position = 1 if len(out) and out[0].tag == w("pPr") else 0
    for child in [c for c in gone if c.tag != w("pPr")]:
        out.insert(position, child)
        position += 1
    property_change(old, out, marks)
    return out
