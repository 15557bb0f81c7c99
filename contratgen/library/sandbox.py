"""The Jinja sandbox that clause texts and DOCX templates run in.

Both may come from people we do not trust (a firm's clause library, a client's
letterhead). Jinja's own sandbox already refuses Python internals (``__class__``…);
this one also bounds the work a text can ask for, so a hostile text fails fast with a
clear message instead of hanging a batch or eating the memory. One :class:`Budget` per
render (clause text or template part) bounds:

- loop turns: every ``{% for %}``, recursive ``loop()`` calls included
  (:data:`MAX_ITERATIONS`);
- calls: every function, macro, method and filter call (:data:`MAX_CALLS`), and how
  deeply calls nest (:data:`MAX_DEPTH`: exponential or endless macro recursion);
- what is built: each string, list or number an operator, a filter, a method, a
  subscript or a comparison makes or scans is at most :data:`MAX_SIZE`, integers at
  most :data:`MAX_INT_DIGITS` digits, and all of them together at most
  :data:`MAX_BUILT` (heavy work in each turn of a loop);
- undefined variables are errors (``StrictUndefined``), never blanks.

The hooks are Jinja's documented ones: the sandbox's ``call``, ``call_binop`` /
``intercepted_binops``, ``getitem``, ``wrap_str_format`` and the filters; for what Jinja
has no sandbox hook for (the iterable of a ``{% for %}``, ``~``, a comparison, a slice),
:meth:`BoundedSandbox.compile` rewrites the parsed template with Jinja's public
``NodeTransformer`` so that those values pass through the budget
(``EnvironmentAttribute`` calls, as extensions do), then compiles it as Jinja does.
"""
from __future__ import annotations

import operator
import re
import string
from decimal import Decimal
from typing import Any

import jinja2
from jinja2 import nodes
from jinja2.runtime import LoopContext
from jinja2.sandbox import SandboxedEnvironment
from jinja2.visitor import NodeTransformer
from markupsafe import Markup

from .budget import (MAX_BUILT, MAX_CALLS, MAX_DEPTH, MAX_INT_DIGITS, MAX_ITERATIONS,
                     MAX_SIZE, Budget, LimitExceeded, budget, bounded_range, budgeted,
                     checked, current, refuse_heavy, refuse_widths, size_of, too_wide,
                     weight)
from .sandbox_filters import MeteredFilters, bounded_filters

__all__ = ["MAX_BUILT", "MAX_CALLS", "MAX_DEPTH", "MAX_INT_DIGITS", "MAX_ITERATIONS",
           "MAX_SIZE", "Budget", "BoundedSandbox", "LimitExceeded", "budget", "bounded"]

_COMPARE = {"eq": operator.eq, "ne": operator.ne, "lt": operator.lt, "lteq": operator.le,
            "gt": operator.gt, "gteq": operator.ge, "in": lambda a, b: a in b,
            "notin": lambda a, b: a not in b}


def _compare(ops: tuple, first: Any, *rest: Any) -> bool:
    """``a == b``, ``a in b``…: the texts or lists compared are scanned, so they count."""
    budget, left = current(), first
    for op, right in zip(ops, rest):
        budget.build(size_of(left) + size_of(right))
        if not _COMPARE[op](left, right):
            return False
        left = right
    return True


def _through(name: str, *args: nodes.Expr, lineno: int) -> nodes.Call:
    return nodes.Call(nodes.EnvironmentAttribute(name), list(args), [], None, None,
                      lineno=lineno)


class _Bounds(NodeTransformer):
    """Every ``{% for %}`` iterates through the render's loop budget, ``a ~ b`` (string
    concatenation) is weighed like ``+`` and ``*``, every comparison is charged for what
    it scans and a slice (``a[::-1]`` copies) counts."""

    def visit_For(self, node: nodes.For) -> nodes.For:
        self.generic_visit(node)
        node.iter = _through("budgeted", node.iter, lineno=node.iter.lineno)
        return node

    def visit_Concat(self, node: nodes.Concat) -> nodes.Expr:
        self.generic_visit(node)
        # the operands are weighed before str() makes a text of them, the result after
        node.nodes = [_through("weighed", part, lineno=part.lineno) for part in node.nodes]
        return _through("checked_concat", node, lineno=node.lineno)

    def visit_Getitem(self, node: nodes.Getitem) -> nodes.Expr:
        self.generic_visit(node)
        if not isinstance(node.arg, nodes.Slice):   # a[i] goes through getitem()
            return node
        return _through("checked_concat", node, lineno=node.lineno)

    def visit_Compare(self, node: nodes.Compare) -> nodes.Expr:
        self.generic_visit(node)
        ops = nodes.Const(tuple(op.op for op in node.ops), lineno=node.lineno)
        return _through("compare", ops, node.expr, *(op.expr for op in node.ops),
                        lineno=node.lineno)


