"""``contratgen invoice``: the invoices of ``invoicing.invoices`` as Factur-X PDF and DOCX.

Options in, pipeline call (:mod:`contratgen.invoicing.pipeline`), diagnostics out.
Exit codes as ``build``: 0 written, 1 an input invalid, 3 LibreOffice missing or failed.
"""
from __future__ import annotations

from pathlib import Path

import click

from ..diagnostics import UserError
from .errors import print_diagnostics
from .options import document_options, options_from


@click.command()
@click.argument("files", nargs=-1, required=True, type=click.Path(dir_okay=False))
@click.option("-o", "--output", "out_dir", default="out", show_default=True,
              type=click.Path(file_okay=False), help="Output folder.")
@click.option("--format", "fmt", type=click.Choice(["docx", "pdf", "both"]), default=None,
              help="docx, pdf (Factur-X) or both (default: both when LibreOffice is "
                   "available).")
@click.option("--syntax", type=click.Choice(["facturx", "cii", "ubl"]), default="facturx",
              show_default=True,
              help="facturx: <number>.pdf (PDF/A-3 with factur-x.xml) and .docx; cii or "
                   "ubl: <number>.xml, the syntax the client's platform asks for. Every "
                   "XML is validated (XSD, EN 16931, French rules BR-FR between French "
                   "businesses) before anything is written.")
@click.option("--number", default=None, metavar="N",
              help="Build only the invoice (or credit note) N.")
@document_options("A folder with invoice.docx to use instead.", rates=False)
@click.option("--penalties", "claimed", default=None, metavar="INVOICE",
              help="Build instead the penalty invoice of INVOICE: its late interest and "
                   "recovery indemnity on --on, outside the scope of VAT.")
@click.option("--penalty-number", default=None, metavar="N",
              help="The penalty invoice's own number (with --penalties).")
@click.option("--on", "on", type=click.DateTime(formats=["%Y-%m-%d"]), default=None,
              help="With --penalties: the date computed to and of the invoice (default: "
                   "today).")
def invoice(files, out_dir, fmt, syntax, number, library, templates, strict,
            allow_outside_paths, claimed, penalty_number, on):
    """Build the invoices and credit notes of each FILE (invoicing.invoices,
    invoicing.credit_notes) into <number>.pdf (Factur-X, EN 16931, PDF/A-3) and
    <number>.docx, or <number>.xml (--syntax cii|ubl)."""
    from ..output import remove_stale_temporaries
    from .errors import Failed
    from .options import resolve_formats
    from ..invoicing.pipeline import build_invoices
    options = options_from(library, templates, strict, allow_outside_paths)
    if syntax != "facturx" and (fmt is not None or claimed is not None):
        raise Failed(2, f"--syntax {syntax} writes <number>.xml alone: --format and "
                        "--penalties go with the default --syntax facturx")
    formats = resolve_formats(fmt) if syntax == "facturx" else ("xml",)
    if claimed is not None:   # the penalty invoice of one late invoice (docs/COLLECTION.md)
        from .remind import penalty_invoice
        return penalty_invoice(files, out_dir, formats, options, claimed, penalty_number, on)
    remove_stale_temporaries(Path(out_dir))
    numbers: dict[str, str] = {}   # invoice number → the file that built it in this run
    failed, converter, written_any = 0, None, False
    try:
        for name in files:
            try:
                if "pdf" in formats and converter is None:
                    from ..serve.client import converter_for_cli
                    converter = converter_for_cli(workers=1, pdfa=True)
                written, warnings = build_invoices(Path(name), Path(out_dir), formats,
                                                   options, converter, numbers, number,
                                                   syntax)
                print_diagnostics(warnings)
                for path in written:
                    written_any = True
                    click.echo(f"wrote {path}")
            except UserError as exc:
                print_diagnostics(exc.diagnostics)
                failed += 1
    finally:   # ExternalError and OSError become exit 3 in cli/app.py, as everywhere
        if converter is not None:
            converter.close()
    if failed:
        raise Failed(1)
    if number is not None and not written_any:
        raise Failed(1, f"no invoice numbered {number} in {', '.join(files)}")
