"""Clause texts rendered: a clause's text is a Jinja template run in the sandbox with
strict undefined variables, so a misspelt name is an error that points into the YAML
file, never a blank in a signed contract.
"""
from __future__ import annotations

import traceback
from decimal import Decimal
from functools import lru_cache
from typing import Any, Mapping

import jinja2

from .. import cache
from ..domain import formatting
from ..load.fields import FORBIDDEN
from . import markup
from .noting import NotingUndefined
from .sandbox import BoundedSandbox, budget
from .spec import LANGS, Clause, Part

MAX_OUTPUT = 100_000  # characters a clause may render to


def _defined(value: Any) -> Any:
    """``{{ amout|money }}``: say that ``amout`` is undefined, not that it is no number."""
    if isinstance(value, jinja2.Undefined):
        value._fail_with_undefined_error()
    return value


def _as_literal_text(value: Any) -> Any:
    return markup.literal(value) if isinstance(value, str) else value


class ClauseEnvironment(BoundedSandbox):
    """The sandbox clause texts run in: strict undefined, bounded work and output."""

    def __init__(self, lang: str):
        # what {{ … }} prints is data, never markup: "**Martin**" in a client's name is
        # printed with its asterisks (the lawyer's own text keeps its markup)
        super().__init__(autoescape=False, keep_trailing_newline=False,
                         finalize=_as_literal_text)
        self.lang = lang
        self.filters["money"] = lambda v: formatting.money(Decimal(_defined(v)), lang)
        self.filters["percent"] = lambda v: formatting.percent(Decimal(_defined(v)), lang)
        self.filters["date"] = lambda v: formatting.date(_defined(v), lang)
        self.filters["number"] = lambda v: formatting.number(_defined(v), lang)


ENVS = {lang: ClauseEnvironment(lang) for lang in LANGS}
# lint's: an undefined name is noted and the render goes on (see noting.py)
_NOTING_ENVS = {lang: ClauseEnvironment(lang) for lang in LANGS}
for _env in _NOTING_ENVS.values():
    _env.undefined = NotingUndefined


class ClauseTextError(Exception):
    def __init__(self, message: str, line: int | None, needle: str | None = None):
        super().__init__(message)
        self.line, self.needle = line, needle


_LOADER = cache.ContentLoader()   # clause texts by content, for Jinja's bytecode cache


def _settings(env: jinja2.Environment) -> str:
    """What Jinja's code for a text depends on besides the text: the environment's
    settings, its filter and test names (an unknown filter fails the compile), Jinja."""
    return repr((env.block_start_string, env.block_end_string, env.variable_start_string,
                 env.variable_end_string, env.comment_start_string, env.comment_end_string,
                 env.line_statement_prefix, env.line_comment_prefix, env.trim_blocks,
                 env.lstrip_blocks, env.newline_sequence, env.keep_trailing_newline,
                 bool(env.autoescape), env.finalize is not None, env.optimized,
                 sorted(env.extensions), sorted(env.filters), sorted(env.tests),
                 type(env).__qualname__, env.code_generator_class.__name__,
                 jinja2.__version__, cache.code_digest("contratgen.library.sandbox")))


def _with_cache(env: jinja2.Environment) -> jinja2.Environment:
    env.loader = _LOADER
    env.bytecode_cache = cache.bytecode_cache("clauses")
    env.cache_salt = _settings(env)
    return env


@lru_cache(maxsize=512)
def _compile(lang: str, text: str, filename: str, noting: bool = False) -> jinja2.Template:
    env = _with_cache((_NOTING_ENVS if noting else ENVS)[lang])
    try:
        return env.get_template(_LOADER.name(text, filename, env.cache_salt))
    except jinja2.TemplateSyntaxError as exc:
        raise ClauseTextError(f"template syntax: {exc.message}", exc.lineno) from None
    except (SyntaxError, RecursionError, MemoryError):  # Python's limits on nesting
        raise ClauseTextError("the text's tags are nested too deeply", None) from None


def _template_line(exc: BaseException, filename: str) -> int | None:
    line = None
    for frame, lineno in traceback.walk_tb(exc.__traceback__):
        if frame.f_code.co_filename == filename:
            line = lineno
    return line


def render_text(clause: Clause, lang: str, context: Mapping[str, Any],
                part: Part = Part.TEXT, noting: bool = False) -> str:
    """The clause text (or its annex text) for ``context``; raises
    :class:`ClauseTextError` with its line. ``noting`` (lint): undefined names are noted
    (:func:`contratgen.library.noting.noted`) instead of raised."""
    source = clause.text_of(part, lang)
    filename = f"<clause {clause.id} {part} {lang}>"
    template = _compile(lang, source, filename, noting)
    out: list[str] = []
    size = 0
    try:
        with budget():
            for chunk in template.generate(context):
                size += len(chunk)
                if size > MAX_OUTPUT:
                    raise ClauseTextError(f"the text renders to more than {MAX_OUTPUT} "
                                          "characters", None)
                out.append(chunk)
    except ClauseTextError:
        raise
    except jinja2.UndefinedError as exc:
        name = _undefined_name(exc.message or "")
        raise ClauseTextError(f"undefined variable: {exc.message}",
                              _template_line(exc, filename), name) from None
    except jinja2.exceptions.SecurityError as exc:
        raise ClauseTextError(f"refused by the sandbox: {exc}",
                              _template_line(exc, filename)) from None
    except MemoryError:
        raise ClauseTextError("the text needs too much memory", None) from None
    except (TypeError, ValueError, ArithmeticError, RecursionError,
            jinja2.TemplateError) as exc:
        raise ClauseTextError(f"cannot render: {exc}", _template_line(exc, filename)) from None
    text = "".join(out)
    bad = FORBIDDEN.search(text)
    if bad:  # e.g. "{{ '\\ud800' }}": XML cannot hold it, Word would not open the file
        raise ClauseTextError(f"the text renders a forbidden character "
                              f"(U+{ord(bad.group()):04X})", None)
    return text


def _undefined_name(message: str) -> str | None:
    # "'dict object' has no attribute 'nmae'" or "'foo' is undefined"
    parts = message.split("'")
    if "has no attribute" in message and len(parts) >= 4:
        return parts[-2]
    if message.endswith("is undefined") and len(parts) >= 2:
        return parts[1]
    return None


def render_blocks(clause: Clause, lang: str, context: Mapping[str, Any],
                  params: Mapping[str, Any], part: Part = Part.TEXT,
                  noting: bool = False) -> tuple[markup.Block, ...]:
    """The clause's text (``Part.TEXT``) or its annex page (``Part.ANNEX``) as
    paragraphs of runs."""
    scope = dict(context)
    scope.update(params)
    scope["params"] = dict(params)
    text = render_text(clause, lang, scope, part, noting)
    return markup.parse(text, bold=clause.spec.conspicuous and part == Part.TEXT)
