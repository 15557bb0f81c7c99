"""Align two document bodies, coarse to fine: sections, blocks, table rows, words.

contratgen renders each clause as an article: a ``Heading2`` paragraph "Article N –
Title" followed by its paragraphs. So a body is cut into sections at each heading, and
sections are matched by their title without the number: a removed clause is one
removed article (and the next articles renumbered), never a heading that seems to
change title. Within two matched sections, paragraphs and tables are matched by
content, then paragraphs word by word (:mod:`.words`) and tables row by row.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Callable, Optional, Sequence, TypeVar

from lxml import etree

from .matching import Matcher, close as _close
from .ooxml import Revisions, clone, text_of, w
from .words import fingerprint, merged, property_change

_ARTICLE = re.compile(r"^\S+ (\d+) – (.*)$", re.DOTALL)
_HEADING = re.compile(r"^(Heading|Titre)\d$")
LOOK_AHEAD = 64   # new blocks an old one may pair with, past the last pair
T = TypeVar("T")
Item = tuple[etree._Element, Optional[str]]   # an output block, and "ins"/"del" when whole


@dataclass(frozen=True)
class Section:
    """A heading and the blocks up to the next heading (the first has no heading)."""

    blocks: tuple[etree._Element, ...]
    title: str                 # the heading's text, without "Article N – "
    number: Optional[str]      # N for an article
    article: bool

    @property
    def key(self) -> tuple:
        return ("article" if self.article else "section", self.title)


@dataclass(frozen=True)
class SectionChange:
    status: str                # added | removed | changed | renumbered
    title: str
    article: bool
    old_number: Optional[str] = None
    new_number: Optional[str] = None


def _style(paragraph: etree._Element) -> str:
    style = paragraph.find(f"{w('pPr')}/{w('pStyle')}")
    return "" if style is None else style.get(w("val"), "")


def sections(body: etree._Element) -> list[Section]:
    """The body's blocks (all but the final w:sectPr) cut at each heading."""
    groups: list[list[etree._Element]] = [[]]
    for child in body:
        if child.tag == w("sectPr"):
            continue
        if child.tag == w("p") and _HEADING.match(_style(child)):
            groups.append([])
        groups[-1].append(child)
    return [_section(g) for g in groups if g]


def _section(blocks: list[etree._Element]) -> Section:
    first = blocks[0]
    if not (first.tag == w("p") and _HEADING.match(_style(first))):
        return Section(tuple(blocks), "", None, False)
    text = text_of(first).strip()
    article = _ARTICLE.match(text) if _style(first) == "Heading2" else None
    if article:
        return Section(tuple(blocks), article.group(2).strip(), article.group(1), True)
    return Section(tuple(blocks), text, None, False)


def align(old: Sequence[T], new: Sequence[T], key: Callable[[T], object],
          similar: Callable[[T, T], bool]) -> list[tuple[Optional[T], Optional[T]]]:
    """Pairs (old, new), (old, None) for a removal, (None, new) for an addition, in order.
    Equal keys pair first; within a changed stretch, an old item pairs with the next
    new item similar enough to it."""
    matcher = Matcher([key(x) for x in old], [key(x) for x in new])
    pairs: list[tuple[Optional[T], Optional[T]]] = []
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            pairs.extend(zip(old[i1:i2], new[j1:j2]))
        else:
            pairs.extend(_pair(old[i1:i2], new[j1:j2], similar))
    return pairs


def _pair(olds, news, similar):
    """Each old item with the next similar new one, looked for among the next
    :data:`LOOK_AHEAD` only: a long changed stretch costs a bounded work per item."""
    out, j = [], 0
    for item in olds:
        k = next((k for k in range(j, min(len(news), j + LOOK_AHEAD))
                  if similar(item, news[k])), None)
        if k is None:
            out.append((item, None))
            continue
        out.extend((None, n) for n in news[j:k])
        out.append((item, news[k]))
        j = k + 1
    out.extend((None, n) for n in news[j:])
    return out


def _similar_block(a: etree._Element, b: etree._Element) -> bool:
    if a.tag != b.tag or a.tag not in (w("p"), w("tbl")):
        return False
    return _close(text_of(a), text_of(b), 0.5 if a.tag == w("p") else 0.3)


def _similar_section(a: Section, b: Section) -> bool:
    words = lambda s: [x for b in s.blocks[1:] for x in text_of(b).split()]  # noqa: E731
    return a.article == b.article and _close(words(a), words(b), 0.6)


def whole(element: etree._Element, kind: str, marks: Revisions) -> Item:
    """A block inserted or deleted whole: its runs marked, its rows marked."""
    out = clone(element)
    marks.mark_content(out, kind)
    for row in out.iter(w("tr")):
        marks.mark_row(row, kind)
    return out, kind


def diff_blocks(old: Sequence[etree._Element], new: Sequence[etree._Element],
                marks: Revisions) -> list[Item]:
    items: list[Item] = []
    for a, b in align(old, new, fingerprint, _similar_block):
        if b is None:
            items.append(whole(a, "del", marks))
        elif a is None:
            items.append(whole(b, "ins", marks))
        elif fingerprint(a) == fingerprint(b):
            items.append((clone(b), None))
        elif a.tag == b.tag == w("p"):
            items.append((merged(a, b, marks), None))
        elif a.tag == b.tag == w("tbl"):
            items.append((diff_table(a, b, marks), None))
        else:
            items.extend([whole(a, "del", marks), whole(b, "ins", marks)])
    return items


