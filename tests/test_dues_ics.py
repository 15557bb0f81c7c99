"""``dues --ics`` over several files: one event per (document, tranche), a warning naming
the files when they overlap, and no calendar at all when an input fails."""
from __future__ import annotations

import shutil

import icalendar
from click.testing import CliRunner

from conftest import SAMPLES
from contratgen.cli import main
from contratgen.dues_ics import event_uid

STAGES = [SAMPLES / name for name in ("contract-b2b.yaml", "contract-b2b-invoiced.yaml",
                                      "contract-b2b-late.yaml")]   # one deal, three files


def run(*args):
    return CliRunner().invoke(main, ["dues", "--on", "2026-06-30", *map(str, args)])


def events(path):
    return list(icalendar.Calendar.from_ical(path.read_bytes()).walk("VEVENT"))


def test_one_deal_in_three_files_gives_one_event_per_tranche_and_warns(tmp_path):
    target = tmp_path / "dues.ics"
    result = run("--ics", target, *STAGES)
    assert result.exit_code == 0, result.output
    found = events(target)
    uids = [str(e["uid"]) for e in found]
    assert len(uids) == len(set(uids)) == 3      # tranches 1, 2 (all files) and 3 (invoiced)
    assert set(uids) == {event_uid("CT-2026-0042", n) for n in (1, 2, 3)}
    # the late file has the payments and the notice: its events are the ones kept
    second = next(e for e in found if str(e["uid"]) == event_uid("CT-2026-0042", 2))
    assert "Reste dû : 922,96" in str(second["description"]).replace("\u202f", " ")
    warnings = [line for line in result.stderr.splitlines() if "[dues.duplicate]" in line]
    assert len(warnings) == 2
    assert all(line.split(": warning:")[0].endswith("contract-b2b-invoiced.yaml") and
               "from " in line and line.endswith("contract-b2b-late.yaml (the furthest "
                                                  "along) [dues.duplicate]")
               for line in warnings)


def test_the_same_invoice_number_in_two_deals_is_a_warning(tmp_path):
    other = tmp_path / "other.yaml"
    other.write_text(STAGES[1].read_text(encoding="utf-8").replace(
        "number: CT-2026-0042", "number: CT-2026-0043"), encoding="utf-8")
    result = run("--ics", tmp_path / "d.ics", STAGES[1], other)
    assert result.exit_code == 0, result.output
    assert result.stderr.count("[dues.duplicate-invoice]") == 3
    assert "invoice FA-2026-0107 (CT-2026-0043 tranche 1) is also CT-2026-0042" in \
        result.stderr
    assert run("--strict", "--ics", tmp_path / "s.ics", STAGES[1], other).exit_code == 1
    assert not (tmp_path / "s.ics").exists()


def test_a_failed_input_leaves_the_calendar_as_it_was(tmp_path):
    """The break: the calendar was rewritten without the failed document's events, and
    every subscribed calendar deleted them."""
    target = tmp_path / "dues.ics"
    good, broken = tmp_path / "a.yaml", tmp_path / "b.yaml"
    shutil.copy(SAMPLES / "contract-b2b-late.yaml", good)
    shutil.copy(SAMPLES / "quote-b2c-late.yaml", broken)
    assert run("--ics", target, good, broken).exit_code == 0
    before = target.read_bytes()
    assert sum("Sophie Moreau" in str(e["summary"]) for e in events(target)) == 2
    broken.write_text(broken.read_text(encoding="utf-8") + "\nnot yaml: [\n",
                      encoding="utf-8")

    result = run("--ics", target, good, broken)

    assert result.exit_code == 1
    assert "not written" in result.stderr
    assert target.read_bytes() == before


def test_no_calendar_is_created_when_an_input_fails(tmp_path):
    broken = tmp_path / "b.yaml"
    broken.write_text("client: [\n", encoding="utf-8")
    result = run("--ics", tmp_path / "new.ics", SAMPLES / "contract-b2b-late.yaml", broken)
    assert result.exit_code == 1 and not (tmp_path / "new.ics").exists()
