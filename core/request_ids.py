"""Each HTTP request gets an id for its log lines (core/logs.py) and its answer's X-Request-ID."""

from __future__ import annotations

import os
import re

from litestar.enums import ScopeType
from litestar.types import ASGIApp, Message, Receive, Scope, Send

from core.logs import request_id

_GIVEN = re.compile(r"^[A-Za-z0-9._:-]{1,64}$")


def request_id_of(scope: Scope) -> str:
    """A well-formed X-Request-ID from the proxy in front, else a new id."""
    given = next((v.decode("latin-1") for k, v in scope["headers"] if k == b"x-request-id"), "")
    return given if _GIVEN.match(given) else os.urandom(16).hex()  # a uuid4's 32 hex digits, a fifth of its cost


def request_ids(app: ASGIApp) -> ASGIApp:
    """ASGI middleware: a well-formed X-Request-ID from the proxy in front is kept, else a new id is
    made; it is set for the request's log lines and answered in X-Request-ID."""

    async def middleware(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != ScopeType.HTTP:
            await app(scope, receive, send)
            return
        rid = request_id_of(scope)
        token = request_id.set(rid)

        async def send_with_id(message: Message) -> None:
            if message["type"] == "http.response.start":
                message["headers"] = [*message.get("headers", ()), (b"x-request-id", rid.encode())]
            await send(message)

        try:
            await app(scope, receive, send_with_id)
        finally:
            request_id.reset(token)

    return middleware
