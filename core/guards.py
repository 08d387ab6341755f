"""Who may call a route, said on the route: every handler carries exactly one of these guards.

A guard reads the bearer token once, keeps the principal on the request's scope and refuses the
wrong caller before any dependency runs; handlers then take the principal as `caller` (or, on a
public route richer for a signed-in caller, `maybe_caller`). The token verifier is put on the app's
state by the composition root (`app.state.tokens`). `check_routes` refuses to build an app with a
route that says nothing, says two things, or takes a caller its rule does not sign in.

Guards are coroutines: Litestar runs a plain function guard in a worker thread, one thread hop per
request for a check that never blocks."""

from __future__ import annotations

import hmac
import uuid
from collections.abc import Callable, Container, Coroutine, Iterator
from dataclasses import dataclass
from typing import Any

from litestar import Litestar
from litestar.connection import ASGIConnection
from litestar.enums import HttpMethod
from litestar.handlers.base import BaseRouteHandler
from litestar.handlers.http_handlers import HTTPRouteHandler
from litestar.routes import HTTPRoute

from core.auth import InvalidToken, Principal, Role, verify_access_token
from core.clock import Clock
from core.errors import ForbiddenError, NotFoundError, UnauthorizedError

Guard = Callable[[ASGIConnection[Any, Any, Any, Any], BaseRouteHandler], Coroutine[Any, Any, None]]

CALLER = "caller"  # the handler parameter of the signed-in principal
MAYBE_CALLER = "maybe_caller"  # the same, or None, on a public route

_SCOPE_KEY = "motcua.principal"
_UNSET = object()


@dataclass(frozen=True)
class TokenVerifier:
    secret: str
    clock: Clock
    # accounts an operator disabled: kept current in memory by the composition root, so refusing their
    # tokens at once costs a set lookup per request
    disabled: Container[uuid.UUID] = frozenset()

    def verify(self, token: str) -> Principal:
        principal = verify_access_token(token, secret=self.secret, now=self.clock.now())
        if principal.user_id in self.disabled:
            raise InvalidToken("account disabled")
        return principal


