"""An answer given before the request's body was read (a 503 while the database is down, a 401, a 404
for an upload) waits until the rest of the body has arrived.

An HTTP/1.1 server that answers and then closes or reuses a connection with unread request bytes in
it makes the client lose the answer: closing a socket with unread data sends a TCP reset, which can
overtake the answer, and a kept-alive connection still holding the rest of the body is not ready for
the next request. Measured under granian with four concurrent uploads while PostgreSQL was down, a
third of the 503 answers reached the client as a broken connection. Reading the rest first (up to the
largest body the app accepts, for a bounded time; past either the answer says `Connection: close`)
gives every client its answer."""

from __future__ import annotations

import asyncio

from litestar.enums import ScopeType
from litestar.types import ASGIApp, Message, Receive, ReceiveMessage, Scope, Send

DRAIN_SECONDS = 10.0


def _has_body(scope: Scope) -> bool:
    for name, value in scope.get("headers", ()):
        if name == b"content-length":
            return value.strip() not in (b"0", b"")
        if name == b"transfer-encoding":
            return True
    return False


async def _drain(receive: Receive, limit: int) -> bool:
    """Reads what is left of the body; False when more than `limit` bytes or DRAIN_SECONDS were left."""
    read = 0
    try:
        async with asyncio.timeout(DRAIN_SECONDS):
            while read <= limit:
                message = await receive()
                if message["type"] != "http.request":
                    return False  # the client went away
                read += len(message.get("body", b""))
                if not message.get("more_body", False):
                    return True
    except TimeoutError:
        pass
    return False


class DrainUnreadBody:
    """ASGI middleware: `DefineMiddleware(DrainUnreadBody, limit=<the app's largest request body>)`."""

    def __init__(self, app: ASGIApp, *, limit: int) -> None:
        self.app = app
        self.limit = limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != ScopeType.HTTP or not _has_body(scope):
            await self.app(scope, receive, send)
            return
        finished = False

        async def tracked() -> ReceiveMessage:
            nonlocal finished
            message = await receive()
            if message["type"] != "http.request" or not message.get("more_body", False):
                finished = True
            return message

        async def answer(message: Message) -> None:
            nonlocal finished
            if message["type"] == "http.response.start" and not finished:
                finished = True
                if not await _drain(receive, self.limit):
                    headers = [*message.get("headers", ()), (b"connection", b"close")]
                    message = {**message, "headers": headers}
            await send(message)

        await self.app(scope, tracked, answer)
