"""A clause's change log: ``changes:`` in its YAML, required by lint when the version
goes up, shown by ``contratgen clauses ID``."""
from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from contratgen.cli import main
from contratgen.library.loader import SHIPPED
from contratgen.clause_lint import lint_library

ENTRY_V2 = "changes:\n  - {version: 2, date: 2026-12-01, reason: Plus clair}\n"


def clause_copy(tmp_path: Path, version: int, changes: str = "") -> Path:
    """The shipped early_payment clause (version 1, no change log) at another version."""
    text = (SHIPPED / "early_payment.yaml").read_text("utf-8")
    assert "\nversion: 1\n" in text and "\nchanges:" not in text
    text = text.replace("\nversion: 1\n", f"\nversion: {version}\n{changes}")
    folder = tmp_path / "library"
    folder.mkdir(exist_ok=True)
    (folder / "early_payment.yaml").write_text(text, "utf-8")
    return folder


def change_diagnostics(folder: Path) -> list:
    diagnostics, _ = lint_library([folder])
    return [d for d in diagnostics if d.code.startswith("clause.changes")]


def test_lint_requires_an_entry_for_the_current_version_above_1(tmp_path):
    found = change_diagnostics(clause_copy(tmp_path, 2))
    assert [(d.severity, d.line, d.col) for d in found] == [("error", 3, 10)]
    assert "at version 2 but its change log has no entry for it" in found[0].message


def test_a_first_version_needs_no_change_log(tmp_path):
    assert change_diagnostics(clause_copy(tmp_path, 1)) == []


def test_an_entry_for_the_current_version_satisfies_lint(tmp_path):
    assert change_diagnostics(clause_copy(tmp_path, 2, ENTRY_V2)) == []


@pytest.mark.parametrize("changes, message", [
    ("changes:\n  - {version: 2, date: 2026-12-01, reason: a}\n"
     "  - {version: 3, date: 2026-12-02, reason: b}\n",
     "change log entry for version 3, but the clause is at version 2"),
    ("changes:\n  - {version: 2, date: 2026-12-01, reason: a}\n"
     "  - {version: 2, date: 2026-12-02, reason: b}\n",
     "two change log entries for version 2"),
])
def test_lint_refuses_an_entry_from_the_future_or_twice(tmp_path, changes, message):
    found = change_diagnostics(clause_copy(tmp_path, 2, changes))
    assert [d.message for d in found] == [message]
    assert found[0].line == 6        # the second entry's version


def test_a_change_without_a_date_is_a_located_error(tmp_path):
    folder = clause_copy(tmp_path, 2, "changes:\n  - {version: 2, reason: oubli}\n")
    diagnostics, _ = lint_library([folder])
    assert any(d.is_error and d.line == 5 and "date" in d.message for d in diagnostics)


def test_the_shipped_clauses_above_version_1_have_their_change_log():
    diagnostics, _ = lint_library([SHIPPED])
    assert [d for d in diagnostics if d.code == "clause.changes"] == []


def test_clauses_id_shows_the_change_log_newest_first(tmp_path):
    folder = clause_copy(tmp_path, 2, "changes:\n  - {version: 1, date: 2026-11-23, "
                                      "reason: Première version}\n" + ENTRY_V2[9:])
    result = CliRunner().invoke(main, ["clauses", "early_payment", "--library", str(folder)])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    start = lines.index("  changes:")
    assert lines[start + 1:start + 3] == ["    v2   2026-12-01  Plus clair",
                                          "    v1   2026-11-23  Première version"]


def test_clauses_id_says_when_no_change_is_recorded():
    result = CliRunner().invoke(main, ["clauses", "early_payment"])
    assert "  changes:     — (none recorded)" in result.output
