"""A quarter of collection on a portfolio of 20 generated deals: one ``collect --send``
a day from 1 March to 31 May 2026 (2026-H1, which the rates table covers) against a real
SMTP server on loopback, one run killed in the middle of a batch.

What should happen is worked out here from each deal's story, by hand: the default policy
sends the courtesy reminder 3 days before the due date, the reminder at +7, the second
reminder at +15 (all three by e-mail) and records the formal notice at +30 for registered
post; a payment in full, a dispute or a credit note stops the ladder from its date.
"""
import datetime as dt
import email.utils
import json
import os
import subprocess
import sys
from decimal import Decimal as D

from click.testing import CliRunner

from conftest import ROOT, docx_text, needs_libreoffice
from contratgen.cli import main
from contratgen.domain import formatting as fmt
from contratgen.dues import dues_of
from support.portfolio import ttc, write_deal
from support.smtp import LoopbackSmtp, attachment, text

FIRST, LAST = dt.date(2026, 3, 1), dt.date(2026, 5, 31)
EMAILED = (("courtesy", -3), ("reminder", 7), ("second-reminder", 15))
NOTICE = ("formal-notice", 30)
TOGETHER = dt.date(2026, 3, 10)       # deals 7-9: invoiced the same day, reminded together
KILL_DAY = TOGETHER + dt.timedelta(days=30 + 7)


def story(n: int) -> dict:
    """Deal ``n``: its invoice date, price, and what happens to it."""
    invoiced = TOGETHER if n in (7, 8, 9) else dt.date(2026, 2, 6) + dt.timedelta(days=3 * n)
    price = D(400 + 55 * n)
    due = invoiced + dt.timedelta(days=30)
    whole = ttc(price)
    events = {
        10: {"payments": [(due - dt.timedelta(days=1), whole)]},
        11: {"payments": [(due - dt.timedelta(days=1), whole)]},
        12: {"payments": [(due, whole)]},
        # paid ten days late with its interest (ECB 2,15 % + 10 points, C. com. L441-10):
        # the interest is paid first (C. civ. 1343-1), then the whole principal
        13: {"payments": [(due + dt.timedelta(days=10),
                           whole + (whole * D("0.1215") * 10 / 365).quantize(D("0.01"),
                                                                          "ROUND_HALF_UP"))]},
        14: {"payments": [(due + dt.timedelta(days=5), D("100.00"))]},
        15: {"disputes": [due + dt.timedelta(days=10)]},
        16: {"disputes": [due - dt.timedelta(days=5)]},
        17: {"credit": due + dt.timedelta(days=2)},
        18: {"payments": [(due - dt.timedelta(days=10), whole)]},
    }.get(n, {})
    return {"invoiced": invoiced, "price": price, "due": due, "ttc": whole,
            "language": "en" if n in (19, 20) else "fr", **events}


def stop_day(s: dict):
    """The day the ladder stops: paid in full, disputed or credited."""
    days = [d for d, a in s.get("payments", ()) if a >= s["ttc"]]
    days += list(s.get("disputes", ())) + ([s["credit"]] if s.get("credit") else [])
    return min(days) if days else None


def expected(s: dict):
    """(level, day) of every step the deal gets, by hand."""
    stop = stop_day(s)
    steps = [(level, s["due"] + dt.timedelta(days=k)) for level, k in (*EMAILED, NOTICE)]
    return [(level, day) for level, day in steps if FIRST <= day <= LAST
            and (stop is None or day < stop)]


def outstanding(s: dict, day: dt.date) -> D:
    """The principal still due on ``day``: a payment after the due date pays the interest
    accrued since (ECB 2,15 % + 10 points, every day of these deals in 2026-H1) first
    (C. civ. 1343-1), then the principal."""
    principal, since = s["ttc"], s["due"]
    for paid_on, amount in sorted(p for p in s.get("payments", ()) if p[0] <= day):
        interest = D(0)
        if paid_on > since:
            interest = (principal * D("0.1215") * (paid_on - since).days / 365).quantize(
                D("0.01"), "ROUND_HALF_UP")
            since = paid_on
        principal -= amount - min(amount, interest)
    return principal


def collect(folder, day, smtp, out):
    return CliRunner().invoke(main, ["collect", str(folder), "--on", day.isoformat(),
                                     "--send", "--smtp", smtp.url, "-o", str(out),
                                     "--format", "docx"])


