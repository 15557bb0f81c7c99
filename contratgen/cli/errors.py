"""The CLI's failures: the exit code lives on the exception class, as in click.

``Contratgen.invoke`` (cli/app.py) is the one place that turns the engine's exceptions
(``UserError`` → 1, ``ExternalError`` → 3, ``OSError`` → 3) into these, and click's
``Command.main`` the one place that turns these into ``sys.exit``. A command raises
:class:`Failed` (its inputs' diagnostics are printed already) or :class:`Unavailable`;
it never catches to re-raise.
"""
from __future__ import annotations

import sys
from typing import Iterable, Optional

import click

from ..diagnostics import Diagnostic


class Failed(click.ClickException):
    """Some inputs are invalid or non-compliant; their diagnostics were printed (exit 1)."""

    exit_code = 1

    def __init__(self, message: str = "", exit_code: Optional[int] = None):
        super().__init__(message)
        if exit_code is not None:   # an engine exception's own code (Contratgen.invoke)
            self.exit_code = exit_code

    def show(self, file=None):
        if self.message:
            click.echo(f"contratgen: {self.message}", err=True)


class Unavailable(Failed):
    """A required component (LibreOffice, a server, a folder) is missing or failed, or an
    output cannot be written (exit 3)."""

    exit_code = 3


def for_status(code: int) -> Failed:
    """The failure a batch run ended with (its manifest's status says which)."""
    return Unavailable() if code == Unavailable.exit_code else Failed(exit_code=code)


def print_diagnostics(diagnostics: Iterable[Diagnostic], stream=None) -> None:
    """Each diagnostic on its own line (standard error unless told)."""
    stream = stream or sys.stderr
    for d in diagnostics:
        print(d, file=stream)
