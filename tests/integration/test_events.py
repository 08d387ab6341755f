"""The event bus inside a transaction: handlers' events share their cause's outbox statement, and
nothing is written when a handler fails."""

from __future__ import annotations

import uuid
from typing import Any

import asyncpg
import pytest

from core.clock import FixedClock
from core.db import acquire
from core.events import DossierStatusChanged, EventBus, PaymentSucceeded


def _payment_event(clock: FixedClock) -> PaymentSucceeded:
    return PaymentSucceeded(
        event_id=uuid.uuid4(),
        occurred_at=clock.now(),
        payment_id=uuid.uuid4(),
        dossier_id=uuid.uuid4(),
        dossier_code=None,
        owner_id=None,
        agency_code="000.00.01.H29",
        procedure_slug="passport-issuance",
        procedure_names={},
        method="vietqr",
        amount=200000,
        reference="MC23456789",
        settled_by="bank:FT1",
    )


def _moved(event: PaymentSucceeded) -> DossierStatusChanged:
    return DossierStatusChanged(
        event_id=uuid.uuid4(),
        occurred_at=event.occurred_at,
        dossier_id=event.dossier_id,
        code=None,
        owner_id=None,
        agency_code=event.agency_code,
        procedure_slug=event.procedure_slug,
        procedure_names={},
        from_status="awaiting_payment",
        to_status="processing",
        action="settle_payment",
        actor_role="system",
    )


async def test_a_handlers_event_is_written_with_its_cause_in_one_statement(
    pool: asyncpg.Pool, clock: FixedClock
) -> None:
    bus = EventBus()
    published: list[DossierStatusChanged] = []

    async def handler(conn: asyncpg.Connection, event: PaymentSucceeded) -> None:
        published.append(_moved(event))
        await bus.publish(conn, published[-1])

    bus.subscribe(PaymentSucceeded, handler)
    cause = _payment_event(clock)
    seen: list[str] = []
    async with acquire(pool) as conn:

        def logged(query: Any) -> None:
            seen.append(query.query)

        conn.add_query_logger(logged)
        try:
            async with conn.transaction():
                await bus.publish(conn, cause)
        finally:
            conn.remove_query_logger(logged)
        rows = await conn.fetch("SELECT id, topic FROM outbox ORDER BY topic")
    assert [(r["id"], r["topic"]) for r in rows] == [
        (published[0].event_id, "dossier.status_changed"),
        (cause.event_id, "payment.succeeded"),
    ]
    assert sum("INSERT INTO outbox" in q for q in seen) == 1


async def test_a_failing_handler_leaves_no_outbox_row(pool: asyncpg.Pool, clock: FixedClock) -> None:
    bus = EventBus()

    async def handler(conn: asyncpg.Connection, event: PaymentSucceeded) -> None:
        await bus.publish(conn, _moved(event))
        raise RuntimeError("the dossier cannot move")

    bus.subscribe(PaymentSucceeded, handler)
    async with acquire(pool) as conn:
        with pytest.raises(RuntimeError):
            async with conn.transaction():
                await bus.publish(conn, _payment_event(clock))
        # the next publish on the same connection is not mixed up with the failed one
        async with conn.transaction():
            await EventBus().publish(conn, _moved(_payment_event(clock)))
        topics = [r["topic"] for r in await conn.fetch("SELECT topic FROM outbox")]
    assert topics == ["dossier.status_changed"]


async def _publish_then_fail(conn: asyncpg.Connection, bus: EventBus, event: PaymentSucceeded) -> None:
    async with conn.transaction():
        await bus.publish(conn, event)
        raise RuntimeError("the cause rolls back")


async def test_an_event_published_on_another_connection_keeps_its_own_transaction(
    pool: asyncpg.Pool, clock: FixedClock
) -> None:
    bus = EventBus()

    async def handler(conn: asyncpg.Connection, event: PaymentSucceeded) -> None:
        async with acquire(pool) as other, other.transaction():
            await bus.publish(other, _moved(event))

    bus.subscribe(PaymentSucceeded, handler)
    async with acquire(pool) as conn:
        with pytest.raises(RuntimeError):
            await _publish_then_fail(conn, bus, _payment_event(clock))
        topics = [r["topic"] for r in await conn.fetch("SELECT topic FROM outbox")]
    assert topics == ["dossier.status_changed"]
