"""``contratgen dues`` (SPEC.md "Late interest", `dues`): tranche due dates, the figures of
each tranche on a date, JSON for scripts, many files, --fail-on-overdue, and the
iCalendar export (icalendar parses it back)."""
from __future__ import annotations

import datetime
import json
import shutil
from pathlib import Path

import icalendar
import pytest
from click.testing import CliRunner

from contratgen.cli import main
from contratgen.diagnostics import UserError
from contratgen.dues import dues_of, invoice_due

FIXTURES = Path(__file__).parent / "fixtures" / "dues"
B2B = FIXTURES / "b2b.yaml"      # the B2B sample contract, tranche 2 late and partly paid
B2C = FIXTURES / "b2c.yaml"      # the B2C sample quote, tranche 2 late after a notice


def day(text: str) -> datetime.date:
    return datetime.date.fromisoformat(text)


def run(*args: str):
    return CliRunner().invoke(main, ["dues", *args])


def as_json(*args: str) -> dict:
    result = run("--json", *args)
    assert result.exit_code in (0, 1), result.output
    return json.loads(result.stdout)


# --- due dates ---------------------------------------------------------------------------

@pytest.mark.parametrize("invoice, days, eom, due", [
    ("2026-04-20", 30, False, "2026-05-20"),
    ("2026-04-20", 45, True, "2026-06-30"),     # 20 April + 45 days = 4 June → 30 June
    ("2026-01-31", 30, True, "2026-03-31"),     # 2 March → end of March
    ("2026-02-10", 0, True, "2026-02-28"),      # "à la fin du mois d'émission"
    ("2026-02-10", 0, False, "2026-02-10"),     # "à réception"
])
def test_an_invoiced_tranche_is_due_at_the_invoice_date_plus_the_terms(invoice, days, eom,
                                                                       due):
    assert invoice_due(day(invoice), days, eom) == day(due)


def test_a_dated_tranche_is_due_on_its_own_date(tmp_path):
    text = B2B.read_text(encoding="utf-8").replace(
        "{label: Solde, percent: 30, due: final_delivery}",
        "{label: Solde, percent: 30, due: 2026-09-15}")
    path = tmp_path / "c.yaml"
    path.write_text(text, encoding="utf-8")
    doc = dues_of(path, day("2026-06-30"))
    assert doc.rows[2].due == day("2026-09-15") and doc.rows[2].status == "not_due"


def test_an_event_tranche_not_yet_invoiced_has_no_due_date():
    row = dues_of(B2B, day("2026-06-30")).rows[2]
    assert (row.due, row.standing, row.status) == (None, None, "not_invoiced")


# --- the figures -------------------------------------------------------------------------

def test_a_late_partly_paid_b2b_tranche_on_30_june():
    # tranche 2: 40 % of 4 807,40 = 1 922,96 €, invoiced 20 April, 30 days → due 20 May;
    # 1 000 € paid 30 May. legal_default in 2026-H1: 2,15 + 10 = 12,15 %.
    # 21-30 May: 1922,96 × 12,15 × 10 / 36 500 = 6,401077 → 6,40 €, paid first by the
    # 1 000 € (C. civ. 1343-1): 993,60 € on the principal, 929,36 € still due;
    # 31 May-30 June: 929,36 × 12,15 × 31 / 36 500 = 9,590… → 9,59 € still due;
    # claimable: 929,36 + 9,59 + 40 = 978,95 € (before: 922,96 + 15,93 + 40 = 978,89 €,
    # the payment imputed on the principal)
    [doc] = as_json("--on", "2026-06-30", str(B2B))["documents"]
    first, second, third = doc["tranches"]
    assert (first["status"], first["due"], first["interest"]) == ("paid", "2026-04-04", "0.00")
    assert {k: second[k] for k in ("due", "status", "paid", "outstanding", "days_late",
                                    "interest", "indemnity", "claimable", "interest_accrued",
                                    "interest_paid")} == {
        "due": "2026-05-20", "status": "overdue", "paid": "1000.00", "outstanding": "929.36",
        "days_late": 41, "interest": "9.59", "indemnity": "40.00", "claimable": "978.95",
        "interest_accrued": "15.99", "interest_paid": "6.40"}
    assert [(p["days"], p["base"], p["rate"]) for p in second["periods"]] == [
        (10, "1922.96", "12.15"), (31, "929.36", "12.15")]
    assert second["imputations"] == [{"date": "2026-05-30", "amount": "1000.00",
                                      "interest": "6.40", "principal": "993.60"}]
    assert third["status"] == "not_invoiced"
    assert doc["overdue"] == 1 and doc["totals"]["claimable"] == "978.95"


