"""A stand-in for Firebase Cloud Messaging's HTTP v1 send endpoint, for tests: real HTTP/1.1 on 127.0.0.1
(keep-alive, served by asyncio on a thread of its own).

It answers what the real SDK (firebase-admin 7.x) posts once the SDK is pointed at it (vn-integrations.md
§5.4): `POST /v1/projects/<project>/messages:send` with `{"message": {...}}`, and replies like FCM
(`{"name": "projects/<p>/messages/<id>"}`, or Google's error JSON with an FcmError detail, §5.4-5.5).

    with FcmStandin(project_id="motcua-test") as fcm:
        fcm.behave("dead-token", Behaviour.UNREGISTERED)
        ... FirebaseSender(credentials="anonymous", project_id="motcua-test", base_url=fcm.url) ...
        assert fcm.messages[0]["notification"]["title"] == "..."

Checks, in order: the path (404 otherwise), the project id (403 PERMISSION_DENIED), a JSON object body
with a "message" object (400), the message shape (400 INVALID_ARGUMENT, recorded in `rejections`):
exactly one target among token/fid/topic/condition, data values strings, notification title and body
present, known keys only. Then the behaviour: `fail_all` if set, else the one set for the message's
target, else success (recorded in `messages`). It never answers 401: the SDK's AnonymousCredentials
cannot refresh, and a 401 makes the SDK try.
"""

from __future__ import annotations

import asyncio
import enum
import itertools
import json
import re
import socket
import threading
import time
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from types import TracebackType
from typing import Any

PATH_RE = re.compile(r"^/v1/projects/(?P<project>[^/]+)/messages:send$")
FCM_ERROR_TYPE = "type.googleapis.com/google.firebase.fcm.v1.FcmError"
BAD_REQUEST_TYPE = "type.googleapis.com/google.rpc.BadRequest"
TARGETS = ("token", "fid", "topic", "condition")
MESSAGE_KEYS = frozenset({*TARGETS, "name", "data", "notification", "android", "webpush", "apns", "fcm_options"})
TTL_RE = re.compile(r"^\d+(\.\d{1,9})?s$")
# What FCM says about a malformed or foreign registration token (INVALID_ARGUMENT, not UNREGISTERED).
INVALID_TOKEN_MESSAGE = "The registration token is not a valid FCM registration token"


class Behaviour(enum.StrEnum):
    """How the stand-in answers a message (per target via `behave`, or for all via `fail_all`)."""

    UNREGISTERED = "unregistered"  # 404 NOT_FOUND, FcmError UNREGISTERED
    SENDER_ID_MISMATCH = "sender_id_mismatch"  # 403 PERMISSION_DENIED, FcmError SENDER_ID_MISMATCH
    INVALID_ARGUMENT = "invalid_argument"  # 400 INVALID_ARGUMENT, a payload problem
    INVALID_TOKEN = "invalid_token"  # 400 INVALID_ARGUMENT whose message says the token is not valid
    QUOTA_EXCEEDED = "quota_exceeded"  # 429 RESOURCE_EXHAUSTED + Retry-After
    UNAVAILABLE = "unavailable"  # 503 UNAVAILABLE (+ Retry-After); the SDK retries it 4 times
    INTERNAL = "internal"  # 500 INTERNAL; the SDK retries it 4 times
    HANG = "hang"  # no answer for `hang_seconds`, then the connection is closed


# Behaviour → (HTTP status, google.rpc status, message, FcmError errorCode)
_ERRORS: dict[Behaviour, tuple[int, str, str, str]] = {
    Behaviour.UNREGISTERED: (404, "NOT_FOUND", "Requested entity was not found.", "UNREGISTERED"),
    Behaviour.SENDER_ID_MISMATCH: (403, "PERMISSION_DENIED", "SenderId mismatch", "SENDER_ID_MISMATCH"),
    Behaviour.INVALID_ARGUMENT: (400, "INVALID_ARGUMENT", "Request contains an invalid argument.", "INVALID_ARGUMENT"),
    Behaviour.INVALID_TOKEN: (400, "INVALID_ARGUMENT", INVALID_TOKEN_MESSAGE, "INVALID_ARGUMENT"),
    Behaviour.QUOTA_EXCEEDED: (429, "RESOURCE_EXHAUSTED", "Quota exceeded for quota metric.", "QUOTA_EXCEEDED"),
    Behaviour.UNAVAILABLE: (503, "UNAVAILABLE", "The service is currently unavailable.", "UNAVAILABLE"),
    Behaviour.INTERNAL: (500, "INTERNAL", "Internal error encountered.", "INTERNAL"),
}


