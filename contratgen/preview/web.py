"""The preview's web server: loopback only, a secret token on every request, bounded.

- It binds 127.0.0.1 and answers only requests addressed to it by that name (no DNS
  rebinding from a web page).
- Every request carries the session's random token as ``?token=…`` (as Jupyter does): the
  URL the command prints has it, the page puts it on every address it uses, and a request
  without it is refused (403) before anything of the document is read. Another account of
  the machine can reach the port, not the contract.
- A connection that sends nothing for :attr:`Handler.timeout` seconds, or has not sent a
  whole request head :data:`REQUEST_DEADLINE` seconds after it started one, is closed;
  at most :data:`MAX_CONNECTIONS` are served at once (the next ones get a 503).
- A page number is at most 9 digits: anything else is a 404, never a traceback.
"""
from __future__ import annotations

import hmac
import json
import re
import socket
import struct
import sys
import threading
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Callable
from urllib.parse import parse_qs, urlsplit

from . import page
from .rebuild import Snapshot

HOST = "127.0.0.1"          # never another address
HEARTBEAT = 15.0            # seconds between keep-alive comments on /events
IDLE_TIMEOUT = 10.0         # seconds a connection may stay silent (or not read)
REQUEST_DEADLINE = 20.0     # seconds to send a whole request line and headers
MAX_CONNECTIONS = 32        # served at once: a browser opens 6 per host and one stream
_PAGE_PATH = re.compile(r"^/page/([0-9]{1,9})/([0-9]{1,9})\.png$")   # \d: any script
_CSP = ("default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; "
        "connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'")


def _favicon() -> bytes:
    """A 16×16 icon (the page's header colour, a white sheet), as a Windows ICO file."""
    size = 16
    rows = []
    for y in range(size - 1, -1, -1):                  # BMP rows go bottom-up
        row = b""
        for x in range(size):
            sheet = 4 <= x <= 11 and 2 <= y <= 13
            row += b"\xff\xff\xff\xff" if sheet else b"\x38\x32\x26\xff"   # BGRA
        rows.append(row)
    pixels = b"".join(rows) + b"\0" * (4 * size)       # + the AND mask: all opaque
    header = struct.pack("<IiiHHIIiiII", 40, size, 2 * size, 1, 32, 0, len(pixels),
                         0, 0, 0, 0)
    image = header + pixels
    return (struct.pack("<HHH", 0, 1, 1) +
            struct.pack("<BBBBHHII", size, size, 0, 0, 1, 32, len(image), 22) + image)


FAVICON = _favicon()


class Board:
    """The latest snapshot, and a way to wait for a newer one."""

    def __init__(self, snapshot: Snapshot):
        self._snapshot = snapshot
        self._changed = threading.Condition()
        self.closed = False

    @property
    def snapshot(self) -> Snapshot:
        return self._snapshot

    def publish(self, snapshot: Snapshot) -> None:
        with self._changed:
            self._snapshot = snapshot
            self._changed.notify_all()

    def wait_newer(self, generation: int, timeout: float) -> Snapshot:
        with self._changed:
            self._changed.wait_for(lambda: self.closed or
                                   self._snapshot.generation != generation, timeout)
            return self._snapshot

    def close(self) -> None:
        with self._changed:
            self.closed = True
            self._changed.notify_all()


