"""Devices, the inbox and preferences."""

from __future__ import annotations

import uuid
from datetime import datetime

import asyncpg

from core.errors import NotFoundError, ValidationError
from core.paging import Paging
from notifications import queries
from notifications.models import (
    Device,
    DeviceIn,
    Inbox,
    Notification,
    Platform,
    Preferences,
    PreferencesIn,
    valid_token,
)


async def register_device(
    conn: asyncpg.Connection, *, user_id: uuid.UUID, token: str, body: DeviceIn, now: datetime
) -> Device:
    """Idempotent; a token seen on another account moves to this one (the phone changed hands)."""
    errors: list[tuple[str, str, dict[str, object]]] = []
    if not valid_token(token):
        errors.append(("token", "invalid", {}))
    if body.locale not in {"vi", "en"}:
        errors.append(("locale", "invalid", {}))
    if errors:
        raise ValidationError(errors)
    row = await conn.fetchrow(queries.UPSERT_DEVICE, token, user_id, body.platform.value, body.locale, now)
    assert row is not None
    return Device(
        token=row["token"], platform=Platform(row["platform"]), locale=row["locale"], updated_at=row["updated_at"]
    )


async def forget_device(conn: asyncpg.Connection, *, user_id: uuid.UUID, token: str) -> None:
    if await conn.fetchval(queries.DELETE_DEVICE, token, user_id) is None:
        raise NotFoundError("not-found")


async def inbox(conn: asyncpg.Connection, *, user_id: uuid.UUID, paging: Paging) -> Inbox:
    rows = await conn.fetch(queries.LIST_INBOX, user_id, paging.limit, paging.offset)
    return Inbox(
        items=[
            Notification(
                id=r["id"],
                type=r["type"],
                title=r["title"],
                body=r["body"],
                data=r["data"],
                read_at=r["read_at"],
                created_at=r["created_at"],
            )
            for r in rows
        ],
        total=rows[0]["total"] if rows else 0,
        unread=await conn.fetchval(queries.COUNT_UNREAD, user_id),
    )


async def mark_read(conn: asyncpg.Connection, *, user_id: uuid.UUID, notification_id: uuid.UUID, now: datetime) -> None:
    if await conn.fetchval(queries.MARK_READ, notification_id, user_id, now) is None:
        raise NotFoundError("not-found")


async def preferences(conn: asyncpg.Connection, user_id: uuid.UUID) -> Preferences:
    row = await conn.fetchrow(queries.GET_PREFERENCES, user_id)
    if row is None:
        return Preferences()
    return Preferences(
        push_status=row["push_status"],
        push_payment=row["push_payment"],
        push_reminder=row["push_reminder"],
        sms_status=row["sms_status"],
    )


async def update_preferences(
    conn: asyncpg.Connection, *, user_id: uuid.UUID, body: PreferencesIn, now: datetime
) -> Preferences:
    async with conn.transaction():
        current = await preferences(conn, user_id)
        updated = Preferences(
            push_status=current.push_status if body.push_status is None else body.push_status,
            push_payment=current.push_payment if body.push_payment is None else body.push_payment,
            push_reminder=current.push_reminder if body.push_reminder is None else body.push_reminder,
            sms_status=current.sms_status if body.sms_status is None else body.sms_status,
        )
        await conn.execute(
            queries.UPSERT_PREFERENCES,
            user_id,
            updated.push_status,
            updated.push_payment,
            updated.push_reminder,
            updated.sms_status,
            now,
        )
    return updated
