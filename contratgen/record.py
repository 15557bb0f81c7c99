"""Frozen records made cheaply: :func:`record` and the :class:`Record` base.

contratgen's stages pass frozen dataclasses to each other (the house style). A dataclass
is made by generating the source of its methods and compiling each one: for a frozen
dataclass six functions (``__init__``, ``__setattr__``, ``__delattr__``, ``__repr__``,
``__eq__``, ``__hash__``), paid by every process for every class it imports: ~0.4 ms a
class, a tenth of a single ``build``. A record is a dataclass (its fields, ``fields()``,
``replace()``, ``asdict()``, ``__match_args__``) whose methods are :class:`Record`'s,
written once for all of them with the dataclass semantics:

- ``__init__`` takes the fields positionally or by name, in order, with their defaults
  and default factories, and the same ``TypeError`` for a missing or an unknown argument;
- assigning or deleting a field raises :class:`dataclasses.FrozenInstanceError`;
- fields are compared and hashed in order (``compare=False`` ones left out) and shown
  unless ``repr=False``; a record equals only a record of its own class.
"""
from __future__ import annotations

from dataclasses import MISSING, FrozenInstanceError, dataclass, fields
from operator import attrgetter
from typing import Any, Callable, Optional

_set = object.__setattr__


def record(cls: Optional[type] = None, *, slots: bool = False) -> Any:
    """``@record`` (or ``@record(slots=True)``) on a class deriving from :class:`Record`."""
    def make(target: type) -> type:
        if not issubclass(target, Record):
            raise TypeError(f"{target.__name__} must derive from Record")
        made = dataclass(init=False, repr=False, eq=False, slots=slots)(target)
        made._record_plan = Plan(made)   # a class attribute: no slot, no field
        return made
    return make if cls is None else make(cls)


class Record:
    """The base of a :func:`record` class (adds no attribute: ``__slots__`` is empty)."""
    __slots__ = ()
    # each record class has ``_record_plan`` (a Plan), set by record(); not annotated
    # here, so that it is no field and no type hint of the records

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        plan = self._record_plan
        names = plan.names
        if len(args) > len(names):
            required = len(names) - len(plan.defaults) - len(plan.factories)
            takes = f"{len(names) + 1}" if required == len(names) else \
                f"from {required + 1} to {len(names) + 1}"
            raise TypeError(f"{type(self).__qualname__}.__init__() takes {takes} "
                            f"positional arguments but {len(args) + 1} were given")
        for name, value in zip(names, args):
            _set(self, name, value)
        for name in names[len(args):]:
            if name in kwargs:
                value = kwargs.pop(name)
            elif name in plan.factories:
                value = plan.factories[name]()
            elif name in plan.defaults:
                value = plan.defaults[name]
            else:
                raise TypeError(f"{type(self).__qualname__}.__init__() missing 1 required "
                                f"positional argument: '{name}'")
            _set(self, name, value)
        if kwargs:
            name = next(iter(kwargs))
            how = "got multiple values for argument" if name in names else \
                "got an unexpected keyword argument"
            raise TypeError(f"{type(self).__qualname__}.__init__() {how} '{name}'")
        if plan.post_init is not None:
            plan.post_init(self)

    def __setattr__(self, name: str, value: Any) -> None:
        raise FrozenInstanceError(f"cannot assign to field {name!r}")

    def __delattr__(self, name: str) -> None:
        raise FrozenInstanceError(f"cannot delete field {name!r}")

    def __getstate__(self) -> tuple:   # pickle and copy restore fields without __setattr__
        return self._record_plan.values(self)

    def __setstate__(self, state: Any) -> None:
        # a tuple in field order; a mapping from the pickle of a plain dataclass
        items = state.items() if isinstance(state, dict) else zip(self._record_plan.names,
                                                                  state)
        for name, value in items:
            _set(self, name, value)

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
    __slots__ = ("names", "values", "defaults", "factories", "post_init", "compared",
                 "shown", "show")

    def __init__(self, cls: type):
        declared = fields(cls)
        self.names = tuple(f.name for f in declared)
        self.values = _getter(self.names)
        self.defaults = {f.name: f.default for f in declared if f.default is not MISSING}
        self.factories = {f.name: f.default_factory for f in declared
                          if f.default_factory is not MISSING}
        self.post_init = getattr(cls, "__post_init__", None)
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
