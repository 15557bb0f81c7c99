"""Editing a client.yaml in place keeps its comments and layout, checks the result, and
writes nothing when the result would be invalid."""
import datetime
from decimal import Decimal
from pathlib import Path

import pytest

from contratgen.diagnostics import UserError
from contratgen.edit import append_entry, set_entry

SAMPLE = Path(__file__).resolve().parent.parent / "samples" / "contract-b2b-invoiced.yaml"


@pytest.fixture
def deal(tmp_path):
    path = tmp_path / "deal.yaml"
    path.write_text(SAMPLE.read_text("utf-8"), "utf-8")
    return path


def test_a_payment_is_appended_and_the_comments_kept(deal):
    before = deal.read_text("utf-8")
    client = append_entry(deal, ("invoicing", "payments"),
                          {"invoice": "FA-2026-0107", "date": datetime.date(2026, 7, 1),
                           "amount": Decimal("12.30")})
    after = deal.read_text("utf-8")
    assert client.invoicing.payments[-1].amount == Decimal("12.30")
    assert "{invoice: FA-2026-0107, date: 2026-07-01, amount: 12.30}" in after
    comments = [line for line in before.splitlines() if line.lstrip().startswith("#")]
    assert comments and all(line in after.splitlines() for line in comments)


def test_an_acceptance_is_set(deal):
    client = set_entry(deal, ("document", "accepted"),
                       {"date": datetime.date(2026, 3, 5), "place": "Lyon"})
    assert client.document.accepted.place == "Lyon"


def test_an_invalid_result_writes_nothing(deal):
    before = deal.read_bytes()
    with pytest.raises(UserError):
        append_entry(deal, ("invoicing", "payments"),
                     {"invoice": "FA-2026-0107", "date": datetime.date(2026, 7, 1),
                      "amount": Decimal("0.001")})
    assert deal.read_bytes() == before
