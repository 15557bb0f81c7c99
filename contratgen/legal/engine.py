"""The rule engine: what a rule is, who it applies to, and how waivers work.

A :class:`Rule` is a value: its id (``legal.xxx``, the code in brackets of every
diagnostic it emits), its severity, who it applies to (in words, as LEGAL_FR.md
writes it), its legal source, and one small function. The catalogue
(:mod:`contratgen.legal.catalog`) lists them in the order of LEGAL_FR.md.

A rule function receives a :class:`Finder` (the prepared document plus a way to
emit diagnostics located at a YAML node) and yields diagnostics. Every message
ends with the rule's source, so a reader sees the law next to the problem.
"""
from __future__ import annotations

from dataclasses import dataclass, replace
from decimal import Decimal
from typing import TYPE_CHECKING, Callable, Iterable, Sequence

from ..diagnostics import ERROR, NOTE, WARNING, Diagnostic, Severity, StrEnum

if TYPE_CHECKING:  # pragma: no cover - import only for type checkers
    from ..document import Prepared


# --- who a rule applies to ------------------------------------------------------------

def _b2b(p: "Prepared") -> bool:
    return p.client.client.kind == "business"


def _b2c(p: "Prepared") -> bool:
    return p.client.client.kind == "consumer"


def _b2c_off_premises(p: "Prepared") -> bool:
    return _b2c(p) and p.client.document.context == "off_premises"


def _b2c_away(p: "Prepared") -> bool:
    return _b2c(p) and p.client.document.context in ("off_premises", "distance")


def _quote(p: "Prepared") -> bool:
    return p.client.document.type == "quote"


def _b2c_goods(p: "Prepared") -> bool:
    return _b2c(p) and p.client.document.nature in ("goods", "mixed")


def _b2c_fair(p: "Prepared") -> bool:
    return _b2c(p) and p.client.document.context == "fair"


def _building(p: "Prepared") -> bool:
    return p.client.provider.building_trade


def _public(p: "Prepared") -> bool:
    return p.client.client.kind == "public"


MICRO_BUSINESS_EMPLOYEES = 5   # C. conso. L221-3


def _micro_off_premises(p: "Prepared") -> bool:
    """A business of at most 5 employees signing off premises a contract outside its main
    activity (C. conso. L221-3)."""
    client = p.client.client
    return _b2b(p) and p.client.document.context == "off_premises" \
        and client.outside_main_activity and client.employees is not None \
        and client.employees <= MICRO_BUSINESS_EMPLOYEES


# CGI 279-0 bis (10 %), 278-0 bis A (5,5 %): works on dwellings finished over two years ago
REDUCED_BUILDING_RATES = (Decimal("10"), Decimal("5.5"))


def _b2c_building_reduced(p: "Prepared") -> bool:
    return _b2c(p) and _building(p) and any(
        item.vat_rate in REDUCED_BUILDING_RATES for item in p.client.items)


class Level(StrEnum):
    """A rule's severity in the catalogue (LEGAL_FR.md's column)."""

    ERROR = "error"
    WARNING = "warning"
    PRINTED = "printed"   # a text contratgen prints; fails only when it cannot be printed

    @property
    def severity(self) -> Severity:
        """What a diagnostic of this rule is when the rule does not say: a text that
        cannot be printed stops the document."""
        return WARNING if self is Level.WARNING else ERROR


class Applies(StrEnum):
    """Who a rule applies to, in the words of LEGAL_FR.md (``check --rules`` prints them)."""

    ALL = "all"
    B2B = "B2B"
    B2C = "B2C"
    B2C_OFF_PREMISES = "B2C off-premises"
    B2C_AWAY = "B2C off-premises / distance"
    QUOTE = "quote"
    B2C_GOODS = "B2C goods / mixed"
    B2C_FAIR = "B2C at a fair"
    BUILDING = "building trade"
    B2C_BUILDING_REDUCED = "B2C building works at 10 % or 5.5 %"
    PUBLIC = "public purchaser"
    MICRO_OFF_PREMISES = "B2B, ≤ 5 employees, outside main activity, off premises"


APPLIES: dict[Applies, Callable[["Prepared"], bool]] = {
    Applies.ALL: lambda p: True,
    Applies.B2B: _b2b,
    Applies.B2C: _b2c,
    Applies.B2C_OFF_PREMISES: _b2c_off_premises,
    Applies.B2C_AWAY: _b2c_away,
    Applies.QUOTE: _quote,
    Applies.B2C_GOODS: _b2c_goods,
    Applies.B2C_FAIR: _b2c_fair,
    Applies.BUILDING: _building,
    Applies.B2C_BUILDING_REDUCED: _b2c_building_reduced,
    Applies.PUBLIC: _public,
    Applies.MICRO_OFF_PREMISES: _micro_off_premises,
}


# --- rules ----------------------------------------------------------------------------

DEAL_DOCUMENTS = ("contract", "quote")
AGREEMENT = ("installment_agreement",)
ALL_DOCUMENTS = DEAL_DOCUMENTS + AGREEMENT


