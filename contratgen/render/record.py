"""Records: the frozen dataclasses the template context is made of.

:func:`record` makes one, :func:`as_context` turns one into the plain mapping docxtpl and
the clause sandbox read, :func:`names_of` lists its fields. The records themselves are in
:mod:`contratgen.render.context_records` and :mod:`contratgen.render.context_kinds`.
"""
from __future__ import annotations

import re
import sys
from dataclasses import dataclass, field, fields
from operator import attrgetter
from typing import Any, Callable


def doc(text: str) -> Any:
    """A record field with its description (docs/TEMPLATES.md prints it)."""
    return field(metadata={"doc": text})


def record(cls: type) -> type:
    """A record class: a frozen dataclass with slots.

    Its ``__repr__``, ``__eq__`` and ``__hash__`` are :class:`Record`'s, one of each for
    every record, rather than three generated (and compiled) for each class: making those
    was two thirds of this module's import, paid by every process that builds a document."""
    return dataclass(frozen=True, slots=True, repr=False, eq=False)(cls)


class Record:
    """A part of the template context (a frozen dataclass, made by :func:`record`)."""
    __slots__ = ()

    def _values(self) -> tuple:
        return _plan_of(type(self))[1](self)

    def __repr__(self) -> str:
        pairs = ", ".join(f"{name}={value!r}"
                          for name, value in zip(names_of(type(self)), self._values()))
        return f"{type(self).__name__}({pairs})"

    def __eq__(self, other: object) -> bool:
        if type(other) is not type(self):
            return NotImplemented
        return self._values() == other._values()

    def __hash__(self) -> int:
        return hash((type(self), self._values()))


def names_of(cls: type) -> tuple[str, ...]:
    """A record's field names, in order."""
    return _plan_of(cls)[0]


_PLANS: dict[type, tuple] = {}


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


def _plan_of(cls: type) -> tuple[tuple[str, ...], Callable[[Any], tuple], tuple[int, ...]]:
    plan = _PLANS.get(cls)
    if plan is None:
        declared = fields(cls)
        names = tuple(f.name for f in declared)
        getter = attrgetter(*names) if len(names) > 1 else lambda r: (getattr(r, names[0]),)
        plan = _PLANS[cls] = (names, getter, tuple(i for i, f in enumerate(declared)
                                                   if _nests(cls, f.type)))
    return plan


def as_context(record: Record) -> dict[str, Any]:
    """A record as the mapping templates read: nested records become dicts, tuples lists.

    Hand-written rather than ``dataclasses.asdict`` (which deep-copies every value): the
    fields are read at once and only those whose type may nest are looked at."""
    names, getter, nested = _PLANS.get(type(record)) or _plan_of(type(record))
    values = getter(record)
    if nested:
        values = list(values)
        for i in nested:
            value = values[i]
            if isinstance(value, Record):
                values[i] = as_context(value)
            elif type(value) is tuple:
                values[i] = [as_context(v) if isinstance(v, Record) else v for v in value]
    return dict(zip(names, values))
