"""Lint's undefined names: noted where a text uses them, and the render goes on.

A build stops at the first misspelt name (``StrictUndefined``): a signed contract never
has a blank. Lint wants every misspelt name of a text in one run, so it renders with
:class:`NotingUndefined`, which records the name and the template line where it is used
and then behaves as an empty value.
"""
from __future__ import annotations

import sys
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Iterator, Optional

import jinja2

_NOTES: ContextVar[Optional[list]] = ContextVar("contratgen_undefined_notes", default=None)


def _template_line() -> int | None:
    """The template line being rendered: the nearest frame of compiled Jinja code."""
    frame = sys._getframe(2)
    while frame is not None:
        template = frame.f_globals.get("__jinja_template__")
        if template is not None:
            return template.get_corresponding_lineno(frame.f_lineno)
        frame = frame.f_back
    return None


class NotingUndefined(jinja2.StrictUndefined):
    """An undefined value that notes each use (message, template line) and then acts as
    an empty text, a false condition, an empty list."""

    __slots__ = ()

    def _note(self) -> None:
        notes = _NOTES.get()
        if notes is not None:
            notes.append((self._undefined_message, _template_line(), self._undefined_name))

    def _fail_with_undefined_error(self, *args, **kwargs):
        self._note()
        return self

    def __str__(self) -> str:
        self._note()
        return ""

    def __bool__(self) -> bool:
        self._note()
        return False

    def __iter__(self) -> Iterator:
        self._note()
        return iter(())

    def __len__(self) -> int:
        self._note()
        return 0

    def __eq__(self, other) -> bool:
        self._note()
        return False

    def __ne__(self, other) -> bool:
        self._note()
        return True

    def __contains__(self, item) -> bool:
        self._note()
        return False

    def __hash__(self) -> int:
        return id(self)

    def __getattr__(self, name: str):
        if name[:2] == "__":
            raise AttributeError(name)
        self._note()
        return self

    __add__ = __radd__ = __sub__ = __rsub__ = __mul__ = __rmul__ = __mod__ = __rmod__ = \
        __truediv__ = __rtruediv__ = __floordiv__ = __rfloordiv__ = __pow__ = __rpow__ = \
        __getitem__ = __call__ = __neg__ = __pos__ = _fail_with_undefined_error
    __lt__ = __le__ = __gt__ = __ge__ = __contains__


@contextmanager
def noted() -> Iterator[list]:
    """Collect, in the list yielded, the (message, line, name) of every undefined use."""
    token = _NOTES.set([])
    try:
        yield _NOTES.get()
    finally:
        _NOTES.reset(token)
