"""The outbox dispatcher against the real database: at least once, never twice in parallel,
retries with backoff, dead after the budget, and a dead worker's lease runs out."""

from __future__ import annotations

import asyncio
import uuid
from collections import Counter
from collections.abc import Sequence
from datetime import timedelta

import asyncpg

from core.clock import FixedClock, SystemClock
from core.db import acquire
from core.events import (
    CLAIM,
    ConsumerResult,
    Dispatcher,
    DossierStatusChanged,
    Event,
    EventBus,
    PermanentFailure,
    RetryLater,
    all_of,
    backoff,
)

TOPIC = "dossier.status_changed"


def _event(clock: FixedClock) -> DossierStatusChanged:
    return DossierStatusChanged(
        event_id=uuid.uuid4(),
        occurred_at=clock.now(),
        dossier_id=uuid.uuid4(),
        code="X-261123-0001",
        owner_id=None,
        agency_code="000.00.01.H29",
        procedure_slug="birth-registration",
        procedure_names={"vi": "Đăng ký khai sinh", "en": "Birth registration"},
        from_status="submitted",
        to_status="received",
        action="receive",
        actor_role="officer",
    )


async def _publish(pool: asyncpg.Pool, clock: FixedClock, n: int) -> list[uuid.UUID]:
    bus = EventBus()
    ids = []
    async with acquire(pool) as conn, conn.transaction():
        for _ in range(n):
            event = _event(clock)
            await bus.publish(conn, event)
            ids.append(event.event_id)
    return ids


async def _statuses(pool: asyncpg.Pool) -> Counter[str]:
    async with acquire(pool) as conn:
        return Counter(r["status"] for r in await conn.fetch("SELECT status FROM outbox"))


async def test_events_are_consumed_once_and_marked_done(pool: asyncpg.Pool, clock: FixedClock) -> None:
    ids = await _publish(pool, clock, 5)
    seen: list[uuid.UUID] = []

    async def consume(event: Event) -> None:
        seen.append(event.event_id)

    dispatcher = Dispatcher(pool, {TOPIC: consume}, clock=clock)
    assert await dispatcher.run_once() == 5
    assert await dispatcher.run_once() == 0
    assert sorted(seen) == sorted(ids)
    assert await _statuses(pool) == Counter({"done": 5})


async def test_two_dispatchers_never_claim_the_same_row(pool: asyncpg.Pool, clock: FixedClock) -> None:
    await _publish(pool, clock, 200)
    seen: Counter[uuid.UUID] = Counter()

    async def consume(event: Event) -> None:
        await asyncio.sleep(0)
        seen[event.event_id] += 1

    dispatchers = [Dispatcher(pool, {TOPIC: consume}, clock=clock, batch_size=7) for _ in range(3)]

    async def drain(d: Dispatcher) -> None:
        while await d.run_once():
            pass

    await asyncio.gather(*(drain(d) for d in dispatchers))
    assert len(seen) == 200 and set(seen.values()) == {1}


async def test_retry_later_backs_off_then_dies_after_the_budget(pool: asyncpg.Pool, clock: FixedClock) -> None:
    await _publish(pool, clock, 1)

    async def flaky(event: Event) -> None:
        raise RetryLater("UNAVAILABLE", after=30)

    dispatcher = Dispatcher(pool, {TOPIC: flaky}, clock=clock, max_attempts=3)
    assert await dispatcher.run_once() == 1
    assert await dispatcher.run_once() == 0  # not due before 30 s
    clock.advance(timedelta(seconds=31))
    assert await dispatcher.run_once() == 1
    clock.advance(timedelta(seconds=31))
    assert await dispatcher.run_once() == 1
    async with acquire(pool) as conn:
        row = await conn.fetchrow("SELECT status, attempts, last_error FROM outbox")
    assert row is not None
    assert (row["status"], row["attempts"]) == ("dead", 3)
    assert "UNAVAILABLE" in row["last_error"]