def test_a_consumer_tranche_bears_interest_from_the_notice_and_no_indemnity():
    # tranche 2: 80 % of 3 249,00 = 2 599,20 €, invoiced 4 May, payable on receipt;
    # notice 20 May; on 19 June: 21 May-19 June, 30 days at 2,62 %:
    # 2599,20 × 2,62 × 30 / 36 500 = 5,597 → 5,60 €; no 40 € against a consumer
    [doc] = as_json("--on", "2026-06-19", str(B2C))["documents"]
    second = doc["tranches"][1]
    assert (second["interest_from"], second["interest"], second["indemnity"],
            second["claimable"]) == ("2026-05-21", "5.60", "0.00", "2604.80")


def test_amounts_in_json_are_strings():
    [doc] = as_json("--on", "2026-06-30", str(B2B))["documents"]
    for row in doc["tranches"]:
        assert isinstance(row["amount"], str)
    assert all(isinstance(v, str) for v in doc["totals"].values())


def test_the_table_on_a_terminal_shows_each_tranche():
    result = CliRunner().invoke(main, ["dues", "--on", "2026-06-30", str(B2B)],
                                env={"COLUMNS": "250"})
    assert result.exit_code == 0, result.output
    assert "FA-2026-0131" in result.output and "978,95\u00a0€" in result.output
    assert "1 overdue tranche in 1 document" in result.output


# --- many files, exit codes ------------------------------------------------------------------

def test_fail_on_overdue_exits_1_only_when_something_is_overdue():
    assert run("--on", "2026-06-30", "--fail-on-overdue", str(B2B)).exit_code == 1
    assert run("--on", "2026-06-30", str(B2B)).exit_code == 0
    assert run("--on", "2026-04-01", "--fail-on-overdue", str(B2B)).exit_code == 0


def test_a_folder_is_read_like_batch_and_a_bad_file_does_not_hide_the_others(tmp_path):
    shutil.copy(B2B, tmp_path / "a.yaml")
    shutil.copy(B2C, tmp_path / "b.yaml")
    (tmp_path / "c.yaml").write_text(B2B.read_text(encoding="utf-8").replace(
        "invoice: FA-2026-0131, date: 2026-05-30", "invoice: FA-2026-9999, date: 2026-05-30"),
        encoding="utf-8")
    result = run("--json", "--on", "2026-06-30", str(tmp_path))
    assert result.exit_code == 1
    docs = json.loads(result.stdout)["documents"]
    assert [d["status"] for d in docs] == ["ok", "ok", "error"]
    [error] = docs[2]["diagnostics"]
    assert "no invoice FA-2026-9999" in error["message"] and error["code"] == \
        "invoicing.payments"
    assert f"c.yaml:{error['line']}:{error['col']}: error:" in result.stderr


def test_ledger_errors_are_all_located(tmp_path):
    text = B2B.read_text(encoding="utf-8").replace(
        "{tranche: 2, number: FA-2026-0131", "{tranche: 4, number: FA-2026-0107")
    path = tmp_path / "c.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(UserError) as caught:
        dues_of(path, day("2026-06-30"))
    messages = sorted(d.message for d in caught.value.diagnostics)
    assert any("tranche 4 does not exist" in m for m in messages)
    assert any("FA-2026-0107 is used twice" in m for m in messages)
    assert all(d.line > 0 for d in caught.value.diagnostics)


