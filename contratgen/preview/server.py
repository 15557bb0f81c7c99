"""The preview session: a web server on 127.0.0.1, a watcher and a warm converter.

:class:`PreviewSession` owns everything it starts — the LibreOffice worker, the watcher
thread, the HTTP server thread — and :meth:`PreviewSession.stop` ends all of them and
removes their temporary folders. The server binds the loopback address only and answers
only requests addressed to it by that name (no DNS rebinding from a web page).
"""
from __future__ import annotations

import json
import re
import sys
import threading
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Callable, Optional

from ..document import Options
from . import page
from .rebuild import Rebuilder, Snapshot
from .watch import watch_loop

HOST = "127.0.0.1"          # never another address
HEARTBEAT = 15.0            # seconds between keep-alive comments on /events
_PAGE_PATH = re.compile(r"^/page/(\d+)/(\d+)\.png$")
_CSP = ("default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; "
        "connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'")


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

    def __init__(self, port: int, board: Board, name: str):
        self.board, self.name = board, name
        super().__init__((HOST, port), Handler)

    @property
    def port(self) -> int:
        return self.server_address[1]

    def handle_error(self, request, client_address) -> None:
        """A tab closed mid-answer is normal; anything else is a bug worth its trace."""
        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)


class Handler(BaseHTTPRequestHandler):
    server: PreviewServer
    protocol_version = "HTTP/1.1"

    def log_message(self, format, *args):  # noqa: A002 - the CLI prints, not the server
        pass

    def _host_ok(self) -> bool:
        host = (self.headers.get("Host") or "").strip().lower()
        port = self.server.port
        return host in {f"127.0.0.1:{port}", f"localhost:{port}"}

    def _send(self, status: int, body: bytes, content_type: str,
              cache: str = "no-store") -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", cache)
        self.send_header("Content-Security-Policy", _CSP)
        self.send_header("X-Content-Type-Options", "nosniff")
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def _text(self, status: int, text: str, content_type: str) -> None:
        self._send(status, text.encode("utf-8"), f"{content_type}; charset=utf-8")

    def do_HEAD(self):  # noqa: N802 - http.server's naming
        self.do_GET()

    def do_GET(self):  # noqa: N802
        if not self._host_ok():
            return self._text(HTTPStatus.MISDIRECTED_REQUEST, "unknown host\n", "text/plain")
        path = self.path.split("?", 1)[0]
        snapshot = self.server.board.snapshot
        routes: dict[str, Callable[[], None]] = {
            "/": lambda: self._text(200, page.page(snapshot, self.server.name), "text/html"),
            "/fragment": lambda: self._text(200, page.fragment(snapshot), "text/html"),
            "/state.json": lambda: self._text(200, json.dumps(snapshot.as_dict(),
                                                             ensure_ascii=False),
                                              "application/json"),
            "/app.js": lambda: self._text(200, page.JS, "text/javascript"),
            "/app.css": lambda: self._text(200, page.CSS, "text/css"),
            "/events": self._events,
        }
        if path in routes:
            return routes[path]()
        match = _PAGE_PATH.match(path)
        if match:
            return self._page_image(snapshot, int(match.group(1)), int(match.group(2)))
        self._text(HTTPStatus.NOT_FOUND, "not found\n", "text/plain")

    def _page_image(self, snapshot: Snapshot, generation: int, number: int) -> None:
        if generation != snapshot.pages_generation or not 1 <= number <= len(snapshot.pages):
            return self._text(HTTPStatus.NOT_FOUND, "no such page\n", "text/plain")
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
        except (BrokenPipeError, ConnectionResetError):
            pass   # the tab was closed


class PreviewSession:
    """Preview one input: build it, serve it, rebuild it on every save, until stopped.

    ``on_build`` is called with each new snapshot (the CLI reports it); ``converter``
    is a :class:`contratgen.pdf.workers.Converter` the session closes when it stops, or None."""

    def __init__(self, path: Path, options: Options, port: int, converter,
                 on_build: Optional[Callable[[Snapshot], None]] = None,
                 missing_converter: str = ""):
        self.path = Path(path)
        self.converter = converter
        self.rebuilder = Rebuilder(self.path, options, converter,
                                   missing_converter=missing_converter)
        self.board = Board(self.rebuilder.snapshot)
        self.on_build = on_build
        self._stop = threading.Event()
        self._threads: list[threading.Thread] = []
        self._server: Optional[PreviewServer] = None
        self._serving = False
        self._port = port

    @property
    def address(self) -> tuple[str, int]:
        """The (host, port) the server listens on, as the socket says."""
        assert self._server is not None, "start() first"
        return self._server.socket.getsockname()[:2]

    @property
    def url(self) -> str:
        return f"http://{HOST}:{self.address[1]}/"

    def rebuild(self) -> Snapshot:
        snapshot = self.rebuilder.rebuild()
        self.board.publish(snapshot)
        if self.on_build is not None:
            self.on_build(snapshot)
        return snapshot

    def start(self) -> str:
        """Bind the port (OSError when it is taken), build once, then serve and watch."""
        self._server = PreviewServer(self._port, self.board, self.path.name)
        try:
            self.rebuild()
        except BaseException:
            self._server.server_close()
            raise
        self._spawn("contratgen-preview-http", self._server.serve_forever)
        self._serving = True
        self._spawn("contratgen-preview-watch", watch_loop,
                    lambda: self.rebuilder.watched, self.rebuilder.stale, self.rebuild,
                    self._stop)
        return self.url

    def _spawn(self, name: str, target, *args) -> None:
        thread = threading.Thread(target=target, args=args, name=name, daemon=True)
        thread.start()
        self._threads.append(thread)

    def stop(self, timeout: float = 30.0) -> None:
        """Stop watching (a rebuild under way finishes), close the server and its open
        event streams, then the LibreOffice worker; idempotent."""
        self._stop.set()
        self.board.close()
        if self._server is not None:
            if self._serving:
                self._server.shutdown()
                self._serving = False
            self._server.server_close()
        for thread in self._threads:
            thread.join(timeout)
        self._threads.clear()
        if self.converter is not None:
            self.converter.close()

    def __enter__(self) -> PreviewSession:
        return self

    def __exit__(self, *exc_info) -> None:
        self.stop()
