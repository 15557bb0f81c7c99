"""The invoices of one input of ``contratgen batch --invoices``: an :class:`InvoiceJob` in,
a :class:`~contratgen.batch.jobs.Result` out, on the executors documents use.

Each input goes through the pipeline of ``contratgen invoice``
(:func:`contratgen.invoicing.pipeline.prepare_invoices` and
:func:`~contratgen.invoicing.pipeline.invoice_files`): every invoice of its ledger, or
none of them. An input whose ledger lists no invoice is skipped, not failed. The numbers
other inputs of the batch already use come with the job (``claimed``), so the pipeline's
own check reports a duplicate at the second input's ``invoicing.invoices[i].number``.
"""
from __future__ import annotations

import time
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Optional

from ..diagnostics import UserError
from ..invoicing.checks import CODE_NONE
from ..invoicing.pipeline import InvoiceSet, invoice_files, prepare_invoices
from ..output import safe_name
from .entry import Status
from .jobs import Job, Result, entry_for, guarded

NO_INVOICES = "no invoice to build: invoicing.invoices is empty or missing"


@dataclass(frozen=True)
class InvoiceJob(Job):
    """A job building every invoice of one input."""
    claimed: tuple[tuple[str, str], ...] = ()   # (output name, the input that has it first)
    key: Optional[str] = None                    # the input's key, computed by the batch

    def build(self, converter=None) -> Result:
        """Every invoice with a PDF/A converter; without one (a PDF made elsewhere) up to
        the DOCX of each."""
        def step() -> Result:
            invoice_set = _invoice_set(self)
            if invoice_set is None:
                return _skipped(self)
            here = converter is not None or "pdf" not in self.formats
            return _result(self, invoice_set, self.formats if here else ("docx",),
                           converter)
        return guarded(self, time.perf_counter(), step)

    def conversions(self, result: Result) -> dict[str, bytes]:
        return {number: result.files[f"{safe_name(number)}.docx"]
                for number in result.entry.invoices or ()}

    def finish(self, result: Result, pdfs: dict[str, bytes]) -> Result:
        """Every invoice again, its Factur-X PDF made from the PDF/A converted elsewhere."""
        def step() -> Result:
            invoice_set = _invoice_set(self)
            if invoice_set is None:  # the ledger was emptied while the PDFs were made
                return _skipped(self)
            return _result(self, invoice_set, self.formats, Converted(pdfs))
        return guarded(self, time.perf_counter(), step)


class Converted:
    """A stand-in PDF/A converter returning the PDFs converted by the batch's pool."""

    pdfa = True

    def __init__(self, pdfs: dict[str, bytes]):
        self.pdfs = pdfs

    def convert(self, docx: bytes, name: str = "document") -> bytes:
        return self.pdfs[name]


def _skipped(job: InvoiceJob) -> Result:
    return Result(job.index, replace(entry_for(job, Status.SKIPPED), reason=NO_INVOICES,
                                     invoices=()))


def _invoice_set(job: InvoiceJob) -> Optional[InvoiceSet]:
    """The input's invoices (as ``contratgen invoice`` makes them), or None when its
    ledger lists none; every other problem raises the input's :class:`UserError`."""
    try:
        return prepare_invoices(Path(job.path), job.options, dict(job.claimed))
    except UserError as exc:
        errors = [d for d in exc.diagnostics if d.is_error]
        if errors and all(d.code == CODE_NONE for d in errors):
            return None
        raise


def _result(job: InvoiceJob, invoice_set: InvoiceSet, formats: tuple[str, ...],
            converter) -> Result:
    """The files of every invoice (``<number>.<ext>`` → bytes) and the input's entry."""
    files: dict[str, bytes] = {}
    for invoice in invoice_set.invoices:
        made = invoice_files(invoice_set, invoice, formats, converter, job.options)
        stem = safe_name(invoice.number)
        files.update({f"{stem}.{ext}": data for ext, data in made.items()})
    entry = entry_for(job, Status.OK, invoice_set.diagnostics, invoice_set.prepared)
    return Result(job.index, replace(entry, key=job.key, invoices=tuple(
        invoice.number for invoice in invoice_set.invoices)), files)
