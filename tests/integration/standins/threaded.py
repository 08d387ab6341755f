"""What every stand-in served by the standard library's HTTP server shares: a quiet server on a free
loopback port, served from its own thread, started and stopped (or used as a context manager)."""

from __future__ import annotations

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any, Self


class QuietServer(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 128  # clients under test open several connections at once; 5 would drop some
    standin: Any

    def handle_error(self, request: Any, client_address: Any) -> None:
        pass  # a client that timed out and left: nothing to report


class QuietHandler(BaseHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass

    def read_body(self) -> bytes:
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(length) if length > 0 else b""


class ThreadServed:
    """A stand-in whose `_server` (a QuietServer) answers from a thread of its own."""

    name = "standin"

    def __init__(self, handler: type[QuietHandler]) -> None:
        self._server = QuietServer(("127.0.0.1", 0), handler)
        self._server.standin = self
        self._thread: threading.Thread | None = None
        self._release = threading.Event()  # set on stop: requests told to hang let go

    @property
    def base_url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}"

    def start(self) -> Self:
        self._thread = threading.Thread(target=self._server.serve_forever, args=(0.05,), name=self.name, daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        self._release.set()
        if self._thread is not None:
            self._server.shutdown()
            self._thread.join(timeout=5)
            self._thread = None
        self._server.server_close()

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, traceback: TracebackType | None
    ) -> None:
        self.stop()
