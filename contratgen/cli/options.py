"""Options shared by the commands: which formats a build writes, and the options of every
command that builds documents (library, templates, strictness, paths, rates).
"""
from __future__ import annotations

from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

import click
from .errors import Unavailable
from .rates import rates_option, selected_rates


def document_options(templates_help: str, rates: bool = True):
    """``--library``, ``--templates`` (``templates_help`` says which files it holds),
    ``--strict``, ``--allow-outside-paths`` and (``rates``) ``--rates``, in that order."""
    def decorate(f):
        if rates:
            f = rates_option(f)
        f = click.option("--allow-outside-paths", is_flag=True,
                         help="Allow library/template/annex paths outside the input's "
                              "folder.")(f)
        f = click.option("--strict", is_flag=True, help="Treat warnings as errors.")(f)
        f = click.option("--templates", type=click.Path(file_okay=False),
                         help=templates_help)(f)
        return click.option("--library", multiple=True, type=click.Path(file_okay=False),
                            help="A clause library folder, layered over the shipped one.")(f)
    return decorate


def options_from(library, templates, strict, allow_outside_paths):
    """The pipeline's :class:`~contratgen.document.Options` from those options (the
    ``--rates`` table when the command takes it)."""
    from ..document import Options
    return Options(library_dirs=tuple(Path(d) for d in library),
                   templates_dir=Path(templates) if templates else None, strict=strict,
                   allow_outside_paths=allow_outside_paths, rates=selected_rates())


def resolve_formats(fmt: str | None) -> tuple[str, ...]:
    """``--format`` defaults to both when LibreOffice is there, else docx (said once)."""
    if fmt == "docx":   # no need to look for LibreOffice (nor import the PDF stage)
        return ("docx",)
    from ..pdf.workers import find_soffice
    if fmt is None:
        if find_soffice():
            return ("docx", "pdf")
        click.echo("contratgen: LibreOffice not found, writing DOCX only "
                   "(apt-get install libreoffice-writer-nogui for PDF)", err=True)
        return ("docx",)
    if fmt != "docx" and not find_soffice():
        raise Unavailable("LibreOffice is needed for PDF output and was not found: "
                        "apt-get install libreoffice-writer-nogui (or use --format docx)")
    return {"docx": ("docx",), "pdf": ("pdf",), "both": ("docx", "pdf")}[fmt]


@contextmanager
def pdf_converter(formats: tuple[str, ...], pdfa: bool = False) -> Iterator[object]:
    """The one way a command opens and closes its PDF converter: started (warming
    LibreOffice up while the first document is prepared) only when ``formats`` asks for
    a PDF, else None; closed when the command ends, whatever happens."""
    if "pdf" not in formats:
        yield None
        return
    from ..diagnostics import ExternalError
    from ..pdf.workers import ConverterMissing
    from ..serve.client import converter_for_cli
    try:
        converter = converter_for_cli(workers=1, pdfa=pdfa)
    except ConverterMissing as exc:
        raise ExternalError(str(exc)) from None
    try:
        yield converter
    finally:
        converter.close()
