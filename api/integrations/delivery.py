"""The worker's side of outbound events: POSTing the placed events (api/integrations/placing.py) to
subscribers, signed, in order per dossier and subscriber, retried for 24 hours.

A delivery is due when its time has come and no earlier delivery of its dossier to the same
subscriber is still owed (pending or given up on), so a later step waits for an earlier one. It is
leased by pushing its time forward, then POSTed with no transaction open; a 2xx answer within 10 s
delivers it, anything else schedules another try, until 24 hours after the first, then it is failed
and listed for an admin to retry."""

from __future__ import annotations

import asyncio
import contextlib
import importlib
import ipaddress
import logging
import random
import socket
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Final
from urllib.parse import urlsplit

import asyncpg

from api.integrations import queries
from api.integrations.models import CONTENT_TYPE, address_refused
from api.integrations.placing import Placer
from api.integrations.signing import signed_headers
from core.clock import Clock
from core.db import acquire
from core.events import ConsumerResult, Event

if TYPE_CHECKING:
    import httpx

log = logging.getLogger("motcua.webhooks")

TIMEOUT_SECONDS: Final = 10.0
GIVE_UP_AFTER: Final = timedelta(hours=24)
# seconds before the next try after the 1st, 2nd, ... failed one; then every 3 hours until the 24 hours end
RETRY_DELAYS: Final = (5, 30, 120, 600, 1800, 3600, 7200)
LATER_DELAY: Final = 3 * 3600
USER_AGENT: Final = "MotCua-Webhooks/1.0"
ROUNDS: Final = 20  # batches one call of deliver_due sends at most


def retry_delay(attempts: int, rand: float) -> float:
    """Seconds after the `attempts`-th failed try, give or take a fifth (so subscribers that came back
    are not all called at the same second)."""
    base = RETRY_DELAYS[attempts - 1] if 0 < attempts <= len(RETRY_DELAYS) else LATER_DELAY
    return float(base * (0.8 + 0.4 * rand))


@dataclass(frozen=True)
class Attempt:
    status: int | None  # the subscriber's HTTP status; None without an answer
    error: str | None

    @property
    def delivered(self) -> bool:
        return self.status is not None and 200 <= self.status < 300


