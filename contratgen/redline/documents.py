"""The diff command's path through the pipeline: each side prepared and rendered in
memory (or read from a DOCX), compared, and summed up.

A side is a client.yaml (built with :func:`contratgen.pipeline.prepare` and
:func:`contratgen.pipeline.render_document` under its own options, e.g. another clause
library) or a DOCX file. Amounts are compared only when both sides come from a
client.yaml: a DOCX does not keep its numbers apart from its text.
"""
from __future__ import annotations

import datetime
import os
import stat
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Optional

from ..pipeline import Options, prepare, render_document
from ..document import Prepared
from ..output import safe_name
from ..diagnostics import ERROR, Diagnostic, UserError
from ..domain.formatting import money
from ..render.docx import read_properties
from ..render.template_guard import TemplateRefused, read_regular_file
from . import NotADocx, Redline, SectionChange, compare
from .ooxml import MAX_PACKAGE, Package


@dataclass(frozen=True)
class Version:
    """One side of a diff."""

    path: Path
    docx: bytes
    number: str                      # the document number (for the output name)
    date: Optional[datetime.date]    # the document's date
    prepared: Optional[Prepared] = None


@dataclass(frozen=True)
class AmountChange:
    label: str                       # "total HT", "tranche 2 (Livraison partielle)"…
    old: Optional[Decimal]
    new: Optional[Decimal]


@dataclass(frozen=True)
class Diff:
    old: Version
    new: Version
    redline: Redline
    amounts: tuple[AmountChange, ...]

    @property
    def changed(self) -> bool:
        return self.redline.changed or bool(self.amounts)

    @property
    def output_name(self) -> str:
        return f"{safe_name(self.new.number)}-diff.docx"


def is_docx(path: Path) -> bool:
    return Path(path).suffix.lower() == ".docx"


def load_version(path: Path, options: Options = Options()) -> Version:
    """A client.yaml prepared and rendered, or a DOCX read; a located UserError if not."""
    path = Path(path)
    if not is_docx(path):
        _refuse_special(path)
        prepared = prepare(path, options)
        doc = prepared.client.document
        return Version(path, render_document(prepared), doc.number, doc.date, prepared)
    try:   # a regular file, bounded: a FIFO would block, /dev/zero fill the memory
        data = read_regular_file(path, MAX_PACKAGE, "DOCX")
        package = Package.read(data)
        package.document()   # well-formed, or said now, about this file
        number = _number(data) or path.stem
    except TemplateRefused as exc:
        raise UserError([_error(path, exc.reason, exc.code)]) from None
    except NotADocx as exc:
        raise UserError([_error(path, str(exc), exc.code)]) from None
    return Version(path, data, number, package.created())


def _refuse_special(path: Path) -> None:
    """A client.yaml side must be a regular file too (a FIFO would block the build)."""
    try:
        mode = os.stat(path).st_mode
    except OSError:
        return   # missing or unreadable: the loader says so, located
    if not stat.S_ISREG(mode):
        raise UserError([_error(path, "not a regular file (a FIFO, a device or a folder): "
                                      "refused", "io.not-a-file")])


def _number(docx: bytes) -> Optional[str]:
    """The document number contratgen embedded, if any (a damaged property part is none)."""
    try:
        return read_properties(docx).get("contratgen.document")
    except (ValueError, SyntaxError, TemplateRefused):   # ParseError is a SyntaxError
        return None


def _error(path: Path, message: str, code: str = "diff.input") -> Diagnostic:
    return Diagnostic(str(path), 0, 0, ERROR, message, code)


def diff(old: Version, new: Version) -> Diff:
    """OLD → NEW: the redline (marks dated NEW's document date) and the amounts."""
    try:
        redline = compare(old.docx, new.docx, new.date)
    except NotADocx as exc:
        raise UserError([_error(new.path, str(exc), exc.code)]) from None
    amounts = ()
    if old.prepared is not None and new.prepared is not None:
        amounts = amount_changes(old.prepared, new.prepared)
    return Diff(old, new, redline, amounts)


def amount_changes(old: Prepared, new: Prepared) -> tuple[AmountChange, ...]:
    """Totals HT / TVA / TTC and each tranche, where they differ."""
    a, b = old.computed, new.computed
    pairs = [("total HT", a.total_ht, b.total_ht), ("TVA", a.total_vat, b.total_vat),
             ("total TTC", a.total_ttc, b.total_ttc)]
    for i in range(max(len(a.tranches), len(b.tranches))):
        ta = a.tranches[i] if i < len(a.tranches) else None
        tb = b.tranches[i] if i < len(b.tranches) else None
        label = f"tranche {i + 1} ({(tb or ta).label})"
        pairs.append((label, ta and ta.amount, tb and tb.amount))
    return tuple(AmountChange(label, x, y) for label, x, y in pairs if x != y)


# --- the text summary ------------------------------------------------------------------

def _section_line(change: SectionChange) -> str:
    what = "Article" if change.article else "Section"
    number = change.new_number or change.old_number
    title = f"{what} {number} – {change.title}" if change.article else \
        f"{what} {change.title or '(before the first heading)'}"
    if change.status == "renumbered":
        return f"  renumbered {what} {change.old_number} → {change.new_number} – {change.title}"
    return f"  {change.status:10} {title}"


def _amount(value: Optional[Decimal], result: "Diff") -> str:
    prepared = result.new.prepared
    if value is None:
        return "—"
    if prepared is None:
        return str(value)
    return money(value, prepared.lang, prepared.client.payment.currency)


def _head(result: Diff) -> str:
    paths = f"{result.new.path}" if result.old.path == result.new.path else \
        f"{result.old.path} → {result.new.path}"
    return f"{paths} ({result.new.number})"


def summary(result: Diff) -> str:
    """What changed, a line each: articles added, removed, changed; amounts changed."""
    head = _head(result)
    if not result.changed:
        return f"{head}: no change"
    lines = [f"{head}: {result.redline.revisions} revision"
             f"{'s' * (result.redline.revisions != 1)}"]
    lines += [_section_line(c) for c in result.redline.changes]
    lines += [f"  amount     {c.label}: {_amount(c.old, result)} → {_amount(c.new, result)}"
              for c in result.amounts]
    if result.redline.coarse:
        lines.append(f"  note       {result.redline.coarse} words, spaces and signs compared "
                     "window by window (passages too long and too different to align "
                     "exactly): the marks are right, maybe not the fewest")
    return "\n".join(lines)


def touched(result: Diff) -> str:
    """One line for the folder listing: the document and the articles it changes."""
    name = f"{result.new.path} ({result.new.number})"
    if not result.changed:
        return f"unchanged  {name}"
    parts = [f"{c.status} {c.title}" for c in result.redline.changes
             if c.article and c.status != "renumbered"]
    parts += [f"{c.label} {_amount(c.old, result)} → {_amount(c.new, result)}"
              for c in result.amounts]
    others = [c for c in result.redline.changes if not c.article]
    if others:
        parts.append(f"{len(others)} other section{'s' * (len(others) != 1)}")
    return f"changed    {name}: " + "; ".join(parts or ["renumbering only"])
