"""`contratgen preview`: a page on 127.0.0.1 that follows the document as it is edited.

Without a browser: the server listens on the loopback address only, serves the page with
the totals and the schedule, gives a broken file's located diagnostics as JSON, rebuilds
on a save, keeps the last good pages after a broken one, and stops cleanly. The page in
a real browser is tested in test_preview_browser.py.
"""
from __future__ import annotations

import os
import http.client
import json
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from conftest import needs_libreoffice
from contratgen.pipeline import Options
from contratgen.preview import HOST, PreviewSession
from contratgen.preview.rebuild import png_size
from support.preview import (ROOT, TTC_AFTER, TTC_BEFORE, PreviewProcess, edit, plain,
                             price_line)

def get(url: str, timeout: float = 10.0) -> bytes:
    with urllib.request.urlopen(url, timeout=timeout) as reply:
        return reply.read()


def state(session) -> dict:
    return json.loads(get(session.link("/state.json")))


def wait_for(predicate, timeout: float = 20.0, step: float = 0.1):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(step)
    raise AssertionError(f"not true within {timeout} s")


@pytest.fixture
def figures_only(sample):
    """A session with no LibreOffice worker: figures and diagnostics, no pages."""
    path = sample("contract-b2b.yaml")
    session = PreviewSession(path, Options(), 0, None, missing_converter="no pages here")
    yield path, session
    session.stop()


def left_behind(tmpdir):
    """What a stopped preview left in its TMPDIR: nothing but the user's own run folder
    (contratgen.private), kept empty, as ``/run/user/<uid>`` is."""
    run = tmpdir / f"contratgen-{os.getuid()}"
    return sorted(p for p in tmpdir.rglob("*") if p != run)


def test_the_server_listens_on_127_0_0_1_only(figures_only):
    path, session = figures_only
    session.start()
    host, port = session.address
    assert (host, HOST) == ("127.0.0.1", "127.0.0.1")
    assert session.url == f"http://127.0.0.1:{port}/?token={session.token}"
    # another address of the loopback range reaches a server bound to every address,
    # not one bound to 127.0.0.1 alone
    with pytest.raises(ConnectionRefusedError):
        socket.create_connection(("127.0.0.2", port), timeout=5).close()


def test_the_command_has_no_host_option(sample):
    done = subprocess.run([sys.executable, "-m", "contratgen.cli", "preview",
                           str(sample("contract-b2b.yaml")), "--host", "0.0.0.0"],
                          capture_output=True, text=True, timeout=60, cwd=ROOT)
    assert done.returncode == 2
    assert "No such option '--host'" in done.stderr


def test_a_request_for_another_host_name_is_refused(figures_only):
    """A web page elsewhere cannot reach the preview through a DNS name it controls."""
    _, session = figures_only
    session.start()
    connection = http.client.HTTPConnection("127.0.0.1", session.address[1], timeout=5)
    connection.request("GET", f"/state.json?token={session.token}",
                       headers={"Host": "attacker.example:80"})
    reply = connection.getresponse()
    assert reply.status == 421
    assert b"CT-2026" not in reply.read()
    connection.close()


def test_the_page_shows_the_totals_and_the_schedule(figures_only):
    _, session = figures_only
    session.start()
    html = plain(get(session.url).decode("utf-8"))
    assert f'id="total-ttc">{TTC_BEFORE} €<' in html
    assert 'id="total-ht">4 006,17 €<' in html
    # one rate: 20 % on 4 006,17 € = 801,234 → 801,23 €
    assert "TVA 20 % <small>(4 006,17 €)</small>" in html and "801,23 €" in html
    for label, amount in [("Acompte à la signature", "1 442,22 €"),
                          ("Livraison partielle", "1 922,96 €"), ("Solde", "1 442,22 €")]:
        assert label in html and amount in html
    assert "no pages here" in html
    reply = urllib.request.urlopen(session.url, timeout=5)
    assert "default-src 'none'" in reply.headers["Content-Security-Policy"]


def test_a_broken_file_gives_its_located_diagnostics_as_json(figures_only):
    path, session = figures_only
    edit(path, "unit_price: 650", "unit_price: douze")
    session.start()
    found = state(session)
    assert found["ok"] is False and found["summary"] is None
    [diagnostic] = found["diagnostics"]
    assert (diagnostic["file"], diagnostic["line"], diagnostic["col"]) == (str(path), price_line(path), 17)
    assert diagnostic["code"] == "items[0].unit_price"
    html = get(session.url).decode("utf-8")
    assert f"{path}:{price_line(path)}:17" in html and "[items[0].unit_price]" in html
    assert "&#x27;douze&#x27;" in html   # the message is escaped, like everything shown


def test_what_the_file_says_is_escaped(figures_only):
    path, session = figures_only
    edit(path, "title: Contrat de prestation de services",
         "title: \"<img src=x onerror=alert(1)>\"")
    session.start()
    html = get(session.url).decode("utf-8")
    assert "<img src=x" not in html and "&lt;img src=x onerror=alert(1)&gt;" in html


def test_a_save_rebuilds_without_a_browser(figures_only):
    path, session = figures_only
    session.start()
    edit(path, "unit_price: 650", "unit_price: 700")
    after = wait_for(lambda: (s := state(session))["generation"] > 1 and s)
    assert plain(after["summary"]["ttc"]) == f"{TTC_AFTER} €"


