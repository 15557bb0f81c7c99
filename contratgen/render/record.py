"""Records: the frozen dataclasses the template context is made of.

:func:`record` makes one, :func:`as_context` turns one into the plain mapping docxtpl and
the clause sandbox read, :func:`names_of` lists its fields. The records themselves are in
:mod:`contratgen.render.context_records` and :mod:`contratgen.render.context_kinds`.
"""
from __future__ import annotations

import re
import sys
from dataclasses import field, fields
from typing import Any

from ..record import Record, names_of, record as _record, values_of

__all__ = ["Record", "as_context", "doc", "names_of", "record"]


def doc(text: str) -> Any:
    """A record field with its description (docs/TEMPLATES.md prints it)."""
    return field(metadata={"doc": text})


def record(cls: type) -> type:
    """A record class of the template context: a :func:`contratgen.record.record` with
    slots."""
    return _record(cls, slots=True)


def _nests(cls: type, annotation: Any) -> bool:
    """Whether a field so annotated may hold a record or a tuple (converted by as_context).

    Read from the annotation's text (the modules use postponed annotations): a word that
    is ``tuple`` or names a record class of the module. Evaluating the hints instead
    (``typing.get_type_hints``) cost each process more than every conversion after it."""
    if not isinstance(annotation, str):
        annotation = getattr(annotation, "__name__", repr(annotation))
    scope = vars(sys.modules[cls.__module__])
    for word in re.findall(r"[A-Za-z_]\w*", annotation):
        if word == "tuple":
            return True
        found = scope.get(word)
        if isinstance(found, type) and issubclass(found, Record):
            return True
    return False


_NESTED: dict[type, tuple[int, ...]] = {}


def _nested(cls: type) -> tuple[int, ...]:
    found = _NESTED.get(cls)
    if found is None:
        found = _NESTED[cls] = tuple(i for i, f in enumerate(fields(cls))
                                     if _nests(cls, f.type))
    return found


def as_context(record: Record) -> dict[str, Any]:
    """A record as the mapping templates read: nested records become dicts, tuples lists.

    Hand-written rather than ``dataclasses.asdict`` (which deep-copies every value): the
    fields are read at once and only those whose type may nest are looked at."""
    kind = type(record)
    nested = _NESTED.get(kind)
    if nested is None:
        nested = _nested(kind)
    names, values = names_of(kind), values_of(record)
    if nested:
        values = list(values)
        for i in nested:
            value = values[i]
            if isinstance(value, Record):
                values[i] = as_context(value)
            elif type(value) is tuple:
                values[i] = [as_context(v) if isinstance(v, Record) else v for v in value]
    return dict(zip(names, values))
