"""A stand-in for the Zalo OA customer-service message API and its OAuth v4 token endpoint
(vn-integrations.md §3.3-3.4), for tests: real HTTP on 127.0.0.1, both on one server.

    with ZaloStandin(app_id=APP, app_secret=SECRET, access_token="A1", refresh_token="R1") as zalo:
        zalo.expire("A1")  # the next send with A1 answers error -216
        ... ZaloApi(client, api_base=zalo.url, oauth_base=zalo.url, ...) ...
        assert zalo.messages[0]["message"]["text"].startswith("...")

`POST /v3.0/oa/message/cs` takes the token in an `access_token` header; like Zalo it answers every
outcome as HTTP 200 with `error` (0, -216 for an unknown or expired token, -201 for a bad body).
`POST /v4/oa/access_token` takes a form (`app_id`, `grant_type=refresh_token`, `refresh_token`) and
a `secret_key` header; refresh tokens are single-use (a second use answers -14020), each refresh
hands out a new pair and leaves the old access token working until it is expired."""

from __future__ import annotations

import itertools
import json
from typing import Any
from urllib.parse import parse_qs

from tests.integration.standins.chat_http import ChatStandin

CS_PATH = "/v3.0/oa/message/cs"
TOKEN_PATH = "/v4/oa/access_token"


class ZaloStandin(ChatStandin):
    name = "zalo-standin"

    def __init__(self, *, app_id: str, app_secret: str, access_token: str, refresh_token: str) -> None:
        super().__init__()
        self.app_id = app_id
        self.app_secret = app_secret
        self._access = {access_token}
        self._refresh = {refresh_token}
        self._counter = itertools.count(2)
        self.issued: list[tuple[str, str]] = []  # pairs handed out by refreshes, in order

    def expire(self, access_token: str) -> None:
        with self._lock:
            self._access.discard(access_token)

    @property
    def messages(self) -> list[dict[str, Any]]:
        """Every message Zalo accepted, in arrival order."""
        return [
            json.loads(r.body)
            for r in self.requests
            if r.path == CS_PATH and r.status == 200 and r.answer["error"] == 0
        ]

    def answer(
        self, method: str, path: str, query: dict[str, str], headers: dict[str, str], body: bytes
    ) -> tuple[int, Any]:
        if method == "POST" and path == CS_PATH:
            return 200, self._send(headers, body)
        if method == "POST" and path == TOKEN_PATH:
            return 200, self._token(headers, body)
        return 404, {"error": 404, "message": "Not found"}

    def _send(self, headers: dict[str, str], body: bytes) -> dict[str, Any]:
        if headers.get("access_token") not in self._access:
            return {"error": -216, "message": "Access token is invalid"}
        try:
            parsed = json.loads(body)
            user_id, text = parsed["recipient"]["user_id"], parsed["message"]["text"]
        except (ValueError, KeyError, TypeError):
            return {"error": -201, "message": "Parameters are invalid"}
        if not isinstance(user_id, str) or not user_id or not isinstance(text, str) or not 0 < len(text) <= 2000:
            return {"error": -201, "message": "Parameters are invalid"}
        n = next(self._counter)
        return {"data": {"message_id": f"zmsg{n}", "user_id": user_id}, "error": 0, "message": "Success"}

    def _token(self, headers: dict[str, str], body: bytes) -> dict[str, Any]:
        if not headers.get("content-type", "").startswith("application/x-www-form-urlencoded"):
            return {"error": -14001, "error_name": "Invalid parameter", "error_reason": "form expected"}
        form = {k: v[0] for k, v in parse_qs(body.decode()).items()}
        if headers.get("secret_key") != self.app_secret or form.get("app_id") != self.app_id:
            return {"error": -14014, "error_name": "Invalid app", "error_reason": "app id or secret key is wrong"}
        if form.get("grant_type") != "refresh_token" or form.get("refresh_token") not in self._refresh:
            return {"error": -14020, "error_name": "Invalid refresh token", "error_reason": "used or expired"}
        self._refresh.discard(form["refresh_token"])
        n = next(self._counter)
        pair = (f"zalo-access-{n}", f"zalo-refresh-{n}")
        self._access.add(pair[0])
        self._refresh.add(pair[1])
        self.issued.append(pair)
        return {"access_token": pair[0], "refresh_token": pair[1], "expires_in": "90000"}
