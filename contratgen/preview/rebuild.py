"""One rebuild of the previewed document, and the latest result for the page to show.

A rebuild runs the ordinary pipeline (:func:`contratgen.pipeline.produce`: prepare,
render, convert on a warm :class:`contratgen.pdf.workers.Converter`, finalize), then draws the PDF's pages as PNG images with
PDFium (``pypdfium2``) and Pillow — in memory, about 0.1 s a page, where poppler's
``pdftoppm -png`` takes 0.6 s a page for the same pixels. It returns a new frozen
:class:`Snapshot`; a failed rebuild keeps the last good pages and summary and carries
the located diagnostics that stopped it.
"""
from __future__ import annotations

import datetime
import io
import struct
import threading
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Optional

from ..pipeline import Options, produce
from ..document import Prepared
from ..render.context import build_context
from ..diagnostics import Diagnostic, ExternalError, UserError
from ..library.loader import SHIPPED
from ..render.docx import SHIPPED_TEMPLATES
from .watch import fingerprint

DPI = 96                     # CSS's own: an A4 page is 794 × 1123 pixels, its real size
RENDER_HINT = "pip install pypdfium2 pillow"


@dataclass(frozen=True)
class Page:
    png: bytes
    width: int
    height: int


@dataclass(frozen=True)
class VatRow:
    rate: str
    base: str
    amount: str


@dataclass(frozen=True)
class ScheduleRow:
    number: int
    label: str
    percent: str
    amount: str
    due: str


@dataclass(frozen=True)
class Summary:
    """The figures of the document as it prints them (its language, its currency)."""

    number: str
    title: str
    language: str
    ht: str
    vat_lines: tuple[VatRow, ...]
    vat: str
    ttc: str
    schedule: tuple[ScheduleRow, ...]

    def as_dict(self) -> dict:
        return {"number": self.number, "title": self.title, "language": self.language,
                "ht": self.ht, "vat": self.vat, "ttc": self.ttc,
                "vat_lines": [vars(v) for v in self.vat_lines],
                "schedule": [vars(s) for s in self.schedule]}


@dataclass(frozen=True)
class Snapshot:
    """What the page shows after the latest rebuild."""

    generation: int                       # 1 for the first build, +1 for each rebuild
    ok: bool                              # the latest rebuild succeeded
    pages: tuple[Page, ...] = ()          # the last good pages
    pages_generation: int = 0             # the last good rebuild, of pages and summary
    summary: Optional[Summary] = None     # the last good figures
    diagnostics: tuple[Diagnostic, ...] = ()   # of the latest rebuild (errors or warnings)
    failure: str = ""                     # a problem with no location (LibreOffice failed)
    built_at: str = ""                    # local time of the latest rebuild, HH:MM:SS

    def as_dict(self) -> dict:
        return {"generation": self.generation, "ok": self.ok,
                "pages": len(self.pages), "pages_generation": self.pages_generation,
                "summary": self.summary.as_dict() if self.summary else None,
                "diagnostics": [d.as_dict() | {"text": str(d)} for d in self.diagnostics],
                "failure": self.failure, "built_at": self.built_at}


def summary_of(prepared: Prepared) -> Summary:
    context = build_context(prepared.client, prepared.computed, prepared.rates)
    totals, doc = context["totals"], context["document"]
    return Summary(
        number=doc["number"], title=doc["title"], language=doc["language"],
        ht=totals["ht"], vat=totals["vat"], ttc=totals["ttc"],
        vat_lines=tuple(VatRow(v["rate"], v["base"], v["amount"])
                        for v in context["vat_lines"]),
        schedule=tuple(ScheduleRow(t["number"], t["label"], t["percent"], t["amount"],
                                   t["due"]) for t in context["schedule"]))


def png_size(png: bytes) -> tuple[int, int]:
    """Width and height from a PNG's IHDR chunk (the first chunk, by the format)."""
    if png[:8] != b"\x89PNG\r\n\x1a\n" or png[12:16] != b"IHDR":
        raise ValueError("not a PNG file")
    return struct.unpack(">II", png[16:24])


