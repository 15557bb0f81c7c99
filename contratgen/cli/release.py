"""``contratgen release``: the request to release the retenue de garantie of a deal
(``invoicing.retention_release``), DOCX and PDF — a payment request, not an invoice.

Options in, :mod:`contratgen.release` call, diagnostics out. Exit 0 written; 1 the input
is invalid or there is nothing to release; 3 LibreOffice missing or failed, or the output
cannot be written.
"""
from __future__ import annotations

from pathlib import Path

import click

from .errors import print_diagnostics
from .options import document_options, options_from


@click.command("release")
@click.argument("file", type=click.Path(dir_okay=False))
@click.option("-o", "--output", "out_dir", default="out", show_default=True,
              type=click.Path(file_okay=False), help="Output folder.")
@click.option("--format", "fmt", type=click.Choice(["docx", "pdf", "both"]), default=None,
              help="docx, pdf or both (default: both when LibreOffice is available).")
@document_options("A folder with letter.docx to use instead.")
def release(file, out_dir, fmt, library, templates, strict, allow_outside_paths):
    """Write the request to release the retention of FILE into <NUMBER>.docx / .pdf
    (invoicing.retention_release: {number, date})."""
    from ..output import remove_stale_temporaries, safe_name, write_files
    from ..release import prepare_release, release_files
    from .options import resolve_formats
    options = options_from(library, templates, strict, allow_outside_paths)
    formats = resolve_formats(fmt)
    converter = None
    try:
        request = prepare_release(Path(file), options)
        print_diagnostics(request.diagnostics)
        if "pdf" in formats:
            from ..serve.client import converter_for_cli
            converter = converter_for_cli(workers=1)
        files = release_files(request, formats, converter, options)
        remove_stale_temporaries(Path(out_dir))
        written = write_files({Path(out_dir) / f"{safe_name(request.stem)}.{ext}": data
                               for ext, data in files.items()})
    finally:   # errors become exit codes in cli/app.py, as for every command
        if converter is not None:
            converter.close()
    for path in written:
        click.echo(f"wrote {path}")
