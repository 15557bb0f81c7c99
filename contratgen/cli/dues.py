"""``contratgen dues``: what each tranche of many deals owes on a date, as a table on a
terminal or JSON for scripts, and the payment calendar as iCalendar (``--ics``).

Exit 0; 1 when an input is invalid, or with ``--fail-on-overdue`` when a tranche is
overdue (a CI job that lists a portfolio's late payments each morning); 2 usage; 3 the
calendar cannot be written.
"""
from __future__ import annotations

import datetime
import json
from dataclasses import replace
from pathlib import Path

import click

from .rates import rates_option, selected_rates
from ..diagnostics import ERROR, UserError
from .errors import print_diagnostics

DEFAULT_ALARMS = (-3, 7, 15)     # days from the due date: 3 before, 7 and 15 after

COLUMNS = ("#", "tranche", "invoice", "due", "status", "amount", "paid", "outstanding",
           "days late", "interest", "indemnity", "claimable")


def _table(doc):
    from rich.table import Table
    from ..domain.formatting import money
    eur = lambda v: money(v, doc.language)  # noqa: E731
    table = Table(title=f"{doc.number} · {doc.client} ({doc.file}) on {doc.on.isoformat()}",
                  title_justify="left")
    for name in COLUMNS:
        table.add_column(name, justify="right" if name in COLUMNS[5:] else "left",
                         no_wrap=name not in ("tranche", "status"))
    for row in doc.rows:
        s = row.standing
        cells = [str(row.tranche.number), row.tranche.label,
                 row.invoice.number if row.invoice else "—",
                 row.due.isoformat() if row.due else "—", row.status, eur(row.tranche.amount)]
        cells += [eur(s.paid), eur(s.outstanding), str(s.days_late), eur(s.interest),
                  eur(s.indemnity), eur(s.claimable)] if s else ["—"] * 6
        table.add_row(*cells, style="bold red" if row.overdue else None)
    return table


@click.command("dues")
@click.argument("inputs", nargs=-1, required=True)
@click.option("--on", "on", type=click.DateTime(formats=["%Y-%m-%d"]), default=None,
              help="The date to compute on (YYYY-MM-DD, default: today).")
@click.option("--json", "as_json", is_flag=True, help="Print JSON (amounts as strings).")
@click.option("--fail-on-overdue", is_flag=True, help="Exit 1 when a tranche is overdue.")
@click.option("--ics", "ics", type=click.Path(dir_okay=False),
              help="Write the due dates, with reminder alarms, as an iCalendar file.")
@click.option("--alarm", "alarms", multiple=True, type=click.IntRange(-365, 365),
              metavar="DAYS", help="A reminder, in days from the due date (negative: "
              "before); repeatable. Default: -3, 7 and 15.")
@click.option("--strict", is_flag=True, help="Treat warnings (an agreed rate below a "
              "floor, a notice before the due date…) as errors. A half-year missing from "
              "the rates table is always an error.")
@rates_option
def dues_command(inputs, on, as_json, fail_on_overdue, ics, alarms, strict):
    """Each tranche of FILEs (files, folders, globs) on a date: invoiced, due date, paid,
    outstanding, days late, late interest, recovery indemnity."""
    from ..batch.inputs import display_path, expand_inputs
    from .errors import Failed
    from ..dues import document_json, dues_of, error_json
    day = on.date() if on else datetime.date.today()
    try:
        names = expand_inputs(inputs)
    except ValueError as exc:
        raise click.UsageError(str(exc)) from None
    documents, entries, failed = [], [], 0
    for name in names:
        try:
            doc = dues_of(Path(name), day, selected_rates(), display_path(name))
        except UserError as exc:
            if {d.code for d in exc.diagnostics} == {"dues.type"}:   # an instalment
                click.echo(f"{name}: skipped (an instalment agreement)", err=True)
                entries.append({"file": name, "status": "skipped"})   # agreement: no tranche
                continue
            print_diagnostics(exc.diagnostics)
            entries.append(error_json(name, exc.diagnostics))
            failed += 1
            continue
        if strict and doc.diagnostics:
            exc = UserError([replace(d, severity=ERROR, message=d.message + " (--strict)")
                             for d in doc.diagnostics])
            print_diagnostics(exc.diagnostics)
            entries.append(error_json(name, exc.diagnostics))
            failed += 1
            continue
        print_diagnostics(doc.diagnostics)
        documents.append(doc)
        entries.append(document_json(doc))
    overdue = sum(len(d.overdue) for d in documents)
    if as_json:
        click.echo(json.dumps({"on": day.isoformat(), "documents": entries,
                               "overdue": overdue}, indent=2, ensure_ascii=False))
    else:
        from rich.console import Console
        console = Console()
        for doc in documents:
            console.print(_table(doc))
        console.print(f"{overdue} overdue tranche{'s' * (overdue != 1)} in "
                      f"{len(documents)} document{'s' * (len(documents) != 1)}"
                      + (f", {failed} invalid" if failed else ""))
    if ics:
        failed += _write_ics(Path(ics), documents, alarms or DEFAULT_ALARMS, failed, strict)
    if failed or (fail_on_overdue and overdue):
        raise Failed()


def _write_ics(path: Path, documents, alarms, invalid: int, strict: bool) -> int:
    """Write the calendar, unless an input failed: a calendar without the failed
    document's events would delete them from every subscribed copy. Returns the number
    of problems that stopped it (--strict: the duplicates)."""
    from ..output import write_atomic
    from ..dues_ics import calendar_bytes, duplicates
    warnings = duplicates(documents, tuple(alarms))
    if strict:
        warnings = [replace(d, severity=ERROR, message=d.message + " (--strict)")
                    for d in warnings]
    print_diagnostics(warnings)
    stopped = invalid + (len(warnings) if strict else 0)
    if stopped:
        click.echo(f"{path}: not written: {stopped} problem{'s' * (stopped != 1)} above "
                   "(a calendar without a document's events would remove them from the "
                   "calendars that subscribe to it)", err=True)
        return len(warnings) if strict else 0
    write_atomic(path, calendar_bytes(documents, tuple(alarms)))   # OSError: exit 3
    click.echo(f"wrote {path}", err=True)
    return 0
