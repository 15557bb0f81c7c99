"""contratgen.record: a record behaves as the frozen dataclass it replaces (compared here
with a plain ``@dataclass(frozen=True)`` of the same fields), without compiling methods."""
from __future__ import annotations

import copy
import dataclasses
import pickle
from dataclasses import dataclass, field

import pytest

from contratgen.record import Record, names_of, record, values_of


@dataclass(frozen=True)
class Plain:
    number: int
    label: str = "acompte"
    tags: tuple = field(default_factory=tuple)
    note: str = field(default="", compare=False, repr=False)


@record
class Rec(Record):
    number: int
    label: str = "acompte"
    tags: tuple = field(default_factory=tuple)
    note: str = field(default="", compare=False, repr=False)


@record(slots=True)
class Slotted(Record):
    number: int
    label: str = "acompte"
    tags: tuple = field(default_factory=tuple)
    note: str = field(default="", compare=False, repr=False)


CALLS = [((1,), {}), ((1, "solde"), {}), ((), {"number": 2, "tags": ("a",)}),
         ((3,), {"note": "x"}), ((4, "b", ("c",), "d"), {})]
BAD_CALLS = [((), {}), ((1,), {"colour": "red"}), ((1,), {"number": 1}),
             ((1, "a", (), "n", "extra"), {})]


@pytest.mark.parametrize("cls", [Rec, Slotted])
@pytest.mark.parametrize("args, kwargs", CALLS)
def test_a_record_is_made_compared_hashed_and_shown_as_the_dataclass(cls, args, kwargs):
    mine, theirs = cls(*args, **kwargs), Plain(*args, **kwargs)
    assert values_of(mine) == tuple(getattr(theirs, n) for n in names_of(cls))
    assert repr(mine) == repr(theirs).replace("Plain", cls.__qualname__)
    twin = dataclasses.replace(mine, note="another note")   # note: compare=False
    assert mine == twin and hash(mine) == hash(twin)
    assert (hash(mine) == hash(cls(9))) == (hash(theirs) == hash(Plain(9)))
    assert mine != Plain(*args, **kwargs)   # another class: never equal
    assert dataclasses.asdict(mine) == dataclasses.asdict(theirs)
    assert dataclasses.replace(mine, label="solde").label == "solde"


@pytest.mark.parametrize("cls", [Rec, Slotted])
@pytest.mark.parametrize("args, kwargs", BAD_CALLS)
def test_a_wrong_call_is_the_dataclass_type_error(cls, args, kwargs):
    with pytest.raises(TypeError) as theirs:
        Plain(*args, **kwargs)
    with pytest.raises(TypeError) as mine:
        cls(*args, **kwargs)
    assert str(mine.value).split("__init__() ")[1] == str(theirs.value).split("__init__() ")[1]


@pytest.mark.parametrize("cls", [Rec, Slotted])
def test_a_record_is_frozen_and_survives_pickle_and_copies(cls):
    made = cls(1, "solde", ("a",), "n")
    with pytest.raises(dataclasses.FrozenInstanceError):
        made.label = "acompte"
    with pytest.raises(dataclasses.FrozenInstanceError):
        del made.label
    for again in (pickle.loads(pickle.dumps(made)), copy.copy(made), copy.deepcopy(made)):
        assert again == made and again.note == "n"
    assert not hasattr(Slotted(1), "__dict__")


def test_a_pickle_of_the_plain_dataclass_it_replaced_is_read_back():
    # what an older contratgen's pickle restores: the instance's __dict__
    made = Rec.__new__(Rec)
    made.__setstate__({"number": 5, "label": "solde", "tags": (), "note": ""})
    assert made == Rec(5, "solde")