def killed_run(folder, day, smtp, out) -> int:
    """One run in its own process, killed by the server when the 2nd message arrives."""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    smtp.inbox.reset(kill_at=2)
    process = subprocess.Popen(
        [sys.executable, "-m", "contratgen", "collect", str(folder), "--on", day.isoformat(),
         "--send", "--smtp", smtp.url, "-o", str(out), "--format", "docx"],
        env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    smtp.inbox.victim = process.pid
    code = process.wait(timeout=120)
    smtp.inbox.reset()
    return code


def test_a_quarter_of_daily_runs_sends_every_expected_email_once(tmp_path):
    folder, out = tmp_path / "deals", tmp_path / "out"
    folder.mkdir()
    stories = {n: story(n) for n in range(1, 21)}
    paths = {}
    for n, s in stories.items():
        events = {k: s[k] for k in ("payments", "disputes", "credit") if k in s}
        paths[n] = write_deal(folder, n, s["invoiced"], s["price"], language=s["language"],
                              **events)
    ageing_checked = 0
    with LoopbackSmtp() as smtp:
        day = FIRST
        while day <= LAST:
            if day == KILL_DAY:
                assert killed_run(folder, day, smtp, out) == -9
                assert len(smtp.inbox.messages) == accepted_before + 1
            else:
                accepted_before = len(smtp.inbox.messages)
            result = collect(folder, day, smtp, out)
            assert result.exit_code == 0, (day, result.output)
            if day.day == 1 or day == LAST:
                check_ageing(folder, day)
                ageing_checked += 1
            day += dt.timedelta(days=1)
    assert ageing_checked == 4

    received = {}
    for recipients, message in smtp.inbox.messages:
        n = int(recipients[0].removeprefix("client").split("@")[0])
        level = message["Message-ID"].split(".")[1].split("@")[0]
        assert (n, level) not in received, f"deal {n}: {level} twice"
        received[(n, level)] = message
    wanted = {(n, level): day for n, s in stories.items() for level, day in expected(s)
              if level != "formal-notice"}
    assert set(received) == set(wanted)
    assert not any(n in (16, 18) for n, _ in received)       # disputed / paid early
    for (n, level), message in received.items():
        check_message(stories[n], paths[n], level, wanted[(n, level)], message, out)
    for n, s in stories.items():
        check_ledger(paths[n], expected(s))


def check_message(s, path, level, day, message, out):
    sent_on = email.utils.parsedate_to_datetime(message["Date"]).date()
    assert sent_on == day
    owed = fmt.money(outstanding(s, day), s["language"])
    flat = lambda t: " ".join(t.replace("\u202f", " ").replace("\xa0", " ").split())  # noqa
    assert flat(owed) in flat(text(message)) or level == "second-reminder"
    name, data = attachment(message)
    number = f"FA-2026-{int(path.stem.split('-')[1]):04d}"
    assert name == f"{number}-{level}.docx"
    letter = flat(docx_text(data))
    assert number in letter and flat(owed) in letter
    if level == "second-reminder":   # the sum claimed: what `dues` says that day
        (row,) = dues_of(path, day).rows
        claimable = flat(fmt.money(row.standing.claimable, s["language"]))
        assert claimable in flat(text(message)) and claimable in letter


def check_ledger(path, steps):
    import yaml
    sent = yaml.safe_load(path.read_text("utf-8"))["invoicing"].get("sent") or []
    assert [(e["level"], e["date"]) for e in sent] == steps
    assert {e["channel"] for e in sent if e["level"] == "formal-notice"} <= {"registered-post"}


def check_ageing(folder, day):
    runner = CliRunner()
    ageing = json.loads(runner.invoke(main, ["receivables", str(folder), "--on",
                                             day.isoformat(), "--json"]).stdout)
    dues = json.loads(runner.invoke(main, ["dues", str(folder), "--on", day.isoformat(),
                                           "--json"]).stdout)
    cancelled = {f"FA-2026-{n:04d}" for n in (17,) if day >= story(n)["credit"]}
    owed = sum((D(t["outstanding"]) for doc in dues["documents"] for t in doc["tranches"]
                if t["invoice_date"] <= day.isoformat()      # issued by then
                and t["invoice"] not in cancelled), D(0))
    assert D(ageing["total"]) == owed
    assert sum(D(v) for v in ageing["buckets"].values()) == owed
    assert sum(D(c["total"]) for c in ageing["clients"]) == owed


@needs_libreoffice
def test_the_letters_go_as_pdf_with_their_amounts(tmp_path):
    import io
    from pypdf import PdfReader
    folder = tmp_path / "deals"
    folder.mkdir()
    s = story(19)                                       # an English deal, never paid
    path = write_deal(folder, 19, s["invoiced"], s["price"], language="en")
    with LoopbackSmtp() as smtp:
        for level, day in expected(s):
            result = CliRunner().invoke(main, [
                "collect", str(folder), "--on", day.isoformat(), "--send", "--smtp",
                smtp.url, "-o", str(tmp_path / "out"), "--format", "both"])
            assert result.exit_code == 0, result.output
    assert len(smtp.inbox.messages) == 3
    for (_, message), (level, day) in zip(smtp.inbox.messages, expected(s)):
        name, data = attachment(message)
        assert name == f"FA-2026-0019-{level}.pdf"
        pdf = " ".join(" ".join(p.extract_text() for p in PdfReader(io.BytesIO(data)).pages)
                       .replace("\u202f", " ").replace("\xa0", " ").split())
        (row,) = dues_of(path, day).rows
        assert fmt.money(row.standing.outstanding, "en") in pdf
        assert "FA-2026-0019" in pdf
