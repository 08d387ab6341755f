"""The outbox consumer that tells an office's officers a dossier is about to miss a deadline:
an inbox entry for each of them and a push to each of their devices.

Idempotent by event id like the citizens' pushes: the inbox holds one entry per (officer, event),
and every (event, device) delivery is recorded, so a retry only sends what is still owed."""

from __future__ import annotations

import logging
import uuid
from collections.abc import Sequence

import asyncpg
import msgspec

from core.clock import Clock
from core.db import acquire
from core.events import DeadlineApproaching, Event
from core.outbox import Consumer, RetryLater
from i18n.format import date_time, short_date
from i18n.messages import Text
from notifications import alert_queries, queries
from notifications.senders import MAX_PER_CALL, Outcome, Push, PushSender, SendResult
from notifications.service import preferences

log = logging.getLogger("motcua.officer_alerts")

TOPIC = "dossier.deadline_approaching"

_TITLES = {
    "reception": Text("Sắp quá hạn tiếp nhận", "Reception deadline near"),
    "processing": Text("Sắp quá hạn giải quyết", "Processing deadline near"),
}
_BODIES = {
    "reception": Text(
        "Hồ sơ {code} ({proc}) nộp trực tuyến cần được tiếp nhận hoặc yêu cầu bổ sung trước {due}.",
        "Dossier {code} ({proc}), filed online, must be received or sent back for papers by {due}.",
    ),
    "processing": Text(
        "Hồ sơ {code} ({proc}) hẹn trả kết quả ngày {due} nhưng chưa có kết quả.",
        "Dossier {code} ({proc}) is due on {due} and has no result yet.",
    ),
}


class Alert(msgspec.Struct, frozen=True, kw_only=True):
    title: str
    body: str
    data: dict[str, str]


def alert(event: DeadlineApproaching, locale: str) -> Alert:
    """What the officer reads, in `locale` ("en", else Vietnamese). Pure."""
    lang = "en" if locale[:2].lower() == "en" else "vi"
    due = date_time(event.due_at, lang) if event.deadline == "reception" else short_date(event.due_at, lang)
    proc = event.procedure_names.get(lang) or event.procedure_slug
    return Alert(
        title=_TITLES[event.deadline].pick(lang),
        body=_BODIES[event.deadline].pick(lang).format(code=event.code or "", proc=proc, due=due),
        data={
            "type": event.type,
            "deadline": event.deadline,
            "dossier_id": str(event.dossier_id),
            "code": event.code or "",
            "status": event.status,
            "event_id": str(event.event_id),
            "due_at": event.due_at.isoformat(),
        },
    )


def officer_alerts(pool: asyncpg.Pool, clock: Clock, sender: PushSender) -> Consumer:
    async def consume(event: Event) -> None:
        if not isinstance(event, DeadlineApproaching):
            return
        pushes: list[Push] = []
        async with acquire(pool) as conn:
            delivered = {r["token"] for r in await conn.fetch(queries.DELIVERED_TOKENS, event.event_id)}
            for officer in await conn.fetch(alert_queries.AGENCY_OFFICERS, event.agency_code):
                devices = await conn.fetch(queries.USER_DEVICES, officer["id"])
                locale = devices[-1]["locale"] if devices else "vi"
                entry = alert(event, locale)
                await conn.execute(
                    queries.INSERT_NOTIFICATION,
                    uuid.uuid4(),
                    officer["id"],
                    event.event_id,
                    event.type,
                    "reminder",
                    entry.title,
                    entry.body,
                    entry.data,
                    locale,
                    event.occurred_at,
                )
                if not (await preferences(conn, officer["id"])).push_reminder:
                    continue
                for device in devices:
                    if device["token"] in delivered:
                        continue
                    shown = alert(event, device["locale"])
                    pushes.append(
                        Push(
                            token=device["token"],
                            title=shown.title,
                            body=shown.body,
                            data=shown.data,
                            platform=device["platform"],
                            collapse_key=shown.data["dossier_id"],
                        )
                    )
        results: list[SendResult] = []
        for start in range(0, len(pushes), MAX_PER_CALL):
            results += await sender.send(pushes[start : start + MAX_PER_CALL])
        await _settle(pool, clock, event.event_id, results)

    return consume


async def _settle(pool: asyncpg.Pool, clock: Clock, event_id: uuid.UUID, results: Sequence[SendResult]) -> None:
    """Keep what was sent or is hopeless, forget tokens FCM calls dead, and ask again for the rest."""
    now = clock.now()
    async with acquire(pool) as conn, conn.transaction():
        for result in results:
            if result.outcome is Outcome.RETRY:
                continue
            sent = result.outcome is Outcome.SENT
            await conn.execute(
                queries.RECORD_DELIVERY,
                event_id,
                result.token,
                "sent" if sent else "dead",
                result.message_id,
                None if sent else result.error,
                now,
            )
            if result.outcome is Outcome.DEAD_TOKEN:
                await conn.execute(queries.DELETE_DEAD_DEVICE, result.token)
    again = [r for r in results if r.outcome is Outcome.RETRY]
    if again:
        waits = [r.retry_after for r in again if r.retry_after is not None]
        raise RetryLater(f"{len(again)} officer alert(s) to retry: {again[0].error}", after=max(waits, default=None))