async def test_permanent_failure_is_dead_at_once(pool: asyncpg.Pool, clock: FixedClock) -> None:
    await _publish(pool, clock, 1)

    async def broken(event: Event) -> None:
        raise PermanentFailure("INVALID_ARGUMENT")

    await Dispatcher(pool, {TOPIC: broken}, clock=clock).run_once()
    assert await _statuses(pool) == Counter({"dead": 1})


async def test_a_dead_workers_claim_returns_after_its_lease(pool: asyncpg.Pool, clock: FixedClock) -> None:
    [event_id] = await _publish(pool, clock, 1)
    async with acquire(pool) as conn:  # a worker claims, then dies without settling
        claimed = await conn.fetch(CLAIM, clock.now(), clock.now() + timedelta(seconds=120), [TOPIC], 10)
    assert [r["id"] for r in claimed] == [event_id]
    seen: list[uuid.UUID] = []

    async def consume(event: Event) -> None:
        seen.append(event.event_id)

    survivor = Dispatcher(pool, {TOPIC: consume}, clock=clock)
    assert await survivor.run_once() == 0
    clock.advance(timedelta(seconds=121))
    assert await survivor.run_once() == 1
    assert seen == [event_id]


async def test_run_wakes_on_notify_and_stops_cleanly(pool: asyncpg.Pool, clock: FixedClock) -> None:
    got = asyncio.Event()

    async def consume(event: Event) -> None:
        got.set()

    stop = asyncio.Event()
    dispatcher = Dispatcher(pool, {TOPIC: consume}, clock=clock, poll_seconds=30)
    task = asyncio.create_task(dispatcher.run(stop))
    await asyncio.sleep(0.2)
    await _publish(pool, clock, 1)
    await asyncio.wait_for(got.wait(), timeout=5)  # long before the 30 s poll
    stop.set()
    await asyncio.wait_for(task, timeout=5)


def test_backoff_grows_with_jitter_and_a_cap() -> None:
    assert backoff(1, rand=lambda: 1.0) == 2.0
    assert backoff(5, rand=lambda: 1.0) == 32.0
    assert backoff(30, rand=lambda: 1.0) == 900.0
    assert backoff(3, rand=lambda: 0.0) == 1.0


class Batched:
    """A batch consumer: fails the events it is told to, in the ways it is told to."""

    def __init__(self, fail: dict[uuid.UUID, Exception] | None = None) -> None:
        self.calls: list[list[uuid.UUID]] = []
        self.fail = fail or {}

    async def __call__(self, event: Event) -> None:
        [outcome] = await self.batch([event])
        if outcome is not None:
            raise outcome

    async def batch(self, events: Sequence[Event]) -> list[ConsumerResult]:
        self.calls.append([e.event_id for e in events])
        return [self.fail.get(e.event_id) for e in events]


async def test_a_batch_consumer_gets_the_claimed_batch_in_one_call_and_each_outcome_counts(
    pool: asyncpg.Pool, clock: FixedClock
) -> None:
    ids = await _publish(pool, clock, 6)
    consumer = Batched({ids[0]: RetryLater("QUOTA_EXCEEDED", after=60), ids[1]: PermanentFailure("INVALID")})
    seen: list[uuid.UUID] = []

    async def plain(event: Event) -> None:
        seen.append(event.event_id)

    dispatcher = Dispatcher(pool, {TOPIC: all_of(consumer, plain)}, clock=clock)
    assert await dispatcher.run_once() == 6
    assert len(consumer.calls) == 1 and sorted(consumer.calls[0]) == sorted(ids)
    assert sorted(seen) == sorted(ids[2:])  # an event the first consumer failed is not given to the next
    async with acquire(pool) as conn:
        rows = {r["id"]: r for r in await conn.fetch("SELECT id, status, available_at, last_error FROM outbox")}
    assert [rows[i]["status"] for i in ids] == ["pending", "dead", "done", "done", "done", "done"]
    assert (rows[ids[0]]["available_at"] - clock.now()).total_seconds() == 60
    assert rows[ids[1]]["last_error"] == "INVALID"


