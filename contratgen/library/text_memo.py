"""Clause texts remembered by the values they read (issue 17: the DOCX batch path).

A batch renders the same dozen clause texts for every document, and most of them read
only a few values that rarely change from one document to the next: the provider's
name, ``document.is_quote``, the clause's own params. Rendering one in the sandbox costs
20–120 µs; looking it up here costs a few.

A text is remembered under the values it reads, found once from its syntax tree: each
name the text takes from the context (Jinja's own analysis,
``jinja2.meta.find_undeclared_variables``, which the compiler uses) with the longest run
of constant attributes or string subscripts after it (``client.kind``,
``payment["terms"]``). A name used any other way (printed, iterated, passed to a filter,
subscripted by a variable) is read whole. The key holds, for each such path, how far it
went through plain dicts and an exact copy of the value found there: every type written
with it (``1``, ``True`` and ``Decimal("1.0")`` are three keys; ``Decimal("1.0")`` and
``Decimal("1.00")`` two), dicts in their order, lists item by item. A step through
anything but a plain dict, or naming a dict attribute (``items``, ``get``…), stops the
path there and the value is read whole.

Rendering is a pure function of those values when the text calls nothing it could
mutate or that could tell two equal values apart, so a text is never remembered when it

- calls anything but a name (a method: ``clauses.append(x)``, ``x.update()``…; a
  context value called by name is refused below, as no function is a key);
- uses the ``random`` filter or the ``sameas`` test (their name anywhere in the text),
  or hands ``map``/``select``/``reject``/``selectattr``/``rejectattr`` a name that is
  not written out;
- extends, includes or imports a template, or has a node an extension makes.

A value that is not a plain str, int, bool, None, Decimal (a YAML number keeps its
written form), float, date, Markup, dict, list or tuple, a key over :data:`MAX_KEY`
characters and items, or a text over :data:`MAX_TEXT` characters, is not remembered
either: the text is rendered, as before. Nothing is remembered that failed (the error is
raised by the render, every time), for lint's noting renders, or before a text's second
render in the process (a single build pays no analysis). At most :data:`ENTRIES` texts
are kept, least recently used first out.

A remembered text was rendered once under the same budget, size and character checks
with the same values: it passed them, and the same render would again.
"""
from __future__ import annotations

import datetime
import io
import pickle
import threading
from collections import OrderedDict
from decimal import Decimal
from typing import Any, Mapping

import jinja2
from jinja2 import meta, nodes
from markupsafe import Markup

from ..load.source import WrittenDecimal, WrittenInt

ENTRIES = 512        # rendered texts kept
PLANS = 512          # texts whose reads are known
MAX_KEY = 50_000     # bytes of one key (the pickle of the values read)
MAX_TEXT = 20_000    # characters of a remembered text

_ONCE = object()     # a text rendered once: analysed at its second render
_NEVER = object()    # a text never remembered
_MISSING = object()
_DICT_ATTRIBUTES = frozenset(dir(dict))
_NAMED_FILTERS = frozenset({"map", "select", "reject", "selectattr", "rejectattr"})
_REFUSED_NODES = (nodes.Extends, nodes.Include, nodes.Import, nodes.FromImport,
                  nodes.ContextReference, nodes.DerivedContextReference, nodes.ImportedName,
                  nodes.InternalName, nodes.ExtensionAttribute, nodes.EnvironmentAttribute)

Path = tuple[str, tuple[str, ...]]


class _Unkeyed(Exception):
    """The values cannot make a key: the text is rendered."""


def _chain(node: nodes.Node) -> tuple[nodes.Node, tuple[str, ...]]:
    """``a.b["c"]`` → (``a``, ("b", "c")): the constant steps under an expression."""
    steps = []
    while True:
        if isinstance(node, nodes.Getattr):
            steps.append(node.attr)
        elif isinstance(node, nodes.Getitem) and isinstance(node.arg, nodes.Const) \
                and isinstance(node.arg.value, str):
            steps.append(node.arg.value)
        else:
            return node, tuple(reversed(steps))
        node = node.node


def _refused(node: nodes.Node) -> bool:
    if isinstance(node, _REFUSED_NODES):
        return True
    if isinstance(node, nodes.Call) and not isinstance(node.node, nodes.Name):
        return True
    if isinstance(node, (nodes.Filter, nodes.Test)) and node.name in _NAMED_FILTERS:
        return not all(isinstance(a, nodes.Const) for a in (*node.args,
                                                             *(k.value for k in node.kwargs)))\
            or node.dyn_args is not None or node.dyn_kwargs is not None
    return False


