"""Every error leaves as RFC 9457 problem details, localized to the caller's language."""

from __future__ import annotations

import logging
import re
from typing import Any

import asyncpg
import msgspec
import redis.exceptions
from litestar import MediaType, Request, Response
from litestar.exceptions import HTTPException, NotAuthorizedException, ValidationException
from litestar.status_codes import HTTP_500_INTERNAL_SERVER_ERROR
from litestar.types import ExceptionHandlersMap

from core.db import unavailable as database_unavailable
from core.errors import DomainError, RateLimitedError, ServiceUnavailableError, ValidationError
from core.openapi import PROBLEM_JSON
from i18n.locale import negotiate
from i18n.messages import field_error, problem_texts, status_label

log = logging.getLogger("motcua.api")

RETRY_AFTER_DOWN = 5
_PATH = re.compile(r"at `\$\.?([^`]*)`")
_TOO_LONG = re.compile(r"Expected `str` of length <= (\d+)")
# A body refused as too large is left unread: the server drops the connection after the answer, and
# a client told so opens a new one for its next request instead of writing into the closed one.
_UNREAD_BODY = {"Connection": "close"}
_MISSING = re.compile(r"Object missing required field `([^`]+)`")
# PostgreSQL's detail of a foreign key to an account that does not exist
_USERS_KEY = re.compile(r'is not present in table "users"')
_HTTP_CODES = {
    400: "malformed-request",
    401: "unauthorized",
    403: "forbidden",
    404: "not-found",
    405: "method-not-allowed",
    409: "conflict",
    413: "file-too-large",
    415: "unsupported-file-type",
    429: "rate-limited",
    503: "service-unavailable",
}


def request_locale(request: Request[Any, Any, Any]) -> str:
    return negotiate(request.query_params.get("lang"), request.headers.get("accept-language"))


def problem(
    request: Request[Any, Any, Any],
    code: str,
    status: int,
    params: dict[str, Any] | None = None,
    *,
    extra: dict[str, Any] | None = None,
    headers: dict[str, str] | None = None,
) -> Response[dict[str, Any]]:
    locale = request_locale(request)
    title, detail = problem_texts(code, locale, params or {})
    body: dict[str, Any] = {
        "type": f"/problems/{code}",
        "title": title,
        "status": status,
        "detail": detail,
        "code": code,
    }
    if extra:
        body.update(extra)
    return Response(body, status_code=status, media_type=PROBLEM_JSON, headers=headers)


def on_domain_error(request: Request[Any, Any, Any], exc: DomainError) -> Response[dict[str, Any]]:
    locale = request_locale(request)
    extra: dict[str, Any] = {}
    headers: dict[str, str] | None = None
    if isinstance(exc, ValidationError):
        extra["errors"] = [
            {"field": field, "message": field_error(key, locale, params), "code": key}
            for field, key, params in exc.errors
        ]
    if isinstance(exc, RateLimitedError | ServiceUnavailableError):
        headers = {"Retry-After": str(exc.retry_after)}
    if exc.status == 413:
        headers = dict(_UNREAD_BODY)
    for name in ("missing_requirements",):
        if name in exc.params:
            extra[name] = exc.params[name]
    params = dict(exc.params)
    if "current" in params:
        params["status_label"] = status_label(str(params["current"]), locale)
        extra["current_status"] = params["current"]
    return problem(request, exc.code, exc.status, params, extra=extra, headers=headers)


def on_validation_exception(request: Request[Any, Any, Any], exc: ValidationException) -> Response[dict[str, Any]]:
    """Litestar's body/parameter errors: unreadable JSON is 400, wrong values are 422 with fields."""
    locale = request_locale(request)
    errors: list[dict[str, Any]] = []
    for item in exc.extra if isinstance(exc.extra, list) else []:
        if not isinstance(item, dict):
            continue
        message = str(item.get("message", ""))
        match = _PATH.search(message)
        key = item.get("key")
        field = match.group(1) if match else (str(key) if key else "")
        missing = _MISSING.match(message)
        if missing:  # name the missing field itself, not the object it is missing from
            field = f"{match.group(1)}.{missing.group(1)}" if match and match.group(1) else missing.group(1)
        if not (field or item.get("source") in {"query", "path", "header"}):
            continue
        if too_long := _TOO_LONG.search(message):
            limit = {"max": int(too_long.group(1))}
            error = {"field": field or str(key), "message": field_error("too-long", locale, limit), "code": "too-long"}
            return problem(request, "too-long", 422, {"field": error["field"], **limit}, extra={"errors": [error]})
        errors.append({"field": field or str(key), "message": _field_message(message, locale), "code": "invalid"})
    if errors:
        return problem(request, "validation-failed", 422, extra={"errors": errors})
    return problem(request, "malformed-request", 400, {"reason": str(exc.detail)[:200]})


