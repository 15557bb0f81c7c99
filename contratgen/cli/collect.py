"""``contratgen collect``: the collection ladder over a portfolio on a date — which
courtesy reminder, reminder, second reminder or formal notice is due for each invoice, the
letters, and with ``--send`` the e-mails, each recorded under ``invoicing.sent``.

A dry run by default: the plan, and the letters when ``-o`` is given. Exit 0 done; 1 an
input or the policy is invalid, or a send is impossible (no e-mail address): nothing
sent; 2 usage; 3 LibreOffice, the SMTP server or the output failed (the steps before the
failure are sent and recorded: run again to go on).
"""
from __future__ import annotations

import datetime
import json
import os
from contextlib import nullcontext
from pathlib import Path

import click

from .errors import print_diagnostics
from .options import document_options, options_from

COLUMNS = ("invoice", "client", "due", "late", "outstanding", "claimable", "step",
           "channel")


def _money(value) -> str:
    return f"{value:.2f}"


def action_json(action) -> dict:
    """One invoice of the plan as JSON-ready data (amounts as strings)."""
    return {"file": action.file, "contract": action.contract, "client": action.client,
            "invoice": action.number, "due": action.due.isoformat(),
            "days_late": action.days_late, "reason": str(action.reason),
            "step": action.level, "channel": action.channel,
            "email": action.email if action.emailed else None,
            "next": ({"step": action.next_level, "on": action.next_date.isoformat()}
                     if action.next_level else None),
            **{name: _money(action.amount(name)) for name in
               ("outstanding", "interest", "indemnity", "claimable")}}


def done_json(done) -> dict:
    return {"invoice": done.action.number, "step": done.action.level,
            "written": [str(p) for p in done.written], "emailed": done.emailed,
            "recorded": done.recorded, "message_id": done.message_id,
            "skipped": done.skipped}


def _channel(action) -> str:
    """e-mail; LRAR (registered post) or LRE (registered e-mail), + e-mail when a copy
    goes by e-mail too."""
    text = {"email": "e-mail", "registered-post": "LRAR", "lre": "LRE"}[action.channel]
    return text + " + e-mail" if action.channel != "email" and action.emailed else text


def _table(plan, everything: bool):
    from rich.table import Table
    table = Table(title=f"collection plan on {plan.on.isoformat()} ({plan.policy.file})",
                  title_justify="left")
    for name in COLUMNS:
        table.add_column(name, justify="right" if name in COLUMNS[3:6] else "left",
                         no_wrap=name in ("invoice", "due", "step"))
    for a in plan.actions:
        if a.level is None and not everything:
            continue
        step = a.level or str(a.reason) + (f" (next: {a.next_level} on "
                                           f"{a.next_date.isoformat()})" if a.next_level
                                           else "")
        table.add_row(a.number, a.client, a.due.isoformat(), str(a.days_late),
                      _money(a.amount("outstanding")), _money(a.amount("claimable")), step,
                      _channel(a) if a.level else "",
                      style=("bold" if a.level == "formal-notice" else None) if a.level
                      else "dim")
    return table


@click.command("collect")
@click.argument("inputs", nargs=-1, required=True)
@click.option("--on", "on", type=click.DateTime(formats=["%Y-%m-%d"]), default=None,
              help="The day of the run (YYYY-MM-DD, default: today).")
@click.option("--policy", "policy_file", type=click.Path(dir_okay=False),
              help="A collection policy (YAML; contratgen schema policy). Default: "
                   "courtesy 3 days before the due date, reminder +7, second reminder +15, "
                   "formal notice +30.")
@click.option("--send/--dry-run", default=False, show_default=True,
              help="Send the e-mails and record each step in the client file.")
@click.option("--smtp", "smtp_url", metavar="URL", help="smtp://host:port, "
              "smtp+starttls://host:port or smtps://host:port; login from "
              "CONTRATGEN_SMTP_USER / CONTRATGEN_SMTP_PASSWORD.")
