"""What a new user writes by mistake, and what contratgen answers: the French decimal
comma in a flow mapping, ``oui`` for a boolean, and a ledger with several problems, one
of them a malformed field (every problem of the file at once)."""
from __future__ import annotations

import datetime

import pytest

from contratgen.diagnostics import UserError
from contratgen.dues import dues_of
from contratgen.pipeline import Options, prepare


def problems(path) -> list:
    with pytest.raises(UserError) as failed:
        prepare(path, Options())
    return failed.value.diagnostics


def line_of(path, text: str) -> int:
    return next(n for n, line in enumerate(path.read_text("utf-8").splitlines(), 1)
                if text in line)


def edit(path, old: str, new: str) -> None:
    text = path.read_text("utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), "utf-8")


@pytest.mark.parametrize("old, new, said", [
    ("unit_price: 4800,", "unit_price: 4800,50,", "write 4800.50, or quote the text"),
    ("quantity: 2.5,", "quantity: 2,5,", "write 2.5, or quote the text"),
    ("unit_price: 520,", "unit_price: 520,05,", "write 520.05, or quote the text"),
])
def test_a_decimal_comma_in_braces_gets_a_located_hint(sample, old, new, said):
    path = sample("quote-b2b.yaml")
    edit(path, old, new)
    tail = new.split(",")[1]
    [found] = [d for d in problems(path) if d.message.startswith("unknown key")]
    assert said in found.message and f"unknown key '{tail}'" in found.message
    line = line_of(path, new)
    column = path.read_text("utf-8").splitlines()[line - 1].index(new) + len(new.split(",")[0]) + 2
    assert (found.line, found.col) == (line, column)     # at the '50', where the slip is


def test_a_comma_in_a_text_in_braces_asks_for_quotes(sample):
    path = sample("quote-b2b.yaml")
    edit(path, "description: Pose et finitions,", "description: Pose, finitions,")
    [found] = [d for d in problems(path) if d.message.startswith("unknown key")]
    assert "unknown key 'finitions'" in found.message
    assert 'quote the text (description: "Pose, finitions")' in found.message


def test_an_unknown_key_in_a_block_mapping_has_no_comma_hint(sample):
    path = sample("quote-b2b.yaml")
    edit(path, "  free_of_charge: true\n", "  free_of_charge: true\n  50:\n")
    [found] = [d for d in problems(path) if d.message.startswith("unknown key")]
    assert found.message == "unknown key '50'"


@pytest.mark.parametrize("written", ["oui", "non", "vrai", "'true '"])
def test_a_boolean_written_in_french_says_true_or_false(sample, written):
    path = sample("quote-b2b.yaml")
    edit(path, "free_of_charge: true", f"free_of_charge: {written}")
    found = problems(path)
    [message] = [d.message for d in found if d.code == "document.free_of_charge"]
    assert "is not a boolean: write true or false" in message
    # the value is wrong, not missing: no second message asking for the field
    assert not [d for d in found if d.code == "legal.quote-price-of-quote"]


LEDGER = """invoicing:
  invoices:
    - {tranche: 1, number: FA-2026-0107, date: 2026-03-05}
    - {tranche: deux, number: FA-2026-0131, date: 2026-04-20}
    - {tranche: 9, number: FA-2026-0190, date: 2026-06-02}
    - {tranche: 1, number: FA-2026-0107, date: 2026-06-02}
  payments:
    - {invoice: FA-2026-0999, date: 2026-03-10, amount: 100}
    - {invoice: FA-2026-0107, date: 2026-03-10, amount: cent}
"""


@pytest.fixture
def broken_ledger(sample):
    path = sample("contract-b2b-invoiced.yaml")
    text = path.read_text("utf-8")
    path.write_text(text[:text.index("invoicing:")] + LEDGER, "utf-8")
    return path


def located(path, diagnostics) -> set:
    lines = path.read_text("utf-8").splitlines()
    return {(lines[d.line - 1].strip(), d.code) for d in diagnostics}


def test_check_reports_every_problem_of_the_ledger_at_once(broken_ledger):
    found = located(broken_ledger, problems(broken_ledger))
    assert {("- {tranche: deux, number: FA-2026-0131, date: 2026-04-20}",
             "invoicing.invoices[1].tranche"),
            ("- {tranche: 9, number: FA-2026-0190, date: 2026-06-02}", "invoice.tranche"),
            ("- {tranche: 1, number: FA-2026-0107, date: 2026-06-02}",
             "invoice.tranche-invoiced"),
            ("- {tranche: 1, number: FA-2026-0107, date: 2026-06-02}",
             "invoice.number-duplicate"),
            ("- {invoice: FA-2026-0107, date: 2026-03-10, amount: cent}",
             "invoicing.payments[1].amount")} <= found


def test_dues_reports_every_problem_of_the_ledger_at_once(broken_ledger):
    with pytest.raises(UserError) as failed:
        dues_of(broken_ledger, datetime.date(2026, 7, 1))
    found = failed.value.diagnostics
    messages = [d.message for d in found]
    assert [d.code for d in found] == [
        "invoicing.invoices[1].tranche", "invoicing.tranche", "invoicing.tranche",
        "invoicing.number", "invoicing.payments", "invoicing.payments[1].amount"]
    assert "tranche 9 does not exist" in messages[1]
    assert "already invoiced by FA-2026-0107" in messages[2]
    assert "no invoice FA-2026-0999" in messages[4]
    # the placeholders put in the malformed fields' place are never reported
    assert not [m for m in messages if "100" in m or "'?'" in m]


def test_a_ledger_with_one_malformed_field_only_reports_that_field(sample):
    path = sample("contract-b2b-invoiced.yaml")
    edit(path, "{tranche: 2,", "{tranche: deux,")
    with pytest.raises(UserError) as failed:
        dues_of(path, datetime.date(2026, 7, 1))
    assert [d.code for d in failed.value.diagnostics] == ["invoicing.invoices[1].tranche"]


def test_an_entry_wrong_as_a_whole_does_not_hide_the_others(sample):
    """A situation invoice without its progress cannot be repaired field by field: it
    stands aside, and what the ledger says of the real entries is still said."""
    path = sample("contract-b2b-invoiced.yaml")
    text = path.read_text("utf-8")
    path.write_text(text + "    - {situation: 1, number: FA-2026-0200, date: 2026-06-02}\n"
                    "  payments:\n"
                    "    - {invoice: FA-2026-0999, date: 2026-03-10, amount: -5}\n"
                    "    - {invoice: FA-2026-0998, date: 2026-03-10, amount: 10}\n", "utf-8")
    with pytest.raises(UserError) as failed:
        dues_of(path, datetime.date(2026, 7, 1))
    found = [(d.code, d.message) for d in failed.value.diagnostics]
    assert [code for code, _ in found] == ["invoicing.invoices[3]", "invoicing.payments",
                                           "invoicing.payments[0].amount",
                                           "invoicing.payments"]
    assert "no invoice FA-2026-0999 in invoicing.invoices (known: FA-2026-0107, " \
           "FA-2026-0131, FA-2026-0190)" == found[1][1]
    assert "no invoice FA-2026-0998" in found[3][1]
