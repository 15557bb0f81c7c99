"""``contratgen paid`` and ``contratgen status``: a payment recorded in the ledger, and the
lifecycle messages (CDAR) a provider hands to its plateforme agréée.

Options in, :mod:`contratgen.lifecycle` call, paths out. Exit 0 written; 1 the input is
invalid or the payment is refused (unknown invoice, more than is due, dated before the
invoice), nothing written.
"""
from __future__ import annotations

import datetime
from decimal import Decimal, InvalidOperation
from pathlib import Path

import click

from .options import document_options, options_from


def _paris_today() -> datetime.date:
    from zoneinfo import ZoneInfo
    return datetime.datetime.now(ZoneInfo("Europe/Paris")).date()


def _amount(ctx, param, value: str) -> Decimal:
    try:
        amount = Decimal(value)
    except InvalidOperation:
        raise click.BadParameter(f"write the amount plainly, like 1442.22, not {value!r}")
    if not amount.is_finite() or amount <= 0 or amount != amount.quantize(Decimal("0.01")):
        raise click.BadParameter(f"{value} is not a positive amount in cents")
    return amount


@click.command("paid")
@click.argument("file", type=click.Path(dir_okay=False))
@click.option("--invoice", "number", required=True, metavar="NUMBER",
              help="The invoice of invoicing.invoices that was paid.")
@click.option("--amount", required=True, callback=_amount, metavar="AMOUNT",
              help="The amount received, TTC, e.g. 1442.22.")
@click.option("--date", "day", required=True, type=click.DateTime(formats=["%Y-%m-%d"]),
              help="The day the money was received.")
@click.option("--method", type=click.Choice(["bank_transfer", "card", "check", "cash",
                                             "direct_debit"]), default=None)
@click.option("--again", is_flag=True,
              help="Record it even though the same amount on the same day is recorded.")
@click.option("-o", "--output", "out_dir", default="out/status", show_default=True,
              type=click.Path(file_okay=False), help="Where the status message goes.")
@document_options("A folder with invoice.docx to use instead.")
def paid(file, number, amount, day, method, again, out_dir, library, templates, strict,
         allow_outside_paths):
    """Record a payment of AMOUNT for invoice NUMBER in FILE's ledger (its comments
    kept), and write the lifecycle message 212 "Encaissée" when VAT is due on receipt."""
    from ..lifecycle.run import record_payment
    options = options_from(library, templates, strict, allow_outside_paths)
    written, found = record_payment(Path(file), number, amount, day.date(), method,
                                    Path(out_dir), options, again)
    click.echo(f"recorded {amount:.2f} received on {day.date()} for {number} in {file}")
    if not found:
        click.echo("no status message: VAT on this invoice is not due on receipt, or it is "
                   "outside e-invoicing (see docs/EINVOICING.md)")
    for path in written:
        click.echo(f"wrote {path}")


@click.command("status")
@click.argument("file", type=click.Path(dir_okay=False))
@click.option("--on", "on", type=click.DateTime(formats=["%Y-%m-%d"]), default=None,
              help="Messages of the statuses set on or before this day (default: today).")
@click.option("-o", "--output", "out_dir", required=True, type=click.Path(file_okay=False),
              help="Output folder.")
@document_options("A folder with invoice.docx to use instead.")
def status(file, on, out_dir, library, templates, strict, allow_outside_paths):
    """Write the lifecycle messages of FILE's ledger: 212 "Encaissée" per payment (VAT
    due on receipt), 207 "En litige" per dispute, each checked against the FNFE rules."""
    from ..lifecycle.run import status_messages, write_messages
    options = options_from(library, templates, strict, allow_outside_paths)
    day = on.date() if on else _paris_today()
    messages = status_messages(Path(file), day, options)
    for path in write_messages(messages, Path(out_dir)):
        click.echo(f"wrote {path}")
    if not messages.statuses:
        click.echo("no lifecycle status in this ledger")


def _period(ctx, param, value: str):
    from ..lifecycle.ereport import Period
    try:
        start, end = (datetime.date.fromisoformat(part) for part in value.split(".."))
    except ValueError:
        raise click.BadParameter(f"write the period as 2027-09-01..2027-09-10, not {value!r}")
    if end <= start:
        raise click.BadParameter("the period ends before it starts")
    return Period(start, end)


@click.command("ereport")
@click.argument("inputs", nargs=-1, required=True)
@click.option("--period", required=True, callback=_period, metavar="START..END",
              help="The period reported, e.g. 2027-09-01..2027-09-10.")
@click.option("-o", "--output", "out_dir", required=True, type=click.Path(file_okay=False),
              help="Output folder.")
@document_options("A folder with invoice.docx to use instead.")
def ereport(inputs, period, out_dir, library, templates, strict, allow_outside_paths):
    """Write the e-reporting transmissions (Flux 10) of PERIOD for the deals in INPUTS
    (files, folders, globs): B2C sales per day and VAT rate, international invoices, and
    the payments of services, each checked against the PPF's schematron."""
    from ..batch.inputs import expand_inputs
    from ..lifecycle.run import ereport_files
    from ..output import write_files
    options = options_from(library, templates, strict, allow_outside_paths)
    paths = expand_inputs(inputs)
    files = ereport_files(paths, period, options)
    for path in write_files({Path(out_dir) / name: xml for name, xml in files.items()}):
        click.echo(f"wrote {path}")
