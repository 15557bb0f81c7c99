"""`contratgen preview` against other local accounts and misbehaving clients.

Any account of the machine can connect to 127.0.0.1: the server answers only requests
that carry the session's token (printed in the URL, as Jupyter does), closes connections
that stay silent or trickle their request, serves a bounded number at once, and answers
a page number of any length with a 404, never a traceback.
"""
from __future__ import annotations

import http.client
import select
import shutil
import socket
import time
import urllib.error
import urllib.request

import pytest

from conftest import SAMPLES
from contratgen.pipeline import Options
from contratgen.preview import PreviewSession
from contratgen.preview import web

NUMBER = "CT-2026"      # the sample's document number: what must not leak
PATHS = ["/", "/fragment", "/state.json", "/app.js", "/app.css", "/events", "/favicon.ico",
         "/page/1/1.png", "/page/0/1.png", "/nowhere"]


@pytest.fixture(scope="module")
def session(tmp_path_factory):
    """A session with no LibreOffice worker: figures and diagnostics, no pages."""
    path = tmp_path_factory.mktemp("guard") / "contract-b2b.yaml"
    shutil.copy(SAMPLES / "contract-b2b.yaml", path)
    running = PreviewSession(path, Options(), 0, None,
                             missing_converter="no pages here", max_connections=3)
    running.start()
    yield running
    running.stop()


def fetch(session, target: str, timeout: float = 10.0) -> tuple[int, str, bytes]:
    connection = http.client.HTTPConnection("127.0.0.1", session.address[1], timeout=timeout)
    try:
        connection.request("GET", target)
        reply = connection.getresponse()
        return reply.status, reply.getheader("Content-Type", ""), reply.read()
    finally:
        connection.close()


@pytest.mark.parametrize("query", ["", "?token=", "?token=wrong", "?tok={t}",
                                   "?token={t}0", "?token={short}", "?token={t}x&token="])
@pytest.mark.parametrize("path", PATHS)
def test_a_request_without_the_token_is_refused_on_every_path(session, path, query):
    status, _, body = fetch(session, path + query.format(t=session.token,
                                                         short=session.token[:-1]))
    assert status == 403
    assert NUMBER.encode() not in body and b"4 807" not in body
    assert b"token" in body


@pytest.mark.parametrize("path", ["/", "/fragment", "/state.json", "/app.js", "/app.css",
                                  "/favicon.ico"])
def test_the_token_opens_every_path(session, path):
    status, _, _ = fetch(session, f"{path}?token={session.token}")
    assert status == 200


def test_the_page_puts_the_token_on_every_address_it_uses(session):
    _, _, body = fetch(session, f"/?token={session.token}")
    html = body.decode("utf-8")
    for address in ("/app.css", "/app.js", "/favicon.ico"):
        assert f'"{address}?token={session.token}"' in html
    _, _, script = fetch(session, f"/app.js?token={session.token}")
    assert b'link("/fragment")' in script and b'link("/events")' in script


def test_each_session_has_its_own_token(sample):
    tokens = {PreviewSession(sample("contract-b2b.yaml"), Options(), 0, None).token
              for _ in range(3)}
    assert len(tokens) == 3 and all(len(t) >= 43 for t in tokens)   # 256 bits


def test_the_favicon_is_an_icon(session):
    status, content_type, body = fetch(session, f"/favicon.ico?token={session.token}")
    assert (status, content_type) == (200, "image/x-icon")
    assert body[:6] == b"\0\0\1\0\1\0"                  # an ICO file of one image
    assert (body[6], body[7]) == (16, 16)
    assert int.from_bytes(body[14:18], "little") == len(body) - 22


@pytest.mark.parametrize("path", ["/page/" + "9" * 5000 + "/1.png",
                                  "/page/1/" + "9" * 5000 + ".png",
                                  "/page/1/1234567890.png", "/page/-1/1.png",
                                  "/page/1/%31.png", "/page/%D9%A1/1.png"])
def test_a_page_number_of_any_length_is_a_404(session, path):
    status, _, _ = fetch(session, f"{path}?token={session.token}")
    assert status == 404
    assert fetch(session, f"/state.json?token={session.token}")[0] == 200   # still serving


def closed_by_server(sock: socket.socket, wait: float) -> bool:
    """True when the server closes ``sock`` (end of stream or reset) within ``wait`` s."""
    readable, _, _ = select.select([sock], [], [], wait)
    if not readable:
        return False
    try:
        return sock.recv(1024) == b""
    except ConnectionResetError:
        return True


def test_a_silent_connection_is_closed(session, monkeypatch):
    monkeypatch.setattr(web.Handler, "timeout", 0.5)
    with socket.create_connection(session.address) as sock:
        assert closed_by_server(sock, 30)


def test_a_request_head_trickled_byte_by_byte_is_cut(session, monkeypatch):
    """A client sending a byte well within the idle timeout, forever (slowloris)."""
    monkeypatch.setattr(web.Handler, "timeout", 5.0)
    monkeypatch.setattr(web.Handler, "deadline", 1.0)
    head = (f"GET /state.json?token={session.token} HTTP/1.1\r\nHost: 127.0.0.1:"
            f"{session.address[1]}\r\n" + "X-Slow: " + "a" * 400).encode()
    sent = 0
    with socket.create_connection(session.address) as sock:
        for byte in head:
            try:
                sock.send(bytes([byte]))
            except (BrokenPipeError, ConnectionResetError):
                break
            sent += 1
            if closed_by_server(sock, 0.05):
                break
        assert sent < len(head)      # 400 bytes at one per 50 ms or more: over 20 s


def test_connections_beyond_the_cap_get_a_503_and_the_server_recovers(session):
    held = [socket.create_connection(session.address) for _ in range(3)]   # the cap: 3
    try:
        deadline = time.monotonic() + 8     # until the server has accepted the three
        while fetch(session, f"/state.json?token={session.token}")[0] != 503:
            assert time.monotonic() < deadline, "a fourth connection was served"
            time.sleep(0.1)
    finally:
        for sock in held:
            sock.close()
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        try:
            if fetch(session, f"/state.json?token={session.token}")[0] == 200:
                break
        except (ConnectionError, http.client.HTTPException):
            pass
        time.sleep(0.1)
    else:
        raise AssertionError("the server did not serve again after the held connections "
                             "closed")


def test_a_request_with_the_token_in_the_url_works_with_urllib(session):
    with urllib.request.urlopen(session.url, timeout=10) as reply:
        assert reply.status == 200 and b"4 807" in reply.read().replace(b"\xe2\x80\xaf", b" ")
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(session.url.split("?")[0], timeout=10)
    assert refused.value.code == 403
