"""``contratgen remind``: the courtesy reminder, reminder, second reminder or formal notice
for one invoice, and after the formal notice the request for an injonction de payer or the
small-claims request; DOCX and PDF, with the amounts owed on a date (the figures of
``contratgen dues``).

Options in, :mod:`contratgen.collection` call, diagnostics out. Exit 0 written; 1 the
input is invalid or the letter is refused (an unknown or paid invoice, a formal notice
before the due date, a request without a formal notice); 3 LibreOffice missing or failed,
or the output cannot be written.
"""
from __future__ import annotations

import datetime
from pathlib import Path

import click

from .options import document_options, options_from
from .rates import selected_rates
from .errors import print_diagnostics


@click.command("remind")
@click.argument("file", type=click.Path(dir_okay=False))
@click.option("--invoice", "number", required=True, metavar="NUMBER",
              help="The invoice of invoicing.invoices the letter claims.")
@click.option("--level", type=click.Choice(["courtesy", "reminder", "second-reminder",
                                           "formal-notice", "injunction", "small-claims"]),
              default="reminder", show_default=True,
              help="Which letter of the ladder; after a formal notice, the request for an "
                   "injonction de payer (injunction) or, up to 5 000 €, to a commissaire de "
                   "justice (small-claims).")
@click.option("--on", "on", type=click.DateTime(formats=["%Y-%m-%d"]), default=None,
              help="The letter's date, on which the amounts are computed (default: today).")
@click.option("--deadline-days", type=click.IntRange(1, 365), default=8, show_default=True,
              help="The time given to pay (second reminder, formal notice).")
@click.option("-o", "--output", "out_dir", default="out", show_default=True,
              type=click.Path(file_okay=False), help="Output folder.")
@click.option("--format", "fmt", type=click.Choice(["docx", "pdf", "both"]), default=None,
              help="docx, pdf or both (default: both when LibreOffice is available).")
@document_options("A folder with letter.docx to use instead.")
def remind(file, number, level, on, deadline_days, out_dir, fmt, library, templates, strict,
           allow_outside_paths):
    """Write the letter of LEVEL for invoice NUMBER of FILE into
    <NUMBER>-<LEVEL>.docx / .pdf."""
    from ..output import remove_stale_temporaries, safe_name, write_files
    from .options import pdf_converter, resolve_formats
    from ..collection.letter_doc import letter_files
    from ..collection.letters import prepare_letter
    options = options_from(library, templates, strict, allow_outside_paths)
    day = on.date() if on else datetime.date.today()
    formats = resolve_formats(fmt)
    letter = prepare_letter(Path(file), number, level, day, options, deadline_days)
    print_diagnostics(letter.diagnostics)
    with pdf_converter(formats) as converter:   # errors: exit codes in cli/app.py
        files = letter_files(letter, formats, converter, options)
    remove_stale_temporaries(Path(out_dir))
    written = write_files({Path(out_dir) / f"{safe_name(letter.stem)}.{ext}": data
                           for ext, data in files.items()})
    for path in written:
        click.echo(f"wrote {path}")


def penalty_invoice(files, out_dir, formats, options, claimed, number, on) -> None:
    """``contratgen invoice FILE --penalties INVOICE --penalty-number N [--on DATE]``."""
    from dataclasses import replace
    from .options import pdf_converter
    from ..collection.penalty import build_penalty
    if len(files) != 1 or not number:
        raise click.UsageError("--penalties takes one FILE and --penalty-number N")
    day = on.date() if on else datetime.date.today()
    options = replace(options, rates=selected_rates())
    with pdf_converter(formats, pdfa=True) as converter:   # errors: cli/app.py
        written, warnings = build_penalty(Path(files[0]), Path(out_dir), formats, claimed,
                                          number, day, options, converter)
    print_diagnostics(warnings)
    for path in written:
        click.echo(f"wrote {path}")
