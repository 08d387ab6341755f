"""The bus that publishes events inside the caller's transaction.

publish() runs the in-transaction handlers registered by the composition root (they may fail the
transaction), then writes the outbox row that drives every network side effect from the worker; the
rows of events those handlers publish go in with it, in one statement."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Awaitable, Callable
from contextvars import ContextVar
from typing import Any

import asyncpg

from core.events.kinds import Event
from core.events.outbox import write_outbox

Handler = Callable[[asyncpg.Connection, Any], Awaitable[None]]
# a handler given every event of one publish_many call at once, so it can answer them in set-based SQL
BatchHandler = Callable[[asyncpg.Connection, list[Any]], Awaitable[None]]


class EventBus:
    def __init__(self) -> None:
        self._handlers: dict[type[Event], list[BatchHandler]] = defaultdict(list)

    def subscribe(self, event_type: type[Event], handler: Handler) -> None:
        async def each(conn: asyncpg.Connection, events: list[Any]) -> None:
            for event in events:
                await handler(conn, event)

        self._handlers[event_type].append(each)

    def subscribe_batch(self, event_type: type[Event], handler: BatchHandler) -> None:
        self._handlers[event_type].append(handler)

    async def publish(self, conn: asyncpg.Connection, event: Event) -> None:
        await self.publish_many(conn, [event])

    async def publish_many(self, conn: asyncpg.Connection, events: list[Event]) -> None:
        if not conn.is_in_transaction():
            raise RuntimeError("events are published inside the transaction that caused them")
        if not events:
            return
        outer = _publishing.get()
        # events the handlers publish on this connection are written with these: one round trip
        batch = _Batch(conn)
        token = _publishing.set(batch)
        try:
            by_type: dict[type[Event], list[Event]] = defaultdict(list)
            for event in events:
                by_type[type(event)].append(event)
            for event_type, of_type in by_type.items():
                for handler in self._handlers.get(event_type, ()):
                    await handler(conn, of_type)
        finally:
            _publishing.reset(token)
        batch.events.extend(events)
        if outer is not None and outer.conn is conn:
            outer.events.extend(batch.events)
        else:
            await write_outbox(conn, batch.events)


class _Batch:
    def __init__(self, conn: asyncpg.Connection) -> None:
        self.conn = conn
        self.events: list[Event] = []


_publishing: ContextVar[_Batch | None] = ContextVar("motcua_publishing", default=None)
