"""Who may call a route, said on the route: every handler carries exactly one of these guards.

A guard reads the bearer token once, keeps the principal on the request's scope and refuses the
wrong caller before any dependency runs; handlers then take the principal as `caller`. The token
verifier is put on the app's state by the composition root (`app.state.tokens`)."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Container
from dataclasses import dataclass
from typing import Any

from litestar.connection import ASGIConnection
from litestar.handlers.base import BaseRouteHandler

from core.auth import InvalidToken, Principal, Role, verify_access_token
from core.clock import Clock
from core.errors import ForbiddenError, UnauthorizedError

Guard = Callable[[ASGIConnection[Any, Any, Any, Any], BaseRouteHandler], None]

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


def public(connection: ASGIConnection[Any, Any, Any, Any], _: BaseRouteHandler) -> None:
    """Anyone, signed in or not. A handler richer for a signed-in caller takes `maybe_caller`, which
    reads the token then (a bad one is 401 there, so a client learns its token is stale)."""


def signed_in(connection: ASGIConnection[Any, Any, Any, Any], _: BaseRouteHandler) -> None:
    """Any signed-in user, whatever the role; the use case decides what they see."""
    _signed_in(connection)


def citizen_only(connection: ASGIConnection[Any, Any, Any, Any], _: BaseRouteHandler) -> None:
    if _signed_in(connection).role is not Role.CITIZEN:
        raise ForbiddenError()


def officer_only(connection: ASGIConnection[Any, Any, Any, Any], _: BaseRouteHandler) -> None:
    """Officers and admins; which offices an officer may touch is the use case's check."""
    if _signed_in(connection).role not in {Role.OFFICER, Role.ADMIN}:
        raise ForbiddenError()


def admin_only(connection: ASGIConnection[Any, Any, Any, Any], _: BaseRouteHandler) -> None:
    if _signed_in(connection).role is not Role.ADMIN:
        raise ForbiddenError()


def signed_by_peer(connection: ASGIConnection[Any, Any, Any, Any], _: BaseRouteHandler) -> None:
    """Webhooks of banks, VNPay, chat platforms and the one-stop system: no user, the handler checks
    the peer's signature over the raw body (which a guard cannot read without consuming it)."""


def operator_token(connection: ASGIConnection[Any, Any, Any, Any], _: BaseRouteHandler) -> None:
    """Operations endpoints (metrics): the handler compares the operator's token from settings."""


ACCESS_RULES: tuple[Guard, ...] = (
    public,
    signed_in,
    citizen_only,
    officer_only,
    admin_only,
    signed_by_peer,
    operator_token,
)
