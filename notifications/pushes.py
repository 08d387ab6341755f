"""The outbox consumer that turns dossier and payment events into an inbox entry and pushes.

Each (event, device) delivery is recorded, so a retry after a partial failure only sends to the
devices still owed the push; no transaction is open while FCM is being called."""

from __future__ import annotations

import logging
import uuid
from collections.abc import Sequence

import asyncpg
from redis.exceptions import RedisError

from core.clock import Clock
from core.db import acquire
from core.events import AnyEvent, Event
from core.outbox import Consumer, RetryLater
from notifications import queries
from notifications.models import Preferences
from notifications.realtime import LivePublisher
from notifications.senders import Outcome, Push, PushSender, SendResult
from notifications.service import preferences
from notifications.templates import Rendered, render

log = logging.getLogger("motcua.pushes")

TOPICS = ("dossier.status_changed", "payment.succeeded", "payment.failed", "payment.expired", "payment.refunded")
_MAX_BATCH = 500


def _push_allowed(category: str, prefs: Preferences) -> bool:
    allowed: bool = {"status": prefs.push_status, "payment": prefs.push_payment}.get(category, prefs.push_reminder)
    return allowed


def push_consumer(pool: asyncpg.Pool, clock: Clock, sender: PushSender, live: LivePublisher | None = None) -> Consumer:
    async def consume(event: Event) -> None:
        owner: uuid.UUID | None = getattr(event, "owner_id", None)
        if owner is None:  # a counter dossier whose applicant has no account yet
            return
        typed: AnyEvent = event  # type: ignore[assignment]
        rendered = {locale: render(typed, locale) for locale in ("vi", "en")}
        if rendered["vi"] is None:
            return
        async with acquire(pool) as conn:
            devices = await conn.fetch(queries.USER_DEVICES, owner)
            inbox_locale = devices[-1]["locale"] if devices else "vi"
            entry = rendered[inbox_locale] or rendered["vi"]
            await conn.execute(
                queries.INSERT_NOTIFICATION,
                uuid.uuid4(),
                owner,
                event.event_id,
                entry.type,
                entry.category,
                entry.title,
                entry.body,
                entry.data,
                inbox_locale,
                event.occurred_at,  # when it happened, not when the worker got to it
            )
            allowed = _push_allowed(entry.category, await preferences(conn, owner))
            delivered = {r["token"] for r in await conn.fetch(queries.DELIVERED_TOKENS, event.event_id)}
        if live is not None:  # best effort: the inbox already holds it for an app that was closed
            try:
                await live.publish(
                    owner, {"type": entry.type, "title": entry.title, "body": entry.body, "data": entry.data}
                )
            except (OSError, RedisError) as exc:
                log.warning("live update for %s not published: %s", owner, exc)
        if not allowed:
            return
        pushes = [
            _push(rendered[d["locale"]] or entry, d["token"], d["platform"])
            for d in devices
            if d["token"] not in delivered
        ]
        results: list[SendResult] = []
        for start in range(0, len(pushes), _MAX_BATCH):
            results += await sender.send(pushes[start : start + _MAX_BATCH])
        await _record(pool, clock, event.event_id, results)

    return consume


def _push(rendered: Rendered, token: str, platform: str) -> Push:
    return Push(
        token=token,
        title=rendered.title,
        body=rendered.body,
        data=rendered.data,
        platform=platform,  # type: ignore[arg-type]
        collapse_key=rendered.data.get("dossier_id"),
    )


async def _record(pool: asyncpg.Pool, clock: Clock, event_id: uuid.UUID, results: Sequence[SendResult]) -> None:
    now = clock.now()
    retry = [r for r in results if r.outcome is Outcome.RETRY]
    async with acquire(pool) as conn, conn.transaction():
        for r in results:
            if r.outcome is Outcome.SENT:
                await conn.execute(queries.RECORD_DELIVERY, event_id, r.token, "sent", r.message_id, None, now)
            elif r.outcome in {Outcome.DEAD_TOKEN, Outcome.INVALID}:
                await conn.execute(queries.RECORD_DELIVERY, event_id, r.token, "dead", None, r.error, now)
                if r.outcome is Outcome.DEAD_TOKEN:
                    await conn.execute(queries.DELETE_DEAD_DEVICE, r.token)
                    log.info("forgot dead push token %s…: %s", r.token[:12], r.error)
    if retry:
        waits = [r.retry_after for r in retry if r.retry_after is not None]
        raise RetryLater(f"{len(retry)} push(es) to retry: {retry[0].error}", after=max(waits) if waits else None)
