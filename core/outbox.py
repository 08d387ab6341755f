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
from collections.abc import Awaitable, Callable, Mapping, Sequence
from datetime import datetime, timedelta
from typing import Any, Protocol, runtime_checkable

import asyncpg
import msgspec

from core.clock import Clock
from core.db import acquire
from core.events import OUTBOX_CHANNEL, Event, event_from_row

log = logging.getLogger("motcua.outbox")

Consumer = Callable[[Event], Awaitable[None]]
Outcome = BaseException | None  # None: done; RetryLater, PermanentFailure or any other error otherwise


@runtime_checkable
class BatchConsumer(Protocol):
    """A consumer that can also settle many events at once (one query for a whole claimed batch instead
    of one per event). It stays a plain Consumer for callers that hand it one event."""

    async def __call__(self, event: Event) -> None: ...

    async def batch(self, events: Sequence[Event]) -> list[Outcome]:
        """One outcome per event, in order; raising fails (retries) every event of the call."""
        ...


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
MARK_DONE = "UPDATE outbox SET status = 'done', done_at = $2, last_error = NULL WHERE id = ANY($1::uuid[])"
MARK_RETRY = "UPDATE outbox SET available_at = $2, last_error = $3 WHERE id = $1 AND status = 'pending'"
MARK_DEAD = "UPDATE outbox SET status = 'dead', done_at = $2, last_error = $3 WHERE id = $1"


class Dispatcher:
    """Claims batches of `batch_size` rows and settles up to `in_flight` batches at once, so the next
    batch is claimed and its queries run while the previous one waits on the network. After a NOTIFY
    it waits `gather_seconds` before claiming: at a steady stream of commits that turns one claim
    (and one FCM call, one insert...) per event into one per handful, for a few ms of latency."""

    def __init__(
        self,
        pool: asyncpg.Pool,
        consumers: Mapping[str, Consumer],
        *,
        clock: Clock,
        batch_size: int = 250,
        in_flight: int = 2,
        gather_seconds: float = 0.02,
        lease_seconds: float = 120.0,
        poll_seconds: float = 5.0,
        max_attempts: int = 12,
    ) -> None:
        self.pool = pool
        self.consumers = dict(consumers)
        self.clock = clock
        self.batch_size = batch_size
        self.in_flight = max(1, in_flight)
        self.gather_seconds = gather_seconds
        self.lease = timedelta(seconds=lease_seconds)
        self.poll_seconds = poll_seconds
        self.max_attempts = max_attempts

    async def run_once(self) -> int:
        """Claim one batch and settle every row in it; returns how many rows it claimed."""
        rows = await self._claim()
        if rows:
            await self._settle(rows)
        return len(rows)

    async def _claim(self) -> list[Any]:
        if not self.consumers:
            return []
        now = self.clock.now()
        async with self.pool.acquire() as conn:
            rows: list[Any] = await conn.fetch(CLAIM, now, now + self.lease, list(self.consumers), self.batch_size)
        return rows

    async def _settle(self, rows: Sequence[Any]) -> None:
        """Hands the rows to their consumers (a batch consumer gets all of its rows in one call), then
        records every outcome: the done rows in one statement."""
        groups: dict[int, tuple[Consumer, list[int]]] = {}
        for index, row in enumerate(rows):
            consumer = self.consumers[row["topic"]]
            groups.setdefault(id(consumer), (consumer, []))[1].append(index)
        outcomes: list[Outcome] = [None] * len(rows)

        async def run(consumer: Consumer, indexes: list[int]) -> None:
            for index, outcome in zip(indexes, await _consume(consumer, [rows[i] for i in indexes]), strict=True):
                outcomes[index] = outcome

        await asyncio.gather(*(run(consumer, indexes) for consumer, indexes in groups.values()))
        now = self.clock.now()
        done = [row["id"] for row, outcome in zip(rows, outcomes, strict=True) if outcome is None]
        async with acquire(self.pool) as conn:
            if done:
                await conn.execute(MARK_DONE, done, now)
            for row, outcome in zip(rows, outcomes, strict=True):
                if outcome is not None:
                    await self._mark_failed(conn, row, outcome, now)

    async def _mark_failed(self, conn: asyncpg.Connection, row: Any, outcome: BaseException, now: datetime) -> None:
        event_id, topic, attempts = row["id"], row["topic"], row["attempts"]
        retry: RetryLater | None = None
        dead_reason: str | None = None
        if isinstance(outcome, PermanentFailure):
            dead_reason = str(outcome) or type(outcome).__name__
        elif isinstance(outcome, RetryLater):
            retry = outcome
        else:  # a consumer bug must not stop the others: retry, then dead
            log.error("consumer of %s failed on %s", topic, event_id, exc_info=outcome)
            retry = RetryLater(f"{type(outcome).__name__}: {outcome}")
        if retry is not None and attempts >= self.max_attempts:
            dead_reason = f"retry budget spent: {retry}"
        if dead_reason is not None:
            log.warning("outbox %s %s dead: %s", topic, event_id, dead_reason)
            await conn.execute(MARK_DEAD, event_id, now, dead_reason)
        elif retry is not None:
            delay = retry.after if retry.after is not None else backoff(attempts)
            await conn.execute(MARK_RETRY, event_id, now + timedelta(seconds=delay), str(retry))

    async def run(self, stop: asyncio.Event) -> None:
        """Until `stop` is set: claim while there may be rows due (at start, after a NOTIFY, after a
        full batch, at each poll) and fewer than `in_flight` batches are being settled; else sleep
        until one of those. The batches in hand are always finished."""
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
        settling: set[asyncio.Task[None]] = set()
        stopping = asyncio.ensure_future(stop.wait())
        due, woken = True, False
        try:
            while not stop.is_set():
                if due and len(settling) < self.in_flight:
                    if woken:  # commits come in bursts: a moment more puts the burst in one batch
                        await asyncio.sleep(self.gather_seconds)
                    wake.clear()
                    try:
                        rows = await self._claim()
                    except (OSError, asyncpg.PostgresError) as exc:
                        log.warning("outbox claim failed (%s); retrying", exc)
                        rows = []
                    if rows:
                        settling.add(asyncio.create_task(self._settle_logged(rows)))
                    due, woken = len(rows) == self.batch_size, False
                    continue
                waking = asyncio.ensure_future(wake.wait())
                finished, _ = await asyncio.wait(
                    {waking, stopping, *settling}, timeout=self.poll_seconds, return_when=asyncio.FIRST_COMPLETED
                )
                waking.cancel()
                if wake.is_set():
                    wake.clear()
                    due = woken = True
                elif not finished:  # the poll interval passed
                    due = True
                settling = {task for task in settling if not task.done()}
        finally:
            stopping.cancel()
            await asyncio.gather(*settling, return_exceptions=True)
            with contextlib.suppress(Exception):
                await listener.remove_listener(OUTBOX_CHANNEL, on_notify)
            await self.pool.release(listener)

    async def _settle_logged(self, rows: Sequence[Any]) -> None:
        try:
            await self._settle(rows)
        except (OSError, asyncpg.PostgresError) as exc:  # the leases run out and the rows come back
            log.warning("outbox batch of %d not recorded (%s); it will be claimed again", len(rows), exc)


