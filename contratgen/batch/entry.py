"""The records of a batch's report: an input's :class:`Entry`, its :class:`Output` files,
and the closed vocabularies of statuses.

Entries are frozen: a stage that changes one (the writer adding the outputs, a failure
added after the build) makes a new one. On disk (journal, ``manifest.json``) an entry is
the JSON object :meth:`Entry.as_json` gives; :meth:`Entry.from_json` reads one back,
refusing (``None``) what it cannot trust, so a damaged manifest means "rebuild", never a
crash.
"""
from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any, Optional

from ..diagnostics import Diagnostic, StrEnum


class Status(StrEnum):
    """What happened to one input."""

    OK = "ok"              # built and written
    ERROR = "error"        # not written: see its diagnostics
    SKIPPED = "skipped"    # up to date, nothing to build, or not run (see its reason)


class RunStatus(StrEnum):
    """What the manifest says of the whole run."""

    RUNNING = "running"           # from the start: a killed run is never taken for a done one
    COMPLETE = "complete"
    INTERRUPTED = "interrupted"   # an error (--fail-fast), a signal, a lost cluster


@dataclass(frozen=True)
class Output:
    """One file an input wrote, as it was renamed into place."""

    format: str
    file: str         # its name in the output folder
    size: int
    sha256: str

    def as_json(self) -> dict[str, Any]:
        return {"format": self.format, "file": self.file, "size": self.size,
                "sha256": self.sha256}


@dataclass(frozen=True)
class Entry:
    """One input of a batch, as the manifest reports it."""

    input: str                              # as the user named it
    status: Status
    document: Optional[str] = None          # its number
    type: Optional[str] = None
    input_sha256: Optional[str] = None      # the very bytes it was built from
    key: Optional[str] = None               # everything its outputs depend on (--changed-only)
    outputs: tuple[Output, ...] = ()
    clauses: tuple[dict, ...] = ()          # id, version, sha256 of each clause text
    diagnostics: tuple[Diagnostic, ...] = ()
    reason: Optional[str] = None            # why it was skipped
    invoices: Optional[tuple[str, ...]] = None   # --invoices: the numbers it has

    @property
    def ok(self) -> bool:
        return self.status is Status.OK

    def failed(self, *diagnostics: Diagnostic) -> "Entry":
        """This entry with more errors: nothing written, nothing to skip next time."""
        return replace(self, status=Status.ERROR, key=None, outputs=(),
                       diagnostics=self.diagnostics + diagnostics)

    def as_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"input": self.input, "status": str(self.status)}
        if self.reason is not None:
            out["reason"] = self.reason
        out.update(document=self.document, type=self.type, input_sha256=self.input_sha256,
                   key=self.key, outputs=[o.as_json() for o in self.outputs],
                   clauses=list(self.clauses),
                   diagnostics=[d.as_dict() for d in self.diagnostics])
        if self.invoices is not None:
            out["invoices"] = list(self.invoices)
        return out

    @classmethod
    def from_json(cls, data: object) -> Optional["Entry"]:
        """An entry read back from a journal or manifest; None when it is not one."""
        try:
            if not isinstance(data, dict) or not isinstance(data.get("input"), str):
                return None
            invoices = data.get("invoices")
            return cls(
                input=data["input"], status=Status(data["status"]),
                document=_text(data.get("document")), type=_text(data.get("type")),
                input_sha256=_text(data.get("input_sha256")), key=_text(data.get("key")),
                outputs=tuple(Output(str(o["format"]), str(o["file"]), int(o["size"]),
                                     str(o["sha256"])) for o in data.get("outputs") or ()),
                clauses=tuple(c for c in data.get("clauses") or () if isinstance(c, dict)),
                diagnostics=tuple(Diagnostic(**d) for d in data.get("diagnostics") or ()),
                reason=_text(data.get("reason")),
                invoices=None if invoices is None else tuple(str(n) for n in invoices))
        except (KeyError, TypeError, ValueError):
            return None


def _text(value: object) -> Optional[str]:
    return value if isinstance(value, str) else None


def not_run(name: str, reason: str) -> Entry:
    return Entry(name, Status.SKIPPED, reason=reason)
