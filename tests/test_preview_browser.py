"""`contratgen preview` in a real browser: headless Chromium (Debian's ``chromium``)
driven over the Chrome DevTools Protocol with ``websocket-client``.

The test starts the command on a copy of the sample contract, loads the page, checks the
totals, edits ``unit_price``, waits for the new TTC amount, makes an invalid edit and
waits for the located diagnostic while the last good pages stay. In both states the
page passes axe-core (tests/data/axe-core, vendored: see its README) with no serious or
critical violation, and the side panel with the diagnostics is reached with the Tab key.
Screenshots are saved under test-artifacts/preview/ (ignored by git).

Runs wherever Chromium is installed (Debian's ``chromium``, or Google Chrome);
``websocket-client`` is a test dependency, so a missing one is a failure, not a skip. In
CI (``CI`` set) a missing Chromium is a failure too: `.ci/run` installs it.
"""
from __future__ import annotations

import base64
import itertools
import json
import os
import shutil
import signal
import subprocess
import time
import urllib.request
from pathlib import Path

import pytest
import websocket

from conftest import needs_libreoffice
from support.preview import (ROOT, TTC_AFTER, TTC_BEFORE, PreviewProcess, edit, plain,
                             price_line)

BROWSERS = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable",
            "/usr/lib/chromium/chromium")
CHROMIUM = next(filter(None, map(shutil.which, BROWSERS)), None)
AXE = Path(__file__).resolve().parent / "data" / "axe-core" / "axe.min.js"
ARTIFACTS = Path(os.environ.get("CONTRATGEN_TEST_ARTIFACTS", ROOT / "test-artifacts"))
FLAGS = ("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--remote-debugging-address=127.0.0.1", "--remote-debugging-port=0",
         "--window-size=1280,900", "--hide-scrollbars")

pytestmark = [needs_libreoffice,
              pytest.mark.skipif(CHROMIUM is None and not os.environ.get("CI"),
                                 reason="Chromium is not installed (apt-get install "
                                        "chromium, or tools/setup.sh --browser)")]


class Browser:
    """One headless Chromium with a new empty profile, and its first tab over CDP."""

    def __init__(self, profile: Path, timeout: float = 60.0):
        assert CHROMIUM, "Chromium is not installed: tools/setup.sh --browser"
        profile.mkdir()
        self.log = (profile.parent / "chromium.log").open("wb")
        self.process = subprocess.Popen([CHROMIUM, *FLAGS, f"--user-data-dir={profile}",
                                         "about:blank"], stdin=subprocess.DEVNULL,
                                        stdout=self.log, stderr=subprocess.STDOUT,
                                        start_new_session=True)
        port = self._devtools_port(profile / "DevToolsActivePort", timeout)
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/json/list", timeout=10) as r:
            tab = next(t for t in json.load(r) if t["type"] == "page")
        self.ws = websocket.create_connection(tab["webSocketDebuggerUrl"], timeout=30,
                                              suppress_origin=True)
        self._ids = itertools.count(1)

    def _devtools_port(self, active: Path, timeout: float) -> int:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if active.exists() and active.read_text().strip():
                return int(active.read_text().split()[0])
            if self.process.poll() is not None:
                break
            time.sleep(0.1)
        self.close()
        raise AssertionError("Chromium did not open its DevTools port")

    def send(self, method: str, **params):
        ident = next(self._ids)
        self.ws.send(json.dumps({"id": ident, "method": method, "params": params}))
        while True:
            message = json.loads(self.ws.recv())
            if message.get("id") == ident:
                if "error" in message:
                    raise AssertionError(f"{method}: {message['error']}")
                return message["result"]

    def js(self, expression: str):
        result = self.send("Runtime.evaluate", expression=expression, returnByValue=True,
                           awaitPromise=True)
        if "exceptionDetails" in result:
            raise AssertionError(f"{expression}: {result['exceptionDetails']}")
        return result["result"].get("value")

    def wait_for(self, expression: str, timeout: float = 20.0):
        """The value of ``expression`` once it is truthy, polling for at most ``timeout``."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            value = self.js(expression)
            if value:
                return value
            time.sleep(0.2)
        raise AssertionError(f"still false after {timeout} s: {expression}\n"
                             f"page: {self.js('document.body.innerText')[:2000]}")

    def axe(self) -> list[dict]:
        """axe-core's violations on the page as it is: rule, impact, elements."""
        if not self.js("typeof window.axe === 'object'"):
            # evaluated by the DevTools protocol: the page's CSP stays as users get it
            self.send("Runtime.evaluate", expression=AXE.read_text("utf-8"))
        found = self.js("axe.run(document).then(r => ({passes: r.passes.length, "
                        "violations: r.violations.map(v => ({id: v.id, impact: v.impact, "
                        "help: v.help, nodes: v.nodes.map(n => n.target.join(' '))}))}))")
        assert found["passes"] >= 10        # axe ran its rules on this page
        return found["violations"]

    def tab(self) -> str:
        """Press Tab; the id (or tag) of the element that has the focus then."""
        for kind in ("rawKeyDown", "keyUp"):
            self.send("Input.dispatchKeyEvent", type=kind, key="Tab", code="Tab",
                      windowsVirtualKeyCode=9, nativeVirtualKeyCode=9)
        return self.js("document.activeElement.id || document.activeElement.tagName")

    def screenshot(self, target: Path) -> Path:
        data = self.send("Page.captureScreenshot", format="png")["data"]
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(base64.b64decode(data))
        return target

    def close(self) -> None:
        try:
            self.ws.close()
        except Exception:  # noqa: BLE001 - closing anyway
            pass
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(15)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()
        self.log.close()


