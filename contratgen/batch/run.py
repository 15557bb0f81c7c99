"""``contratgen batch``: many inputs, in parallel, with a manifest CI can trust.

    lock the folder → expand inputs → keep this shard → skip what is up to date
      → build (executor) → write (atomic, one writer: this process)
      → report (journal as documents land; manifest.json, JUnit, progress at the end)

Only this process writes files, so outputs are atomic and never written twice, and at
most a small window of documents is in flight: memory stays flat however long the batch.
"""
from __future__ import annotations

import hashlib
import signal
import threading
from concurrent.futures import FIRST_COMPLETED, Future, wait
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path
from typing import Iterator, Optional, Sequence

from ..document import Options
from ..output import safe_name
from ..diagnostics import ERROR, Diagnostic, UserError
from ..output import name_key, remove_stale_temporaries, synced_at_end, write_atomic, \
    write_files, write_outputs
from ..library.loader import held_listings
from ..load.source import load_bytes
from .executors import ClusterLost, WorkersFailed, executor
from .inputs import BatchConfig, current_key, expand_inputs, forget_digests, parse_shard, \
    shard_of, up_to_date
from .entry import Entry, Output, RunStatus, Status
from .jobs import Job, Result
from .manifest import MANIFEST, Journal, folder_lock, header, junit_chunks, \
    manifest_chunks, previous_entries

MAX_EXTERNAL_FAILURES = 3     # LibreOffice failing this often is not one input's fault
_STOPPED_BY = {ClusterLost: "the Dask cluster was lost",
               WorkersFailed: "the worker processes could not start"}


# --- what the batch tells ------------------------------------------------------------------

class Reporter:
    """What a batch tells as it runs; this one says nothing. The CLI's
    (:class:`contratgen.cli.progress.ConsoleReporter`) draws a progress bar or plain lines
    and prints the diagnostics: the engine returns values, only ``cli/`` prints."""

    def start(self, total: int) -> None:
        """Before the first input, with their number in this shard."""

    def step(self, entry: Entry, diagnostics: Sequence[Diagnostic]) -> None:
        """An input is done (built, failed, or skipped): its entry and its diagnostics."""

    def finish(self, summary: dict, manifest: Path) -> None:
        """Every input done and the manifest written (also after an interruption)."""


# --- the batch -----------------------------------------------------------------------------

def _absolute(options: Options) -> Options:
    """Options with absolute folders: workers may run in another folder or machine."""
    return replace(options,
                   library_dirs=tuple(Path(d).resolve() for d in options.library_dirs),
                   templates_dir=Path(options.templates_dir).resolve()
                   if options.templates_dir else None)


class Batch:
    """The state of one run: the journal of entries, the stems written, the writer."""

    def __init__(self, config: BatchConfig, inputs: list[str], reporter: Reporter):
        self.config, self.inputs = config, inputs
        self.journal = Journal(config.out_dir, len(inputs))
        self.stems: dict[str, str] = {}            # output stem (case folded) → its input
        self.external_failures = 0
        self.not_run = "not run"                   # why an input has no entry, if any
        self.status = RunStatus.INTERRUPTED        # until the run ends normally
        self.reporter = reporter

    def record(self, index: int, entry: Entry, seconds: float = 0.0,
               diagnostics: Sequence[Diagnostic] = ()) -> None:
        self.journal.add(index, entry, seconds)
        self.reporter.step(entry, diagnostics)

    def accept(self, result: Result) -> Entry:
        """Write a finished document (atomically), record it."""
        entry = result.entry
        self.external_failures += result.external
        codes = {d.code for d in entry.diagnostics} if result.external else set()
        for failure, why in _STOPPED_BY.items():
            if failure.code in codes:
                self.not_run = f"not run: {why}"
        if result.ok:
            entry = self.write(result)
        self.record(result.index, entry, result.seconds, entry.diagnostics)
        return entry

    def write(self, result: Result) -> Entry:
        """Write an input's outputs; its entry with them (or with why not)."""
        entry = result.entry
        stem = safe_name(entry.document)
        owner = self.stems.setdefault(name_key(stem), entry.input)  # CT-1 is ct-1
        if owner != entry.input:
            return entry.failed(Diagnostic(
                entry.input, *_number_position(entry.input), ERROR,
                f"document number '{entry.document}' is also the number of {owner}: both "
                f"would be written to {stem}.*", "batch.duplicate-number"))
        files = {ext: result.files[ext] for ext in self.config.formats}
        # all formats of one document land together, or none of them; the entry is
        # journaled only once they are in place, with the hashes of those very bytes
        try:
            write_outputs(files, self.config.out_dir, stem)
        except IsADirectoryError as exc:   # this document's fault; a full disk is the batch's
            return entry.failed(Diagnostic(entry.input, 0, 0, ERROR, f"cannot write "
                                           f"{exc.filename}: {exc.strerror}",
                                           "batch.output-is-a-folder"))
        return replace(entry, outputs=tuple(
            Output(ext, f"{stem}.{ext}", len(data), hashlib.sha256(data).hexdigest())
            for ext, data in files.items()))

    def head(self, status: RunStatus) -> dict:
        summary = self.journal.summary(len(self.inputs)) \
            if status is not RunStatus.RUNNING else None
        return header(status, self.config.formats, self.config.pdfa, self.config.shard,
                      summary)

    def start(self) -> None:
        """The manifest says "running" until the end: a killed run is never taken for a
        finished one (its entries are in the journal)."""
        write_atomic(self.config.out_dir / MANIFEST, manifest_chunks(self.head(RunStatus.RUNNING), []))

    def write_reports(self) -> dict:
        """manifest.json, the --report copy and the --junit file as one step
        (:func:`write_files`): all of them, or none and the manifest still "running"."""
        head = self.head(self.status)

        def entries():
            return (entry for entry, _ in self.journal.entries(self.inputs, self.not_run))
        files = {self.config.out_dir / MANIFEST: manifest_chunks(head, entries())}
        if self.config.report:
            files[Path(self.config.report)] = manifest_chunks(head, entries())
        if self.config.junit:
            files[Path(self.config.junit)] = junit_chunks(
                self.journal.entries(self.inputs, self.not_run), head["summary"],
                self.journal.seconds)
        write_files(files)
        self.journal.close()
        return head


