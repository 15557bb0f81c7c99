"""The template context's records (frozen dataclasses) as what templates read.

:func:`doc` describes a field (docs/TEMPLATES.md prints it), :func:`as_context` turns a
record into the plain mapping docxtpl and the clause sandbox read, :func:`names_of`
lists its fields. The records themselves are in
:mod:`contratgen.render.context_records` and :mod:`contratgen.render.context_kinds`.
"""
from __future__ import annotations

from dataclasses import field, fields, is_dataclass
from typing import Any

__all__ = ["as_context", "doc", "names_of"]


def doc(text: str) -> Any:
    """A record field with its description (docs/TEMPLATES.md prints it)."""
    return field(metadata={"doc": text})


def names_of(cls: type) -> tuple[str, ...]:
    """A record's field names, in order."""
    return tuple(f.name for f in fields(cls))


def _record(value: Any) -> bool:
    return is_dataclass(value) and not isinstance(value, type)


def _converted(value: Any) -> Any:
    if _record(value):
        return as_context(value)
    if type(value) is tuple:
        return [as_context(v) if _record(v) else v for v in value]
    return value


def as_context(record: Any) -> dict[str, Any]:
    """A record as the mapping templates read: nested records become dicts, tuples of
    them lists (``dataclasses.asdict`` would deep-copy every value and keep tuples)."""
    return {f.name: _converted(getattr(record, f.name)) for f in fields(record)}
