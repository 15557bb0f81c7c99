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
    """One row of text per half-year of ``table``, oldest first; a figure the table lacks
    is "—" (never another half-year's)."""
    from ..domain.formatting import rate
    from ..domain.rates import half_label

    def pct(value) -> str:
        return "—" if value is None else rate(value, lang)

    rows = []
    for half in table.halves:
        r = table.for_half(half)
        rows.append({
            "half": half, "period": half_label(half, "en"),
            "consumer": pct(r.legal_consumer), "other": pct(r.legal_other),
            "ecb": pct(r.ecb), "ecb_since": r.ecb_since.isoformat() if r.ecb_since else "—",
            "default": pct(r.default_penalty_rate), "floor": pct(r.penalty_floor),
            "public": pct(r.public_penalty_rate),
            "legal_source": r.legal_source or "—", "ecb_source": r.ecb_source or "—",
            "sources": f"{r.legal_source or '—'}; {r.ecb_source or '—'}",
        })
    return rows


HEADERS = (("half", "half"), ("consumer", "legal rate\nconsumer\ncreditor"),
           ("other", "legal rate\nother\ncases"), ("ecb", "ECB\nday 1"),
           ("default", "default\nECB+10"), ("public", "public\nECB+8"),
           ("floor", "floor\n3×legal"))


def _grid(table: "RatesTable"):
    """The figures, one short column each (an 80-column terminal holds them); the
    sources follow as lines of their own."""
    from rich import box
    from rich.table import Table
    grid = Table(title="Rates table" + (f" (with {', '.join(table.overlays)})"
                                        if table.overlays else ""), box=box.SIMPLE_HEAD,
                 title_justify="left", pad_edge=False)
    for key, name in HEADERS:
        grid.add_column(name, no_wrap=True, justify="left" if key == "half" else "right")
    rows = rates_rows(table)
    for row in rows:
        grid.add_row(*(row[key] for key, _ in HEADERS))
    return grid, rows


@click.command("rates")
@click.option("--missing", is_flag=True, help="List the half-years the table lacks up to "
              "the date (--on, default today) and where each figure is published.")
@click.option("--on", "on", type=click.DateTime(formats=["%Y-%m-%d"]), default=None,
              help="The date (YYYY-MM-DD) the table should reach; default: today.")
@rates_option
def rates_command(missing, on):
    """The rates table in force (legal interest, ECB, default penalty rate, public
    purchasers' rate, floor), or with --missing what it lacks and where it is published."""
    from rich.console import Console
    from rich.text import Text
    from ..domain.rates import shipped_table
    table = selected_rates() or shipped_table()
    day = on.date() if on else datetime.date.today()
    console = Console()
    if missing:
        _print_missing(console, table, day)
        return
    grid, rows = _grid(table)
    console.print(grid)
    console.print(_sources(rows))
    gaps = table.missing(day)
    if gaps:
        console.print(Text(f"Missing up to {day.isoformat()}: "
                           f"{', '.join(g.half for g in gaps)}. No figure of another "
                           "half-year is used: documents state the rule without a figure, "
                           "computed amounts for those days are errors. `contratgen rates "
                           "--missing` says where each figure is published."))


def _sources(rows: list[dict[str, str]]):
    """Where each figure comes from: a column of half-years, the text wrapped beside."""
    from rich import box
    from rich.table import Table
    sources = Table("half", "sources", box=box.SIMPLE_HEAD, title="Sources",
                    title_justify="left", pad_edge=False)
    sources.columns[0].no_wrap = True
    for row in rows:
        sources.add_row(row["half"], f"legal rate: {row['legal_source']}. ECB rate in force "
                        f"since {row['ecb_since']}: {row['ecb_source']}")
    return sources


def _print_missing(console, table: "RatesTable", day: datetime.date) -> None:
    from rich.text import Text
    from ..domain.halves import published_where
    from ..domain.rates import half_label
    gaps = table.missing(day)
    if not gaps:
        console.print(f"The rates table covers every half-year up to {day.isoformat()}.")
        return
    for gap in gaps:
        console.print(Text(f"{gap.half} ({half_label(gap.half)})", style="bold"))
        for part in gap.parts:
            console.print(Text(f"  - {published_where(gap.half, part)}"))
    console.print(Text("Write the figures in a YAML file in the format of "
                       "contratgen/data/rates.yaml, quoting the source, and pass it with "
                       "--rates FILE to the commands that compute or print them."))