@click.option("--json", "as_json", is_flag=True, help="Print the plan as JSON.")
@click.option("--all", "everything", is_flag=True,
              help="List every invoice, with why it gets no letter today.")
@click.option("-o", "--output", "out_dir", type=click.Path(file_okay=False), default=None,
              help="Write the letters into this folder (default with --send: out).")
@click.option("--format", "fmt", type=click.Choice(["docx", "pdf", "both"]), default=None,
              help="docx, pdf or both (default: both when LibreOffice is available); the "
                   "e-mail attaches the PDF, or the DOCX with --format docx.")
@document_options("A folder with letter.docx to use instead.")
def collect_command(inputs, on, policy_file, send, smtp_url, as_json, everything, out_dir,
                    fmt, library, templates, strict, allow_outside_paths):
    """The collection ladder for every invoice of INPUTS (files, folders, globs) on a date:
    the plan, the letters, and with --send the e-mails, recorded in each file."""
    from ..batch.inputs import expand_inputs
    from ..collection.ladder import plan as make_plan
    from ..collection.policy import load_policy
    from ..collection.mail import Mailer, parse_smtp_url
    from .options import resolve_formats
    day = on.date() if on else datetime.date.today()
    if send and not smtp_url:
        raise click.UsageError("--send needs --smtp URL")
    try:
        names = expand_inputs(inputs)
        server = parse_smtp_url(smtp_url) if smtp_url else None
    except ValueError as exc:
        raise click.UsageError(str(exc)) from None
    options = options_from(library, templates, strict, allow_outside_paths)
    policy = load_policy(Path(policy_file) if policy_file else None)
    plan = make_plan([Path(n) for n in names], day, policy, options.rates)
    print_diagnostics(plan.diagnostics)
    if not as_json:
        from rich.console import Console
        Console().print(_table(plan, everything))
    if send and not out_dir:
        out_dir = "out"
    done = []
    if out_dir and plan.due:
        done = _carry_out(plan, Path(out_dir), resolve_formats(fmt), options,
                          Mailer(server, os.environ) if send else None, as_json)
    if as_json:
        click.echo(json.dumps({"on": day.isoformat(), "policy": plan.policy.file,
                               "send": send,
                               "actions": [action_json(a) for a in plan.actions],
                               "done": [done_json(d) for d in done],
                               "diagnostics": [d.as_dict() for d in plan.diagnostics]},
                              indent=2, ensure_ascii=False))
    else:
        due = len(plan.due)
        click.echo(f"{due} step{'s' * (due != 1)} due on {day.isoformat()} for "
                   f"{len(plan.actions)} invoice{'s' * (len(plan.actions) != 1)}"
                   + ("" if out_dir or not due else " (dry run: -o DIR writes the letters, "
                      "--send sends them)"))


def _carry_out(plan, out_dir, formats, options, mailer, quiet):
    from ..collection.outbox import carry_out
    converter = None

    def report(done):
        print_diagnostics(done.diagnostics)
        if quiet:
            return
        a = done.action
        what = "skipped (" + done.skipped + ")" if done.skipped else \
            ("e-mailed to " + a.email if done.emailed else "written") + \
            (f"; to send by {_channel(a)} today" if a.channel != "email" and done.recorded
             else "") \
            + ("; recorded" if done.recorded else "")
        click.echo(f"{a.file}: {a.number} {a.level}: {what}")
        for path in done.written:
            click.echo(f"wrote {path}")

    try:
        if "pdf" in formats:
            from ..serve.client import converter_for_cli
            converter = converter_for_cli(workers=1)
        with mailer if mailer is not None else nullcontext():
            return carry_out(plan, out_dir, formats, options, converter, mailer, report)
    finally:   # errors become exit codes in cli/app.py, as for every command
        if converter is not None:
            converter.close()
