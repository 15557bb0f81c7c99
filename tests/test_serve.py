"""contratgen serve: a warm LibreOffice behind a Unix socket, used by the builds that follow.

Every server here is a real `contratgen serve` process with its own XDG_RUNTIME_DIR; the
`servers` fixture stops (then kills) whatever a test started, even when it fails.
"""
import io
import os
import shutil
import signal
import socket
import struct
import subprocess
import sys
import tempfile
import threading
import time
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner

from conftest import ROOT, SAMPLES
from contratgen.cli import main
from contratgen.pdf.workers import ConversionFailed, Converter
from contratgen.private import UnsafeFolder
from contratgen.serve.client import RemoteConverter, converter_for_cli, ping, request
from contratgen.serve.place import Place
from fixtures.pdf.contract_docx import contract_docx as long_contract_docx
from support.processes import alive, office_tree

pytestmark = pytest.mark.libreoffice
START_SECONDS = 60


class Servers:
    """Starts `contratgen serve` processes in one runtime folder; stop_all() at teardown."""

    def __init__(self, runtime: Path):
        self.runtime = runtime
        self.place = Place(runtime / "contratgen")
        self.env = {**os.environ, "XDG_RUNTIME_DIR": str(runtime), "PYTHONPATH": str(ROOT)}
        self.env.pop("CONTRATGEN_SERVE", None)
        self.started: list[subprocess.Popen] = []

    def cli(self, *args, **env) -> subprocess.CompletedProcess:
        return subprocess.run([sys.executable, "-m", "contratgen.cli", *args],
                              env={**self.env, **env}, capture_output=True, text=True,
                              timeout=300)

    def start(self, *args) -> subprocess.Popen:
        log = open(self.runtime / f"server{len(self.started)}.log", "w+")
        process = subprocess.Popen([sys.executable, "-m", "contratgen.cli", "serve", *args],
                                   env=self.env, stdout=log, stderr=log, text=True)
        process.log = log
        self.started.append(process)
        deadline = time.monotonic() + START_SECONDS
        while ping(self.place) is None:
            assert process.poll() is None, self.log_of(process)
            assert time.monotonic() < deadline, "the server did not answer"
            time.sleep(0.05)
        return process

    def log_of(self, process) -> str:
        process.log.seek(0)
        return process.log.read()

    def conversions_in_log(self, process) -> int:
        """The conversions the server said it made when it stopped."""
        import re
        return int(re.search(r"after (\d+) conversions", self.log_of(process)).group(1))

    def status(self) -> dict:
        answer, _ = request(self.place, {"op": "status"})
        return answer

    def office(self) -> list[int]:
        """The server's LibreOffice processes, once started (it starts with the server)."""
        deadline = time.monotonic() + START_SECONDS
        while not (status := self.status())["office_pids"] or not status["primed"]:
            assert time.monotonic() < deadline, "LibreOffice did not start"
            time.sleep(0.05)
        return office_processes(self.status())

    def stop_all(self) -> None:
        for process in self.started:
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
                try:
                    process.wait(timeout=60)
                except subprocess.TimeoutExpired:
                    process.kill()   # its LibreOffice dies with it (lifeline)
                    process.wait()
            process.log.close()


@pytest.fixture
def servers(monkeypatch):
    monkeypatch.delenv("CONTRATGEN_SERVE", raising=False)   # conftest turns it off elsewhere
    runtime = Path(tempfile.mkdtemp(prefix="cgserve-"))   # short: a socket path has 107 bytes
    started = Servers(runtime)
    try:
        yield started
    finally:
        started.stop_all()
        shutil.rmtree(runtime, ignore_errors=True)


@pytest.fixture(scope="module")
def contract_docx(tmp_path_factory) -> bytes:
    """The B2B sample contract's DOCX, as `contratgen build` writes it."""
    out = tmp_path_factory.mktemp("docx")
    result = CliRunner().invoke(main, ["build", str(SAMPLES / "contract-b2b.yaml"), "-o",
                                       str(out), "--format", "docx"])
    assert result.exit_code == 0, result.output
    return (out / "CT-2026-0042.docx").read_bytes()


