"""A clause's change log (``changes:`` in its YAML): what lint requires of it, and how
``contratgen clauses ID`` shows it.

The lawyer bumps ``version`` at every change of text and says, in ``changes:``, when and
why. So a signed contract's provenance (clause id, version, text hash) leads to the
reason its wording is what it is.
"""
from __future__ import annotations

from ..diagnostics import Diagnostic
from .spec import Clause


def check_change_log(clause: Clause) -> list[Diagnostic]:
    """Lint: an entry for the current version when it is above 1; no entry for a version
    the clause has not reached; one entry per version."""
    spec, src = clause.spec, clause.source
    diags: list[Diagnostic] = []
    seen: set[int] = set()
    for i, change in enumerate(spec.changes):
        where = ("changes", i, "version")
        if change.version > spec.version:
            diags.append(src.diagnostic(where, f"change log entry for version {change.version}"
                                        f", but the clause is at version {spec.version}",
                                        "clause.changes"))
        if change.version in seen:
            diags.append(src.diagnostic(where, f"two change log entries for version "
                                        f"{change.version}", "clause.changes"))
        seen.add(change.version)
    if spec.version > 1 and spec.version not in seen:
        where = ("changes",) if "changes" in src.data else ("version",)
        diags.append(src.diagnostic(where, f"clause '{spec.id}' is at version {spec.version} "
                                    f"but its change log has no entry for it: add to "
                                    f"'changes:' {{version: {spec.version}, date: YYYY-MM-DD, "
                                    "reason: ...}", "clause.changes"))
    return diags


def change_log_lines(clause: Clause) -> list[str]:
    """The change log, newest first, for ``contratgen clauses ID``."""
    changes = sorted(clause.spec.changes, key=lambda c: c.version, reverse=True)
    if not changes:
        return ["  changes:     — (none recorded)"]
    return ["  changes:"] + [f"    v{c.version:<3} {c.date.isoformat()}  {c.reason}"
                             for c in changes]