def _number_position(display: str) -> tuple[int, int]:
    try:
        source = load_bytes(Path(display).read_bytes(), display)
        return source.where(("document", "number"))
    except (OSError, UserError):
        return 0, 0


@contextmanager
def _terminate_as_exit() -> Iterator[None]:
    """SIGTERM ends the batch like an error would: workers stopped, manifest written."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def stop(signum, frame):
        raise SystemExit(128 + signum)
    previous = signal.signal(signal.SIGTERM, stop)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


class Documents:
    """What a batch builds of each input: its document. ``--invoices`` builds its
    invoices instead (:class:`contratgen.batch.invoice_run.Invoices`)."""

    def setup(self, config: BatchConfig, inputs: list[str]) -> BatchConfig:
        """Once, with every input of every shard, before this shard's are kept."""
        return config

    def new_batch(self, config: BatchConfig, inputs: list[str], reporter: Reporter) -> Batch:
        return Batch(config, inputs, reporter)

    def job(self, index: int, name: str, config: BatchConfig) -> Job:
        return Job(index, str(Path(name).resolve()), name, config.formats, config.pdfa,
                   config.options)

    def current_key(self, job: Job) -> Optional[str]:
        """The key of the job's input as it is now (``--changed-only``)."""
        return current_key(Path(job.path), job.display, job.options, job.formats, job.pdfa)


def run_batch(config: BatchConfig, kind: Optional[Documents] = None,
              reporter: Optional[Reporter] = None) -> int:
    """Build every input of this shard; exit code 0 (all written), 1 (an input failed:
    every other one is still written unless --fail-fast) or 3 (LibreOffice or the Dask
    cluster failed, or another batch holds the folder)."""
    kind, reporter = kind or Documents(), reporter or Reporter()
    shard = parse_shard(config.shard)
    forget_digests()   # the library, templates and data as they are for this batch
    if config.jobs < 1:
        raise ValueError("-j must be at least 1")
    inputs = expand_inputs(config.inputs)
    config = replace(config, options=_absolute(config.options), out_dir=Path(config.out_dir))
    config = kind.setup(config, inputs)
    if shard:
        inputs = [name for name in inputs if shard_of(name, shard[1]) == shard[0]]
    config.out_dir.mkdir(parents=True, exist_ok=True)
    with folder_lock(config.out_dir), _terminate_as_exit():
        remove_stale_temporaries(config.out_dir)  # left by a batch that was killed
        previous = previous_entries(config.out_dir) if config.changed_only else {}
        batch = kind.new_batch(config, inputs, reporter)
        reporter.start(len(inputs))
        batch.start()
        try:
            # outputs renamed into place one by one, flushed together at the end; the
            # final manifest is written (and flushed) only after them
            with synced_at_end(), held_listings():
                _run(config, inputs, previous, batch, kind)
            batch.status = RunStatus.COMPLETE
        finally:
            summary = batch.write_reports()["summary"]
            reporter.finish(summary, config.out_dir / MANIFEST)
    if batch.external_failures:
        return 3
    return 1 if summary["error"] else 0


def _run(config: BatchConfig, inputs: list[str], previous: dict, batch: Batch,
         kind: Documents) -> None:
    with executor(config) as (submit, in_flight):
        pending: set[Future] = set()
        stop = False

        def drain(block_until: int) -> None:
            nonlocal pending, stop
            while len(pending) > block_until:
                done, pending = wait(pending, return_when=FIRST_COMPLETED)
                for future in done:
                    if future.cancelled():
                        continue
                    entry = batch.accept(future.result())
                    if entry.status is Status.ERROR and not config.keep_going:
                        stop, batch.not_run = True, "not run: --fail-fast after an error"
                    if batch.external_failures >= MAX_EXTERNAL_FAILURES:
                        stop = True
                        if batch.not_run == "not run":
                            batch.not_run = "not run: LibreOffice keeps failing"
                if stop:
                    for future in pending:
                        future.cancel()

        for index, name in enumerate(inputs):
            if stop:
                break
            job = kind.job(index, name, config)
            old = previous.get(name)
            if old and up_to_date(old, kind.current_key(job), config.out_dir):
                batch.record(index, replace(old, status=Status.SKIPPED, reason="up to date"))
                continue
            pending.add(submit(job))
            drain(in_flight - 1)
        drain(0)
