"""A stand-in for a province's system subscribed to our events, for tests: real HTTP on 127.0.0.1.

    with Subscriber(clock=clock.now) as system:
        ... subscribe system.url, then system.secret = the "whsec_…" the subscription answered ...
        assert [e.get_type() for e in system.events] == ["vn.motcua.dossier.submitted", ...]

Every POST is checked as a subscriber following the specifications would check it: the signature with
the reference implementation of Standard Webhooks (the `standardwebhooks` package) over the raw body,
the timestamp within five minutes of `clock` (the tests' clock, not the machine's), and the body read
as a structured CloudEvent by the CloudEvents SDK. A request that fails a check is answered 401 (bad
signature or timestamp) or 400 (not a CloudEvent) and listed in `rejected`; an accepted one is
answered 204 and its event appended to `events`.

To make it refuse, `refuse(n, status)` answers the next n well-signed deliveries with `status`
(recorded in `refused`, not in `events`); `hang = True` reads a request and answers nothing until the
stand-in stops or `hang_seconds` pass."""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import cast

from cloudevents.core.base import BaseCloudEvent
from cloudevents.core.bindings.http import HTTPMessage, from_http_event
from standardwebhooks.webhooks import Webhook

from tests.integration.standins.threaded import QuietHandler, QuietServer, ThreadServed

TOLERANCE = timedelta(minutes=5)


@dataclass(frozen=True, slots=True)
class Request:
    path: str
    headers: dict[str, str]
    body: bytes
    answer: int
    problem: str | None


class Subscriber(ThreadServed):
    name = "subscriber"

    def __init__(self, *, clock: Callable[[], datetime] | None = None, hang_seconds: float = 15.0) -> None:
        super().__init__(_Handler)
        self.clock = clock or (lambda: datetime.now(UTC))
        self.secret: str | None = None  # the subscription's "whsec_…", once it is known
        self.hang = False
        self.hang_seconds = hang_seconds
        self._refusals: list[int] = []
        self._lock = threading.Lock()
        self._requests: list[Request] = []
        self._events: list[BaseCloudEvent] = []

    @property
    def url(self) -> str:
        return self.base_url + "/hooks/motcua"

    def heal(self) -> None:
        """Back to accepting every well-signed event."""
        with self._lock:
            self._refusals.clear()
        self.hang = False

    def refuse(self, times: int, status: int = 503) -> None:
        with self._lock:
            self._refusals.extend([status] * times)

    @property
    def requests(self) -> list[Request]:
        with self._lock:
            return list(self._requests)

    @property
    def events(self) -> list[BaseCloudEvent]:
        """The events accepted, in the order they arrived."""
        with self._lock:
            return list(self._events)

    @property
    def refused(self) -> list[Request]:
        return [r for r in self.requests if r.problem is None and r.answer >= 300]

    @property
    def rejected(self) -> list[Request]:
        return [r for r in self.requests if r.problem is not None]

    def _check(self, headers: dict[str, str], body: bytes) -> tuple[int, str | None, BaseCloudEvent | None]:
        if self.secret is None:
            return 401, "no secret known yet", None
        webhook_id = headers.get("webhook-id", "")
        raw_timestamp = headers.get("webhook-timestamp", "")
        if not webhook_id or not raw_timestamp.isdigit():
            return 401, "missing webhook-id or webhook-timestamp", None
        sent_at = datetime.fromtimestamp(int(raw_timestamp), UTC)
        if abs(self.clock() - sent_at) > TOLERANCE:
            return 401, "timestamp outside five minutes", None
        expected = Webhook(self.secret).sign(webhook_id, sent_at, body)
        if expected not in headers.get("webhook-signature", "").split(" "):
            return 401, "no matching signature", None
        if not headers.get("content-type", "").startswith("application/cloudevents+json"):
            return 400, "not a structured CloudEvent (content-type)", None
        try:
            event = from_http_event(HTTPMessage(headers=headers, body=body))
        except Exception as exc:
            return 400, f"not a CloudEvent: {exc}", None
        if event.get_id() != webhook_id:
            return 400, "webhook-id is not the event's id", None
        return 204, None, event

    def _serve(self, path: str, headers: dict[str, str], body: bytes) -> int:
        if self.hang:
            self._release.wait(self.hang_seconds)
            return 0
        answer, problem, event = self._check(headers, body)
        with self._lock:
            if problem is None and self._refusals:
                answer = self._refusals.pop(0)
            elif event is not None:
                self._events.append(event)
            self._requests.append(Request(path, headers, body, answer, problem))
        return answer


class _Handler(QuietHandler):
    def do_POST(self) -> None:
        body = self.read_body()
        headers = {k.lower(): v for k, v in self.headers.items()}
        status = cast(Subscriber, cast(QuietServer, self.server).standin)._serve(self.path, headers, body)
        if status == 0:
            self.close_connection = True
            return
        self.send_response(status)
        self.send_header("Content-Length", "0")
        self.end_headers()
