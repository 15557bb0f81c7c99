"""The work budget of one render of a clause text or a template part (see sandbox.py).

Every loop turn, call, and every character, item or digit built or scanned is drawn
from one :class:`Budget`; the sizes of single values are bounded as well.
"""
from __future__ import annotations

import contextlib
import contextvars
import itertools
import re
from dataclasses import dataclass
from typing import Any

from jinja2.exceptions import SecurityError
from jinja2.utils import Namespace

MAX_ITERATIONS = 20_000     # loop turns in one render (a document has at most 1 000 lines)
MAX_SIZE = 1_000_000       # characters of a string, items of a list, digits of a number
MAX_INT_DIGITS = 4_300     # an integer (Python's own limit for printing one)
MAX_CALLS = 20_000         # function, macro, method and filter calls in one render
MAX_DEPTH = 48             # calls nested in one another (macro recursion)
MAX_BUILT = 10 * MAX_SIZE  # characters, items and digits built or scanned in one render
PER_ITEM = 100             # a filter's work on one item (Python code) against MAX_BUILT


class LimitExceeded(SecurityError):
    """A text asked for more work than the sandbox allows."""


@dataclass
class Budget:
    turns: int = MAX_ITERATIONS
    calls: int = MAX_CALLS
    built: int = MAX_BUILT
    depth: int = 0

    def turn(self) -> None:
        self.turns -= 1
        if self.turns < 0:
            raise LimitExceeded(f"loops run more than {MAX_ITERATIONS} times in one text")

    def call(self) -> None:
        self.calls -= 1
        if self.calls < 0:
            raise LimitExceeded(f"more than {MAX_CALLS} calls (functions, macros, filters) "
                                "in one text")

    def build(self, size: int) -> None:
        self.built -= size
        if self.built < 0:
            raise LimitExceeded(f"the text builds or scans more than {MAX_BUILT} characters "
                                "or items in all")


_budget: contextvars.ContextVar[Budget] = contextvars.ContextVar("budget")


def current() -> Budget:
    """The budget of the render under way (every render of ours opens one with
    :func:`budget`; a render outside one gets a budget of its own per call)."""
    found = _budget.get(None)
    return Budget() if found is None else found


@contextlib.contextmanager
def budget():
    """A fresh budget for one render."""
    token = _budget.set(Budget())
    try:
        yield
    finally:
        _budget.reset(token)


def bounded_range(*args: int) -> range:
    rng = range(*args)
    if len(rng) > MAX_ITERATIONS:  # a range is lazy; refusing it early gives a clear message
        raise LimitExceeded(f"loops run more than {MAX_ITERATIONS} times in one text (a range "
                            f"of {len(rng)} numbers)")
    return rng


def budgeted(iterable):
    """Iterate, drawing one turn per item from the render's budget: nested loops over
    anything (ranges, strings, lists) cannot multiply up to billions of turns."""
    budget = current()
    for item in iterable:
        budget.turn()
        yield item


_SIZED = frozenset({str, bytes, list, tuple, dict, set, frozenset})


def size_of(value: Any) -> int:
    if type(value) in _SIZED:
        return len(value)
    if isinstance(value, (str, bytes, list, tuple, dict, set, frozenset)):
        return len(value)
    if isinstance(value, int) and not isinstance(value, bool):
        return max(1, abs(value).bit_length() * 3 // 10)   # about its decimal digits
    return 1


_FLAT = frozenset({int, float, bool, type(None), str})


def weight(value: Any, limit: int = MAX_SIZE) -> int:
    """Characters and items of a value, nested containers counted in full (a list of a
    million references to one long string prints as all of them); stops past ``limit``."""
    total, stack = 0, [value]
    while stack and total <= limit:
        item = stack.pop()
        total += _opened(item, stack)
    return total


def _opened(item: Any, stack: list) -> int:
    """What one item weighs by itself (with the texts of a flat list); what it holds is
    pushed on ``stack``."""
    total = size_of(item)
    if isinstance(item, (list, tuple, set, frozenset)):
        kinds = set(map(type, item))           # at C speed: most lists are flat
        if kinds <= _FLAT:
            if str in kinds:
                total += sum(map(len, (v for v in item if type(v) is str)))
            return total
        stack.extend(v for v in item if type(v) not in _FLAT or type(v) is str)
    elif isinstance(item, dict):
        stack.extend(itertools.chain(item.keys(), item.values()))
    elif isinstance(item, Namespace):
        stack.append(object.__getattribute__(item, "_Namespace__attrs"))
    return total


_CONTAINERS = (list, tuple, dict, set, frozenset, Namespace)


def refuse_heavy(*values: Any) -> None:
    """Containers about to be printed or turned into text: refused when their contents
    (nested, references counted each time) pass :data:`MAX_SIZE`, before the text is
    built."""
    for value in values:
        if isinstance(value, _CONTAINERS):
            size = weight(value)
            if size > MAX_SIZE:
                raise LimitExceeded(f"a list printed as a text larger than {MAX_SIZE}")
            current().build(size)


def too_wide(text: str) -> bool:
    return any(int(n) > MAX_SIZE for n in re.findall(r"\d{7,}", text))


def refuse_widths(spec: str, args, kwargs) -> None:
    values = (*args, *kwargs.values())
    if too_wide(spec) or any(isinstance(v, int) and abs(v) > MAX_SIZE for v in values):
        raise LimitExceeded(f"a width larger than {MAX_SIZE} in a template")


def checked(value: Any) -> Any:
    if isinstance(value, int) and not isinstance(value, bool) \
            and size_of(value) > MAX_INT_DIGITS:
        raise LimitExceeded(f"a number of more than {MAX_INT_DIGITS} digits in a text")
    size = weight(value)
    if size > MAX_SIZE:
        raise LimitExceeded(f"a text or list larger than {MAX_SIZE} in a template")
    current().build(size)
    return value


