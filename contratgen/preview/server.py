"""The preview session: a web server on 127.0.0.1, a watcher and a warm converter.

:class:`PreviewSession` owns everything it starts — the LibreOffice worker, the watcher
thread, the HTTP server thread — and :meth:`PreviewSession.stop` ends all of them and
removes their temporary folders. The server (:mod:`.web`) binds the loopback address
only, answers only requests addressed to it by that name and carrying the session's
random token, and bounds its connections.
"""
from __future__ import annotations

import secrets
import threading
from pathlib import Path
from typing import Callable, Optional

from ..document import Options
from .rebuild import Rebuilder, Snapshot
from .watch import watch_loop
from .web import HOST, MAX_CONNECTIONS, Board, PreviewServer

__all__ = ["HOST", "PreviewSession"]


class PreviewSession:
    """Preview one input: build it, serve it, rebuild it on every save, until stopped.

    ``on_build`` is called with each new snapshot (the CLI reports it); ``converter``
    is a :class:`contratgen.pdf.workers.Converter` the session closes when it stops, or None."""

    def __init__(self, path: Path, options: Options, port: int, converter,
                 on_build: Optional[Callable[[Snapshot], None]] = None,
                 missing_converter: str = "", max_connections: int = MAX_CONNECTIONS):
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
        self._max_connections = max_connections
        self.token = secrets.token_urlsafe(32)   # 256 bits, new for each session

    @property
    def address(self) -> tuple[str, int]:
        """The (host, port) the server listens on, as the socket says."""
        assert self._server is not None, "start() first"
        return self._server.socket.getsockname()[:2]

    @property
    def url(self) -> str:
        """The page's address, token included: what the command prints."""
        return f"http://{HOST}:{self.address[1]}/?token={self.token}"

    def link(self, path: str) -> str:
        """The address of ``path`` (``/state.json``, ``/page/1/1.png`` …), token included."""
        return f"http://{HOST}:{self.address[1]}{path}?token={self.token}"

    def rebuild(self) -> Snapshot:
        snapshot = self.rebuilder.rebuild()
        self.board.publish(snapshot)
        if self.on_build is not None:
            self.on_build(snapshot)
        return snapshot

    def start(self) -> str:
        """Bind the port (OSError when it is taken), build once, then serve and watch."""
        self._server = PreviewServer(self._port, self.board, self.path.name, self.token,
                                     self._max_connections)
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
