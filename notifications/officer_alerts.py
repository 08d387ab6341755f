"""The outbox consumer that tells an office's officers a dossier is about to miss a deadline:
an inbox entry for each of them and a push to each of their devices (tell_officers, which the
hand-off alerts share).

Idempotent by event id like the citizens' pushes: the inbox holds one entry per (officer, event),
and every (event, device) delivery is recorded, so a retry only sends what is still owed."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Sequence

import asyncpg
import msgspec

from core.clock import Clock
from core.db import acquire
from core.events import DeadlineApproaching, Event
from core.outbox import Consumer
from i18n.format import date_time, short_date
from i18n.messages import Text
from notifications import alert_queries, queries
from notifications.pushes import Device, load_owners, record_deliveries, retry_later
from notifications.senders import Outcome, Push, PushSender

TOPIC = "dossier.deadline_approaching"

_TITLES = {
    "reception": Text("Sắp quá hạn tiếp nhận"),
    "processing": Text("Sắp quá hạn giải quyết"),
}
_BODIES = {
    "reception": Text("Hồ sơ {code} ({proc}) nộp trực tuyến cần được tiếp nhận hoặc yêu cầu bổ sung trước {due}."),
    "processing": Text("Hồ sơ {code} ({proc}) hẹn trả kết quả ngày {due} nhưng chưa có kết quả."),
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
        async with acquire(pool) as conn:
            officer_ids = [r["id"] for r in await conn.fetch(alert_queries.AGENCY_OFFICERS, event.agency_code)]
        await tell_officers(
            pool,
            clock,
            sender,
            event,
            officer_ids,
            lambda locale: alert(event, locale),
            collapse_key=str(event.dossier_id),
        )

    return consume


async def tell_officers(
    pool: asyncpg.Pool,
    clock: Clock,
    sender: PushSender,
    event: Event,
    officer_ids: Sequence[uuid.UUID],
    shown: Callable[[str], Alert],
    *,
    collapse_key: str,
) -> None:
    """An inbox entry for each officer, in the language of their latest device, and `shown` in each
    device's language pushed to every device not yet reached for this event (officers who turned
    reminders off get the inbox entry only). Raises RetryLater for the pushes FCM asked to retry."""
    if not officer_ids:
        return
    async with acquire(pool) as conn:
        officers = await load_owners(conn, list(officer_ids))
        entries = []
        for officer_id in officer_ids:
            devices = officers[officer_id].devices
            locale = devices[-1].locale if devices else "vi"  # the latest device's language
            entry = shown(locale)
            entries.append(
                (
                    uuid.uuid4(),
                    officer_id,
                    event.event_id,
                    entry.data["type"],
                    "reminder",
                    entry.title,
                    entry.body,
                    entry.data,
                    locale,
                    event.occurred_at,
                )
            )
        await conn.execute(queries.INSERT_NOTIFICATIONS, *map(list, zip(*entries, strict=True)))
        delivered = {r["token"] for r in await conn.fetch(queries.DELIVERED, [event.event_id])}
    pushes = [
        _push(shown(device.locale), device, collapse_key)
        for officer_id in officer_ids
        if officers[officer_id].prefs.push_reminder
        for device in officers[officer_id].devices
        if device.token not in delivered
    ]
    if not pushes:
        return
    results = await sender.send(pushes)
    await record_deliveries(pool, clock, [event.event_id] * len(results), results)
    again = [r for r in results if r.outcome is Outcome.RETRY]
    if again:
        raise retry_later(again)


def _push(shown: Alert, device: Device, collapse_key: str) -> Push:
    return Push(
        token=device.token,
        title=shown.title,
        body=shown.body,
        data=shown.data,
        platform=device.platform,  # type: ignore[arg-type]
        collapse_key=collapse_key,
    )
