"""Bounds held before any handler or decoder runs: the size, encoding and nesting of a JSON body,
and the dates of a query string or of a body the handler takes as `data`.

One place for every route, so that a new route is bounded without a word: a body is read here (at
most `max_json_bytes`), checked to be UTF-8, scanned for nesting, and handed on unchanged. A date
or a time a handler declares, as a query parameter or anywhere in its `data`, is checked against
the days the service reasons about (a body only when its type holds one: it is decoded here once
more, a few microseconds). Signed webhooks check their dates after their signature
(core/signing.py). The multipart uploads (routes with `opt=upload(...)`) keep the app's larger
limit and are never read here."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any
from urllib.parse import parse_qsl

import msgspec
from litestar.enums import ScopeType
from litestar.handlers.http_handlers import HTTPRouteHandler
from litestar.middleware import ASGIMiddleware
from litestar.types import ASGIApp, HTTPRequestEvent, Receive, ReceiveMessage, Scope, Send

from core.bounds import (
    MAX_DAY,
    MAX_JSON_DEPTH,
    MIN_DAY,
    Nesting,
    dates_out_of_range,
    day_in_range,
    instant_in_range,
    json_nesting,
)
from core.errors import DomainError, ValidationError
from core.openapi import UPLOAD

_BODYLESS = frozenset({"GET", "HEAD", "OPTIONS"})
# what Litestar injects by these names is never read from the query string
_RESERVED = frozenset({"request", "socket", "state", "scope", "headers", "cookies", "query", "body", "data"})
_Dates = tuple[tuple[str, type[date]], ...]
_BOUNDS = {"min": MIN_DAY.isoformat(), "max": MAX_DAY.isoformat()}


class InputBounds(ASGIMiddleware):
    scopes = (ScopeType.HTTP,)

    def __init__(self, *, max_json_bytes: int) -> None:
        self.max_json_bytes = max_json_bytes
        self._dates: dict[int, tuple[_Dates, Any]] = {}  # by handler: what its signature says, read once

    async def handle(self, scope: Scope, receive: Receive, send: Send, next_app: ASGIApp) -> None:
        handler = scope["route_handler"]
        known = self._dates.get(id(handler))
        if known is None:
            known = self._dates[id(handler)] = (query_dates(handler), body_with_dates(handler))
        dates, body_type = known
        if dates and scope["query_string"]:
            check_query_dates(scope["query_string"], dates)
        method: str = scope["method"]  # type: ignore[typeddict-item]  # an HTTP scope: `scopes` above
        if method in _BODYLESS or (UPLOAD in handler.opt and _multipart(scope)):
            await next_app(scope, receive, send)
            return
        body = await read_body(scope, receive, self.max_json_bytes)
        if body is None:  # the client left before sending it all: nobody is there to answer
            return
        if not body.isascii():
            try:  # JSON is UTF-8 (RFC 8259); the decoder's UnicodeDecodeError would be a 500
                body.decode()
            except UnicodeDecodeError:
                raise DomainError("malformed-request", status=400, reason="the body is not UTF-8") from None
        nesting = json_nesting(body, MAX_JSON_DEPTH)
        if nesting == Nesting.TOO_DEEP:
            raise DomainError("too-deep", status=400, max_depth=MAX_JSON_DEPTH)
        if nesting == Nesting.UNBALANCED:
            raise DomainError("malformed-request", status=400, reason="unbalanced brackets")
        if body_type is not None and body:
            check_body_dates(body, body_type)
        await next_app(scope, replay(body, receive), send)


def query_dates(handler: Any) -> _Dates:
    """The query parameters `handler` takes as a date or a time: (name in the query, type)."""
    if not isinstance(handler, HTTPRouteHandler):
        return ()
    skip = _RESERVED | set(handler.resolve_dependencies()) | {p for path in handler.paths for p in _placeholders(path)}
    found: list[tuple[str, type[date]]] = []
    for name, field in handler.parsed_fn_signature.parameters.items():
        kwarg = field.kwarg_definition
        if name in skip or getattr(kwarg, "header", None) or getattr(kwarg, "cookie", None):
            continue
        types = [inner.annotation for inner in field.inner_types] if field.is_optional else [field.annotation]
        kind = next((t for t in (datetime, date) if t in types), None)  # a datetime is a date too: it goes first
        if kind is not None:
            found.append((getattr(kwarg, "query", None) or getattr(kwarg, "name", None) or name, kind))
    return tuple(found)


def body_with_dates(handler: Any) -> Any:
    """The type of the `data` `handler` takes when a date or a time is somewhere in it, else None."""
    data = handler.parsed_fn_signature.parameters.get("data") if isinstance(handler, HTTPRouteHandler) else None
    if data is None:
        return None
    return data.annotation if _holds_dates(msgspec.inspect.type_info(data.annotation), set()) else None


def _holds_dates(t: msgspec.inspect.Type, seen: set[type]) -> bool:
    if isinstance(t, msgspec.inspect.DateType | msgspec.inspect.DateTimeType):
        return True
    if isinstance(t, msgspec.inspect.StructType):
        if t.cls in seen:
            return False
        seen.add(t.cls)
        return any(_holds_dates(f.type, seen) for f in t.fields)
    if isinstance(t, msgspec.inspect.UnionType):
        return any(_holds_dates(member, seen) for member in t.types)
    if isinstance(t, msgspec.inspect.ListType | msgspec.inspect.SetType | msgspec.inspect.FrozenSetType):
        return _holds_dates(t.item_type, seen)
    if isinstance(t, msgspec.inspect.VarTupleType):
        return _holds_dates(t.item_type, seen)
    if isinstance(t, msgspec.inspect.DictType):
        return _holds_dates(t.value_type, seen)
    return False


def check_body_dates(body: bytes, body_type: Any) -> None:
    """422 naming each date of the body out of range, decoded as Litestar will decode it; a body that
    does not decode is left to Litestar, which says what is wrong with it."""
    try:
        decoded = msgspec.convert(msgspec.json.decode(body), body_type, strict=False)
    except (msgspec.DecodeError, msgspec.ValidationError):
        return
    if out_of_range := dates_out_of_range(decoded):
        raise ValidationError([(field, "date-out-of-range", _BOUNDS) for field in out_of_range])


def _placeholders(path: str) -> list[str]:
    return [part[1:].split(":", 1)[0] for part in path.split("/") if part.startswith("{")]


def check_query_dates(query_string: bytes, dates: _Dates) -> None:
    """422 for a date the handler would take but the service cannot reason about; what is not a date
    at all is left to Litestar's own parsing (400/422 there)."""
    kinds = dict(dates)
    errors: list[tuple[str, str, dict[str, Any]]] = []
    for name, raw in parse_qsl(query_string.decode("latin-1"), keep_blank_values=True):
        kind = kinds.get(name)
        if kind is None:
            continue
        try:
            value = msgspec.convert(raw, kind, strict=False)
        except msgspec.ValidationError:
            continue
        if not (instant_in_range(value) if isinstance(value, datetime) else day_in_range(value)):
            errors.append((name, "date-out-of-range", _BOUNDS))
    if errors:
        raise ValidationError(errors)


