"""The faster paths of the render keep their answers: the budget's ``weight`` counts what
its reference walk counts, and a template reads a dict's items and attributes as the
sandbox does."""
from __future__ import annotations

import decimal

import jinja2
import pytest
from hypothesis import given, settings, strategies as st
from markupsafe import Markup

from contratgen.library.budget import MAX_SIZE, weight, weight_in_order
from contratgen.library.sandbox import BoundedSandbox
from contratgen.render.docx import TemplateEnvironment

leaves = st.one_of(st.text(max_size=8), st.integers(-10**30, 10**30), st.booleans(),
                   st.none(), st.floats(allow_nan=False), st.text(max_size=4).map(Markup),
                   st.decimals(allow_nan=False, allow_infinity=False), st.binary(max_size=4))
values = st.recursive(leaves, lambda inner: st.one_of(
    st.lists(inner, max_size=6), st.lists(inner, max_size=4).map(tuple),
    st.dictionaries(st.one_of(st.text(max_size=5), st.integers(), st.text(max_size=3).map(
        Markup)), inner, max_size=5),
    st.frozensets(st.one_of(st.text(max_size=3), st.integers()), max_size=4)), max_leaves=30)


@settings(max_examples=600, deadline=None)
@given(value=values, limit=st.sampled_from([MAX_SIZE, 0, 3, 10, 40]))
def test_weight_counts_what_the_walk_in_order_counts(value, limit):
    assert weight(value, limit) == weight_in_order(value, limit)


def test_a_shared_reference_is_counted_each_time_and_the_count_stops_past_the_limit():
    text = "x" * 1000
    many = [{"a": text}] * 5000
    assert weight(many) == weight_in_order(many) > MAX_SIZE


CONTEXT = {"d": {"name": "Dupont", "items": "a key named items", "n": 3,
                 "nested": {"values": "v"}}, "n": decimal.Decimal("1.50")}


@pytest.mark.parametrize("expression", [
    "{{ d.name }}", "{{ d.items }}", "{{ d.items() | list | length }}", "{{ d['items'] }}",
    "{{ d.nested.values }}", "{{ d.n + 1 }}", "{{ d.get('name') }}", "{{ d.__class__ }}",
    "{{ d.missing is defined }}", "{{ n }}", "{{ d.keys | string | length > 0 }}",
])
def test_a_template_reads_a_dict_as_the_sandbox_does(expression):
    def outcome(env) -> str:
        try:
            return env.from_string(expression).render(CONTEXT)
        except jinja2.TemplateError as exc:   # __class__: refused by both, in the same words
            return f"{type(exc).__name__}: {exc}"
    assert outcome(TemplateEnvironment()) == outcome(BoundedSandbox(autoescape=True))


def test_a_missing_key_is_still_an_undefined_error():
    with pytest.raises(jinja2.UndefinedError):
        TemplateEnvironment().from_string("{{ d.missing }}").render(CONTEXT)


def test_a_newline_in_a_value_is_still_a_line_break():
    from contratgen.library.markup import LINE_BREAK
    out = TemplateEnvironment().from_string("{{ a }}|{{ b }}").render(
        a="un\ndeux\r\ntrois\u2028quatre\x85cinq", b="six\xa0sept")
    assert out == LINE_BREAK.join(["un", "deux", "trois", "quatre", "cinq"]) + "|six\xa0sept"
