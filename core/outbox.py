"""The outbox dispatcher: turns committed events into side effects, at least once.

Rows are claimed in a short transaction (FOR UPDATE SKIP LOCKED) by pushing their
`available_at` forward by a lease, so no transaction stays open while a consumer waits on the
network, and a worker that dies simply lets its lease run out. Consumers are idempotent by event
id. A consumer raising RetryLater is retried with exponential backoff and jitter up to a budget,
then the row is `dead` with the reason; PermanentFailure makes it dead at once."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import random
from collections.abc import Awaitable, Callable, Mapping
from datetime import timedelta
from typing import Any

import asyncpg

from core.clock import Clock
from core.events import OUTBOX_CHANNEL, Event, event_from_row

log = logging.getLogger("motcua.outbox")

Consumer = Callable[[Event], Awaitable[None]]


class RetryLater(Exception):
    def __init__(self, reason: str, *, after: float | None = None) -> None:
        super().__init__(reason)
        self.after = after


class PermanentFailure(Exception):
    pass


def backoff(attempt: int, *, base: float = 2.0, cap: float = 900.0, rand: Callable[[], float] = random.random) -> float:
    """Seconds before try `attempt + 1`: exponential with full jitter, at least one second."""
    ceiling: float = min(cap, base * 2.0 ** max(attempt - 1, 0))
    return float(max(1.0, ceiling * rand()))


CLAIM = """
UPDATE outbox SET available_at = $2, attempts = attempts + 1
WHERE id IN (
    SELECT id FROM outbox
    WHERE status = 'pending' AND available_at <= $1 AND topic = ANY($3::text[])
    ORDER BY available_at, created_at
    LIMIT $4
    FOR UPDATE SKIP LOCKED
)
RETURNING id, topic, payload, attempts
"""
MARK_DONE = "UPDATE outbox SET status = 'done', done_at = $2, last_error = NULL WHERE id = $1"
MARK_RETRY = "UPDATE outbox SET available_at = $2, last_error = $3 WHERE id = $1 AND status = 'pending'"
MARK_DEAD = "UPDATE outbox SET status = 'dead', done_at = $2, last_error = $3 WHERE id = $1"


class Dispatcher:
    def __init__(
        self,
        pool: asyncpg.Pool,
        consumers: Mapping[str, Consumer],
        *,
        clock: Clock,
        batch_size: int = 100,
        lease_seconds: float = 120.0,
        poll_seconds: float = 5.0,
        max_attempts: int = 12,
    ) -> None:
        self.pool = pool
        self.consumers = dict(consumers)
        self.clock = clock
        self.batch_size = batch_size
        self.lease = timedelta(seconds=lease_seconds)
        self.poll_seconds = poll_seconds
        self.max_attempts = max_attempts

    async def run_once(self) -> int:
        """Claim one batch and settle every row in it; returns how many rows it claimed."""
        if not self.consumers:
            return 0
        now = self.clock.now()
        async with self.pool.acquire() as conn:
            rows = await conn.fetch(CLAIM, now, now + self.lease, list(self.consumers), self.batch_size)
        if rows:
            await asyncio.gather(*(self._handle(row) for row in rows))
        return len(rows)

    async def _handle(self, row: Any) -> None:
        event_id, topic, attempts = row["id"], row["topic"], row["attempts"]
        retry: RetryLater | None = None
        dead_reason: str | None = None
        try:
            await self.consumers[topic](event_from_row(row["payload"]))
        except PermanentFailure as exc:
            dead_reason = str(exc) or type(exc).__name__
        except RetryLater as exc:
            retry = exc
        except Exception as exc:  # a consumer bug must not stop the others: retry, then dead
            log.exception("consumer of %s failed on %s", topic, event_id)
            retry = RetryLater(f"{type(exc).__name__}: {exc}")
        if retry is not None and attempts >= self.max_attempts:
            dead_reason = f"retry budget spent: {retry}"
        now = self.clock.now()
        async with self.pool.acquire() as conn:
            if dead_reason is not None:
                log.warning("outbox %s %s dead: %s", topic, event_id, dead_reason)
                await conn.execute(MARK_DEAD, event_id, now, dead_reason)
            elif retry is not None:
                delay = retry.after if retry.after is not None else backoff(attempts)
                await conn.execute(MARK_RETRY, event_id, now + timedelta(seconds=delay), str(retry))
            else:
                await conn.execute(MARK_DONE, event_id, now)

    async def run(self, stop: asyncio.Event) -> None:
        """Until `stop` is set: drain, then sleep until NOTIFY or the poll interval. The batch in
        hand is always finished."""
        if not self.consumers:
            log.warning("outbox dispatcher has no consumers registered; it stays idle")
            await stop.wait()
            return
        wake = asyncio.Event()
        listener = await self.pool.acquire()

        def on_notify(*_: object) -> None:
            wake.set()

        await listener.add_listener(OUTBOX_CHANNEL, on_notify)
        log.info("outbox dispatcher started for topics: %s", ", ".join(sorted(self.consumers)))
        try:
            while not stop.is_set():
                wake.clear()
                try:
                    claimed = await self.run_once()
                except (OSError, asyncpg.PostgresError) as exc:
                    log.warning("outbox claim failed (%s); retrying", exc)
                    claimed = 0
                if claimed:
                    continue
                waiters = [asyncio.ensure_future(wake.wait()), asyncio.ensure_future(stop.wait())]
                await asyncio.wait(waiters, timeout=self.poll_seconds, return_when=asyncio.FIRST_COMPLETED)
                for waiter in waiters:
                    waiter.cancel()
        finally:
            with contextlib.suppress(Exception):
                await listener.remove_listener(OUTBOX_CHANNEL, on_notify)
            await self.pool.release(listener)


def all_of(*consumers: Consumer) -> Consumer:
    """Several consumers of one topic. A retry re-runs them all, which is safe because every
    consumer is idempotent by event id."""

    async def consume(event: Event) -> None:
        for consumer in consumers:
            await consumer(event)

    return consume