def pdf_pages(pdf: bytes, dpi: int = DPI) -> tuple[Page, ...]:
    """Every page of a PDF as a PNG: PDFium (pypdfium2) draws it, Pillow encodes it, in
    memory (no temporary file, no process). Not thread-safe: PDFium is not; the
    :class:`Rebuilder` runs one rebuild at a time."""
    try:
        import pypdfium2
    except ImportError:
        raise ExternalError(f"the preview needs pypdfium2 and Pillow: {RENDER_HINT}") from None
    try:
        document = pypdfium2.PdfDocument(pdf)
    except pypdfium2.PdfiumError as exc:
        raise ExternalError(f"the PDF cannot be drawn: {exc}") from None
    pages = []
    try:
        for index in range(len(document)):
            page = document[index]
            try:
                image = page.render(scale=dpi / 72).to_pil()
            finally:
                page.close()
            out = io.BytesIO()
            image.save(out, "PNG", compress_level=1)   # 4 pages in well under a second
            png = out.getvalue()
            pages.append(Page(png, *png_size(png)))
    finally:
        document.close()
    return tuple(pages)


def _now() -> str:
    return datetime.datetime.now().strftime("%H:%M:%S")


class Rebuilder:
    """Rebuilds one input on demand; thread-safe (one rebuild at a time).

    ``converter`` is a :class:`contratgen.pdf.workers.Converter` kept warm by the caller, or None
    when LibreOffice is missing (then the page shows figures and diagnostics only)."""

    def __init__(self, path: Path, options: Options, converter, dpi: int = DPI,
                 missing_converter: str = ""):
        self.path = Path(path)
        self.options = options
        self.converter = converter
        self.dpi = dpi
        self.missing_converter = missing_converter
        self._lock = threading.Lock()
        self._snapshot = Snapshot(generation=0, ok=False)
        self._watched: tuple[Path, ...] = self._default_watched()
        self._seen: tuple = ()

    @property
    def snapshot(self) -> Snapshot:
        return self._snapshot

    @property
    def watched(self) -> tuple[Path, ...]:
        """The files and folders whose change calls for a rebuild: the input, the clause
        library folders and the template of the last good build (before one: the
        defaults the options point at)."""
        return self._watched

    def stale(self) -> bool:
        """Something watched changed since the latest rebuild started reading."""
        return fingerprint(self._watched) != self._seen

    def _default_watched(self) -> tuple[Path, ...]:
        templates = self.options.templates_dir or SHIPPED_TEMPLATES
        return tuple(dict.fromkeys([self.path, Path(SHIPPED), *self.options.library_dirs,
                                    Path(templates)]))

    def rebuild(self) -> Snapshot:
        with self._lock:
            previous = self._snapshot
            self._seen = fingerprint(self._watched)
            snapshot = self._attempt(replace(previous, generation=previous.generation + 1,
                                             built_at=_now()))
            self._snapshot = snapshot
            return snapshot

    def _follow(self, prepared: Prepared) -> None:
        """Watch what this build read: its library folders and its template."""
        watched = tuple(dict.fromkeys([self.path, *prepared.library.dirs, prepared.template]))
        if watched != self._watched:   # what was read before keeps its old stamp
            seen = {entry[0]: entry for entry in self._seen}
            self._seen = tuple(seen.get(e[0], e) for e in fingerprint(watched))
            self._watched = watched

    def _attempt(self, base: Snapshot) -> Snapshot:
        formats = ("pdf",) if self.converter is not None else ()
        try:
            outputs = produce(self.path, formats, self.options, self.converter)
            self._follow(outputs.prepared)
            summary = summary_of(outputs.prepared)
            pages = pdf_pages(outputs.files["pdf"], self.dpi) if formats else ()
        except UserError as exc:
            return replace(base, ok=False, diagnostics=exc.diagnostics, failure="")
        except ExternalError as exc:
            return replace(base, ok=False, diagnostics=(), failure=str(exc))
        except OSError as exc:   # the file vanished between the save and the read
            return replace(base, ok=False, diagnostics=(),
                           failure=f"{exc.filename or self.path}: {exc.strerror or exc}")
        except Exception as exc:  # noqa: BLE001 - a bug must not end a live session
            return replace(base, ok=False, diagnostics=(), failure=f"internal error, please "
                           f"report it: {exc.__class__.__name__}: {exc}")
        return replace(base, ok=True, pages=pages, pages_generation=base.generation,
                       summary=summary, diagnostics=outputs.prepared.diagnostics,
                       failure="" if formats else self.missing_converter)
