"""Every problem of a file at once: a schema error in one field does not hide the legal
errors that can still be checked on the others.

:func:`parse_partial` validates the file; when some fields are malformed it reports them,
then validates a copy in which each malformed field is removed (when optional) or
replaced by a neutral placeholder, so that the later stages — clause selection and the
legal rules — still run on every field that is well-formed. Diagnostics those stages
emit at a replaced field are dropped (they would describe the placeholder, not the file).
"""
from __future__ import annotations

from dataclasses import dataclass

import copy
import datetime
from typing import Any, Iterable, Optional

from pydantic import ValidationError

from ..diagnostics import Diagnostic, UserError
from .model import ClientFile, parse_client
from .source import Source

MAX_ROUNDS = 30
_DELETE = object()
# tried in order until the field validates; a mapping or a list lets validation go on
# inside a section that was missing or malformed
STRATEGIES = (_DELETE, 1, "-", datetime.date(2000, 1, 1), {}, [])
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
        amounts = any(p[:1] == ("items",) or p[:2] == ("payment", "schedule")
                      for p in self.replaced)
        return [d for d in diagnostics if (d.line, d.col) not in spots
                and not (amounts and d.code in AMOUNT_RULES)]


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
        parent = _node(data, loc[:-1]) if loc else None
        if not loc or loc in DECISIVE or not isinstance(parent, (dict, list)) \
                or (isinstance(parent, list) and not isinstance(loc[-1], int)):
            return False
        step = tried.get(loc, 0)
        if isinstance(parent, list) and step == 0:
            step = 1          # removing an element would shift the positions of the others
        if step >= len(STRATEGIES):
            return False
        tried[loc] = step + 1
        strategy = STRATEGIES[step]
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
