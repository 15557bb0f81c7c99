"""``contratgen batch --invoices``: every invoice of many files (a month's invoices in CI),
with the folder lock, the journal, ``manifest.json``, JUnit and ``--verify`` of documents.

    claim the numbers (every input, every shard, in input order) → keep this shard
      → build each input's invoices (executor) → write them together → report

An invoice number belongs to the first input (in the order of the inputs) whose ledger
lists it, whatever the shard: a later input listing it again fails, at that number.
"""
from __future__ import annotations

import hashlib
import json
from dataclasses import replace
from pathlib import Path
from typing import Optional, Sequence

from ..diagnostics import ERROR, Diagnostic, UserError
from ..load.source import Source, load_bytes
from ..output import name_key, safe_name, write_files
from .inputs import BatchConfig, input_key
from .invoice_jobs import InvoiceJob
from .entry import Entry, Output, RunStatus, Status
from .jobs import Result
from .run import Batch, Documents, Reporter, run_batch


def _source(path: Path, display: str) -> Optional[tuple[bytes, Source]]:
    try:
        raw = path.read_bytes()
        return raw, load_bytes(raw, display)
    except (OSError, UserError):
        return None


def _ledger(source: Source) -> list[Optional[str]]:
    """The number of each entry of ``invoicing.invoices`` in the raw YAML (None where
    an entry has none: an input that is not valid lists what it can)."""
    data = source.data if isinstance(source.data, dict) else {}
    invoicing = data.get("invoicing") if isinstance(data.get("invoicing"), dict) else {}
    entries = invoicing.get("invoices") if isinstance(invoicing.get("invoices"), list) else []
    return [str(e["number"]) if isinstance(e, dict) and isinstance(e.get("number"), (str, int))
            else None for e in entries]


def ledger_numbers(source: Source) -> list[str]:
    """The invoice numbers an input's ledger lists, read from the raw YAML."""
    return [number for number in _ledger(source) if number is not None]


def claim_numbers(inputs: list[str]) -> dict[str, str]:
    """Output name of each invoice number → the first input listing it."""
    owners: dict[str, str] = {}
    for name in inputs:
        loaded = _source(Path(name), name)
        for number in ledger_numbers(loaded[1]) if loaded else []:
            owners.setdefault(safe_name(number), name)
    return owners


def invoice_key(job: InvoiceJob, loaded: Optional[tuple[bytes, Source]]) -> Optional[str]:
    """What an input's invoices depend on (``loaded``: its bytes and YAML as read now):
    its document's key (bytes, library, options, formats…), the invoice template, and the
    numbers other inputs took from it."""
    from ..invoicing.document import template_path
    if loaded is None:
        return None
    raw, source = loaded
    try:
        template = hashlib.sha256(template_path(job.options).read_bytes()).hexdigest()
    except OSError:
        template = "missing"
    parts = {"document": input_key(Path(job.path), source, hashlib.sha256(raw).hexdigest(),
                                   job.options, job.formats, job.pdfa),
             "built": "invoices", "template": template,
             "claimed": sorted(list(pair) for pair in job.claimed)}
    return hashlib.sha256(json.dumps(parts, sort_keys=True).encode()).hexdigest()


class Invoices(Documents):
    """What a batch builds of each input with ``--invoices``: every invoice of it."""

    def __init__(self):
        self.owners: dict[str, str] = {}

    def setup(self, config: BatchConfig, inputs: list[str]) -> BatchConfig:
        self.owners = claim_numbers(inputs)
        # a Factur-X invoice is always PDF/A (-3): the converters export PDF/A
        return replace(config, pdfa="pdf" in config.formats)

    def new_batch(self, config: BatchConfig, inputs: list[str], reporter: Reporter) -> Batch:
        return InvoiceBatch(config, inputs, reporter)

    def job(self, index: int, name: str, config: BatchConfig) -> InvoiceJob:
        loaded = _source(Path(name).resolve(), name)
        numbers = ledger_numbers(loaded[1]) if loaded else []
        claimed = tuple(sorted({(safe_name(n), self.owners[safe_name(n)]) for n in numbers
                                if self.owners.get(safe_name(n), name) != name}))
        job = InvoiceJob(index, str(Path(name).resolve()), name, config.formats,
                         config.pdfa, config.options, claimed)
        return replace(job, key=invoice_key(job, loaded))

    def current_key(self, job: InvoiceJob) -> Optional[str]:
        return job.key


class InvoiceBatch(Batch):
    """The batch's writer for invoices: an input's invoices land together, or none."""

    def record(self, index: int, entry: Entry, seconds: float = 0.0,
               diagnostics: Sequence[Diagnostic] = ()) -> None:
        entry = replace(entry, invoices=entry.invoices or ())
        if entry.status is Status.SKIPPED:   # up to date: its files are this run's too
            for number in entry.invoices:
                self.stems.setdefault(name_key(safe_name(number)), entry.input)
        self.journal.add(index, entry, seconds)
        numbers = ", ".join(entry.invoices)
        self.reporter.step(replace(entry, document=f"{entry.input}: {numbers}"
                                   if numbers else None), diagnostics)

    def head(self, status: RunStatus) -> dict:
        return dict(super().head(status), built="invoices")

    def write(self, result: Result) -> Entry:
        entry = result.entry
        stems = {safe_name(number): number for number in entry.invoices or ()}
        for stem, number in stems.items():
            owner = self.stems.get(name_key(stem), entry.input)
            if owner != entry.input:   # FA-1 and fa-1: one file on a case-insensitive disk
                return _failed(entry, number, f"invoice number {number} would be written "
                               f"to {stem}.*, as an invoice of {owner}: numbers are unique "
                               "across a batch", "invoice.number-duplicate")
        files = {self.config.out_dir / name: data for name, data in result.files.items()}
        try:
            write_files(files)
        except IsADirectoryError as exc:  # this input's fault; a full disk is the batch's
            return entry.failed(Diagnostic(entry.input, 0, 0, ERROR, f"cannot write "
                                           f"{exc.filename}: {exc.strerror}",
                                           "batch.output-is-a-folder"))
        for stem in stems:
            self.stems[name_key(stem)] = entry.input
        return replace(entry, outputs=tuple(
            Output(name.rsplit(".", 1)[1], name, len(data), hashlib.sha256(data).hexdigest())
            for name, data in result.files.items()))


def _failed(entry: Entry, number: str, message: str, code: str) -> Entry:
    line, col = _number_position(entry.input, number)
    return entry.failed(Diagnostic(entry.input, line, col, ERROR, message, code))


def _number_position(display: str, number: str) -> tuple[int, int]:
    loaded = _source(Path(display), display)
    if loaded is None:
        return 0, 0
    for i, listed in enumerate(_ledger(loaded[1])):
        if listed == number:
            return loaded[1].where(("invoicing", "invoices", i, "number"))
    return 0, 0


def run_invoice_batch(config: BatchConfig, reporter: Optional[Reporter] = None) -> int:
    """Every invoice of every input of this shard; the exit codes of :func:`run_batch`."""
    return run_batch(config, Invoices(), reporter)