@dataclass(frozen=True, slots=True)
class Request:
    """One request as the stand-in saw it, whatever it answered (status None: hung up without answering)."""

    path: str
    headers: Mapping[str, str]  # lower-cased names
    body: Any  # the parsed JSON, or None when it was not JSON
    status: int | None
    target: str | None  # the message's token/fid/topic/condition value


def error_body(status: int, rpc_status: str, message: str, error_code: str | None = None) -> dict[str, Any]:
    """Google's error JSON, with the FcmError detail the SDK reads first (§5.4-5.5)."""
    details: list[dict[str, Any]] = []
    if error_code is not None:
        details.append({"@type": FCM_ERROR_TYPE, "errorCode": error_code})
    error: dict[str, Any] = {"code": status, "message": message, "status": rpc_status}
    if details:
        error["details"] = details
    return {"error": error}


def message_problems(message: Any) -> list[str]:
    """What is wrong with an HTTP v1 `message` object (empty when it looks like what FCM accepts)."""
    if not isinstance(message, dict):
        return ["message is not an object"]
    problems = [f"unknown field message.{key}" for key in message if key not in MESSAGE_KEYS]
    targets = [key for key in TARGETS if key in message]
    if len(targets) != 1:
        problems.append(f"exactly one of {'/'.join(TARGETS)} is required, got {targets}")
    for key in targets:
        if not isinstance(message[key], str) or not message[key]:
            problems.append(f"message.{key} must be a non-empty string")
    data = message.get("data", {})
    if not isinstance(data, dict) or not all(isinstance(k, str) and isinstance(v, str) for k, v in data.items()):
        problems.append("message.data must map strings to strings")
    notification = message.get("notification")
    if not isinstance(notification, dict):
        problems.append("message.notification is required")
    else:
        for key in ("title", "body"):
            if not isinstance(notification.get(key), str) or not notification[key]:
                problems.append(f"message.notification.{key} must be a non-empty string")
    android = message.get("android")
    if android is not None:
        if not isinstance(android, dict):
            problems.append("message.android must be an object")
        else:
            if android.get("priority", "normal") not in {"normal", "high"}:
                problems.append("message.android.priority must be normal or high")
            if "ttl" in android and not (isinstance(android["ttl"], str) and TTL_RE.match(android["ttl"])):
                problems.append("message.android.ttl must look like '86400s'")
    apns = message.get("apns")
    if apns is not None:
        headers = apns.get("headers", {}) if isinstance(apns, dict) else None
        if not isinstance(headers, dict) or not all(isinstance(v, str) for v in headers.values()):
            problems.append("message.apns.headers must map strings to strings")
    return problems


