"""The outbox consumer that tells citizens without the app by SMS: the steps a push would tell
(notifications/sms_texts.py) go to the account's phone when it has no device registered and has not
turned SMS off, or to the phone given at the counter when no account owns the dossier.

Each step sent is recorded once the gateway took it, so a retry of the event (the gateway failed, or
another consumer of the topic did) never sends it again: at least once, and a duplicate only if the
worker dies between the gateway's answer and the record. The sender is handed in by the composition
root (the SMS gateway of sign-in codes): this package does not import the dossier side."""

from __future__ import annotations

import asyncio
import logging
import uuid
from collections.abc import Sequence
from typing import Final, Protocol

import asyncpg

from core.clock import Clock
from core.db import acquire
from core.events import ConsumerResult, DossierStatusChanged, Event, RetryLater
from notifications import queries
from notifications.sms_texts import sms_text

log = logging.getLogger("motcua.sms.steps")

EVENTS: Final = (DossierStatusChanged,)
_AT_ONCE: Final = 10  # messages in flight to the gateway at a time


class TextSender(Protocol):
    async def send(self, phone: str, text: str) -> None:
        """Sends `text` to `phone`, or raises when the gateway did not take it."""
        ...


def masked(phone: str) -> str:
    return phone[:2] + "*" * (len(phone) - 4) + phone[-2:] if len(phone) > 4 else "*" * len(phone)


class SmsConsumer:
    """A core.events.BatchConsumer; called with one event it settles a batch of one."""

    def __init__(self, pool: asyncpg.Pool, clock: Clock, sender: TextSender) -> None:
        self._pool = pool
        self._clock = clock
        self._sender = sender
        self._at_once = asyncio.Semaphore(_AT_ONCE)

    async def __call__(self, event: Event) -> None:
        [outcome] = await self.batch([event])
        if outcome is not None:
            raise outcome

    async def batch(self, events: Sequence[Event]) -> list[ConsumerResult]:
        outcomes: list[ConsumerResult] = [None] * len(events)
        told = [
            (index, event, text)
            for index, event in enumerate(events)
            if isinstance(event, DossierStatusChanged) and (text := sms_text(event)) is not None
        ]
        if not told:
            return outcomes
        owners = list({event.owner_id for _, event, _ in told if event.owner_id is not None})
        async with acquire(self._pool) as conn:
            recipients = {r["id"]: r for r in await conn.fetch(queries.SMS_RECIPIENTS, owners)} if owners else {}
            sent = {r["event_id"] for r in await conn.fetch(queries.SMS_SENT, [e.event_id for _, e, _ in told])}
        sends = [
            (index, event, phone, text)
            for index, event, text in told
            if event.event_id not in sent and (phone := _phone(event, recipients)) is not None
        ]
        if not sends:
            return outcomes
        results = await asyncio.gather(
            *(self._send(phone, text) for _, _, phone, text in sends), return_exceptions=True
        )
        done: list[tuple[uuid.UUID, uuid.UUID, uuid.UUID | None, str]] = []
        for (index, event, phone, _), result in zip(sends, results, strict=True):
            if isinstance(result, BaseException):
                log.warning("SMS of %s to %s not sent: %s", event.event_id, masked(phone), result)
                outcomes[index] = RetryLater(f"SMS not sent: {type(result).__name__}")
            else:
                done.append((event.event_id, event.dossier_id, event.owner_id, masked(phone)))
        if done:
            async with acquire(self._pool) as conn:
                await conn.execute(queries.RECORD_SMS, *map(list, zip(*done, strict=True)), self._clock.now())
        return outcomes

    async def _send(self, phone: str, text: str) -> None:
        async with self._at_once:
            await self._sender.send(phone, text)


def _phone(event: DossierStatusChanged, recipients: dict[uuid.UUID, asyncpg.Record]) -> str | None:
    """Where the step's SMS goes, None when it goes nowhere (the app tells them, or they said no)."""
    if event.owner_id is None:
        return event.contact_phone  # filed at the counter by someone with no account
    found = recipients.get(event.owner_id)
    if found is None or found["has_device"] or not found["sms_status"]:
        return None
    phone: str = found["phone"]
    return phone


def sms_consumer(pool: asyncpg.Pool, clock: Clock, sender: TextSender) -> SmsConsumer:
    return SmsConsumer(pool, clock, sender)
