"""contratgen receivables: the ageing of what a portfolio is owed on a date, per client,
late interest, DSO, disputes; the --html page in headless Chromium.

Amounts by hand: a B2B invoice of 1 200,00 € TTC due 1 April 2026, late interest at the
ECB rate + 10 points (2,15 % + 10 = 12,15 % in 2026-H1).
"""
import datetime as dt
import json
import re
import shutil
import subprocess
from decimal import Decimal as D

import pytest
from click.testing import CliRunner

from contratgen.cli import main
from contratgen.collection.receivables import bucket_of
from support.portfolio import write_deal

CHROMIUM = next(filter(None, map(shutil.which, ("chromium", "chromium-browser"))), None)
ON = "2026-05-10"


def run(*args):
    return CliRunner().invoke(main, [*map(str, args)])


@pytest.mark.parametrize("days_late, bucket", [
    (-10, "not-due"), (0, "not-due"), (1, "1-30"), (30, "1-30"), (31, "31-60"),
    (60, "31-60"), (61, "61-90"), (90, "61-90"), (91, "over-90"), (400, "over-90")])
def test_the_buckets_end_on_their_last_day(days_late, bucket):
    assert bucket_of(days_late) == bucket


@pytest.fixture
def portfolio(tmp_path):
    write_deal(tmp_path, 1, dt.date(2026, 3, 2), D("1000"))          # 39 days late
    write_deal(tmp_path, 2, dt.date(2026, 3, 2), D("1000"),          # paid
               payments=[(dt.date(2026, 3, 20), D("1200.00"))])
    write_deal(tmp_path, 3, dt.date(2026, 1, 10), D("700"),          # 90 days late,
               disputes=[dt.date(2026, 3, 1)])                       # disputed
    write_deal(tmp_path, 4, dt.date(2026, 4, 20), D("300"),          # cancelled
               credit=dt.date(2026, 4, 25))
    write_deal(tmp_path, 5, dt.date(2026, 4, 30), D("250"),          # not due yet, paid
               payments=[(dt.date(2026, 5, 2), D("100.00"))])        # in part
    return tmp_path


def test_the_ageing_puts_each_invoice_in_its_bucket_with_its_interest(portfolio):
    result = run("receivables", portfolio, "--on", ON, "--json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    # 1 200 × 12,15 % × 39 / 365 = 15,58; 840 × 12,15 % × 90 / 365 = 25,17
    assert data["buckets"] == {"not-due": "200.00", "1-30": "0.00", "31-60": "1200.00",
                               "61-90": "840.00", "over-90": "0.00"}
    assert (data["total"], data["interest"], data["indemnity"]) == \
        ("2240.00", "40.75", "80.00")
    assert data["disputed"] == ["FA-2026-0003"]
    by_client = {c["name"]: c for c in data["clients"]}
    assert by_client["Client 4"]["total"] == "0.00"      # credited: nothing owed
    assert by_client["Client 2"]["total"] == "0.00"


def test_the_dso_is_what_is_owed_over_the_sales_of_90_days(portfolio):
    data = json.loads(run("receivables", portfolio, "--on", ON, "--json").stdout)
    # sales from 10 Feb to 10 May: 1 200 + 1 200 + 0 (cancelled) + 300 = 2 700;
    # 2 240 × 90 / 2 700 = 74,67 → 74.7 days (deal 3 was invoiced before the window)
    assert data["dso"] == "74.7"
    assert {c["name"]: c["dso"] for c in data["clients"]}["Client 3"] is None


def test_the_ageing_total_is_the_sum_of_dues(portfolio):
    ageing = json.loads(run("receivables", portfolio, "--on", ON, "--json").stdout)
    dues = json.loads(run("dues", portfolio, "--on", ON, "--json").stdout)
    owed = sum(D(t["outstanding"]) for doc in dues["documents"] for t in doc["tranches"]
               if t["invoice"] != "FA-2026-0004")      # cancelled by its credit note
    assert D(ageing["total"]) == owed == sum(D(v) for v in ageing["buckets"].values())


def test_an_invalid_file_is_a_located_error_and_no_page_is_written(portfolio):
    (portfolio / "deal-09.yaml").write_text("document: {type: contract}\n", "utf-8")
    page = portfolio / "ageing.html"
    result = run("receivables", portfolio, "--on", ON, "--html", page)
    assert result.exit_code == 1
    assert re.search(r"deal-09\.yaml:\d+:\d+: error", result.output)
    assert not page.exists()


def test_the_page_is_self_contained(portfolio):
    page = portfolio / "ageing.html"
    assert run("receivables", portfolio, "--on", ON, "--html", page).exit_code == 0
    html = page.read_text("utf-8")
    assert not re.search(r"<script|<link|<img|src=|href=|@import|url\(", html)
    assert re.findall(r"https?://[^\"]+", html) == ["http://www.w3.org/2000/svg"]
    run("receivables", portfolio, "--on", ON, "--html", portfolio / "again.html")
    assert (portfolio / "again.html").read_bytes() == page.read_bytes()


@pytest.mark.skipif(CHROMIUM is None, reason="Chromium is not installed")
def test_the_page_shows_the_chart_in_chromium(portfolio, tmp_path_factory):
    page = portfolio / "ageing.html"
    assert run("receivables", portfolio, "--on", ON, "--html", page).exit_code == 0
    profile = tmp_path_factory.mktemp("chromium")
    flags = [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
             "--disable-background-networking", "--disable-component-update",
             "--disable-sync", f"--user-data-dir={profile}"]
    dom = subprocess.run([*flags, "--dump-dom", page.as_uri()], capture_output=True,
                         text=True, timeout=120).stdout
    bars = dict(re.findall(r'id="bar-([\w-]+)"[^>]*data-amount="([\d.]+)"', dom))
    assert bars == {"not-due": "200.00", "1-30": "0.00", "31-60": "1200.00",
                    "61-90": "840.00", "over-90": "0.00"}
    assert "Encours clients au 10 mai 2026" in dom and "FA-2026-0003" in dom
    shot = profile / "page.png"
    subprocess.run([*flags, f"--screenshot={shot}", "--window-size=900,900",
                    page.as_uri()], capture_output=True, timeout=120)
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and shot.stat().st_size > 10_000
