"""What the Graph API and Zalo OA stand-ins share: a threaded HTTP server on 127.0.0.1 that records
every request and lets a subclass decide the JSON answer."""

from __future__ import annotations

import json
import threading
from dataclasses import dataclass
from typing import Any, cast
from urllib.parse import parse_qs, urlsplit

from tests.integration.standins.threaded import QuietHandler, QuietServer, ThreadServed


@dataclass(frozen=True, slots=True)
class Received:
    """One request as the stand-in saw it, with what it answered."""

    method: str
    path: str
    query: dict[str, str]
    headers: dict[str, str]  # lower-cased names
    body: bytes
    status: int
    answer: Any

    def json(self) -> Any:
        return json.loads(self.body)

    def form(self) -> dict[str, str]:
        return {k: v[0] for k, v in parse_qs(self.body.decode()).items()}


class ChatStandin(ThreadServed):
    """Subclasses implement `answer`; `fail_next(n)` makes the next n requests fail with HTTP 5xx."""

    def __init__(self) -> None:
        super().__init__(_Handler)
        self._lock = threading.Lock()
        self._requests: list[Received] = []
        self._failures: list[int] = []

    @property
    def url(self) -> str:
        return self.base_url

    @property
    def requests(self) -> list[Received]:
        with self._lock:
            return list(self._requests)

    def fail_next(self, times: int = 1, status: int = 500) -> None:
        with self._lock:
            self._failures += [status] * times

    def answer(
        self, method: str, path: str, query: dict[str, str], headers: dict[str, str], body: bytes
    ) -> tuple[int, Any]:
        raise NotImplementedError

    def failure_body(self, status: int) -> Any:
        return {"error": {"code": status, "message": "stand-in failure"}}

    def _serve(self, method: str, target: str, headers: dict[str, str], body: bytes) -> tuple[int, Any]:
        parts = urlsplit(target)
        query = {k: v[0] for k, v in parse_qs(parts.query).items()}
        with self._lock:
            failure = self._failures.pop(0) if self._failures else None
        if failure is not None:
            status, answer = failure, self.failure_body(failure)
        else:
            with self._lock:
                status, answer = self.answer(method, parts.path, query, headers, body)
        with self._lock:
            self._requests.append(Received(method, parts.path, query, headers, body, status, answer))
        return status, answer


class _Handler(QuietHandler):
    def _handle(self) -> None:
        body = self.read_body()
        headers = {k.lower(): v for k, v in self.headers.items()}
        status, answer = cast(ChatStandin, cast(QuietServer, self.server).standin)._serve(
            self.command, self.path, headers, body
        )
        payload = json.dumps(answer, ensure_ascii=False).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json; charset=utf-8")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    do_GET = do_POST = _handle
