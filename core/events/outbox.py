"""The outbox table, written and read here only: the rows a transaction writes beside its changes, and
the statements the dispatcher claims, renews and settles them with. A row's topic is its event's tag."""

from __future__ import annotations

import asyncpg
import msgspec

from core.db import json_text
from core.events.kinds import Event, OutboxEvent

OUTBOX_CHANNEL = "motcua_outbox"

# One prepared statement for any number of events. The payload goes as text and is cast here, so no
# array codec is needed. The NOTIFY payload is constant: PostgreSQL folds identical notifications of one
# transaction into one, and the dispatcher only needs waking, not the ids.
INSERT = """
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
        INSERT,
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


# reading: the dispatcher's claims and what it records of each row
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
# the rows of this claim still pending (a claim's `attempts` tells it from a later claim of the same row)
RENEW = """
WITH renewed AS (
    UPDATE outbox o SET available_at = $3
    FROM unnest($1::uuid[], $2::int[]) AS c(id, attempts)
    WHERE o.id = c.id AND o.attempts = c.attempts AND o.status = 'pending'
    RETURNING 1
)
SELECT count(*) FROM renewed
"""
MARK_DONE = "UPDATE outbox SET status = 'done', done_at = $2, last_error = NULL WHERE id = ANY($1::uuid[])"
MARK_RETRY = "UPDATE outbox SET available_at = $2, last_error = $3 WHERE id = $1 AND status = 'pending'"
MARK_DEAD = "UPDATE outbox SET status = 'dead', done_at = $2, last_error = $3 WHERE id = $1"
