"""``contratgen receivables``: what a portfolio is owed on a date, per client, in ageing
buckets (not due, 1–30, 31–60, 61–90, > 90 days), with the late interest, the days sales
outstanding and the invoices in dispute; ``--html`` a self-contained page with a chart.

Exit 0; 1 an input is invalid (nothing written); 2 usage; 3 the page cannot be written.
"""
from __future__ import annotations

import datetime
import json
from pathlib import Path

import click

from .errors import print_diagnostics
from .rates import rates_option, selected_rates


def _table(portfolio):
    from rich.table import Table
    from ..collection.receivables import BUCKETS, DSO_DAYS
    table = Table(title=f"receivables on {portfolio.on.isoformat()}", title_justify="left")
    for name in ("client", *BUCKETS, "total", "interest", f"DSO ({DSO_DAYS} d)"):
        table.add_column(name, justify="left" if name == "client" else "right",
                         no_wrap=name != "client")

    def line(a, name):
        return [name, *(f"{a.bucket(b):.2f}" for b in BUCKETS), f"{a.total:.2f}",
                f"{a.interest:.2f}", "—" if a.dso is None else str(a.dso)]
    for client in portfolio.clients:
        table.add_row(*line(client, client.name))
    table.add_row(*line(portfolio, "total"), style="bold")
    return table


@click.command("receivables")
@click.argument("inputs", nargs=-1, required=True)
@click.option("--on", "on", type=click.DateTime(formats=["%Y-%m-%d"]), default=None,
              help="The date to compute on (YYYY-MM-DD, default: today).")
@click.option("--json", "as_json", is_flag=True, help="Print JSON (amounts as strings).")
@click.option("--html", "html", type=click.Path(dir_okay=False),
              help="Write a self-contained HTML page with a chart.")
@click.option("--lang", type=click.Choice(["fr", "en"]), default="fr", show_default=True,
              help="The language of the page.")
@rates_option
def receivables_command(inputs, on, as_json, html, lang):
    """Ageing of what INPUTS (files, folders, globs) are owed on a date, per client."""
    from ..batch.inputs import expand_inputs
    from ..collection.receivables import ageing, ageing_json
    day = on.date() if on else datetime.date.today()
    try:
        names = expand_inputs(inputs)
    except ValueError as exc:
        raise click.UsageError(str(exc)) from None
    portfolio, notes = ageing([Path(n) for n in names], day, selected_rates())
    print_diagnostics(notes)
    if as_json:
        click.echo(json.dumps(ageing_json(portfolio), indent=2, ensure_ascii=False))
    else:
        from rich.console import Console
        Console().print(_table(portfolio))
        disputed = portfolio.disputed
        if disputed:
            click.echo("in dispute: " + ", ".join(f"{r.number} ({r.client})"
                                                  for r in disputed))
    if html:
        from ..output import write_atomic
        from ..collection.receivables_html import ageing_html
        # an OSError is exit 3, said in one place (Contratgen.invoke)
        write_atomic(Path(html), ageing_html(portfolio, lang).encode("utf-8"))
        click.echo(f"wrote {html}", err=True)