class FcmStandin:
    """FCM HTTP v1 on 127.0.0.1:<ephemeral>, served by an asyncio loop on a background thread (one
    thread for every connection: cheap enough per request not to crowd out the sender under test on a
    shared machine). Use as a context manager."""

    def __init__(
        self,
        project_id: str = "motcua-test",
        *,
        retry_after: str | None = "7",
        hang_seconds: float = 5.0,
        answer_every: float = 0.0,
    ) -> None:
        self.project_id = project_id
        self.retry_after = retry_after  # the Retry-After header on 429 and 503 answers (None: no header)
        self.hang_seconds = hang_seconds
        # a busy FCM: answers go out one every `answer_every` seconds, in arrival order. A message is
        # accepted (recorded in `messages`) when it arrives, as FCM delivers what it accepted even when
        # the sender never hears back.
        self.answer_every = answer_every
        self._next_answer = 0.0
        self._arrivals: list[float] = []
        self.fail_all: Behaviour | None = None  # when set, every well-formed message gets this answer
        self._lock = threading.Lock()
        self._behaviours: dict[str, Behaviour] = {}
        self._messages: list[dict[str, Any]] = []
        self._requests: list[Request] = []
        self._rejections: list[tuple[Any, list[str]]] = []
        self._ids = itertools.count(1)
        self._loop = asyncio.new_event_loop()
        self._sock = socket.create_server(("127.0.0.1", 0), backlog=1024)
        self._server: asyncio.Server | None = None
        self._connections: set[_Connection] = set()
        self._thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        """The base URL to give the sender (no path): http://127.0.0.1:PORT."""
        host, port = self._sock.getsockname()[:2]
        return f"http://{host!s}:{port}"

    def behave(self, target: str, behaviour: Behaviour | None) -> None:
        """Answers messages for `target` (a token or fid) with `behaviour`; None restores success."""
        with self._lock:
            if behaviour is None:
                self._behaviours.pop(target, None)
            else:
                self._behaviours[target] = behaviour

    @property
    def messages(self) -> list[dict[str, Any]]:
        """Every accepted message (the `message` object of the request), in arrival order."""
        with self._lock:
            return list(self._messages)

    @property
    def arrivals(self) -> list[tuple[float, dict[str, Any]]]:
        """Every accepted message with when it arrived (time.monotonic())."""
        with self._lock:
            return list(zip(self._arrivals, self._messages, strict=True))

    @property
    def requests(self) -> list[Request]:
        with self._lock:
            return list(self._requests)

    @property
    def rejections(self) -> list[tuple[Any, list[str]]]:
        """Bodies the stand-in refused as malformed, with what was wrong."""
        with self._lock:
            return list(self._rejections)

    def start(self) -> FcmStandin:
        started = threading.Event()

        def serve() -> None:
            asyncio.set_event_loop(self._loop)

            async def listen() -> None:
                self._server = await self._loop.create_server(lambda: _Connection(self), sock=self._sock)
                started.set()

            self._loop.run_until_complete(listen())
            self._loop.run_forever()

        self._thread = threading.Thread(target=serve, name="fcm-standin", daemon=True)
        self._thread.start()
        started.wait(5)
        return self

    def stop(self) -> None:
        if self._thread is not None:

            async def shut() -> None:
                if self._server is not None:
                    self._server.close()
                for conn in list(self._connections):  # hung answers give up at once
                    conn.close()

            asyncio.run_coroutine_threadsafe(shut(), self._loop).result(5)
            self._loop.call_soon_threadsafe(self._loop.stop)
            self._thread.join(timeout=5)
            self._thread = None
        self._loop.close()
        self._sock.close()

    def __enter__(self) -> FcmStandin:
        return self.start()

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, traceback: TracebackType | None
    ) -> None:
        self.stop()

    # --- called on the stand-in's loop --------------------------------------------------------------

    def _record(self, request: Request, accepted: dict[str, Any] | None = None) -> None:
        with self._lock:
            self._requests.append(request)
            if accepted is not None:
                self._messages.append(accepted)
                self._arrivals.append(time.monotonic())

    def _reject(self, body: Any, problems: list[str]) -> None:
        with self._lock:
            self._rejections.append((body, problems))

    def _behaviour_for(self, target: str | None) -> Behaviour | None:
        with self._lock:
            if self.fail_all is not None:
                return self.fail_all
            return self._behaviours.get(target or "")

    def _next_name(self) -> str:
        with self._lock:
            n = next(self._ids)
        return f"projects/{self.project_id}/messages/0:{n}%{uuid.uuid4().hex[:16]}"

    def _answer(
        self, path: str, headers: dict[str, str], raw: bytes
    ) -> tuple[int, dict[str, Any], dict[str, str]] | None:
        """Status, JSON body and extra headers for one request; None: hang (answer nothing)."""
        try:
            body: Any = json.loads(raw)
        except ValueError:
            body = None

        def answer(
            status: int, payload: dict[str, Any], target: str | None = None, extra: dict[str, str] | None = None
        ) -> tuple[int, dict[str, Any], dict[str, str]]:
            self._record(Request(path, headers, body, status, target))
            return status, payload, extra or {}

        match = PATH_RE.match(path.split("?", 1)[0])
        if match is None:
            return answer(404, error_body(404, "NOT_FOUND", f"no such method: {path}"))
        if match["project"] != self.project_id:
            return answer(403, error_body(403, "PERMISSION_DENIED", f"unknown project {match['project']}"))
        message = body.get("message") if isinstance(body, dict) else None
        problems = ["the body must be a JSON object with a message"] if message is None else message_problems(message)
        if not (headers.get("content-type") or "").startswith("application/json"):
            problems.append("Content-Type must be application/json")
        if problems:
            self._reject(body, problems)
            status, rpc_status, _, code = _ERRORS[Behaviour.INVALID_ARGUMENT]
            return answer(status, error_body(status, rpc_status, "; ".join(problems), code))

        assert isinstance(message, dict)  # message_problems() said so
        target = next(message[key] for key in TARGETS if key in message)
        behaviour = self._behaviour_for(target)
        if behaviour is None:
            self._record(Request(path, headers, body, 200, target), accepted=message)
            return 200, {"name": self._next_name()}, {}
        if behaviour is Behaviour.HANG:
            self._record(Request(path, headers, body, None, target))
            return None
        status, rpc_status, text, code = _ERRORS[behaviour]
        extra: dict[str, str] = {}
        if status in {429, 503} and self.retry_after is not None:
            extra["Retry-After"] = self.retry_after
        return answer(status, error_body(status, rpc_status, text, code), target, extra)