def test_an_uncovered_half_year_is_an_error_and_a_rates_file_fills_it(tmp_path):
    # before: a warning, and the days of July priced at the rates of 2026-H1
    result = run("--json", "--on", "2026-07-15", str(B2B))
    assert result.exit_code == 1
    [error] = json.loads(result.stdout)["documents"][0]["diagnostics"]
    assert error["code"] == "rates.missing" and "2nd half 2026 (2026-H2)" in error["message"]
    assert "--rates FILE" in error["message"] and error["line"] == next(
        i for i, text in enumerate(B2B.read_text().splitlines(), 1) if "FA-2026-0131" in text)
    assert f"b2b.yaml:{error['line']}:7: error:" in result.stderr
    extra = tmp_path / "extra.yaml"        # test figures, not the 2026-H2 arrêté
    extra.write_text("legal_interest:\n  - {half: 2026-H2, consumer: 6.5, other: 2.5, "
                     "source: test}\necb_refinancing:\n  - {since: 2026-06-10, rate: 2.40, "
                     "source: test}\necb_checked: 2026-07-01\n", encoding="utf-8")
    result = run("--json", "--on", "2026-07-15", "--rates", str(extra), str(B2B))
    assert result.exit_code == 0 and "rates.missing" not in result.stderr
    periods = json.loads(result.stdout)["documents"][0]["tranches"][1]["periods"]
    assert [(p["half"], p["rate"]) for p in periods][-1] == ("2026-H2", "12.40")


# --- the calendar ------------------------------------------------------------------------------

def export(tmp_path: Path, name: str, *inputs: Path, on: str = "2026-06-30") -> bytes:
    target = tmp_path / name
    result = run("--on", on, "--ics", str(target), *map(str, inputs))
    assert result.exit_code == 0, result.output
    return target.read_bytes()


def test_the_calendar_has_one_event_per_known_due_date_with_alarms(tmp_path):
    cal = icalendar.Calendar.from_ical(export(tmp_path, "d.ics", B2B))
    events = list(cal.walk("VEVENT"))
    assert [e.decoded("dtstart") for e in events] == [day("2026-04-04"), day("2026-05-20")]
    paid, late = events
    assert "FA-2026-0131" in str(late["summary"]) and "(payée)" in str(paid["summary"])
    triggers = [a.decoded("trigger") for a in late.walk("VALARM")]
    assert triggers == [datetime.timedelta(days=-3), datetime.timedelta(days=7),
                        datetime.timedelta(days=15)]
    assert not list(paid.walk("VALARM"))      # nothing left to remind


def test_a_re_export_keeps_the_uids_and_the_bytes(tmp_path):
    first = export(tmp_path, "1.ics", B2B, B2C)
    again = export(tmp_path, "2.ics", B2B, B2C, on="2026-06-15")   # another day, same data
    assert first == again
    uids = [str(e["uid"]) for e in icalendar.Calendar.from_ical(first).walk("VEVENT")]
    assert len(set(uids)) == len(uids) == 4


def test_invoicing_a_tranche_later_updates_its_event_instead_of_adding_one(tmp_path):
    before = export(tmp_path, "1.ics", B2B)
    later = tmp_path / "b2b.yaml"
    later.write_text(B2B.read_text(encoding="utf-8").replace(
        "    - {tranche: 2, number: FA-2026-0131, date: 2026-04-20}\n",
        "    - {tranche: 2, number: FA-2026-0131, date: 2026-04-20}\n"
        "    - {tranche: 3, number: FA-2026-0190, date: 2026-06-02}\n").replace(
        "date: 2026-05-30, amount: 1000}", "date: 2026-05-30, amount: 1000}\n"
        "    - {invoice: FA-2026-0131, date: 2026-07-02, amount: 922.96}"), encoding="utf-8")
    after = export(tmp_path, "2.ics", later)
    old = {str(e["uid"]): e for e in icalendar.Calendar.from_ical(before).walk("VEVENT")}
    new = {str(e["uid"]): e for e in icalendar.Calendar.from_ical(after).walk("VEVENT")}
    assert set(old) < set(new) and len(new) == 3
    changed = [uid for uid in old if new[uid]["sequence"] > old[uid]["sequence"]]
    assert len(changed) == 1 and "(payée)" in str(new[changed[0]]["summary"])
    assert new[changed[0]].decoded("dtstamp").date() == day("2026-07-02")


