"""The path of ``contratgen invoice`` through the stages: prepare the contract as ``build``
does (validate, compute, legal checks), check the ledger, plan the invoices, then for
each one render the DOCX, convert it, embed the CII XML (Factur-X), write atomically.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Mapping, Optional, Sequence

from ..pipeline import Options, prepare
from ..output import write_files
from ..document import Prepared
from ..output import safe_name
from ..diagnostics import ERROR, WARNING, Diagnostic, UserError, has_errors
from .checks import check_batch_numbers, check_present
from .credit import check_credit_amounts, credit_notes
from .mentions import in_french_scope, with_mentions
from .plan import Invoice, plan, terms_for
from .situation import has_situations, situation_invoices, with_retention
from .texts import advance_text, credit_text, situation_line_text
from .validation import FACTURX, validate


@dataclass(frozen=True)
class InvoiceSet:
    """A prepared deal and the invoices of its ledger."""
    prepared: Prepared
    invoices: tuple[Invoice, ...]
    diagnostics: tuple[Diagnostic, ...]   # warnings that did not stop it


def _strict(diagnostics: Sequence[Diagnostic], strict: bool) -> list[Diagnostic]:
    if not strict:
        return list(diagnostics)
    return [Diagnostic(d.file, d.line, d.col, ERROR, d.message + " (--strict)", d.code)
            if d.severity == WARNING else d for d in diagnostics]


def prepare_invoices(path: Path, options: Options = Options(),
                     numbers: Optional[Mapping[str, str]] = None,
                     only: Optional[str] = None) -> InvoiceSet:
    """The invoices of one file (``only``: just the one with that number, if the file
    has it); raises
    :class:`UserError` with every located problem. ``numbers`` maps the output names of
    the invoices already built in this run to their file, so a batch never reuses one."""
    prepared = prepare(Path(path), options)
    client, source = prepared.client, prepared.source
    # the ledger's own checks ran in prepare (legal.invoice-mentions): what is left is
    # what only building invoices needs
    found = check_present(client, source) + check_batch_numbers(numbers or {}, client, source)
    entries = client.invoicing.invoices if client.invoicing else []
    found = _strict(found, options.strict)
    if has_errors(found):
        raise UserError(sorted(found, key=lambda d: (d.line, d.col)))
    contract = client.document.number
    terms = terms_for(client, prepared.computed,
                      lambda tranche, rate: advance_text(tranche, rate, contract,
                                                         prepared.lang))
    retention = client.payment.retention
    if has_situations(entries):   # progress invoices (factures de situation)
        planned = situation_invoices(entries, terms, retention,
                                     lambda text, now, before: situation_line_text(
                                         text, now, before, prepared.lang))
    else:
        planned = with_retention(plan(entries, terms), retention)
    invoices = tuple(with_mentions(client, i) for i in planned)
    credits = client.invoicing.credit_notes if client.invoicing else []
    notes = credit_notes(credits, invoices, lambda entry, cancelled, rate: credit_text(
        entry, cancelled, rate, prepared.lang))
    found = _strict(check_credit_amounts(notes, invoices, source), options.strict)
    if has_errors(found):
        raise UserError(found)
    invoices += notes
    if only is not None:
        invoices = tuple(i for i in invoices if i.number == only)
    return InvoiceSet(prepared, invoices, prepared.diagnostics + tuple(found))


def checked_xml(prepared: Prepared, invoice: Invoice, syntax: str) -> bytes:
    """The XML of ``invoice`` in ``syntax``, validated (XSD, EN 16931, BR-FR in the
    French scope); a failure is a located :class:`UserError`."""
    from .document import xml_for
    from .locate import located
    xml = xml_for(prepared, invoice, syntax=syntax)
    failures = validate(xml, syntax, in_french_scope(prepared.client))
    if failures:
        raise UserError(located(failures, invoice, prepared.source, syntax))
    return xml


def invoice_files(invoice_set: InvoiceSet, invoice: Invoice, formats: Sequence[str],
                  converter=None, options: Options = Options(),
                  syntax: str = FACTURX) -> dict[str, bytes]:
    """The outputs of one invoice: extension → bytes, every one complete and its XML
    validated. Factur-X: the DOCX and the PDF/A-3 carrying the CII XML; CII or UBL: the
    XML alone."""
    xml = checked_xml(invoice_set.prepared, invoice, syntax)
    if syntax != FACTURX:
        return {"xml": xml}
    from .document import render_invoice
    docx = render_invoice(invoice_set.prepared, invoice, options)
    files = {}
    if "docx" in formats:
        files["docx"] = docx
    if "pdf" in formats:
        from .facturx import invoice_pdf
        files["pdf"] = invoice_pdf(invoice_set.prepared, invoice, docx, converter, xml)
    return files


def build_invoices(path: Path, out_dir: Path, formats: Sequence[str],
                   options: Options = Options(), converter=None,
                   numbers: Optional[dict[str, str]] = None, only: Optional[str] = None,
                   syntax: str = FACTURX) -> tuple[list[Path], tuple[Diagnostic, ...]]:
    """Build and write every invoice and credit note of one file; returns the paths and
    the warnings. All of them are made and validated before any is written; every
    validation failure of the file is reported at once."""
    invoice_set = prepare_invoices(path, options, numbers, only)
    outputs, problems = {}, []
    for invoice in invoice_set.invoices:
        try:
            outputs[invoice.number] = invoice_files(invoice_set, invoice, formats, converter,
                                                    options, syntax)
        except UserError as exc:
            problems.extend(exc.diagnostics)
    if problems:
        raise UserError(problems)
    files = {Path(out_dir) / f"{safe_name(number)}.{ext}": data
             for number, made in outputs.items() for ext, data in made.items()}
    written = write_files(files)
    if numbers is not None:
        for number in outputs:
            numbers[safe_name(number)] = invoice_set.prepared.source.file
    return written, invoice_set.diagnostics
