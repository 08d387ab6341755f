"""The outbox consumer that turns dossier and payment events into an inbox entry and pushes.

It settles a whole claimed batch at once: one query for the owners' devices and preferences, one
multi-row inbox insert, then every push sent in small groups (up to 500 in flight), each group's
deliveries recorded, and dead tokens forgotten, in one statement as soon as FCM has answered it.
Each (event, device) delivery is recorded, so a retry, or the worker that takes over the batch of
one that died, only sends to the devices still owed the push; no transaction is open while FCM is
being called."""

from __future__ import annotations

import asyncio
import logging
import uuid
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import asyncpg
from redis.exceptions import RedisError

from core.clock import Clock
from core.db import acquire
from core.events import (
    AnyEvent,
    ConsumerResult,
    DossierStatusChanged,
    Event,
    PaymentExpired,
    PaymentFailed,
    PaymentRefunded,
    PaymentSucceeded,
    RetryLater,
    topic_of,
)
from notifications import queries
from notifications.models import Preferences
from notifications.realtime import LivePublisher
from notifications.senders import MAX_PER_CALL, Push, PushSender, SendResult
from notifications.senders import Outcome as SendOutcome
from notifications.templates import Rendered, render

log = logging.getLogger("motcua.pushes")

# pushes sent before their deliveries are recorded: at most what a worker killed mid-send sends twice
# (on a busy FCM, the groups in flight), which each phone then shows once, by the dossier's tag
RECORD_EVERY = 20

EVENTS = (DossierStatusChanged, PaymentSucceeded, PaymentFailed, PaymentExpired, PaymentRefunded)
TOPICS = tuple(topic_of(kind) for kind in EVENTS)
_LOCALES = ("vi", "en")


def _push_allowed(category: str, prefs: Preferences) -> bool:
    allowed: bool = {"status": prefs.push_status, "payment": prefs.push_payment}.get(category, prefs.push_reminder)
    return allowed


def _pushed_later(event: Event) -> bool:
    """A step the system moved on from in the same transaction: the next event's push tells both."""
    return isinstance(event, DossierStatusChanged) and event.moved_on_to is not None


@dataclass
class Device:
    token: str
    platform: str
    locale: str


@dataclass
class Owner:
    devices: list[Device] = field(default_factory=list)
    prefs: Preferences = field(default_factory=Preferences)


@dataclass
class _Item:
    """One event the citizen hears about, in both languages, with what the inbox keeps."""

    event: Event
    owner: uuid.UUID
    rendered: dict[str, Rendered]
    entry: Rendered
    inbox_locale: str


class PushConsumer:
    """A core.events.BatchConsumer; called with one event it settles a batch of one."""

    def __init__(self, pool: asyncpg.Pool, clock: Clock, sender: PushSender, live: LivePublisher | None) -> None:
        self._pool = pool
        self._clock = clock
        self._sender = sender
        self._live = live

    async def __call__(self, event: Event) -> None:
        [outcome] = await self.batch([event])
        if outcome is not None:
            raise outcome

    async def batch(self, events: Sequence[Event]) -> list[ConsumerResult]:
        """Each event in its owner's inbox (live to an open app), then pushed to each device not pushed to
        yet; an event some push of which FCM asked to retry is retried (the others are recorded)."""
        outcomes: list[ConsumerResult] = [None] * len(events)
        rendered = [_rendered(event) for event in events]
        owners_ids = list({owner for owner, _ in filter(None, rendered)})
        if not owners_ids:
            return outcomes
        items, owners, delivered = await self._into_inboxes(events, rendered, owners_ids)
        await self._publish_live(items)
        pushes, sent_for = _pushes_due(items, owners, delivered)
        if not pushes:
            return outcomes
        results = await send_recorded(self._pool, self._clock, self._sender, pushes, sent_for)
        retries: dict[uuid.UUID, list[SendResult]] = defaultdict(list)
        for event_id, result in zip(sent_for, results, strict=True):
            if result.outcome is SendOutcome.RETRY:
                retries[event_id].append(result)
        return [retry_later(retries[e.event_id]) if e.event_id in retries else None for e in events]

    async def _into_inboxes(
        self,
        events: Sequence[Event],
        rendered: Sequence[tuple[uuid.UUID, dict[str, Rendered]] | None],
        owners_ids: list[uuid.UUID],
    ) -> tuple[list[_Item], dict[uuid.UUID, Owner], set[tuple[uuid.UUID, str]]]:
        """The events' inbox entries stored, their owners, and the (event, device) pairs already pushed."""
        async with acquire(self._pool) as conn:
            owners = await load_owners(conn, owners_ids)
            items = [
                _item(event, found[0], found[1], owners[found[0]])
                for event, found in zip(events, rendered, strict=True)
                if found is not None
            ]
            new = await _store_inbox(conn, items)
            # only an event whose inbox entry already existed can have been pushed before (a retry)
            again = [item.event.event_id for item in items if item.event.event_id not in new]
            delivered = (
                {(r["event_id"], r["token"]) for r in await conn.fetch(queries.DELIVERED, again)} if again else set()
            )
        return items, owners, delivered

    async def _publish_live(self, items: Sequence[_Item]) -> None:
        """Best effort: the inbox already holds it for an app that was closed."""
        if self._live is None or not items:
            return
        try:
            await self._live.publish_many(
                [
                    (
                        i.owner,
                        {"type": i.entry.type, "title": i.entry.title, "body": i.entry.body, "data": i.entry.data},
                    )
                    for i in items
                ]
            )
        except (OSError, RedisError) as exc:
            log.warning("live updates for %d notifications not published: %s", len(items), exc)