def office_processes(status: dict) -> list[int]:
    return [pid for launcher in status["office_pids"] for pid in office_tree(launcher)]


def broken_docx() -> bytes:
    """A zip LibreOffice cannot open as a document."""
    data = io.BytesIO()
    with zipfile.ZipFile(data, "w") as package:
        package.writestr("[Content_Types].xml", "<garbage")
        package.writestr("word/document.xml", "<<<")
    return data.getvalue()


@pytest.mark.parametrize("flavour", [(), ("--pdfa",)], ids=["pdf", "pdfa"])
def test_a_build_through_the_server_gives_the_same_pdf_as_without(servers, tmp_path, flavour):
    servers.start()
    contract = str(SAMPLES / "contract-b2b.yaml")

    warm = servers.cli("build", contract, "-o", str(tmp_path / "warm"), "--format", "pdf",
                       *flavour)
    served = servers.status()["conversions"]
    cold = servers.cli("build", contract, "-o", str(tmp_path / "cold"), "--format", "pdf",
                       *flavour, CONTRATGEN_SERVE="off")

    assert warm.returncode == 0 and cold.returncode == 0, warm.stderr + cold.stderr
    assert served == 1 and servers.status()["conversions"] == 1   # off: not through it
    name = "CT-2026-0042.pdf"
    assert (tmp_path / "warm" / name).read_bytes() == (tmp_path / "cold" / name).read_bytes()


@pytest.mark.parametrize("command", [
    ("invoice", str(SAMPLES / "contract-b2b-invoiced.yaml")),
    ("remind", str(SAMPLES / "contract-b2b-late.yaml"), "--invoice", "FA-2026-0131",
     "--level", "formal-notice", "--on", "2026-06-30"),
], ids=["invoice", "remind"])
def test_invoices_and_letters_through_the_server_are_the_same(servers, tmp_path, command):
    servers.start()

    warm = servers.cli(*command, "-o", str(tmp_path / "warm"), "--format", "pdf")
    cold = servers.cli(*command, "-o", str(tmp_path / "cold"), "--format", "pdf",
                       CONTRATGEN_SERVE="off")

    assert warm.returncode == 0 and cold.returncode == 0, warm.stderr + cold.stderr
    made = sorted(path.name for path in (tmp_path / "warm").glob("*.pdf"))
    assert made and made == sorted(path.name for path in (tmp_path / "cold").glob("*.pdf"))
    assert servers.status()["conversions"] == len(made)
    for name in made:
        assert (tmp_path / "warm" / name).read_bytes() == (tmp_path / "cold" / name).read_bytes()