def read_event(stream, timeout: float = 20.0) -> str:
    """The data of the next server-sent event (keep-alive comments skipped)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        line = stream.readline().decode().strip()
        if line.startswith("data: "):
            return line[len("data: "):]
    raise AssertionError("no event")


@needs_libreoffice
def test_pages_follow_each_save_and_a_broken_save_keeps_the_last_good_ones(sample, tmp_path,
                                                                           monkeypatch):
    path = sample("contract-b2b.yaml")
    tmp = tmp_path / "tmp"      # the converter's and pdftoppm's temporary folders go here
    tmp.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(tmp))
    from contratgen.pdf.workers import Converter
    converter = Converter(workers=1)
    with PreviewSession(path, Options(), 0, converter) as session:
        session.start()
        first = state(session)
        assert first["ok"] and first["pages"] >= 2
        png = get(session.link(f"/page/{first['pages_generation']}/1.png"))
        assert png_size(png) == (794, 1123)         # A4 at 96 dpi, rounded up
        events = urllib.request.urlopen(session.link("/events"), timeout=30)
        assert read_event(events) == "1"

        edit(path, "unit_price: 650", "unit_price: 700")
        assert read_event(events) == "2"
        good = state(session)
        assert good["ok"] and plain(good["summary"]["ttc"]) == f"{TTC_AFTER} €"
        assert good["pages_generation"] == 2
        assert get(session.link("/page/2/1.png")) != png   # the new amounts are drawn

        edit(path, "unit_price: 700", "unit_price: [700]")
        assert read_event(events) == "3"
        broken = state(session)
        assert not broken["ok"] and broken["diagnostics"][0]["line"] == price_line(path)
        assert broken["pages_generation"] == 2 and broken["pages"] == good["pages"]
        assert plain(broken["summary"]["ttc"]) == f"{TTC_AFTER} €"   # the last good ones
        assert get(session.link("/page/2/1.png"))
        pids, port = converter.office_pids(), session.address[1]
        assert list(tmp.iterdir())
        events.close()
    # stopped: no LibreOffice, no temporary folder, no listener, no thread of ours
    assert pids and not any(Path(f"/proc/{pid}").exists() for pid in pids)
    assert left_behind(tmp) == []
    with pytest.raises(ConnectionRefusedError):
        socket.create_connection(("127.0.0.1", port), timeout=5).close()
    assert not [t.name for t in threading.enumerate() if t.name.startswith("contratgen-prev")]


@needs_libreoffice
@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT])
def test_the_command_stops_cleanly_on_a_signal(sample, signum):
    preview = PreviewProcess(sample("contract-b2b.yaml"))
    try:
        assert TTC_BEFORE in plain(preview.get().decode("utf-8"))
        with pytest.raises(urllib.error.HTTPError) as refused:   # the printed URL's token
            urllib.request.urlopen(preview.base, timeout=10)
        assert refused.value.code == 403
        assert preview.leftover_processes()     # its LibreOffice worker runs
    finally:
        code = preview.stop(signum)
    assert code == 0, preview.output()
    assert "preview stopped" in preview.output()
    assert "Traceback" not in preview.output()
    assert wait_for(lambda: not preview.leftover_processes(), timeout=10)
    assert left_behind(preview.tmpdir) == []


def test_a_port_in_use_is_exit_3_with_a_message(sample):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        done = subprocess.run([sys.executable, "-m", "contratgen.cli", "preview",
                               str(sample("contract-b2b.yaml")), "--port", str(port)],
                              capture_output=True, text=True, timeout=60, cwd=ROOT)
    assert done.returncode == 3
    assert f"cannot listen on 127.0.0.1:{port}" in done.stderr
    assert "Traceback" not in done.stderr


def test_a_save_in_the_library_or_of_the_template_rebuilds(sample, tmp_path):
    """The clause library folders and the template are watched as FILE is."""
    from contratgen.library.loader import SHIPPED
    from contratgen.render.docx import SHIPPED_TEMPLATES
    path = sample("contract-b2b.yaml")
    library = tmp_path / "library"
    library.mkdir()
    clause = library / "jurisdiction.yaml"
    shutil.copy(Path(SHIPPED) / "jurisdiction.yaml", clause)
    template = tmp_path / "letterhead.docx"
    shutil.copy(Path(SHIPPED_TEMPLATES) / "contract.docx", template)
    edit(path, "  copies: 2", "  copies: 2\n  template: letterhead.docx")
    options = Options(library_dirs=(library,))
    with PreviewSession(path, options, 0, None) as session:
        session.start()
        assert state(session)["ok"], state(session)
        assert {clause.parent.resolve(), template.resolve()} <= \
            {p.resolve() for p in session.rebuilder.watched}

        edit(clause, "  fr: Attribution de compétence", "  fr: [Attribution")
        broken = wait_for(lambda: (s := state(session))["generation"] == 2 and s)
        assert not broken["ok"]
        assert {d["file"] for d in broken["diagnostics"]} == {str(clause)}
        assert all(d["line"] > 0 for d in broken["diagnostics"])

        edit(clause, "  fr: [Attribution", "  fr: Attribution de compétence")
        assert wait_for(lambda: (s := state(session))["generation"] == 3 and s)["ok"]

        template.write_bytes(b"not a docx")
        broken = wait_for(lambda: (s := state(session))["generation"] == 4 and s)
        assert not broken["ok"]
        # a template the client file chose is refused at its document.template line
        assert any(d["file"] == str(path) and "letterhead.docx" in d["message"]
                   and d["code"].startswith("template") for d in broken["diagnostics"])
