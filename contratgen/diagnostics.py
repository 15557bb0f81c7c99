"""Diagnostics in the compiler convention: ``file:line:col: severity: message [code]``.

Every user mistake becomes a :class:`Diagnostic`; a stage that finds errors raises
:class:`UserError` carrying all of them, and the CLI prints them
(:func:`contratgen.cli.errors.print_diagnostics`) and exits 1.
"""
from __future__ import annotations

import enum
import re
from dataclasses import dataclass
from typing import Iterable, Sequence

try:
    from enum import StrEnum
except ImportError:   # Python 3.10
    class StrEnum(str, enum.Enum):
        """Members are their text: compared, hashed, formatted and written to JSON as it."""

        __str__ = str.__str__
        __format__ = str.__format__


class Severity(StrEnum):
    ERROR = "error"       # the document is not built
    WARNING = "warning"   # it is built, and the user is told
    NOTE = "note"         # a waived warning: shown in the build log, never fails a build


ERROR = Severity.ERROR
WARNING = Severity.WARNING
NOTE = Severity.NOTE

# C0 and C1 controls, DEL, line and paragraph separators, bidi embeddings and isolates
_UNPRINTABLE = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")


def printable(text: str) -> str:
    """``text`` with control characters written as escapes (``\\x1b``, ``\\n``,
    ``\\u202e``): what a diagnostic prints is always one plain line."""
    def escape(match: re.Match) -> str:
        char = match.group()
        named = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}.get(char)
        if named:
            return named
        return f"\\x{ord(char):02x}" if ord(char) < 0x100 else f"\\u{ord(char):04x}"
    return _UNPRINTABLE.sub(escape, text)


@dataclass(frozen=True, order=True)
class Diagnostic:
    file: str
    line: int
    col: int
    severity: Severity
    message: str
    code: str

    def __post_init__(self) -> None:   # read back from a manifest, the severity is text
        if type(self.severity) is not Severity:
            object.__setattr__(self, "severity", Severity(self.severity))

    def __str__(self) -> str:
        # one line, whatever the input held: a message quoting a hostile file cannot
        # forge log lines (newlines) or drive the terminal (ESC sequences)
        where = f"{self.file}:{self.line}:{self.col}" if self.line else self.file
        return printable(f"{where}: {self.severity}: {self.message} [{self.code}]")

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