@pytest.fixture
def browser(tmp_path):
    b = Browser(tmp_path / "chromium-profile")
    yield b
    b.close()


def serious(violations: list[dict]) -> list[dict]:
    return [v for v in violations if v["impact"] in ("serious", "critical")]


def reaches_the_panel(browser: Browser) -> bool:
    """The side panel (status, diagnostics, figures) gets the focus with Tab alone."""
    browser.js("document.activeElement && document.activeElement.blur()")
    return any(browser.tab() == "panel" for _ in range(10))


TTC_SHOWN = "(document.getElementById('total-ttc')?.textContent || '').replace(/\\s/g, ' ')"
PAGES = "document.querySelectorAll('#pages img')"


def test_an_edit_shows_in_the_page_and_a_broken_edit_shows_where(sample, browser):
    path = sample("contract-b2b.yaml")
    preview = PreviewProcess(path)
    try:
        browser.send("Page.navigate", url=preview.url)
        assert plain(browser.wait_for(TTC_SHOWN)) == f"{TTC_BEFORE} €"
        pages = browser.wait_for(f"{PAGES}.length >= 2 && Array.from({PAGES})"
                                 ".every(i => i.complete && i.naturalWidth > 0) && "
                                 f"{PAGES}.length")
        assert browser.wait_for("document.getElementById('conn')?.textContent === 'live'")
        browser.screenshot(ARTIFACTS / "preview" / "1-loaded.png")
        assert serious(browser.axe()) == []
        assert reaches_the_panel(browser)
        icon = browser.js("fetch(document.querySelector('link[rel=icon]').href)"
                          ".then(r => r.status + ' ' + r.headers.get('content-type'))")
        assert icon == "200 image/x-icon"
        browser.js("window.scrollTo(0, 700)")
        assert browser.js("window.scrollY") == 700

        edit(path, "unit_price: 650", "unit_price: 700")
        assert browser.wait_for(f"{TTC_SHOWN}.includes('{TTC_AFTER}') && {TTC_SHOWN}",
                                timeout=20)
        assert browser.js("window.scrollY") == 700           # the reader stays where they were
        good = browser.js(f"Array.from({PAGES}).map(i => i.getAttribute('src'))")
        assert len(good) == pages and all(src.startswith("/page/2/") for src in good)
        browser.screenshot(ARTIFACTS / "preview" / "2-edited.png")

        edit(path, "unit_price: 700", "unit_price: sept cents")
        where = f"{path}:{price_line(path)}:17"
        shown = browser.wait_for("document.getElementById('diagnostics') && "
                                 "document.getElementById('diagnostics').innerText")
        assert where in shown and "[items[0].unit_price]" in shown and "error" in shown
        status = browser.js("document.getElementById('status').textContent")
        assert "1 error" in status and "last good pages" in status
        # the last good pages and figures are still there, and still load
        assert browser.js(f"Array.from({PAGES}).map(i => i.getAttribute('src'))") == good
        assert browser.js(f"Array.from({PAGES}).every(i => i.complete && i.naturalWidth > 0)")
        assert TTC_AFTER in plain(browser.js(TTC_SHOWN))
        browser.js("window.scrollTo(0, 0)")
        browser.screenshot(ARTIFACTS / "preview" / "3-broken.png")
        assert serious(browser.axe()) == []
        assert reaches_the_panel(browser)
        # the panel scrolls with the keyboard: the diagnostics below the fold are readable
        browser.js("document.getElementById('panel').focus()")
        assert browser.js("document.activeElement.getAttribute('aria-label')") == \
            "Status, diagnostics and figures"
    finally:
        code = preview.stop(signal.SIGINT)
    assert code == 0, preview.output()
    assert not preview.leftover_processes()
