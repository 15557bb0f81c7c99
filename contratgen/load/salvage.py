"""Every problem of a file at once: a schema error in one field does not hide the legal
errors that can still be checked on the others.

:func:`parse_partial` validates the file; when some fields are malformed it reports them,
then validates a copy in which each malformed field is removed (when optional) or
replaced by a neutral placeholder, so that the later stages — clause selection and the
legal rules — still run on every field that is well-formed. Diagnostics those stages
emit at a replaced field, or naming it, are dropped (they would describe the
placeholder, not the file).

When removing a field makes its entry fail as a whole (an invoice of the ledger without
its ``tranche`` is "give either 'tranche' or 'situation'"), the field's next placeholder
is tried rather than the entry given up: one malformed field of the ledger does not hide
the ledger's other errors. In the ledger a placeholder is chosen so that it cannot match a
real entry (tranche 100, invoice "?"): the cross-checks of the real entries stay true.
"""
from __future__ import annotations

from dataclasses import dataclass

import copy
import datetime
from typing import Any, Callable, Iterable, Optional

from pydantic import ValidationError

from ..diagnostics import Diagnostic, UserError
from .model import ClientFile, parse_client
from .source import Source

MAX_ROUNDS = 30
_DELETE = object()
# tried in order until the field validates; a mapping or a list lets validation go on
# inside a section that was missing or malformed
STRATEGIES = (_DELETE, 1, "-", datetime.date(2000, 1, 1), {}, [])
# in the ledger: nothing a real entry refers to (tranche 100 and invoice "?" match none)
NOTHING = "?"      # the placeholder of a text of the ledger: no real invoice is "?"
LEDGER_STRATEGIES = (_DELETE, NOTHING, 100, datetime.date(2000, 1, 1), {}, [])
_LONG_AGO = datetime.date(2000, 1, 1)
# an entry of the ledger that fails as a whole ("give either 'tranche' or 'situation'")
# is replaced by one that refers to nothing real; what is said about it is dropped
LEDGER_ENTRIES = {
    "invoices": {"tranche": 100, "number": NOTHING, "date": _LONG_AGO},
    "payments": {"invoice": NOTHING, "date": _LONG_AGO, "amount": 1},
    "notices": {"invoice": NOTHING, "date": _LONG_AGO},
    "credit_notes": {"number": NOTHING, "date": _LONG_AGO, "cancels": NOTHING,
                     "reason": NOTHING},
    "disputes": {"invoice": NOTHING, "date": _LONG_AGO, "reason": NOTHING},
    "judgments": {"invoice": NOTHING, "date": _LONG_AGO},
    "sent": {"invoice": NOTHING, "level": "reminder", "date": _LONG_AGO},
}
# fields that decide which rules apply: a malformed one is never guessed (a consumer's
# document checked as a business one would report false errors), the schema errors stand
DECISIVE = {("document", "type"), ("document", "context"), ("document", "nature"),
            ("document", "language"), ("client", "kind"), ("provider", "vat"),
            ("vat", "regime"), ("client",), ("document",), ("provider",)}
# rules whose result depends on the amounts: silent when an item or a tranche was replaced
AMOUNT_RULES = ("legal.schedule-total", "legal.penalty-clause-consumer")


@dataclass(frozen=True, slots=True)
class Partial:
    client: Optional[ClientFile]       # None: nothing could be checked beyond the schema
    diagnostics: tuple[Diagnostic, ...]  # the schema errors of the file as written
    replaced: tuple[tuple, ...]        # the paths of the fields removed or replaced

    def keep(self, source: Source, diagnostics: Iterable[Diagnostic]) -> list[Diagnostic]:
        """The later diagnostics that are about the file, not about a placeholder."""
        spots = {source.where(p) for p in self.replaced}
        spots |= {source.where(p, key=True) for p in self.replaced}
        # and anything inside a replaced entry
        spots |= {where for path, where in source.positions.items()
                  if any(len(path) > len(p) and path[:len(p)] == p for p in self.replaced)}
        amounts = any(p[:1] == ("items",) or p[:2] == ("payment", "schedule")
                      for p in self.replaced)
        # "set document.free_of_charge": a rule asking for a field the file wrote wrongly
        named = {".".join(p) for p in self.replaced if all(isinstance(k, str) for k in p)}
        return [d for d in diagnostics if (d.line, d.col) not in spots
                and not (amounts and d.code in AMOUNT_RULES)
                and not any(_names(d.message, name) for name in named)]


