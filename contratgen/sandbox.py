"""The Jinja sandbox that clause texts and DOCX templates run in.

Both may come from people we do not trust (a firm's clause library, a client's
letterhead). Jinja's own sandbox already refuses Python internals (``__class__``…);
this one also bounds the work a text can ask for, so a hostile text fails fast with a
clear message instead of hanging a batch or eating the memory:

- every ``range()`` of one render draws on a shared budget of :data:`MAX_ITERATIONS`
  (so nested loops cannot multiply up to billions of turns);
- ``*`` and ``**`` refuse results larger than :data:`MAX_SIZE`;
- undefined variables are errors (``StrictUndefined``), never blanks.
"""
from __future__ import annotations

import contextvars
import operator
from typing import Any

import jinja2
from jinja2.exceptions import SecurityError
from jinja2.sandbox import SandboxedEnvironment

MAX_ITERATIONS = 100_000
MAX_SIZE = 1_000_000   # characters of a string, items of a list, digits of a number

_budget: contextvars.ContextVar[list[int]] = contextvars.ContextVar("budget")


class LimitExceeded(SecurityError):
    """A text asked for more work than the sandbox allows."""


def _bounded_range(*args: int) -> range:
    rng = range(*args)
    budget = _budget.get(None)
    if budget is None:  # outside a bounded render: still bounded per call
        budget = [MAX_ITERATIONS]
    budget[0] -= len(rng)
    if budget[0] < 0:
        raise LimitExceeded(f"loops run more than {MAX_ITERATIONS} times in one text")
    return rng


def _size(value: Any) -> int:
    if isinstance(value, (str, bytes, list, tuple)):
        return len(value)
    if isinstance(value, int) and not isinstance(value, bool):
        return max(1, abs(value).bit_length() // 3)
    return 1


class BoundedSandbox(SandboxedEnvironment):
    intercepted_binops = frozenset({"*", "**"})

    def __init__(self, **options):
        super().__init__(undefined=jinja2.StrictUndefined, **options)
        self.globals["range"] = _bounded_range

    def call_binop(self, context, op: str, left: Any, right: Any) -> Any:
        if op == "**":
            if isinstance(right, (int, float)) and abs(right) > 64 \
                    and not (isinstance(left, (int, float)) and abs(left) <= 1):
                raise LimitExceeded("exponent too large in a text")
            return operator.pow(left, right)
        if op == "*":
            sizes = _size(left), _size(right)
            counts = [v for v in (left, right) if isinstance(v, int) and not isinstance(v, bool)]
            if any(isinstance(v, (str, bytes, list, tuple)) for v in (left, right)) and counts:
                if max(sizes) * max(abs(c) for c in counts) > MAX_SIZE:
                    raise LimitExceeded(f"a repeated text or list larger than {MAX_SIZE} in a text")
            return operator.mul(left, right)
        return super().call_binop(context, op, left, right)


def bounded(render, *args, **kwargs):
    """Run ``render(*args)`` with a fresh loop budget."""
    token = _budget.set([MAX_ITERATIONS])
    try:
        return render(*args, **kwargs)
    finally:
        _budget.reset(token)
