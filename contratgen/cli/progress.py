"""What ``contratgen batch`` shows while it runs: a rich progress bar on a terminal, plain
``[12/500] ok CT-2026-0042`` lines in CI; each input's diagnostics; the summary line."""
from __future__ import annotations

import sys
from pathlib import Path
from typing import Sequence

from ..batch.entry import Entry
from ..batch.run import Reporter
from ..diagnostics import Diagnostic
from .errors import print_diagnostics


class ConsoleReporter(Reporter):
    def __init__(self, stream=None, errors=None):
        self.stream = stream or sys.stdout
        self.errors = errors or sys.stderr
        self.total, self.done = 0, 0
        self.bar = None

    def start(self, total: int) -> None:
        self.total = total
        if total and self.stream.isatty():
            from rich.progress import BarColumn, MofNCompleteColumn, Progress as Bar, \
                TextColumn, TimeRemainingColumn
            self.bar = Bar(TextColumn("building"), BarColumn(), MofNCompleteColumn(),
                           TimeRemainingColumn(), TextColumn("{task.description}"),
                           transient=True)
            self.task = self.bar.add_task("", total=total)
            self.bar.start()

    def step(self, entry: Entry, diagnostics: Sequence[Diagnostic]) -> None:
        print_diagnostics(diagnostics, self.errors)
        self.done += 1
        label = entry.document or entry.input
        if self.bar is not None:
            self.bar.update(self.task, advance=1, description=label)
        else:
            reason = f" ({entry.reason})" if entry.reason else ""
            print(f"[{self.done}/{self.total}] {entry.status} {label}{reason}",
                  file=self.stream, flush=True)

    def finish(self, summary: dict, manifest: Path) -> None:
        if self.bar is not None:
            self.bar.stop()
        print(f"batch: {summary['ok']} ok, {summary['error']} error, {summary['skipped']} "
              f"skipped → {manifest}", file=self.errors)
