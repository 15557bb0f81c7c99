"""Jinja filters bounded by the render's budget (see sandbox.py): every filter is
metered, and those that can build far more than they are given are sized first."""
from __future__ import annotations

import functools
import itertools
from typing import Any

import jinja2
from jinja2 import pass_eval_context
from jinja2.filters import do_center, do_format, do_indent, do_truncate, do_wordwrap
from jinja2.filters import sync_do_join as do_join_sync

from .budget import MAX_ITERATIONS, MAX_SIZE, PER_ITEM, LimitExceeded, checked, current, refuse_heavy, \
    size_of, weight

@pass_eval_context
def bounded_join(eval_ctx, value, d: str = "", attribute=None):
    items = list(value)
    if attribute is None:  # the size is known before the string is built
        size = len(d) * max(len(items) - 1, 0)
        for x in items:  # stop at the first item past the limit: str() of each costs
            size += weight(x) if not isinstance(x, str) else len(x)
            if size > MAX_SIZE:
                raise LimitExceeded(f"a joined text larger than {MAX_SIZE} in a template")
    return checked(do_join_sync(eval_ctx, items, d, attribute))


def width_bounded(filter_):
    """A padding filter whose numeric arguments cannot ask for gigabytes."""
    @functools.wraps(filter_)
    def bounded_filter(value, *args, **kwargs):
        for arg in (*args, *kwargs.values()):
            if isinstance(arg, int) and not isinstance(arg, bool) and abs(arg) > MAX_SIZE:
                raise LimitExceeded(f"a width larger than {MAX_SIZE} in a template")
        return checked(filter_(value, *args, **kwargs))
    return bounded_filter


# filters that only rearrange a list: its items are not turned into text
_LIST_FILTERS = frozenset({"attr", "batch", "count", "default", "d", "dictsort", "first",
                           "groupby", "items", "last", "length", "list", "map", "max", "min",
                           "reject", "rejectattr", "reverse", "select", "selectattr", "slice",
                           "sort", "sum", "unique", "join", "random", "abs", "int", "float",
                           "round", "bool"})


def metered_filter(filter_, name: str = ""):
    """Any filter: one call, its input scanned and its result built against the budget;
    a lazy result (``map``, ``batch``, ``slice``…) is charged item by item."""
    if getattr(filter_, "_contratgen_metered", False):
        return filter_

    @functools.wraps(filter_)
    def metered(*args, **kwargs):
        budget = current()
        budget.call()
        for arg in args[:2]:   # (context or environment,) value
            if isinstance(arg, (list, tuple, dict)):   # Python code for each item
                budget.build(PER_ITEM * len(arg))
            elif isinstance(arg, str):
                budget.build(len(arg))
        if name not in _LIST_FILTERS:
            refuse_heavy(*args[:2])
        result = filter_(*args, **kwargs)
        if hasattr(result, "__next__"):
            return _charged_items(result)
        return checked(result)
    metered._contratgen_metered = True
    return metered


def _charged_items(iterator):
    budget = current()
    for item in iterator:
        budget.build(weight(item))
        yield item


class MeteredFilters(dict):
    """The filter table: every filter set in it is metered, whoever sets it."""

    def __setitem__(self, name, filter_):
        super().__setitem__(name, metered_filter(filter_, name))

    def update(self, *args, **kwargs):
        for name, filter_ in dict(*args, **kwargs).items():
            self[name] = filter_


def _refuse_count(name: str, count: Any) -> None:
    if isinstance(count, int) and not isinstance(count, bool) and count > MAX_ITERATIONS:
        raise LimitExceeded(f"|{name}({count}) makes more than {MAX_ITERATIONS} parts")


def bounded_slice(value, slices, fill_with=None):
    _refuse_count("slice", slices)
    return jinja2.filters.sync_do_slice(value, slices, fill_with)


def bounded_batch(value, linecount, fill_with=None):
    if fill_with is not None:   # the last batch is padded up to linecount items
        _refuse_count("batch", linecount)
    return jinja2.filters.do_batch(value, linecount, fill_with)


@jinja2.pass_environment
def bounded_sum(environment, iterable, attribute=None, start=0):
    items = list(iterable)
    if attribute is not None:
        getter = jinja2.filters.make_attrgetter(environment, attribute)
        items = [getter(x) for x in items]
    if isinstance(start, (list, tuple)) or (items and isinstance(items[0], (list, tuple))):
        if size_of(start) + sum(size_of(x) for x in items) > MAX_SIZE:
            raise LimitExceeded(f"|sum would build a list larger than {MAX_SIZE}")
        # linear, where sum() of lists copies the total once per item
        return type(start)(itertools.chain(start, *items)) if isinstance(
            start, (list, tuple)) else list(itertools.chain(*items))
    return checked(sum(items, start))


@pass_eval_context
def bounded_replace(eval_ctx, s, old, new, count=None):
    text, old_text = str(s), str(old)
    times = text.count(old_text) if old_text else len(text) + 1
    if count is not None and count >= 0:
        times = min(times, count)
    if len(text) + times * max(len(str(new)) - len(old_text), 0) > MAX_SIZE:
        raise LimitExceeded(f"|replace would build a text larger than {MAX_SIZE}")
    return jinja2.filters.do_replace(eval_ctx, s, old, new, count)




def bounded_filters() -> dict:
    """The filters replacing Jinja's own in the sandbox."""
    return dict(join=bounded_join, slice=bounded_slice, batch=bounded_batch, sum=bounded_sum,
                replace=bounded_replace, center=width_bounded(do_center),
                indent=width_bounded(do_indent), wordwrap=width_bounded(do_wordwrap),
                truncate=width_bounded(do_truncate), format=width_bounded(do_format))
