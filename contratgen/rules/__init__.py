"""Legal rules (LEGAL_FR.md): rates data plus one small function per rule."""
from __future__ import annotations


def check_document(prepared) -> list:
    """Every applicable legal rule on a prepared document (filled in by rules.engine)."""
    try:
        from .engine import check
    except ImportError:  # the rule engine is not there yet
        return []
    return check(prepared)
