"""Headers every answer carries, added once as the answer leaves (Litestar's `before_send`), for
routes, problems and 404s alike.

- `X-Content-Type-Options: nosniff` and `Referrer-Policy: no-referrer` everywhere: no browser
  guesses a type for a file a citizen uploaded, and no link carries a lookup key to another site.
- `Cache-Control: no-store` on everything but the public catalog, the offices, health and the API
  documentation, and on every answer to a request that carried a token: a shared cache (a ward's
  proxy, a phone's) must never keep a dossier, a receipt, a payment or a tracking answer. Listing
  what may be cached, rather than what may not, keeps a new route private until said otherwise.
- `Strict-Transport-Security` when the service is published over https."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from litestar.types import Message, Scope

HSTS = b"max-age=31536000"
CACHEABLE_PREFIXES = ("/api/v1/procedures", "/api/v1/agencies", "/health/", "/schema")

_NO_STORE = (b"cache-control", b"no-store")


def security_headers(*, https: bool) -> Callable[[Message, Scope], Awaitable[None]]:
    always = [(b"x-content-type-options", b"nosniff"), (b"referrer-policy", b"no-referrer")]
    if https:
        always.append((b"strict-transport-security", HSTS))

    async def add_headers(message: Message, scope: Scope) -> None:
        if message["type"] != "http.response.start":
            return
        headers = list(message.get("headers") or ())
        present = {name.lower() for name, _ in headers}
        headers.extend(header for header in always if header[0] not in present)
        if not cacheable(scope):
            headers = [h for h in headers if h[0].lower() != b"cache-control"]
            headers.append(_NO_STORE)
        message["headers"] = headers

    return add_headers


def cacheable(scope: Scope) -> bool:
    """Public answers that name no person: the same for everyone, asked without a token."""
    if not scope["path"].startswith(CACHEABLE_PREFIXES):
        return False
    return all(name != b"authorization" for name, _ in scope["headers"])