async def _consume(consumer: Consumer, rows: Sequence[Any]) -> list[Outcome]:
    """The outcome of each row, never raising (an unreadable payload is retried like a failure: a
    newer version of the code may read it)."""
    events: list[Event] = []
    readable: list[int] = []
    outcomes: list[Outcome] = []
    for index, row in enumerate(rows):
        try:
            events.append(event_from_row(row["payload"]))
        except msgspec.ValidationError as exc:
            outcomes.append(exc)
        else:
            readable.append(index)
            outcomes.append(None)
    for index, outcome in zip(readable, await _outcomes(consumer, events), strict=True):
        outcomes[index] = outcome
    return outcomes


async def _outcomes(consumer: Consumer, events: Sequence[Event]) -> list[Outcome]:
    if not events:
        return []
    if isinstance(consumer, BatchConsumer):
        try:
            results: list[Any] = list(await consumer.batch(events))
        except Exception as exc:
            results = [exc] * len(events)
    else:
        results = list(await asyncio.gather(*(consumer(e) for e in events), return_exceptions=True))
    for result in results:
        if isinstance(result, BaseException) and not isinstance(result, Exception):
            raise result  # cancellation and interpreter exits are not outcomes
    return [result if isinstance(result, BaseException) else None for result in results]


class _AllOf:
    """Consumers of one topic run in order; an event one of them fails is not given to the next."""

    def __init__(self, consumers: Sequence[Consumer]) -> None:
        self._consumers = consumers

    async def __call__(self, event: Event) -> None:
        for consumer in self._consumers:
            await consumer(event)

    async def batch(self, events: Sequence[Event]) -> list[Outcome]:
        outcomes: list[Outcome] = [None] * len(events)
        for consumer in self._consumers:
            still = [i for i, outcome in enumerate(outcomes) if outcome is None]
            for index, outcome in zip(still, await _outcomes(consumer, [events[i] for i in still]), strict=True):
                outcomes[index] = outcome
        return outcomes


def all_of(*consumers: Consumer) -> Consumer:
    """Several consumers of one topic. A retry re-runs them all, which is safe because every
    consumer is idempotent by event id. A batch consumer among them still gets whole batches."""
    if len(consumers) == 1:
        return consumers[0]
    return _AllOf(consumers)
