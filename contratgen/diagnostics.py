"""Diagnostics in the compiler convention: ``file:line:col: severity: message [code]``.

Every user mistake becomes a :class:`Diagnostic`; a stage that finds errors raises
:class:`UserError` carrying all of them, and the CLI prints them and exits 1.
"""
from __future__ import annotations

import sys
from dataclasses import dataclass
from typing import Iterable, Sequence

ERROR = "error"
WARNING = "warning"


@dataclass(frozen=True, order=True)
class Diagnostic:
    file: str
    line: int
    col: int
    severity: str
    message: str
    code: str

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}:{self.col}" if self.line else self.file
        return f"{where}: {self.severity}: {self.message} [{self.code}]"

    @property
    def is_error(self) -> bool:
        return self.severity == ERROR

    def as_dict(self) -> dict:
        return {
            "file": self.file,
            "line": self.line,
            "col": self.col,
            "severity": self.severity,
            "message": self.message,
            "code": self.code,
        }


class UserError(Exception):
    """Bad input: carries located diagnostics; never shown as a traceback."""

    exit_code = 1

    def __init__(self, diagnostics: Sequence[Diagnostic]):
        self.diagnostics = tuple(diagnostics)
        super().__init__("\n".join(str(d) for d in self.diagnostics))


class ExternalError(Exception):
    """A required external component is missing or failed (exit 3)."""

    exit_code = 3


def has_errors(diagnostics: Iterable[Diagnostic]) -> bool:
    return any(d.is_error for d in diagnostics)


def print_diagnostics(diagnostics: Iterable[Diagnostic], stream=None) -> None:
    stream = stream or sys.stderr
    for d in diagnostics:
        print(d, file=stream)
