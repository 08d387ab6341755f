"""The outbox consumer that tells an office's officers a dossier is about to miss a deadline (or, for
deadlines missed long ago, how many of the office's dossiers did, in one digest): an inbox entry
for each of them and a push to each of their devices (tell_officers, which the hand-off alerts
share).

Idempotent by event id like the citizens' pushes: the inbox holds one entry per (officer, event),
and every (event, device) delivery is recorded, so a retry only sends what is still owed."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Sequence
from functools import partial

import asyncpg
import msgspec

from core.clock import Clock
from core.db import acquire
from core.events import Consumer, DeadlineApproaching, DeadlineBacklog, Event, topic_of
from i18n.format import date_time, language, short_date
from i18n.messages import Text
from notifications import alert_queries, queries
from notifications.pushes import Device, load_owners, retry_later, send_recorded
from notifications.senders import Outcome, Push, PushSender

EVENTS = (DeadlineApproaching, DeadlineBacklog)
TOPIC = topic_of(DeadlineApproaching)
BACKLOG_TOPIC = topic_of(DeadlineBacklog)

_TITLES = {
    "reception": Text("Sắp quá hạn tiếp nhận"),
    "processing": Text("Sắp quá hạn giải quyết"),
}
_BODIES = {
    "reception": Text("Hồ sơ {code} ({proc}) nộp trực tuyến cần được tiếp nhận hoặc yêu cầu bổ sung trước {due}."),
    "processing": Text("Hồ sơ {code} ({proc}) hẹn trả kết quả ngày {due} nhưng chưa có kết quả."),
}


_BACKLOG_TITLES = {
    "reception": Text("Hồ sơ quá hạn tiếp nhận tồn đọng"),
    "processing": Text("Hồ sơ quá hạn giải quyết tồn đọng"),
}
_BACKLOG_BODIES = {
    "reception": Text(
        "{count} hồ sơ nộp trực tuyến đã quá hạn tiếp nhận từ trước, sớm nhất ngày {oldest}. "
        "Xem danh sách hồ sơ quá hạn tiếp nhận."
    ),
    "processing": Text(
        "{count} hồ sơ đã quá hạn trả kết quả từ trước, sớm nhất hẹn trả ngày {oldest}. "
        "Xem danh sách hồ sơ quá hạn giải quyết."
    ),
}


class Alert(msgspec.Struct, frozen=True, kw_only=True):
    title: str
    body: str
    data: dict[str, str]


def alert(event: DeadlineApproaching, locale: str) -> Alert:
    """What the officer reads, in `locale` ("en", else Vietnamese). Pure."""
    lang = language(locale)
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


def digest(event: DeadlineBacklog, locale: str) -> Alert:
    """One line for an office's backlog of missed deadlines, pointing at the overdue list. Pure."""
    lang = language(locale)
    return Alert(
        title=_BACKLOG_TITLES[event.deadline].pick(lang),
        body=_BACKLOG_BODIES[event.deadline]
        .pick(lang)
        .format(count=event.dossiers, oldest=short_date(event.oldest_due, lang)),
        data={
            "type": event.type,
            "deadline": event.deadline,
            "agency": event.agency_code,
            "dossiers": str(event.dossiers),
            "oldest_due": event.oldest_due.isoformat(),
            "event_id": str(event.event_id),
        },
    )


def officer_alerts(pool: asyncpg.Pool, clock: Clock, sender: PushSender) -> Consumer:
    """The consumer of both topics: an alert per dossier, or a digest of an office's backlog."""

    async def consume(event: Event) -> None:
        if isinstance(event, DeadlineApproaching):
            shown, collapse_key = partial(alert, event), str(event.dossier_id)
        elif isinstance(event, DeadlineBacklog):
            shown, collapse_key = partial(digest, event), f"backlog-{event.deadline}-{event.agency_code}"
        else:
            return
        async with acquire(pool) as conn:
            officer_ids = [r["id"] for r in await conn.fetch(alert_queries.AGENCY_OFFICERS, event.agency_code)]
        await tell_officers(pool, clock, sender, event, officer_ids, shown, collapse_key=collapse_key)

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
    results = await send_recorded(pool, clock, sender, pushes, [event.event_id] * len(pushes))
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
