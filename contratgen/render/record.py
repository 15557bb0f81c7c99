"""The template context's records (frozen dataclasses) as what templates read.

:func:`doc` describes a field (docs/TEMPLATES.md prints it), :func:`as_context` turns a
record into the plain mapping docxtpl and the clause sandbox read, :func:`names_of`
lists its fields. The records themselves are in
:mod:`contratgen.render.context_records` and :mod:`contratgen.render.context_kinds`.
"""
from __future__ import annotations

from dataclasses import field, fields
from functools import lru_cache
from typing import Any

__all__ = ["as_context", "doc", "names_of"]


def doc(text: str) -> Any:
    """A record field with its description (docs/TEMPLATES.md prints it)."""
    return field(metadata={"doc": text})


@lru_cache(maxsize=None)
def names_of(cls: type) -> tuple[str, ...]:
    """A record's field names, in order."""
    return tuple(f.name for f in fields(cls))


def _record(value: Any) -> bool:
    return hasattr(type(value), "__dataclass_fields__")   # an instance, not the class


def as_context(record: Any) -> dict[str, Any]:
    """A record as the mapping templates read: nested records become dicts, tuples lists
    (their records dicts); ``dataclasses.asdict`` would deep-copy every value."""
    out = {}
    for name in names_of(type(record)):
        value = getattr(record, name)
        if type(value) is tuple:
            value = [as_context(v) if _record(v) else v for v in value]
        elif _record(value):
            value = as_context(value)
        out[name] = value
    return out
