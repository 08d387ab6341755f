"""What the push tests share: an FCM stand-in, the real firebase-admin sender pointed at it, and a drain."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator

import asyncpg
import pytest

from core.clock import FixedClock
from core.outbox import Dispatcher
from notifications.pushes import TOPICS, push_consumer
from notifications.senders import FirebaseSender
from tests.integration.standins.fcm import FcmStandin

PROJECT = "motcua-test"


@pytest.fixture
def fcm() -> Iterator[FcmStandin]:
    with FcmStandin(PROJECT) as standin:
        yield standin


@pytest.fixture
async def sender(fcm: FcmStandin) -> AsyncIterator[FirebaseSender]:
    sender = FirebaseSender(credentials="anonymous", project_id=PROJECT, base_url=fcm.url, timeout=10)
    yield sender
    await sender.aclose()


async def drain(pool: asyncpg.Pool, clock: FixedClock, sender: FirebaseSender) -> int:
    """Settles every due outbox row through the push consumer; how many were claimed."""
    consumer = push_consumer(pool, clock, sender)
    dispatcher = Dispatcher(pool, dict.fromkeys(TOPICS, consumer), clock=clock)
    total = 0
    while claimed := await dispatcher.run_once():
        total += claimed
    return total
