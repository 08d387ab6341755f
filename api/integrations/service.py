"""Outbound events as the pull feed reads them; the subscriptions admins manage and the deliveries
they can follow and retry."""

from __future__ import annotations

import uuid
from datetime import datetime

import asyncpg
import msgspec

from api.integrations import queries
from api.integrations.models import (
    CloudEvent,
    Deliveries,
    Delivery,
    DeliveryStatus,
    EventFeed,
    NewSubscription,
    Subscription,
    SubscriptionIn,
    Subscriptions,
    cursor,
    like_pattern,
    position_of,
    type_problems,
    url_problem,
)
from api.integrations.signing import new_secret, secret_text
from core.auth import Principal
from core.errors import ConflictError, NotFoundError, ValidationError
from core.paging import Paging

FEED_MAX = 1000
_encoder = msgspec.json.Encoder()
_feed_decoder = msgspec.json.Decoder(CloudEvent)


# ---- the pull feed --------------------------------------------------------------------------------


async def feed(conn: asyncpg.Connection, *, after: str | None, limit: int) -> EventFeed:
    """Oldest first from `after`. Positions are given in commit order by one writer at a time, so a
    page never skips an event that commits later: it gets a position above the cursor."""
    if not 1 <= limit <= FEED_MAX:
        raise ValidationError([("limit", "invalid", {})])
    start = 0
    if after is not None:
        found = position_of(after)
        if found is None:
            raise ValidationError([("after", "invalid-cursor", {})])
        start = found
    rows = await conn.fetch(queries.FEED, start, limit)
    last = rows[-1]["position"] if rows else start
    return EventFeed(items=[_feed_decoder.decode(r["body"]) for r in rows], next=cursor(last))


# ---- subscriptions --------------------------------------------------------------------------------


async def subscribe(
    conn: asyncpg.Connection, caller: Principal, body: SubscriptionIn, now: datetime, *, production: bool
) -> NewSubscription:
    url = body.url.strip()
    errors = type_problems(body.types)
    problem = url_problem(url, production=production)
    if problem is not None:
        errors.insert(0, ("url", problem, {"max": 2048}))
    if errors:
        raise ValidationError(errors)
    types = list(dict.fromkeys(body.types))
    key = new_secret()
    subscription_id = uuid.uuid4()
    await conn.execute(
        queries.INSERT_SUBSCRIPTION,
        subscription_id,
        url,
        types,
        [like_pattern(t) for t in types],
        key,
        caller.user_id,
        now,
    )
    return NewSubscription(id=subscription_id, url=url, types=types, secret=secret_text(key), created_at=now)


async def subscriptions(conn: asyncpg.Connection, paging: Paging) -> Subscriptions:
    rows = await conn.fetch(queries.LIST_SUBSCRIPTIONS, paging.limit, paging.offset)
    return Subscriptions(
        items=[
            Subscription(id=r["id"], url=r["url"], types=list(r["types"]), created_at=r["created_at"]) for r in rows
        ],
        total=rows[0]["total"] if rows else 0,
    )


async def unsubscribe(conn: asyncpg.Connection, subscription_id: uuid.UUID) -> None:
    """Its deliveries, sent or not, go with it: nothing more is sent there."""
    if await conn.fetchval(queries.DELETE_SUBSCRIPTION, subscription_id) is None:
        raise NotFoundError("subscription-not-found")


async def deliveries(
    conn: asyncpg.Connection,
    subscription_id: uuid.UUID,
    *,
    status: DeliveryStatus | None,
    paging: Paging,
) -> Deliveries:
    rows = await conn.fetch(queries.LIST_DELIVERIES, subscription_id, status, paging.limit, paging.offset)
    if not rows and not await conn.fetchval(queries.SUBSCRIPTION_EXISTS, subscription_id):
        raise NotFoundError("subscription-not-found")
    return Deliveries(items=[_delivery(r) for r in rows], total=rows[0]["total"] if rows else 0)


async def retry(
    conn: asyncpg.Connection, subscription_id: uuid.UUID, delivery_id: uuid.UUID, now: datetime
) -> Delivery:
    """A delivery given up on goes back in line, due now; the worker sends it (after any earlier one of
    its dossier that is still owed) and the 24 hours of retries start again."""
    async with conn.transaction():
        was = await conn.fetchval(queries.DELIVERY_STATUS_FOR_UPDATE, delivery_id, subscription_id)
        if was is None:
            raise NotFoundError("delivery-not-found")
        if was != "failed":
            raise ConflictError("delivery-not-failed")
        await conn.execute(queries.RETRY_DELIVERY, delivery_id, now)
        row = await conn.fetchrow(queries.GET_DELIVERY, delivery_id, subscription_id)
    assert row is not None
    return _delivery(row)


def _delivery(r: asyncpg.Record) -> Delivery:
    return Delivery(
        id=r["id"],
        event_id=r["event_id"],
        type=r["type"],
        subject=r["subject"],
        dossier_id=r["dossier_id"],
        status=r["status"],
        attempts=r["attempts"],
        last_status=r["last_status"],
        last_error=r["last_error"],
        created_at=r["created_at"],
        last_attempt_at=r["last_attempt_at"],
        next_attempt_at=r["next_attempt_at"] if r["status"] == "pending" else None,
        delivered_at=r["delivered_at"],
    )