class WebhookDeliverer:
    def __init__(
        self,
        pool: asyncpg.Pool,
        clock: Clock,
        placer: Placer,
        http: httpx.AsyncClient | None = None,
        *,
        production: bool,
        timeout: float = TIMEOUT_SECONDS,
        batch_size: int = 50,
        concurrency: int = 10,
        poll_seconds: float = 5.0,
        rand: Callable[[], float] = random.random,
    ) -> None:
        self._pool = pool
        self._clock = clock
        self._placer = placer
        self._owns_http = http is None
        self._http = http  # made by the first delivery: a province without subscribers never needs httpx
        self._production = production
        self._timeout = timeout
        self._batch_size = batch_size
        self._concurrency = asyncio.Semaphore(concurrency)
        self._poll_seconds = poll_seconds
        self._rand = rand
        self._wake = asyncio.Event()

    async def place(self) -> int:
        return await self._placer.place()

    # ---- sending --------------------------------------------------------------------------------

    async def deliver_due(self, rounds: int = ROUNDS) -> int:
        """Sends what is due, batch after batch (a delivered step lets the next of its dossier go);
        how many tries it made. Stops after `rounds` batches so a long backlog does not hold a stop."""
        tries = 0
        for _ in range(rounds):
            now = self._clock.now()
            async with acquire(self._pool) as conn:
                claimed = await conn.fetch(
                    queries.CLAIM, now, now + timedelta(seconds=self._timeout * 3), self._batch_size
                )
            if not claimed:
                break
            attempts = await asyncio.gather(*(self._send(row) for row in claimed))
            await self._record(claimed, attempts)
            tries += len(claimed)
        return tries

    async def run_once(self) -> int:
        await self.place()
        return await self.deliver_due()

    def wake(self) -> None:
        self._wake.set()

    async def run(self, stop: asyncio.Event) -> None:
        """Until `stop`: place and send, then wait for a wake-up (an event came through the outbox)
        or the poll interval (retries falling due)."""
        while not stop.is_set():
            self._wake.clear()
            more = False
            try:
                await self.place()
                more = await self.deliver_due() >= ROUNDS * self._batch_size
            except Exception:  # a database or a bug: logged, and the next poll tries again
                log.exception("webhook deliveries not sent; trying again in %ss", self._poll_seconds)
            if more or self._wake.is_set():
                continue
            waking = asyncio.ensure_future(self._wake.wait())
            stopping = asyncio.ensure_future(stop.wait())
            await asyncio.wait({waking, stopping}, timeout=self._poll_seconds, return_when=asyncio.FIRST_COMPLETED)
            waking.cancel()
            stopping.cancel()

    async def aclose(self) -> None:
        if self._owns_http and self._http is not None:
            await self._http.aclose()

    async def _client(self) -> httpx.AsyncClient:
        if self._http is None:
            # off the event loop: the requests the process answers meanwhile are not held by an import
            await asyncio.to_thread(importlib.import_module, "httpx")
            import httpx

            if self._http is None:  # another delivery may have made it while this one waited
                # redirects are not followed: a subscriber's address is checked, where it redirects to is not
                self._http = httpx.AsyncClient(follow_redirects=False, timeout=httpx.Timeout(self._timeout))
        return self._http

    async def _send(self, row: asyncpg.Record) -> Attempt:
        async with self._concurrency:
            url: str = row["url"]
            if self._production and await self._refused(url):
                return Attempt(None, "address refused: not a public or private network address")
            body: bytes = row["body"].encode()
            timestamp = int(self._clock.now().timestamp())
            headers = {
                "content-type": CONTENT_TYPE,
                "user-agent": USER_AGENT,
                **signed_headers(bytes(row["secret"]), str(row["event_id"]), timestamp, body),
            }
            http = await self._client()
            import httpx

            try:
                async with (
                    asyncio.timeout(self._timeout),  # httpx's timeout is per read; this bounds the call
                    # only the status counts: the answer's body is never read (nor kept, nor shown)
                    http.stream("POST", url, content=body, headers=headers) as response,
                ):
                    status = response.status_code
            except TimeoutError:
                return Attempt(None, f"no answer within {self._timeout:g} s")
            except httpx.HTTPError as exc:
                return Attempt(None, type(exc).__name__)
            return Attempt(status, None if 200 <= status < 300 else f"HTTP {status}")

    async def _refused(self, url: str) -> bool:
        """Whether the subscriber's name now leads to this machine, a link-local or another refused
        address (it was a public name when subscribed)."""
        parts = urlsplit(url)
        host = parts.hostname or ""
        try:
            found = await asyncio.get_running_loop().getaddrinfo(host, parts.port or 443, type=socket.SOCK_STREAM)
        except OSError:
            return False  # unresolvable: the POST fails on its own and is retried
        for *_, sockaddr in found:
            with contextlib.suppress(ValueError):
                if address_refused(ipaddress.ip_address(str(sockaddr[0]).split("%")[0])):
                    return True
        return False

    async def _record(self, claimed: Sequence[asyncpg.Record], attempts: Sequence[Attempt]) -> None:
        now = self._clock.now()
        statuses: list[str] = []
        next_at: list[datetime | None] = []
        for row, attempt in zip(claimed, attempts, strict=True):
            if attempt.delivered:
                statuses.append("delivered")
                next_at.append(None)
                continue
            deadline: datetime = row["first_attempt_at"] + GIVE_UP_AFTER
            if now >= deadline:
                statuses.append("failed")
                next_at.append(None)
                log.warning("webhook %s given up on after %d tries: %s", row["id"], row["attempts"], attempt.error)
            else:
                statuses.append("pending")
                next_at.append(min(now + timedelta(seconds=retry_delay(row["attempts"], self._rand())), deadline))
        async with acquire(self._pool) as conn:
            await conn.execute(
                queries.RECORD,
                [row["id"] for row in claimed],
                statuses,
                next_at,
                [attempt.status for attempt in attempts],
                [attempt.error for attempt in attempts],
                now,
            )


class IntegrationConsumer:
    """The outbox consumer of the topics that leave: places what committed (their deliveries are
    queued in the same transaction) and wakes the sender. A core.events.BatchConsumer."""

    def __init__(self, deliverer: WebhookDeliverer) -> None:
        self._deliverer = deliverer

    async def __call__(self, event: Event) -> None:
        await self.batch([event])

    async def batch(self, events: Sequence[Event]) -> list[ConsumerResult]:
        await self._deliverer.place()
        self._deliverer.wake()
        return [None] * len(events)