def test_the_preview_renders_through_the_server(servers, tmp_path):
    servers.start()
    log = tmp_path / "preview.log"
    with log.open("wb") as out:
        preview = subprocess.Popen(
            [sys.executable, "-m", "contratgen.cli", "preview",
             str(SAMPLES / "contract-b2b.yaml"), "--port", "0"],
            env=servers.env, stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + START_SECONDS
        while ": ok, " not in log.read_text("utf-8", "replace"):
            assert preview.poll() is None and time.monotonic() < deadline, log.read_text()
            time.sleep(0.05)
        assert servers.status()["conversions"] == 1
    finally:
        preview.send_signal(signal.SIGTERM)
        preview.wait(timeout=60)
    assert "preview stopped" in log.read_text()


def test_status_describes_the_server(servers):
    process = servers.start("--idle", "300")

    result = servers.cli("serve", "--status")

    assert result.returncode == 0, result.stderr
    assert f"pid: {process.pid}\n" in result.stdout
    assert "conversions: 0 (0 failed)" in result.stdout
    assert "requests in flight: 0" in result.stdout
    assert "idle shutdown after: 300 s" in result.stdout
    assert "uptime: " in result.stdout


def test_status_and_stop_without_a_server(servers):
    status, stop = servers.cli("serve", "--status"), servers.cli("serve", "--stop")

    assert status.returncode == 1 and "no server running on" in status.stderr
    assert stop.returncode == 0 and "no server running on" in stop.stdout


def test_stop_ends_the_server_its_libreoffice_and_its_socket(servers, contract_docx):
    process = servers.start()
    RemoteConverter(servers.place).convert(contract_docx)
    office = servers.office()
    assert office and all(alive(pid) for pid in office)

    result = servers.cli("serve", "--stop")

    assert result.returncode == 0 and f"stopped the server (pid {process.pid})" in result.stdout
    assert process.wait(timeout=10) == 0
    assert not servers.place.socket.exists()
    time.sleep(0.2)
    assert not any(alive(pid) for pid in office)
    assert "stopped (stop) after 1 conversions" in servers.log_of(process)


def test_the_server_stops_by_itself_when_idle(servers):
    process = servers.start("--idle", "4")
    office = servers.office()

    assert process.wait(timeout=60) == 0
    assert "stopped (idle)" in servers.log_of(process)
    assert not servers.place.socket.exists()
    time.sleep(0.2)
    assert office and not any(alive(pid) for pid in office)


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT], ids=["TERM", "INT"])
def test_a_signal_stops_the_server_cleanly(servers, sig):
    process = servers.start()
    office = servers.office()

    process.send_signal(sig)

    assert process.wait(timeout=60) == 0
    assert "stopped (signal)" in servers.log_of(process)
    assert not servers.place.socket.exists()
    time.sleep(0.2)
    assert office and not any(alive(pid) for pid in office)


def test_stop_lets_the_conversion_in_flight_finish(servers):
    process = servers.start()
    office = servers.office()
    long_docx = long_contract_docx(title="Contrat long", paragraphs=1500)   # ~2 s
    result = {}
    converting = threading.Thread(target=lambda: result.update(
        pdf=RemoteConverter(servers.place).convert(long_docx, "long")))
    converting.start()
    while (status := servers.status())["in_flight"] < 1 and not status["conversions"]:
        time.sleep(0.02)   # until the conversion is in flight

    stop = servers.cli("serve", "--stop")
    converting.join(timeout=120)

    assert stop.returncode == 0 and process.wait(timeout=10) == 0
    assert result["pdf"].startswith(b"%PDF")
    assert servers.conversions_in_log(process) == 1
    time.sleep(0.2)
    assert not any(alive(pid) for pid in office)


def test_a_second_server_says_one_is_running(servers):
    first = servers.start()

    second = servers.cli("serve")

    assert second.returncode == 0
    assert f"already running (pid {first.pid})" in second.stderr
    assert first.poll() is None and ping(servers.place)["pid"] == first.pid


def test_a_stale_socket_is_replaced(servers):
    servers.place.folder.mkdir(mode=0o700)
    dead = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    dead.bind(str(servers.place.socket))   # bound, never listening: a killed server's
    dead.close()
    assert ping(servers.place) is None

    process = servers.start()

    assert ping(servers.place)["pid"] == process.pid


def test_a_client_does_not_use_a_server_whose_folder_became_open(servers, monkeypatch):
    servers.start()
    monkeypatch.setenv("XDG_RUNTIME_DIR", str(servers.runtime))
    servers.place.folder.chmod(0o755)
    try:
        assert ping(servers.place) is None
        # the folder is the run folder too (contratgen.private): ours and writable by no
        # other account, it is tightened back to 0700 before anything of ours goes in it
        from contratgen.private import run_root
        assert run_root() == servers.place.folder
        assert (servers.place.folder.stat().st_mode & 0o777) == 0o700
        servers.place.folder.chmod(0o777)   # writable by others: refused
        with pytest.raises(UnsafeFolder, match="other accounts"):
            with converter_for_cli():
                pass
    finally:
        servers.place.folder.chmod(0o700)
    with converter_for_cli() as converter:
        assert isinstance(converter, RemoteConverter)


