"""The outbox consumer that tells officers a citizen asked for a person: an inbox entry and a push
for each officer of the office the hand-off went to; a hand-off no office could be chosen for goes
to the province-wide queue, whose alerts reach every admin and the officers of the offices the
deployment names for it (MOTCUA_HANDOFF_QUEUE_OFFICES). Idempotent by event id (tell_officers)."""

from __future__ import annotations

from collections.abc import Sequence

import asyncpg

from core.clock import Clock
from core.db import acquire
from core.events import Consumer, Event, HandoffOpened, topic_of
from i18n.format import language
from i18n.messages import Text
from notifications import alert_queries
from notifications.officer_alerts import Alert, tell_officers
from notifications.senders import PushSender
from notifications.templates import BODY_MAX, clip, one_line

EVENTS = (HandoffOpened,)
TOPIC = topic_of(HandoffOpened)

_TITLES = {
    True: Text("Công dân cần gặp cán bộ"),
    False: Text("Cần cán bộ (hàng chờ chung)"),
}
_CHANNELS = {
    "app": Text("ứng dụng"),
    "zalo": Text("Zalo"),
    "messenger": Text("Messenger"),
}
_ABOUT = Text("Qua {channel}, về {proc}: ")
_PLAIN = Text("Qua {channel}: ")


def alert(event: HandoffOpened, locale: str) -> Alert:
    """What the officer reads, in `locale` ("en", else Vietnamese), with what the app's deep link to
    the conversation needs. Pure."""
    lang = language(locale)
    channel = _CHANNELS[event.channel].pick(lang) if event.channel in _CHANNELS else event.channel
    proc = event.procedure_names.get(lang) or event.procedure_slug
    lead = (_ABOUT if proc else _PLAIN).pick(lang).format(channel=channel, proc=proc)
    words = clip(one_line(event.message), max(BODY_MAX - len(lead) - 2, 1))
    return Alert(
        title=_TITLES[event.agency_code is not None].pick(lang),
        body=clip(f"{lead}“{words}”", BODY_MAX),
        data={
            "type": event.type,
            "handoff_id": str(event.handoff_id),
            "channel": event.channel,
            "session_id": event.session_id,
            "agency": event.agency_code or "",
            "procedure": event.procedure_slug or "",
            "event_id": str(event.event_id),
        },
    )


def handoff_alerts(pool: asyncpg.Pool, clock: Clock, sender: PushSender, queue_offices: Sequence[str]) -> Consumer:
    async def consume(event: Event) -> None:
        if not isinstance(event, HandoffOpened):
            return
        async with acquire(pool) as conn:
            if event.agency_code is not None:
                rows = await conn.fetch(alert_queries.AGENCY_OFFICERS, event.agency_code)
            else:
                rows = await conn.fetch(alert_queries.QUEUE_OFFICERS, list(queue_offices))
        await tell_officers(
            pool,
            clock,
            sender,
            event,
            [r["id"] for r in rows],
            lambda locale: alert(event, locale),
            collapse_key=str(event.handoff_id),
        )

    return consume
