"""Where each signature field goes."""

from __future__ import annotations

from collections.abc import Sequence

from pypdf import PdfReader

from .signature_fields import Placement, SignatureSlot
from .signature_text import place_by_text


def place_fields(reader: PdfReader, slots: Sequence[SignatureSlot]) -> list[Placement]:
    """A placement for each slot."""
    return place_by_text(reader, slots)