async def send_recorded(
    pool: asyncpg.Pool, clock: Clock, sender: PushSender, pushes: Sequence[Push], event_ids: Sequence[uuid.UUID]
) -> list[SendResult]:
    """Sends `pushes` (`event_ids[i]` the event of `pushes[i]`) in groups of RECORD_EVERY, up to
    MAX_PER_CALL pushes in flight as before, and records each group's deliveries as soon as FCM has
    answered it: a worker that dies mid-batch sends again only the groups it had not recorded, not
    the whole batch. One result per push, in order; a group whose deliveries could not be recorded
    (the database is down) raises, after every group has finished, so the events are retried."""
    gate = asyncio.Semaphore(max(1, MAX_PER_CALL // RECORD_EVERY))

    async def group(start: int) -> list[SendResult]:
        async with gate:
            results = await sender.send(pushes[start : start + RECORD_EVERY])
            tell_of_retries(results)
            await record_deliveries(pool, clock, event_ids[start : start + RECORD_EVERY], results)
            return results

    groups = await asyncio.gather(
        *(group(start) for start in range(0, len(pushes), RECORD_EVERY)), return_exceptions=True
    )
    for outcome in groups:
        if isinstance(outcome, BaseException):
            raise outcome
    return [result for results in groups if not isinstance(results, BaseException) for result in results]


def tell_of_retries(results: Sequence[SendResult]) -> None:
    """Pushes FCM asked to retry wait in the outbox; an operator hears of it at once, loudly when FCM
    refuses the credentials themselves (no push will leave until the setting is fixed)."""
    retried = [r for r in results if r.outcome is SendOutcome.RETRY]
    if not retried:
        return
    refused = next((r for r in retried if r.refused_us), None)
    if refused is not None:
        log.error(
            "FCM refuses this server's credentials (%s): no push leaves until MOTCUA_FIREBASE_CREDENTIALS and "
            "MOTCUA_FIREBASE_PROJECT_ID name the app's Firebase project; %d of %d pushes wait to be retried",
            refused.error,
            len(retried),
            len(results),
        )
    else:
        log.warning("FCM asked to retry %d of %d pushes (%s)", len(retried), len(results), retried[0].error)


async def record_deliveries(
    pool: asyncpg.Pool, clock: Clock, event_ids: Sequence[uuid.UUID], results: Sequence[SendResult]
) -> None:
    """Keeps what was sent or is hopeless (`event_ids[i]` is the event of `results[i]`) and forgets
    the tokens FCM calls dead; what is to be retried is left unrecorded."""
    rows = [
        (event_id, r.token, "sent" if r.outcome is SendOutcome.SENT else "dead", r.message_id, r.error)
        for event_id, r in zip(event_ids, results, strict=True)
        if r.outcome is not SendOutcome.RETRY
    ]
    dead = list({r.token for r in results if r.outcome is SendOutcome.DEAD_TOKEN})
    for r in results:
        if r.outcome is SendOutcome.DEAD_TOKEN:
            log.info("forgot dead push token %s…: %s", r.token[:12], r.error)
    if not rows:
        return
    columns = list(zip(*rows, strict=True))
    async with acquire(pool) as conn:
        await conn.execute(queries.RECORD_DELIVERIES, *map(list, columns), clock.now(), dead)


def push_consumer(
    pool: asyncpg.Pool, clock: Clock, sender: PushSender, live: LivePublisher | None = None
) -> PushConsumer:
    return PushConsumer(pool, clock, sender, live)


def _rendered(event: Event) -> tuple[uuid.UUID, dict[str, Rendered]] | None:
    """The owner and the texts of an event the citizen hears about; None for one they do not (no
    account, e.g. a counter dossier, or nothing to say)."""
    owner: uuid.UUID | None = getattr(event, "owner_id", None)
    if owner is None:
        return None
    typed: AnyEvent = event  # type: ignore[assignment]
    texts = {locale: r for locale in _LOCALES if (r := render(typed, locale)) is not None}
    return (owner, texts) if "vi" in texts else None


def _item(event: Event, owner: uuid.UUID, texts: dict[str, Rendered], devices: Owner) -> _Item:
    inbox_locale = devices.devices[-1].locale if devices.devices else "vi"  # the latest device's language
    return _Item(event, owner, texts, texts.get(inbox_locale) or texts["vi"], inbox_locale)


async def load_owners(conn: asyncpg.Connection, ids: list[uuid.UUID]) -> defaultdict[uuid.UUID, Owner]:
    owners: defaultdict[uuid.UUID, Owner] = defaultdict(Owner)
    for r in await conn.fetch(queries.OWNERS_DEVICES, ids):
        owner = owners[r["user_id"]]
        owner.devices.append(Device(r["token"], r["platform"], r["locale"]))
        if r["push_status"] is not None:  # a stored preferences row (the columns are NOT NULL)
            owner.prefs = Preferences(
                push_status=r["push_status"],
                push_payment=r["push_payment"],
                push_reminder=r["push_reminder"],
                sms_status=r["sms_status"],
            )
    return owners


async def _store_inbox(conn: asyncpg.Connection, items: Sequence[_Item]) -> set[uuid.UUID]:
    """Inserts the entries not stored yet; answers the events whose entry is new."""
    if not items:
        return set()
    rows = [
        (
            uuid.uuid4(),
            i.owner,
            i.event.event_id,
            i.entry.type,
            i.entry.category,
            i.entry.title,
            i.entry.body,
            i.entry.data,
            i.inbox_locale,
            i.event.occurred_at,  # when it happened, not when the worker got to it
        )
        for i in items
    ]
    inserted = await conn.fetch(queries.INSERT_NOTIFICATIONS, *map(list, zip(*rows, strict=True)))
    return {r["event_id"] for r in inserted}


def _push(rendered: Rendered, device: Device) -> Push:
    return Push(
        token=device.token,
        title=rendered.title,
        body=rendered.body,
        data=rendered.data,
        platform=device.platform,  # type: ignore[arg-type]
        collapse_key=rendered.data.get("dossier_id"),
    )


def retry_later(results: Sequence[SendResult]) -> RetryLater:
    waits = [r.retry_after for r in results if r.retry_after is not None]
    return RetryLater(f"{len(results)} push(es) to retry: {results[0].error}", after=max(waits) if waits else None)


def _pushes_due(
    items: Sequence[_Item], owners: Mapping[uuid.UUID, Owner], delivered: set[tuple[uuid.UUID, str]]
) -> tuple[list[Push], list[uuid.UUID]]:
    """One push per device of each item's owner that allows its category and was not pushed to yet, in the
    device's language; beside them, the event each push is for."""
    pushes: list[Push] = []
    sent_for: list[uuid.UUID] = []
    for item in items:
        whose = owners[item.owner]
        if _pushed_later(item.event) or not _push_allowed(item.entry.category, whose.prefs):
            continue
        for device in whose.devices:
            if (item.event.event_id, device.token) not in delivered:
                pushes.append(_push(item.rendered.get(device.locale) or item.entry, device))
                sent_for.append(item.event.event_id)
    return pushes, sent_for