def test_serve_off_never_uses_the_server(servers, monkeypatch):
    servers.start()
    monkeypatch.setenv("XDG_RUNTIME_DIR", str(servers.runtime))
    monkeypatch.setenv("CONTRATGEN_SERVE", "off")

    with converter_for_cli() as converter:
        assert isinstance(converter, Converter)


def test_a_failed_conversion_is_the_same_exception_with_the_same_message(servers):
    servers.start()
    with Converter(workers=1) as local:
        with pytest.raises(ConversionFailed) as here:
            local.convert(broken_docx(), "broken")

    with RemoteConverter(servers.place) as remote, pytest.raises(ConversionFailed) as there:
        remote.convert(broken_docx(), "broken")

    assert str(there.value) == str(here.value)
    assert remote.remote   # the server answered: no local fallback
    assert servers.status()["failures"] == 1


def test_a_conversion_after_the_server_went_away_is_done_locally(servers, contract_docx):
    process = servers.start()
    with RemoteConverter(servers.place) as converter:
        servers.cli("serve", "--stop")
        process.wait(timeout=60)

        pdf = converter.convert(contract_docx, "after")

        assert pdf.startswith(b"%PDF") and not converter.remote


def _raw(place: Place, data: bytes, shutdown: bool = True) -> bytes:
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as sock:
        sock.settimeout(10)
        sock.connect(str(place.socket))
        sock.sendall(data)
        if shutdown:
            sock.shutdown(socket.SHUT_WR)
        chunks = []
        while chunk := sock.recv(65536):
            chunks.append(chunk)
        return b"".join(chunks)


def _frame(meta: bytes, body: bytes = b"", body_size: int | None = None) -> bytes:
    size = len(body) if body_size is None else body_size
    return struct.pack("!4sII", b"CGS1", len(meta), size) + meta + body


def _reply_error(data: bytes) -> str:
    import json
    _, meta_size, _ = struct.unpack("!4sII", data[:12])
    return json.loads(data[12:12 + meta_size])["error"]


def test_malformed_requests_do_not_kill_the_server(servers, contract_docx):
    process = servers.start()
    place = servers.place

    assert _reply_error(_raw(place, b"GET / HTTP/1.0\r\n\r\n")) == "BadRequest"
    assert _reply_error(_raw(place, _frame(b"{}", body_size=1 << 31))) == "BadRequest"
    assert _reply_error(_raw(place, _frame(b"not json"))) == "BadRequest"
    assert _reply_error(_raw(place, _frame(b"[1, 2]"))) == "BadRequest"
    assert _reply_error(_raw(place, _frame(b'{"op": "format c:"}'))) == "BadRequest"
    assert _reply_error(_raw(place, _frame(b'{"op": "convert", "name": "x"}'))) == "BadRequest"
    assert _reply_error(_raw(place, _frame(b'{"op": "convert", "name": 3, "pdfa": false}',
                                           b"PK"))) == "BadRequest"
    assert _reply_error(_raw(place, _frame(b'{"op": "ping"}')[:7])) == "BadRequest"  # cut
    assert _reply_error(_raw(place, b"")) == "BadRequest"       # connect, say nothing
    silent = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    silent.connect(str(place.socket))   # and keep the line open: others are still served
    assert ping(place)["pid"] == process.pid

    pdf = RemoteConverter(place).convert(contract_docx, "after the noise")

    assert pdf.startswith(b"%PDF") and process.poll() is None
    assert servers.status()["conversions"] == 1
    started = time.monotonic()
    assert servers.cli("serve", "--stop").returncode == 0   # not waiting for the silent one
    assert process.wait(timeout=10) == 0 and time.monotonic() - started < 15
    silent.close()