def _multipart(scope: Scope) -> bool:
    for name, value in scope["headers"]:
        if name == b"content-type":
            return value[:19].lower() == b"multipart/form-data"
    return False


def _content_length(scope: Scope) -> int | None:
    for name, value in scope["headers"]:
        if name == b"content-length":
            try:
                return int(value)
            except ValueError:
                return None
    return None


async def read_body(scope: Scope, receive: Receive, limit: int) -> bytes | None:
    """The whole body, refused (413) as soon as it is announced or read past `limit` bytes; None when
    the client disconnected first."""
    announced = _content_length(scope)
    if announced is not None and announced > limit:
        raise too_large(limit)
    chunks: list[bytes] = []
    size = 0
    while True:
        message = await receive()
        if message["type"] != "http.request":
            return None
        chunk = message.get("body", b"")
        size += len(chunk)
        if size > limit:
            raise too_large(limit)
        chunks.append(chunk)
        if not message.get("more_body", False):
            break
    return b"".join(chunks)


def too_large(limit: int) -> DomainError:
    return DomainError("request-too-large", status=413, limit_kb=limit // 1024)


def replay(body: bytes, receive: Receive) -> Receive:
    """The body read here, as the one message the handler will read, then whatever comes after."""
    sent = False

    async def again() -> ReceiveMessage:
        nonlocal sent
        if sent:
            return await receive()
        sent = True
        message: HTTPRequestEvent = {"type": "http.request", "body": body, "more_body": False}
        return message

    return again
