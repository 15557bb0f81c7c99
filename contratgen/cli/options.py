"""Options shared by the commands: which formats a build writes.
"""
from __future__ import annotations

import click
from .errors import Failed


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
        raise Failed(3, "LibreOffice is needed for PDF output and was not found: "
                        "apt-get install libreoffice-writer-nogui (or use --format docx)")
    return {"docx": ("docx",), "pdf": ("pdf",), "both": ("docx", "pdf")}[fmt]