def _weighed(value: Any) -> Any:
    refuse_heavy(value)
    return value


_BOUNDS = frozenset({budgeted, _compare, checked, _weighed})

# printed values refuse_heavy has nothing to weigh (it weighs containers only)
_UNWEIGHED = frozenset({str, Markup, int, float, bool, Decimal, type(None)})

_GROWING = frozenset({"append", "extend", "insert", "update", "add", "setdefault",
                      "__setitem__"})


def _refuse_wide_args(args, kwargs) -> None:
    for arg in (*args, *kwargs.values()):
        if isinstance(arg, int) and not isinstance(arg, bool) and abs(arg) > MAX_SIZE:
            raise LimitExceeded(f"a width larger than {MAX_SIZE} in a template")


def _refuse_str_growth(owner: str, name: str, args) -> None:
    """'x'.replace('', 'y' * 10**6), '\t'.expandtabs(...): sized before they are built."""
    if name == "replace" and len(args) >= 2:
        old, new = str(args[0]), str(args[1])
        times = owner.count(old) if old else len(owner) + 1
        if len(owner) + times * max(len(new) - len(old), 0) > MAX_SIZE:
            raise LimitExceeded(f"a replaced text larger than {MAX_SIZE} in a template")
    elif name == "expandtabs" and args and isinstance(args[0], int):
        if len(owner) + owner.count("\t") * abs(args[0]) > MAX_SIZE:
            raise LimitExceeded(f"a text larger than {MAX_SIZE} in a template")


class BoundedSandbox(SandboxedEnvironment):
    intercepted_binops = frozenset({"*", "**", "+", "%"})

    def __init__(self, **options):
        then = options.pop("finalize", None)

        def finalize(value: Any) -> Any:   # every {{ … }}: no huge list printed
            if type(value) not in _UNWEIGHED:   # a text or a number holds no list
                refuse_heavy(value)
            return then(value) if then is not None else value
        super().__init__(undefined=jinja2.StrictUndefined, finalize=finalize, **options)
        self.filters = MeteredFilters()
        self.filters.update(jinja2.filters.FILTERS)   # every filter and test metered
        self.tests = MeteredFilters()
        self.tests.update(jinja2.tests.TESTS)
        self.globals["range"] = bounded_range
        self.globals.pop("lipsum", None)  # lipsum(10**6) would hang a build
        self.filters.update(bounded_filters())

    def call(__self, __context, __obj, *args, **kwargs):  # noqa: N805 - Jinja's signature
        if __obj in _BOUNDS:   # not the text's own call: _Bounds put it there
            kwargs.pop("_loop_vars", None)   # what Jinja passes for pass_context callables
            kwargs.pop("_block_vars", None)
            return __obj(*args, **kwargs)
        budget = current()
        budget.call()
        owner = getattr(__obj, "__self__", None)
        name = getattr(__obj, "__name__", "")
        if owner.__class__ is str:   # ''.join(l), 'x'.format(l): l becomes a text
            refuse_heavy(*args, *kwargs.values())
        if owner.__class__ is str:
            # 'x'.ljust(10**9), 'x'.zfill(10**9), 'ab'.expandtabs(10**9)…: refuse huge widths
            _refuse_wide_args(args, kwargs)
            _refuse_str_growth(owner, name, args)
            budget.build(len(owner))
        if isinstance(__obj, LoopContext) and args:
            # a recursive loop(children): its turns draw on the same budget
            args = (budgeted(args[0]), *args[1:])
        if isinstance(owner, (list, dict, set)) and name in _GROWING:
            if name == "extend" and args and hasattr(args[0], "__len__"):
                if len(owner) + len(args[0]) > MAX_SIZE:   # l.extend(l), before it doubles
                    raise LimitExceeded(f"a list larger than {MAX_SIZE} in a template")
            result = SandboxedEnvironment.call(__self, __context, __obj, *args, **kwargs)
            if len(owner) > MAX_SIZE:
                raise LimitExceeded(f"a list larger than {MAX_SIZE} in a template")
            budget.build(1)
            return result
        budget.depth += 1
        try:
            if budget.depth > MAX_DEPTH:
                raise LimitExceeded(f"calls nested more than {MAX_DEPTH} deep (a macro that "
                                    "calls itself?)")
            return checked(SandboxedEnvironment.call(__self, __context, __obj, *args,
                                                      **kwargs))
        finally:
            budget.depth -= 1

    def compile(self, source, name=None, filename=None, raw=False, defer_init=False):
        """Jinja's compile, of the template parsed and rewritten by :class:`_Bounds`."""
        if isinstance(source, str):
            source = self.parse(source, name, filename)
        return super().compile(_Bounds().visit(source), name, filename, raw, defer_init)

    # what _Bounds's nodes call: charged by what they do, not as calls of the text
    budgeted = staticmethod(budgeted)
    compare = staticmethod(_compare)
    checked_concat = staticmethod(checked)
    weighed = staticmethod(_weighed)

    def getitem(self, obj: Any, argument: Any) -> Any:
        value = super().getitem(obj, argument)
        if isinstance(argument, slice):   # big[::-1] copies
            return checked(value)
        return value

    def wrap_str_format(self, value: Any):
        # "{:>1000000000}".format(x): refuse huge widths before the string is built
        wrapped = super().wrap_str_format(value)
        if wrapped is None:
            return None

        def bounded_format(*args: Any, **kwargs: Any) -> str:
            refuse_heavy(*args, *kwargs.values())
            mapping = args[0] if value.__name__ == "format_map" and args else kwargs
            refuse_large_format(value.__self__, args, mapping)
            return checked(wrapped(*args, **kwargs))
        return bounded_format

    def call_binop(self, context, op: str, left: Any, right: Any) -> Any:
        if op == "**":
            return checked(_power(left, right))
        if op == "*":
            seq = next((v for v in (left, right) if isinstance(v, (str, bytes, list, tuple))),
                       None)
            count = next((v for v in (left, right)
                          if isinstance(v, int) and not isinstance(v, bool)), None)
            if seq is not None and count is not None and weight(seq) * count > MAX_SIZE:
                raise LimitExceeded(f"a repeated text or list larger than {MAX_SIZE} in a "
                                    "template")
            if seq is None and _int_digits(left) + _int_digits(right) > MAX_INT_DIGITS:
                raise LimitExceeded(f"a number of more than {MAX_INT_DIGITS} digits in a text")
            return checked(operator.mul(left, right))
        if op == "+":
            if size_of(left) + size_of(right) > MAX_SIZE and not all(
                    isinstance(v, (int, float)) for v in (left, right)):
                raise LimitExceeded(f"a text or list larger than {MAX_SIZE} in a template")
            return checked(operator.add(left, right))
        if op == "%":
            refuse_heavy(right, *(right if isinstance(right, tuple) else ()))
            if isinstance(left, str):  # "%*s" % (10**9, "x"), "%1000000000s" % "x"
                values = right if isinstance(right, tuple) else (right,)
                if too_wide(left) or ("*" in left and any(
                        isinstance(v, int) and abs(v) > MAX_SIZE for v in values)):
                    raise LimitExceeded(f"a width larger than {MAX_SIZE} in a template")
            return checked(operator.mod(left, right))
        return super().call_binop(context, op, left, right)


