"""The outbox dispatcher: turns committed events into side effects, at least once.

Rows are claimed in a short transaction (FOR UPDATE SKIP LOCKED) by pushing their
`available_at` forward by a lease, so no transaction stays open while a consumer waits on the
network. The lease is short (15 s) and renewed while the batch is in hand: a slow batch (FCM hanging)
is never claimed by a second worker, and the rows of a worker that died come back within a lease.
Consumers are idempotent by event id. A consumer raising RetryLater is retried with exponential
backoff and jitter up to a budget, then the row is `dead` with the reason; PermanentFailure makes it
dead at once.

The loop outlives the database: a failed claim is retried with a growing pause, and the LISTEN
connection is opened again once the database is back."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Mapping, Sequence
from datetime import datetime, timedelta
from typing import Any

import asyncpg
import msgspec

from core.clock import Clock
from core.db import acquire, unavailable
from core.events.consumers import Consumer, ConsumerResult, PermanentFailure, RetryLater, backoff, results_of
from core.events.kinds import Event
from core.events.outbox import CLAIM, MARK_DEAD, MARK_DONE, MARK_RETRY, OUTBOX_CHANNEL, RENEW, event_from_row

log = logging.getLogger("motcua.outbox")

LISTEN_TIMEOUT = 2.0  # seconds to get the LISTEN connection; without it the dispatcher polls


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
        lease_seconds: float = 15.0,
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
        async with acquire(self.pool) as conn:
            rows: list[Any] = await conn.fetch(CLAIM, now, now + self.lease, list(self.consumers), self.batch_size)
        return rows

    async def _settle(self, rows: Sequence[Any]) -> None:
        """Hands the rows to their consumers, renewing their lease meanwhile, then records every result:
        the done rows in one statement."""
        done_consuming = asyncio.Event()
        renewing = asyncio.create_task(self._renew(rows, done_consuming))
        try:
            results = await self._results_of_rows(rows)
        finally:
            done_consuming.set()
            await renewing  # never mid-statement: a renewal after the results would undo a retry's delay
        await self._record(rows, results)

    async def _renew(self, rows: Sequence[Any], done: asyncio.Event) -> None:
        """Every third of the lease, until `done`: the rows' lease starts again from now."""
        ids, attempts = [r["id"] for r in rows], [r["attempts"] for r in rows]
        every = self.lease.total_seconds() / 3
        while True:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(done.wait(), timeout=every)
            if done.is_set():
                return
            try:
                async with acquire(self.pool) as conn:
                    kept = await conn.fetchval(RENEW, ids, attempts, self.clock.now() + self.lease)
            except Exception as exc:  # the lease may run out: the rows are claimed again, at worst twice
                _log_fault(f"outbox lease of {len(ids)} rows not renewed", exc)
                continue
            if kept < len(ids):
                log.warning("outbox: %d of %d rows in hand were claimed by another worker", len(ids) - kept, len(ids))

    async def _results_of_rows(self, rows: Sequence[Any]) -> list[ConsumerResult]:
        """Each row's result; a batch consumer gets all of its rows in one call."""
        groups: dict[int, tuple[Consumer, list[int]]] = {}
        for index, row in enumerate(rows):
            consumer = self.consumers[row["topic"]]
            groups.setdefault(id(consumer), (consumer, []))[1].append(index)
        results: list[ConsumerResult] = [None] * len(rows)

        async def run(consumer: Consumer, indexes: list[int]) -> None:
            for index, result in zip(indexes, await _consume(consumer, [rows[i] for i in indexes]), strict=True):
                results[index] = result

        await asyncio.gather(*(run(consumer, indexes) for consumer, indexes in groups.values()))
        return results

    async def _record(self, rows: Sequence[Any], results: Sequence[ConsumerResult]) -> None:
        now = self.clock.now()
        done = [row["id"] for row, result in zip(rows, results, strict=True) if result is None]
        async with acquire(self.pool) as conn:
            if done:
                await conn.execute(MARK_DONE, done, now)
            for row, result in zip(rows, results, strict=True):
                if result is not None:
                    await self._mark_failed(conn, row, result, now)

    async def _mark_failed(self, conn: asyncpg.Connection, row: Any, result: BaseException, now: datetime) -> None:
        event_id, topic, attempts = row["id"], row["topic"], row["attempts"]
        retry: RetryLater | None = None
        dead_reason: str | None = None
        if isinstance(result, PermanentFailure):
            dead_reason = str(result) or type(result).__name__
        elif isinstance(result, RetryLater):
            retry = result
        else:  # a consumer bug, or the database gone, must not stop the others: retry, then dead
            _log_fault(f"consumer of {topic} failed on {event_id}", result)
            retry = RetryLater(f"{type(result).__name__}: {result}")
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
        until one of those. A claim that fails (the database is down) is tried again after a pause
        that doubles up to the poll interval. The batches in hand are always finished."""
        if not self.consumers:
            log.warning("outbox dispatcher has no consumers registered; it stays idle")
            await stop.wait()
            return
        wake = asyncio.Event()
        listening = _Listener(self.pool, wake)
        log.info("outbox dispatcher started for topics: %s", ", ".join(sorted(self.consumers)))
        settling: set[asyncio.Task[None]] = set()
        stopping = asyncio.ensure_future(stop.wait())
        due, woken, failures = True, False, 0
        try:
            while not stop.is_set():
                if not listening.active and await listening.start():
                    due = True  # what was committed while nobody listened
                if due and len(settling) < self.in_flight:
                    if woken:  # commits come in bursts: a moment more puts the burst in one batch
                        await asyncio.sleep(self.gather_seconds)
                    wake.clear()
                    try:
                        rows = await self._claim()
                    except Exception as exc:
                        failures += 1
                        _log_fault("outbox claim failed; trying again", exc)
                        await asyncio.wait({stopping}, timeout=min(self.poll_seconds, 0.5 * 2 ** (failures - 1)))
                        continue
                    failures = 0
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
            await listening.stop()

    async def _settle_logged(self, rows: Sequence[Any]) -> None:
        try:
            await self._settle(rows)
        except Exception as exc:  # the leases run out and the rows come back
            _log_fault(f"outbox batch of {len(rows)} not recorded; it will be claimed again", exc)


def _log_fault(what: str, exc: BaseException) -> None:
    """A database that is down is expected, said in one line; anything else is a bug, with its traceback."""
    if unavailable(exc):
        log.warning("%s: %r", what, exc)
    else:
        log.error("%s", what, exc_info=exc)


class _Listener:
    """The pooled connection that LISTENs for commits, set `wake` on each; when the database drops it,
    `start` opens another once the database is back."""

    def __init__(self, pool: asyncpg.Pool, wake: asyncio.Event) -> None:
        self._pool = pool
        self._wake = wake
        self._conn: Any = None
        self._lost = False

    @property
    def active(self) -> bool:
        return self._conn is not None and not self._lost

    def _notified(self, *_: object) -> None:
        self._wake.set()

    def _terminated(self, *_: object) -> None:
        self._lost = True  # asyncpg has taken the connection back into its pool
        self._wake.set()  # to listen again as soon as the database is back, not at the next poll

    async def start(self) -> bool:
        self._conn, self._lost = None, False
        try:
            conn = await self._pool.acquire(timeout=LISTEN_TIMEOUT)
        except Exception:  # the claim that follows says why
            return False
        try:
            conn.add_termination_listener(self._terminated)
            await conn.add_listener(OUTBOX_CHANNEL, self._notified)
        except Exception:
            with contextlib.suppress(Exception):
                await self._pool.release(conn)
            return False
        self._conn = conn
        return True

    async def stop(self) -> None:
        conn, self._conn = self._conn, None
        if conn is None or self._lost:
            return
        with contextlib.suppress(Exception):
            conn.remove_termination_listener(self._terminated)
            await conn.remove_listener(OUTBOX_CHANNEL, self._notified)
        with contextlib.suppress(Exception):
            await self._pool.release(conn)


async def _consume(consumer: Consumer, rows: Sequence[Any]) -> list[ConsumerResult]:
    """The result of each row, never raising (an unreadable payload is retried like a failure: a
    newer version of the code may read it)."""
    events: list[Event] = []
    readable: list[int] = []
    results: list[ConsumerResult] = []
    for index, row in enumerate(rows):
        try:
            events.append(event_from_row(row["payload"]))
        except msgspec.ValidationError as exc:
            results.append(exc)
        else:
            readable.append(index)
            results.append(None)
    for index, result in zip(readable, await results_of(consumer, events), strict=True):
        results[index] = result
    return results