def reads(env: jinja2.Environment, text: str) -> tuple[Path, ...] | None:
    """The paths ``text`` reads from its context, or None if it is never remembered."""
    if "random" in text or "sameas" in text:
        return None
    try:
        tree = env.parse(text)
        names = meta.find_undeclared_variables(tree)
    except (jinja2.TemplateError, SyntaxError, RecursionError, MemoryError):
        return None
    found: set[Path] = set()
    todo: list[nodes.Node] = [tree]
    while todo:
        node = todo.pop()
        if _refused(node):
            return None
        if isinstance(node, (nodes.Getattr, nodes.Getitem)):
            root, steps = _chain(node)
            if isinstance(root, nodes.Name) and root.ctx == "load" and root.name in names:
                found.add((root.name, steps))
                while node is not root:   # the subscripts' own expressions still count
                    if isinstance(node, nodes.Getitem):
                        todo.append(node.arg)
                    node = node.node
                continue
        if isinstance(node, nodes.Name) and node.ctx == "load" and node.name in names:
            found.add((node.name, ()))
        todo.extend(node.iter_child_nodes())
    return tuple(sorted(found))


_ALLOWED = frozenset({Decimal, WrittenDecimal, WrittenInt, datetime.date, Markup})


class _ExactPickler(pickle.Pickler):
    """Pickles plain data only: str, int, bool, None, float, dict, list and tuple at C
    speed (exact types: the pickle names any other), and the few other types a context
    holds, whose pickles are exact too (a Decimal's digits and exponent, a YAML number's
    written form). Anything else makes no key."""

    def reducer_override(self, obj: Any) -> Any:
        if type(obj) not in _ALLOWED and obj not in _ALLOWED:   # (a class: by its name)
            raise _Unkeyed
        return NotImplemented   # pickled the usual way


def key_of(paths: tuple[Path, ...], scope: Mapping[str, Any]) -> bytes | None:
    """The values ``paths`` read in ``scope`` as one exact pickle, or None when they
    make no key. Each path gives how many dict steps it went (-1: it ends at a missing
    name or item) and the value found there."""
    found = []
    for name, steps in paths:
        value = scope.get(name, _MISSING)
        depth = 0
        for step in steps:
            if type(value) is not dict or step in _DICT_ATTRIBUTES:
                break
            value = value.get(step, _MISSING)
            depth += 1
            if value is _MISSING:
                break
        found.append((-1, None) if value is _MISSING else (depth, value))
    out = io.BytesIO()
    try:
        _ExactPickler(out, protocol=5).dump(found)
    except (_Unkeyed, pickle.PicklingError, RecursionError, TypeError, AttributeError):
        return None
    key = out.getvalue()
    return key if len(key) <= MAX_KEY else None


class TextMemo:
    """Rendered clause texts by (environment, text, values read); bounded."""

    def __init__(self, entries: int = ENTRIES, plans: int = PLANS):
        self.entries, self.plans = entries, plans
        self._texts: OrderedDict[tuple, str] = OrderedDict()
        self._plans: OrderedDict[tuple, Any] = OrderedDict()
        self._lock = threading.Lock()   # a batch may render in threads
        self.enabled = True

    def key(self, env: jinja2.Environment, text: str, scope: Mapping[str, Any]) -> tuple | None:
        """The key of this render, or None: not remembered (rendered as before)."""
        if not self.enabled or type(scope) is not dict:
            return None
        which = (env, text)
        with self._lock:
            plan = self._plans.get(which)
            if plan is None:                     # its first render: no analysis yet
                self._store(self._plans, which, _ONCE, self.plans)
                return None
        if plan is _ONCE:
            found = reads(env, text)
            plan = _NEVER if found is None else found
            with self._lock:
                self._plans[which] = plan
        if plan is _NEVER:
            return None
        values = key_of(plan, scope)
        return None if values is None else (which, values)

    def get(self, key: tuple) -> str | None:
        with self._lock:
            found = self._texts.get(key)
            if found is not None:
                self._texts.move_to_end(key)
            return found

    def put(self, key: tuple, rendered: str) -> None:
        if len(rendered) <= MAX_TEXT:
            with self._lock:
                self._store(self._texts, key, rendered, self.entries)

    def clear(self) -> None:
        with self._lock:
            self._texts.clear()
            self._plans.clear()

    @staticmethod
    def _store(table: OrderedDict, key: tuple, value: Any, limit: int) -> None:
        table[key] = value
        table.move_to_end(key)
        while len(table) > limit:
            table.popitem(last=False)

    def __len__(self) -> int:
        return len(self._texts)