def refuse_large_format(text: str, args: tuple, mapping: Any) -> None:
    """``'{0}{0}{0}…'.format(big)``: the text a format would build, sized before it is
    built (each field at least as long as its value, or its width), refused past
    :data:`MAX_SIZE` like ``%`` and ``|replace``."""
    total, auto = 0, 0
    for literal, field, spec, _ in string.Formatter().parse(text):
        total += len(literal)
        if field is None:
            continue
        if spec and ("{" in spec or too_wide(spec)):
            refuse_widths(spec, args, mapping if isinstance(mapping, dict) else {})
        head = field.split(".", 1)[0].split("[", 1)[0]
        if head == "":
            head, auto = str(auto), auto + 1
        try:
            found = args[int(head)] if head.isdigit() else mapping[head]
        except (IndexError, KeyError, TypeError, ValueError):
            found = None   # the format itself says what is missing
        widths = [int(n) for n in re.findall(r"\d+", spec or "")]
        total += max(size_of(found), max(widths, default=0))
        if total > MAX_SIZE:
            raise LimitExceeded(f"a formatted text larger than {MAX_SIZE} in a template")


def _int_digits(value: Any) -> int:
    if isinstance(value, int) and not isinstance(value, bool):
        return size_of(value)
    return 0


def _power(left: Any, right: Any) -> Any:
    """``a ** b`` refused when the result would pass :data:`MAX_INT_DIGITS` digits (power
    towers, repeated squaring) or an exponent is large; floats overflow on their own."""
    if isinstance(right, (int, float)) and not isinstance(right, bool) and abs(right) > 64 \
            and not (isinstance(left, (int, float)) and abs(left) <= 1):
        raise LimitExceeded("exponent too large in a text")
    if isinstance(left, int) and isinstance(right, int) and right > 0 \
            and abs(left).bit_length() * right * 3 // 10 > MAX_INT_DIGITS:
        raise LimitExceeded(f"a number of more than {MAX_INT_DIGITS} digits in a text")
    return operator.pow(left, right)


def bounded(render, *args, **kwargs):
    """Run ``render(*args)`` with a fresh budget."""
    with budget():
        return render(*args, **kwargs)
