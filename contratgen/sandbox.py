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
import copy
import operator
import re
import string
from typing import Any

import jinja2
from jinja2.compiler import CodeGenerator
from jinja2.exceptions import SecurityError
from jinja2 import nodes, pass_eval_context
from jinja2.filters import do_center, do_format, do_indent, do_truncate, do_wordwrap
from jinja2.filters import sync_do_join as do_join_sync
from jinja2.sandbox import SandboxedEnvironment

MAX_ITERATIONS = 100_000
MAX_SIZE = 1_000_000   # characters of a string, items of a list, digits of a number

_budget: contextvars.ContextVar[list[int]] = contextvars.ContextVar("budget")


class LimitExceeded(SecurityError):
    """A text asked for more work than the sandbox allows."""


def _bounded_range(*args: int) -> range:
    rng = range(*args)
    if len(rng) > MAX_ITERATIONS:  # a range is lazy; refusing it early gives a clear message
        raise LimitExceeded(f"loops run more than {MAX_ITERATIONS} times in one text (a range "
                            f"of {len(rng)} numbers)")
    return rng


def _budgeted(iterable):
    """Iterate, drawing one turn per item from the render's budget: nested loops over
    anything (ranges, strings, lists) cannot multiply up to billions of turns."""
    budget = _budget.get(None)
    if budget is None:
        budget = [MAX_ITERATIONS]
    for item in iterable:
        budget[0] -= 1
        if budget[0] < 0:
            raise LimitExceeded(f"loops run more than {MAX_ITERATIONS} times in one text")
        yield item


@pass_eval_context
def _bounded_join(eval_ctx, value, d: str = "", attribute=None):
    items = list(value)
    if attribute is None:  # the size is known before the string is built
        size = sum(len(str(x)) for x in items) + len(d) * max(len(items) - 1, 0)
        if size > MAX_SIZE:
            raise LimitExceeded(f"a joined text larger than {MAX_SIZE} in a template")
    return _checked(do_join_sync(eval_ctx, items, d, attribute))


