"""One document of a batch: a :class:`Job` in, a :class:`Result` out (runs in a worker).

A job says how it is built (:meth:`Job.build`), what its PDF needs converted by the
shared LibreOffice pool (:meth:`Job.conversions`) and how it is finished then
(:meth:`Job.finish`); the executors call only these, through :func:`run_job` and
:func:`finish_job`, so a batch of invoices (:mod:`contratgen.batch.invoice_jobs`) runs
on the same executors.

A step never raises for a user's mistake, a LibreOffice failure or a bug: each becomes
this input's error in the manifest, never the batch's.
"""
from __future__ import annotations

import time
import traceback
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Callable

from ..pipeline import Options, PdfPlan, convert, finalize, pdf_plan, prepare, render_document
from ..diagnostics import ERROR, Diagnostic, ExternalError, UserError
from .entry import Entry, Status
from .inputs import input_key


@dataclass(frozen=True)
class Job:
    index: int
    path: str                 # absolute: workers may run elsewhere
    display: str              # the name in diagnostics and the manifest
    formats: tuple[str, ...]
    pdfa: bool
    options: Options

    def build(self, converter=None) -> "Result":
        """The whole document with a converter; without one, up to the DOCX."""
        return build_job(self, converter)

    def conversions(self, result: "Result") -> dict[str, bytes]:
        """What the caller converts to PDF for :meth:`finish`: label → DOCX."""
        return {result.entry.document or self.display: result.files["docx"]}

    def finish(self, result: "Result", pdfs: dict[str, bytes]) -> "Result":
        """The result with its PDF, from the conversions done elsewhere."""
        return finish_pdf(self, result, pdfs[result.entry.document or self.display])


def run_job(job: Job, converter=None) -> "Result":
    """The pool's task: a job built (documents and invoices alike)."""
    return job.build(converter)


def finish_job(job: Job, result: "Result", pdfs: dict[str, bytes]) -> "Result":
    """The pool's second task: a job finished from the PDFs the parent converted."""
    return job.finish(result, pdfs)


@dataclass
class Result:
    index: int
    entry: Entry                                           # the manifest entry, minus outputs
    files: dict[str, bytes] = field(default_factory=dict)  # extension → bytes
    seconds: float = 0.0
    external: bool = False                                 # LibreOffice failed, not the input
    plan: PdfPlan | None = None                            # how to finalize its PDF, if asked

    @property
    def ok(self) -> bool:
        return self.entry.ok


def _relabel(diagnostics, job: Job) -> tuple[Diagnostic, ...]:
    """The input named as the user wrote it (workers see it absolute)."""
    return tuple(replace(d, file=job.display) if d.file == job.path else d
                 for d in diagnostics)


def entry_for(job: Job, status: Status, diagnostics=(), prepared=None) -> Entry:
    if prepared is None:
        return Entry(job.display, status, diagnostics=_relabel(diagnostics, job))
    provenance = prepared.provenance()
    return Entry(job.display, status, document=provenance["document"],
                 type=provenance["type"], input_sha256=prepared.input_sha256,
                 key=input_key(Path(job.path), prepared.source, prepared.input_sha256,
                               job.options, job.formats, job.pdfa, prepared.client),
                 clauses=tuple(provenance["clauses"]),
                 diagnostics=_relabel(diagnostics, job))


def guarded(job: Job, started: float, step: Callable[[], Result]) -> Result:
    """Run one step; a user's mistake, a LibreOffice failure or a bug becomes this input's
    error, never the batch's."""
    try:
        result = step()
    except UserError as exc:
        result = Result(job.index, entry_for(job, Status.ERROR, exc.diagnostics))
    except ExternalError as exc:
        diag = Diagnostic(job.display, 0, 0, ERROR, str(exc),
                          getattr(exc, "code", "pdf.conversion"))
        result = Result(job.index, entry_for(job, Status.ERROR, [diag]), external=True)
    except Exception as exc:  # a bug: report it against this input, keep the batch going
        where = traceback.extract_tb(exc.__traceback__)[-1]
        diag = Diagnostic(job.display, 0, 0, ERROR, f"internal error: {type(exc).__name__}: "
                          f"{exc} (at {Path(where.filename).name}:{where.lineno})", "internal")
        result = Result(job.index, entry_for(job, Status.ERROR, [diag]))
    result.seconds = time.perf_counter() - started
    return result


def build_job(job: Job, converter=None) -> Result:
    """prepare → render → (convert → finalize) for one input. Without a converter it stops
    after the DOCX and the PDF's plan (the caller converts, then calls :func:`finish_pdf`):
    the input is read and prepared once either way."""
    def step() -> Result:
        prepared = prepare(Path(job.path), job.options)
        files = {"docx": render_document(prepared)}
        plan = pdf_plan(prepared, job.pdfa) if "pdf" in job.formats else None
        if plan is not None and converter is not None:
            files["pdf"] = finalize(plan, convert(converter, files["docx"], plan))
            plan = None
        return Result(job.index, entry_for(job, Status.OK, prepared.diagnostics, prepared), files,
                      plan=plan)
    return guarded(job, time.perf_counter(), step)


def finish_pdf(job: Job, result: Result, raw_pdf: bytes) -> Result:
    """Finalize a PDF converted by the parent (signature fields, metadata, annexes), from
    the plan made when the document was prepared: the input is not read again."""
    def step() -> Result:
        if result.plan is None:
            raise RuntimeError("a PDF asked without its plan")
        pdf = finalize(result.plan, raw_pdf)
        return Result(job.index, result.entry, {"docx": result.files["docx"], "pdf": pdf})
    return guarded(job, time.perf_counter(), step)


def conversion_failed(job: Job, result: Result, exc: Exception) -> Result:
    diag = Diagnostic(job.display, 0, 0, ERROR, f"PDF conversion failed: {exc}",
                      "pdf.conversion")
    return Result(job.index, result.entry.failed(diag), seconds=result.seconds,
                  external=True)