@dataclass(frozen=True, slots=True)
class Rule:
    id: str
    severity: Level               # the rule's severity in the catalogue (a rule may say less)
    applies: Applies              # who: "B2B", "B2C off-premises", "quote", ...
    source: str                   # the legal source quoted in every message ("—": none)
    summary: str                  # the rule in one line, as LEGAL_FR.md states it
    function: Callable[["Finder"], Iterable[Diagnostic]]
    documents: tuple[str, ...] = DEAL_DOCUMENTS   # the document types it checks

    def applies_to(self, prepared: "Prepared") -> bool:
        return prepared.client.document.type in self.documents and \
            APPLIES[self.applies](prepared)

    def run(self, prepared: "Prepared") -> list[Diagnostic]:
        if not self.applies_to(prepared):
            return []
        return list(self.function(Finder(prepared, self)))


def rule(id: str, severity: str, applies: str, source: str, summary: str,
         documents: tuple[str, ...] = DEAL_DOCUMENTS):
    """Decorator: make a rule function into a :class:`Rule` value (by default a rule
    checks quotes and contracts; an instalment agreement has no price, no items)."""
    try:   # the catalogue's words, checked when the module is imported
        who, level = Applies(applies), Level(severity)
    except ValueError:
        raise ValueError(f"unknown applicability {applies!r} or severity {severity!r} "
                         f"for {id}") from None

    def wrap(function: Callable[["Finder"], Iterable[Diagnostic]]) -> Rule:
        return Rule(id, level, who, source, summary, function, tuple(documents))
    return wrap


@dataclass(frozen=True, slots=True)
class Finder:
    """What a rule function sees: the document, and ``at()`` to report a problem."""

    prepared: "Prepared"
    rule: Rule

    @property
    def client(self):
        return self.prepared.client

    def at(self, path: Sequence, message: str, severity: str | None = None, *,
           key: bool = False) -> Diagnostic:
        """A diagnostic at the YAML node ``path``, its message followed by the source."""
        if self.rule.source and self.rule.source != "—":
            message = f"{message} ({self.rule.source})"
        return self.prepared.source.diagnostic(tuple(path), message, self.rule.id,
                                               severity or self.rule.severity.severity,
                                               key=key)

    def at_field(self, path: Sequence, message: str, severity: str | None = None) -> Diagnostic:
        """At the node ``path`` if the file writes it, else at the key of its nearest
        written ancestor (a missing ``payment.late_penalty_rate`` points at ``payment:``)."""
        path = tuple(path)
        positions = self.prepared.source.positions
        if path in positions:
            return self.at(path, message, severity)
        parent = path[:-1]
        while parent and parent not in positions:
            parent = parent[:-1]
        return self.at(parent, message, severity, key=bool(parent))

    def clauses_of(self, *categories: str):
        """The selected clauses of these categories, in document order."""
        return [s for s in self.prepared.clauses if s.clause.spec.category in categories]


# --- running and waivers --------------------------------------------------------------

WAIVE = "legal.waive"


def run_rules(prepared: "Prepared", rules: Sequence[Rule]) -> list[Diagnostic]:
    diagnostics: list[Diagnostic] = []
    for r in rules:
        diagnostics.extend(r.run(prepared))
    return apply_waivers(prepared, rules, diagnostics)


def apply_waivers(prepared: "Prepared", rules: Sequence[Rule],
                  diagnostics: list[Diagnostic]) -> list[Diagnostic]:
    """``waive: [{rule, reason}]`` turns that rule's warnings into notes.

    Only a warning rule can be waived: an error is a clause the law voids or a fine,
    and no reason written in client.yaml changes that. Errors of a rule are never
    waived, even when the same rule also emits warnings.
    """
    by_id = {r.id: r for r in rules}
    reasons: dict[str, str] = {}
    problems: list[Diagnostic] = []
    source = prepared.source
    for i, waiver in enumerate(prepared.client.waive):
        where = ("waive", i, "rule")
        target = by_id.get(waiver.rule)
        if target is None:
            known = ", ".join(r.id for r in rules if r.severity == WARNING)
            problems.append(source.diagnostic(where, f"cannot waive unknown rule "
                                              f"'{waiver.rule}' (warnings that can be waived: "
                                              f"{known})", WAIVE))
        elif target.severity != WARNING:
            problems.append(source.diagnostic(where, f"rule '{waiver.rule}' is an error and "
                                              "cannot be waived: fix the document instead",
                                              WAIVE))
        elif not waiver.reason.strip():
            problems.append(source.diagnostic(("waive", i), f"waiving '{waiver.rule}' needs "
                                              "a reason", WAIVE))
        else:
            reasons[waiver.rule] = waiver.reason.strip()
    result = []
    for d in diagnostics:
        if d.severity == WARNING and d.code in reasons:
            d = replace(d, severity=NOTE, message=f"waived: {reasons[d.code]} — {d.message}")
        result.append(d)
    return result + problems


__all__ = ["AGREEMENT", "ALL_DOCUMENTS", "APPLIES", "Applies", "DEAL_DOCUMENTS", "ERROR",
           "Finder", "Level", "NOTE", "Rule", "WARNING", "apply_waivers", "rule", "run_rules"]
