"""Frozen records made cheaply: :func:`record` and the :class:`Record` base.

contratgen's stages pass frozen dataclasses to each other (the house style). A dataclass
is made by generating the source of its methods and compiling each one; for a frozen
dataclass that is six functions (``__init__``, ``__setattr__``, ``__delattr__``,
``__repr__``, ``__eq__``, ``__hash__``), paid by every process for every class it
imports: ~0.4 ms a class, a tenth of a single ``build``. A record is a frozen dataclass
whose ``__repr__``, ``__eq__`` and ``__hash__`` are :class:`Record`'s, written once for
all of them, with the dataclass semantics: fields compared and hashed in order (those
with ``compare=False`` left out), shown unless ``repr=False``, equal only to a record of
the same class.
"""
from __future__ import annotations

from dataclasses import dataclass, fields
from operator import attrgetter
from typing import Any, Callable, Optional


def record(cls: Optional[type] = None, *, slots: bool = False) -> Any:
    """``@record`` (or ``@record(slots=True)``) on a class deriving from :class:`Record`."""
    def make(target: type) -> type:
        if not issubclass(target, Record):
            raise TypeError(f"{target.__name__} must derive from Record")
        made = dataclass(frozen=True, slots=slots, repr=False, eq=False)(target)
        made._record_plan = Plan(made)   # a class attribute: no slot, no field
        return made
    return make if cls is None else make(cls)


class Record:
    """The base of a :func:`record` class (adds no attribute: ``__slots__`` is empty)."""
    __slots__ = ()

    # each record class has ``_record_plan`` (a Plan), set by record(); not annotated
    # here, so that it is no field and no type hint of the records

    def __repr__(self) -> str:
        plan = self._record_plan
        pairs = ", ".join(f"{name}={value!r}" for name, value in zip(plan.shown,
                                                                     plan.show(self)))
        return f"{type(self).__qualname__}({pairs})"

    def __eq__(self, other: object) -> bool:
        if type(other) is not type(self):
            return NotImplemented
        compared = self._record_plan.compared
        return compared(self) == compared(other)

    def __hash__(self) -> int:
        return hash(self._record_plan.compared(self))


class Plan:
    """What :class:`Record`'s methods read of a record class, found once per class."""
    __slots__ = ("names", "values", "compared", "shown", "show")

    def __init__(self, cls: type):
        declared = fields(cls)
        self.names = tuple(f.name for f in declared)
        self.values = _getter(self.names)
        self.compared = _getter(tuple(f.name for f in declared if f.compare))
        self.shown = tuple(f.name for f in declared if f.repr)
        self.show = _getter(self.shown)


def _getter(names: tuple[str, ...]) -> Callable[[Any], tuple]:
    if len(names) > 1:
        return attrgetter(*names)
    if names:
        name = names[0]
        return lambda r: (getattr(r, name),)
    return lambda r: ()


def names_of(cls: type) -> tuple[str, ...]:
    """A record's field names, in order."""
    return cls._record_plan.names


def values_of(item: Record) -> tuple:
    """A record's field values, in the order of :func:`names_of`."""
    return item._record_plan.values(item)
