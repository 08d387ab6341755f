"""A stand-in for the Messenger Send API (vn-integrations.md §4.4), for tests: real HTTP on 127.0.0.1.

    with GraphStandin(page_token="PAGE") as graph:
        ... MessengerApi(client, base=graph.url, page_token="PAGE") ...
        assert graph.messages[0]["message"]["quick_replies"][0]["title"] == "Lệ phí"

`POST {url}/me/messages?access_token=…` is checked like Meta does: the page token (error 190), then
the body (error 100): a recipient id, a known messaging_type, text under 2000 characters, at most
13 text quick replies with titles of at most 20 characters and payloads of at most 1000.
Accepted messages answer `{"recipient_id", "message_id"}`. `fail_next` answers HTTP 500 with
Meta's transient error (code 2)."""

from __future__ import annotations

import itertools
import json
from typing import Any

from tests.integration.standins.chat_http import ChatStandin

VERSION = "v21.0"
_MESSAGING_TYPES = {"RESPONSE", "UPDATE", "MESSAGE_TAG"}


def _graph_error(code: int, message: str, kind: str = "OAuthException") -> dict[str, Any]:
    return {"error": {"message": message, "type": kind, "code": code, "fbtrace_id": "AbCdEf"}}


def message_problems(body: Any) -> list[str]:
    if not isinstance(body, dict):
        return ["body is not a JSON object"]
    problems = []
    recipient = body.get("recipient")
    if not isinstance(recipient, dict) or not isinstance(recipient.get("id"), str) or not recipient["id"]:
        problems.append("recipient.id is required")
    if body.get("messaging_type") not in _MESSAGING_TYPES:
        problems.append("messaging_type must be RESPONSE, UPDATE or MESSAGE_TAG")
    message = body.get("message")
    if not isinstance(message, dict):
        return [*problems, "message is required"]
    text = message.get("text")
    if not isinstance(text, str) or not text or len(text) >= 2000:
        problems.append("message.text must be 1 to 1999 characters")
    quick = message.get("quick_replies", [])
    if not isinstance(quick, list) or len(quick) > 13:
        return [*problems, "at most 13 quick_replies"]
    for q in quick:
        if not isinstance(q, dict) or q.get("content_type") != "text":
            problems.append("quick_replies[].content_type must be text")
            continue
        if not isinstance(q.get("title"), str) or not 0 < len(q["title"]) <= 20:
            problems.append(f"quick reply title {q.get('title')!r} must be 1 to 20 characters")
        if not isinstance(q.get("payload"), str) or not 0 < len(q["payload"]) <= 1000:
            problems.append("quick reply payload must be 1 to 1000 characters")
    return problems


class GraphStandin(ChatStandin):
    name = "graph-standin"

    def __init__(self, *, page_token: str) -> None:
        super().__init__()
        self.page_token = page_token
        self._ids = itertools.count(1)

    @property
    def url(self) -> str:
        """The Graph API base to configure (MOTCUA_GRAPH_API_BASE), version included."""
        return f"{super().url}/{VERSION}"

    @property
    def messages(self) -> list[dict[str, Any]]:
        """Every accepted Send API body, in arrival order."""
        return [json.loads(r.body) for r in self.requests if r.status == 200]

    def failure_body(self, status: int) -> Any:
        error = _graph_error(2, "An unexpected error has occurred. Please retry your request later.")
        error["error"]["is_transient"] = True
        return error

    def answer(
        self, method: str, path: str, query: dict[str, str], headers: dict[str, str], body: bytes
    ) -> tuple[int, Any]:
        if method != "POST" or path != f"/{VERSION}/me/messages":
            return 404, _graph_error(803, f"Unknown path {path}")
        if query.get("access_token") != self.page_token:
            return 400, _graph_error(190, "Invalid OAuth access token - Cannot parse access token")
        try:
            parsed = json.loads(body)
        except ValueError:
            parsed = None
        problems = message_problems(parsed)
        if problems:
            return 400, _graph_error(100, "(#100) " + "; ".join(problems))
        return 200, {"recipient_id": parsed["recipient"]["id"], "message_id": f"m_reply{next(self._ids)}"}