async def test_a_batch_consumer_that_raises_retries_its_whole_batch(pool: asyncpg.Pool, clock: FixedClock) -> None:
    await _publish(pool, clock, 3)

    class Broken(Batched):
        async def batch(self, events: Sequence[Event]) -> list[ConsumerResult]:
            raise ConnectionResetError("database went away")

    assert await Dispatcher(pool, {TOPIC: Broken()}, clock=clock).run_once() == 3
    async with acquire(pool) as conn:
        errors = [r["last_error"] for r in await conn.fetch("SELECT last_error FROM outbox WHERE status = 'pending'")]
    assert errors == ["ConnectionResetError: database went away"] * 3


async def test_run_claims_the_next_batch_while_one_is_in_hand_and_finishes_both_on_stop(
    pool: asyncpg.Pool, clock: FixedClock
) -> None:
    await _publish(pool, clock, 4)
    release = asyncio.Event()
    started: list[int] = []

    class Slow(Batched):
        async def batch(self, events: Sequence[Event]) -> list[ConsumerResult]:
            started.append(len(events))
            await release.wait()
            return await super().batch(events)

    consumer = Slow()
    stop = asyncio.Event()
    dispatcher = Dispatcher(pool, {TOPIC: consumer}, clock=clock, batch_size=2, in_flight=2, poll_seconds=30)
    task = asyncio.create_task(dispatcher.run(stop))
    async with asyncio.timeout(5):
        while len(started) < 2:  # both batches are in hand although neither has finished
            await asyncio.sleep(0.01)
    stop.set()
    await asyncio.sleep(0.1)
    assert not task.done()  # stopping waits for the batches in hand
    release.set()
    await asyncio.wait_for(task, timeout=5)
    assert await _statuses(pool) == Counter({"done": 4})


async def test_a_batch_slower_than_its_lease_keeps_it_and_is_never_claimed_twice(
    pool: asyncpg.Pool, clock: FixedClock
) -> None:
    """The lease is renewed while the batch is in hand (before, a batch that outlived its lease was
    claimed by a second worker and its pushes sent twice)."""
    ids = await _publish(pool, clock, 3)
    seen: Counter[uuid.UUID] = Counter()

    async def slow(event: Event) -> None:
        seen[event.event_id] += 1
        await asyncio.sleep(2.5)

    wall = SystemClock()
    busy = Dispatcher(pool, {TOPIC: slow}, clock=wall, lease_seconds=0.6)
    other = Dispatcher(pool, {TOPIC: slow}, clock=wall, lease_seconds=0.6)
    settling = asyncio.create_task(busy.run_once())
    async with asyncio.timeout(5):
        while not seen:  # the batch is in hand
            await asyncio.sleep(0.01)
    claimed_by_other = 0
    while not settling.done():
        claimed_by_other += await other.run_once()
        await asyncio.sleep(0.1)
    assert await settling == 3
    assert claimed_by_other == 0
    assert seen == Counter(dict.fromkeys(ids, 1))
    assert await _statuses(pool) == Counter({"done": 3})


async def test_the_rows_of_a_batch_abandoned_mid_way_come_back_after_one_lease(
    pool: asyncpg.Pool, clock: FixedClock
) -> None:
    """What a worker killed mid-batch leaves: its renewals stop, and its rows are claimed again once
    the lease has run out."""
    await _publish(pool, clock, 2)
    hang = asyncio.Event()

    async def stuck(event: Event) -> None:
        await hang.wait()

    wall = SystemClock()
    dying = asyncio.create_task(Dispatcher(pool, {TOPIC: stuck}, clock=wall, lease_seconds=1).run_once())
    await asyncio.sleep(1.5)  # renewed once meanwhile
    dying.cancel()  # the worker is gone: no more renewals
    seen: list[uuid.UUID] = []

    async def consume(event: Event) -> None:
        seen.append(event.event_id)

    survivor = Dispatcher(pool, {TOPIC: consume}, clock=wall, lease_seconds=1)
    assert await survivor.run_once() == 0
    await asyncio.sleep(1.1)
    assert await survivor.run_once() == 2