def test_alarms_can_be_chosen(tmp_path):
    target = tmp_path / "d.ics"
    result = run("--on", "2026-06-30", "--ics", str(target), "--alarm", "-1", "--alarm",
                 "30", str(B2B))
    assert result.exit_code == 0, result.output
    late = list(icalendar.Calendar.from_ical(target.read_bytes()).walk("VEVENT"))[1]
    assert [a.decoded("trigger").days for a in late.walk("VALARM")] == [-1, 30]


def test_a_notice_before_the_due_date_and_an_overpayment_are_warnings(tmp_path):
    text = B2B.read_text(encoding="utf-8").replace(
        "{invoice: FA-2026-0131, date: 2026-06-10}", "{invoice: FA-2026-0131, date: 2026-05-10}"
    ).replace("date: 2026-03-12, amount: 1442.22", "date: 2026-03-12, amount: 1500")
    path = tmp_path / "c.yaml"
    path.write_text(text, encoding="utf-8")
    doc = dues_of(path, day("2026-06-30"))
    codes = sorted((d.code, d.severity) for d in doc.diagnostics)
    assert codes == [("invoicing.notices", "warning"), ("invoicing.payments", "warning")]
    assert any("precedes the due date 2026-05-20" in d.message for d in doc.diagnostics)
    assert any("1500.00 received for 1442.22" in d.message for d in doc.diagnostics)


def test_a_date_that_is_not_iso_is_a_usage_error():
    assert run("--on", "30/06/2026", str(B2B)).exit_code == 2


# --- Version 3: judgments, public purchasers ------------------------------------------------

H2_TEST = ("legal_interest:\n  - {half: 2026-H2, consumer: 6.5, other: 2.5, source: test}\n"
           "ecb_checked: 2026-07-01\n")      # test figures, not the 2026-H2 arrêté


def test_a_judgment_in_the_ledger_adds_5_points_two_months_after(tmp_path):
    # FA-2026-0355, 2 599,20 € due 4 May, notice 20 May; judgment enforceable 21 May →
    # + 5 points from 22 July (CMF L313-3): 21 May–30 June 2,62 %, 1–21 July 2,5 % (test
    # figure), 22 July–31 August 2,5 + 5 = 7,5 %
    path = tmp_path / "c.yaml"
    path.write_text(B2C.read_text(encoding="utf-8").replace(
        "  notices:\n", "  judgments:\n    - {invoice: FA-2026-0355, date: 2026-05-21}\n"
        "  notices:\n"), encoding="utf-8")
    extra = tmp_path / "h2.yaml"
    extra.write_text(H2_TEST, encoding="utf-8")
    [doc] = as_json("--on", "2026-08-31", "--rates", str(extra), str(path))["documents"]
    periods = doc["tranches"][1]["periods"]
    assert [(p["from"], p["days"], p["rate"], p["judgment"]) for p in periods] == [
        ("2026-05-21", 41, "2.62", False), ("2026-07-01", 21, "2.5", False),
        ("2026-07-22", 41, "7.5", True)]


def test_a_judgment_for_an_unknown_invoice_is_located(tmp_path):
    path = tmp_path / "c.yaml"
    path.write_text(B2C.read_text(encoding="utf-8").replace(
        "  notices:\n", "  judgments:\n    - {invoice: FA-2026-9999, date: 2026-05-21}\n"
        "  notices:\n"), encoding="utf-8")
    with pytest.raises(UserError) as caught:
        dues_of(path, day("2026-06-30"))
    [d] = caught.value.diagnostics
    assert d.code == "invoicing.judgments" and "no invoice FA-2026-9999" in d.message


def test_a_public_purchaser_owes_ecb_plus_8_points_whatever_the_contract_says(tmp_path):
    # the B2B fixture for a town hall: FA-2026-0131 at 2,15 + 8 = 10,15 % (not 12,15 %)
    path = tmp_path / "c.yaml"
    path.write_text(B2B.read_text(encoding="utf-8").replace("kind: business", "kind: public"),
                    encoding="utf-8")
    [doc] = as_json("--on", "2026-06-30", str(path))["documents"]
    second = doc["tranches"][1]
    assert doc["kind"] == "public" and {p["rate"] for p in second["periods"]} == {"10.15"}
    assert second["indemnity"] == "40.00"