def diff_table(old: etree._Element, new: etree._Element, marks: Revisions) -> etree._Element:
    """NEW's table (its properties and grid) with OLD's rows and NEW's rows aligned."""
    out = clone(new)
    for row in out.findall(w("tr")):
        out.remove(row)
    similar = lambda a, b: (len(a.findall(w("tc"))) == len(b.findall(w("tc")))  # noqa: E731
                            and _close(text_of(a), text_of(b), 0.3))
    for a, b in align(old.findall(w("tr")), new.findall(w("tr")), fingerprint, similar):
        if b is None or a is None:
            out.append(_whole_row(a if b is None else b, "del" if b is None else "ins", marks))
        elif fingerprint(a) == fingerprint(b):
            out.append(clone(b))
        elif len(a.findall(w("tc"))) != len(b.findall(w("tc"))):
            out.extend([_whole_row(a, "del", marks), _whole_row(b, "ins", marks)])
        else:
            out.append(_diff_row(a, b, marks))
    return out


def _whole_row(row: etree._Element, kind: str, marks: Revisions) -> etree._Element:
    out, _ = whole(row, kind, marks)
    return out


def _diff_row(old: etree._Element, new: etree._Element, marks: Revisions) -> etree._Element:
    out = clone(new)
    for cell_old, cell in zip(old.findall(w("tc")), out.findall(w("tc"))):
        content = [c for c in cell if c.tag != w("tcPr")]
        before = [c for c in cell_old if c.tag != w("tcPr")]
        for child in content:
            cell.remove(child)
        cell.extend(settle(diff_blocks(before, content, marks), marks))
    return out


def settle(items: Sequence[Item], marks: Revisions) -> list[etree._Element]:
    """Mark the paragraph marks of whole paragraphs, so that accepting or rejecting
    removes the paragraph itself. A removed mark joins its paragraph to the next one, and
    nothing joins a table or the end of a container: there, a run of whole paragraphs
    lends its marks to the paragraph before it, or, when it both deletes and inserts,
    ends with one paragraph holding the last of each."""
    out: list[Item] = []
    i = 0
    while i < len(items):
        j = i
        while j < len(items) and _whole_paragraph(items[j]):
            j += 1
        if j == i:
            out.append(items[i])
            i += 1
            continue
        closed = j < len(items) and items[j][0].tag == w("p")
        out.extend(_mark_run(list(items[i:j]), closed, out, marks))
        i = j
    return [element for element, _ in out]


def _whole_paragraph(item: Item) -> bool:
    return item[1] is not None and item[0].tag == w("p")


def _mark_run(run: list[Item], closed: bool, before: list[Item], marks: Revisions
              ) -> list[Item]:
    if not closed:
        run = _combine(run, marks)
    if closed or run[-1][1] is None:
        for element, kind in run:
            if kind is not None:
                marks.mark_paragraph(element, kind)
        return run
    # one kind only, and no paragraph after: each mark moves to the paragraph before;
    # with none before either (between two tables), each paragraph keeps its own
    lender = before[-1] if before and before[-1][1] is None and \
        before[-1][0].tag == w("p") else None
    targets = [lender] + run[:-1] if lender else run
    for target, (_, kind) in zip(targets, run):
        marks.mark_paragraph(target[0], kind)
    return run


def _combine(run: list[Item], marks: Revisions) -> list[Item]:
    """A run that deletes and inserts, as [deleted…, inserted…, one paragraph holding
    the last of each]. The order between a deleted and an inserted paragraph never
    shows: accepting keeps only one kind, rejecting only the other."""
    deleted = [e for e, k in run if k == "del"]
    inserted = [e for e, k in run if k == "ins"]
    if not (deleted and inserted):
        return run
    gone, kept = deleted[-1], inserted[-1]
    for mark in list(gone.iter(w("bookmarkStart"), w("bookmarkEnd"))):
        mark.getparent().remove(mark)
    position = 1 if len(kept) and kept[0].tag == w("pPr") else 0
    for child in [c for c in gone if c.tag != w("pPr")]:
        kept.insert(position, child)
        position += 1
    property_change(gone, kept, marks)
    return ([(e, "del") for e in deleted[:-1]] + [(e, "ins") for e in inserted[:-1]]
            + [(kept, None)])


def compare_sections(old: list[Section], new: list[Section], marks: Revisions
                     ) -> tuple[list[etree._Element], list[SectionChange]]:
    """The merged body blocks, and what happened to each section."""
    items: list[Item] = []
    changes: list[SectionChange] = []
    for a, b in align(old, new, lambda s: s.key, _similar_section):
        before = marks.count
        if b is None:
            items.extend(whole(x, "del", marks) for x in a.blocks)
        elif a is None:
            items.extend(whole(x, "ins", marks) for x in b.blocks)
        else:
            items.extend(diff_blocks(a.blocks, b.blocks, marks))
        if marks.count != before:
            changes.append(_change(a, b))
    return settle(items, marks), changes


def _change(a: Optional[Section], b: Optional[Section]) -> SectionChange:
    if a is None:
        return SectionChange("added", b.title, b.article, None, b.number)
    if b is None:
        return SectionChange("removed", a.title, a.article, a.number, None)
    same_body = [fingerprint(x) for x in a.blocks[1:]] == [fingerprint(x) for x in b.blocks[1:]]
    status = "renumbered" if same_body and a.title == b.title and a.number != b.number \
        else "changed"
    return SectionChange(status, b.title, b.article, a.number, b.number)
