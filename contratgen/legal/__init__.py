"""Legal rules (LEGAL_FR.md): rates data plus one small function per rule.

``engine`` says what a rule is and how waivers work; ``catalog`` lists the rules;
``payment``, ``clauses``, ``quote`` and ``identity`` hold them by subject.
"""
from __future__ import annotations

from ..diagnostics import Diagnostic
from .engine import Rule


def list_rules() -> tuple[Rule, ...]:
    """Every rule, in the order of LEGAL_FR.md (``contratgen check --rules``)."""
    from .catalog import RULES
    return RULES


def check_document(prepared) -> list[Diagnostic]:
    """Every applicable legal rule on a prepared document, waivers applied."""
    from .engine import run_rules
    return run_rules(prepared, list_rules())