def bearer_token(connection: ASGIConnection[Any, Any, Any, Any]) -> str | None:
    scheme, _, token = connection.headers.get("authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        return None
    return token.strip()


def principal_of(connection: ASGIConnection[Any, Any, Any, Any]) -> Principal | None:
    """The caller named by a valid bearer token, None without one; a bad token is 401 (never anonymous)."""
    cached = connection.scope.get(_SCOPE_KEY, _UNSET)
    if cached is not _UNSET:
        return cached  # type: ignore[return-value]
    token = bearer_token(connection)
    principal: Principal | None = None
    if token is not None:
        verifier: TokenVerifier = connection.app.state.tokens
        try:
            principal = verifier.verify(token)
        except InvalidToken as exc:
            raise UnauthorizedError() from exc
    connection.scope[_SCOPE_KEY] = principal  # type: ignore[literal-required]
    return principal


def _signed_in(connection: ASGIConnection[Any, Any, Any, Any]) -> Principal:
    principal = principal_of(connection)
    if principal is None:
        raise UnauthorizedError()
    return principal


async def public(connection: ASGIConnection[Any, Any, Any, Any], _: BaseRouteHandler) -> None:
    """Anyone, signed in or not. A handler richer for a signed-in caller takes `maybe_caller`, which
    reads the token then (a bad one is 401 there, so a client learns its token is stale)."""


async def signed_in(connection: ASGIConnection[Any, Any, Any, Any], _: BaseRouteHandler) -> None:
    """Any signed-in user, whatever the role; the use case decides what they see (a citizen their own
    records, an officer those of their offices)."""
    _signed_in(connection)


async def citizen_only(connection: ASGIConnection[Any, Any, Any, Any], _: BaseRouteHandler) -> None:
    if _signed_in(connection).role is not Role.CITIZEN:
        raise ForbiddenError()


async def officer_only(connection: ASGIConnection[Any, Any, Any, Any], _: BaseRouteHandler) -> None:
    """Officers and admins; which offices an officer may touch is the use case's check."""
    if _signed_in(connection).role not in {Role.OFFICER, Role.ADMIN}:
        raise ForbiddenError()


async def admin_only(connection: ASGIConnection[Any, Any, Any, Any], _: BaseRouteHandler) -> None:
    if _signed_in(connection).role is not Role.ADMIN:
        raise ForbiddenError()


async def signed_by_peer(connection: ASGIConnection[Any, Any, Any, Any], _: BaseRouteHandler) -> None:
    """Webhooks of banks, VNPay, chat platforms and the one-stop system: no user, the handler checks
    the peer's signature over the raw body (which a guard cannot read without consuming it)."""


async def operator_token(connection: ASGIConnection[Any, Any, Any, Any], _: BaseRouteHandler) -> None:
    """Operations endpoints (metrics): only `Authorization: Bearer <MOTCUA_METRICS_TOKEN>`, put on the
    app's state as `operator_token` by the composition root.

    Without a token configured, and for a missing or wrong one, the answer is the 404 of a path that
    does not exist rather than a 401: a scanner learns nothing, not even that the endpoint is there,
    and a wrong token cannot be told from a wrong path, so there is nothing to guess against."""
    expected: str = getattr(connection.app.state, "operator_token", "")
    given = bearer_token(connection)
    if not expected or given is None or not hmac.compare_digest(given.encode(), expected.encode()):
        raise NotFoundError()


ACCESS_RULES: tuple[Guard, ...] = (
    public,
    signed_in,
    citizen_only,
    officer_only,
    admin_only,
    signed_by_peer,
    operator_token,
)
SIGNING_IN: frozenset[Guard] = frozenset({signed_in, citizen_only, officer_only, admin_only})
"""The rules that put a principal on the request: only their handlers may take `caller`."""
REFUSING_ROLES: frozenset[Guard] = frozenset({citizen_only, officer_only, admin_only})
"""The rules that answer 403 to a signed-in user of another role."""


def is_automatic_options(handler: HTTPRouteHandler) -> bool:
    """The OPTIONS handler Litestar adds to every path (CORS preflights are answered before routing)."""
    return handler.http_methods == {HttpMethod.OPTIONS} and handler.fn.__qualname__.startswith(
        "HTTPRoute.create_options_handler"
    )


def http_handlers(app: Litestar) -> Iterator[tuple[str, str, HTTPRouteHandler]]:
    """(method, path, handler) of every route of the app but Litestar's own OPTIONS answers."""
    for route in app.routes:
        if not isinstance(route, HTTPRoute):
            continue
        for method, (handler, _) in route.route_handler_map.items():
            if not is_automatic_options(handler):
                yield str(method), route.path_format, handler


def access_rule(handler: BaseRouteHandler) -> Guard:
    """The one rule of a handler, on itself or on a layer above it (controller, router, app)."""
    rules = [guard for guard in handler.resolve_guards() if guard in ACCESS_RULES]
    if len(rules) != 1:
        names = [getattr(rule, "__name__", repr(rule)) for rule in rules] or "none"
        raise ValueError(f"{handler.handler_name}: one access rule of core/guards.py expected, found {names}")
    return rules[0]


def check_routes(app: Litestar) -> None:
    """Every route says who may call it, exactly once, and takes the caller only as its rule provides:
    `caller` under a rule that signs in, `maybe_caller` only on a public route."""
    problems: list[str] = []
    for method, path, handler in http_handlers(app):
        try:
            rule = access_rule(handler)
        except ValueError as exc:
            problems.append(f"{method} {path}: {exc}")
            continue
        takes = set(handler.parsed_fn_signature.parameters)
        if CALLER in takes and rule not in SIGNING_IN:
            problems.append(f"{method} {path}: takes `{CALLER}` under {rule.__name__}, which signs no one in")
        if MAYBE_CALLER in takes and rule is not public:
            problems.append(f"{method} {path}: `{MAYBE_CALLER}` belongs to public routes, not {rule.__name__}")
    if problems:
        raise RuntimeError("routes without a clear access rule:\n" + "\n".join(problems))
