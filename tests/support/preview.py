"""`contratgen preview` run as a user runs it: a child process, stopped by a signal; and
the sample's figures before and after the edit the preview tests make."""
from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent.parent
_URL = re.compile(r"at (http://127\.0\.0\.1:\d+/)\?token=([A-Za-z0-9_-]{43}) ")


class PreviewProcess:
    def __init__(self, path: Path, *args: str, timeout: float = 60.0):
        self.log = path.with_suffix(".preview.log")
        self._log = self.log.open("wb")
        # its own TMPDIR: what it leaves there after it stops is what it leaked
        self.tmpdir = path.parent / f"{path.stem}.tmp"
        self.tmpdir.mkdir()
        env = {**os.environ, "PYTHONPATH": str(ROOT), "TMPDIR": str(self.tmpdir)}
        self.process = subprocess.Popen(
            [sys.executable, "-m", "contratgen.cli", "preview", str(path), "--port", "0",
             *args], stdin=subprocess.DEVNULL, stdout=self._log, stderr=subprocess.STDOUT,
            env=env, start_new_session=True)
        self.base, self.token = self._wait_for_url(timeout)
        self.url = f"{self.base}?token={self.token}"   # as printed

    def output(self) -> str:
        return self.log.read_text("utf-8", "replace")

    def _wait_for_url(self, timeout: float) -> str:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            match = _URL.search(self.output())
            if match:
                return match.group(1), match.group(2)
            if self.process.poll() is not None:
                raise AssertionError(f"preview exited {self.process.returncode}:\n"
                                     f"{self.output()}")
            time.sleep(0.1)
        self.kill()
        raise AssertionError(f"no URL after {timeout} s:\n{self.output()}")

    def link(self, path: str = "") -> str:
        return f"{self.base}{path.lstrip('/')}?token={self.token}"

    def get(self, path: str = "", timeout: float = 10.0) -> bytes:
        with urllib.request.urlopen(self.link(path), timeout=timeout) as reply:
            return reply.read()

    def stop(self, signum: int = signal.SIGINT, timeout: float = 30.0) -> int:
        """Send ``signum`` and wait for the exit code; fails the test on a hang."""
        if self.process.poll() is None:
            self.process.send_signal(signum)
        try:
            return self.process.wait(timeout)
        except subprocess.TimeoutExpired:
            self.kill()
            raise AssertionError(f"preview still running {timeout} s after signal {signum}")
        finally:
            self._log.close()

    def kill(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait()

    def leftover_processes(self) -> list[str]:
        """Processes this preview started that are still alive: its descendants, noted
        while it runs (LibreOffice's pipes have private random names now, so the tree is
        what tells them), looked up again once it has stopped."""
        from support.processes import alive, descendants
        if self.process.poll() is None:
            self.children = getattr(self, "children", set()) | set(descendants(self.process.pid))
        return [str(pid) for pid in sorted(getattr(self, "children", set())) if alive(pid)]


TTC_BEFORE = "4 807,40"   # samples/contract-b2b.yaml: 4 006,17 HT + 801,23 TVA (20 %)
TTC_AFTER = "4 987,40"    # with the first item at 700 instead of 650: 4 156,17 HT + 831,23


def price_line(path) -> int:
    """The line of the first ``unit_price:`` in the sample (where its diagnostics point)."""
    return next(n for n, line in enumerate(path.read_text().splitlines(), 1)
                if "unit_price:" in line)


def plain(text: str) -> str:
    """French amounts group with U+202F and end with U+00A0 €: compare with plain spaces."""
    return text.replace("\u202f", " ").replace("\u00a0", " ")


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text("utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), "utf-8")