def _size(value: Any) -> int:
    if isinstance(value, (str, bytes, list, tuple)):
        return len(value)
    if isinstance(value, int) and not isinstance(value, bool):
        return max(1, abs(value).bit_length() // 3)
    return 1


def _too_wide(text: str) -> bool:
    return any(int(n) > MAX_SIZE for n in re.findall(r"\d{7,}", text))


def _refuse_widths(spec: str, args, kwargs) -> None:
    values = (*args, *kwargs.values())
    if _too_wide(spec) or any(isinstance(v, int) and abs(v) > MAX_SIZE for v in values):
        raise LimitExceeded(f"a width larger than {MAX_SIZE} in a template")


def _checked(value: Any) -> Any:
    if _size(value) > MAX_SIZE:
        raise LimitExceeded(f"a text or list larger than {MAX_SIZE} in a template")
    return value


def _width_bounded(filter_):
    """A padding filter whose numeric arguments cannot ask for gigabytes."""
    def bounded_filter(value, *args, **kwargs):
        for arg in (*args, *kwargs.values()):
            if isinstance(arg, int) and not isinstance(arg, bool) and abs(arg) > MAX_SIZE:
                raise LimitExceeded(f"a width larger than {MAX_SIZE} in a template")
        return _checked(filter_(value, *args, **kwargs))
    return bounded_filter


class _BoundedCodeGenerator(CodeGenerator):
    """``a ~ b`` (string concatenation) is size-checked like ``+`` and ``*``, and every
    ``{% for %}`` iterates through the render's loop budget."""

    def visit_For(self, node, frame):
        node = copy.copy(node)
        node.iter = nodes.Call(nodes.EnvironmentAttribute("budgeted"), [node.iter], [],
                               None, None, lineno=node.iter.lineno)
        super().visit_For(node, frame)

    def visit_Concat(self, node, frame):
        self.write("environment.checked_concat(")
        super().visit_Concat(node, frame)
        self.write(")")


class BoundedSandbox(SandboxedEnvironment):
    intercepted_binops = frozenset({"*", "**", "+", "%"})
    code_generator_class = _BoundedCodeGenerator

    def __init__(self, **options):
        super().__init__(undefined=jinja2.StrictUndefined, **options)
        self.globals["range"] = _bounded_range
        self.globals.pop("lipsum", None)  # lipsum(10**6) would hang a build
        self.filters["join"] = _bounded_join
        self.filters.update(center=_width_bounded(do_center),
                            indent=_width_bounded(do_indent),
                            wordwrap=_width_bounded(do_wordwrap),
                            truncate=_width_bounded(do_truncate),
                            format=_width_bounded(do_format))

    def call(__self, __context, __obj, *args, **kwargs):  # noqa: N805 - Jinja's signature
        # 'x'.ljust(10**9), 'x'.zfill(10**9), 'ab'.expandtabs(10**9)…: refuse huge widths
        if getattr(__obj, "__self__", None).__class__ is str:
            for arg in (*args, *kwargs.values()):
                if isinstance(arg, int) and not isinstance(arg, bool) and abs(arg) > MAX_SIZE:
                    raise LimitExceeded(f"a width larger than {MAX_SIZE} in a template")
        return _checked(SandboxedEnvironment.call(__self, __context, __obj, *args, **kwargs))

    budgeted = staticmethod(_budgeted)

    @staticmethod
    def checked_concat(value: Any) -> Any:
        return _checked(value)

    def wrap_str_format(self, value: Any):
        # "{:>1000000000}".format(x): refuse huge widths before the string is built
        wrapped = super().wrap_str_format(value)
        if wrapped is None:
            return None

        def bounded_format(*args: Any, **kwargs: Any) -> str:
            for _, _, spec, _ in string.Formatter().parse(value.__self__):
                if spec and ("{" in spec or _too_wide(spec)):
                    _refuse_widths(spec, args, kwargs)
            return _checked(wrapped(*args, **kwargs))
        return bounded_format

    def call_binop(self, context, op: str, left: Any, right: Any) -> Any:
        if op == "**":
            if isinstance(right, (int, float)) and abs(right) > 64 \
                    and not (isinstance(left, (int, float)) and abs(left) <= 1):
                raise LimitExceeded("exponent too large in a text")
            return operator.pow(left, right)
        if op == "*":
            seq = next((v for v in (left, right) if isinstance(v, (str, bytes, list, tuple))),
                       None)
            count = next((v for v in (left, right)
                          if isinstance(v, int) and not isinstance(v, bool)), None)
            if seq is not None and count is not None and len(seq) * count > MAX_SIZE:
                raise LimitExceeded(f"a repeated text or list larger than {MAX_SIZE} in a "
                                    "template")
            return operator.mul(left, right)
        if op == "+":
            if _size(left) + _size(right) > MAX_SIZE and not all(
                    isinstance(v, (int, float)) for v in (left, right)):
                raise LimitExceeded(f"a text or list larger than {MAX_SIZE} in a template")
            return operator.add(left, right)
        if op == "%":
            if isinstance(left, str):  # "%*s" % (10**9, "x"), "%1000000000s" % "x"
                values = right if isinstance(right, tuple) else (right,)
                if _too_wide(left) or ("*" in left and any(
                        isinstance(v, int) and abs(v) > MAX_SIZE for v in values)):
                    raise LimitExceeded(f"a width larger than {MAX_SIZE} in a template")
            return _checked(operator.mod(left, right))
        return super().call_binop(context, op, left, right)


def bounded(render, *args, **kwargs):
    """Run ``render(*args)`` with a fresh loop budget."""
    token = _budget.set([MAX_ITERATIONS])
    try:
        return render(*args, **kwargs)
    finally:
        _budget.reset(token)
