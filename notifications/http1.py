"""A lean HTTP/1.1 keep-alive transport for httpx, used under firebase-admin's FCM client.

Why: `messaging.send_each_async` starts every message of a call at once (up to 500) on the SDK's
httpx client. httpcore's connection pool rescans all its connections and every queued request on
each request and each response (with a socket poll per idle connection), so the CPU per message
grows with the batch: ~4.6 ms per push at 500 in flight on this machine, most of the worker's time.
This transport keeps idle connections in a stack and waits for a free one on a semaphore, so each
message costs the same whatever the batch size. It sits where httpcore sat: below firebase-admin's
own retry transport (500/503 retries unchanged) and below httpx (auth flow, timeouts, errors), so
the SDK sees the same `httpx.Response`s and `httpx.HTTPError`s.

Scope: what FCM's send endpoint needs. Request bodies are in memory (the SDK posts JSON); responses
are read whole (Content-Length, chunked, or until close). No HTTP/2, no proxies, no upgrades."""

from __future__ import annotations

import asyncio
import ssl
import time
from collections.abc import Awaitable
from typing import Final, TypeVar

import httpx

__all__ = ["KeepAliveTransport"]

T = TypeVar("T")

_HEAD_MAX: Final = 64 * 1024
_KEEPALIVE_SECONDS: Final = 5.0  # httpx's default: an idle connection older than this is not reused


class _Connection:
    __slots__ = ("idle_since", "reader", "writer")

    def __init__(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.reader = reader
        self.writer = writer
        self.idle_since = time.monotonic()

    def reusable(self) -> bool:
        return (
            not self.reader.at_eof()
            and not self.writer.is_closing()
            and time.monotonic() - self.idle_since < _KEEPALIVE_SECONDS
        )

    def close(self) -> None:
        self.writer.close()


class KeepAliveTransport(httpx.AsyncBaseTransport):
    """At most `max_connections` open at once per transport (httpx's default is 100 too); a request
    waits for a free one within the pool timeout."""

    def __init__(self, *, max_connections: int = 100, ssl_context: ssl.SSLContext | None = None) -> None:
        self._slots = asyncio.Semaphore(max_connections)
        self._idle: dict[tuple[str, str, int], list[_Connection]] = {}
        self._ssl = ssl_context
        self._closed = False

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        if self._closed:
            raise httpx.ConnectError("the transport is closed", request=request)
        timeouts = request.extensions.get("timeout", {})
        await _within(self._slots.acquire(), timeouts.get("pool"), httpx.PoolTimeout, request)
        try:
            return await self._exchange(request, timeouts)
        finally:
            self._slots.release()

    async def aclose(self) -> None:
        self._closed = True
        for stack in self._idle.values():
            for conn in stack:
                conn.close()
        self._idle.clear()

    async def _exchange(self, request: httpx.Request, timeouts: dict[str, float | None]) -> httpx.Response:
        url = request.url
        key = (url.scheme, url.host, url.port or (443 if url.scheme == "https" else 80))
        conn = self._reuse(key) or await self._connect(key, timeouts.get("connect"), request)
        keep = False
        try:
            conn.writer.write(_head(request) + request.content)  # one write: no Nagle wait between the two
            await _within(conn.writer.drain(), timeouts.get("write"), httpx.WriteTimeout, request)
            status, headers, body, keep = await _within(
                _read_response(conn.reader, request.method), timeouts.get("read"), httpx.ReadTimeout, request
            )
        except (OSError, asyncio.IncompleteReadError, ValueError) as error:
            raise httpx.RemoteProtocolError(f"FCM connection failed: {error!r}", request=request) from error
        finally:
            if keep and not self._closed:
                conn.idle_since = time.monotonic()
                self._idle.setdefault(key, []).append(conn)
            else:
                conn.close()
        return httpx.Response(status, headers=headers, content=body, extensions={"http_version": b"HTTP/1.1"})

    def _reuse(self, key: tuple[str, str, int]) -> _Connection | None:
        stack = self._idle.get(key)
        while stack:
            conn = stack.pop()  # the most recently used: the likeliest to be alive
            if conn.reusable():
                return conn
            conn.close()
        return None

    async def _connect(self, key: tuple[str, str, int], limit: float | None, request: httpx.Request) -> _Connection:
        scheme, host, port = key
        context: ssl.SSLContext | None = None
        if scheme == "https":
            context = self._ssl or _default_ssl()
        try:
            reader, writer = await _within(
                asyncio.open_connection(host, port, ssl=context, server_hostname=host if context else None),
                limit,
                httpx.ConnectTimeout,
                request,
            )
        except OSError as error:
            raise httpx.ConnectError(str(error), request=request) from error
        return _Connection(reader, writer)


async def _within(
    awaitable: Awaitable[T], seconds: float | None, error: type[httpx.TimeoutException], request: httpx.Request
) -> T:
    try:
        async with asyncio.timeout(seconds):
            return await awaitable
    except TimeoutError as exc:
        raise error(f"timed out after {seconds} s", request=request) from exc


def _head(request: httpx.Request) -> bytes:
    lines = [request.method.encode() + b" " + request.url.raw_path + b" HTTP/1.1"]
    lines.extend(name + b": " + value for name, value in request.headers.raw)
    return b"\r\n".join(lines) + b"\r\n\r\n"


async def _read_response(
    reader: asyncio.StreamReader, method: str
) -> tuple[int, list[tuple[bytes, bytes]], bytes, bool]:
    """Status, headers, body, and whether the connection may carry another request."""
    while True:
        raw = await reader.readuntil(b"\r\n\r\n")
        if len(raw) > _HEAD_MAX:
            raise ValueError("response head too large")
        status_line, *header_lines = raw[:-4].split(b"\r\n")
        version, _, rest = status_line.partition(b" ")
        status = int(rest[:3])
        if status >= 200 or status == 101:
            break  # 1xx (100 Continue, 103 Early Hints) precede the real answer
    headers: list[tuple[bytes, bytes]] = []
    length: int | None = None
    chunked = False
    close = version == b"HTTP/1.0"
    for line in header_lines:
        name, _, value = line.partition(b":")
        value = value.strip()
        headers.append((name, value))
        lower = name.lower()
        if lower == b"content-length":
            length = int(value)
        elif lower == b"transfer-encoding":
            chunked = b"chunked" in value.lower()
        elif lower == b"connection":
            close = b"close" in value.lower() if version != b"HTTP/1.0" else b"keep-alive" not in value.lower()
    if method == "HEAD" or status in (204, 304):
        body = b""
    elif chunked:
        body = await _read_chunked(reader)
    elif length is not None:
        body = await reader.readexactly(length)
    else:
        body, close = await reader.read(), True  # the body runs to the end of the connection
    return status, headers, body, not close


async def _read_chunked(reader: asyncio.StreamReader) -> bytes:
    parts: list[bytes] = []
    while True:
        size = int((await reader.readuntil(b"\r\n")).split(b";", 1)[0].strip(), 16)
        if size == 0:
            while (await reader.readuntil(b"\r\n")) != b"\r\n":  # trailers
                pass
            return b"".join(parts)
        parts.append(await reader.readexactly(size))
        await reader.readexactly(2)


_SSL: list[ssl.SSLContext] = []


def _default_ssl() -> ssl.SSLContext:
    """httpx's own default context (certifi's CAs), made once: building one loads the CA file."""
    if not _SSL:
        context = httpx.create_ssl_context()
        context.set_alpn_protocols(["http/1.1"])
        _SSL.append(context)
    return _SSL[0]
