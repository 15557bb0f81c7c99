"""``contratgen rates`` and the ``--rates FILE`` option shared by the commands that compute.

The option loads the overlay once, before the command runs (every problem of every file
reported at once, located, exit 1), and leaves the resulting
:class:`~contratgen.domain.rates.RatesTable` in the click context; commands read it with
:func:`selected_rates` and pass it down explicitly.
"""
from __future__ import annotations

import datetime
from typing import TYPE_CHECKING, Optional

import click

from ..diagnostics import UserError
from .errors import print_diagnostics

if TYPE_CHECKING:  # pragma: no cover - the CLI imports the engine only when it runs
    from ..domain.rates import RatesTable

META_KEY = "contratgen.rates"


def _load(ctx: click.Context, param: click.Parameter, value) -> None:
    if not value:
        return
    from ..domain.rates import load_rates
    try:
        ctx.meta[META_KEY] = load_rates(value)
    except UserError as exc:
        from .errors import Failed
        print_diagnostics(exc.diagnostics)
        raise Failed() from None


def rates_option(f):
    """``--rates FILE`` (repeatable): a rates file in the shipped format, overlaid on the
    shipped table."""
    return click.option("--rates", "rates_files", multiple=True, expose_value=False,
                        callback=_load, is_eager=True,
                        type=click.Path(dir_okay=False),
                        help="A rates YAML file (the shipped format) that adds or overrides "
                             "half-years of the rates table.")(f)


def selected_rates() -> Optional["RatesTable"]:
    """The table ``--rates`` built for this command, or None for the shipped table."""
    ctx = click.get_current_context(silent=True)
    return ctx.meta.get(META_KEY) if ctx is not None else None


def rates_rows(table: "RatesTable", lang: str = "fr") -> list[dict[str, str]]:
    """One row of text per half-year of ``table``, oldest first."""
    from ..domain.formatting import rate as percent
    from ..domain.rates import half_label
    rows = []
    for half in table.halves:
        r = table.for_half(half)
        rows.append({
            "half": half, "period": half_label(half, "en"),
            "consumer": percent(r.legal_consumer, lang), "other": percent(r.legal_other, lang),
            "ecb": f"{percent(r.ecb, lang)} (since {r.ecb_since.isoformat()})",
            "default": percent(r.default_penalty_rate, lang),
            "floor": percent(r.penalty_floor, lang),
            "sources": f"{r.legal_source}; {r.ecb_source}",
        })
    return rows


@click.command("rates")
@rates_option
def rates_command():
    """The rates table in force (legal interest, ECB, default penalty rate, floor)."""
    from rich.console import Console
    from rich.table import Table
    from ..domain.rates import half_of, shipped_table
    table = selected_rates() or shipped_table()
    grid = Table(title="Rates table" + (f" (with {', '.join(table.overlays)})"
                                        if table.overlays else ""))
    for name in ("half-year", "legal rate, consumer creditor", "legal rate, other cases",
                 "ECB on day 1", "default penalty (ECB + 10)", "floor (3 × legal)", "sources"):
        grid.add_column(name, overflow="fold")
    for row in rates_rows(table):
        grid.add_row(row["half"], row["consumer"], row["other"], row["ecb"], row["default"],
                     row["floor"], row["sources"])
    console = Console()
    console.print(grid)
    today = half_of(datetime.date.today())[0]
    if today not in table.halves:
        console.print(f"The current half-year {today} is not in the table: documents dated in "
                      f"it use {table.halves[-1]}'s rates (a warning; an error with --strict). "
                      "Add it with --rates FILE once its arrêté is published.")