_REASONS = {200: "OK", 400: "Bad Request", 403: "Forbidden", 404: "Not Found", 429: "Too Many Requests"}
_REASONS |= {500: "Internal Server Error", 503: "Service Unavailable", 411: "Length Required"}
_IDLE_SECONDS = 30.0  # an idle keep-alive connection is closed after this
_HEAD_MAX = 64 * 1024


class _Connection(asyncio.Protocol):
    """One client connection: HTTP/1.1 requests with a Content-Length body, answered in order."""

    def __init__(self, standin: FcmStandin) -> None:
        self._standin = standin
        self._buffer = bytearray()
        self._transport: asyncio.Transport | None = None
        self._hung = False
        self._idle: asyncio.TimerHandle | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        assert isinstance(transport, asyncio.Transport)
        self._transport = transport
        self._standin._connections.add(self)
        self._touch()

    def connection_lost(self, exc: Exception | None) -> None:
        self._standin._connections.discard(self)
        if self._idle is not None:
            self._idle.cancel()

    def close(self) -> None:
        if self._transport is not None:
            self._transport.close()

    def data_received(self, data: bytes) -> None:
        if self._hung:
            return  # the hung request is never answered; nothing after it on this connection either
        self._buffer += data
        self._touch()
        while not self._hung:
            end = self._buffer.find(b"\r\n\r\n")
            if end < 0:
                if len(self._buffer) > _HEAD_MAX:
                    self.close()
                return
            request_line, *lines = bytes(self._buffer[:end]).decode("latin-1").split("\r\n")
            headers: dict[str, str] = {}
            for line in lines:
                name, _, value = line.partition(":")
                headers[name.strip().lower()] = value.strip()
            length = int(headers.get("content-length") or 0)
            if len(self._buffer) < end + 4 + length:
                return  # the rest of the body is still on its way
            raw = bytes(self._buffer[end + 4 : end + 4 + length])
            del self._buffer[: end + 4 + length]
            method, _, rest = request_line.partition(" ")
            path = rest.rsplit(" ", 1)[0]
            if method != "POST":
                self._send(404, error_body(404, "NOT_FOUND", f"no such method: {method} {path}"), {})
                continue
            answer = self._standin._answer(path, headers, raw)
            if answer is None:
                self._hung = True
                loop = asyncio.get_running_loop()
                loop.call_later(self._standin.hang_seconds, self.close)
                return
            if self._standin.answer_every:
                self._send_in_turn(*answer)
                continue
            self._send(*answer)
            if headers.get("connection", "").lower() == "close":
                self.close()
                return

    def _send_in_turn(self, status: int, payload: dict[str, Any], extra: Mapping[str, str]) -> None:
        loop = asyncio.get_running_loop()
        standin = self._standin
        at = max(loop.time(), standin._next_answer)
        standin._next_answer = at + standin.answer_every
        loop.call_at(at, self._send_if_open, status, payload, extra)

    def _send_if_open(self, status: int, payload: dict[str, Any], extra: Mapping[str, str]) -> None:
        if self._transport is not None and not self._transport.is_closing():
            self._send(status, payload, extra)

    def _send(self, status: int, payload: dict[str, Any], extra: Mapping[str, str]) -> None:
        data = json.dumps(payload).encode()
        head = [f"HTTP/1.1 {status} {_REASONS.get(status, 'Error')}", "Content-Type: application/json; charset=UTF-8"]
        head.append(f"Content-Length: {len(data)}")
        head.extend(f"{name}: {value}" for name, value in extra.items())
        assert self._transport is not None
        # one write per answer: headers and body written apart would meet the client's delayed ACK
        self._transport.write(("\r\n".join(head) + "\r\n\r\n").encode("latin-1") + data)

    def _touch(self) -> None:
        if self._idle is not None:
            self._idle.cancel()
        self._idle = asyncio.get_running_loop().call_later(_IDLE_SECONDS, self.close)
