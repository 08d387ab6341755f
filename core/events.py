"""The events packages share, and the bus that publishes them inside the caller's transaction.

publish() runs the in-transaction handlers registered by the composition root (they may fail the
transaction), then writes the outbox row that drives every network side effect from the worker; the
rows of events those handlers publish go in with it, in one statement."""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Awaitable, Callable
from contextvars import ContextVar
from datetime import date, datetime
from typing import Any, Literal

import asyncpg
import msgspec

from core.db import json_text

OUTBOX_CHANNEL = "motcua_outbox"


class Event(msgspec.Struct, frozen=True, kw_only=True, tag_field="topic"):
    event_id: uuid.UUID
    occurred_at: datetime
    version: int = 1


class DossierStatusChanged(Event, frozen=True, kw_only=True, tag="dossier.status_changed"):
    """A dossier moved; carries what consumers need so they never read the dossier tables."""

    dossier_id: uuid.UUID
    code: str | None
    owner_id: uuid.UUID | None
    agency_code: str
    procedure_slug: str
    procedure_names: dict[str, str]
    from_status: str | None
    to_status: str
    action: str
    actor_role: str
    note: str | None = None
    reason: str | None = None
    missing: list[str] = msgspec.field(default_factory=list)
    missing_names: dict[str, list[str]] = msgspec.field(default_factory=dict)
    appointment_date: date | None = None
    fee: int = 0
    # the status the system moved the dossier on to in the same transaction (received, then waiting
    # for the fee): that move's own event follows, and one push tells the citizen both
    moved_on_to: str | None = None
    channel: str = "online"  # online | counter
    # the phone given at the counter, only while no account owns the dossier: where its SMS go
    contact_phone: str | None = None

    @property
    def type(self) -> str:
        return f"dossier.{self.to_status}"


class _PaymentEvent(Event, frozen=True, kw_only=True):
    payment_id: uuid.UUID
    dossier_id: uuid.UUID
    dossier_code: str | None
    owner_id: uuid.UUID | None
    agency_code: str
    procedure_slug: str
    procedure_names: dict[str, str]
    method: str
    amount: int
    reference: str


class PaymentSucceeded(_PaymentEvent, frozen=True, kw_only=True, tag="payment.succeeded"):
    settled_by: str


class PaymentFailed(_PaymentEvent, frozen=True, kw_only=True, tag="payment.failed"):
    reason: str


class PaymentExpired(_PaymentEvent, frozen=True, kw_only=True, tag="payment.expired"):
    replaced: bool = False  # the citizen chose another method: nothing to tell them


class PaymentRefunded(_PaymentEvent, frozen=True, kw_only=True, tag="payment.refunded"):
    reason: str


class ChatMessageReceived(Event, frozen=True, kw_only=True, tag="chat.message_received"):
    """A citizen wrote to the OA on Zalo or the page on Messenger; the worker answers it."""

    message_id: uuid.UUID  # the stored chat_messages row
    channel: str  # zalo | messenger
    sender_id: str  # the platform's id of the citizen, where the reply goes


class DeadlineApproaching(Event, frozen=True, kw_only=True, tag="dossier.deadline_approaching"):
    """An open dossier is about to miss a deadline; for the officers of its office, once per deadline."""

    dossier_id: uuid.UUID
    code: str | None
    agency_code: str
    procedure_slug: str
    procedure_names: dict[str, str]
    status: str
    deadline: Literal["reception", "processing"]
    due_at: datetime

    @property
    def type(self) -> str:
        return "dossier.deadline_approaching"


class DeadlineBacklog(Event, frozen=True, kw_only=True, tag="dossier.deadline_backlog"):
    """Open dossiers of one office that missed a deadline long ago (before the worker first ran, or
    while it was down) and were never announced: told to its officers once, as one digest."""

    agency_code: str
    deadline: Literal["reception", "processing"]
    dossiers: int
    oldest_due: date  # the earliest missed deadline among them, in Vietnam

    @property
    def type(self) -> str:
        return "dossier.deadline_backlog"


class HandoffOpened(Event, frozen=True, kw_only=True, tag="handoff.opened"):
    """The assistant handed a conversation to a person; for the officers of `agency_code`, or of the
    province-wide queue when it is None. Published once per open hand-off of a conversation."""

    handoff_id: uuid.UUID
    session_id: str
    channel: str  # app | zalo | messenger: where the officer answers
    agency_code: str | None
    procedure_slug: str | None
    procedure_names: dict[str, str] = msgspec.field(default_factory=dict)
    message: str

    @property
    def type(self) -> str:
        return "handoff.opened"


# the dossier and payment events a citizen is told about
AnyEvent = DossierStatusChanged | PaymentSucceeded | PaymentFailed | PaymentExpired | PaymentRefunded
# every event the outbox carries
OutboxEvent = AnyEvent | ChatMessageReceived | DeadlineApproaching | DeadlineBacklog | HandoffOpened
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

# One prepared statement for any number of events. The payload goes as text and is cast here, so no
# array codec is needed. The NOTIFY payload is constant: PostgreSQL folds identical notifications of one
# transaction into one, and the dispatcher only needs waking, not the ids.
_OUTBOX_INSERT = """
WITH written AS (
    INSERT INTO outbox (id, topic, payload, created_at, available_at)
    SELECT e.id, e.topic, e.payload::jsonb, e.at, e.at
    FROM unnest($2::uuid[], $3::text[], $4::text[], $5::timestamptz[]) AS e (id, topic, payload, at)
)
SELECT pg_notify($1, '')
"""


async def write_outbox(conn: asyncpg.Connection, events: list[Event]) -> None:
    """The outbox rows of `events` and the dispatcher's wake-up, in one statement of the caller's transaction."""
    await conn.execute(
        _OUTBOX_INSERT,
        OUTBOX_CHANNEL,
        [event.event_id for event in events],
        [event.__struct_config__.tag for event in events],
        [json_text(event) for event in events],
        [event.occurred_at for event in events],
    )


def event_from_row(payload: object) -> OutboxEvent:
    """An event from an outbox row's payload, already decoded from jsonb."""
    event: OutboxEvent = msgspec.convert(payload, type=OutboxEvent)
    return event