def _field_message(message: str, locale: str) -> str:
    text = _PATH.sub("", message).strip(" -")
    if text.startswith("Object missing required field"):
        return field_error("required", locale, {})
    return field_error("invalid", locale, {}) + (f" ({text})" if text else "")


def on_http_exception(request: Request[Any, Any, Any], exc: HTTPException) -> Response[dict[str, Any]]:
    if isinstance(exc, NotAuthorizedException):
        return problem(request, "unauthorized", 401)
    field = _misread_body_field(exc)
    if field is not None:
        locale = request_locale(request)
        errors = [{"field": field, "message": _field_message(str(exc.__cause__), locale), "code": "invalid"}]
        return problem(request, "validation-failed", 422, extra={"errors": errors})
    code = _HTTP_CODES.get(exc.status_code, "error")
    params: dict[str, Any] = {"reason": str(exc.detail)[:200]} if exc.status_code == 400 else {}
    headers = {k: v for k, v in (exc.headers or {}).items()} or None
    if exc.status_code == 413:  # Litestar's own limit, which only multipart uploads reach (core/input_bounds.py)
        params["limit_mb"] = _file_limit_mb(request)
        headers = {**(headers or {}), **_UNREAD_BODY}
    return problem(request, code, exc.status_code, params, headers=headers)


def _file_limit_mb(request: Request[Any, Any, Any]) -> int:
    """The file size a citizen is told (the request may be a little larger: the form around the file)."""
    ctx = getattr(request.app.state, "ctx", None)
    limit = ctx.settings.max_file_bytes if ctx is not None else request.route_handler.resolve_request_max_body_size()
    return max(1, int(limit or 0) // (1024 * 1024))


def _misread_body_field(exc: HTTPException) -> str | None:
    """Litestar takes a bad body field that shares a dependency's name (`locale`) for a failed
    dependency and answers 500; it is the client's body that is wrong."""
    cause = exc.__cause__
    if exc.status_code != HTTP_500_INTERNAL_SERVER_ERROR or not isinstance(cause, msgspec.ValidationError):
        return None
    match = _PATH.search(str(cause))
    if match is None or not match.group(1).startswith("data."):
        return None
    return match.group(1).removeprefix("data.")


def on_unstorable_text(request: Request[Any, Any, Any], exc: asyncpg.DataError) -> Response[dict[str, Any]]:
    """PostgreSQL refuses text it cannot store (U+0000); the transaction that met it rolled back."""
    errors = [{"field": "body", "message": field_error("invalid", request_locale(request), {}), "code": "invalid"}]
    return problem(request, "validation-failed", 422, extra={"errors": errors})


def on_missing_reference(
    request: Request[Any, Any, Any], exc: asyncpg.ForeignKeyViolationError
) -> Response[dict[str, Any]]:
    """A signed token outlives its account (erased, or minted against another database with the same
    secret): the write that names it is refused as a sign-in to do again, not a server fault. Any other
    missing reference is a fault of ours."""
    if _USERS_KEY.search(str(getattr(exc, "detail", "") or "")):
        return problem(request, "unauthorized", 401)
    return on_unexpected(request, exc)


def on_dependency_down(request: Request[Any, Any, Any], exc: Exception) -> Response[dict[str, Any]]:
    """PostgreSQL or Redis does not answer: the caller may retry; nothing of theirs was half done."""
    log.warning("dependency down on %s %s: %r", request.method, request.url.path, exc)
    return problem(request, "service-unavailable", 503, headers={"Retry-After": str(RETRY_AFTER_DOWN)})


def on_unexpected(request: Request[Any, Any, Any], exc: Exception) -> Response[dict[str, Any]]:
    # asyncpg's errors of a database that is down, restarting or failing over have no common base class
    if database_unavailable(exc):
        return on_dependency_down(request, exc)
    log.exception("unhandled error on %s %s", request.method, request.url.path, exc_info=exc)
    return problem(request, "internal-error", HTTP_500_INTERNAL_SERVER_ERROR)


EXCEPTION_HANDLERS: ExceptionHandlersMap = {
    DomainError: on_domain_error,
    ValidationException: on_validation_exception,
    HTTPException: on_http_exception,
    asyncpg.CharacterNotInRepertoireError: on_unstorable_text,
    asyncpg.ForeignKeyViolationError: on_missing_reference,
    asyncpg.PostgresConnectionError: on_dependency_down,
    redis.exceptions.ConnectionError: on_dependency_down,
    redis.exceptions.TimeoutError: on_dependency_down,
    ConnectionError: on_dependency_down,
    asyncpg.UntranslatableCharacterError: on_unstorable_text,
    Exception: on_unexpected,
}

__all__ = ["EXCEPTION_HANDLERS", "PROBLEM_JSON", "MediaType", "problem", "request_locale"]
