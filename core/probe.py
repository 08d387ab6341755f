"""The worker's probes: it serves no API, yet an orchestrator must tell a wedged worker from a busy one.
`GET /health/live` answers from the worker's own event loop (a loop that stopped turning answers
nothing, and the orchestrator restarts it); `GET /health/ready` says whether PostgreSQL and Redis
answer, as the API's does. Plain HTTP/1.1 on its own port, one request per connection: probes are all
that ever call it, so a web framework would cost more memory than it saves code."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable

import msgspec

from core.readiness import Readiness

log = logging.getLogger("motcua.probe")

READ_SECONDS = 5.0  # a probe's request arrives at once; a slow one is dropped
MAX_HEAD = 8192
_REASONS = {200: "OK", 404: "Not Found", 405: "Method Not Allowed", 503: "Service Unavailable"}


async def _answer(head: bytes, ready: Callable[[], Awaitable[Readiness]]) -> tuple[int, object]:
    method, _, rest = head.partition(b" ")
    path = rest.split(b" ", 1)[0].split(b"?", 1)[0]
    if path not in {b"/health/live", b"/health/ready"}:
        return 404, {"status": "not-found"}
    if method not in {b"GET", b"HEAD"}:
        return 405, {"status": "method-not-allowed"}
    if path == b"/health/live":
        return 200, {"status": "ok"}
    answer = await ready()
    return (200 if answer.ok else 503), answer


def _response(status: int, body: object, *, head_only: bool) -> bytes:
    content = msgspec.json.encode(body)
    lines = [
        f"HTTP/1.1 {status} {_REASONS[status]}",
        "Content-Type: application/json",
        f"Content-Length: {len(content)}",
        "Cache-Control: no-store",
        "Connection: close",
    ]
    return ("\r\n".join(lines) + "\r\n\r\n").encode() + (b"" if head_only else content)


def handler(
    ready: Callable[[], Awaitable[Readiness]],
) -> Callable[[asyncio.StreamReader, asyncio.StreamWriter], Awaitable[None]]:
    async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            async with asyncio.timeout(READ_SECONDS):
                head = await reader.readuntil(b"\r\n\r\n")
            if len(head) <= MAX_HEAD:
                status, body = await _answer(head.split(b"\r\n", 1)[0], ready)
                writer.write(_response(status, body, head_only=head.startswith(b"HEAD ")))
                await writer.drain()
        except (TimeoutError, asyncio.IncompleteReadError, asyncio.LimitOverrunError, ConnectionError):
            pass  # a probe that went away or never finished asking gets nothing
        finally:
            writer.close()
            with contextlib.suppress(ConnectionError):
                await writer.wait_closed()

    return handle


async def open_probes(host: str, port: int, ready: Callable[[], Awaitable[Readiness]]) -> asyncio.Server:
    """Probes answered on host:port from now until the server is closed; a port already taken fails here."""
    server = await asyncio.start_server(handler(ready), host, port, limit=MAX_HEAD)
    log.info("worker probes on http://%s:%d/health/live and /health/ready", host, port)
    return server