def parse_partial(source: Source) -> Partial:
    try:
        return Partial(parse_client(source), (), ())
    except UserError as exc:
        reported = exc.diagnostics
    if not isinstance(source.data, dict):
        return Partial(None, reported, ())
    data = copy.deepcopy(source.data)
    tried: dict[tuple, int] = {}
    for _ in range(MAX_ROUNDS):
        try:
            client = ClientFile.model_validate(data)
        except ValidationError as exc:
            if not _repair(data, _locations(exc), tried):
                return Partial(None, reported, ())
            continue
        return Partial(client, reported, tuple(tried))
    return Partial(None, reported, ())


def checked(source: Source, check: Callable[[ClientFile], list[Diagnostic]]) -> ClientFile:
    """The client file, when it is valid and ``check`` finds no error; else a
    :class:`UserError` with the schema errors and the errors ``check`` finds on the
    well-formed fields (``dues`` checks the ledger this way)."""
    partial = parse_partial(source)
    if partial.client is None:
        raise UserError(partial.diagnostics)
    if not partial.diagnostics:
        return partial.client
    found = list(partial.diagnostics) + [d for d in partial.keep(source, check(partial.client))
                                         if d.is_error]
    raise UserError(sorted(found, key=lambda d: (d.line, d.col)))


def _names(message: str, name: str) -> bool:
    at = message.find(name)
    while at >= 0:
        end = at + len(name)
        if (at == 0 or not (message[at - 1].isalnum() or message[at - 1] in "._")) and \
                (end == len(message) or not (message[end].isalnum() or message[end] == "_")):
            return True
        at = message.find(name, at + 1)
    return False


def _locations(exc: ValidationError) -> list[tuple]:
    seen: list[tuple] = []
    for err in exc.errors(include_url=False):
        loc = tuple(p for p in err["loc"] if isinstance(p, int) or "[" not in p)
        if loc not in seen:
            seen.append(loc)
    return seen


def _repair(data: Any, locations: list[tuple], tried: dict[tuple, int]) -> bool:
    """Apply the next strategy to each failing field; False when one cannot be repaired
    (a whole-file or whole-section rule such as "give valid_until or validity_days")."""
    for loc in locations:
        changed = [t for t in tried if len(t) > len(loc) and t[:len(loc)] == loc]
        if changed:   # the entry fails because of what was done to its field: try the next
            if not all(_apply(data, t, tried) for t in changed):
                return False
            continue
        parent = _node(data, loc[:-1]) if loc else None
        if not loc or loc in DECISIVE or not isinstance(parent, (dict, list)) \
                or (isinstance(parent, list) and not isinstance(loc[-1], int)):
            return False
        if not _apply(data, loc, tried):
            return False
    return True


def _apply(data: Any, loc: tuple, tried: dict[tuple, int]) -> bool:
    """Put the next placeholder at ``loc``; False when none is left."""
    parent = _node(data, loc[:-1])
    strategies = STRATEGIES
    if loc[:1] == ("invoicing",):
        entry = LEDGER_ENTRIES.get(loc[1]) if len(loc) == 3 and isinstance(loc[2], int) \
            else None
        strategies = (_DELETE, entry) if entry else LEDGER_STRATEGIES
    step = tried.get(loc, 0)
    if isinstance(parent, list) and step == 0:
        step = 1          # removing an element would shift the positions of the others
    if step >= len(strategies) or not isinstance(parent, (dict, list)):
        return False
    tried[loc] = step + 1
    strategy = strategies[step]
    if strategy is _DELETE:
        parent.pop(loc[-1], None)
    else:
        parent[loc[-1]] = copy.deepcopy(strategy)
    return True


def _node(data: Any, path: tuple) -> Any:
    for part in path:
        if isinstance(data, dict) and part in data:
            data = data[part]
        elif isinstance(data, list) and isinstance(part, int) and 0 <= part < len(data):
            data = data[part]
        else:
            return None
    return data
