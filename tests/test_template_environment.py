"""The template environment: a missing key is an undefined error, a newline in a value
a Word line break."""
from __future__ import annotations

import jinja2
import pytest

from contratgen.render.docx import TemplateEnvironment

CONTEXT = {"d": {"name": "Dupont"}}


def test_a_missing_key_is_still_an_undefined_error():
    with pytest.raises(jinja2.UndefinedError):
        TemplateEnvironment().from_string("{{ d.missing }}").render(CONTEXT)


def test_a_newline_in_a_value_is_still_a_line_break():
    from contratgen.library.markup import LINE_BREAK
    out = TemplateEnvironment().from_string("{{ a }}|{{ b }}").render(
        a="un\ndeux\r\ntrois\u2028quatre\x85cinq", b="six\xa0sept")
    assert out == LINE_BREAK.join(["un", "deux", "trois", "quatre", "cinq"]) + "|six\xa0sept"


DICTS = {"d": {"name": "Dupont", "items": "a key named items", "n": 3,
               "nested": {"values": "v"}}}


@pytest.mark.parametrize("expression", [
    "{{ d.name }}", "{{ d.items }}", "{{ d.items() | list | length }}", "{{ d['items'] }}",
    "{{ d.nested.values }}", "{{ d.n + 1 }}", "{{ d.get('name') }}", "{{ d.__class__ }}",
    "{{ d.missing is defined }}", "{{ d.keys | string | length > 0 }}",
])
def test_a_template_reads_a_dict_as_the_sandbox_does(expression):
    from contratgen.library.sandbox import BoundedSandbox

    def outcome(env) -> str:
        try:
            return env.from_string(expression).render(DICTS)
        except jinja2.TemplateError as exc:   # __class__: refused by both, in the same words
            return f"{type(exc).__name__}: {exc}"
    assert outcome(TemplateEnvironment()) == outcome(BoundedSandbox(autoescape=True))
