"""The CLI's own exception: exit codes live on it, and click turns it into ``sys.exit``.

A module of its own so the command modules (``cli``, ``cli_rates``, ``cli_dues`` …) can all
raise it without importing each other.
"""
from __future__ import annotations

import sys
from typing import Iterable

import click

from ..diagnostics import Diagnostic


class Failed(click.ClickException):
    """Some inputs failed; their diagnostics were printed already."""

    def __init__(self, code: int = 1, message: str = ""):
        super().__init__(message)
        self.exit_code = code

    def show(self, file=None):
        if self.message:
            click.echo(f"contratgen: {self.message}", err=True)


def print_diagnostics(diagnostics: Iterable[Diagnostic], stream=None) -> None:
    """Each diagnostic on its own line (standard error unless told)."""
    stream = stream or sys.stderr
    for d in diagnostics:
        print(d, file=stream)
