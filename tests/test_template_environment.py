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