class PreviewServer(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 16

    def __init__(self, port: int, board: Board, name: str, token: str,
                 max_connections: int = MAX_CONNECTIONS):
        self.board, self.name, self.token = board, name, token
        self._slots = threading.BoundedSemaphore(max_connections)
        super().__init__((HOST, port), Handler)

    @property
    def port(self) -> int:
        return self.server_address[1]

    def process_request(self, request, client_address) -> None:
        """Serve the connection in its own thread, or refuse it at once when
        ``max_connections`` are being served (the accepting loop never waits on it)."""
        if not self._slots.acquire(blocking=False):
            try:
                request.settimeout(1.0)
                request.sendall(b"HTTP/1.1 503 Service Unavailable\r\nContent-Length: 0\r\n"
                                b"Connection: close\r\nRetry-After: 1\r\n\r\n")
            except OSError:
                pass
            self.shutdown_request(request)
            return
        try:
            super().process_request(request, client_address)
        except BaseException:
            self._slots.release()
            raise

    def process_request_thread(self, request, client_address) -> None:
        try:
            super().process_request_thread(request, client_address)
        finally:
            self._slots.release()

    def handle_error(self, request, client_address) -> None:
        """A tab closed mid-answer or a connection cut for its slowness is normal;
        anything else is a bug worth its trace."""
        if not isinstance(sys.exc_info()[1], (ConnectionError, TimeoutError)):
            super().handle_error(request, client_address)


class Handler(BaseHTTPRequestHandler):
    server: PreviewServer
    protocol_version = "HTTP/1.1"
    timeout = IDLE_TIMEOUT            # socketserver sets it on the connection
    deadline = REQUEST_DEADLINE

    def log_message(self, format, *args):  # noqa: A002 - the CLI prints, not the server
        pass

    # --- a slow request head is cut ---------------------------------------------------

    def handle_one_request(self) -> None:
        """One request; a watchdog shuts the connection when its head is not complete
        within ``deadline`` (a client trickling a byte every few seconds)."""
        watchdog = threading.Timer(self.deadline, self._cut)
        watchdog.daemon = True
        self._watchdog = watchdog
        watchdog.start()
        try:
            super().handle_one_request()
        finally:
            watchdog.cancel()

    def parse_request(self) -> bool:
        self._watchdog.cancel()       # the head is read: answering may take its time
        return super().parse_request()

    def _cut(self) -> None:
        try:
            self.connection.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass

    # --- answers ----------------------------------------------------------------------

    def _host_ok(self) -> bool:
        host = (self.headers.get("Host") or "").strip().lower()
        port = self.server.port
        return host in {f"127.0.0.1:{port}", f"localhost:{port}"}

    def _token_ok(self, query: str) -> bool:
        given = parse_qs(query).get("token", [""])[-1]
        return hmac.compare_digest(given.encode("utf-8", "replace"),
                                   self.server.token.encode("ascii"))

    def _send(self, status: int, body: bytes, content_type: str,
              cache: str = "no-store") -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", cache)
        self.send_header("Content-Security-Policy", _CSP)
        self.send_header("X-Content-Type-Options", "nosniff")
        self.send_header("Referrer-Policy", "no-referrer")
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def _text(self, status: int, text: str, content_type: str = "text/plain") -> None:
        self._send(status, text.encode("utf-8"), f"{content_type}; charset=utf-8")

    def do_HEAD(self):  # noqa: N802 - http.server's naming
        self.do_GET()

    def do_GET(self):  # noqa: N802
        if not self._host_ok():
            return self._text(HTTPStatus.MISDIRECTED_REQUEST, "unknown host\n")
        parts = urlsplit(self.path)
        if not self._token_ok(parts.query):
            return self._text(HTTPStatus.FORBIDDEN, "this preview needs its token: open the "
                                                    "address `contratgen preview` printed\n")
        path, token = parts.path, self.server.token
        snapshot = self.server.board.snapshot
        routes: dict[str, Callable[[], None]] = {
            "/": lambda: self._text(200, page.page(snapshot, self.server.name, token),
                                    "text/html"),
            "/fragment": lambda: self._text(200, page.fragment(snapshot, token), "text/html"),
            "/state.json": lambda: self._text(200, json.dumps(snapshot.as_dict(),
                                                             ensure_ascii=False),
                                              "application/json"),
            "/app.js": lambda: self._text(200, page.JS, "text/javascript"),
            "/app.css": lambda: self._text(200, page.CSS, "text/css"),
            "/favicon.ico": lambda: self._send(200, FAVICON, "image/x-icon",
                                               cache="private, max-age=86400"),
            "/events": self._events,
        }
        if path in routes:
            return routes[path]()
        match = _PAGE_PATH.match(path)
        if match:
            return self._page_image(snapshot, int(match.group(1)), int(match.group(2)))
        self._text(HTTPStatus.NOT_FOUND, "not found\n")

    def _page_image(self, snapshot: Snapshot, generation: int, number: int) -> None:
        if generation != snapshot.pages_generation or not 1 <= number <= len(snapshot.pages):
            return self._text(HTTPStatus.NOT_FOUND, "no such page\n")
        self._send(200, snapshot.pages[number - 1].png, "image/png",
                   cache="private, max-age=3600, immutable")

    def _events(self) -> None:
        """Server-sent events: the generation now, then each new one, until closed."""
        board = self.server.board
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream")
        self.send_header("Cache-Control", "no-store")
        self.send_header("Connection", "close")
        self.end_headers()
        self.close_connection = True
        if self.command == "HEAD":
            return
        generation = board.snapshot.generation
        try:
            self.wfile.write(f"retry: 1000\ndata: {generation}\n\n".encode())
            self.wfile.flush()
            while not board.closed:
                snapshot = board.wait_newer(generation, HEARTBEAT)
                if board.closed:
                    break
                if snapshot.generation == generation:
                    self.wfile.write(b": keep-alive\n\n")
                else:
                    generation = snapshot.generation
                    self.wfile.write(f"data: {generation}\n\n".encode())
                self.wfile.flush()
        except (BrokenPipeError, ConnectionResetError, TimeoutError):
            pass   # the tab was closed, or stopped reading
