"""What the push tests share besides the FCM stand-in and sender of tests/integration/conftest.py: a drain."""

from __future__ import annotations

import asyncpg

from core.clock import FixedClock
from core.events import Dispatcher
from notifications.pushes import TOPICS, push_consumer
from notifications.senders import FirebaseSender


async def drain(pool: asyncpg.Pool, clock: FixedClock, sender: FirebaseSender) -> int:
    """Settles every due outbox row through the push consumer; how many were claimed."""
    consumer = push_consumer(pool, clock, sender)
    dispatcher = Dispatcher(pool, dict.fromkeys(TOPICS, consumer), clock=clock)
    total = 0
    while claimed := await dispatcher.run_once():
        total += claimed
    return total
