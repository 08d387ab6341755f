"""The catalog's two public reads answered in front of the router when their answer is already made.

A procedure's detail and a search's first page are the same bytes for everyone who asks the same
question on the same day in the same language (api/catalog/answers.py keeps them with the catalog they
were made from, so an edit starts them afresh in every process). Found there, nothing the framework
does between the server and the handler changes the answer: routing, the handler's dependencies, its
guard (`public`, which checks nothing), the bounds (a question out of bounds is never kept) and the
response's assembly. Measured in-process on the detail, that path was four fifths of the CPU of a
request (bench/doors.py has the figures against the framework's ceiling).

So this wrapper, between Litestar's entry (which still adds the headers every answer carries: see
core/headers.py) and its router, answers a GET whose answer is kept, with the same status, headers
and body the handler would give, its X-Request-ID and its request metrics under the route's name.
Anything else goes through the router as before: a question not yet kept (the route keeps it for the
next one), a token (such answers are `no-store`), a cross-origin request (CORS), a body, a parameter
the front does not read, or one it cannot read exactly as Litestar would."""

from __future__ import annotations

import re
import time
from collections.abc import Hashable
from datetime import date
from typing import TYPE_CHECKING
from urllib.parse import unquote_plus

from litestar.enums import ScopeType
from litestar.types import ASGIApp, Receive, Scope, Send

from api.catalog.answers import detail_key, list_key
from api.catalog.validation import FIRST_DAY, LAST_DAY
from core.bounds import MAX_SEARCH
from core.clock import today_in_vn
from core.metrics import APP_NAME, Series
from core.paging import DEFAULT_LIMIT
from core.request_ids import request_id_of
from i18n.locale import negotiate

if TYPE_CHECKING:
    from litestar import Litestar

LIST = "/api/v1/procedures"
DETAIL = LIST + "/"
_DETAIL_ASKS = frozenset({"on", "lang"})
_LIST_ASKS = frozenset({"q", "on", "lang"})
# headers that make the answer another one (a token, CORS) or mean a body to drain
_ROUTED = frozenset({b"authorization", b"origin", b"content-length", b"transfer-encoding"})
_DAY = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")
_ESCAPE = re.compile(r"%(?![0-9A-Fa-f]{2})")  # a "%" that is no escape: read as Litestar reads it, or not at all
_SLUG = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")


def _asked(query: bytes, allowed: frozenset[str]) -> dict[str, str] | None:
    """The query's parameters, each given once and each one the front reads; None otherwise."""
    if not query:
        return {}
    text = query.decode("latin-1")
    if ";" in text or _ESCAPE.search(text):
        return None
    asked: dict[str, str] = {}
    for pair in text.split("&"):
        name, eq, value = pair.partition("=")
        name = unquote_plus(name)
        if not eq or name not in allowed or name in asked:
            return None
        asked[name] = unquote_plus(value)
    return asked


class CatalogFront:
    def __init__(self, app: ASGIApp, litestar: Litestar) -> None:
        self.app = app
        self._litestar = litestar
        self._series = Series(APP_NAME)
        templates = {
            handler.operation_id: route.path_format
            for route in litestar.routes
            for handler in getattr(route, "route_handlers", ())
        }
        self._detail_path, self._list_path = templates["getProcedure"], templates["listProcedures"]

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == ScopeType.HTTP and scope["method"] == "GET":
            start = time.perf_counter()
            found = self._kept(scope)
            if found is not None:
                answer, template = found
                await send(
                    {
                        "type": "http.response.start",
                        "status": 200,
                        "headers": [
                            (b"content-type", b"application/json"),
                            (b"content-length", str(len(answer)).encode()),
                            (b"x-request-id", request_id_of(scope).encode()),
                        ],
                    }
                )
                await send({"type": "http.response.body", "body": answer, "more_body": False})
                self._series.done("GET", template, 200, time.perf_counter() - start)
                return
        await self.app(scope, receive, send)

    def _kept(self, scope: Scope) -> tuple[bytes, str] | None:
        path = scope["path"]
        if path == LIST:
            allowed, template = _LIST_ASKS, self._list_path
        elif path.startswith(DETAIL) and _SLUG.match(path[len(DETAIL) :]):
            allowed, template = _DETAIL_ASKS, self._detail_path
        else:
            return None
        ctx = getattr(self._litestar.state, "ctx", None)
        language = _plain(scope)
        asked = _asked(scope["query_string"], allowed)
        if ctx is None or language is None or asked is None:  # no ctx: before the lifespan made it
            return None
        day = today_in_vn(ctx.clock) if "on" not in asked else _day(asked["on"])
        if day is None:
            return None
        locale = negotiate(asked.get("lang"), language)
        key: Hashable
        if allowed is _DETAIL_ASKS:
            key = detail_key(path[len(DETAIL) :], day, locale)
        else:
            q = asked.get("q")
            if q is not None and not 0 < len(q) <= MAX_SEARCH:
                return None
            key = list_key(q, None, None, day, locale, DEFAULT_LIMIT, 0)
        answer = ctx.catalog.answers.get(key)
        return None if answer is None else (answer, template)


def _plain(scope: Scope) -> str | None:
    """The Accept-Language of a request with none of the headers that route it ("" when absent), else None."""
    language: str | None = ""
    for name, value in scope["headers"]:
        if name in _ROUTED:
            return None
        if name == b"accept-language":  # given twice: which one counts is the framework's to say
            language = value.decode("latin-1") if language == "" else None
    return language


def _day(on: str) -> date | None:
    """`?on=` as the route reads it, when within the bounds; None for what the route answers 422."""
    if not _DAY.match(on):
        return None
    try:
        day = date.fromisoformat(on)
    except ValueError:
        return None
    return day if FIRST_DAY <= day <= LAST_DAY else None


def in_front(litestar: Litestar) -> None:
    """Put the front between the app's entry and its own handling (exceptions, CORS, router)."""
    litestar.asgi_handler = CatalogFront(litestar.asgi_handler, litestar)
