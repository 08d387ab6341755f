"""HTTP clients of the Messenger Send API and the Zalo OA APIs (vn-integrations.md §3.3-3.4, §4.4).

They only speak the wire format and sort failures: SendFailed(transient=True) is worth trying again
later (network, 5xx, rate limits), transient=False is not (a refused recipient or payload)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import msgspec

if TYPE_CHECKING:  # the clients are handed one: a process without a platform configured needs no httpx
    import httpx


class SendFailed(Exception):
    def __init__(self, reason: str, *, transient: bool) -> None:
        super().__init__(reason)
        self.transient = transient


class TokenExpired(Exception):
    """Zalo refused the OA access token (-216): refresh the pair, then send again."""


# Graph API error codes worth another try later: rate limits and temporary unavailability
_GRAPH_TRANSIENT = frozenset({1, 2, 4, 17, 32, 613})
_ZALO_EXPIRED = frozenset({-216})


async def _post(client: httpx.AsyncClient, what: str, url: str, **kwargs: Any) -> tuple[int, Any]:
    import httpx

    try:
        response = await client.post(url, **kwargs)
    except httpx.HTTPError as exc:
        raise SendFailed(f"{what}: {exc!r}", transient=True) from exc
    try:
        body = msgspec.json.decode(response.content) if response.content else None
    except msgspec.DecodeError:
        body = None
    if response.status_code >= 500 or response.status_code == 429:
        raise SendFailed(f"{what}: HTTP {response.status_code}", transient=True)
    return response.status_code, body


class MessengerApi:
    def __init__(self, client: httpx.AsyncClient, *, base: str, page_token: str, timeout: float = 10.0) -> None:
        self._client = client
        self._url = base.rstrip("/") + "/me/messages"
        self._page_token = page_token
        self._timeout = timeout

    async def send(self, body: dict[str, Any]) -> str:
        """Send one message; returns Messenger's message id."""
        status, answer = await _post(
            self._client,
            "Messenger Send API",
            self._url,
            params={"access_token": self._page_token},
            json=body,
            timeout=self._timeout,
        )
        if status == 200 and isinstance(answer, dict) and answer.get("message_id"):
            return str(answer["message_id"])
        error = answer.get("error") if isinstance(answer, dict) else None
        code = error.get("code") if isinstance(error, dict) else None
        message = error.get("message") if isinstance(error, dict) else None
        transient = code in _GRAPH_TRANSIENT or (isinstance(error, dict) and error.get("is_transient") is True)
        raise SendFailed(f"Messenger Send API: HTTP {status}, error {code}: {message}", transient=transient)


class TokenPair(msgspec.Struct, frozen=True, kw_only=True):
    access_token: str
    refresh_token: str
    expires_in: int | None = None  # seconds


class ZaloApi:
    def __init__(
        self,
        client: httpx.AsyncClient,
        *,
        api_base: str,
        oauth_base: str,
        app_id: str,
        app_secret: str,
        timeout: float = 10.0,
    ) -> None:
        self._client = client
        self._cs_url = api_base.rstrip("/") + "/v3.0/oa/message/cs"
        self._token_url = oauth_base.rstrip("/") + "/v4/oa/access_token"
        self._app_id = app_id
        self._app_secret = app_secret
        self._timeout = timeout

    async def send(self, access_token: str, body: dict[str, Any]) -> str:
        """Send one customer-service message; returns Zalo's message id. Zalo answers errors as HTTP
        200 with a negative `error`, so success is HTTP 200 and error 0."""
        status, answer = await _post(
            self._client,
            "Zalo OA message API",
            self._cs_url,
            headers={"access_token": access_token},
            json=body,
            timeout=self._timeout,
        )
        error = answer.get("error") if isinstance(answer, dict) else None
        if status == 200 and error == 0:
            data = answer.get("data")
            return str(data.get("message_id", "")) if isinstance(data, dict) else ""
        if error in _ZALO_EXPIRED:
            raise TokenExpired(str(answer.get("message", "")))
        reason = answer.get("message") if isinstance(answer, dict) else None
        raise SendFailed(f"Zalo OA message API: HTTP {status}, error {error}: {reason}", transient=error is None)

    async def refresh(self, refresh_token: str) -> TokenPair:
        """A new token pair for the (single-use) refresh token."""
        status, answer = await _post(
            self._client,
            "Zalo OAuth",
            self._token_url,
            headers={"secret_key": self._app_secret},
            data={"app_id": self._app_id, "grant_type": "refresh_token", "refresh_token": refresh_token},
            timeout=self._timeout,
        )
        if status == 200 and isinstance(answer, dict) and answer.get("access_token") and answer.get("refresh_token"):
            expires = str(answer.get("expires_in", ""))
            return TokenPair(
                access_token=str(answer["access_token"]),
                refresh_token=str(answer["refresh_token"]),
                expires_in=int(expires) if expires.isdigit() else None,
            )
        # a burnt refresh token (-14020) needs an OA admin to authorise again; until then, keep retrying
        error = answer.get("error") if isinstance(answer, dict) else None
        raise SendFailed(f"Zalo OAuth refresh: HTTP {status}, error {error}", transient=True)
