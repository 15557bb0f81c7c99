"""Annex PDFs appended to a finalized document: opened through the annex guard."""

from __future__ import annotations

import io
import pathlib
from dataclasses import dataclass

from pypdf import PdfReader
from pypdf.errors import PdfReadError

from .annex_guard import AnnexRefused, clean_annex


@dataclass(frozen=True)
class Annex:
    title: str
    path: pathlib.Path


class AnnexUnreadable(Exception):
    """An annex PDF is missing or is not a readable PDF."""


def open_annex(annex: Annex) -> PdfReader:
    """The annex, bounded, parsed once, active content removed (annex_guard.py)."""
    try:
        reader = PdfReader(io.BytesIO(clean_annex(pathlib.Path(annex.path))[0]))
        len(reader.pages)  # forces parsing the page tree now, not mid-write
    except AnnexRefused as error:
        raise AnnexUnreadable(f"annex {annex.title!r}: {annex.path} {error}") from None
    except (PdfReadError, ValueError, KeyError) as error:
        raise AnnexUnreadable(f"annex {annex.title!r}: {annex.path} is not a readable PDF: {error}") from None
    return reader
